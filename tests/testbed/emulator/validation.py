# -*- coding: utf-8 -*-
"""Server-side shape checks (botocore model constraints), reported the way AWS JSON services do.

botocore checks only `required`, types and `min` on the client; the service also checks `max`,
`pattern` and enums, and answers ValidationException: "N validation error(s) detected: ...".
Values of sensitive members are never echoed.
"""

import re

from .errors import ValidationException

CONNECTIVITY_TYPES = ("PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE")
STORE_TYPES = ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")


class Rule(object):
    """Constraints of one request member; `label` is the member's path as AWS reports it."""

    def __init__(self, label, min_len=None, max_len=None, pattern=None, enum=None, sensitive=False):
        self.label = label
        self.min_len = min_len
        self.max_len = max_len
        self.pattern_text = pattern
        # Smithy patterns are searched, not implicitly anchored; `$` must not accept a trailing newline.
        self.pattern = re.compile(pattern.replace("$", r"\Z")) if pattern else None
        self.enum = enum
        self.sensitive = sensitive

    def problems(self, value):
        if not isinstance(value, str):
            return ["Member must be a string"]
        found = []
        if self.enum is not None and value not in self.enum:
            found.append("Member must satisfy enum value set: [%s]" % ", ".join(self.enum))
        if self.min_len is not None and len(value) < self.min_len:
            found.append("Member must have length greater than or equal to %d" % self.min_len)
        if self.max_len is not None and len(value) > self.max_len:
            found.append("Member must have length less than or equal to %d" % self.max_len)
        if self.pattern is not None and not self.pattern.search(value):
            found.append("Member must satisfy regular expression pattern: %s" % self.pattern_text)
        return found


def _rules():
    path_pattern = r"^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$"
    service_pattern = r"^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$"
    return {
        "CustomKeyStoreName": Rule("customKeyStoreName", 1, 256),
        "NewCustomKeyStoreName": Rule("newCustomKeyStoreName", 1, 256),
        "CustomKeyStoreId": Rule("customKeyStoreId", 1, 64),
        "CustomKeyStoreType": Rule("customKeyStoreType", enum=STORE_TYPES),
        "XksProxyConnectivity": Rule("xksProxyConnectivity", enum=CONNECTIVITY_TYPES),
        "XksProxyUriEndpoint": Rule("xksProxyUriEndpoint", 10, 128, r"^https://[a-zA-Z0-9.-]+$"),
        "XksProxyUriPath": Rule("xksProxyUriPath", 10, 128, path_pattern),
        "XksProxyVpcEndpointServiceName": Rule("xksProxyVpcEndpointServiceName", 20, 64, service_pattern),
        "XksProxyVpcEndpointServiceOwner": Rule("xksProxyVpcEndpointServiceOwner", 12, 12, r"[0-9]{12}"),
        "AccessKeyId": Rule("xksProxyAuthenticationCredential.accessKeyId", 20, 30, r"^[A-Z2-7]+$", sensitive=True),
        "RawSecretAccessKey": Rule("xksProxyAuthenticationCredential.rawSecretAccessKey", 43, 64, r"^[a-zA-Z0-9\/+=]+$", sensitive=True),
        "Marker": Rule("marker", 1, 1024, r"[\u0020-\u00FF]*"),
        "XksKeyId": Rule("xksKeyId", 1, 128, r"^[a-zA-Z0-9-_.]+$"),
    }


RULES = _rules()


class Checker(object):
    """Collects every problem of one request, then raises them together."""

    def __init__(self):
        self.errors = []

    def member(self, name, value, rule=None):
        """Check `value` (skipped when None) against the rule of member `name`."""
        if value is None:
            return
        rule = rule or RULES[name]
        for problem in rule.problems(value):
            if rule.sensitive:
                self.errors.append("Value at '%s' failed to satisfy constraint: %s" % (rule.label, problem))
            else:
                self.errors.append("Value '%s' at '%s' failed to satisfy constraint: %s" % (value, rule.label, problem))

    def credential(self, value):
        if value is None:
            return
        if not isinstance(value, dict):
            self.errors.append("Value at 'xksProxyAuthenticationCredential' failed to satisfy constraint: Member must be a structure")
            return
        for name in ("AccessKeyId", "RawSecretAccessKey"):
            if value.get(name) is None:
                self.errors.append("Value null at '%s' failed to satisfy constraint: Member must not be null" % RULES[name].label)
            self.member(name, value.get(name))

    def limit(self, value):
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            self.errors.append("Value '%s' at 'limit' failed to satisfy constraint: Member must be an integer" % (value,))
        elif value < 1:
            self.errors.append("Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1" % value)
        elif value > 1000:
            self.errors.append("Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000" % value)

    def required(self, name, value):
        if value is None:
            label = RULES[name].label if name in RULES else name[0].lower() + name[1:]
            self.errors.append("Value null at '%s' failed to satisfy constraint: Member must not be null" % label)

    def done(self):
        if self.errors:
            count = len(self.errors)
            raise ValidationException("%d validation error%s detected: %s" % (count, "" if count == 1 else "s", "; ".join(self.errors)))

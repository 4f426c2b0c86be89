# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of kms.xks.xks_key and their rules, checked before any API call. Functions return lists of messages."""

import json

from ansible_collections.kms.xks.plugins.module_utils._spec.credential import proxy_credential_argument_spec
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import ID_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import NAME_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_credential
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import model_rule

ALIAS_PREFIX = "alias/"
ALIAS_RULE = model_rule("AliasNameType", "alias/ followed by letters, digits, /, _ and - (at most 256 characters)")
KEY_ID_RULE = model_rule("KeyIdType", "a key ID or key ARN")
XKS_KEY_ID_RULE = model_rule("XksKeyIdType", "the external key's ID on the proxy: letters, digits, -, _ and . (1 to 128 characters)")
DESCRIPTION_RULE = model_rule("DescriptionType", "at most 8192 characters")
POLICY_RULE = model_rule("PolicyType", "a JSON key policy of printable characters")
TAG_KEY_RULE = model_rule("TagKeyType", "1 to 128 characters")
TAG_VALUE_RULE = model_rule("TagValueType", "0 to 256 characters")
# The Developer Guide's waiting period; the botocore model allows 1-365.
PENDING_WINDOW_RANGE = (7, 30)


def key_argument_spec():
    spec = dict(
        alias=dict(type="str"),
        key_id=dict(type="str"),
        custom_key_store_id=dict(type="str"),
        custom_key_store_name=dict(type="str"),
        xks_key_id=dict(type="str"),
        description=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        policy=dict(type="json"),
        enabled=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        pending_window=dict(type="int", default=30),
        preflight=dict(type="str", default="auto", choices=["auto", "always", "never"]),
    )
    spec.update(proxy_credential_argument_spec())
    return spec


KEY_MUTUALLY_EXCLUSIVE = [
    ["custom_key_store_id", "custom_key_store_name"],
    ["xks_proxy_configuration_file", "xks_proxy_authentication_credential"],
]


def alias_name(alias):
    """The AliasName KMS uses: alias/<name>."""
    if alias is None:
        return None
    return alias if alias.startswith(ALIAS_PREFIX) else ALIAS_PREFIX + alias


def _alias_problems(alias):
    name = alias_name(alias)
    problem = check_value("alias", name, ALIAS_RULE)
    if problem:
        return [problem]
    if name.startswith("alias/aws/"):
        return ["alias: %r begins with alias/aws/, which AWS keeps for AWS managed keys." % name]
    return []


def _policy_problems(policy):
    if policy is None:
        return []
    problem = check_value("policy", policy, POLICY_RULE, secret=True)  # not secret, but too long to echo
    if problem:
        return [problem]
    try:
        document = json.loads(policy)
    except ValueError as e:
        return ["policy is not valid JSON: %s." % getattr(e, "msg", "parse error")]
    return [] if isinstance(document, dict) else ["policy must be a JSON object (a key policy document)."]


def _tag_problems(tags):
    problems = []
    for key, value in (tags or {}).items():
        problems.append(check_value("tags: key", key, TAG_KEY_RULE))
        problems.append(check_value("tags: value of %r" % key, "" if value is None else str(value), TAG_VALUE_RULE))
    return problems


def validate_key_options(params):
    """Every rule of xks_key's options that needs no API call."""
    errors = []
    if params.get("alias") is not None:
        errors.extend(_alias_problems(params["alias"]))
    simple = (
        ("key_id", KEY_ID_RULE),
        ("custom_key_store_id", ID_RULE),
        ("custom_key_store_name", NAME_RULE),
        ("xks_key_id", XKS_KEY_ID_RULE),
        ("description", DESCRIPTION_RULE),
    )
    for option, rule in simple:
        if params.get(option) is not None:
            errors.append(check_value(option, params[option], rule))
    if params.get("xks_proxy_authentication_credential") is not None:
        errors.extend(check_credential("xks_proxy_authentication_credential", params["xks_proxy_authentication_credential"]))
    errors.extend(_policy_problems(params.get("policy")))
    errors.extend(_tag_problems(params.get("tags")))
    errors.append(check_pending_window(params["pending_window"]))
    return [error for error in errors if error]


def check_pending_window(days):
    """The message for a pending_window outside 7-30 days, or None."""
    low, high = PENDING_WINDOW_RANGE
    if days is not None and not low <= days <= high:
        return "pending_window must be %d to %d days, got %s." % (low, high, days)
    return None


def create_problems(params):
    """What a create needs that the task does not give."""
    errors = []
    if params.get("custom_key_store_id") is None and params.get("custom_key_store_name") is None:
        errors.append("custom_key_store_id or custom_key_store_name is required to create a KMS key in an external key store.")
    if params.get("xks_key_id") is None:
        errors.append("xks_key_id is required to create a KMS key in an external key store.")
    if params.get("key_id") is not None:
        errors.append("key_id %r names no existing KMS key; to create a key, give alias instead." % params["key_id"])
    return errors

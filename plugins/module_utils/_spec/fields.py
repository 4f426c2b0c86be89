# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Field rules of the KMS API, and the checks of single values against them, before any API call.

Every pattern and length comes from the installed botocore's KMS model (``kms/2014-11-01``, read with
botocore's loader, no client needed), so the rules move with botocore; botocore itself only checks
minimum lengths, so without them a bad value would reach KMS (or, worse, be sent after a disconnect).
Functions return a message or None (a list for a credential); each message names the option and
never echoes a secret.
"""

import re
import ssl

try:
    from botocore.exceptions import InvalidRegionError
    from botocore.loaders import Loader
    from botocore.utils import validate_region_name

    _SHAPES = Loader().load_service_model("kms", "service-2")["shapes"]
except ImportError:
    _SHAPES = {}  # the modules report a missing botocore before they validate anything


def model_rule(shape, description):
    """(pattern, min length, max length, what a valid value looks like) of a string shape of the KMS model."""
    model = _SHAPES.get(shape, {})
    return (model.get("pattern"), model.get("min", 0), model.get("max", 0), description)


ENDPOINT_RULE = model_rule("XksProxyUriEndpointType", "https:// followed by a host name, with no port and no path")
URI_PATH_RULE = model_rule("XksProxyUriPathType", "/kms/xks/v1 or /<prefix>/kms/xks/v1 (letters, digits, /, _ and - only)")
VPC_ENDPOINT_SERVICE_NAME_RULE = model_rule(
    "XksProxyVpcEndpointServiceNameType", "a VPC endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
)
ACCOUNT_ID_RULE = model_rule("AccountIdType", "a 12-digit AWS account ID")
ACCESS_KEY_ID_RULE = model_rule("XksProxyAuthenticationAccessKeyIdType", "20 to 30 characters: upper-case letters A-Z and digits 2-7")
SECRET_RULE = model_rule("XksProxyAuthenticationRawSecretAccessKeyType", "43 to 64 characters: letters, digits, /, + and =")
NAME_RULE = model_rule("CustomKeyStoreNameType", "1 to 256 characters")
ID_RULE = model_rule("CustomKeyStoreIdType", "1 to 64 characters, such as cks-1234567890abcdef0")

CREDENTIAL_SECRET = "raw_secret_access_key"


def check_value(label, value, rule, secret=False):
    """Check one value against a (pattern, min, max, description) rule. Returns a message or None."""
    pattern, min_len, max_len, description = rule
    if not isinstance(value, str):
        return "%s must be a string (%s)." % (label, description)
    shown = "the value given" if secret else "%r" % value
    if not min_len <= len(value) <= max_len:
        return "%s: %s has %d characters; it must be %s (%d to %d characters)." % (label, shown, len(value), description, min_len, max_len)
    # fullmatch + ASCII: as in KMS, "$" must not accept a trailing newline and "\\d" only ASCII digits.
    if pattern and not re.fullmatch(pattern, value, re.ASCII):
        return "%s: %s is not valid; it must be %s." % (label, shown, description)
    return None


def _endpoint_mistake(value):
    """What is wrong with an endpoint in the common mistakes, or None; user info is never described by value."""
    if value != value.strip():
        return "must not begin or end with whitespace"
    scheme, sep, rest = value.partition("://")
    if not sep:
        return "must begin with https://"
    if scheme != "https":
        return "must use https:// (in lower case); KMS only talks to the proxy over HTTPS on port 443"
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in host:
        return "must not contain user info (a user name or password before an @); KMS signs its requests with xks_proxy_authentication_credential"
    if host != rest:
        return "must not contain a path, query or fragment; put the path in xks_proxy_uri_path"
    if ":" in host:
        return "must not contain a port; KMS always uses port 443"
    return None


def check_endpoint(label, value):
    """Like check_value for an endpoint, but say precisely what is wrong with the common mistakes."""
    if not isinstance(value, str):
        return check_value(label, value, ENDPOINT_RULE)
    # User info may hold a password: a value with an "@" is never shown.
    shown = "the value given" if "@" in value else "%r" % value
    mistake = _endpoint_mistake(value)
    if mistake:
        return "%s: %s %s." % (label, shown, mistake)
    return check_value(label, value, ENDPOINT_RULE, secret="@" in value)


def check_credential(label, credential, secret_needed_for=None):
    """Check an {access_key_id, raw_secret_access_key} pair. Returns a list of messages.

    The secret may be left out, unless ``secret_needed_for`` says what needs it. An access key ID that
    is not valid is not shown either: it may be a secret put in the wrong place.
    """
    messages = [check_value("%s.access_key_id" % label, credential.get("access_key_id"), ACCESS_KEY_ID_RULE, secret=True)]
    if credential.get(CREDENTIAL_SECRET) is not None:
        messages.append(check_value("%s.%s" % (label, CREDENTIAL_SECRET), credential[CREDENTIAL_SECRET], SECRET_RULE, secret=True))
    elif secret_needed_for:
        messages.append(missing_secret(label, secret_needed_for))
    return [message for message in messages if message]


def missing_secret(label, needed_for):
    """The message for a credential without its secret where one is needed."""
    return "%s.%s is required to %s (the access key ID alone is only enough to compare)." % (label, CREDENTIAL_SECRET, needed_for)


def check_region(label, value):
    """A Region name as botocore accepts one for a client (a host label), and not empty: the signature's credential
    scope holds it, so a bad one would only come back from the proxy as a rejected credential. Returns a message or None."""
    try:
        validate_region_name(value)
        valid = bool(value)  # botocore's rule lets the empty name through
    except InvalidRegionError:
        valid = False
    if valid:
        return None
    return "%s: %r is not a valid AWS Region name; it must look like us-east-1 (letters, digits and hyphens, up to 63 characters)." % (label, value)


def check_ca_file(label, path):
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError, ValueError) as e:
        return "%s: cannot load %s as PEM CA certificates: %s." % (label, path, getattr(e, "strerror", None) or getattr(e, "reason", None) or e)
    return None

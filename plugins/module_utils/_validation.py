# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of external key store properties, before any API call.

Every format rule comes from the KMS API model (botocore ``kms/2014-11-01``): botocore itself only
checks minimum lengths, so without these rules a bad value would reach KMS (or, worse, be sent after a
disconnect). Functions return lists of messages; each message names the option and never echoes a
secret.
"""

import json
import re

# Field rules of the KMS model: (pattern, min length, max length, what a valid value looks like).
ENDPOINT_RULE = (r"^https://[a-zA-Z0-9.-]+$", 10, 128, "https:// followed by a host name, with no port and no path")
URI_PATH_RULE = (
    r"^(/[a-zA-Z0-9/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$",
    10,
    128,
    "/kms/xks/v1 or /<prefix>/kms/xks/v1 (letters, digits, /, _ and - only)",
)
VPC_ENDPOINT_SERVICE_NAME_RULE = (
    r"^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$",
    20,
    64,
    "a VPC endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
)
ACCOUNT_ID_RULE = (r"^[0-9]{12}$", 12, 12, "a 12-digit AWS account ID")
ACCESS_KEY_ID_RULE = (r"^[A-Z2-7]+$", 20, 30, "20 to 30 characters: upper-case letters A-Z and digits 2-7")
SECRET_RULE = (r"^[a-zA-Z0-9/+=]+$", 43, 64, "43 to 64 characters: letters, digits, /, + and =")
NAME_RULE = (None, 1, 256, "1 to 256 characters")
ID_RULE = (None, 1, 64, "1 to 64 characters, such as cks-1234567890abcdef0")

CONNECTIVITY_PUBLIC = "PUBLIC_ENDPOINT"
CONNECTIVITY_VPC = "VPC_ENDPOINT_SERVICE"

# Keys of the proxy configuration file that the KMS console accepts.
CONFIG_URI_PATH = "XksProxyUriPath"
CONFIG_CREDENTIAL = "XksProxyAuthenticationCredential"
CONFIG_ACCESS_KEY_ID = "AccessKeyId"
CONFIG_SECRET = "RawSecretAccessKey"


class XksValidationError(Exception):
    """Bad input; the message names the option and carries no secret."""


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


def check_endpoint(label, value):
    """Like check_value for an endpoint, but say precisely what is wrong with the common mistakes."""
    if isinstance(value, str):
        scheme, sep, rest = value.partition("://")
        if sep and scheme.lower() != "https":
            return "%s: %r must use https:// (KMS only talks to the proxy over HTTPS on port 443)." % (label, value)
        if sep and "/" in rest:
            return "%s: %r must not contain a path; put the path in xks_proxy_uri_path." % (label, value)
        if sep and ":" in rest:
            return "%s: %r must not contain a port; KMS always uses port 443." % (label, value)
    return check_value(label, value, ENDPOINT_RULE)


def check_credential(label, credential):
    """Check an {access_key_id, raw_secret_access_key} pair. Returns a list of messages."""
    return [
        message
        for message in (
            check_value("%s.access_key_id" % label, credential.get("access_key_id"), ACCESS_KEY_ID_RULE),
            check_value("%s.raw_secret_access_key" % label, credential.get("raw_secret_access_key"), SECRET_RULE, secret=True),
        )
        if message
    ]


def validate_keystore_options(params):
    """Format rules, option ranges and the cross-field rules that need no knowledge of the current store."""
    errors = []
    simple = (
        ("name", NAME_RULE),
        ("id", ID_RULE),
        ("xks_proxy_uri_path", URI_PATH_RULE),
        ("xks_proxy_vpc_endpoint_service_name", VPC_ENDPOINT_SERVICE_NAME_RULE),
        ("xks_proxy_vpc_endpoint_service_owner", ACCOUNT_ID_RULE),
    )
    for option, rule in simple:
        if params.get(option) is not None:
            errors.append(check_value(option, params[option], rule))
    if params.get("xks_proxy_uri_endpoint") is not None:
        errors.append(check_endpoint("xks_proxy_uri_endpoint", params["xks_proxy_uri_endpoint"]))
    if params.get("xks_proxy_authentication_credential") is not None:
        errors.extend(check_credential("xks_proxy_authentication_credential", params["xks_proxy_authentication_credential"]))
    if params.get("wait_timeout") is not None and params["wait_timeout"] <= 0:
        errors.append("wait_timeout must be greater than 0 seconds, got %s." % params["wait_timeout"])

    connectivity = params.get("xks_proxy_connectivity")
    if connectivity == CONNECTIVITY_PUBLIC:
        for option in ("xks_proxy_vpc_endpoint_service_name", "xks_proxy_vpc_endpoint_service_owner"):
            if params.get(option) is not None:
                errors.append("%s is only valid with xks_proxy_connectivity=VPC_ENDPOINT_SERVICE, not PUBLIC_ENDPOINT." % option)
    return [error for error in errors if error]


def validate_create(desired):
    """What CreateCustomKeyStore needs for an external key store. ``desired`` uses the option names."""
    required = ("name", "xks_proxy_connectivity", "xks_proxy_uri_endpoint", "xks_proxy_uri_path", "xks_proxy_authentication_credential")
    missing = [option for option in required if desired.get(option) is None]
    errors = []
    if missing:
        errors.append(
            "Creating an external key store needs %s (the path and credential may come from xks_proxy_configuration_file); missing: %s."
            % (", ".join(required), ", ".join(missing))
        )
    if desired.get("xks_proxy_connectivity") == CONNECTIVITY_VPC and desired.get("xks_proxy_vpc_endpoint_service_name") is None:
        errors.append("xks_proxy_connectivity=VPC_ENDPOINT_SERVICE needs xks_proxy_vpc_endpoint_service_name.")
    return errors


def parse_proxy_configuration(text, label="xks_proxy_configuration_file"):
    """Parse the JSON proxy configuration file the KMS console accepts.

    Returns (uri_path, credential dict). Unknown keys are ignored: vendors may add their own.
    Raises XksValidationError with every problem found; the secret never appears in a message.
    """
    try:
        document = json.loads(text)
    except ValueError as e:
        # json's messages give a position, never the content.
        raise XksValidationError("%s is not valid JSON: %s." % (label, getattr(e, "msg", "parse error")))
    if not isinstance(document, dict):
        raise XksValidationError("%s must hold a JSON object with %s and %s." % (label, CONFIG_URI_PATH, CONFIG_CREDENTIAL))
    errors = []
    uri_path = document.get(CONFIG_URI_PATH)
    if uri_path is None:
        errors.append("%s lacks the key %s." % (label, CONFIG_URI_PATH))
    else:
        errors.append(check_value("%s: %s" % (label, CONFIG_URI_PATH), uri_path, URI_PATH_RULE))
    credential = document.get(CONFIG_CREDENTIAL)
    pair = None
    if credential is None:
        errors.append("%s lacks the key %s." % (label, CONFIG_CREDENTIAL))
    elif not isinstance(credential, dict):
        errors.append("%s: %s must be an object with %s and %s." % (label, CONFIG_CREDENTIAL, CONFIG_ACCESS_KEY_ID, CONFIG_SECRET))
    else:
        for key in (CONFIG_ACCESS_KEY_ID, CONFIG_SECRET):
            if key not in credential:
                errors.append("%s lacks the key %s.%s." % (label, CONFIG_CREDENTIAL, key))
        where = "%s: %s." % (label, CONFIG_CREDENTIAL)
        if CONFIG_ACCESS_KEY_ID in credential:
            errors.append(check_value(where + CONFIG_ACCESS_KEY_ID, credential[CONFIG_ACCESS_KEY_ID], ACCESS_KEY_ID_RULE))
        if CONFIG_SECRET in credential:
            errors.append(check_value(where + CONFIG_SECRET, credential[CONFIG_SECRET], SECRET_RULE, secret=True))
        pair = {"access_key_id": credential.get(CONFIG_ACCESS_KEY_ID), "raw_secret_access_key": credential.get(CONFIG_SECRET)}
    errors = [error for error in errors if error]
    if errors:
        raise XksValidationError(" ".join(errors))
    return uri_path, pair


def read_proxy_configuration_file(path, label="xks_proxy_configuration_file"):
    """Read and parse the proxy configuration file at ``path``; see parse_proxy_configuration."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            text = handle.read()
    except (IOError, OSError, UnicodeDecodeError) as e:
        raise XksValidationError("%s: cannot read %s: %s." % (label, path, getattr(e, "strerror", None) or type(e).__name__))
    return parse_proxy_configuration(text, label)


def proxy_path_and_credential(params, add_secret):
    """(uri_path, credential) from xks_proxy_configuration_file when given, else from the options.

    ``add_secret`` is called with the secret read from the file, so that it is masked in every output
    like a no_log option. Raises XksValidationError for a bad file.
    """
    if not params.get("xks_proxy_configuration_file"):
        return params.get("xks_proxy_uri_path"), params.get("xks_proxy_authentication_credential")
    uri_path, credential = read_proxy_configuration_file(params["xks_proxy_configuration_file"])
    add_secret(credential["raw_secret_access_key"])
    return uri_path, credential

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
import os
import re
import stat

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
# The console's proxy configuration file is well under 1 KiB; anything larger is not one.
CONFIG_FILE_MAX_BYTES = 64 * 1024
CREDENTIAL_SECRET = "raw_secret_access_key"


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


def name_warnings(params):
    """Warnings for a name that KMS accepts but that is probably a mistake."""
    name = params.get("name")
    if isinstance(name, str) and name and name != name.strip():
        return [
            "name %r begins or ends with whitespace. KMS keeps it as given, so it names another key store than %r: "
            "a lookup by this name does not find that store, and a rename gives the store this exact name." % (name, name.strip())
        ]
    return []


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


def validate_create(desired, need_secret=True):
    """What CreateCustomKeyStore needs for an external key store. ``desired`` uses the option names.

    The secret is needed only to really create it (``need_secret``); check mode predicts without it.
    """
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
    credential = desired.get("xks_proxy_authentication_credential")
    if need_secret and credential is not None and credential.get(CREDENTIAL_SECRET) is None:
        errors.append(missing_secret("xks_proxy_authentication_credential", "create the external key store"))
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
            # Not shown when not valid: it may be the secret in the wrong place.
            errors.append(check_value(where + CONFIG_ACCESS_KEY_ID, credential[CONFIG_ACCESS_KEY_ID], ACCESS_KEY_ID_RULE, secret=True))
        if CONFIG_SECRET in credential:
            errors.append(check_value(where + CONFIG_SECRET, credential[CONFIG_SECRET], SECRET_RULE, secret=True))
        pair = {"access_key_id": credential.get(CONFIG_ACCESS_KEY_ID), "raw_secret_access_key": credential.get(CONFIG_SECRET)}
    errors = [error for error in errors if error]
    if errors:
        raise XksValidationError(" ".join(errors))
    return uri_path, pair


def _not_a_configuration_file(status):
    """Why a file with this os.stat result is not read, or None."""
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file"
    if status.st_size > CONFIG_FILE_MAX_BYTES:
        return "has %d bytes; a proxy configuration file has at most %d" % (status.st_size, CONFIG_FILE_MAX_BYTES)
    return None


def _read_small_regular_file(path, label):
    """The text of a regular file of at most CONFIG_FILE_MAX_BYTES; anything else fails at once, without blocking."""
    try:
        problem = _not_a_configuration_file(os.stat(path))
        if problem is None:
            # O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not wait for a writer.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(descriptor, "rb") as handle:
                problem = _not_a_configuration_file(os.fstat(handle.fileno()))
                data = handle.read(CONFIG_FILE_MAX_BYTES + 1) if problem is None else b""
            if problem is None and len(data) > CONFIG_FILE_MAX_BYTES:
                problem = "has more than %d bytes; a proxy configuration file has at most %d" % (CONFIG_FILE_MAX_BYTES, CONFIG_FILE_MAX_BYTES)
    except (IOError, OSError) as e:
        raise XksValidationError("%s: cannot read %s: %s." % (label, path, getattr(e, "strerror", None) or type(e).__name__))
    if problem:
        raise XksValidationError("%s: %s %s." % (label, path, problem))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise XksValidationError("%s: %s is not UTF-8 text." % (label, path))


def read_proxy_configuration_file(path, label="xks_proxy_configuration_file"):
    """Read and parse the proxy configuration file at ``path`` (a regular file of at most 64 KiB); see parse_proxy_configuration."""
    return parse_proxy_configuration(_read_small_regular_file(path, label), label)


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

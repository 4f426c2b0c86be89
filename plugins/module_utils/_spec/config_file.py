# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The JSON proxy configuration file that the KMS console accepts, read safely and checked field by field."""

import json
import os
import stat

from ansible_collections.kms.xks.plugins.module_utils._spec.fields import ACCESS_KEY_ID_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import SECRET_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import URI_PATH_RULE
from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksValidationError
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value

# Keys of the proxy configuration file that the KMS console accepts.
CONFIG_URI_PATH = "XksProxyUriPath"
CONFIG_CREDENTIAL = "XksProxyAuthenticationCredential"
CONFIG_ACCESS_KEY_ID = "AccessKeyId"
CONFIG_SECRET = "RawSecretAccessKey"
# The console's proxy configuration file is well under 1 KiB; anything larger is not one.
CONFIG_FILE_MAX_BYTES = 64 * 1024


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


def proxy_source(params, add_secret):
    """(uri_path, credential, messages) from xks_proxy_configuration_file when given, else from the options.

    ``add_secret`` is called with the secret read from the file, so that it is masked in every output
    like a no_log option. A bad file gives its messages and no path or credential.
    """
    if not params.get("xks_proxy_configuration_file"):
        return params.get("xks_proxy_uri_path"), params.get("xks_proxy_authentication_credential"), []
    try:
        uri_path, credential = read_proxy_configuration_file(params["xks_proxy_configuration_file"])
    except XksValidationError as e:
        return None, None, [str(e)]
    add_secret(credential["raw_secret_access_key"])
    return uri_path, credential, []

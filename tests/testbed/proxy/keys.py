# -*- coding: utf-8 -*-
"""External keys: the per-path key table (what GetKeyMetadata answers) and the key managers' material.

A key table entry is `{id, key_spec, key_usage, key_status}`; the material lives in a key manager
(EKM), one AES-256 key per key id. Instances that front the same key manager share its material.
"""

import base64
import re
import secrets
import threading

# Spec, "API operations": at most 128 characters of letters, digits, hyphen, period, underscore.
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
KEY_SPEC_PATTERN = re.compile(r"^[A-Z0-9_]{1,32}$")
# Spec, GetKeyMetadata: ENCRYPT/DECRYPT, and MAY list others (PKCS#11 ones); at most ten values.
KEY_USAGES = ("ENCRYPT", "DECRYPT", "SIGN", "VERIFY", "WRAP", "UNWRAP", "DERIVE")
KEY_STATUSES = ("ENABLED", "DISABLED")
MAX_KEY_USAGES = 10
MATERIAL_BYTES = 32


class KeyTableError(ValueError):
    """An external key entry that cannot be served; the message names the member (the admin API answers 400)."""


def check_external_key(key):
    """A clean copy of one key table entry, or KeyTableError."""
    if not isinstance(key, dict):
        raise KeyTableError("an external key is an object with id, key_spec, key_usage and key_status")
    if not KEY_ID_PATTERN.match(str(key.get("id", ""))):
        raise KeyTableError("external key id must be 1-128 characters of A-Z, a-z, 0-9, '.', '-' and '_'")
    if not KEY_SPEC_PATTERN.match(str(key.get("key_spec", ""))):
        raise KeyTableError("key_spec must be a key spec name such as AES_256")
    usage = key.get("key_usage")
    if not isinstance(usage, list) or len(usage) > MAX_KEY_USAGES or len(set(usage)) != len(usage) \
            or any(value not in KEY_USAGES for value in usage):
        raise KeyTableError("key_usage must be a list of distinct values from %s" % ", ".join(KEY_USAGES))
    if key.get("key_status") not in KEY_STATUSES:
        raise KeyTableError("key_status must be ENABLED or DISABLED")
    return {"id": key["id"], "key_spec": key["key_spec"], "key_usage": list(usage), "key_status": key["key_status"]}


def check_key_table(keys):
    """A list of entries -> {id: entry}; ids must be unique."""
    if not isinstance(keys, list):
        raise KeyTableError("external_keys must be a list")
    table = {}
    for key in keys:
        clean = check_external_key(key)
        if clean["id"] in table:
            raise KeyTableError("external key %r is listed twice" % clean["id"])
        table[clean["id"]] = clean
    return table


class KeyManager(object):
    """One EKM's AES-256 material by key id; an id it has never seen gets fresh random material."""

    def __init__(self, name, material_b64):
        self.name = name
        self._lock = threading.Lock()
        self._material = {key_id: base64.b64decode(value) for key_id, value in material_b64.items()}

    def material(self, key_id):
        with self._lock:
            if key_id not in self._material:
                self._material[key_id] = secrets.token_bytes(MATERIAL_BYTES)
            return self._material[key_id]

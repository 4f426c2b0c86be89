# -*- coding: utf-8 -*-
"""What each proxy instance serves (paths, live credentials, external keys) and which faults are on; thread-safe."""

import collections
import copy
import re
import threading

from .. import config
from .keys import KeyManager, check_external_key, check_key_table

URI_PATH_PATTERN = re.compile(r"^(/[a-zA-Z0-9/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$")
ACCESS_KEY_ID_PATTERN = re.compile(r"^[A-Z2-7]{20,30}$")
SECRET_PATTERN = re.compile(r"^[a-zA-Z0-9/+=]{43,64}$")

# Status code of each errorName (spec: "Error codes").
ERROR_STATUS = {
    "ValidationException": 400,
    "InvalidStateException": 400,
    "InvalidCiphertextException": 400,
    "InvalidKeyUsageException": 400,
    "AuthenticationFailedException": 401,
    "AccessDeniedException": 403,
    "KeyNotFoundException": 404,
    "InvalidUriPathException": 404,
    "ThrottlingException": 429,
    "InternalException": 500,
    "UnsupportedOperationException": 501,
    "DependencyTimeoutException": 503,
}

# Every fault switch and its "off" value.
FAULT_DEFAULTS = {
    "down": False,              # listener closed: connection refused
    "bad_tls": False,           # serve a certificate from a CA nobody trusts (wins over certificate_days)
    "certificate_days": None,   # serve a trusted certificate that expires N days after the switch is set (<= 0: expired)
    "slow_ms": 0,               # wait this long before answering
    "wrong_path": False,        # answer 404 InvalidUriPathException on every path
    "unhealthy": False,         # every EKM reports UNAVAILABLE
    "degraded": False,          # one EKM UNAVAILABLE, one ACTIVE (still healthy)
    "invalid_response": False,  # 200 with a body that is not JSON
    "error": None,              # answer with this errorName and its status code
}

MAX_LOGGED_REQUESTS = 200
# Bound of certificate_days, either way: ten years.
MAX_CERTIFICATE_DAYS = 3650


class StateError(ValueError):
    """An admin request that cannot be applied (bad name, bad value)."""


def check_credential(cred):
    if not isinstance(cred, dict):
        raise StateError("a credential is an object with access_key_id and raw_secret_access_key")
    if not ACCESS_KEY_ID_PATTERN.match(str(cred.get("access_key_id", ""))):
        raise StateError("access_key_id must be 20-30 characters of A-Z and 2-7")
    if not SECRET_PATTERN.match(str(cred.get("raw_secret_access_key", ""))):
        raise StateError("raw_secret_access_key must be 43-64 characters of a-z, A-Z, 0-9, /, + and =")
    return {"access_key_id": cred["access_key_id"], "raw_secret_access_key": cred["raw_secret_access_key"]}


def check_uri_path(uri_path):
    if not isinstance(uri_path, str) or len(uri_path) > 128 or not URI_PATH_PATTERN.match(uri_path):
        raise StateError("uri_path must look like /kms/xks/v1 or /<prefix>/kms/xks/v1 (at most 128 characters)")
    return uri_path


def check_faults(changes):
    if not isinstance(changes, dict):
        raise StateError("faults must be an object")
    clean = {}
    for name, value in changes.items():
        if name not in FAULT_DEFAULTS:
            raise StateError("unknown fault %r (known: %s)" % (name, ", ".join(sorted(FAULT_DEFAULTS))))
        if name == "slow_ms":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise StateError("slow_ms must be an integer >= 0")
        elif name == "certificate_days":
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_CERTIFICATE_DAYS):
                raise StateError("certificate_days must be null or an integer from -%d to %d (days until the certificate expires)"
                                 % (MAX_CERTIFICATE_DAYS, MAX_CERTIFICATE_DAYS))
        elif name == "error":
            if value is not None and value not in ERROR_STATUS:
                raise StateError("error must be null or one of: %s" % ", ".join(sorted(ERROR_STATUS)))
        elif not isinstance(value, bool):
            raise StateError("%s must be true or false" % name)
        clean[name] = value
    return clean


class Instance(object):
    """One proxy endpoint: a listen address, the URI paths it serves and the key manager behind it."""

    def __init__(self, name, address, port, paths, external_keys, key_manager):
        self.name = name
        self.address = address
        self.port = port
        self.paths = paths  # uri_path -> list of credentials (1 or more live ones)
        self.external_keys = external_keys  # uri_path -> {key id: key table entry}
        self.key_manager = key_manager
        self.faults = dict(FAULT_DEFAULTS)
        self.requests = collections.deque(maxlen=MAX_LOGGED_REQUESTS)

    def describe(self):
        """A view without secrets."""
        return {
            "name": self.name,
            "address": self.address,
            "port": self.port,
            "paths": {path: [c["access_key_id"] for c in creds] for path, creds in sorted(self.paths.items())},
            "external_keys": {path: [keys[k] for k in sorted(keys)] for path, keys in sorted(self.external_keys.items())},
            "key_manager": self.key_manager,
            "faults": dict(self.faults),
        }


class ProxyState(object):
    def __init__(self, instances_config, key_material):
        """`instances_config`: name -> {address, port, key_manager, paths: {uri_path: [credential, ...]},
        external_keys: {uri_path: [key table entry, ...]}}; `key_material`: key manager -> {key id: base64}."""
        self._lock = threading.Lock()
        self._initial = copy.deepcopy(instances_config)
        # The material survives a reset, as keys survive in a real key manager.
        self.key_managers = {name: KeyManager(name, material) for name, material in key_material.items()}
        self.instances = {}
        self._load()

    def _load(self):
        self.instances = {}
        for name, conf in self._initial.items():
            paths = {check_uri_path(p): [check_credential(c) for c in creds] for p, creds in conf["paths"].items()}
            keys = {p: check_key_table(conf["external_keys"].get(p, config.DEFAULT_EXTERNAL_KEYS)) for p in paths}
            if conf["key_manager"] not in self.key_managers:
                raise StateError("instance %r names an unknown key manager %r" % (name, conf["key_manager"]))
            self.instances[name] = Instance(name, conf["address"], conf["port"], paths, keys, conf["key_manager"])

    def _instance(self, name):
        try:
            return self.instances[name]
        except KeyError:
            raise StateError("no proxy instance %r" % name) from None

    def names(self):
        return sorted(self.instances)

    def describe(self, name=None):
        with self._lock:
            if name is not None:
                return self._instance(name).describe()
            return {n: i.describe() for n, i in sorted(self.instances.items())}

    def faults(self, name):
        with self._lock:
            return dict(self._instance(name).faults)

    def set_faults(self, name, changes):
        changes = check_faults(changes)
        with self._lock:
            self._instance(name).faults.update(changes)
            return dict(self._instance(name).faults)

    def clear_faults(self, name):
        with self._lock:
            self._instance(name).faults = dict(FAULT_DEFAULTS)

    def add_path(self, name, uri_path, credentials, external_keys=None):
        """Serve `uri_path` (replacing its credentials and key table if served); keys default to the start set."""
        check_uri_path(uri_path)
        if not isinstance(credentials, list) or not credentials:
            raise StateError("credentials must be a non-empty list")
        creds = [check_credential(c) for c in credentials]
        keys = check_key_table(config.DEFAULT_EXTERNAL_KEYS if external_keys is None else external_keys)
        with self._lock:
            instance = self._instance(name)
            instance.paths[uri_path] = creds
            instance.external_keys[uri_path] = keys

    def remove_path(self, name, uri_path):
        with self._lock:
            instance = self._instance(name)
            if instance.paths.pop(uri_path, None) is None:
                raise StateError("instance %r does not serve %r" % (name, uri_path))
            instance.external_keys.pop(uri_path, None)

    def put_external_key(self, name, uri_path, key):
        """Add an external key to a path's table, or replace the entry with the same id."""
        clean = check_external_key(key)
        with self._lock:
            self._path(name, uri_path)
            self._instance(name).external_keys[uri_path][clean["id"]] = clean

    def remove_external_key(self, name, uri_path, key_id):
        with self._lock:
            self._path(name, uri_path)
            if self._instance(name).external_keys[uri_path].pop(key_id, None) is None:
                raise StateError("no external key %r on %r" % (key_id, uri_path))

    def external_key(self, name, uri_path, key_id):
        """(key table entry, AES material) of a served key, or None when the path's table lacks it."""
        with self._lock:
            instance = self._instance(name)
            key = instance.external_keys.get(uri_path, {}).get(key_id)
            if key is None:
                return None
            return copy.deepcopy(key), self.key_managers[instance.key_manager].material(key_id)

    def add_credential(self, name, uri_path, credential):
        cred = check_credential(credential)
        with self._lock:
            creds = self._path(name, uri_path)
            creds[:] = [c for c in creds if c["access_key_id"] != cred["access_key_id"]] + [cred]

    def remove_credential(self, name, uri_path, access_key_id):
        with self._lock:
            creds = self._path(name, uri_path)
            kept = [c for c in creds if c["access_key_id"] != access_key_id]
            if len(kept) == len(creds):
                raise StateError("no credential %r on %r" % (access_key_id, uri_path))
            creds[:] = kept

    def _path(self, name, uri_path):
        paths = self._instance(name).paths
        if uri_path not in paths:
            raise StateError("instance %r does not serve %r" % (name, uri_path))
        return paths[uri_path]

    def secrets_for(self, name, uri_path):
        """access key id -> secret for a served path, or None when the path is not served."""
        with self._lock:
            creds = self._instance(name).paths.get(uri_path)
            if creds is None:
                return None
            return {c["access_key_id"]: c["raw_secret_access_key"] for c in creds}

    def record(self, name, entry):
        with self._lock:
            self._instance(name).requests.append(entry)

    def requests(self, name):
        with self._lock:
            return list(self._instance(name).requests)

    def clear_requests(self, name):
        with self._lock:
            self._instance(name).requests.clear()

    def reset(self):
        """Back to the start configuration: start paths and credentials, no faults, empty request logs."""
        with self._lock:
            self._load()

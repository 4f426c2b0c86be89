# -*- coding: utf-8 -*-
"""Python clients of the two admin APIs (plain HTTP on loopback, JSON bodies)."""

import http.client
import json
from urllib.parse import urlsplit


class AdminError(Exception):
    """An admin call answered something other than 200."""

    def __init__(self, status, document):
        super().__init__("admin call failed with HTTP %s: %s" % (status, document.get("error", document)))
        self.status = status
        self.document = document


def call(method, url, body=None, timeout=10.0):
    """One JSON request; returns (status, decoded body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, parts.path or "/", body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw.decode("utf-8")) if raw else {})
    finally:
        connection.close()


class _Admin(object):
    def __init__(self, base_url, timeout=10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method, path, body=None):
        status, document = call(method, self.base_url + path, body, self.timeout)
        if status != 200:
            raise AdminError(status, document)
        return document


class EmulatorAdmin(_Admin):
    """`base_url` is testbed.json's emulator_admin_url (e.g. http://127.0.0.1:40123/_testbed: the port is chosen at start)."""

    def health(self):
        return self._call("GET", "/health")

    def settings(self):
        return self._call("GET", "/settings")

    def set_settings(self, **settings):
        """connect_delay, disconnect_delay (s), health_timeout_ms, host_map ({name: ip})."""
        return self._call("POST", "/settings", settings)

    def calls(self):
        """{"calls": [{operation, time, status[, custom_key_store_id, ...]}], "transitions": {store id: [{state, time}]}}."""
        return self._call("GET", "/calls")

    def clear_calls(self):
        return self._call("POST", "/calls/clear")

    def faults(self):
        return self._call("GET", "/faults")["faults"]

    def arm_fault(self, operation, fault, count=1, error_code=None):
        """fault: throttle | internal | drop | connect_failed (with error_code); operation "*" = any."""
        body = {"operation": operation, "fault": fault, "count": count}
        if error_code is not None:
            body["error_code"] = error_code
        return self._call("POST", "/faults", body)["armed"]

    def clear_faults(self):
        return self._call("POST", "/faults/clear")

    def health_check(self, store_id):
        """KMS's periodic GetHealthStatus of a store now: {healthy, connection_error_code, exception, access_key_id, uri_endpoint, uri_path}."""
        return self._call("POST", "/stores/health-check", {"custom_key_store_id": store_id})

    def purge_pending_deletion(self):
        return self._call("POST", "/keys/purge-pending-deletion")["deleted"]

    def reset(self):
        return self._call("POST", "/reset")


class ProxyAdmin(_Admin):
    """`base_url` is testbed.json's proxy_admin_url (e.g. http://127.0.0.1:40124)."""

    def health(self):
        return self._call("GET", "/health")

    def instances(self):
        return self._call("GET", "/instances")["instances"]

    def instance(self, name):
        return self._call("GET", "/instances/%s" % name)

    def requests(self, name):
        return self._call("GET", "/instances/%s/requests" % name)["requests"]

    def clear_requests(self, name):
        return self._call("POST", "/instances/%s/requests/clear" % name)

    def set_faults(self, name, **faults):
        """down, bad_tls, wrong_path, unhealthy, degraded, invalid_response (bool); slow_ms (int); error (errorName or None);
        certificate_days (int: a trusted certificate that expires that many days from now, <= 0 expired; None: the normal one)."""
        return self._call("POST", "/instances/%s/faults" % name, faults)["faults"]

    def clear_faults(self, name=None):
        if name is None:
            return self._call("POST", "/faults/clear")
        return self._call("POST", "/instances/%s/faults/clear" % name)

    def add_path(self, name, uri_path, credentials, external_keys=None):
        """external_keys: [{id, key_spec, key_usage, key_status}]; None = the start set."""
        body = {"uri_path": uri_path, "credentials": credentials}
        if external_keys is not None:
            body["external_keys"] = external_keys
        return self._call("POST", "/instances/%s/paths/add" % name, body)

    def remove_path(self, name, uri_path):
        return self._call("POST", "/instances/%s/paths/remove" % name, {"uri_path": uri_path})

    def add_credential(self, name, uri_path, credential):
        body = {"uri_path": uri_path}
        body.update(credential)
        return self._call("POST", "/instances/%s/credentials/add" % name, body)

    def remove_credential(self, name, uri_path, access_key_id):
        return self._call("POST", "/instances/%s/credentials/remove" % name, {"uri_path": uri_path, "access_key_id": access_key_id})

    def put_external_key(self, name, uri_path, key):
        """Add or replace (same id) one external key {id, key_spec, key_usage, key_status} of a path."""
        return self._call("POST", "/instances/%s/keys/put" % name, {"uri_path": uri_path, "key": key})

    def remove_external_key(self, name, uri_path, key_id):
        return self._call("POST", "/instances/%s/keys/remove" % name, {"uri_path": uri_path, "id": key_id})

    def reset(self):
        return self._call("POST", "/reset")

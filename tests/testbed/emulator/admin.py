# -*- coding: utf-8 -*-
"""WSGI layer in front of moto: the emulator's admin API under /_testbed/, and HTTP-level faults.

Admin routes (JSON in, JSON out):
  GET  /_testbed/health                      liveness
  GET  /_testbed/settings                    delays, health-check timeout, host map
  POST /_testbed/settings                    change any of connect_delay, disconnect_delay, health_timeout_ms,
                                             consistency_delay, host_map, vpc_endpoint_services
  GET  /_testbed/calls                       KMS calls and store state transitions since the last clear (calls.py)
  POST /_testbed/calls/clear                 forget them
  GET  /_testbed/faults                      armed faults
  POST /_testbed/faults                      arm {"operation", "fault", "count"[, "error_code"]}
  POST /_testbed/faults/clear                disarm all
  POST /_testbed/keys/purge-pending-deletion end the waiting period of keys pending deletion
  POST /_testbed/stores/health-check         KMS's periodic GetHealthStatus of {"custom_key_store_id"}, now
  POST /_testbed/reset                       no stores, no keys, no faults, start settings, empty call log;
                                             the fleet's identities (IAM, STS) stay
"""

import io
import json
import socket
import sys
import time

from moto.kms.models import kms_backends

from . import gate
from .calls import CALLS
from .errors import INTERNAL_ERROR_MESSAGE
from .faults import DROP, FAULTS, HTTP_FAULTS, INTERNAL, THROTTLE
from .quotas import QUOTAS
from .scheduler import SCHEDULER
from .settings import SETTINGS

PREFIX = "/_testbed"
_TARGET_PREFIX = "TrentService."
# Answers the call log reads: the id of a new store, the states a Describe showed.
_READ_ANSWER = ("CreateCustomKeyStore", "DescribeCustomKeyStores")
_FAULT_STATUS = {THROTTLE: 400, INTERNAL: 500, DROP: None}


def _json(start_response, status, document):
    data = json.dumps(document, sort_keys=True).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _kms_error(start_response, status, error_type, message):
    data = json.dumps({"__type": error_type, "message": message}).encode("utf-8")
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))])
    return [data]


def _json_object(raw):
    try:
        document = json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _all_kms_backends():
    for account_backends in list(kms_backends.values()):
        yield from list(account_backends.values())


def _reset_kms_only():
    """Empty every account's and Region's KMS backend, and nothing else.

    (kms_backends.reset() is moto's class-wide reset: it would wipe IAM and STS too, so that the
    temporary keys of assumed roles fell back to the default account.)
    """
    for backend in _all_kms_backends():
        backend.reset()


class AdminActions(object):
    def health(self, body):
        return {"status": "ok"}

    def get_settings(self, body):
        return SETTINGS.describe()

    def set_settings(self, body):
        SETTINGS.update(body)
        return SETTINGS.describe()

    def get_calls(self, body):
        return CALLS.describe()

    def clear_calls(self, body):
        CALLS.clear()
        return CALLS.describe()

    def get_faults(self, body):
        return {"faults": FAULTS.list()}

    def arm_fault(self, body):
        fault = FAULTS.arm(body.get("operation"), body.get("fault"), body.get("count", 1), body.get("error_code"))
        return {"armed": fault, "faults": FAULTS.list()}

    def clear_faults(self, body):
        FAULTS.clear()
        return {"faults": []}

    def purge_pending_deletion(self, body):
        return {"deleted": [key_id for backend in _all_kms_backends() for key_id in backend.purge_pending_deletion()]}

    def health_check(self, body):
        """KMS's periodic health check of one store, now, with the proxy settings KMS uses (see consistency.py)."""
        store_id = body.get("custom_key_store_id")
        for backend in _all_kms_backends():
            if store_id in {store.id for store in backend.xks_stores.all()}:
                outcome, proxy = backend.xks_health_check(store_id)
                return {"healthy": outcome.healthy, "connection_error_code": outcome.code, "exception": outcome.exception,
                        "access_key_id": proxy.access_key_id, "uri_endpoint": proxy.endpoint, "uri_path": proxy.uri_path}
        raise ValueError("no custom key store %r" % (store_id,))

    def reset(self, body):
        SCHEDULER.cancel_all()
        FAULTS.clear()
        SETTINGS.reset()
        QUOTAS.clear()
        _reset_kms_only()
        CALLS.clear()
        return {"status": "ok"}


ROUTES = {
    ("GET", "/health"): "health",
    ("GET", "/settings"): "get_settings",
    ("POST", "/settings"): "set_settings",
    ("GET", "/calls"): "get_calls",
    ("POST", "/calls/clear"): "clear_calls",
    ("GET", "/faults"): "get_faults",
    ("POST", "/faults"): "arm_fault",
    ("POST", "/faults/clear"): "clear_faults",
    ("POST", "/keys/purge-pending-deletion"): "purge_pending_deletion",
    ("POST", "/stores/health-check"): "health_check",
    ("POST", "/reset"): "reset",
}


class TestbedMiddleware(object):
    """Serves /_testbed/ itself, logs KMS calls, applies armed HTTP faults, and hands everything else to moto."""

    def __init__(self, app):
        self.app = app
        self.actions = AdminActions()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return self._admin(environ, start_response, path[len(PREFIX):].rstrip("/"))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(_TARGET_PREFIX):
            return self._kms(environ, start_response, target[len(_TARGET_PREFIX):])
        return self.app(environ, start_response)

    def _kms(self, environ, start_response, operation):
        """One KMS call: apply an armed fault or let moto answer, and log it."""
        arrived = time.time()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)  # moto reads the body again
        request = _json_object(raw)
        store_id, store_name = request.get("CustomKeyStoreId"), request.get("CustomKeyStoreName")
        refused = gate.refusal(environ, raw)
        if refused:
            CALLS.call(operation, arrived, int(refused.status.split(" ", 1)[0]), store_id, store_name, caller=gate.caller(environ))
            return _kms_error(start_response, refused.status, refused.error_type, refused.message)
        who = gate.caller(environ)
        fault = FAULTS.take(operation, HTTP_FAULTS)
        if fault:
            CALLS.call(operation, arrived, _FAULT_STATUS[fault["fault"]], store_id, store_name, caller=who)
            return self._fault(environ, start_response, fault)
        if not QUOTAS.allow(*who, operation):
            sys.stderr.write("testbed: %s throttled (KMS request quota)\n" % operation)
            CALLS.call(operation, arrived, 400, store_id, store_name, caller=who)
            return _kms_error(start_response, "400 Bad Request", "ThrottlingException", "Rate exceeded")
        statuses = []

        def recording_start_response(status, headers, exc_info=None):
            statuses.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        answer = self.app(environ, recording_start_response)
        states = None
        if operation in _READ_ANSWER:
            try:
                body = b"".join(answer)
            finally:
                getattr(answer, "close", lambda: None)()
            answer, document = [body], _json_object(body)
            store_id = store_id or document.get("CustomKeyStoreId")
            if operation == "DescribeCustomKeyStores" and "CustomKeyStores" in document:
                states = {entry["CustomKeyStoreId"]: entry["ConnectionState"] for entry in document["CustomKeyStores"]}
        CALLS.call(operation, arrived, statuses[0] if statuses else None, store_id, store_name, states, caller=who)
        return answer

    def _admin(self, environ, start_response, route):
        action = ROUTES.get((environ.get("REQUEST_METHOD"), route))
        if action is None:
            return _json(start_response, "404 Not Found", {"error": "no route %s %s%s" % (environ.get("REQUEST_METHOD"), PREFIX, route)})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the request body must be a JSON object")
            return _json(start_response, "200 OK", getattr(self.actions, action)(body))
        except ValueError as exc:
            return _json(start_response, "400 Bad Request", {"error": str(exc)})

    @staticmethod
    def _fault(environ, start_response, fault):
        sys.stderr.write("testbed: injecting %s into %s\n" % (fault["fault"], fault["operation"]))
        if fault["fault"] == THROTTLE:
            return _kms_error(start_response, "400 Bad Request", "ThrottlingException", "Rate exceeded")
        if fault["fault"] == INTERNAL:
            return _kms_error(start_response, "500 Internal Server Error", "KMSInternalException", INTERNAL_ERROR_MESSAGE)
        if fault["fault"] == DROP:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            # werkzeug treats this as "client went away" and writes nothing more.
            raise ConnectionAbortedError("testbed: connection dropped on purpose")
        raise ValueError("unknown fault %r" % fault["fault"])

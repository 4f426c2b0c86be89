# -*- coding: utf-8 -*-
"""WSGI layer in front of moto: the emulator's admin API under /_testbed/, and HTTP-level faults.

Admin routes (JSON in, JSON out):
  GET  /_testbed/health                      liveness
  GET  /_testbed/settings                    delays, health-check timeout, host map
  POST /_testbed/settings                    change any of connect_delay, disconnect_delay, health_timeout_ms, host_map
  GET  /_testbed/faults                      armed faults
  POST /_testbed/faults                      arm {"operation", "fault", "count"[, "error_code"]}
  POST /_testbed/faults/clear                disarm all
  POST /_testbed/keys/purge-pending-deletion end the waiting period of keys pending deletion
  POST /_testbed/reset                       no stores, no keys, no faults, start settings
"""

import json
import socket
import sys

from moto.kms.models import kms_backends

from .faults import DROP, FAULTS, HTTP_FAULTS, INTERNAL, THROTTLE
from .scheduler import SCHEDULER
from .settings import SETTINGS

PREFIX = "/_testbed"
_TARGET_PREFIX = "TrentService."


def _json(start_response, status, document):
    data = json.dumps(document, sort_keys=True).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _kms_error(start_response, status, error_type, message):
    data = json.dumps({"__type": error_type, "message": message}).encode("utf-8")
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))])
    return [data]


def _all_kms_backends():
    for account_backends in list(kms_backends.values()):
        yield from list(account_backends.values())


class AdminActions(object):
    def health(self, body):
        return {"status": "ok"}

    def get_settings(self, body):
        return SETTINGS.describe()

    def set_settings(self, body):
        SETTINGS.update(body)
        return SETTINGS.describe()

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

    def reset(self, body):
        SCHEDULER.cancel_all()
        FAULTS.clear()
        SETTINGS.reset()
        kms_backends.reset()
        return {"status": "ok"}


ROUTES = {
    ("GET", "/health"): "health",
    ("GET", "/settings"): "get_settings",
    ("POST", "/settings"): "set_settings",
    ("GET", "/faults"): "get_faults",
    ("POST", "/faults"): "arm_fault",
    ("POST", "/faults/clear"): "clear_faults",
    ("POST", "/keys/purge-pending-deletion"): "purge_pending_deletion",
    ("POST", "/reset"): "reset",
}


class TestbedMiddleware(object):
    """Serves /_testbed/ itself, applies armed HTTP faults, and hands everything else to moto."""

    def __init__(self, app):
        self.app = app
        self.actions = AdminActions()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return self._admin(environ, start_response, path[len(PREFIX):].rstrip("/"))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(_TARGET_PREFIX):
            fault = FAULTS.take(target[len(_TARGET_PREFIX):], HTTP_FAULTS)
            if fault:
                return self._fault(environ, start_response, fault)
        return self.app(environ, start_response)

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
            return _kms_error(start_response, "500 Internal Server Error", "KMSInternalException",
                              "The request was rejected because an internal exception occurred. The request can be retried.")
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

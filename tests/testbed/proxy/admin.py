# -*- coding: utf-8 -*-
"""Plain-HTTP admin API of the XKS proxy (loopback only): faults, paths, credentials, external keys, request log.

Every answer is JSON. Secrets go in (to add a credential) but never come out; key material never does either.
"""

import http.server
import json
import re
import sys

from .state import StateError

_INSTANCE = r"/instances/(?P<name>[A-Za-z0-9_-]+)"


def _routes():
    """(method, path regex, handler name); handlers take (proxy, body, **groups)."""
    return [
        ("GET", r"/health", "health"),
        ("GET", r"/instances", "list_instances"),
        ("GET", _INSTANCE, "get_instance"),
        ("GET", _INSTANCE + r"/requests", "get_requests"),
        ("POST", _INSTANCE + r"/requests/clear", "clear_requests"),
        ("POST", _INSTANCE + r"/faults", "set_faults"),
        ("POST", _INSTANCE + r"/faults/clear", "clear_faults"),
        ("POST", _INSTANCE + r"/paths/add", "add_path"),
        ("POST", _INSTANCE + r"/paths/remove", "remove_path"),
        ("POST", _INSTANCE + r"/credentials/add", "add_credential"),
        ("POST", _INSTANCE + r"/credentials/remove", "remove_credential"),
        ("POST", _INSTANCE + r"/keys/put", "put_external_key"),
        ("POST", _INSTANCE + r"/keys/remove", "remove_external_key"),
        ("POST", r"/faults/clear", "clear_all_faults"),
        ("POST", r"/reset", "reset"),
    ]


class AdminActions(object):
    """One method per route; each returns the JSON document to send."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.state = proxy.state

    def health(self, body):
        return {"status": "ok", "listeners": self.proxy.listeners_up()}

    def list_instances(self, body):
        return {"instances": self.state.describe(), "listeners": self.proxy.listeners_up()}

    def get_instance(self, body, name):
        return self.state.describe(name)

    def get_requests(self, body, name):
        return {"requests": self.state.requests(name)}

    def clear_requests(self, body, name):
        self.state.clear_requests(name)
        return {"requests": []}

    def set_faults(self, body, name):
        return {"faults": self.proxy.set_faults(name, body)}

    def clear_faults(self, body, name):
        self.state.clear_faults(name)
        self.proxy.sync_listeners()
        return {"faults": self.state.faults(name)}

    def clear_all_faults(self, body):
        for name in self.state.names():
            self.state.clear_faults(name)
        self.proxy.sync_listeners()
        return {"status": "ok"}

    def add_path(self, body, name):
        self.state.add_path(name, body.get("uri_path"), body.get("credentials"), body.get("external_keys"))
        return self.state.describe(name)

    def remove_path(self, body, name):
        self.state.remove_path(name, body.get("uri_path"))
        return self.state.describe(name)

    def add_credential(self, body, name):
        credential = {"access_key_id": body.get("access_key_id"), "raw_secret_access_key": body.get("raw_secret_access_key")}
        self.state.add_credential(name, body.get("uri_path"), credential)
        return self.state.describe(name)

    def remove_credential(self, body, name):
        self.state.remove_credential(name, body.get("uri_path"), body.get("access_key_id"))
        return self.state.describe(name)

    def put_external_key(self, body, name):
        self.state.put_external_key(name, body.get("uri_path"), body.get("key"))
        return self.state.describe(name)

    def remove_external_key(self, body, name):
        self.state.remove_external_key(name, body.get("uri_path"), body.get("id"))
        return self.state.describe(name)

    def reset(self, body):
        self.state.reset()
        self.proxy.sync_listeners()
        return {"status": "ok"}


class AdminHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testbed-xks-proxy-admin/1.0"

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the request body must be a JSON object")
            for method, pattern, action in _routes():
                match = re.fullmatch(pattern, path)
                if match and method == self.command:
                    self._send(200, getattr(self.server.actions, action)(body, **match.groupdict()))
                    return
            self._send(404, {"error": "no route %s %s" % (self.command, path)})
        except (StateError, ValueError) as exc:
            self._send(400, {"error": str(exc)})

    do_GET = do_POST = _dispatch

    def _send(self, status, document):
        data = json.dumps(document, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        sys.stderr.write("%s admin %s\n" % (self.log_date_time_string(), format % args))


class AdminServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listening, proxy):
        """`listening`: the socket the launcher bound (and listens on) for this test bed."""
        self.actions = AdminActions(proxy)
        http.server.ThreadingHTTPServer.__init__(self, listening.getsockname(), AdminHandler, bind_and_activate=False)
        self.socket.close()
        self.socket = listening

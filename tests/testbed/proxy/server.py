# -*- coding: utf-8 -*-
"""HTTPS listeners of the XKS proxy: one per instance, on port 443 of a loopback address.

TLS is set up per connection (not per listener) so the `bad_tls` and `certificate_days` faults can swap certificates at
run time, and a listener can be closed and reopened for the `down` fault.
"""

import http.server
import socket
import socketserver
import ssl
import sys
import threading
import time
from urllib.parse import urlsplit

from . import api

# Spec, "Transport": TLS 1.2 or later; these are the TLS 1.2 suites it names (TLS 1.3 suites are OpenSSL's defaults).
TLS12_CIPHERS = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
IDLE_TIMEOUT = 30


def _spec_tls_context():
    """A server context with the spec's TLS versions and suites, and no certificate yet."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    return context


def server_tls_context(cert_file, key_file):
    context = _spec_tls_context()
    context.load_cert_chain(cert_file, key_file)
    return context


def issued_tls_context(leaf_cert):
    """A server context presenting a trustme LeafCert issued in this process."""
    context = _spec_tls_context()
    leaf_cert.configure_cert(context)
    return context


class XksRequestHandler(http.server.BaseHTTPRequestHandler):
    """Serves the XKS API on one instance; the TLS handshake runs here, in the connection's thread."""

    protocol_version = "HTTP/1.1"
    server_version = "testbed-xks-proxy/1.0"
    tls_ok = False

    def setup(self):
        raw = self.request
        raw.settimeout(IDLE_TIMEOUT)
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK add ~40 ms.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.request = self.server.proxy.tls_context(self.server.instance_name).wrap_socket(raw, server_side=True)
            self.tls_ok = True
        except (ssl.SSLError, OSError) as exc:
            self.log_message("TLS handshake failed: %s", exc)
            self.request = raw
        self.server.track(self.request)
        super().setup()

    def handle(self):
        if self.tls_ok:
            try:
                super().handle()
            except (ConnectionError, socket.timeout, ssl.SSLError):
                pass  # the client went away; nothing to answer

    def finish(self):
        try:
            super().finish()
        except (ConnectionError, socket.timeout, ssl.SSLError, ValueError):
            pass
        self.server.untrack(self.request)

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        url = urlsplit(self.path)
        proxy = self.server.proxy
        delay = proxy.state.faults(self.server.instance_name)["slow_ms"]
        if delay:
            time.sleep(delay / 1000.0)
        reply, entry = api.handle(proxy.state, self.server.instance_name, proxy.regions, self.command, url.path, url.query, headers, body)
        proxy.state.record(self.server.instance_name, entry)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # Request lines and statuses only: never headers (they hold signatures) or bodies.
        sys.stderr.write("%s proxy[%s] %s\n" % (self.log_date_time_string(), self.server.instance_name, format % args))


class _ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, proxy, instance_name):
        self.proxy = proxy
        self.instance_name = instance_name
        self._connections = set()
        self._connections_lock = threading.Lock()
        http.server.HTTPServer.__init__(self, address, handler)

    def track(self, sock):
        with self._connections_lock:
            self._connections.add(sock)

    def untrack(self, sock):
        with self._connections_lock:
            self._connections.discard(sock)

    def drop_connections(self):
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Listener(object):
    """Port 443 of one instance's address; stop() closes it so clients get 'connection refused'."""

    def __init__(self, proxy, instance_name, address, port):
        self.proxy = proxy
        self.instance_name = instance_name
        self.address = (address, port)
        self._server = None
        self._thread = None

    @property
    def running(self):
        return self._server is not None

    def start(self):
        if self._server is None:
            self._server = _ThreadingServer(self.address, XksRequestHandler, self.proxy, self.instance_name)
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="listener-%s" % self.instance_name, daemon=True)
            self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.drop_connections()
            self._thread.join()
            self._server = None
            self._thread = None

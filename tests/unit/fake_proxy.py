# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one fake XKS proxy of the unit tests: a trustme-backed HTTPS server on port 443 of a random
loopback address (127.x.y.z, chosen per session so that parallel runs do not meet), that answers as
each test scripts it and records what it was asked. The session's proxy also listens on the other
addresses of ``ADDRESSES`` (drawn at import, so that tests/unit/stores.py can name them in its
endpoints): a module that dials any of the stores' endpoints reaches this one proxy.

The modules dial it as KMS would (https://<address>, port 443): nothing in the client is replaced.
Tests run as root, so the port needs no privilege work.
"""

import datetime
import http.server
import json
import random
import re
import socket
import ssl
import threading
import time

import trustme

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT = 443
HEALTHY_ANSWER = {
    "xksProxyFleetSize": 2,
    "xksProxyVendor": "Acme Corp",
    "xksProxyModel": "Acme XKS Proxy 1.0",
    "ekmVendor": "Thales Group",
    "ekmFleetDetails": [
        {"id": "hsm-id-1", "model": "Luna 5.0", "healthStatus": "ACTIVE"},
        {"id": "hsm-id-2", "model": "Luna 5.1", "healthStatus": "ACTIVE"},
    ],
}
# What the proxy does with a connection: answer over TLS, say something that is not TLS, hang up after
# the handshake with bytes that are not HTTP, or hold the connection without a word; or stop listening,
# so that the kernel refuses connections (until the next reset).
ANSWER, PLAINTEXT, GARBAGE, SILENT, REFUSE = "answer", "plaintext", "garbage", "silent", "refuse"
# The test bed's fixed addresses (tests/testbed): never chosen.
RESERVED = {"127.0.0.1", "127.0.0.11", "127.0.0.12"}


def random_loopback_address(rng=random.SystemRandom()):
    while True:
        address = "127.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 254))
        if address not in RESERVED:
            return address


def distinct_loopback_addresses(count):
    addresses = []
    while len(addresses) < count:
        address = random_loopback_address()
        if address not in addresses:
            addresses.append(address)
    return tuple(addresses)


# The session proxy's addresses: the public endpoint, the private (VPC) endpoint and the endpoint an edit moves to.
ADDRESSES = distinct_loopback_addresses(3)


def _listen(address):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, PORT))
    listener.listen(16)
    return listener


class FakeProxy:
    """The server, its CA (``ca_path``), its ``endpoint``, the script for the next connections and what it received."""

    def __init__(self, directory, addresses=None):
        """Listens on ``addresses`` (the first is ``address``), or on one address drawn until one is free."""
        self.ca = trustme.CA()
        self.ca_path = str(directory / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        self._listeners = {}
        if addresses:
            self.addresses = tuple(addresses)
            for address in self.addresses:
                self._listeners[address] = _listen(address)
        else:
            self.addresses = (self._listen_on_a_free_address(),)
        self.address = self.addresses[0]
        self.endpoint = "https://%s" % self.address
        self._directory = directory
        self._contexts = {}
        self.reset()
        for listener in self._listeners.values():
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _listen_on_a_free_address(self):
        for _attempt in range(20):
            address = random_loopback_address()
            try:
                self._listeners[address] = _listen(address)
                return address
            except OSError:
                continue  # another run holds this address: draw again
        raise OSError("no free loopback address for the fake proxy")

    # -- the script --------------------------------------------------------------------------
    def reset(self):
        self.requests = []
        self.mode, self.status, self.body, self.delay = ANSWER, 200, HEALTHY_ANSWER, 0.0
        self.responder = None
        self.identity = None  # the address the client dialled
        self.not_after = None  # the certificate's default validity
        self.raw = b""
        self._held = []
        self._listen_again()

    def answer(self, status=200, body=None, delay=0.0):
        """Answer each request with this status and body (a JSON document, or raw bytes) after ``delay`` seconds."""
        self.mode, self.status, self.body, self.delay = ANSWER, status, HEALTHY_ANSWER if body is None else body, delay
        self.responder = None

    def respond_with(self, responder):
        """Answer each request with ``responder(request)`` (the record of ``requests``): a (status, JSON document) pair,
        and an optional third item, seconds to wait first. The record's ``address`` is the address the client dialled."""
        self.mode, self.responder = ANSWER, responder

    def behave(self, mode, raw=b""):
        """PLAINTEXT (send ``raw`` without TLS), GARBAGE (send ``raw`` after the handshake and hang up), SILENT or REFUSE."""
        self.mode, self.raw = mode, raw
        if mode == REFUSE:
            for address in list(self._listeners):
                listener = self._listeners.pop(address)
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() that waits on it, and stops listening
                listener.close()

    def _listen_again(self):
        """After REFUSE: listen again on every address."""
        for address in self.addresses:
            if address not in self._listeners:
                self._listeners[address] = _listen(address)
                threading.Thread(target=self._accept, args=(self._listeners[address],), daemon=True).start()

    def certify(self, identity=None, not_after=None):
        """Show a certificate (from the same trusted CA) for ``identity`` instead of this server's address, valid until
        ``not_after`` (an aware datetime) instead of trustme's default."""
        self.identity, self.not_after = identity, not_after

    @property
    def unused_endpoint(self):
        """An endpoint where nothing listens on port 443."""
        while True:
            address = random_loopback_address()
            if address not in self.addresses:
                with socket.socket() as probe:
                    if probe.connect_ex((address, PORT)) != 0:
                        return "https://%s" % address

    # -- what was asked ----------------------------------------------------------------------
    @staticmethod
    def signature_scope(request):
        """(access key ID, Region, service) of a request's SigV4 Authorization header."""
        match = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request, ", request["headers"].get("Authorization", ""))
        return match.groups() if match else None

    @staticmethod
    def signed_by(request, access_key_id, secret, region):
        """Whether the request carries a valid SigV4 signature for the service kms-xks-proxy made with this credential."""
        headers = request["headers"]
        match = re.match(
            r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$",
            headers.get("Authorization", ""),
        )
        if not match:
            return False
        key_id, date, scope_region, service, signed, signature = match.groups()
        if (key_id, scope_region, service) != (access_key_id, region, "kms-xks-proxy") or date != headers["X-Amz-Date"][:8]:
            return False
        if "host" not in signed.split(";"):
            return False
        lowered = {name.lower(): value for name, value in headers.items()}
        again = AWSRequest(method="POST", url="https://%s%s" % (lowered["host"], request["path"]), data=request["body"],
                           headers={name: lowered[name] for name in signed.split(";")})
        again.context["timestamp"] = headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(access_key_id, secret), "kms-xks-proxy", region)
        return signer.signature(signer.string_to_sign(again, signer.canonical_request(again)), again) == signature

    # -- the server --------------------------------------------------------------------------
    def _context(self, identity, not_after=None):
        if (identity, not_after) not in self._contexts:
            leaf = self.ca.issue_cert(identity, common_name=identity, not_after=not_after,
                                      not_before=None if not_after is None else not_after - datetime.timedelta(days=365))
            chain = self._directory / ("chain-%d.pem" % len(self._contexts))
            # The CA goes with the leaf, so that a client that does not trust it says "self-signed certificate in certificate chain".
            chain.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems) + self.ca.cert_pem.bytes())
            key = self._directory / ("key-%d.pem" % len(self._contexts))
            leaf.private_key_pem.write_to_path(str(key))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(chain), str(key))
            self._contexts[identity, not_after] = context
        return self._contexts[identity, not_after]

    def _accept(self, listener):
        while True:
            try:
                connection, _peer = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        mode = self.mode
        try:
            if mode == SILENT:
                self._held.append(connection)
                return
            if mode == PLAINTEXT:
                connection.sendall(self.raw)
                time.sleep(0.5)
                return
            address = connection.getsockname()[0]
            tls = self._context(self.identity or address, self.not_after).wrap_socket(connection, server_side=True)
            if mode == GARBAGE:
                tls.recv(65536)  # the request
                tls.sendall(self.raw)
                tls.unwrap()  # a clean TLS close: the client reads what it got, not a TLS failure
                return
            _Handler(tls, (address, PORT), self)  # the handler's "client_address" carries the address that was dialled
        except (OSError, ssl.SSLError):
            pass  # clients that give up (timeouts, refused certificates) are what several tests are about
        finally:
            if mode != SILENT:
                connection.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802  (the http.server naming)
        proxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = {"address": self.client_address[0], "path": self.path, "headers": dict(self.headers.items()), "body": body, "json": _json(body)}
        proxy.requests.append(request)
        status, document, delay = proxy.status, proxy.body, proxy.delay
        if proxy.responder is not None:
            status, document, *wait = proxy.responder(request)
            delay = wait[0] if wait else 0.0
        time.sleep(delay)
        payload = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


def _json(body):
    try:
        return json.loads(body)
    except ValueError:
        return None

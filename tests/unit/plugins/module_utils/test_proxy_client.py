# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_proxy_client.py against a tiny local proxy stub.

get_health_status always dials <host>:443 over TLS. Here the connection class it uses is replaced by
one that keeps the host (so the Host header and the signature are those of the real endpoint) but
dials a stub on 127.0.0.1: plain HTTP for the answers, raw sockets for the network failures.
"""

import http.client
import http.server
import json
import re
import socket
import ssl
import threading

import pytest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.tests.unit import stores as s

HOST = "myproxy.xks.example.com"
WHERE = "https://%s%s/health" % (HOST, s.URI_PATH)

ACTIVE = {"healthStatus": "ACTIVE", "ekmVendor": "Example", "ekmFleetDetails": []}
HEALTHY_ANSWER = {
    "xksProxyFleetSize": 2, "xksProxyVendor": "Example", "xksProxyModel": "xks-1", "ekmVendor": "Example EKM",
    "ekmFleetDetails": [{"id": "ekm-1", "model": "m", "healthStatus": "ACTIVE"}, {"id": "ekm-2", "model": "m", "healthStatus": "DEGRADED"}],
}


def answer(**changes):
    document = dict(HEALTHY_ANSWER)
    document.update(changes)
    return {key: value for key, value in document.items() if value is not None}


def fleet(*statuses):
    return [{"id": "ekm-%d" % number, "model": "m", "healthStatus": status} for number, status in enumerate(statuses)]


class StubProxy:
    """What the stub received and what it answers next."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = json.dumps(HEALTHY_ANSWER).encode()

    def reply(self, status, body):
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def stub():
    state = StubProxy()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (the http.server naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.port = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()


class Dialled:
    """The connections get_health_status opened: host, port, timeout and TLS context it asked for."""

    def __init__(self):
        self.opened = []


def redirect(monkeypatch, port, tls=False):
    """Make get_health_status's HTTPSConnection dial 127.0.0.1:<port> (with TLS or not), keeping everything else."""
    dialled = Dialled()

    class Redirected(http.client.HTTPConnection):
        default_port = 443

        def __init__(self, host, port=None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, context=None):  # pylint: disable=protected-access
            dialled.opened.append({"host": host, "port": port, "timeout": timeout, "context": context})
            super().__init__(host, port, timeout=timeout)
            self.tls_context = context

        def connect(self):
            sock = socket.create_connection(("127.0.0.1", port), self.timeout)
            self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host) if tls else sock

    monkeypatch.setattr(http.client, "HTTPSConnection", Redirected)
    return dialled


def ask(**kwargs):
    params = dict(endpoint="https://" + HOST, uri_path=s.URI_PATH, access_key_id=s.ACCESS_KEY_ID, secret=s.SECRET, region="us-east-1")
    params.update(kwargs)
    return pc.get_health_status(**params)


def assert_signed_by(request, access_key_id, secret, region):
    """Check the SigV4 signature the stub received, as a proxy does: scope, signed headers, signature."""
    headers = request["headers"]
    match = re.match(
        r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$",
        headers["Authorization"],
    )
    assert match, headers["Authorization"]
    key_id, date, scope_region, service, signed, signature = match.groups()
    assert (key_id, scope_region, service) == (access_key_id, region, "kms-xks-proxy")
    assert date == headers["X-Amz-Date"][:8]
    assert "host" in signed.split(";")
    lowered = {name.lower(): value for name, value in headers.items()}
    again = AWSRequest(method="POST", url="https://%s%s" % (lowered["host"], request["path"]), data=request["body"],
                       headers={name: lowered[name] for name in signed.split(";")})
    again.context["timestamp"] = headers["X-Amz-Date"]
    signer = SigV4Auth(Credentials(access_key_id, secret), "kms-xks-proxy", region)
    assert signer.signature(signer.string_to_sign(again, signer.canonical_request(again)), again) == signature


# -- what is sent ----------------------------------------------------------------------------

def test_the_request_is_what_kms_sends(monkeypatch, stub):
    dialled = redirect(monkeypatch, stub.port)

    result = ask(region="eu-west-1", timeout=3.0)

    assert result.healthy and result.outcome == pc.HEALTHY
    assert result.body == HEALTHY_ANSWER
    assert dialled.opened[0]["host"] == HOST and dialled.opened[0]["port"] == 443 and dialled.opened[0]["timeout"] == 3.0
    (request,) = stub.requests
    assert request["path"] == s.URI_PATH + "/health"
    assert request["headers"]["Host"] == HOST
    assert request["headers"]["Content-Type"] == "application/json"
    metadata = json.loads(request["body"])["requestMetadata"]
    assert metadata["kmsOperation"] == "KmsHealthCheck"
    assert re.match(r"^[0-9a-f-]{36}$", metadata["kmsRequestId"])
    assert_signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "eu-west-1")
    assert not s.leaked_pieces(json.dumps(request["headers"]) + request["body"].decode(), s.SECRET)


def test_each_request_has_its_own_request_id(monkeypatch, stub):
    redirect(monkeypatch, stub.port)

    ask()
    ask()

    ids = [json.loads(request["body"])["requestMetadata"]["kmsRequestId"] for request in stub.requests]
    assert len(set(ids)) == 2


def test_certificates_are_verified_unless_told_otherwise(monkeypatch, stub):
    dialled = redirect(monkeypatch, stub.port)

    ask()
    ask(validate_certs=False)

    verified, unverified = (opened["context"] for opened in dialled.opened)
    assert verified.verify_mode == ssl.CERT_REQUIRED and verified.check_hostname is True
    assert verified.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert unverified.verify_mode == ssl.CERT_NONE and unverified.check_hostname is False


# -- how the answer is classified ------------------------------------------------------------

ANSWERS = [
    pytest.param(200, HEALTHY_ANSWER, pc.HEALTHY, "is healthy", id="active-and-degraded"),
    pytest.param(200, answer(ekmFleetDetails=fleet("UNAVAILABLE", "DEGRADED")), pc.HEALTHY, "is healthy", id="one-degraded"),
    pytest.param(200, answer(ekmFleetDetails=fleet("UNAVAILABLE", "UNAVAILABLE")), pc.UNHEALTHY, "all 2 external key managers are UNAVAILABLE",
                 id="all-unavailable"),
    pytest.param(200, answer(ekmVendor=None), pc.INVALID_RESPONSE, "missing ekmVendor", id="missing-key"),
    pytest.param(200, answer(ekmFleetDetails=[]), pc.INVALID_RESPONSE, "ekmFleetDetails", id="empty-fleet"),
    pytest.param(200, answer(ekmFleetDetails=fleet("GREEN")), pc.INVALID_RESPONSE, "valid healthStatus", id="unknown-health-status"),
    pytest.param(200, answer(ekmFleetDetails=ACTIVE), pc.INVALID_RESPONSE, "ekmFleetDetails", id="fleet-not-a-list"),
    pytest.param(200, [HEALTHY_ANSWER], pc.INVALID_RESPONSE, "cannot use", id="not-an-object"),
    pytest.param(200, b"<html>OK</html>", pc.INVALID_RESPONSE, "cannot use", id="not-json"),
    pytest.param(200, b"\xff\xfe", pc.INVALID_RESPONSE, "cannot use", id="not-utf8"),
    pytest.param(401, {"errorName": "AuthenticationFailedException"}, pc.CREDENTIAL_REJECTED, "rejected the credential (401 AuthenticationFailedException)",
                 id="401"),
    pytest.param(401, b"", pc.CREDENTIAL_REJECTED, "rejected the credential", id="401-without-body"),
    pytest.param(404, {"errorName": "InvalidUriPathException"}, pc.WRONG_PATH, "does not serve this URI path (404 InvalidUriPathException)", id="404"),
    pytest.param(403, {"errorName": "AccessDeniedException"}, pc.ACCESS_DENIED, "denied access (403 AccessDeniedException)", id="403"),
    pytest.param(500, {"errorName": "InternalException"}, pc.PROXY_ERROR, "answered HTTP 500 (InternalException)", id="500"),
    pytest.param(503, b"busy", pc.PROXY_ERROR, "answered HTTP 503.", id="503-not-json"),
]


@pytest.mark.parametrize("status, body, outcome, text", ANSWERS)
def test_each_answer_is_sorted_into_an_outcome(monkeypatch, stub, status, body, outcome, text):
    redirect(monkeypatch, stub.port)
    stub.reply(status, body)

    result = ask()

    assert result.outcome == outcome
    assert result.status == status
    assert result.healthy is (outcome == pc.HEALTHY)
    # Only answers KMS would reject a key store for are definite; the others may differ between the controller and KMS.
    assert result.definite_failure is (outcome in (pc.UNHEALTHY, pc.CREDENTIAL_REJECTED, pc.ACCESS_DENIED, pc.WRONG_PATH, pc.INVALID_RESPONSE))
    assert WHERE in result.message and text in result.message
    assert not s.leaked_pieces(result.message, s.SECRET)


# -- network failures ------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def raw_server():
    """A listening socket whose accepted connections get ``send`` (if any) and are held open until the test ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held, config = [], {"send": None}

    def serve():
        while True:
            try:
                conn, _address = listener.accept()
            except OSError:
                return
            held.append(conn)
            if config["send"]:
                conn.sendall(config["send"])

    threading.Thread(target=serve, daemon=True).start()
    config["port"] = listener.getsockname()[1]
    yield config
    listener.close()
    for conn in held:
        conn.close()


def test_nothing_listening_is_unreachable(monkeypatch):
    redirect(monkeypatch, free_port())

    result = ask()

    assert result.outcome == pc.UNREACHABLE
    assert not result.healthy and not result.definite_failure
    assert result.message.startswith("Cannot reach the proxy at %s" % WHERE)


def test_a_proxy_that_never_answers_times_out(monkeypatch, raw_server):
    redirect(monkeypatch, raw_server["port"])

    result = ask(timeout=0.3)

    assert result.outcome == pc.TIMED_OUT
    assert not result.definite_failure
    assert result.message == "The proxy at %s did not answer within 0.3 seconds." % WHERE


def test_a_proxy_that_does_not_speak_tls_is_a_tls_error(monkeypatch, raw_server):
    raw_server["send"] = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    redirect(monkeypatch, raw_server["port"], tls=True)

    result = ask(timeout=5.0)

    assert result.outcome == pc.TLS_ERROR
    assert not result.definite_failure
    assert result.message.startswith("TLS with the proxy at %s failed:" % WHERE)


def test_a_proxy_that_hangs_up_is_unreachable(monkeypatch, raw_server):
    raw_server["send"] = b"garbage\r\n\r\n"
    redirect(monkeypatch, raw_server["port"])

    result = ask(timeout=5.0)

    assert result.outcome == pc.UNREACHABLE
    assert WHERE in result.message


def test_health_url_joins_endpoint_and_path():
    assert pc.health_url("https://" + HOST + "/", "/kms/xks/v1") == "https://%s/kms/xks/v1/health" % HOST

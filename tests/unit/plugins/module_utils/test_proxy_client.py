# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_proxy/client.py against the unit tests' fake XKS proxy (tests/unit/fake_proxy.py):
a real HTTPS server on port 443 of a loopback address, dialled as KMS would dial a proxy."""

import json
import re
import socket
import ssl
import threading
import warnings

import pytest
import trustme

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.tests.unit import fake_proxy
from ansible_collections.kms.xks.tests.unit import stores as s

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


@pytest.fixture
def stub(proxy):
    proxy.answer(body=HEALTHY_ANSWER)
    return proxy


def where(proxy):
    return "%s%s/health" % (proxy.endpoint, s.URI_PATH)


def ask(proxy, kms_operation="KmsHealthCheck", **kwargs):
    params = dict(endpoint=proxy.endpoint, uri_path=s.URI_PATH, credential={"access_key_id": s.ACCESS_KEY_ID, "raw_secret_access_key": s.SECRET},
                  region="us-east-1", ca_path=proxy.ca_path)
    params.update(kwargs)
    return pc.get_health_status(pc.ProxyTarget(**params), kms_operation)


# -- what is sent ----------------------------------------------------------------------------

def test_the_request_is_what_kms_sends(stub):
    result = ask(stub, region="eu-west-1", timeout=3.0)

    assert result.healthy and result.outcome == pc.HEALTHY
    assert result.body == HEALTHY_ANSWER
    # The fake proxy listens on port 443 only: the request reached it there, for the endpoint's host.
    assert fake_proxy.PORT == 443
    (request,) = stub.requests
    assert request["path"] == s.URI_PATH + "/health"
    assert request["headers"]["Host"] == stub.address
    assert request["headers"]["Content-Type"] == "application/json"
    metadata = json.loads(request["body"])["requestMetadata"]
    assert metadata["kmsOperation"] == "KmsHealthCheck"
    assert re.match(r"^[0-9a-f-]{36}$", metadata["kmsRequestId"])
    assert stub.signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "eu-west-1")
    assert not stub.signed_by(request, s.ACCESS_KEY_ID, s.NEW_SECRET, "eu-west-1")
    assert not s.leaked_pieces(json.dumps(request["headers"]) + request["body"].decode(), s.SECRET)


def test_each_request_has_its_own_request_id(stub):
    ask(stub)
    ask(stub)

    ids = [json.loads(request["body"])["requestMetadata"]["kmsRequestId"] for request in stub.requests]
    assert len(set(ids)) == 2


def test_certificates_are_verified_unless_told_otherwise(stub, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    stub.certify("another-host.example.com")

    verified_without_ca = ask(stub, ca_path=None)
    verified_wrong_host = ask(stub)
    unverified = ask(stub, ca_path=None, validate_certs=False)

    assert verified_without_ca.outcome == pc.TLS_ERROR and "CERTIFICATE_VERIFY_FAILED" in verified_without_ca.message
    assert verified_wrong_host.outcome == pc.TLS_ERROR and "mismatch" in verified_wrong_host.message
    assert unverified.healthy


def test_the_answer_carries_the_server_certificate_and_the_time_taken(stub):
    result = ask(stub)

    assert result.certificate["subject"].startswith("CN=%s," % stub.address)
    assert "Testing CA" in result.certificate["issuer"] and "CN=" not in result.certificate["issuer"]
    assert result.certificate["not_after"] == "3000-01-01T00:00:00+00:00"  # trustme's default
    assert 0 < result.elapsed < 5


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
def test_each_answer_is_sorted_into_an_outcome(stub, status, body, outcome, text):
    stub.answer(status, body)

    result = ask(stub)

    assert result.outcome == outcome
    assert result.status == status
    assert result.healthy is (outcome == pc.HEALTHY)
    # Only answers KMS would reject a key store for are definite; the others may differ between the controller and KMS.
    assert result.definite_failure is (outcome in (pc.UNHEALTHY, pc.CREDENTIAL_REJECTED, pc.ACCESS_DENIED, pc.WRONG_PATH, pc.INVALID_RESPONSE))
    assert where(stub) in result.message and text in result.message
    assert not s.leaked_pieces(result.message, s.SECRET)


# -- network failures ------------------------------------------------------------------------

def test_nothing_listening_is_unreachable(proxy):
    endpoint = proxy.unused_endpoint

    result = ask(proxy, endpoint=endpoint)

    assert result.outcome == pc.UNREACHABLE
    assert not result.healthy and not result.definite_failure
    assert result.message.startswith("Cannot reach the proxy at %s%s/health" % (endpoint, s.URI_PATH))


def test_a_proxy_that_never_answers_times_out(proxy):
    proxy.behave(fake_proxy.SILENT)

    result = ask(proxy, timeout=0.3)

    assert result.outcome == pc.TIMED_OUT
    assert not result.definite_failure
    assert result.message == "The proxy at %s did not answer within 0.3 seconds." % where(proxy)


def test_a_proxy_that_does_not_speak_tls_is_a_tls_error(proxy):
    proxy.behave(fake_proxy.PLAINTEXT, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    result = ask(proxy, timeout=5.0)

    assert result.outcome == pc.TLS_ERROR
    assert not result.definite_failure
    assert result.message.startswith("TLS with the proxy at %s failed:" % where(proxy))


class OldTlsProxy:
    """A TLS server that speaks TLS 1.0 and 1.1 only, as an outdated proxy would (the XKS Proxy API
    requires TLS 1.2 or later). It records, per connection, the version it agreed or why it did not."""

    def __init__(self, directory):
        self.ca = trustme.CA()
        self.ca_path = str(directory / "old-tls-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        self.address = fake_proxy.random_loopback_address()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # OpenSSL 3 refuses TLS below 1.2 above security level 0, on the server side too.
        self.context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1 and TLSv1_1 are deprecated: that is the point
            self.context.minimum_version = ssl.TLSVersion.TLSv1
            self.context.maximum_version = ssl.TLSVersion.TLSv1_1
        self.ca.issue_cert(self.address).configure_cert(self.context)
        self.listener = socket.create_server((self.address, 0))
        self.endpoint = "https://%s:%d" % (self.address, self.listener.getsockname()[1])
        self.handshakes = []
        self.handshake_seen = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _peer = self.listener.accept()
            except OSError:
                return  # closed
            try:
                with self.context.wrap_socket(connection, server_side=True) as tls:
                    outcome = tls.version()
            except (ssl.SSLError, OSError) as e:
                outcome = e
            with self.handshake_seen:
                self.handshakes.append(outcome)
                self.handshake_seen.notify_all()

    def wait_for_handshakes(self, count, timeout=5.0):
        with self.handshake_seen:
            self.handshake_seen.wait_for(lambda: len(self.handshakes) >= count, timeout)
        return list(self.handshakes)

    def old_client_context(self):
        """A client that accepts TLS 1.0 and 1.1: the control that this server does speak them."""
        context = ssl.create_default_context(cafile=self.ca_path)
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        return context

    def close(self):
        self.listener.close()


@pytest.fixture
def old_tls_proxy(tmp_path):
    server = OldTlsProxy(tmp_path)
    yield server
    server.close()


def test_a_proxy_below_tls_1_2_is_refused(old_tls_proxy):
    # Python 3.10+ with OpenSSL 3 refuses TLS below 1.2 by default as well; this holds the client to
    # the floor whatever the defaults (a lowered minimum_version or security level fails it).
    try:
        with socket.create_connection(old_tls_proxy.listener.getsockname(), timeout=5) as raw:
            with old_tls_proxy.old_client_context().wrap_socket(raw, server_hostname=old_tls_proxy.address) as tls:
                control = tls.version()
    except ssl.SSLError as e:
        pytest.skip("this OpenSSL cannot speak TLS 1.1 even at security level 0 (%s): nothing to refuse" % e)
    assert control == "TLSv1.1"

    result = ask(old_tls_proxy, timeout=5.0)

    assert result.outcome == pc.TLS_ERROR and not result.healthy
    assert result.message.startswith("TLS with the proxy at %s failed:" % where(old_tls_proxy))
    assert "PROTOCOL_VERSION" in result.message  # the version, not the certificate, is what failed
    # The server agreed no version with the client: nothing was sent below TLS 1.2.
    _control, refused = old_tls_proxy.wait_for_handshakes(2)
    assert isinstance(refused, ssl.SSLError)


def test_a_proxy_that_hangs_up_is_unreachable(proxy):
    proxy.behave(fake_proxy.GARBAGE, b"garbage\r\n\r\n")

    result = ask(proxy, timeout=5.0)

    assert result.outcome == pc.UNREACHABLE
    assert where(proxy) in result.message


def test_health_url_joins_endpoint_and_path():
    target = pc.ProxyTarget("https://myproxy.xks.example.com/", "/kms/xks/v1", None, "us-east-1")
    assert target.url(pc.HEALTH) == "https://myproxy.xks.example.com/kms/xks/v1/health"


def test_any_operation_is_one_signed_call(stub):
    stub.answer(body={"keyMetadata": {"keySpec": "AES_256"}})

    answer_ = pc.call_proxy(stub.endpoint, s.URI_PATH, "keys/key-1/metadata", s.ACCESS_KEY_ID, s.SECRET, "us-east-1", "DescribeKey",
                            body={"x": 1}, ca_path=stub.ca_path)

    assert (answer_.status, answer_.payload) == (200, {"keyMetadata": {"keySpec": "AES_256"}})
    (request,) = stub.requests
    assert request["path"] == s.URI_PATH + "/keys/key-1/metadata"
    assert request["json"]["x"] == 1 and request["json"]["requestMetadata"]["kmsOperation"] == "DescribeKey"
    assert stub.signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "us-east-1")

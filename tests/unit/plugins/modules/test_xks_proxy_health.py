# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms.xks.xks_proxy_health against a tiny local HTTPS proxy that answers as each test scripts it.

The certificates come from `cryptography` (a dependency of ansible-core, so always there). The
module always calls port 443, as KMS does; the tests point _proxy_client.PROXY_PORT at the local
server's port instead, so they need no root and no fixed address.
"""

import contextlib
import datetime
import http.server
import json
import socket
import ssl
import threading
import time

import pytest

x509 = pytest.importorskip("cryptography.x509")
pytest.importorskip("botocore")

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from ansible.module_utils.testing import patch_module_args  # noqa: E402

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as _proxy_client  # noqa: E402
from ansible_collections.kms.xks.plugins.modules.xks_proxy_health import main  # noqa: E402
from ansible_collections.kms.xks.tests.unit import stores as s  # noqa: E402

ACCESS_KEY_ID = "AKIAI2SFODNN7EXAMPLE"
SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"
URI_PATH = "/example-prefix/kms/xks/v1"
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


# -- certificates ---------------------------------------------------------------------------------
def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, is_ca, hostnames=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True  # keyCertSign, cRLSign
        )
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in hostnames]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A test CA, a server certificate for localhost issued by it, and the CA's PEM file."""
    directory = tmp_path_factory.mktemp("pki")
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("kms.xks unit test CA"), _name("kms.xks unit test CA"), ca_key.public_key(), ca_key, True)
    server = _certificate(_name("localhost"), ca.subject, server_key.public_key(), ca_key, False, ["localhost"])
    paths = {name: str(directory / name) for name in ("ca.pem", "server.pem", "server-key.pem")}
    with open(paths["ca.pem"], "wb") as handle:
        handle.write(_pem(ca))
    with open(paths["server.pem"], "wb") as handle:
        handle.write(_pem(server) + _pem(ca))
    with open(paths["server-key.pem"], "wb") as handle:
        handle.write(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


# -- the local proxy ------------------------------------------------------------------------------
class Proxy:
    """What the local proxy answers (status, JSON body or raw bytes, delay) and what it was asked."""

    def __init__(self):
        self.status, self.body, self.delay = 200, HEALTHY_ANSWER, 0.0
        self.requests = []

    def answer(self, status=200, body=None, delay=0.0):
        self.status, self.body, self.delay = status, body, delay


def _handler(proxy):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            proxy.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(self.rfile.read(length))})
            time.sleep(proxy.delay)
            payload = proxy.body if isinstance(proxy.body, bytes) else json.dumps(proxy.body).encode()
            self.send_response(proxy.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that give up (timeouts, refused certificates) are what several tests are about


@pytest.fixture
def proxy(pki, monkeypatch):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["server.pem"], pki["server-key.pem"])
    scripted = Proxy()
    server = QuietServer(("127.0.0.1", 0), _handler(scripted))
    # The handshake happens in the handler thread, so a client that gives up cannot block the server.
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setattr(_proxy_client, "PROXY_PORT", server.server_address[1])
    yield scripted
    server.shutdown()
    server.server_close()


# -- running the module ---------------------------------------------------------------------------
@pytest.fixture
def run(capsys, monkeypatch, pki):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    def run(check_mode=False, **overrides):
        args = dict(
            xks_proxy_uri_endpoint="https://localhost",
            xks_proxy_uri_path=URI_PATH,
            xks_proxy_authentication_credential={"access_key_id": ACCESS_KEY_ID, "raw_secret_access_key": SECRET},
            region="us-east-1",
            ca_path=pki["ca.pem"],
            timeout=5,
        )
        args.update(overrides)
        args = {key: value for key, value in args.items() if value is not None}
        if check_mode:
            args["_ansible_check_mode"] = True
        with patch_module_args(args), contextlib.suppress(SystemExit):
            main()
        out = capsys.readouterr().out
        assert not s.leaked_pieces(out, SECRET)
        return json.loads(out)

    return run


# -- tests ----------------------------------------------------------------------------------------
def test_healthy_proxy(run, proxy):
    result = run()
    assert result.get("failed") is not True, result
    assert result["changed"] is False
    assert result["healthy"] is True
    assert result["outcome"] == "healthy"
    assert result["http_status"] == 200
    assert result["url"] == "https://localhost%s/health" % URI_PATH
    assert result["health_status"] == {
        "xks_proxy_fleet_size": 2,
        "xks_proxy_vendor": "Acme Corp",
        "xks_proxy_model": "Acme XKS Proxy 1.0",
        "ekm_vendor": "Thales Group",
        "ekm_fleet_details": [
            {"id": "hsm-id-1", "model": "Luna 5.0", "health_status": "ACTIVE"},
            {"id": "hsm-id-2", "model": "Luna 5.1", "health_status": "ACTIVE"},
        ],
    }
    assert "warnings" not in result


def test_the_request_is_what_kms_sends(run, proxy):
    run(kms_operation="UpdateCustomKeyStore")
    (request,) = proxy.requests
    assert request["path"] == URI_PATH + "/health"
    assert request["body"]["requestMetadata"]["kmsOperation"] == "UpdateCustomKeyStore"
    assert request["body"]["requestMetadata"]["kmsRequestId"]
    authorization = request["headers"]["Authorization"]
    scope = authorization.split("Credential=")[1].split(",")[0].split("/")
    assert scope[0] == ACCESS_KEY_ID and scope[2:] == ["us-east-1", "kms-xks-proxy", "aws4_request"]
    assert "SignedHeaders=" in authorization and "host" in authorization and "x-amz-date" in authorization


def test_check_mode_calls_the_proxy_too(run, proxy):
    result = run(check_mode=True)
    assert result["healthy"] is True and result["changed"] is False
    assert len(proxy.requests) == 1


def test_some_key_managers_down_is_healthy_with_a_warning(run, proxy):
    fleet = [dict(HEALTHY_ANSWER["ekmFleetDetails"][0], healthStatus="UNAVAILABLE"), HEALTHY_ANSWER["ekmFleetDetails"][1]]
    proxy.answer(body=dict(HEALTHY_ANSWER, ekmFleetDetails=fleet))
    result = run()
    assert result["healthy"] is True
    assert "hsm-id-1 UNAVAILABLE" in str(result["warnings"])


def test_all_key_managers_unavailable_fails(run, proxy):
    fleet = [dict(ekm, healthStatus="UNAVAILABLE") for ekm in HEALTHY_ANSWER["ekmFleetDetails"]]
    proxy.answer(body=dict(HEALTHY_ANSWER, ekmFleetDetails=fleet))
    result = run()
    assert result["failed"] is True
    assert result["healthy"] is False and result["outcome"] == "unhealthy"
    assert result["health_status"]["ekm_fleet_details"][0]["health_status"] == "UNAVAILABLE"
    assert "XKS_PROXY_NOT_REACHABLE" in result["msg"]


def test_fail_on_unhealthy_false_reports_instead(run, proxy):
    proxy.answer(status=401, body={"errorName": "AuthenticationFailedException"})
    result = run(fail_on_unhealthy=False)
    assert result.get("failed") is not True, result
    assert result["healthy"] is False and result["outcome"] == "credential_rejected"


@pytest.mark.parametrize(
    "status, body, outcome, words",
    [
        (401, {"errorName": "AuthenticationFailedException"}, "credential_rejected", ["rejected the credential", "region"]),
        (403, {"errorName": "AccessDeniedException"}, "access_denied", ["denied access", "XKS_PROXY_ACCESS_DENIED"]),
        (404, {"errorName": "InvalidUriPathException"}, "wrong_path", ["does not serve this URI path", "xks_proxy_uri_path"]),
        (503, {"errorName": "DependencyTimeoutException"}, "proxy_error", ["HTTP 503", "DependencyTimeoutException"]),
        (200, b"<html>not json</html>", "invalid_response", ["cannot use", "XKS_PROXY_INVALID_RESPONSE"]),
        (200, {"xksProxyFleetSize": 1}, "invalid_response", ["missing xksProxyVendor"]),
    ],
)
def test_each_failure_has_its_own_outcome_and_message(run, proxy, status, body, outcome, words):
    proxy.answer(status=status, body=body)
    result = run()
    assert result["failed"] is True
    assert result["outcome"] == outcome
    assert result["http_status"] == status
    assert "health_status" not in result
    for word in words:
        assert word in result["msg"], result["msg"]


def test_slow_proxy_times_out(run, proxy):
    proxy.answer(body=HEALTHY_ANSWER, delay=2)
    result = run(timeout=0.3)
    assert result["outcome"] == "timed_out"
    assert "0.3 seconds" in result["msg"] and "XKS_PROXY_TIMED_OUT" in result["msg"]


def test_unreachable_proxy(run, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setattr(_proxy_client, "PROXY_PORT", probe.getsockname()[1])
    result = run()
    assert result["outcome"] == "unreachable"
    assert "Cannot reach the proxy" in result["msg"] and "http_status" not in result


def test_certificate_from_an_untrusted_ca_is_a_tls_error(run, proxy, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    result = run(ca_path=None)
    assert result["outcome"] == "tls_error", result
    assert "CERTIFICATE_VERIFY_FAILED (self-signed certificate in certificate chain)" in result["msg"]
    assert "XKS_PROXY_INVALID_TLS_CONFIGURATION" in result["msg"]
    assert proxy.requests == []


def test_validate_certs_false_skips_verification(run, proxy):
    assert run(ca_path=None, validate_certs=False)["healthy"] is True


def test_host_name_must_match_the_certificate(run, proxy):
    # 127.0.0.1 reaches the same server, but the certificate is for localhost only.
    result = run(xks_proxy_uri_endpoint="https://127.0.0.1")
    assert result["outcome"] == "tls_error", result
    assert "mismatch" in result["msg"]


def test_configuration_file_gives_path_and_credential(run, proxy, tmp_path):
    config = tmp_path / "proxy-configuration.json"
    config.write_text(
        json.dumps({"XksProxyUriPath": URI_PATH, "XksProxyAuthenticationCredential": {"AccessKeyId": ACCESS_KEY_ID, "RawSecretAccessKey": SECRET}})
    )
    result = run(xks_proxy_uri_path=None, xks_proxy_authentication_credential=None, xks_proxy_configuration_file=str(config))
    assert result["healthy"] is True
    assert proxy.requests[0]["path"] == URI_PATH + "/health"


def test_region_from_the_environment(run, proxy, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert run(region=None)["healthy"] is True
    assert "/eu-west-1/kms-xks-proxy/" in proxy.requests[0]["headers"]["Authorization"]


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"xks_proxy_uri_endpoint": "https://localhost:8443"}, ["xks_proxy_uri_endpoint", "port"]),
        ({"xks_proxy_uri_endpoint": "http://localhost"}, ["xks_proxy_uri_endpoint", "https://"]),
        ({"xks_proxy_uri_path": "/kms/xks"}, ["xks_proxy_uri_path"]),
        ({"xks_proxy_authentication_credential": {"access_key_id": ACCESS_KEY_ID, "raw_secret_access_key": "short!" + SECRET[:10]}}, ["raw_secret_access_key"]),
        ({"xks_proxy_authentication_credential": {"access_key_id": "lowercase-id-000000000", "raw_secret_access_key": SECRET}}, ["access_key_id"]),
        ({"timeout": 0}, ["timeout must be greater than 0"]),
        ({"ca_path": "/nonexistent/ca.pem"}, ["ca_path", "/nonexistent/ca.pem"]),
        (
            {"xks_proxy_configuration_file": "/nonexistent/config.json", "xks_proxy_uri_path": None, "xks_proxy_authentication_credential": None},
            ["xks_proxy_configuration_file"],
        ),
        ({"region": None}, ["region"]),
        ({"region": ""}, ["region", "not a valid AWS Region"]),
        ({"region": "us east 1/../x"}, ["region", "'us east 1/../x'", "not a valid AWS Region"]),
        ({"region": "-us-east-1"}, ["region", "not a valid AWS Region"]),
        ({"region": "x" * 64}, ["region", "not a valid AWS Region"]),
        ({"xks_proxy_uri_path": None}, ["xks_proxy_uri_path", "xks_proxy_configuration_file"]),
    ],
)
def test_bad_options_fail_before_any_call(run, proxy, overrides, words):
    result = run(**overrides)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert proxy.requests == []


def test_the_aws_options_of_the_group_are_accepted_and_ignored(run, proxy):
    # module_defaults for group/kms.xks.aws pass these to every module of the group.
    result = run(
        access_key="AKIDEXAMPLE", secret_key="not-a-real-secret-key", session_token="token", profile=None,
        endpoint_url="https://127.0.0.1:1", aws_ca_bundle="/nonexistent/ca.pem", aws_config={"retries": {"max_attempts": 1}},
        debug_botocore_endpoint_logs=False,
    )
    assert result["healthy"] is True, result
    assert len(proxy.requests) == 1


def test_validate_certs_false_warns_that_the_proxy_is_not_verified(run, proxy):
    result = run(ca_path=None, validate_certs=False)
    assert "validate_certs=false: the proxy's TLS certificate and host name are not verified" in str(result.get("warnings")), result


def test_a_secret_from_the_configuration_file_is_never_shown(run, proxy, tmp_path):
    # A bad access key ID makes the module fail; the (valid) secret next to it must not appear anywhere.
    config = tmp_path / "proxy-configuration.json"
    config.write_text(json.dumps({"XksProxyUriPath": URI_PATH, "XksProxyAuthenticationCredential": {"AccessKeyId": "bad", "RawSecretAccessKey": SECRET}}))
    result = run(xks_proxy_uri_path=None, xks_proxy_authentication_credential=None, xks_proxy_configuration_file=str(config))
    assert result["failed"] is True and "AccessKeyId" in result["msg"]

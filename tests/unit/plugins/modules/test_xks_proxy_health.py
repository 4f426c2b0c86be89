# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms.xks.xks_proxy_health against the unit tests' fake XKS proxy (tests/unit/fake_proxy.py): a
trustme-backed HTTPS server on port 443 of a loopback address, dialled as KMS would."""

import json

import pytest


from ansible_collections.kms.xks.tests.unit import fake_proxy
from ansible_collections.kms.xks.tests.unit import stores as s

ACCESS_KEY_ID = "AKIAI2SFODNN7EXAMPLE"
SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"
URI_PATH = "/example-prefix/kms/xks/v1"
HEALTHY_ANSWER = fake_proxy.HEALTHY_ANSWER
# The advice that this host's round trip is slower than the spec's 35 ms: a loaded test machine may see it in any test.
LATENCY_ADVICE = "35 ms round trip"


# -- running the module ---------------------------------------------------------------------------
@pytest.fixture
def run(run_proxy_health, proxy):
    defaults = dict(
        xks_proxy_uri_endpoint=proxy.endpoint,
        xks_proxy_uri_path=URI_PATH,
        xks_proxy_authentication_credential={"access_key_id": ACCESS_KEY_ID, "raw_secret_access_key": SECRET},
        region="us-east-1",
        ca_path=proxy.ca_path,
        timeout=5,
    )
    return lambda **overrides: run_proxy_health(defaults, overrides, (SECRET,))


# -- tests ----------------------------------------------------------------------------------------
def test_healthy_proxy(run, proxy):
    result = run()
    assert result.get("failed") is not True, result
    assert result["changed"] is False
    assert result["healthy"] is True
    assert result["outcome"] == "healthy"
    assert result["http_status"] == 200
    assert result["url"] == "%s%s/health" % (proxy.endpoint, URI_PATH)
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
    assert s.warnings_of(result, but=LATENCY_ADVICE) == []


def test_the_request_is_what_kms_sends(run, proxy):
    run(kms_operation="UpdateCustomKeyStore", samples=1)
    (request,) = proxy.requests
    assert request["path"] == URI_PATH + "/health"
    assert request["json"]["requestMetadata"]["kmsOperation"] == "UpdateCustomKeyStore"
    assert request["json"]["requestMetadata"]["kmsRequestId"]
    authorization = request["headers"]["Authorization"]
    scope = authorization.split("Credential=")[1].split(",")[0].split("/")
    assert scope[0] == ACCESS_KEY_ID and scope[2:] == ["us-east-1", "kms-xks-proxy", "aws4_request"]
    assert "SignedHeaders=" in authorization and "host" in authorization and "x-amz-date" in authorization


def test_by_default_five_samples_each_a_request_of_its_own(run, proxy):
    result = run(kms_operation="ConnectCustomKeyStore")
    assert len(proxy.requests) == 5 == result["latency_ms"]["samples"]
    assert [request["json"]["requestMetadata"]["kmsOperation"] for request in proxy.requests] == ["ConnectCustomKeyStore"] * 5
    assert len({request["json"]["requestMetadata"]["kmsRequestId"] for request in proxy.requests}) == 5


def test_check_mode_calls_the_proxy_too(run, proxy):
    result = run(check_mode=True)
    assert result["healthy"] is True and result["changed"] is False
    assert len(proxy.requests) == 5


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


def test_unreachable_proxy(run, proxy):
    result = run(xks_proxy_uri_endpoint=proxy.unused_endpoint)
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
    # The server shows a certificate from the trusted CA, but for another host.
    proxy.certify("localhost")
    result = run()
    assert result["outcome"] == "tls_error", result
    assert "mismatch" in result["msg"]


def test_configuration_file_gives_path_and_credential(run, proxy, tmp_path):
    config = tmp_path / "proxy-configuration.json"
    config.write_text(json.dumps(s.configuration_document(URI_PATH, ACCESS_KEY_ID, SECRET)))
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
    assert len(proxy.requests) == 5


def test_validate_certs_false_warns_that_the_proxy_is_not_verified(run, proxy):
    result = run(ca_path=None, validate_certs=False)
    assert "validate_certs=false: the proxy's TLS certificate and host name are not verified" in str(result.get("warnings")), result


def test_a_secret_from_the_configuration_file_is_never_shown(run, proxy, tmp_path):
    # A bad access key ID makes the module fail; the (valid) secret next to it must not appear anywhere.
    config = tmp_path / "proxy-configuration.json"
    config.write_text(json.dumps(s.configuration_document(URI_PATH, "bad", SECRET)))
    result = run(xks_proxy_uri_path=None, xks_proxy_authentication_credential=None, xks_proxy_configuration_file=str(config))
    assert result["failed"] is True and "AccessKeyId" in result["msg"]


def test_a_warning_is_returned_once_without_a_deprecation(run, proxy):
    result = run(ca_path=None, validate_certs=False)
    assert s.warnings_of(result, but=LATENCY_ADVICE) == [
        "validate_certs=false: the proxy's TLS certificate and host name are not verified (KMS always verifies them)."]
    assert not result.get("deprecations"), result.get("deprecations")

# -*- coding: utf-8 -*-
"""The XKS proxy against the XKS Proxy API spec: GetHealthStatus, SigV4, errors, fault switches."""

import datetime
import json
import socket
import ssl
import time

import pytest
import requests

from testbed import AdminError
from testbed.credentials import new_credential
from testbed_helpers import health_request


def error_of(response):
    return response.json()["errorName"]


def test_health_status_has_the_spec_shape(bed):
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert set(document) == {"xksProxyFleetSize", "xksProxyVendor", "xksProxyModel", "ekmVendor", "ekmFleetDetails"}
    assert isinstance(document["xksProxyFleetSize"], int) and document["xksProxyFleetSize"] > 0
    assert 1 <= len(document["ekmFleetDetails"]) <= 10
    for ekm in document["ekmFleetDetails"]:
        assert set(ekm) == {"id", "model", "healthStatus"}
        assert ekm["healthStatus"] == "ACTIVE"


def test_each_instance_serves_its_own_path(bed):
    secondary = bed["xks_proxy_secondary"]
    assert health_request(bed, secondary["credentials"][0], instance="secondary").status_code == 200
    # The primary's credential and path mean nothing to the secondary.
    response = health_request(bed, secondary["credentials"][0], instance="secondary", uri_path=bed["xks_proxy_primary"]["uri_path"])
    assert response.status_code == 404 and error_of(response) == "InvalidUriPathException"


def test_get_is_405(bed):
    proxy = bed["xks_proxy_primary"]
    response = requests.get("https://%s%s/health" % (proxy["address"], proxy["uri_path"]), verify=bed["xks_ca_file"], timeout=5)
    assert response.status_code == 405


def test_unknown_path_is_404_invalid_uri_path(bed):
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0], uri_path="/nope/kms/xks/v1")
    assert response.status_code == 404
    assert error_of(response) == "InvalidUriPathException"
    assert set(response.json()) == {"errorName", "errorMessage"}


@pytest.mark.parametrize("case", ["unknown_key", "bad_secret", "wrong_region", "wrong_service", "too_old", "too_new", "unsigned"])
def test_authentication_failures_are_401(bed, case):
    live = bed["xks_proxy_primary"]["credentials"][0]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    if case == "unknown_key":
        response = health_request(bed, new_credential())
    elif case == "bad_secret":
        response = health_request(bed, {"access_key_id": live["access_key_id"], "raw_secret_access_key": new_credential()["raw_secret_access_key"]})
    elif case == "wrong_region":
        response = health_request(bed, live, region="eu-west-1")
    elif case == "wrong_service":
        response = health_request(bed, live, service="kms")
    elif case == "too_old":
        response = health_request(bed, live, when=now - datetime.timedelta(minutes=6))
    elif case == "too_new":
        response = health_request(bed, live, when=now + datetime.timedelta(minutes=6))
    else:
        proxy = bed["xks_proxy_primary"]
        response = requests.post("https://%s%s/health" % (proxy["address"], proxy["uri_path"]), json={}, verify=bed["xks_ca_file"], timeout=5)
    assert response.status_code == 401
    assert error_of(response) == "AuthenticationFailedException"


def test_a_date_within_five_minutes_is_accepted(bed):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0], when=now - datetime.timedelta(minutes=4))
    assert response.status_code == 200


def test_a_tampered_body_fails_the_signature(bed):
    proxy = bed["xks_proxy_primary"]
    good = health_request(bed, proxy["credentials"][0])
    assert good.status_code == 200
    request = good.request
    body = request.body if isinstance(request.body, bytes) else request.body.encode("utf-8")
    tampered = requests.post(request.url, data=body + b" ", headers={k: v for k, v in request.headers.items() if k != "Content-Length"},
                             verify=bed["xks_ca_file"], timeout=5)
    assert tampered.status_code == 401


def test_two_live_credentials_then_retire_the_old_one(bed, proxy):
    primary = bed["xks_proxy_primary"]
    old, new = primary["credentials"][0], primary["spare_credentials"][0]
    assert health_request(bed, new).status_code == 401
    proxy.add_credential("primary", primary["uri_path"], new)
    assert health_request(bed, old).status_code == 200
    assert health_request(bed, new).status_code == 200
    proxy.remove_credential("primary", primary["uri_path"], old["access_key_id"])
    assert health_request(bed, old).status_code == 401
    assert health_request(bed, new).status_code == 200


def test_paths_can_be_added_and_removed(bed, proxy):
    credential = bed["xks_proxy_primary"]["spare_credentials"][1]
    proxy.add_path("primary", "/tenant-b/kms/xks/v1", [credential])
    assert health_request(bed, credential, uri_path="/tenant-b/kms/xks/v1").status_code == 200
    proxy.remove_path("primary", "/tenant-b/kms/xks/v1")
    assert health_request(bed, credential, uri_path="/tenant-b/kms/xks/v1").status_code == 404


def test_bare_path_without_prefix(bed, proxy):
    credential = bed["xks_proxy_primary"]["spare_credentials"][0]
    proxy.add_path("primary", "/kms/xks/v1", [credential])
    assert health_request(bed, credential, uri_path="/kms/xks/v1").status_code == 200


def test_admin_describes_without_secrets(bed, proxy):
    text = json.dumps(proxy.instances())
    for name in bed["xks_proxy_instances"]:
        for credential in bed["xks_proxy_" + name]["credentials"]:
            assert credential["access_key_id"] in text
            assert credential["raw_secret_access_key"] not in text


@pytest.mark.parametrize("call", [
    lambda p: p.set_faults("primary", slow_ms=-1),
    lambda p: p.set_faults("primary", nonsense=True),
    lambda p: p.set_faults("primary", error="NotAnError"),
    lambda p: p.set_faults("nobody", down=True),
    lambda p: p.add_path("primary", "/bad", [new_credential()]),
    lambda p: p.add_credential("primary", "/primary/kms/xks/v1", {"access_key_id": "lower", "raw_secret_access_key": "x" * 44}),
    lambda p: p.remove_credential("primary", "/primary/kms/xks/v1", "UNKNOWNUNKNOWNUNKNOWN"),
])
def test_admin_rejects_bad_requests(proxy, call):
    with pytest.raises(AdminError) as excinfo:
        call(proxy)
    assert excinfo.value.status == 400


def test_the_request_log_records_operation_and_key(bed, proxy):
    credential = bed["xks_proxy_primary"]["credentials"][0]
    health_request(bed, credential)
    entries = proxy.requests("primary")
    assert entries[-1]["kms_operation"] == "KmsHealthCheck"
    assert entries[-1]["access_key_id"] == credential["access_key_id"]
    assert entries[-1]["status"] == 200


# Fault switches

def test_down_refuses_connections_then_comes_back(bed, proxy):
    address = bed["xks_proxy_primary"]["address"]
    proxy.set_faults("primary", down=True)
    assert proxy.health()["listeners"]["primary"] is False
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, 443), timeout=2).close()
    # The other instance keeps serving.
    assert health_request(bed, bed["xks_proxy_secondary"]["credentials"][0], instance="secondary").status_code == 200
    proxy.clear_faults("primary")
    assert health_request(bed, bed["xks_proxy_primary"]["credentials"][0]).status_code == 200


def test_bad_tls_serves_an_untrusted_certificate(bed, proxy):
    proxy.set_faults("primary", bad_tls=True)
    with pytest.raises(requests.exceptions.SSLError):
        health_request(bed, bed["xks_proxy_primary"]["credentials"][0])


def test_slow_delays_the_answer(bed, proxy):
    proxy.set_faults("primary", slow_ms=400)
    began = time.monotonic()
    assert health_request(bed, bed["xks_proxy_primary"]["credentials"][0]).status_code == 200
    assert time.monotonic() - began >= 0.4


def test_wrong_path_answers_404_everywhere(bed, proxy):
    proxy.set_faults("primary", wrong_path=True)
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    assert response.status_code == 404 and error_of(response) == "InvalidUriPathException"


@pytest.mark.parametrize("fault, statuses", [("unhealthy", {"UNAVAILABLE"}), ("degraded", {"UNAVAILABLE", "ACTIVE"})])
def test_fleet_health(bed, proxy, fault, statuses):
    proxy.set_faults("primary", **{fault: True})
    document = health_request(bed, bed["xks_proxy_primary"]["credentials"][0]).json()
    assert {ekm["healthStatus"] for ekm in document["ekmFleetDetails"]} == statuses


def test_invalid_response_is_not_json(bed, proxy):
    proxy.set_faults("primary", invalid_response=True)
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


@pytest.mark.parametrize("name, status", [("ThrottlingException", 429), ("InternalException", 500),
                                          ("DependencyTimeoutException", 503), ("ValidationException", 400)])
def test_error_fault_answers_with_the_spec_status(bed, proxy, name, status):
    proxy.set_faults("primary", error=name)
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    assert response.status_code == status and error_of(response) == name


def test_reset_restores_the_start_configuration(bed, proxy):
    primary = bed["xks_proxy_primary"]
    proxy.set_faults("primary", down=True)
    proxy.remove_credential("primary", primary["uri_path"], primary["credentials"][0]["access_key_id"])
    proxy.reset()
    assert health_request(bed, primary["credentials"][0]).status_code == 200


# TLS

@pytest.mark.parametrize("name", ["xks-proxy.test", "myproxy.xks.example.com", None])
def test_certificate_matches_names_and_address(bed, name):
    """None: the address this start chose for the instance."""
    address = bed["xks_proxy_primary"]["address"]
    context = ssl.create_default_context(cafile=bed["xks_ca_file"])
    with socket.create_connection((address, 443), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name or address) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_below_1_2_is_refused(bed):
    context = ssl.create_default_context(cafile=bed["xks_ca_file"])
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    address = bed["xks_proxy_primary"]["address"]
    with socket.create_connection((address, 443), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            context.wrap_socket(raw, server_hostname=address)


def test_tls_1_2_uses_a_spec_cipher(bed):
    context = ssl.create_default_context(cafile=bed["xks_ca_file"])
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    address = bed["xks_proxy_primary"]["address"]
    with socket.create_connection((address, 443), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=address) as tls:
            assert tls.cipher()[0] in ("ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384")

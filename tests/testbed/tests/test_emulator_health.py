# -*- coding: utf-8 -*-
"""The emulator's GetHealthStatus calls, and how each proxy answer maps to a KMS exception or ConnectionErrorCode."""

import re

import pytest
from botocore.exceptions import ClientError

from testbed import config
from testbed.kms import api_credential, create_store, store_arguments, wait_for

from testbed_helpers import error_code

# The test bed's valid VPC endpoint service (testbed.json xks_vpc_endpoint_services.valid).
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-example"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# Proxy fault -> (exception of CreateCustomKeyStore, ConnectionErrorCode of a connect attempt).
FAULTS = [
    ({"down": True}, "XksProxyUriUnreachableException", "XKS_PROXY_NOT_REACHABLE"),
    ({"bad_tls": True}, "XksProxyUriUnreachableException", "XKS_PROXY_INVALID_TLS_CONFIGURATION"),
    ({"certificate_days": -1}, "XksProxyUriUnreachableException", "XKS_PROXY_INVALID_TLS_CONFIGURATION"),
    ({"slow_ms": 700}, "XksProxyUriUnreachableException", "XKS_PROXY_TIMED_OUT"),
    ({"wrong_path": True}, "XksProxyInvalidConfigurationException", "XKS_PROXY_INVALID_CONFIGURATION"),
    ({"unhealthy": True}, "XksProxyUriUnreachableException", "XKS_PROXY_NOT_REACHABLE"),
    ({"invalid_response": True}, "XksProxyInvalidResponseException", "XKS_PROXY_INVALID_RESPONSE"),
    ({"error": "AuthenticationFailedException"}, "XksProxyIncorrectAuthenticationCredentialException", "INVALID_CREDENTIALS"),
    ({"error": "ThrottlingException"}, "XksProxyUriUnreachableException", "XKS_PROXY_NOT_REACHABLE"),
    ({"error": "DependencyTimeoutException"}, "XksProxyUriUnreachableException", "XKS_PROXY_NOT_REACHABLE"),
    ({"error": "InternalException"}, "XksProxyInvalidResponseException", "XKS_PROXY_INVALID_RESPONSE"),
    ({"error": "ValidationException"}, "XksProxyInvalidResponseException", "XKS_PROXY_INVALID_RESPONSE"),
    ({"error": "AccessDeniedException"}, "XksProxyInvalidResponseException", "XKS_PROXY_ACCESS_DENIED"),
]
IDS = [next(iter(f[0].values())) if "error" in f[0] else next(iter(f[0])) for f in FAULTS]


# Internal detail KMS never shows its caller: addresses, ports, socket and TLS library words, the proxy's own text.
INTERNAL_DETAIL = re.compile(r"127\.0\.|:443|errno|ssl|certificate verify|handshake|refused|HTTP \d|errorMessage", re.IGNORECASE)


def _arm(emulator, proxy, faults):
    if "slow_ms" in faults:  # the 700 ms proxy is well past KMS's 250 ms, the test bed's default timeout
        emulator.set_settings(health_timeout_ms=config.HEALTH_TIMEOUT_MS)
    proxy.set_faults("primary", **faults)


@pytest.mark.parametrize("faults, exception, code", FAULTS, ids=IDS)
def test_create_maps_proxy_answers_to_exceptions(kms, bed, proxy, emulator, faults, exception, code):
    _arm(emulator, proxy, faults)
    with pytest.raises(ClientError) as excinfo:
        create_store(kms, bed)
    assert error_code(excinfo) == exception
    message = excinfo.value.response["Error"]["Message"]
    assert message.startswith(("AWS KMS ", "The external key store proxy ")), message
    assert not INTERNAL_DETAIL.search(message), message
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []


@pytest.mark.parametrize("faults, exception, code", FAULTS, ids=IDS)
def test_connect_maps_proxy_answers_to_error_codes(kms, bed, proxy, emulator, faults, exception, code):
    store_id = create_store(kms, bed)
    _arm(emulator, proxy, faults)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("FAILED", "CONNECTED"))
    assert entry["ConnectionState"] == "FAILED"
    assert entry["ConnectionErrorCode"] == code


def test_a_degraded_fleet_is_healthy_enough(kms, bed, proxy):
    proxy.set_faults("primary", degraded=True)
    store_id = create_store(kms, bed)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"


def test_credential_removed_from_the_proxy_fails_the_connection(kms, bed, proxy):
    primary = bed["xks_proxy_primary"]
    store_id = create_store(kms, bed)
    proxy.remove_credential("primary", primary["uri_path"], primary["credentials"][0]["access_key_id"])
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionErrorCode"] == "INVALID_CREDENTIALS"


def test_unknown_credential_at_create(kms, bed):
    arguments = store_arguments(bed, "s", XksProxyAuthenticationCredential=api_credential(bed["xks_proxy_primary"]["spare_credentials"][0]))
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**arguments)
    assert error_code(excinfo) == "XksProxyIncorrectAuthenticationCredentialException"


def test_unresolvable_host_is_unreachable(kms, bed):
    with pytest.raises(ClientError) as excinfo:
        create_store(kms, bed, XksProxyUriEndpoint="https://nowhere.invalid")
    assert error_code(excinfo) == "XksProxyUriUnreachableException"


def test_certificate_must_match_the_endpoint_name(kms, bed, emulator):
    emulator.set_settings(host_map={"not-on-the-cert.example.org": bed["xks_proxy_primary"]["address"]})
    with pytest.raises(ClientError) as excinfo:
        create_store(kms, bed, XksProxyUriEndpoint="https://not-on-the-cert.example.org")
    assert error_code(excinfo) == "XksProxyUriUnreachableException"


def test_a_host_name_reaches_its_mapped_address(kms, bed, proxy):
    proxy.clear_requests("primary")
    store_id = create_store(kms, bed, XksProxyUriEndpoint="https://myproxy.xks.example.com")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"
    assert [e["kms_operation"] for e in proxy.requests("primary")] == ["CreateCustomKeyStore", "ConnectCustomKeyStore"]


def test_requests_look_like_kms(kms, bed, proxy):
    """POST <path>/health, requestMetadata with a UUID and the operation, SigV4 over host;x-amz-date with the store's key."""
    primary = bed["xks_proxy_primary"]
    proxy.clear_requests("primary")
    store_id = create_store(kms, bed)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed")
    entries = proxy.requests("primary")
    assert [e["kms_operation"] for e in entries] == ["CreateCustomKeyStore", "ConnectCustomKeyStore", "UpdateCustomKeyStore"]
    for entry in entries:
        assert entry["method"] == "POST"
        assert entry["path"] == primary["uri_path"] + "/health"
        assert UUID.match(entry["kms_request_id"])
        assert entry["signed_headers"] == ["host", "x-amz-date"]
        assert entry["access_key_id"] == primary["credentials"][0]["access_key_id"]
        assert entry["status"] == 200
    assert len({e["kms_request_id"] for e in entries}) == 3


def test_vpc_store_is_checked_when_connecting(kms, bed, proxy):
    proxy.clear_requests("secondary")
    store_id = create_store(kms, bed, instance="secondary", XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                            XksProxyUriEndpoint="https://myproxy-private.xks.example.com", XksProxyVpcEndpointServiceName=SERVICE)
    assert proxy.requests("secondary") == []
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"
    assert [e["kms_operation"] for e in proxy.requests("secondary")] == ["ConnectCustomKeyStore"]


def test_a_connected_store_stays_connected_when_the_proxy_goes_down(kms, bed, proxy):
    """CONNECTED means a connection succeeded; it does not follow the proxy's later health."""
    store_id = create_store(kms, bed)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    proxy.set_faults("primary", down=True)
    assert kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"

# -*- coding: utf-8 -*-
"""UpdateCustomKeyStore: which properties change in which state, connectivity rules, health check with new values."""

import pytest
from botocore.exceptions import ClientError

from testbed.kms import api_credential, connected_store, create_store, describe, wait_for

from testbed_helpers import error_code

# The test bed's valid VPC endpoint service (testbed.json xks_vpc_endpoint_services.valid).
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-example"


def _update(kms, store_id, **changes):
    return kms.update_custom_key_store(CustomKeyStoreId=store_id, **changes)


def test_online_properties_change_while_connected(kms, bed, proxy):
    store_id = connected_store(kms, bed)
    primary = bed["xks_proxy_primary"]
    spare = primary["spare_credentials"][0]
    proxy.add_path("primary", "/moved/kms/xks/v1", [spare])
    response = _update(kms, store_id, NewCustomKeyStoreName="renamed", XksProxyUriPath="/moved/kms/xks/v1",
                       XksProxyAuthenticationCredential=api_credential(spare))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    entry = describe(kms, store_id)
    assert entry["ConnectionState"] == "CONNECTED"
    assert entry["CustomKeyStoreName"] == "renamed"
    assert entry["XksProxyConfiguration"]["UriPath"] == "/moved/kms/xks/v1"
    assert entry["XksProxyConfiguration"]["AccessKeyId"] == spare["access_key_id"]


@pytest.mark.parametrize("changes", [
    {"XksProxyUriEndpoint": "https://xks-proxy-2.test"},
    {"XksProxyConnectivity": "VPC_ENDPOINT_SERVICE", "XksProxyUriEndpoint": "https://myproxy-private.xks.example.com",
     "XksProxyVpcEndpointServiceName": SERVICE},
])
def test_offline_properties_need_disconnected(kms, bed, changes):
    store_id = connected_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, **changes)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"


@pytest.mark.parametrize("state", ["CONNECTING", "DISCONNECTING", "FAILED"])
def test_no_update_in_transient_or_failed_states(kms, bed, proxy, emulator, state):
    store_id = create_store(kms, bed)
    if state == "FAILED":
        proxy.set_faults("primary", down=True)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        wait_for(kms, store_id, ("FAILED",))
        proxy.clear_faults("primary")
    else:
        emulator.set_settings(connect_delay=2.0 if state == "CONNECTING" else 0.1, disconnect_delay=2.0)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        if state == "DISCONNECTING":
            wait_for(kms, store_id, ("CONNECTED",))
            kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == state
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, NewCustomKeyStoreName="renamed")
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"


def test_public_to_vpc_needs_a_new_endpoint_and_a_service_name(kms, bed):
    store_id = create_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyConnectivity="VPC_ENDPOINT_SERVICE", XksProxyVpcEndpointServiceName=SERVICE)
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyConnectivity="VPC_ENDPOINT_SERVICE", XksProxyUriEndpoint="https://myproxy-private.xks.example.com")
    assert error_code(excinfo) == "ValidationException"
    _update(kms, store_id, XksProxyConnectivity="VPC_ENDPOINT_SERVICE", XksProxyUriEndpoint="https://myproxy-private.xks.example.com",
            XksProxyVpcEndpointServiceName=SERVICE, XksProxyUriPath=bed["xks_proxy_secondary"]["uri_path"],
            XksProxyAuthenticationCredential=api_credential(bed["xks_proxy_secondary"]["credentials"][0]))
    config = describe(kms, store_id)["XksProxyConfiguration"]
    assert config["Connectivity"] == "VPC_ENDPOINT_SERVICE"
    assert config["VpcEndpointServiceName"] == SERVICE
    assert config["VpcEndpointServiceOwner"] == bed["aws_account_id"]


def test_vpc_to_public_needs_a_new_endpoint_and_drops_the_service(kms, bed):
    secondary = bed["xks_proxy_secondary"]
    store_id = create_store(kms, bed, instance="secondary", XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                            XksProxyUriEndpoint="https://myproxy-private.xks.example.com", XksProxyVpcEndpointServiceName=SERVICE)
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyConnectivity="PUBLIC_ENDPOINT")
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyConnectivity="PUBLIC_ENDPOINT", XksProxyUriEndpoint=secondary["endpoint"],
                XksProxyVpcEndpointServiceName=SERVICE)
    assert error_code(excinfo) == "ValidationException"
    _update(kms, store_id, XksProxyConnectivity="PUBLIC_ENDPOINT", XksProxyUriEndpoint=secondary["endpoint"])
    config = describe(kms, store_id)["XksProxyConfiguration"]
    assert config["Connectivity"] == "PUBLIC_ENDPOINT"
    assert "VpcEndpointServiceName" not in config and "VpcEndpointServiceOwner" not in config


def test_service_name_is_refused_for_a_public_store(kms, bed):
    store_id = create_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyVpcEndpointServiceName=SERVICE)
    assert error_code(excinfo) == "ValidationException"


def test_vpc_owner_changes_only_when_disconnected(kms, bed, emulator):
    service = dict(bed["xks_vpc_endpoint_services"]["cross_account"])
    store_id = create_store(kms, bed, instance="secondary", XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                            XksProxyUriEndpoint=service["endpoint"], XksProxyVpcEndpointServiceName=service["service_name"],
                            XksProxyVpcEndpointServiceOwner=service["owner"])
    assert describe(kms, store_id)["XksProxyConfiguration"]["VpcEndpointServiceOwner"] == "111122223333"
    # The service now belongs to another account (KMS looks for it there once told).
    service["owner"] = "444455556666"
    emulator.set_settings(vpc_endpoint_services={service["service_name"]: service})
    _update(kms, store_id, XksProxyVpcEndpointServiceOwner="444455556666")
    assert describe(kms, store_id)["XksProxyConfiguration"]["VpcEndpointServiceOwner"] == "444455556666"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyVpcEndpointServiceOwner="111122223333")
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"


def test_update_checks_the_new_values_against_the_proxy(kms, bed, proxy):
    store_id = connected_store(kms, bed)
    primary = bed["xks_proxy_primary"]
    proxy.clear_requests("primary")
    # A credential the proxy does not know yet: KMS refuses and keeps the old one.
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyAuthenticationCredential=api_credential(primary["spare_credentials"][0]))
    assert error_code(excinfo) == "XksProxyIncorrectAuthenticationCredentialException"
    assert describe(kms, store_id)["XksProxyConfiguration"]["AccessKeyId"] == primary["credentials"][0]["access_key_id"]
    # A path the proxy does not serve.
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyUriPath="/elsewhere/kms/xks/v1")
    assert error_code(excinfo) == "XksProxyInvalidConfigurationException"
    # Even a rename asks the proxy (with the stored values).
    _update(kms, store_id, NewCustomKeyStoreName="renamed")
    operations = [entry["kms_operation"] for entry in proxy.requests("primary")]
    assert operations == ["UpdateCustomKeyStore"] * 3


def test_rotation_without_outage(kms, bed, proxy):
    """The spec's rotation steps: add on proxy, update KMS, remove the old one; the store stays CONNECTED."""
    store_id = connected_store(kms, bed)
    primary = bed["xks_proxy_primary"]
    old, new = primary["credentials"][0], primary["spare_credentials"][0]
    proxy.add_credential("primary", primary["uri_path"], new)
    _update(kms, store_id, XksProxyAuthenticationCredential=api_credential(new))
    proxy.remove_credential("primary", primary["uri_path"], old["access_key_id"])
    entry = describe(kms, store_id)
    assert entry["ConnectionState"] == "CONNECTED"
    assert entry["XksProxyConfiguration"]["AccessKeyId"] == new["access_key_id"]
    signers = {e["access_key_id"] for e in proxy.requests("primary") if e["kms_operation"] == "UpdateCustomKeyStore"}
    assert signers == {new["access_key_id"]}


def test_endpoint_change_when_disconnected_is_checked_at_the_new_endpoint(kms, bed, proxy):
    store_id = create_store(kms, bed)
    secondary = bed["xks_proxy_secondary"]
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyUriEndpoint=secondary["endpoint"])
    assert error_code(excinfo) == "XksProxyInvalidConfigurationException"
    _update(kms, store_id, XksProxyUriEndpoint=secondary["endpoint"], XksProxyUriPath=secondary["uri_path"],
            XksProxyAuthenticationCredential=api_credential(secondary["credentials"][0]))
    assert describe(kms, store_id)["XksProxyConfiguration"]["UriEndpoint"] == secondary["endpoint"]


def test_update_name_must_stay_unique(kms, bed):
    create_store(kms, bed, "taken")
    store_id = create_store(kms, bed, "other", instance="secondary")
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, NewCustomKeyStoreName="taken")
    assert error_code(excinfo) == "CustomKeyStoreNameInUseException"


def test_update_uri_must_stay_unique(kms, bed):
    primary = bed["xks_proxy_primary"]
    create_store(kms, bed, "first")
    store_id = create_store(kms, bed, "second", instance="secondary")
    with pytest.raises(ClientError) as excinfo:
        _update(kms, store_id, XksProxyUriEndpoint=primary["endpoint"], XksProxyUriPath=primary["uri_path"],
                XksProxyAuthenticationCredential=api_credential(primary["credentials"][0]))
    assert error_code(excinfo) == "XksProxyUriInUseException"

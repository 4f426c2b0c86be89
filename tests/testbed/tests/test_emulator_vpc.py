# -*- coding: utf-8 -*-
"""VPC endpoint services: the test bed's registry, checked by create, update and connect as KMS does."""

import pytest
from botocore.exceptions import ClientError

from testbed.kms import api_credential, create_store, describe, store_arguments, wait_for

from testbed_helpers import error_code

NOT_FOUND = "XksProxyVpcEndpointServiceNotFoundException"
INVALID = "XksProxyVpcEndpointServiceInvalidConfigurationException"
FAILURE_MODES = ["cross_account_not_allowed", "kms_not_allowed", "acceptance_required", "single_az", "dns_unverified",
                 "no_private_dns", "dns_not_endpoint", "missing"]


def _vpc_arguments(bed, name, label, **overrides):
    """CreateCustomKeyStore arguments for a VPC store on the registry's service `label` (its owner, its endpoint)."""
    service = bed["xks_vpc_endpoint_services"][label]
    arguments = store_arguments(bed, name, service["proxy"], XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                                XksProxyUriEndpoint=service["endpoint"], XksProxyVpcEndpointServiceName=service["service_name"],
                                XksProxyVpcEndpointServiceOwner=service["owner"])
    arguments.update(overrides)
    return arguments


def _registry_change(bed, label, **changes):
    """An admin settings body that replaces one registry entry with `changes` applied."""
    service = dict(bed["xks_vpc_endpoint_services"][label])
    service.update(changes)
    return {service["service_name"]: service}


def test_testbed_json_lists_a_valid_service_and_one_per_failure_mode(bed):
    services = bed["xks_vpc_endpoint_services"]
    assert services["valid"]["expect"] is None and services["cross_account"]["expect"] is None
    assert services["cross_account"]["owner"] != bed["aws_account_id"]
    assert {label: services[label]["expect"] for label in FAILURE_MODES} == {
        "cross_account_not_allowed": NOT_FOUND, "kms_not_allowed": NOT_FOUND, "missing": NOT_FOUND,
        "acceptance_required": INVALID, "single_az": INVALID, "dns_unverified": INVALID, "no_private_dns": INVALID,
        "dns_not_endpoint": INVALID}


@pytest.mark.parametrize("label", ["valid", "valid_2", "cross_account"])
def test_create_accepts_a_service_that_fulfills_the_requirements(kms, bed, label):
    store_id = kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", label))["CustomKeyStoreId"]
    config = describe(kms, store_id)["XksProxyConfiguration"]
    assert config["VpcEndpointServiceName"] == bed["xks_vpc_endpoint_services"][label]["service_name"]
    assert config["VpcEndpointServiceOwner"] == bed["xks_vpc_endpoint_services"][label]["owner"]


@pytest.mark.parametrize("label", FAILURE_MODES)
def test_create_refuses_each_failure_mode(kms, bed, label):
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", label))
    assert error_code(excinfo) == bed["xks_vpc_endpoint_services"][label]["expect"]
    assert bed["xks_vpc_endpoint_services"][label]["service_name"] in excinfo.value.response["Error"]["Message"]
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []


def test_the_owner_is_where_kms_looks_for_the_service(kms, bed):
    # The cross-account service without its owner: the caller's account has no such service.
    arguments = _vpc_arguments(bed, "vpc", "cross_account")
    del arguments["XksProxyVpcEndpointServiceOwner"]
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**arguments)
    assert error_code(excinfo) == NOT_FOUND
    # The caller's own service named with another owner: not found either.
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", "valid", XksProxyVpcEndpointServiceOwner="111122223333"))
    assert error_code(excinfo) == NOT_FOUND


def test_the_private_dns_name_must_be_the_endpoint(kms, bed):
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", "valid", XksProxyUriEndpoint="https://myproxy-vpc-2.xks.example.com"))
    assert error_code(excinfo) == INVALID


@pytest.mark.parametrize("label", FAILURE_MODES)
def test_update_to_a_failing_service_changes_nothing(kms, bed, label):
    store_id = create_store(kms, bed)
    service = bed["xks_vpc_endpoint_services"][label]
    with pytest.raises(ClientError) as excinfo:
        kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                                    XksProxyUriEndpoint=service["endpoint"], XksProxyVpcEndpointServiceName=service["service_name"],
                                    XksProxyVpcEndpointServiceOwner=service["owner"])
    assert error_code(excinfo) == service["expect"]
    assert describe(kms, store_id)["XksProxyConfiguration"]["Connectivity"] == "PUBLIC_ENDPOINT"


def test_update_checks_the_service_of_a_vpc_store_again(kms, bed, emulator):
    store_id = kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", "valid"))["CustomKeyStoreId"]
    emulator.set_settings(vpc_endpoint_services=_registry_change(bed, "valid", acceptance_required=True))
    with pytest.raises(ClientError) as excinfo:
        kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed")
    assert error_code(excinfo) == INVALID
    assert describe(kms, store_id)["CustomKeyStoreName"] == "vpc"


@pytest.mark.parametrize("change, code", [
    (None, "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"),
    ({"allowed_principals": []}, "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"),
    ({"acceptance_required": True}, "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"),
    ({"availability_zones": ["us-east-1a"]}, "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"),
    ({"private_dns_verified": False}, "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"),
], ids=["removed", "kms-not-allowed", "acceptance", "one-az", "unverified"])
def test_connect_fails_with_the_matching_error_code(kms, bed, emulator, proxy, change, code):
    store_id = kms.create_custom_key_store(**_vpc_arguments(bed, "vpc", "valid"))["CustomKeyStoreId"]
    service_name = bed["xks_vpc_endpoint_services"]["valid"]["service_name"]
    if change is None:
        emulator.set_settings(vpc_endpoint_services={service_name: None})  # the service was deleted
    else:
        emulator.set_settings(vpc_endpoint_services=_registry_change(bed, "valid", **change))
    proxy.clear_requests("secondary")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("FAILED", "CONNECTED"))
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("FAILED", code)
    # KMS stops before GetHealthStatus: the proxy saw nothing.
    assert proxy.requests("secondary") == []


def test_a_vpc_store_reaches_the_proxy_the_service_forwards_to(kms, bed, emulator, proxy):
    """The registry, not the host map, says where the private DNS name leads."""
    primary = bed["xks_proxy_primary"]
    emulator.set_settings(vpc_endpoint_services=_registry_change(bed, "valid", address=primary["address"]))
    store_id = kms.create_custom_key_store(**_vpc_arguments(
        bed, "vpc", "valid", XksProxyUriPath=primary["uri_path"],
        XksProxyAuthenticationCredential=api_credential(primary["credentials"][0])))["CustomKeyStoreId"]
    proxy.clear_requests("primary")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"
    assert [entry["kms_operation"] for entry in proxy.requests("primary")] == ["ConnectCustomKeyStore"]


def test_bad_registry_entries_are_refused(emulator):
    with pytest.raises(Exception) as excinfo:
        emulator.set_settings(vpc_endpoint_services={"com.amazonaws.vpce.us-east-1.vpce-svc-x": {"owner": "123456789012"}})
    assert "lacks" in str(excinfo.value)

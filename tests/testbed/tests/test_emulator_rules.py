# -*- coding: utf-8 -*-
"""Uniqueness, quota, server-side validation, Describe filters and pagination, and the secret."""

import json

import pytest
import requests
from botocore.exceptions import ClientError

from testbed.kms import api_credential, create_store, describe, kms_client, store_arguments

from testbed_helpers import error_code

# The test bed's valid VPC endpoint service (testbed.json xks_vpc_endpoint_services.valid).
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-example"
OTHER_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210"  # xks_vpc_endpoint_services.valid_2


def _vpc(bed, name, endpoint="https://myproxy-private.xks.example.com", service=SERVICE, instance="secondary"):
    return store_arguments(bed, name, instance, XksProxyConnectivity="VPC_ENDPOINT_SERVICE", XksProxyUriEndpoint=endpoint,
                           XksProxyVpcEndpointServiceName=service)


def _create_error(kms, arguments):
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**arguments)
    return error_code(excinfo)


def test_name_is_unique(kms, bed):
    create_store(kms, bed, "same")
    assert _create_error(kms, store_arguments(bed, "same", "secondary")) == "CustomKeyStoreNameInUseException"


def test_endpoint_and_path_are_unique_but_the_endpoint_may_be_shared(kms, bed, proxy):
    primary = bed["xks_proxy_primary"]
    create_store(kms, bed, "one")
    assert _create_error(kms, store_arguments(bed, "two")) == "XksProxyUriInUseException"
    spare = primary["spare_credentials"][0]
    proxy.add_path("primary", "/tenant-b/kms/xks/v1", [spare])
    create_store(kms, bed, "two", XksProxyUriPath="/tenant-b/kms/xks/v1", XksProxyAuthenticationCredential=api_credential(spare))


def test_a_public_store_cannot_use_a_vpc_stores_endpoint(kms, bed, emulator):
    create_store(kms, bed, "vpc", **_vpc(bed, "vpc"))
    # Even on another path, and even though the proxy would answer there.
    emulator.set_settings(host_map={"myproxy-private.xks.example.com": bed["xks_proxy_secondary"]["address"]})
    arguments = store_arguments(bed, "public", "secondary", XksProxyUriEndpoint="https://myproxy-private.xks.example.com",
                                XksProxyUriPath="/other/kms/xks/v1")
    assert _create_error(kms, arguments) == "XksProxyUriEndpointInUseException"


def test_a_vpc_store_needs_its_own_private_dns_name(kms, bed):
    create_store(kms, bed, "public", "secondary", XksProxyUriEndpoint="https://myproxy-private.xks.example.com")
    arguments = _vpc(bed, "vpc", service=OTHER_SERVICE)
    arguments["XksProxyUriPath"] = "/other/kms/xks/v1"
    assert _create_error(kms, arguments) == "XksProxyUriEndpointInUseException"


def test_a_vpc_endpoint_service_serves_one_store(kms, bed):
    create_store(kms, bed, "vpc-1", **_vpc(bed, "vpc-1"))
    assert _create_error(kms, _vpc(bed, "vpc-2", endpoint="https://other-private.xks.example.com")) == "XksProxyVpcEndpointServiceInUseException"


def test_vpc_store_is_not_checked_at_creation(kms, bed, proxy):
    proxy.set_faults("secondary", down=True)
    store_id = create_store(kms, bed, "vpc", **_vpc(bed, "vpc"))
    config = describe(kms, store_id)["XksProxyConfiguration"]
    assert config["VpcEndpointServiceName"] == SERVICE
    assert config["VpcEndpointServiceOwner"] == bed["aws_account_id"]


def test_vpc_needs_a_service_name_and_public_refuses_one(kms, bed):
    arguments = _vpc(bed, "vpc")
    del arguments["XksProxyVpcEndpointServiceName"]
    assert _create_error(kms, arguments) == "ValidationException"
    assert _create_error(kms, store_arguments(bed, "public", XksProxyVpcEndpointServiceName=SERVICE)) == "ValidationException"
    assert _create_error(kms, store_arguments(bed, "public", XksProxyVpcEndpointServiceOwner="111122223333")) == "ValidationException"


def test_ten_stores_per_account_and_region(kms, bed, proxy):
    primary = bed["xks_proxy_primary"]
    credential = primary["credentials"][0]
    for index in range(10):
        path = "/t%d/kms/xks/v1" % index
        proxy.add_path("primary", path, [credential])
        create_store(kms, bed, "store-%d" % index, XksProxyUriPath=path)
    proxy.add_path("primary", "/t10/kms/xks/v1", [credential])
    assert _create_error(kms, store_arguments(bed, "store-10", XksProxyUriPath="/t10/kms/xks/v1")) == "LimitExceededException"
    # The quota is per Region.
    other_region = kms_client(bed, region="us-west-2")
    with pytest.raises(ClientError) as excinfo:
        other_region.create_custom_key_store(**store_arguments(bed, "west", XksProxyUriPath="/t10/kms/xks/v1"))
    # ... where this proxy, set up for us-east-1, rejects the signature.
    assert error_code(excinfo) == "XksProxyIncorrectAuthenticationCredentialException"


def test_only_external_key_stores_are_emulated(kms, bed):
    arguments = store_arguments(bed, "hsm")
    del arguments["CustomKeyStoreType"]
    assert _create_error(kms, arguments) == "UnsupportedOperationException"


@pytest.mark.parametrize("member, value", [
    ("CustomKeyStoreName", "n" * 257),
    ("XksProxyUriEndpoint", "http://127.0.0.1"),
    ("XksProxyUriEndpoint", "https://127.0.0.1:443"),
    ("XksProxyUriEndpoint", "https://127.0.0.1/path"),
    ("XksProxyUriEndpoint", "https://" + "a" * 121),
    ("XksProxyUriPath", "/primary/kms/xks/v2x"),
    ("XksProxyUriPath", "/primary/kms/xks"),
    ("XksProxyUriPath", "/pri mary/kms/xks/v1"),
    ("XksProxyUriPath", "/" + "p" * 117 + "/kms/xks/v1"),
    ("XksProxyConnectivity", "PRIVATE"),
    ("XksProxyVpcEndpointServiceName", "com.amazonaws.vpce.us-east-1.endpoint-1"),
    ("XksProxyVpcEndpointServiceOwner", "12345678901a"),
    ("AccessKeyId", "abcdefghijklmnopqrstuvwxyz"),
    ("AccessKeyId", "A" * 31),
    ("RawSecretAccessKey", "a" * 65),
    ("RawSecretAccessKey", "a" * 43 + "!"),
])
def test_server_side_validation(kms, bed, member, value):
    arguments = store_arguments(bed, "valid")
    if member in ("AccessKeyId", "RawSecretAccessKey"):
        arguments["XksProxyAuthenticationCredential"][member] = value
    else:
        arguments[member] = value
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**arguments)
    assert error_code(excinfo) == "ValidationException"
    message = excinfo.value.response["Error"]["Message"]
    assert "validation error" in message
    if member == "RawSecretAccessKey":
        assert value not in message


def test_validation_never_echoes_a_secret(kms, bed):
    arguments = store_arguments(bed, "valid")
    secret = arguments["XksProxyAuthenticationCredential"]["RawSecretAccessKey"]
    arguments["XksProxyUriPath"] = "/bad/path/x"
    arguments["XksProxyAuthenticationCredential"]["AccessKeyId"] = "lowercase-is-not-valid"
    with pytest.raises(ClientError) as excinfo:
        kms.create_custom_key_store(**arguments)
    message = excinfo.value.response["Error"]["Message"]
    assert message.startswith("2 validation errors detected")
    assert secret not in message and "lowercase-is-not-valid" not in message


def test_describe_by_name_and_not_found(kms, bed):
    store_id = create_store(kms, bed, "by-name")
    entries = kms.describe_custom_key_stores(CustomKeyStoreName="by-name")["CustomKeyStores"]
    assert [e["CustomKeyStoreId"] for e in entries] == [store_id]
    with pytest.raises(ClientError) as excinfo:
        kms.describe_custom_key_stores(CustomKeyStoreName="nobody")
    assert error_code(excinfo) == "CustomKeyStoreNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        kms.describe_custom_key_stores(CustomKeyStoreName="by-name", CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "ValidationException"


def test_describe_all_is_empty_without_stores(kms):
    response = kms.describe_custom_key_stores()
    assert response["CustomKeyStores"] == [] and response["Truncated"] is False


def test_pagination(kms, bed, proxy):
    credential = bed["xks_proxy_primary"]["credentials"][0]
    created = []
    for index in range(5):
        path = "/p%d/kms/xks/v1" % index
        proxy.add_path("primary", path, [credential])
        created.append(create_store(kms, bed, "page-%d" % index, XksProxyUriPath=path))
    first = kms.describe_custom_key_stores(Limit=2)
    assert first["Truncated"] is True and len(first["CustomKeyStores"]) == 2
    second = kms.describe_custom_key_stores(Limit=2, Marker=first["NextMarker"])
    assert second["Truncated"] is True
    last = kms.describe_custom_key_stores(Limit=2, Marker=second["NextMarker"])
    assert last["Truncated"] is False and "NextMarker" not in last
    seen = [e["CustomKeyStoreId"] for page in (first, second, last) for e in page["CustomKeyStores"]]
    assert seen == created
    paginated = [e["CustomKeyStoreId"] for page in kms.get_paginator("describe_custom_key_stores").paginate(PaginationConfig={"PageSize": 3})
                 for e in page["CustomKeyStores"]]
    assert paginated == created


@pytest.mark.parametrize("marker", ["bogus", "Y2tzLTAwMDAwMDAwMDAwMDAwMDAw"])
def test_invalid_marker(kms, bed, marker):
    create_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        kms.describe_custom_key_stores(Marker=marker)
    assert error_code(excinfo) == "InvalidMarkerException"


def test_limit_bounds(kms):
    with pytest.raises(ClientError) as excinfo:
        kms.describe_custom_key_stores(Limit=1001)
    assert error_code(excinfo) == "ValidationException"


def test_the_secret_is_never_returned(kms, bed):
    """Look at the raw HTTP bodies, not only at what botocore parses."""
    secret = bed["xks_proxy_primary"]["credentials"][0]["raw_secret_access_key"]
    store_id = create_store(kms, bed, "secretive")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    headers = {"X-Amz-Target": "TrentService.DescribeCustomKeyStores", "Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Date": "20240101T000000Z",
               "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=x"}
    for body in ({}, {"CustomKeyStoreId": store_id}, {"CustomKeyStoreName": "secretive"}):
        response = requests.post(bed["kms_endpoint_url"], data=json.dumps(body), headers=headers, timeout=5)
        assert response.status_code == 200
        assert store_id in response.text
        assert secret not in response.text


def test_uniqueness_errors_do_not_name_the_other_store(kms, bed):
    """KMS's texts say "another external key store" (for the endpoint rule it may be another account's)."""
    first = create_store(kms, bed, "vpc", **_vpc(bed, "vpc"))
    for arguments in (_vpc(bed, "vpc"), _vpc(bed, "vpc-2", service=OTHER_SERVICE), _vpc(bed, "vpc-3", endpoint="https://other-private.xks.example.com")):
        with pytest.raises(ClientError) as excinfo:
            kms.create_custom_key_store(**arguments)
        message = excinfo.value.response["Error"]["Message"]
        assert first not in message and "another" in message, message

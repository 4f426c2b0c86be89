# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms.xks.xks_keystore_info against a stubbed KMS (the run_module fixture in tests/unit/conftest.py)."""

import datetime

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore_info import main

XKS = {
    "CustomKeyStoreId": "cks-1234567890abcdef0",
    "CustomKeyStoreName": "ExampleXksPublic",
    "ConnectionState": "CONNECTED",
    "CreationDate": datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone.utc),
    "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
    "XksProxyConfiguration": {
        "AccessKeyId": "AKIAI2SFODNN7EXAMPLE",
        "Connectivity": "PUBLIC_ENDPOINT",
        "UriEndpoint": "https://myproxy.xks.example.com",
        "UriPath": "/example-prefix/kms/xks/v1",
    },
}
FAILED_XKS = dict(
    XKS,
    CustomKeyStoreId="cks-9876543210fedcba9",
    CustomKeyStoreName="ExampleXksVpc",
    ConnectionState="FAILED",
    ConnectionErrorCode="XKS_PROXY_NOT_REACHABLE",
    XksProxyConfiguration={
        "AccessKeyId": "AKIAI2SFODNN7EXAMPLE",
        "Connectivity": "VPC_ENDPOINT_SERVICE",
        "UriEndpoint": "https://myproxy-private.xks.example.com",
        "UriPath": "/kms/xks/v1",
        "VpcEndpointServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-example",
    },
)
CLOUDHSM = {
    "CustomKeyStoreId": "cks-0000000000cloudhsm",
    "CustomKeyStoreName": "ExampleCloudHsm",
    "CloudHsmClusterId": "cluster-1a23b4cdefg",
    "TrustAnchorCertificate": "-----BEGIN CERTIFICATE-----",
    "ConnectionState": "CONNECTED",
    "CreationDate": datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.timezone.utc),
    "CustomKeyStoreType": "AWS_CLOUDHSM",
}


def _names(result):
    return [store["custom_key_store_name"] for store in result["custom_key_stores"]]


def test_by_id_returns_the_store_in_snake_case(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [XKS]}, {"CustomKeyStoreId": XKS["CustomKeyStoreId"]})
    result = run_module(main, {"id": XKS["CustomKeyStoreId"]})
    assert result["changed"] is False
    assert result["custom_key_stores"] == [
        {
            "custom_key_store_id": "cks-1234567890abcdef0",
            "custom_key_store_name": "ExampleXksPublic",
            "connection_state": "CONNECTED",
            "creation_date": "2026-11-28T10:00:00+00:00",
            "custom_key_store_type": "EXTERNAL_KEY_STORE",
            "xks_proxy_configuration": {
                "access_key_id": "AKIAI2SFODNN7EXAMPLE",
                "connectivity": "PUBLIC_ENDPOINT",
                "uri_endpoint": "https://myproxy.xks.example.com",
                "uri_path": "/example-prefix/kms/xks/v1",
            },
        }
    ]


def test_by_alias_custom_key_store_id(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [XKS]}, {"CustomKeyStoreId": XKS["CustomKeyStoreId"]})
    assert _names(run_module(main, {"custom_key_store_id": XKS["CustomKeyStoreId"]})) == ["ExampleXksPublic"]


def test_by_name(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [FAILED_XKS]}, {"CustomKeyStoreName": "ExampleXksVpc"})
    assert _names(run_module(main, {"name": "ExampleXksVpc"})) == ["ExampleXksVpc"]


@pytest.mark.parametrize("args", [{"id": "cks-00000000000000000"}, {"name": "NoSuchStore"}])
def test_missing_store_gives_an_empty_list(run_module, args):
    run_module.expect_error("describe_custom_key_stores", "CustomKeyStoreNotFoundException")
    result = run_module(main, args)
    assert result.get("failed") is not True, result
    assert result["custom_key_stores"] == []


def test_all_follows_pagination(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [XKS], "Truncated": True, "NextMarker": "page-2"}, {})
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [FAILED_XKS], "Truncated": False}, {"Marker": "page-2"})
    result = run_module(main, {})
    assert _names(result) == ["ExampleXksPublic", "ExampleXksVpc"]
    assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores"]


def test_failed_store_carries_its_error_code_and_a_hint(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [FAILED_XKS]})
    (store,) = run_module(main, {})["custom_key_stores"]
    assert store["connection_state"] == "FAILED"
    assert store["connection_error_code"] == "XKS_PROXY_NOT_REACHABLE"
    assert "xks_proxy_uri_endpoint" in store["connection_error_hint"]
    assert store["xks_proxy_configuration"]["vpc_endpoint_service_name"] == "com.amazonaws.vpce.us-east-1.vpce-svc-example"


def test_cloudhsm_stores_are_left_out_by_default(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [CLOUDHSM, XKS]})
    assert _names(run_module(main, {})) == ["ExampleXksPublic"]


def test_cloudhsm_stores_when_asked(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [CLOUDHSM, XKS]})
    result = run_module(main, {"include_cloudhsm": True})
    assert _names(result) == ["ExampleCloudHsm", "ExampleXksPublic"]
    assert result["custom_key_stores"][0]["cloud_hsm_cluster_id"] == "cluster-1a23b4cdefg"
    assert "xks_proxy_configuration" not in result["custom_key_stores"][0]


def test_a_cloudhsm_store_asked_for_by_name_is_explained(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [CLOUDHSM]}, {"CustomKeyStoreName": "ExampleCloudHsm"})
    result = run_module(main, {"name": "ExampleCloudHsm"})
    assert result["custom_key_stores"] == []
    assert "include_cloudhsm=true" in str(result["warnings"]), result  # a str before ansible-core 2.19, a dict since


def test_check_mode_reads_the_same(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [XKS]})
    result = run_module(main, {}, check_mode=True)
    assert result["changed"] is False
    assert _names(result) == ["ExampleXksPublic"]


def test_id_and_name_are_mutually_exclusive(run_module):
    result = run_module(main, {"id": XKS["CustomKeyStoreId"], "name": "ExampleXksPublic"})
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]
    assert run_module.operations == []


def test_a_bad_name_fails_before_any_api_call(run_module):
    result = run_module(main, {"name": "x" * 257})
    assert result["failed"] is True
    assert result["msg"].startswith("name:"), result["msg"]
    assert run_module.operations == []


def test_an_aws_error_fails_with_its_code(run_module):
    run_module.expect_error("describe_custom_key_stores", "AccessDeniedException", "not allowed")
    result = run_module(main, {})
    assert result["failed"] is True
    assert result["error"]["code"] == "AccessDeniedException"
    assert "list custom key stores" in result["msg"]

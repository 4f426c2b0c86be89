from ansible_collections.kms.xks.plugins.modules.xks_keystore import main

STORE = {
    "CustomKeyStoreId": "cks-1234567890abcdef0",
    "CustomKeyStoreName": "ExampleXks",
    "ConnectionState": "CONNECTED",
    "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
    "XksProxyConfiguration": {"AccessKeyId": "ABCDE12345670EXAMPLE", "Connectivity": "PUBLIC_ENDPOINT", "UriEndpoint": "https://myproxy.xks.example.com", "UriPath": "/kms/xks/v1"},
}


def test_noop(run_module):
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [STORE]}, {"CustomKeyStoreId": "cks-1234567890abcdef0"})
    result = run_module(main, {"id": "cks-1234567890abcdef0", "name": "ExampleXks"})
    assert result["changed"] is False, result
    assert run_module.operations == ["DescribeCustomKeyStores"]


def test_offline(run_module):
    dis = dict(STORE, ConnectionState="DISCONNECTED")
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [STORE]})
    run_module.expect("disconnect_custom_key_store", {})
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [dict(STORE, ConnectionState="DISCONNECTING")]})
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [dis]})
    run_module.expect("update_custom_key_store", {}, {"CustomKeyStoreId": "cks-1234567890abcdef0", "XksProxyConnectivity": "VPC_ENDPOINT_SERVICE", "XksProxyUriEndpoint": "https://myproxy-private.xks.example.com", "XksProxyVpcEndpointServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-example"})
    run_module.expect("connect_custom_key_store", {})
    run_module.expect("describe_custom_key_stores", {"CustomKeyStores": [dict(STORE, ConnectionState="CONNECTED")]})
    result = run_module(main, {"id": "cks-1234567890abcdef0", "xks_proxy_connectivity": "VPC_ENDPOINT_SERVICE", "xks_proxy_uri_endpoint": "https://myproxy-private.xks.example.com", "xks_proxy_vpc_endpoint_service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-example", "preflight": "never"}, diff=True)
    assert result["changed"] is True, result
    assert result["actions"] == ["disconnect", "update", "connect"], result

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The five AWS CLI examples of the AWS guide "Editing external key store properties", each written as
an xks_keystore task against a CONNECTED store: the task must send the very UpdateCustomKeyStore
request the CLI command sends, and nothing else; the two connectivity changes are wrapped in
Disconnect ... Connect and end CONNECTED, the other three cause no outage."""

import shlex
import string

import pytest

from botocore import xform_name
from botocore.session import get_session

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

# The guide's shell variables for the credential example.
SHELL = {"accessKeyId": s.NEW_ACCESS_KEY_ID, "secretAccessKey": s.NEW_SECRET}

EXAMPLES = [
    pytest.param(
        "aws kms update-custom-key-store --custom-key-store-id cks-1234567890abcdef0 --new-custom-key-store-name XksKeyStore",
        {"id": "cks-1234567890abcdef0", "name": "XksKeyStore"},
        s.store(),
        False,
        id="change-name",
    ),
    pytest.param(
        "aws kms update-custom-key-store --custom-key-store-id cks-1234567890abcdef0 "
        "--xks-proxy-authentication-credential AccessKeyId=$accessKeyId,RawSecretAccessKey=$secretAccessKey",
        {"id": "cks-1234567890abcdef0", "xks_proxy_authentication_credential": {"access_key_id": s.NEW_ACCESS_KEY_ID, "raw_secret_access_key": s.NEW_SECRET}},
        s.store(),
        False,
        id="change-credential",
    ),
    pytest.param(
        "aws kms update-custom-key-store --custom-key-store-id cks-1234567890abcdef0 --xks-proxy-uri-path /kms/xks/v1",
        {"id": "cks-1234567890abcdef0", "xks_proxy_uri_path": "/kms/xks/v1"},
        s.store(path="/example-prefix/kms/xks/v1"),
        False,
        id="change-path",
    ),
    pytest.param(
        'aws kms update-custom-key-store --custom-key-store-id cks-1234567890abcdef0 --xks-proxy-connectivity "VPC_ENDPOINT_SERVICE" '
        "--xks-proxy-uri-endpoint https://myproxy-private.xks.example.com "
        "--xks-proxy-vpc-endpoint-service-name com.amazonaws.vpce.us-east-1.vpce-svc-example",
        {
            "id": "cks-1234567890abcdef0",
            "xks_proxy_connectivity": "VPC_ENDPOINT_SERVICE",
            "xks_proxy_uri_endpoint": "https://myproxy-private.xks.example.com",
            "xks_proxy_vpc_endpoint_service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-example",
        },
        s.store(endpoint="https://myproxy.xks.example.com"),
        True,
        id="change-to-vpc-endpoint-service",
    ),
    pytest.param(
        'aws kms update-custom-key-store --custom-key-store-id cks-1234567890abcdef0 --xks-proxy-connectivity "PUBLIC_ENDPOINT" '
        "--xks-proxy-uri-endpoint https://myproxy.xks.example.com",
        {"id": "cks-1234567890abcdef0", "xks_proxy_connectivity": "PUBLIC_ENDPOINT", "xks_proxy_uri_endpoint": "https://myproxy.xks.example.com"},
        s.vpc_store(endpoint="https://myproxy-private.xks.example.com", service_name="com.amazonaws.vpce.us-east-1.vpce-svc-example"),
        True,
        id="change-to-public-endpoint",
    ),
]


def cli_request(command):
    """The UpdateCustomKeyStore parameters an `aws kms update-custom-key-store` command sends (CLI option names
    are the model's member names in hyphen form; structures use the shorthand Key=Value,Key=Value)."""
    members = get_session().get_service_model("kms").operation_model("UpdateCustomKeyStore").input_shape.members
    words = shlex.split(string.Template(command).substitute(SHELL))
    assert words[:3] == ["aws", "kms", "update-custom-key-store"]
    options = {"--" + xform_name(member, "-"): member for member in members}
    params = {}
    for option, value in zip(words[3::2], words[4::2]):
        member = options[option]
        if members[member].type_name == "structure":
            value = dict(pair.split("=", 1) for pair in value.split(","))
        params[member] = value
    return params


def after_update(entry, request):
    """What DescribeCustomKeyStores reports once KMS has applied ``request`` (written out, not computed by the module)."""
    config = dict(entry["XksProxyConfiguration"])
    members = {"XksProxyConnectivity": "Connectivity", "XksProxyUriEndpoint": "UriEndpoint", "XksProxyUriPath": "UriPath",
               "XksProxyVpcEndpointServiceName": "VpcEndpointServiceName"}
    for param, member in members.items():
        if param in request:
            config[member] = request[param]
    if "XksProxyAuthenticationCredential" in request:
        config["AccessKeyId"] = request["XksProxyAuthenticationCredential"]["AccessKeyId"]
    if config["Connectivity"] == "PUBLIC_ENDPOINT":
        config.pop("VpcEndpointServiceName", None)
    return dict(entry, CustomKeyStoreName=request.get("NewCustomKeyStoreName", entry["CustomKeyStoreName"]), XksProxyConfiguration=config)


@pytest.mark.parametrize("command, task, before, offline", EXAMPLES)
def test_each_cli_example_as_a_task_sends_the_same_request(run_module, command, task, before, offline):
    request = cli_request(command)
    after = after_update(before, request)
    s.expect_lookup(run_module, before)
    if offline:
        s.expect_account_stores(run_module, before)
        s.expect_disconnect(run_module, before)
    run_module.expect("update_custom_key_store", {}, request)
    if offline:
        s.expect_connect(run_module, after)
    else:
        s.expect_read_back(run_module, s.in_state(after, "CONNECTED"))

    result = run_module(main, task)

    assert result["changed"] is True
    assert [params for operation, params in run_module.calls if operation == "UpdateCustomKeyStore"] == [request]
    if offline:
        assert result["actions"] == ["disconnect", "update", "connect"]
        assert s.mutating_calls(run_module) == ["DisconnectCustomKeyStore", "UpdateCustomKeyStore", "ConnectCustomKeyStore"]
    else:
        assert result["actions"] == ["update"]
        assert run_module.operations == ["DescribeCustomKeyStores", "UpdateCustomKeyStore", "DescribeCustomKeyStores"]
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert result["custom_key_store"] == s.returned(s.in_state(after, "CONNECTED"))
    s.assert_no_secret(result)


@pytest.mark.parametrize("command, task, before, offline", EXAMPLES)
def test_each_cli_example_run_twice_changes_nothing_the_second_time(run_module, command, task, before, offline):
    s.expect_lookup(run_module, s.in_state(after_update(before, cli_request(command)), "CONNECTED"))

    result = run_module(main, task)

    assert result["changed"] is False
    assert run_module.operations == ["DescribeCustomKeyStores"]

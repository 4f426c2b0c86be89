# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_keystore: create, connect, disconnect, FAILED stores, waits, delete, and runs that change nothing."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s


# -- create ----------------------------------------------------------------------------------

CREATE_CASES = [
    pytest.param({}, {}, s.store("DISCONNECTED"), id="public"),
    pytest.param(
        {"xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE},
        {"XksProxyConnectivity": s.VPC, "XksProxyUriEndpoint": s.PRIVATE_ENDPOINT, "XksProxyVpcEndpointServiceName": s.VPC_SERVICE},
        s.vpc_store("DISCONNECTED"),
        id="vpc",
    ),
    pytest.param(
        {
            "xks_proxy_connectivity": s.VPC,
            "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT,
            "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE,
            "xks_proxy_vpc_endpoint_service_owner": s.OWNER,
        },
        {
            "XksProxyConnectivity": s.VPC,
            "XksProxyUriEndpoint": s.PRIVATE_ENDPOINT,
            "XksProxyVpcEndpointServiceName": s.VPC_SERVICE,
            "XksProxyVpcEndpointServiceOwner": s.OWNER,
        },
        s.vpc_store("DISCONNECTED", owner=s.OWNER),
        id="vpc-with-owner",
    ),
]


def public_create_params(**overrides):
    params = {
        "CustomKeyStoreName": s.STORE_NAME,
        "XksProxyConnectivity": s.PUBLIC,
        "XksProxyUriEndpoint": s.PUBLIC_ENDPOINT,
        "XksProxyUriPath": s.URI_PATH,
        "XksProxyAuthenticationCredential": s.api_credential(),
    }
    params.update(overrides)
    return params


@pytest.mark.parametrize("extra_args, extra_params, created", CREATE_CASES)
def test_create_sends_exactly_the_given_properties_and_leaves_the_store_disconnected(run_module, extra_args, extra_params, created):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    s.expect_create(run_module, **public_create_params(**extra_params))
    s.expect_polls(run_module, created)

    result = run_module(main, s.create_args(**extra_args), diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["create"]
    assert result["custom_key_store"] == s.returned(created)
    assert result["diff"] == {"before": {}, "after": s.returned(created)}
    assert run_module.operations == ["DescribeCustomKeyStores", "CreateCustomKeyStore", "DescribeCustomKeyStores"]
    s.assert_no_secret(result)


def test_create_then_connect_waits_for_connected(run_module):
    final = s.store("CONNECTED")
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    s.expect_create(run_module, **public_create_params())
    s.expect_connect(run_module, final)

    result = run_module(main, s.create_args(connection_state="connected"))

    assert result["changed"] is True
    assert result["actions"] == ["create", "connect"]
    assert result["custom_key_store"] == s.returned(final)
    assert run_module.operations == [
        "DescribeCustomKeyStores", "CreateCustomKeyStore", "ConnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores",
    ]
    s.assert_no_secret(result)


def test_create_and_connect_without_wait_reports_the_state_kms_gives(run_module):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    s.expect_create(run_module, **public_create_params())
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, s.store("CONNECTING"))

    result = run_module(main, s.create_args(connection_state="connected", wait=False))

    assert result["actions"] == ["create", "connect"]
    assert result["custom_key_store"]["connection_state"] == "CONNECTING"
    assert run_module.operations.count("DescribeCustomKeyStores") == 2


@pytest.mark.parametrize("missing", ["xks_proxy_connectivity", "xks_proxy_uri_endpoint", "xks_proxy_uri_path", "xks_proxy_authentication_credential"])
def test_create_without_a_required_property_fails_naming_it(run_module, missing):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    args = s.create_args()
    del args[missing]

    result = run_module(main, args)

    assert result["failed"] is True
    assert "missing: %s." % missing in result["msg"]
    assert result["changed"] is False and result["actions"] == []
    assert run_module.operations == ["DescribeCustomKeyStores"]
    s.assert_no_secret(result)


def test_unknown_id_is_not_created(run_module):
    s.expect_lookup(run_module, None)

    result = run_module(main, s.create_args(id=s.STORE_ID))

    assert result["failed"] is True
    assert s.STORE_ID in result["msg"] and "give name but not id" in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores"]


def test_a_cloudhsm_store_of_that_name_is_not_touched(run_module):
    hsm = {"CustomKeyStoreId": s.OTHER_ID, "CustomKeyStoreName": s.STORE_NAME, "CustomKeyStoreType": "AWS_CLOUDHSM", "ConnectionState": "CONNECTED"}
    run_module.expect("describe_custom_key_stores", s.described(hsm), {"CustomKeyStoreName": s.STORE_NAME})

    result = run_module(main, s.create_args())

    assert result["failed"] is True
    assert "AWS_CLOUDHSM" in result["msg"] and "external key stores only" in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores"]


# -- runs that change nothing ----------------------------------------------------------------

NOOP_CASES = [
    pytest.param({"id": s.STORE_ID}, s.BY_ID, id="by-id"),
    pytest.param({"id": s.STORE_ID, "name": s.STORE_NAME}, s.BY_ID, id="by-id-and-same-name"),
    pytest.param({"name": s.STORE_NAME}, {"CustomKeyStoreName": s.STORE_NAME}, id="by-name"),
    pytest.param({"custom_key_store_id": s.STORE_ID}, s.BY_ID, id="by-id-alias"),
]


@pytest.mark.parametrize("identity, lookup", NOOP_CASES)
@pytest.mark.parametrize("entry, properties", [
    pytest.param(s.store(), {}, id="nothing-asked"),
    pytest.param(
        s.store(),
        {
            "xks_proxy_connectivity": s.PUBLIC, "xks_proxy_uri_endpoint": s.PUBLIC_ENDPOINT, "xks_proxy_uri_path": s.URI_PATH,
            "xks_proxy_authentication_credential": s.credential(), "connection_state": "connected",
        },
        id="public-all-properties",
    ),
    pytest.param(
        s.vpc_store(owner=s.OWNER),
        {
            "xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT, "xks_proxy_uri_path": s.URI_PATH,
            "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE, "xks_proxy_vpc_endpoint_service_owner": s.OWNER,
            "xks_proxy_authentication_credential": s.credential(),
        },
        id="vpc-all-properties",
    ),
    pytest.param(s.store("DISCONNECTED"), {"connection_state": "disconnected"}, id="disconnected"),
])
def test_a_run_that_changes_nothing_makes_one_filtered_call(run_module, preflight_proxy, identity, lookup, entry, properties):
    # Eight other stores exist in the account; the lookup is filtered (expected_params), so KMS answers with this one only.
    run_module.expect("describe_custom_key_stores", s.kms_answer(s.neighbours() + [entry], lookup), lookup)

    result = run_module(main, dict(identity, **properties), diff=True)

    assert result["changed"] is False
    assert result["actions"] == []
    assert result["custom_key_store"] == s.returned(entry)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert run_module.calls == [("DescribeCustomKeyStores", lookup)]
    assert preflight_proxy.calls == []
    assert s.warnings_of(result) == []
    s.assert_no_secret(result)


@pytest.mark.parametrize("identity, lookup", [
    pytest.param({"name": s.STORE_NAME}, {"CustomKeyStoreName": s.STORE_NAME}, id="by-name"),
    pytest.param({"id": s.STORE_ID}, s.BY_ID, id="by-id"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_deleting_an_absent_store_changes_nothing(run_module, identity, lookup, check_mode):
    run_module.expect_error("describe_custom_key_stores", "CustomKeyStoreNotFoundException", "not found", expected_params=lookup)

    result = run_module(main, dict(identity, state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["actions"] == []
    assert result["custom_key_store"] == {}
    assert run_module.calls == [("DescribeCustomKeyStores", lookup)]


def test_an_empty_answer_by_name_is_an_absent_store(run_module):
    run_module.expect("describe_custom_key_stores", s.described(), {"CustomKeyStoreName": s.STORE_NAME})

    result = run_module(main, {"name": s.STORE_NAME, "state": "absent"})

    assert result["changed"] is False
    assert run_module.operations == ["DescribeCustomKeyStores"]


# -- connect / disconnect --------------------------------------------------------------------

def test_connect_a_disconnected_store(run_module):
    entry = s.store("DISCONNECTED")
    s.expect_lookup(run_module, entry)
    s.expect_connect(run_module, entry)

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "connected"}, diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["connect"]
    assert result["custom_key_store"] == s.returned(s.store("CONNECTED"))
    assert result["diff"]["before"]["connection_state"] == "DISCONNECTED"
    assert result["diff"]["after"]["connection_state"] == "CONNECTED"


def test_disconnect_a_connected_store(run_module, preflight_proxy):
    entry = s.store("CONNECTED")
    s.expect_lookup(run_module, entry)
    s.expect_disconnect(run_module, entry)

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "disconnected", "allow_disconnect": False})

    assert result["changed"] is True
    assert result["actions"] == ["disconnect"]
    assert result["custom_key_store"] == s.returned(s.store("DISCONNECTED"))
    assert preflight_proxy.calls == []


@pytest.mark.parametrize("code", ["XKS_PROXY_NOT_REACHABLE", "INVALID_CREDENTIALS", "XKS_PROXY_INVALID_CONFIGURATION", "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"])
def test_a_connection_that_ends_failed_fails_at_once_naming_the_code(run_module, code):
    entry = s.store("DISCONNECTED")
    s.expect_lookup(run_module, entry)
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, s.in_state(entry, "CONNECTING"), s.in_state(entry, "FAILED", code))

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "connected"})

    assert result["failed"] is True
    assert result["changed"] is True and result["actions"] == ["connect"]
    assert "ConnectionErrorCode %s" % code in result["msg"]
    assert result["custom_key_store"]["connection_state"] == "FAILED"
    assert result["custom_key_store"]["connection_error_code"] == code
    assert result["custom_key_store"]["connection_error_hint"] in result["msg"]
    # The wait stopped at the first FAILED answer: two polls, one short sleep, far from the timeout.
    assert run_module.operations.count("DescribeCustomKeyStores") == 3
    assert sum(run_module.sleeps) < 5


def test_a_created_store_that_fails_to_connect_is_reported_as_created(run_module):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    s.expect_create(run_module, **public_create_params())
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, s.store("FAILED", error_code="XKS_PROXY_INVALID_TLS_CONFIGURATION"))

    result = run_module(main, s.create_args(connection_state="connected"))

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["actions"] == ["create", "connect"]
    assert "XKS_PROXY_INVALID_TLS_CONFIGURATION" in result["msg"] and "TLS" in result["custom_key_store"]["connection_error_hint"]
    assert result["custom_key_store"]["custom_key_store_id"] == s.STORE_ID
    s.assert_no_secret(result)


def test_a_failed_store_is_disconnected_before_it_is_connected(run_module):
    entry = s.store("FAILED", error_code="XKS_PROXY_TIMED_OUT")
    s.expect_lookup(run_module, entry)
    s.expect_disconnect(run_module, entry)
    s.expect_connect(run_module, entry)

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "connected"})

    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "connect"]
    assert run_module.operations == [
        "DescribeCustomKeyStores",
        "DisconnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores",
        "ConnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores",
    ]
    assert result["custom_key_store"] == s.returned(s.store("CONNECTED"))


def test_a_failed_store_left_alone_is_reported_with_its_hint(run_module):
    entry = s.store("FAILED", error_code="XKS_PROXY_NOT_REACHABLE")
    s.expect_lookup(run_module, entry)

    result = run_module(main, {"id": s.STORE_ID})

    assert result["changed"] is False
    assert run_module.operations == ["DescribeCustomKeyStores"]
    assert result["custom_key_store"]["connection_error_code"] == "XKS_PROXY_NOT_REACHABLE"
    assert any("FAILED" in warning and "xks_proxy_uri_endpoint" in warning for warning in s.warnings_of(result))


@pytest.mark.parametrize("args, target, stuck", [
    pytest.param({"connection_state": "connected"}, "CONNECTED", "CONNECTING", id="connect"),
    pytest.param({"connection_state": "disconnected"}, "DISCONNECTED", "DISCONNECTING", id="disconnect"),
])
def test_a_wait_that_times_out_names_the_state_reached(run_module, clock, args, target, stuck):
    entry = s.store("DISCONNECTED" if target == "CONNECTED" else "CONNECTED")
    s.expect_lookup(run_module, entry)
    run_module.expect("connect_custom_key_store" if target == "CONNECTED" else "disconnect_custom_key_store", {}, s.BY_ID)
    # wait_timeout=10: the waiter sleeps 1.25, 3, 3 (_waiter.POLL_SCHEDULE) and the last 2.75 s, polling after each sleep.
    s.expect_polls(run_module, *[s.in_state(entry, stuck)] * 4)

    result = run_module(main, dict(args, id=s.STORE_ID, wait_timeout=10))

    assert result["failed"] is True
    assert result["changed"] is True and result["actions"] == ["connect" if target == "CONNECTED" else "disconnect"]
    assert "Timed out after 10s" in result["msg"]
    assert "to be %s; it is %s." % (target, stuck) in result["msg"]
    assert result["custom_key_store"]["connection_state"] == stuck
    assert clock.sleeps == [1.25, 3.0, 3.0, 2.75]


def test_a_store_in_transition_is_waited_for_before_it_is_judged(run_module):
    entry = s.store("CONNECTING")
    s.expect_lookup(run_module, entry)
    s.expect_polls(run_module, entry, s.in_state(entry, "CONNECTED"))

    result = run_module(main, {"id": s.STORE_ID})

    assert result["changed"] is False
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert s.mutating_calls(run_module) == []


# -- delete ----------------------------------------------------------------------------------

def test_delete_a_connected_store_disconnects_waits_and_deletes(run_module):
    entry = s.store("CONNECTED")
    s.expect_lookup(run_module, entry, by_name=s.STORE_NAME)
    s.expect_no_kms_keys(run_module)
    s.expect_disconnect(run_module, entry)
    run_module.expect("delete_custom_key_store", {}, s.BY_ID)

    result = run_module(main, {"name": s.STORE_NAME, "state": "absent"}, diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "delete"]
    assert result["custom_key_store"] == {}
    assert result["diff"] == {"before": s.returned(entry), "after": {}}
    assert run_module.operations == [
        "DescribeCustomKeyStores", "ListKeys", "DisconnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores", "DeleteCustomKeyStore",
    ]


def test_delete_a_disconnected_store(run_module):
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    s.expect_no_kms_keys(run_module)
    run_module.expect("delete_custom_key_store", {}, s.BY_ID)

    result = run_module(main, {"id": s.STORE_ID, "state": "absent"})

    assert result["changed"] is True
    assert result["actions"] == ["delete"]
    assert run_module.operations == ["DescribeCustomKeyStores", "ListKeys", "DeleteCustomKeyStore"]


def test_a_store_deleted_by_another_run_meanwhile_is_absent_with_a_warning(run_module):
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    s.expect_no_kms_keys(run_module)
    run_module.expect_error("delete_custom_key_store", "CustomKeyStoreNotFoundException", "not found", expected_params=s.BY_ID)

    result = run_module(main, {"id": s.STORE_ID, "state": "absent"})

    assert result.get("failed") is not True, result
    assert result["actions"] == ["delete"]
    assert s.warnings_of(result) == ["External key store %s was deleted by another run at the same time." % s.STORE_ID]


def test_delete_refused_because_keys_remain_reconnects_the_store(run_module):
    entry = s.store("CONNECTED")
    s.expect_lookup(run_module, entry, by_name=s.STORE_NAME)
    s.expect_no_kms_keys(run_module)  # a key created meanwhile, or one of another account's listing
    s.expect_disconnect(run_module, entry)
    run_module.expect_error("delete_custom_key_store", "CustomKeyStoreHasCMKsException", "The custom key store contains KMS keys", expected_params=s.BY_ID)
    s.expect_connect(run_module, entry)

    result = run_module(main, {"name": s.STORE_NAME, "state": "absent"})

    assert result["failed"] is True
    assert "Cannot delete external key store %s" % s.STORE_ID in result["msg"]
    assert "still contains KMS keys" in result["msg"]
    assert "reconnected and is CONNECTED" in result["msg"]
    assert result["error_code"] == "CustomKeyStoreHasCMKsException"
    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "connect"]
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"


def test_delete_refused_on_a_disconnected_store_leaves_it_disconnected(run_module):
    entry = s.store("DISCONNECTED")
    s.expect_lookup(run_module, entry)
    s.expect_no_kms_keys(run_module)
    run_module.expect_error("delete_custom_key_store", "CustomKeyStoreHasCMKsException", "The custom key store contains KMS keys", expected_params=s.BY_ID)
    s.expect_polls(run_module, entry)

    result = run_module(main, {"id": s.STORE_ID, "state": "absent"})

    assert result["failed"] is True
    assert result["changed"] is False and result["actions"] == []
    assert "still contains KMS keys" in result["msg"]
    assert "ConnectCustomKeyStore" not in run_module.operations
    assert result["custom_key_store"]["connection_state"] == "DISCONNECTED"

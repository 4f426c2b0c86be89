# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_keystore edits: online properties without an outage, offline ones in one disconnect window,
a failed update that restores the connection, the credential policies, allow_disconnect, the diff
and the proxy configuration file."""

import copy
import json

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

OFFLINE_SEQUENCE = [
    "DescribeCustomKeyStores", "DescribeCustomKeyStores",  # the lookup, then the account's stores (the uniqueness check)
    "ListKeys",  # the preflight: the store's KMS keys, whose external keys the new proxy must serve (here: none)
    "DisconnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores",
    "UpdateCustomKeyStore",
    "ConnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores",
]


def edited(entry, name=None, **config):
    """``entry`` after an update: a new name and/or new XksProxyConfiguration members."""
    entry = copy.deepcopy(entry)
    if name:
        entry["CustomKeyStoreName"] = name
    entry["XksProxyConfiguration"].update(config)
    return entry


# -- online edits ----------------------------------------------------------------------------

ONLINE_CASES = [
    pytest.param({"name": "XksKeyStore"}, {"NewCustomKeyStoreName": "XksKeyStore"}, edited(s.store(), name="XksKeyStore"), id="rename"),
    pytest.param(
        {"xks_proxy_authentication_credential": s.credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)},
        {"XksProxyAuthenticationCredential": s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)},
        edited(s.store(), AccessKeyId=s.NEW_ACCESS_KEY_ID),
        id="credential",
    ),
    pytest.param({"xks_proxy_uri_path": s.PLAIN_PATH}, {"XksProxyUriPath": s.PLAIN_PATH}, edited(s.store(), UriPath=s.PLAIN_PATH), id="path"),
    pytest.param(
        {"name": "XksKeyStore", "xks_proxy_uri_path": s.PLAIN_PATH, "xks_proxy_authentication_credential": s.credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)},
        {"NewCustomKeyStoreName": "XksKeyStore", "XksProxyUriPath": s.PLAIN_PATH,
         "XksProxyAuthenticationCredential": s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)},
        edited(s.store(), name="XksKeyStore", UriPath=s.PLAIN_PATH, AccessKeyId=s.NEW_ACCESS_KEY_ID),
        id="all-three",
    ),
]


@pytest.mark.parametrize("state", ["CONNECTED", "DISCONNECTED"])
@pytest.mark.parametrize("args, params, after", ONLINE_CASES)
def test_an_online_edit_is_one_update_without_outage(run_module, preflight_proxy, state, args, params, after):
    before = s.store(state)
    s.expect_lookup(run_module, before)
    s.expect_update(run_module, **params)
    s.expect_read_back(run_module, s.in_state(after, state))

    result = run_module(main, dict(args, id=s.STORE_ID), diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["update"]
    assert run_module.operations == ["DescribeCustomKeyStores", "UpdateCustomKeyStore", "DescribeCustomKeyStores"]
    assert result["custom_key_store"] == s.returned(s.in_state(after, state))
    assert result["diff"] == {"before": s.returned(before), "after": s.returned(s.in_state(after, state))}
    assert preflight_proxy.calls == []
    s.assert_no_secret(result)


# -- offline edits ---------------------------------------------------------------------------

OFFLINE_CASES = [
    pytest.param(
        s.store(),
        {"xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE},
        {"XksProxyConnectivity": s.VPC, "XksProxyUriEndpoint": s.PRIVATE_ENDPOINT, "XksProxyVpcEndpointServiceName": s.VPC_SERVICE},
        s.vpc_store(),
        id="connectivity-to-vpc",
    ),
    pytest.param(
        s.vpc_store(owner=s.OWNER),
        {"xks_proxy_connectivity": s.PUBLIC, "xks_proxy_uri_endpoint": s.PUBLIC_ENDPOINT},
        {"XksProxyConnectivity": s.PUBLIC, "XksProxyUriEndpoint": s.PUBLIC_ENDPOINT},
        s.store(),
        id="connectivity-to-public",
    ),
    pytest.param(
        s.store(),
        {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT},
        {"XksProxyUriEndpoint": s.NEW_PUBLIC_ENDPOINT},
        s.store(endpoint=s.NEW_PUBLIC_ENDPOINT),
        id="endpoint",
    ),
    pytest.param(
        s.vpc_store(),
        {"xks_proxy_vpc_endpoint_service_name": s.OTHER_VPC_SERVICE},
        {"XksProxyVpcEndpointServiceName": s.OTHER_VPC_SERVICE},
        s.vpc_store(service_name=s.OTHER_VPC_SERVICE),
        id="vpc-service-name",
    ),
    pytest.param(
        s.vpc_store(owner=s.OWNER),
        {"xks_proxy_vpc_endpoint_service_owner": s.OTHER_OWNER},
        {"XksProxyVpcEndpointServiceOwner": s.OTHER_OWNER},
        s.vpc_store(owner=s.OTHER_OWNER),
        id="vpc-service-owner",
    ),
]


@pytest.mark.parametrize("before, args, params, after", OFFLINE_CASES)
def test_an_offline_edit_disconnects_updates_and_reconnects(run_module, preflight_proxy, before, args, params, after):
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before)
    s.expect_no_kms_keys(run_module)  # the healthy proxy's preflight looks for the store's external keys
    s.expect_disconnect(run_module, before)
    s.expect_update(run_module, **params)
    s.expect_connect(run_module, after)

    result = run_module(main, dict(args, id=s.STORE_ID, xks_proxy_authentication_credential=s.credential()), diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "update", "connect"]
    assert run_module.operations == OFFLINE_SEQUENCE
    assert result["custom_key_store"] == s.returned(after)
    assert result["diff"] == {"before": s.returned(before), "after": s.returned(after)}
    # The preflight asked the proxy with the values KMS will use after the update, before the outage.
    config = after["XksProxyConfiguration"]
    assert preflight_proxy.calls == [
        dict(endpoint=config["UriEndpoint"], uri_path=config["UriPath"], access_key_id=s.ACCESS_KEY_ID, secret=s.SECRET, region="us-east-1")
    ]
    s.assert_no_secret(result)


def test_several_edits_share_one_update_and_one_outage(run_module):
    before = s.store()
    after = edited(s.store(), name="XksKeyStore", UriEndpoint=s.NEW_PUBLIC_ENDPOINT, UriPath=s.PLAIN_PATH, AccessKeyId=s.NEW_ACCESS_KEY_ID)
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before, *s.neighbours())
    s.expect_no_kms_keys(run_module)
    s.expect_disconnect(run_module, before)
    s.expect_update(
        run_module,
        NewCustomKeyStoreName="XksKeyStore",
        XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT,
        XksProxyUriPath=s.PLAIN_PATH,
        XksProxyAuthenticationCredential=s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET),
    )
    s.expect_connect(run_module, after)

    result = run_module(main, {
        "id": s.STORE_ID,
        "name": "XksKeyStore",
        "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT,
        "xks_proxy_uri_path": s.PLAIN_PATH,
        "xks_proxy_authentication_credential": s.credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET),
    })

    assert result["actions"] == ["disconnect", "update", "connect"]
    assert run_module.operations.count("UpdateCustomKeyStore") == 1
    assert s.outage_windows(run_module) == 1
    assert result["custom_key_store"] == s.returned(after)
    s.assert_no_secret(result)


def test_an_offline_edit_of_a_disconnected_store_needs_no_disconnect(run_module, preflight_proxy):
    before = s.store("DISCONNECTED")
    s.expect_lookup(run_module, before)
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_read_back(run_module, s.store("DISCONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT))

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "allow_disconnect": False})

    assert result["actions"] == ["update"]
    assert run_module.operations == ["DescribeCustomKeyStores", "UpdateCustomKeyStore", "DescribeCustomKeyStores"]
    assert result["custom_key_store"] == s.returned(s.store("DISCONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT))
    assert preflight_proxy.calls == []


def test_an_offline_edit_of_a_disconnected_store_then_connect(run_module):
    before = s.store("DISCONNECTED")
    after = s.store("CONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_lookup(run_module, before)
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_connect(run_module, after)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "connection_state": "connected"})

    assert result["actions"] == ["update", "connect"]
    assert result["custom_key_store"] == s.returned(after)


def test_an_offline_edit_that_asks_for_disconnected_does_not_reconnect(run_module, preflight_proxy):
    before = s.store("CONNECTED")
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before)
    s.expect_disconnect(run_module, before)
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_read_back(run_module, s.store("DISCONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT))

    result = run_module(main, {
        "id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "connection_state": "disconnected", "allow_disconnect": False,
    })

    assert result["actions"] == ["disconnect", "update"]
    assert "ConnectCustomKeyStore" not in run_module.operations
    assert result["custom_key_store"] == s.returned(s.store("DISCONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT))
    assert preflight_proxy.calls == []


def test_an_online_edit_that_asks_for_disconnected_updates_first(run_module):
    before = s.store("CONNECTED")
    s.expect_lookup(run_module, before)
    s.expect_update(run_module, XksProxyUriPath=s.PLAIN_PATH)
    s.expect_disconnect(run_module, s.store(path=s.PLAIN_PATH))
    # The disconnect's wait read the store after the update: no read-back.

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_path": s.PLAIN_PATH, "connection_state": "disconnected"})

    assert result["actions"] == ["update", "disconnect"]
    assert result["custom_key_store"] == s.returned(s.store("DISCONNECTED", path=s.PLAIN_PATH))


def test_editing_a_failed_store_disconnects_it_and_says_so(run_module):
    before = s.store("FAILED", error_code="XKS_PROXY_NOT_REACHABLE")
    s.expect_lookup(run_module, before)
    s.expect_disconnect(run_module, before)
    s.expect_update(run_module, XksProxyUriPath=s.PLAIN_PATH)
    s.expect_read_back(run_module, s.store("DISCONNECTED", path=s.PLAIN_PATH))

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_path": s.PLAIN_PATH})

    assert result["actions"] == ["disconnect", "update"]
    assert result["custom_key_store"] == s.returned(s.store("DISCONNECTED", path=s.PLAIN_PATH))
    assert any("was FAILED" in warning and "connection_state=connected" in warning for warning in s.warnings_of(result))


# -- a failing update ------------------------------------------------------------------------

def test_an_update_rejected_after_the_disconnect_reconnects_then_fails(run_module):
    before = s.store()
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before)
    s.expect_disconnect(run_module, before)
    run_module.expect_error(
        "update_custom_key_store", "XksProxyUriUnreachableException", "KMS was unable to reach the specified XksProxyUriPath.",
        expected_params=dict(s.BY_ID, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT),
    )
    s.expect_connect(run_module, before)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "preflight": "never"})

    assert result["failed"] is True
    assert result["error_code"] == "XksProxyUriUnreachableException"
    assert result["changed"] is True
    assert "KMS was unable to reach the specified XksProxyUriPath." in result["msg"]
    assert "reconnected and is CONNECTED" in result["msg"]
    assert result["actions"] == ["disconnect", "connect"]
    assert result["custom_key_store"] == s.returned(before)
    assert run_module.operations[-3:] == ["ConnectCustomKeyStore", "DescribeCustomKeyStores", "DescribeCustomKeyStores"]


def test_an_update_rejected_and_a_reconnect_that_fails_reports_both(run_module):
    before = s.store()
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before)
    s.expect_disconnect(run_module, before)
    run_module.expect_error("update_custom_key_store", "XksProxyInvalidConfigurationException", "bad proxy")
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    failed = s.in_state(before, "FAILED", "XKS_PROXY_NOT_REACHABLE")
    s.expect_polls(run_module, s.in_state(before, "CONNECTING"), failed, failed)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "preflight": "never"})

    assert result["failed"] is True
    assert result["error_code"] == "XksProxyInvalidConfigurationException"
    assert "Restoring the connection failed as well" in result["msg"]
    assert result["actions"] == ["disconnect", "connect"]
    assert "XKS_PROXY_NOT_REACHABLE" in result["msg"]
    assert result["msg"].endswith("The key store is now FAILED.")
    assert result["custom_key_store"]["connection_state"] == "FAILED"


def test_an_edit_whose_reconnect_ends_failed_reports_everything_it_did(run_module):
    before = s.store()
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before)
    s.expect_disconnect(run_module, before)
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, s.store("FAILED", endpoint=s.NEW_PUBLIC_ENDPOINT, error_code="XKS_PROXY_NOT_REACHABLE"))

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "preflight": "never"})

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "update", "connect"]
    assert "ConnectionErrorCode XKS_PROXY_NOT_REACHABLE" in result["msg"]
    assert result["custom_key_store"]["xks_proxy_configuration"]["uri_endpoint"] == s.NEW_PUBLIC_ENDPOINT


def test_an_online_update_rejected_reports_the_state(run_module):
    before = s.store()
    s.expect_lookup(run_module, before)
    run_module.expect_error("update_custom_key_store", "CustomKeyStoreNameInUseException", "name in use")
    s.expect_polls(run_module, before)

    result = run_module(main, {"id": s.STORE_ID, "name": "Taken"})

    assert result["failed"] is True
    assert result["error_code"] == "CustomKeyStoreNameInUseException"
    assert result["changed"] is False and result["actions"] == []
    assert "The key store is CONNECTED." in result["msg"]
    assert s.mutating_calls(run_module) == ["UpdateCustomKeyStore"]


# -- update_credential -----------------------------------------------------------------------

@pytest.mark.parametrize("policy, entry, access_key_id, sent", [
    pytest.param("on_change", s.store(), s.ACCESS_KEY_ID, False, id="on_change-same-key"),
    pytest.param("on_change", s.store(), s.NEW_ACCESS_KEY_ID, True, id="on_change-new-key"),
    pytest.param("always", s.store(), s.ACCESS_KEY_ID, True, id="always-same-key"),
    pytest.param("on_create", s.store(), s.NEW_ACCESS_KEY_ID, False, id="on_create-new-key"),
    pytest.param("on_change", s.store("DISCONNECTED"), s.ACCESS_KEY_ID, False, id="on_change-disconnected"),
])
def test_update_credential_policy_decides_whether_the_credential_is_sent(run_module, policy, entry, access_key_id, sent):
    s.expect_lookup(run_module, entry)
    if sent:
        s.expect_update(run_module, XksProxyAuthenticationCredential=s.api_credential(access_key_id, s.NEW_SECRET))
        s.expect_read_back(run_module, s.in_state(s.store(access_key_id=access_key_id), entry["ConnectionState"]))

    result = run_module(main, {
        "id": s.STORE_ID, "update_credential": policy, "xks_proxy_authentication_credential": s.credential(access_key_id, s.NEW_SECRET),
    })

    assert result["changed"] is sent
    assert result["actions"] == (["update"] if sent else [])
    assert result["custom_key_store"]["xks_proxy_configuration"]["access_key_id"] == (access_key_id if sent else s.ACCESS_KEY_ID)
    assert run_module.operations == ["DescribeCustomKeyStores"] + (["UpdateCustomKeyStore", "DescribeCustomKeyStores"] if sent else [])
    s.assert_no_secret(result)


@pytest.mark.parametrize("connection_state, actions", [(None, ["disconnect", "update"]), ("connected", ["disconnect", "update", "connect"])])
def test_on_change_resends_the_same_credential_when_kms_reports_invalid_credentials(run_module, connection_state, actions):
    before = s.store("FAILED", error_code="INVALID_CREDENTIALS")
    s.expect_lookup(run_module, before)
    s.expect_disconnect(run_module, before)
    s.expect_update(run_module, XksProxyAuthenticationCredential=s.api_credential(s.ACCESS_KEY_ID, s.NEW_SECRET))
    if connection_state:
        s.expect_connect(run_module, before)
    else:
        s.expect_read_back(run_module, s.in_state(before, "DISCONNECTED"))
    args = {"id": s.STORE_ID, "xks_proxy_authentication_credential": s.credential(s.ACCESS_KEY_ID, s.NEW_SECRET)}
    if connection_state:
        args["connection_state"] = connection_state

    result = run_module(main, args)

    assert result["changed"] is True
    assert result["actions"] == actions
    assert result["custom_key_store"]["connection_state"] == ("CONNECTED" if connection_state else "DISCONNECTED")
    assert "connection_error_code" not in result["custom_key_store"]
    s.assert_no_secret(result)


def test_on_create_still_sends_the_credential_to_create(run_module):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    run_module.expect("create_custom_key_store", {"CustomKeyStoreId": s.STORE_ID}, None)
    s.expect_polls(run_module, s.store("DISCONNECTED"))

    result = run_module(main, s.create_args(update_credential="on_create"))

    assert result["actions"] == ["create"]
    create_params = dict(run_module.calls)["CreateCustomKeyStore"]
    assert create_params["XksProxyAuthenticationCredential"] == s.api_credential()
    s.assert_no_secret(result)


# -- allow_disconnect ------------------------------------------------------------------------

@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("before, args, named", [
    pytest.param(s.store(), {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT}, ["xks_proxy_uri_endpoint"], id="endpoint"),
    pytest.param(
        s.store(),
        {"xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE,
         "xks_proxy_uri_path": s.PLAIN_PATH},
        ["xks_proxy_connectivity", "xks_proxy_uri_endpoint", "xks_proxy_vpc_endpoint_service_name"],
        id="connectivity",
    ),
    pytest.param(s.vpc_store(owner=s.OWNER), {"xks_proxy_vpc_endpoint_service_owner": s.OTHER_OWNER}, ["xks_proxy_vpc_endpoint_service_owner"], id="owner"),
])
def test_allow_disconnect_false_refuses_before_any_change(run_module, preflight_proxy, check_mode, before, args, named):
    s.expect_lookup(run_module, before)

    result = run_module(main, dict(args, id=s.STORE_ID, allow_disconnect=False), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False and result["actions"] == []
    assert "allow_disconnect is false" in result["msg"]
    assert "Changing %s needs" % ", ".join(named) in result["msg"]
    assert "xks_proxy_uri_path" not in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores"]
    assert preflight_proxy.calls == []


# -- the proxy configuration file ------------------------------------------------------------

def test_the_configuration_file_gives_path_and_credential(run_module, tmp_path):
    config = tmp_path / "proxy-configuration.json"
    config.write_text(json.dumps(s.configuration_document(s.PLAIN_PATH, s.NEW_ACCESS_KEY_ID, s.NEW_SECRET, VendorSpecific={"note": "ignored"})))
    s.expect_lookup(run_module, s.store())
    s.expect_update(run_module, XksProxyUriPath=s.PLAIN_PATH, XksProxyAuthenticationCredential=s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET))
    s.expect_read_back(run_module, s.store(path=s.PLAIN_PATH, access_key_id=s.NEW_ACCESS_KEY_ID))

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_configuration_file": str(config)}, diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["update"]
    assert result["custom_key_store"] == s.returned(s.store(path=s.PLAIN_PATH, access_key_id=s.NEW_ACCESS_KEY_ID))
    assert not s.leaked_pieces(result["_stdout"], s.NEW_SECRET)
    assert s.warnings_of(result) == []


def test_the_configuration_file_secret_is_masked_even_if_an_error_echoes_it(run_module, tmp_path):
    config = tmp_path / "proxy-configuration.json"
    config.write_text(json.dumps(s.configuration_document(s.PLAIN_PATH, s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)))
    s.expect_lookup(run_module, s.store())
    # No option carries this secret (it comes from a file), so only the module can tell Ansible to mask it.
    run_module.expect_error("update_custom_key_store", "XksProxyIncorrectAuthenticationCredentialException", "rejected %s" % s.NEW_SECRET)
    s.expect_polls(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_configuration_file": str(config)})

    assert result["failed"] is True
    assert result["error_code"] == "XksProxyIncorrectAuthenticationCredentialException"
    assert not s.leaked_pieces(result["_stdout"], s.NEW_SECRET)
    assert "rejected ********" in result["msg"]

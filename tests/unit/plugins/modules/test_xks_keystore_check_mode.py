# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check mode: for every path, a check-mode run makes no mutating call (only the lookup) and predicts
what a real run then reports: the same changed, actions, custom_key_store and diff, with the same keys."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

VPC_ARGS = {"xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE}
VPC_PARAMS = {"XksProxyConnectivity": s.VPC, "XksProxyUriEndpoint": s.PRIVATE_ENDPOINT, "XksProxyVpcEndpointServiceName": s.VPC_SERVICE}
CREATE_PARAMS = {
    "CustomKeyStoreName": s.STORE_NAME, "XksProxyConnectivity": s.PUBLIC, "XksProxyUriEndpoint": s.PUBLIC_ENDPOINT,
    "XksProxyUriPath": s.URI_PATH, "XksProxyAuthenticationCredential": s.api_credential(),
}


def create_public(run):
    s.expect_create(run, **CREATE_PARAMS)
    s.expect_polls(run, s.store("DISCONNECTED"))


def create_vpc_connected(run):
    params = dict(CREATE_PARAMS, XksProxyVpcEndpointServiceOwner=s.OWNER)
    params.update(VPC_PARAMS)
    s.expect_create(run, **params)
    s.expect_connect(run, s.vpc_store(owner=s.OWNER))


def online_edit(run):
    s.expect_update(run, NewCustomKeyStoreName="XksKeyStore", XksProxyUriPath=s.PLAIN_PATH)
    s.expect_read_back(run, s.store(name="XksKeyStore", path=s.PLAIN_PATH))


def credential_always(run):
    s.expect_update(run, XksProxyAuthenticationCredential=s.api_credential())
    s.expect_read_back(run, s.store())


def offline_edit(run):
    s.expect_account_stores(run, s.store())
    s.expect_no_kms_keys(run)  # the preflight's search for the store's external keys
    s.expect_disconnect(run, s.store())
    s.expect_update(run, **VPC_PARAMS)
    # No owner given: KMS records the caller's account as the owner of the VPC endpoint service.
    s.expect_connect(run, s.vpc_store(owner=s.OWNER))


def offline_edit_left_disconnected(run):
    s.expect_account_stores(run, s.store())
    s.expect_disconnect(run, s.store())
    s.expect_update(run, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_read_back(run, s.store("DISCONNECTED", endpoint=s.NEW_PUBLIC_ENDPOINT))


def connect(run):
    s.expect_connect(run, s.store())


def disconnect(run):
    s.expect_disconnect(run, s.store())


def reconnect_failed(run):
    s.expect_disconnect(run, s.store())
    s.expect_connect(run, s.store())


def edit_failed(run):
    s.expect_disconnect(run, s.store())
    s.expect_update(run, XksProxyUriPath=s.PLAIN_PATH)
    s.expect_read_back(run, s.store("DISCONNECTED", path=s.PLAIN_PATH))


def delete_connected(run):
    s.expect_no_kms_keys(run)
    s.expect_disconnect(run, s.store())
    run.expect("delete_custom_key_store", {}, s.BY_ID)


def nothing(run):
    """No call after the lookup."""


FAILED = s.store("FAILED", error_code="XKS_PROXY_NOT_REACHABLE")

# (task, the store the lookup finds (None: absent), lookup by name?, what a real run does after the lookup);
# the reads a check-mode run makes after its lookup are in CHECK_READS.
SCENARIOS = [
    pytest.param(s.create_args(), None, True, create_public, id="create-public"),
    pytest.param(s.create_args(connection_state="connected", xks_proxy_vpc_endpoint_service_owner=s.OWNER, **VPC_ARGS), None, True,
                 create_vpc_connected, id="create-vpc-with-owner-and-connect"),
    pytest.param({"id": s.STORE_ID, "name": "XksKeyStore", "xks_proxy_uri_path": s.PLAIN_PATH}, s.store(), False, online_edit, id="online-edit"),
    pytest.param({"id": s.STORE_ID, "update_credential": "always", "xks_proxy_authentication_credential": s.credential()}, s.store(), False,
                 credential_always, id="credential-always"),
    pytest.param(dict(VPC_ARGS, id=s.STORE_ID, xks_proxy_authentication_credential=s.credential()), s.store(), False, offline_edit, id="offline-edit"),
    pytest.param({"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "connection_state": "disconnected"}, s.store(), False,
                 offline_edit_left_disconnected, id="offline-edit-to-disconnected"),
    pytest.param({"id": s.STORE_ID, "connection_state": "connected"}, s.store("DISCONNECTED"), False, connect, id="connect"),
    pytest.param({"id": s.STORE_ID, "connection_state": "disconnected"}, s.store(), False, disconnect, id="disconnect"),
    pytest.param({"id": s.STORE_ID, "connection_state": "connected"}, FAILED, False, reconnect_failed, id="failed-reconnect"),
    pytest.param({"id": s.STORE_ID, "xks_proxy_uri_path": s.PLAIN_PATH}, FAILED, False, edit_failed, id="failed-edit"),
    pytest.param({"name": s.STORE_NAME, "state": "absent"}, s.store(), True, delete_connected, id="delete-connected"),
    pytest.param({"name": s.STORE_NAME, "state": "absent"}, None, True, nothing, id="delete-absent"),
    pytest.param({"id": s.STORE_ID, "xks_proxy_uri_path": s.URI_PATH}, s.store(), False, nothing, id="no-change"),
]


def offline_edit_reads(run):
    """Before an outage, the uniqueness check reads the account's stores (check mode too: it is what decides a refusal)."""
    s.expect_account_stores(run, s.store())


def offline_edit_to_vpc_reads(run):
    offline_edit_reads(run)
    s.expect_no_kms_keys(run)
    run.expect_account(s.OWNER)


CHECK_READS = {"offline-edit": offline_edit_to_vpc_reads, "offline-edit-to-disconnected": offline_edit_reads, "delete-connected": s.expect_no_kms_keys}


def real_entry_keys(custom_key_store):
    """What a prediction for a store that does not exist yet cannot know: KMS assigns the id and the creation date."""
    return {key: value for key, value in custom_key_store.items() if key not in ("custom_key_store_id", "creation_date")}


@pytest.mark.parametrize("task, found, by_name, real_calls", SCENARIOS)
def test_check_mode_predicts_the_real_run_without_changing_anything(request, run_module, new_run, task, found, by_name, real_calls):
    s.expect_lookup(run_module, found, by_name=s.STORE_NAME if by_name else None)
    CHECK_READS.get(request.node.callspec.id, lambda run: None)(run_module)
    check = run_module(main, task, check_mode=True, diff=True)

    assert s.mutating_calls(run_module) == []

    real_run = new_run()
    s.expect_lookup(real_run, found, by_name=s.STORE_NAME if by_name else None)
    real_calls(real_run)
    real = real_run(main, task, diff=True)

    assert "failed" not in check and "failed" not in real
    assert set(check) == set(real)
    assert check["changed"] == real["changed"]
    assert check["actions"] == real["actions"]
    assert s.warnings_of(check) == s.warnings_of(real)
    if found is None and task.get("state") != "absent":
        # A store to be created: everything but what KMS assigns.
        assert real_entry_keys(check["custom_key_store"]) == real_entry_keys(real["custom_key_store"])
        assert set(real["custom_key_store"]) - set(check["custom_key_store"]) == {"custom_key_store_id", "creation_date"}
        assert check["diff"]["before"] == real["diff"]["before"] == {}
    else:
        assert check["custom_key_store"] == real["custom_key_store"]
        assert check["diff"] == real["diff"]
    s.assert_no_secret(check)


@pytest.mark.parametrize("transient, actions, reported", [
    # Already heading for CONNECTED: nothing to do; the store is reported as KMS describes it now.
    ("CONNECTING", [], "CONNECTING"),
    # Heading for DISCONNECTED: it will need a connect once there.
    ("DISCONNECTING", ["connect"], "CONNECTED"),
])
def test_check_mode_plans_from_where_a_transition_is_heading_without_waiting(run_module, transient, actions, reported):
    s.expect_lookup(run_module, s.store(transient))

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "connected"}, check_mode=True)

    assert result["actions"] == actions
    assert result["changed"] is bool(actions)
    assert result["custom_key_store"]["connection_state"] == reported
    assert run_module.operations == ["DescribeCustomKeyStores"]
    assert run_module.sleeps == []

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_plan/keystore.py: the actions for each connection state and edit, the exact update parameters,
and the entry KMS will report."""

import pytest

from ansible_collections.kms.xks.plugins.module_utils._plan import keystore as plan
from ansible_collections.kms.xks.tests.unit import stores as s

ONLINE = {"XksProxyUriPath": s.PLAIN_PATH}
OFFLINE = {"XksProxyUriEndpoint": s.NEW_PUBLIC_ENDPOINT}


@pytest.mark.parametrize("state, params, goal, actions", [
    ("CONNECTED", {}, "CONNECTED", []),
    ("CONNECTED", ONLINE, "CONNECTED", ["update"]),
    ("CONNECTED", OFFLINE, "CONNECTED", ["disconnect", "update", "connect"]),
    ("CONNECTED", dict(ONLINE, **OFFLINE), "CONNECTED", ["disconnect", "update", "connect"]),
    ("CONNECTED", OFFLINE, "DISCONNECTED", ["disconnect", "update"]),
    ("CONNECTED", ONLINE, "DISCONNECTED", ["update", "disconnect"]),
    ("CONNECTED", {}, "DISCONNECTED", ["disconnect"]),
    ("DISCONNECTED", OFFLINE, "DISCONNECTED", ["update"]),
    ("DISCONNECTED", OFFLINE, "CONNECTED", ["update", "connect"]),
    ("DISCONNECTED", {}, "CONNECTED", ["connect"]),
    ("FAILED", {}, "FAILED", []),
    ("FAILED", {}, "CONNECTED", ["disconnect", "connect"]),
    ("FAILED", {}, "DISCONNECTED", ["disconnect"]),
    ("FAILED", ONLINE, "FAILED", ["disconnect", "update"]),
    ("FAILED", ONLINE, "CONNECTED", ["disconnect", "update", "connect"]),
])
def test_plan_actions(state, params, goal, actions):
    planned = plan.plan_actions(state, params, goal)

    assert planned == actions
    assert planned.count("disconnect") <= 1 and planned.count("update") <= 1


@pytest.mark.parametrize("state, connection_state, goal", [
    ("CONNECTED", None, "CONNECTED"),
    ("CONNECTING", None, "CONNECTED"),
    ("DISCONNECTING", None, "DISCONNECTED"),
    ("FAILED", None, "FAILED"),
    ("FAILED", "connected", "CONNECTED"),
    ("CONNECTED", "disconnected", "DISCONNECTED"),
])
def test_goal_state_keeps_the_state_unless_asked(state, connection_state, goal):
    assert plan.goal_state(state, connection_state) == goal


def desired(**options):
    return {option: options.get(option) for option in (
        "name", "xks_proxy_connectivity", "xks_proxy_uri_endpoint", "xks_proxy_uri_path",
        "xks_proxy_vpc_endpoint_service_name", "xks_proxy_vpc_endpoint_service_owner", "xks_proxy_authentication_credential",
    )}


def test_only_what_differs_is_sent():
    params = plan.update_parameters(s.store(), desired(name=s.STORE_NAME, xks_proxy_uri_path=s.PLAIN_PATH, xks_proxy_uri_endpoint=s.PUBLIC_ENDPOINT),
                                    "on_change")

    assert params == {"XksProxyUriPath": s.PLAIN_PATH}


def test_leaving_vpc_sends_no_service_name():
    params = plan.update_parameters(s.vpc_store(owner=s.OWNER), desired(xks_proxy_connectivity=s.PUBLIC, xks_proxy_uri_endpoint=s.PUBLIC_ENDPOINT),
                                    "on_change")

    assert params == {"XksProxyConnectivity": s.PUBLIC, "XksProxyUriEndpoint": s.PUBLIC_ENDPOINT}
    assert plan.offline_options(params) == ["xks_proxy_connectivity", "xks_proxy_uri_endpoint"]


@pytest.mark.parametrize("policy, entry, access_key_id, sent", [
    ("on_change", s.store(), s.ACCESS_KEY_ID, False),
    ("on_change", s.store(), s.NEW_ACCESS_KEY_ID, True),
    ("on_change", s.store("FAILED", error_code="INVALID_CREDENTIALS"), s.ACCESS_KEY_ID, True),
    ("on_change", s.store("FAILED", error_code="XKS_PROXY_NOT_REACHABLE"), s.ACCESS_KEY_ID, False),
    ("always", s.store(), s.ACCESS_KEY_ID, True),
    ("on_create", s.store(), s.NEW_ACCESS_KEY_ID, False),
    ("on_create", s.store("FAILED", error_code="INVALID_CREDENTIALS"), s.ACCESS_KEY_ID, False),
])
def test_credential_policy(policy, entry, access_key_id, sent):
    params = plan.update_parameters(entry, desired(xks_proxy_authentication_credential=s.credential(access_key_id, s.NEW_SECRET)), policy)

    assert params == ({"XksProxyAuthenticationCredential": s.api_credential(access_key_id, s.NEW_SECRET)} if sent else {})


@pytest.mark.parametrize("entry, options, problem", [
    (s.store(), desired(xks_proxy_connectivity=s.VPC, xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE), "needs a new xks_proxy_uri_endpoint"),
    (s.store(), desired(xks_proxy_connectivity=s.VPC, xks_proxy_uri_endpoint=s.PRIVATE_ENDPOINT), "needs xks_proxy_vpc_endpoint_service_name"),
    (s.store(), desired(xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE), "only valid with VPC_ENDPOINT_SERVICE"),
    (s.vpc_store(), desired(xks_proxy_connectivity=s.PUBLIC, xks_proxy_uri_endpoint=s.PUBLIC_ENDPOINT, xks_proxy_vpc_endpoint_service_owner=s.OWNER),
     "only valid with VPC_ENDPOINT_SERVICE"),
])
def test_impossible_edits_are_refused(entry, options, problem):
    with pytest.raises(plan.PlanError) as raised:
        plan.update_parameters(entry, options, "on_change")

    assert problem in str(raised.value)


def test_a_vpc_store_keeps_its_service_without_repeating_it():
    assert plan.update_parameters(s.vpc_store(), desired(xks_proxy_connectivity=s.VPC, xks_proxy_uri_path=s.PLAIN_PATH), "on_change") == {
        "XksProxyUriPath": s.PLAIN_PATH,
    }


def test_predict_entry_applies_the_update_and_the_final_state():
    before = s.vpc_store("FAILED", owner=s.OWNER, error_code="XKS_PROXY_NOT_REACHABLE")
    params = {"NewCustomKeyStoreName": "XksKeyStore", "XksProxyConnectivity": s.PUBLIC, "XksProxyUriEndpoint": s.PUBLIC_ENDPOINT,
              "XksProxyAuthenticationCredential": s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)}

    predicted = plan.predict_entry(before, params, "CONNECTED")

    assert predicted == s.store("CONNECTED", name="XksKeyStore", access_key_id=s.NEW_ACCESS_KEY_ID)
    assert before["ConnectionState"] == "FAILED" and before["XksProxyConfiguration"]["Connectivity"] == s.VPC


def test_predict_created_entry_has_no_secret():
    params = plan.create_parameters(dict(desired(name=s.STORE_NAME, xks_proxy_connectivity=s.VPC, xks_proxy_uri_endpoint=s.PRIVATE_ENDPOINT,
                                                 xks_proxy_uri_path=s.URI_PATH, xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE,
                                                 xks_proxy_authentication_credential=s.credential())))

    predicted = plan.predict_created_entry(params, "DISCONNECTED")

    expected = s.vpc_store("DISCONNECTED")
    del expected["CustomKeyStoreId"], expected["CreationDate"]
    assert predicted == expected
    assert not s.leaked_pieces(repr(predicted), s.SECRET)
    assert "XksProxyVpcEndpointServiceOwner" not in params


@pytest.mark.parametrize("state, params, connection_state, final_state, outage, failed_override", [
    ("CONNECTED", {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT}, None, "CONNECTED", True, False),
    ("CONNECTED", {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT}, "disconnected", "DISCONNECTED", True, False),
    ("CONNECTING", {"xks_proxy_uri_path": s.PLAIN_PATH}, None, "CONNECTED", False, False),
    ("FAILED", {"xks_proxy_uri_path": s.PLAIN_PATH}, None, "DISCONNECTED", False, True),
    ("FAILED", {}, None, "FAILED", False, False),
])
def test_plan_decides_final_state_and_outage(state, params, connection_state, final_state, outage, failed_override):
    entry = s.store(state=state)
    edit = plan.Plan(entry, params, "on_change", connection_state)

    assert edit.final_state == final_state
    assert edit.prediction["ConnectionState"] == final_state
    assert edit.outage is outage
    assert edit.disconnects_failed_store is failed_override
    assert edit.proxy_target == (params.get("xks_proxy_uri_endpoint", s.PUBLIC_ENDPOINT), params.get("xks_proxy_uri_path", s.URI_PATH))

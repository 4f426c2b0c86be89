# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_keystore around outages: refusals KMS would give are found before the disconnect, a wait that
runs out says how to end the outage, a store left DISCONNECTED is always named, every wait has a
timeline, concurrent runs on one store, and id + name that disagree on a deletion."""

import datetime

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.plugins.module_utils._api.waiter import poll_sleep
from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

MOVE = {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "xks_proxy_authentication_credential": s.credential()}
MOVED = s.store(endpoint=s.NEW_PUBLIC_ENDPOINT)
UNUSABLE = "its KMS keys are unusable until it is connected"


def unusable_warnings(result):
    return [warning for warning in s.warnings_of(result) if UNUSABLE in warning]


# -- id and name of different stores (state=absent) ------------------------------------------

def test_deleting_by_the_id_of_one_store_and_the_name_of_another_deletes_nothing(run_module):
    s.expect_lookup(run_module, s.store())
    run_module.expect("describe_custom_key_stores", s.described(s.store(name="Other", store_id=s.OTHER_ID)), {"CustomKeyStoreName": "Other"})

    result = run_module(main, {"id": s.STORE_ID, "name": "Other", "state": "absent"})

    assert result["failed"] is True
    assert s.mutating_calls(run_module) == []
    assert "id %s is the key store named %s" % (s.STORE_ID, s.STORE_NAME) in result["msg"]
    assert "name Other is key store %s" % s.OTHER_ID in result["msg"]


def test_deleting_by_an_id_and_a_name_no_store_has_deletes_nothing(run_module):
    s.expect_lookup(run_module, s.store())
    run_module.expect("describe_custom_key_stores", s.described(), {"CustomKeyStoreName": "Nobody"})

    result = run_module(main, {"id": s.STORE_ID, "name": "Nobody", "state": "absent"})

    assert result["failed"] is True
    assert s.mutating_calls(run_module) == []
    assert "no key store is named Nobody" in result["msg"]


def test_deleting_by_a_matching_id_and_name_needs_no_second_lookup(run_module):
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    s.expect_no_kms_keys(run_module)
    run_module.expect("delete_custom_key_store", {}, s.BY_ID)

    result = run_module(main, {"id": s.STORE_ID, "name": s.STORE_NAME, "state": "absent"})

    assert result["changed"] is True and result["actions"] == ["delete"]
    assert run_module.operations == ["DescribeCustomKeyStores", "ListKeys", "DeleteCustomKeyStore"]


# -- refusals KMS would give, found before the outage -----------------------------------------

CONFLICTS = [
    pytest.param({"name": "Taken"}, s.store(store_id=s.OTHER_ID, name="Taken", endpoint="https://other.xks.example.com"),
                 "CustomKeyStoreNameInUseException", id="name"),
    pytest.param({}, s.store(store_id=s.OTHER_ID, name="Other", endpoint=s.NEW_PUBLIC_ENDPOINT), "XksProxyUriInUseException", id="endpoint-and-path"),
    pytest.param({}, s.vpc_store(store_id=s.OTHER_ID, name="Other", endpoint=s.NEW_PUBLIC_ENDPOINT, path=s.PLAIN_PATH),
                 "XksProxyUriEndpointInUseException", id="endpoint-of-a-vpc-store"),
]


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("extra, holder, code", CONFLICTS)
def test_an_edit_kms_would_refuse_is_refused_before_the_disconnect(run_module, preflight_proxy, check_mode, extra, holder, code):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store(), holder, *s.neighbours())

    result = run_module(main, dict(MOVE, **extra), check_mode=check_mode)

    assert result["failed"] is True
    assert s.mutating_calls(run_module) == []
    assert result["changed"] is False and result["actions"] == []
    assert code in result["msg"] and s.OTHER_ID in result["msg"]
    assert result["preflight"] == {"outcome": "refused", "message": result["msg"]}
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert preflight_proxy.calls == []


def test_a_vpc_endpoint_service_in_use_is_refused_before_the_disconnect(run_module):
    before = s.vpc_store(owner=s.OWNER)
    holder = s.vpc_store(store_id=s.OTHER_ID, name="Other", endpoint="https://other-private.xks.example.com", service_name=s.OTHER_VPC_SERVICE)
    s.expect_lookup(run_module, before)
    s.expect_account_stores(run_module, before, holder)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_vpc_endpoint_service_name": s.OTHER_VPC_SERVICE, "preflight": "never"})

    assert result["failed"] is True
    assert "XksProxyVpcEndpointServiceInUseException" in result["msg"] and s.OTHER_ID in result["msg"]
    assert s.mutating_calls(run_module) == []


def test_an_online_edit_makes_no_uniqueness_check(run_module):
    """No outage at stake: KMS's own refusal costs nothing, so no extra read."""
    s.expect_lookup(run_module, s.store())
    s.expect_update(run_module, NewCustomKeyStoreName="New")
    s.expect_read_back(run_module, s.store(name="New"))

    result = run_module(main, {"id": s.STORE_ID, "name": "New"})

    assert run_module.operations == ["DescribeCustomKeyStores", "UpdateCustomKeyStore", "DescribeCustomKeyStores"]
    assert "preflight" not in result


# -- the preflight verdict ---------------------------------------------------------------------

@pytest.mark.parametrize("mode, outcome, answer, expected", [
    pytest.param("auto", pc.HEALTHY, None, "ok", id="ok"),
    pytest.param("auto", pc.UNREACHABLE, "Cannot reach the proxy at %s" % s.NEW_PUBLIC_ENDPOINT, "warned", id="warned"),
    pytest.param("never", pc.HEALTHY, None, "skipped", id="skipped"),
])
def test_the_result_carries_the_preflight_verdict(run_module, preflight_proxy, clock, mode, outcome, answer, expected):
    if answer:
        preflight_proxy.answer(outcome)
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    if expected == "ok":
        s.expect_no_kms_keys(run_module)  # a healthy proxy: the preflight looks for the store's external keys next
    s.expect_disconnect(run_module, s.store())
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_connect(run_module, MOVED)

    result = run_module(main, dict(MOVE, preflight=mode))

    assert result["preflight"]["outcome"] == expected
    assert result["preflight"]["message"]
    if answer:
        assert answer in result["preflight"]["message"]


def test_a_definite_no_from_the_proxy_is_the_refused_verdict(run_module, preflight_proxy):
    preflight_proxy.answer(pc.CREDENTIAL_REJECTED)
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())

    result = run_module(main, MOVE)

    assert result["failed"] is True
    assert result["preflight"] == {"outcome": "refused", "message": result["msg"]}
    assert s.mutating_calls(run_module) == []


# -- timeline and outage -----------------------------------------------------------------------

def test_an_offline_edit_returns_its_timeline_and_outage(run_module, clock):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    s.expect_disconnect(run_module, s.store())
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_connect(run_module, MOVED)

    result = run_module(main, dict(MOVE, preflight="never"))

    timeline = result["timeline"]
    assert [entry["state"] for entry in timeline] == ["CONNECTED", "DISCONNECTING", "DISCONNECTED", "CONNECTING", "CONNECTED"]
    elapsed = [entry["elapsed_seconds"] for entry in timeline]
    assert elapsed == sorted(elapsed) and elapsed[-1] > 0
    # Each poll sleeps first: each wait's two polls follow the schedule's first two sleeps (fixed, no jitter).
    two_polls = poll_sleep(0.0) + poll_sleep(poll_sleep(0.0))
    assert elapsed[2] - elapsed[1] == two_polls and elapsed[4] - elapsed[3] == two_polls
    started = datetime.datetime.strptime(timeline[0]["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ended = datetime.datetime.strptime(timeline[-1]["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert (ended - started).total_seconds() == pytest.approx(elapsed[-1] - elapsed[0], abs=0.002)
    assert result["outage_seconds"] == pytest.approx(elapsed[4] - elapsed[1])
    assert result["outage_seconds"] >= 6.0


def test_an_online_edit_has_no_outage(run_module):
    s.expect_lookup(run_module, s.store())
    s.expect_update(run_module, XksProxyUriPath=s.PLAIN_PATH)
    s.expect_read_back(run_module, s.store(path=s.PLAIN_PATH))

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_path": s.PLAIN_PATH})

    assert result["outage_seconds"] == 0.0
    assert [entry["state"] for entry in result["timeline"]] == ["CONNECTED"]


def test_a_store_that_was_not_connected_reports_no_outage(run_module):
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    s.expect_connect(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, "connection_state": "connected"})

    assert "outage_seconds" not in result
    assert [entry["state"] for entry in result["timeline"]] == ["DISCONNECTED", "CONNECTING", "CONNECTED"]


# -- an edit interrupted while DISCONNECTING ---------------------------------------------------

def test_a_wait_that_runs_out_while_disconnecting_says_how_to_end_the_outage(run_module, clock):
    disconnecting = s.in_state(s.store(), "DISCONNECTING")
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    run_module.expect("disconnect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, disconnecting, disconnecting)

    result = run_module(main, dict(MOVE, preflight="never", wait_timeout=3))

    assert result["failed"] is True
    assert "It was CONNECTED before this task" in result["msg"]
    assert "connection_state=connected" in result["msg"]
    assert "it is DISCONNECTING" in result["msg"]
    assert result["actions"] == ["disconnect"]
    assert unusable_warnings(result)
    assert result["outage_seconds"] >= 3.0


def test_the_rerun_of_an_interrupted_edit_warns_that_the_store_stays_disconnected(run_module):
    """The rerun finds the store DISCONNECTED and applies the edit: KMS is left as it is, but not silently."""
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_read_back(run_module, s.in_state(MOVED, "DISCONNECTED"))

    result = run_module(main, MOVE)

    assert result["actions"] == ["update"]
    assert [warning for warning in unusable_warnings(result) if "connection_state=connected" in warning]


@pytest.mark.parametrize("connection_state, warned", [(None, True), ("disconnected", False)])
def test_a_disconnected_store_is_named_unless_disconnected_was_asked_for(run_module, connection_state, warned):
    s.expect_lookup(run_module, s.store("DISCONNECTED"))
    args = {"id": s.STORE_ID}
    if connection_state:
        args["connection_state"] = connection_state

    result = run_module(main, args)

    assert result["changed"] is False
    assert bool(unusable_warnings(result)) is warned


# -- wait: false -----------------------------------------------------------------------------

def test_an_offline_edit_without_wait_still_waits_for_disconnected_before_the_update(run_module):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    s.expect_disconnect(run_module, s.store())  # DISCONNECTING, then DISCONNECTED: only then the update
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    run_module.expect("connect_custom_key_store", {}, s.BY_ID)
    s.expect_polls(run_module, s.in_state(MOVED, "CONNECTING"))

    result = run_module(main, dict(MOVE, preflight="never", wait=False))

    assert result["actions"] == ["disconnect", "update", "connect"]
    operations = run_module.operations
    assert operations.index("UpdateCustomKeyStore") == operations.index("DisconnectCustomKeyStore") + 3
    assert result["custom_key_store"]["connection_state"] == "CONNECTING"


# -- two runs at once on one store -------------------------------------------------------------

def test_a_disconnect_that_finds_the_store_already_disconnecting_goes_on(run_module):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    run_module.expect_error("disconnect_custom_key_store", "CustomKeyStoreInvalidStateException", "Custom key store is already DISCONNECTING")
    s.expect_polls(run_module, s.in_state(s.store(), "DISCONNECTING"), s.in_state(s.store(), "DISCONNECTED"))
    s.expect_update(run_module, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_connect(run_module, MOVED)

    result = run_module(main, dict(MOVE, preflight="never"))

    assert "failed" not in result
    assert result["actions"] == ["disconnect", "update", "connect"]
    assert result["custom_key_store"] == s.returned(MOVED)


def test_an_update_refused_while_another_run_reconnects_settles_and_plans_again(run_module):
    rotated = s.store(access_key_id=s.NEW_ACCESS_KEY_ID)
    s.expect_lookup(run_module, s.store())
    run_module.expect_error("update_custom_key_store", "CustomKeyStoreInvalidStateException", "Custom key store is CONNECTING")
    s.expect_polls(run_module, s.in_state(s.store(), "CONNECTING"), s.store())  # what is it doing; then settled
    s.expect_update(run_module, XksProxyAuthenticationCredential=s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET))
    s.expect_read_back(run_module, rotated)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_authentication_credential": s.credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)})

    assert "failed" not in result
    assert result["actions"] == ["update"]
    assert run_module.operations.count("UpdateCustomKeyStore") == 2
    assert result["custom_key_store"] == s.returned(rotated)
    s.assert_no_secret(result)


def test_a_second_refusal_is_reported_not_retried_again(run_module):
    s.expect_lookup(run_module, s.store())
    run_module.expect_error("update_custom_key_store", "CustomKeyStoreInvalidStateException", "CONNECTING")
    s.expect_polls(run_module, s.in_state(s.store(), "CONNECTING"), s.store())
    run_module.expect_error("update_custom_key_store", "CustomKeyStoreInvalidStateException", "CONNECTING")
    s.expect_polls(run_module, s.in_state(s.store(), "CONNECTING"))

    result = run_module(main, {"id": s.STORE_ID, "name": "New"})

    assert result["failed"] is True
    assert result["error_code"] == "CustomKeyStoreInvalidStateException"
    assert run_module.operations.count("UpdateCustomKeyStore") == 2


def test_a_rename_replaced_by_a_concurrent_one_reports_what_kms_has(run_module):
    s.expect_lookup(run_module, s.store())
    s.expect_update(run_module, NewCustomKeyStoreName="Mine")
    s.expect_read_back(run_module, s.store(name="Theirs"))

    result = run_module(main, {"id": s.STORE_ID, "name": "Mine"})

    assert result["custom_key_store"]["custom_key_store_name"] == "Theirs"
    assert any("last-writer-wins" in warning and "name" in warning for warning in s.warnings_of(result))

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retries: KMS throttling and internal errors on any call are retried with a backoff and the run
succeeds; other errors are not retried and fail the run with their code."""

import pytest

from ansible_collections.kms.xks.plugins.module_utils._api import waiter as _waiter
from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

RETRYABLE = [pytest.param("ThrottlingException", 400, id="throttling"), pytest.param("KMSInternalException", 500, id="internal")]


def offline_edit_steps():
    before, after = s.store(), s.store(endpoint=s.NEW_PUBLIC_ENDPOINT)
    return [
        ("describe_custom_key_stores", s.described(before), s.BY_ID),
        ("describe_custom_key_stores", s.described(before), {}),  # the uniqueness check before the outage
        ("disconnect_custom_key_store", {}, s.BY_ID),
        ("describe_custom_key_stores", s.described(s.in_state(before, "DISCONNECTED")), s.BY_ID),
        ("update_custom_key_store", {}, dict(s.BY_ID, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)),
        ("connect_custom_key_store", {}, s.BY_ID),
        ("describe_custom_key_stores", s.described(after), s.BY_ID),
    ]


def create_steps():
    return [
        ("describe_custom_key_stores", s.described(), {"CustomKeyStoreName": s.STORE_NAME}),
        ("create_custom_key_store", {"CustomKeyStoreId": s.STORE_ID}, None),
        ("describe_custom_key_stores", s.described(s.store("DISCONNECTED")), s.BY_ID),
    ]


def delete_steps():
    return [
        ("describe_custom_key_stores", s.described(s.store("DISCONNECTED")), {"CustomKeyStoreName": s.STORE_NAME}),
        s.NO_KMS_KEYS_STEP,
        ("delete_custom_key_store", {}, s.BY_ID),
    ]


EDIT = {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "preflight": "never"}
# (steps, args, actions, waits for a connection state: each sleeps the waiter's first delay before its poll)
FLOWS = {
    "edit": (offline_edit_steps, EDIT, ["disconnect", "update", "connect"], 2),
    "create": (create_steps, s.create_args(), ["create"], 0),
    "delete": (delete_steps, {"name": s.STORE_NAME, "state": "absent"}, ["delete"], 0),
}
# (flow, index of the step that fails once)
FAULTS = [
    pytest.param("edit", 0, id="DescribeCustomKeyStores-lookup"),
    pytest.param("edit", 1, id="DescribeCustomKeyStores-all"),
    pytest.param("edit", 2, id="DisconnectCustomKeyStore"),
    pytest.param("edit", 3, id="DescribeCustomKeyStores-poll"),
    pytest.param("edit", 4, id="UpdateCustomKeyStore"),
    pytest.param("edit", 5, id="ConnectCustomKeyStore"),
    pytest.param("create", 1, id="CreateCustomKeyStore"),
    pytest.param("delete", 1, id="ListKeys"),
    pytest.param("delete", 2, id="DeleteCustomKeyStore"),
]


def queue(run, steps, fail_at=None, code=None, status=None):
    for index, (operation, response, params) in enumerate(steps):
        if index == fail_at:
            run.expect_error(operation, code, "try again", http_status=status, expected_params=params)
        run.expect(operation, response, params)


@pytest.mark.parametrize("flow, fail_at", FAULTS)
@pytest.mark.parametrize("code, status", RETRYABLE)
def test_a_retryable_error_is_retried_and_the_run_succeeds(run_module, flow, fail_at, code, status):
    steps, args, actions, waits = FLOWS[flow]
    steps = steps()
    queue(run_module, steps, fail_at, code, status)

    result = run_module(main, args)

    assert "failed" not in result, result["msg"]
    assert result["changed"] is True
    assert result["actions"] == actions
    failing = run_module.operations[fail_at]
    assert run_module.operations[fail_at:fail_at + 2] == [failing, failing]
    assert len(run_module.operations) == len(steps) + 1
    # One backoff sleep (jittered, at most one second) besides the waiter's first sleeps; the polls found their state at once.
    assert len(run_module.sleeps) == waits + 1
    first_poll = _waiter.POLL_SCHEDULE[0][1]
    assert run_module.sleeps.count(first_poll) == waits and all(0 <= sleep <= 1 for sleep in run_module.sleeps if sleep != first_poll)


@pytest.mark.parametrize("code", ["AccessDeniedException", "ValidationException", "KMSInvalidStateException"])
def test_a_lookup_error_that_is_not_retryable_fails_at_once(run_module, code):
    run_module.expect_error("describe_custom_key_stores", code, "no", expected_params=s.BY_ID)

    result = run_module(main, {"id": s.STORE_ID})

    assert result["failed"] is True
    assert result["error_code"] == code
    assert result["changed"] is False and result["actions"] == []
    assert code in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores"]
    assert run_module.sleeps == []


def test_a_disconnect_refused_stops_the_edit_before_anything_changed(run_module):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    run_module.expect_error("disconnect_custom_key_store", "AccessDeniedException", "not allowed", expected_params=s.BY_ID)

    result = run_module(main, EDIT)

    assert result["failed"] is True
    assert result["error_code"] == "AccessDeniedException"
    assert result["changed"] is False and result["actions"] == []
    assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores", "DisconnectCustomKeyStore"]


def test_an_update_error_that_is_not_retryable_is_sent_once(run_module):
    s.expect_lookup(run_module, s.store())
    run_module.expect_error("update_custom_key_store", "CustomKeyStoreInvalidStateException", "wrong state")
    s.expect_polls(run_module, s.store(), s.store())  # is another run moving it? (no: CONNECTED), then the state to report

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_path": s.PLAIN_PATH})

    assert result["failed"] is True
    assert result["error_code"] == "CustomKeyStoreInvalidStateException"
    assert run_module.operations.count("UpdateCustomKeyStore") == 1
    assert run_module.sleeps == []

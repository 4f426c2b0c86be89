# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_key state=absent schedules the key's deletion (pending_window 7-30, checked before any call);
state=present on a key pending deletion cancels it, and enables it when enabled."""

import datetime

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_key import main
from ansible_collections.kms.xks.tests.unit import keys as k


def test_absent_schedules_the_deletion_with_the_window(run_module):
    k.expect_describe(run_module, k.metadata())
    run_module.expect("schedule_key_deletion", {"KeyId": k.arn(), "DeletionDate": k.DELETION, "KeyState": "PendingDeletion", "PendingWindowInDays": 7},
                      {"KeyId": k.KEY_ID, "PendingWindowInDays": 7})

    result = run_module(main, {"alias": "payments", "state": "absent", "pending_window": 7}, diff=True)

    assert result["changed"] is True and result["actions"] == ["schedule_deletion"]
    assert result["key"]["key_state"] == "PendingDeletion"
    assert result["key"]["deletion_date"] == k.DELETION.isoformat()
    assert result["diff"]["before"]["key_state"] == "Enabled"


def test_absent_defaults_to_thirty_days_and_predicts_the_date_in_check_mode(run_module):
    k.expect_describe(run_module, k.metadata())

    result = run_module(main, {"alias": "payments", "state": "absent"}, check_mode=True)

    assert result["actions"] == ["schedule_deletion"] and k.mutating_calls(run_module) == []
    predicted = datetime.datetime.fromisoformat(result["key"]["deletion_date"])
    expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    assert abs((predicted - expected).total_seconds()) < 60


@pytest.mark.parametrize("entry", [None, k.metadata("PendingDeletion")], ids=["no-key", "already-pending"])
def test_absent_is_a_no_op_when_nothing_is_left_to_do(run_module, entry):
    k.expect_describe(run_module, entry)

    result = run_module(main, {"alias": "payments", "state": "absent"})

    assert result["changed"] is False and run_module.operations == ["DescribeKey"]


@pytest.mark.parametrize("days", [6, 31, 365])
def test_pending_window_is_checked_before_any_call(run_module, days):
    result = run_module(main, {"alias": "payments", "state": "absent", "pending_window": days})

    assert result["failed"] is True and "pending_window must be 7 to 30 days, got %d" % days in result["msg"]
    assert run_module.operations == []


@pytest.mark.parametrize("enabled,actions,state", [(True, ["cancel_deletion", "enable"], "Enabled"), (False, ["cancel_deletion"], "Disabled")])
def test_present_cancels_a_pending_deletion(run_module, enabled, actions, state):
    k.expect_describe(run_module, k.metadata("PendingDeletion"))
    run_module.expect("cancel_key_deletion", {"KeyId": k.arn()}, {"KeyId": k.KEY_ID})
    if enabled:
        run_module.expect("enable_key", {}, {"KeyId": k.KEY_ID})

    result = run_module(main, {"alias": "payments", "enabled": enabled})

    assert result["actions"] == actions
    assert result["key"]["key_state"] == state and "deletion_date" not in result["key"]

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retiring a store with xks_keystore state=absent: its KMS keys are found first (ListKeys + DescribeKey);
with keys and without schedule_key_deletion the store is refused before any disconnect, naming them; with
it, each key's deletion is scheduled and reported, nothing else changes; a later run, once the keys are
gone, disconnects and deletes the store."""

import datetime

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

ELSEWHERE = "5555abcd-12ab-34cd-56ef-1234567890ab"
RETIRE = {"name": s.STORE_NAME, "state": "absent"}


def expect_store_keys(run):
    """The account's keys: two in the store (one Enabled with an alias, one already PendingDeletion), one in another store."""
    run.expect("list_keys", {"Keys": [{"KeyId": key_id, "KeyArn": k.arn(key_id)} for key_id in (k.KEY_ID, k.OTHER_KEY_ID, ELSEWHERE)],
                             "Truncated": False}, {})
    run.expect("describe_key", {"KeyMetadata": k.metadata()}, {"KeyId": k.KEY_ID})
    run.expect("describe_key", {"KeyMetadata": k.metadata("PendingDeletion", key_id=k.OTHER_KEY_ID, xks_key_id="xks-key-2")}, {"KeyId": k.OTHER_KEY_ID})
    run.expect("describe_key", {"KeyMetadata": k.metadata(key_id=ELSEWHERE, store_id=s.OTHER_ID)}, {"KeyId": ELSEWHERE})
    run.expect("list_aliases", {"Aliases": [{"AliasName": k.ALIAS, "TargetKeyId": k.KEY_ID}], "Truncated": False}, {})


def test_a_store_with_keys_is_refused_before_any_disconnect_naming_the_keys(run_module):
    s.expect_lookup(run_module, s.store(), by_name=s.STORE_NAME)
    expect_store_keys(run_module)

    result = run_module(main, RETIRE)

    assert result["failed"] is True
    assert "still holds 2 KMS key(s)" in result["msg"]
    assert "%s (aliases %s; Enabled)" % (k.KEY_ID, k.ALIAS) in result["msg"]
    assert "%s (no alias; PendingDeletion)" % k.OTHER_KEY_ID in result["msg"]
    assert ELSEWHERE not in result["msg"]
    assert "schedule_key_deletion=true" in result["msg"]
    assert s.mutating_calls(run_module) == [] and "ScheduleKeyDeletion" not in run_module.operations
    assert result["changed"] is False


def test_schedule_key_deletion_schedules_each_key_and_leaves_the_store(run_module):
    s.expect_lookup(run_module, s.store(), by_name=s.STORE_NAME)
    expect_store_keys(run_module)
    run_module.expect("schedule_key_deletion", {"KeyId": k.arn(), "DeletionDate": k.DELETION, "KeyState": "PendingDeletion", "PendingWindowInDays": 7},
                      {"KeyId": k.KEY_ID, "PendingWindowInDays": 7})

    result = run_module(main, dict(RETIRE, schedule_key_deletion=True, pending_window=7))

    assert result["changed"] is True
    assert result["actions"] == ["schedule_key_deletion"]
    assert s.mutating_calls(run_module) == []  # no disconnect, no delete
    assert [(key["key_id"], key["key_state"], key["deletion_date"]) for key in result["keys"]] == [
        (k.KEY_ID, "PendingDeletion", k.DELETION.isoformat()),
        (k.OTHER_KEY_ID, "PendingDeletion", k.DELETION.isoformat()),
    ]
    assert result["keys"][0]["aliases"] == [k.ALIAS] and result["keys"][0]["xks_key_id"] == k.XKS_KEY_ID
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert any("Run again once KMS has deleted them" in warning for warning in s.warnings_of(result))


def test_check_mode_predicts_the_schedule(run_module):
    s.expect_lookup(run_module, s.store(), by_name=s.STORE_NAME)
    expect_store_keys(run_module)

    result = run_module(main, dict(RETIRE, schedule_key_deletion=True), check_mode=True)

    assert result["actions"] == ["schedule_key_deletion"] and "ScheduleKeyDeletion" not in run_module.operations
    predicted = datetime.datetime.fromisoformat(result["keys"][0]["deletion_date"])
    assert abs((predicted - datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=30)).total_seconds()) < 60


def test_keys_already_pending_deletion_change_nothing(run_module):
    s.expect_lookup(run_module, s.store(), by_name=s.STORE_NAME)
    run_module.expect("list_keys", {"Keys": [{"KeyId": k.OTHER_KEY_ID, "KeyArn": k.arn(k.OTHER_KEY_ID)}], "Truncated": False}, {})
    run_module.expect("describe_key", {"KeyMetadata": k.metadata("PendingDeletion", key_id=k.OTHER_KEY_ID)}, {"KeyId": k.OTHER_KEY_ID})
    run_module.expect("list_aliases", {"Aliases": [], "Truncated": False}, {})

    result = run_module(main, dict(RETIRE, schedule_key_deletion=True))

    assert result["changed"] is False and result["actions"] == []
    assert result["keys"][0]["deletion_date"] == k.DELETION.isoformat()


def test_once_the_keys_are_gone_a_later_run_disconnects_and_deletes(run_module):
    entry = s.store()
    s.expect_lookup(run_module, entry, by_name=s.STORE_NAME)
    run_module.expect("list_keys", {"Keys": [{"KeyId": ELSEWHERE, "KeyArn": k.arn(ELSEWHERE)}], "Truncated": False}, {})
    run_module.expect("describe_key", {"KeyMetadata": k.metadata(key_id=ELSEWHERE, store_id=s.OTHER_ID)}, {"KeyId": ELSEWHERE})
    s.expect_disconnect(run_module, entry)
    run_module.expect("delete_custom_key_store", {}, s.BY_ID)

    result = run_module(main, dict(RETIRE, schedule_key_deletion=True))

    assert result["actions"] == ["disconnect", "delete"] and "keys" not in result


@pytest.mark.parametrize("days", [1, 6, 31])
def test_pending_window_is_checked_before_any_call(run_module, days):
    result = run_module(main, dict(RETIRE, schedule_key_deletion=True, pending_window=days))

    assert result["failed"] is True and "pending_window must be 7 to 30 days, got %d" % days in result["msg"]
    assert run_module.operations == []

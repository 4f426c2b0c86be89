# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_key on an existing key: a no-op is one DescribeKey (plus the reads the task's options need),
each edit one call, create-only properties refused before any change, Unavailable reported with the
store's state and never waited on, diff before/after."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_key import main
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

TASK = {"alias": "payments", "custom_key_store_id": s.STORE_ID, "xks_key_id": k.XKS_KEY_ID, "xks_proxy_authentication_credential": s.credential()}


def test_a_run_that_changes_nothing_makes_one_call(run_module):
    k.expect_describe(run_module, k.metadata())

    result = run_module(main, TASK)

    assert result["changed"] is False and result["actions"] == []
    assert run_module.operations == ["DescribeKey"]
    assert result["key"]["key_id"] == k.KEY_ID and result["key"]["aliases"] == [k.ALIAS]
    assert s.SECRET not in result["_stdout"]


def test_tags_and_policy_are_read_only_when_the_task_gives_them(run_module):
    k.expect_describe(run_module, k.metadata(description="Payments"))
    k.expect_tags(run_module, {"team": "payments"})
    k.expect_policy(run_module, k.POLICY)

    # The same policy with its members in another order is no change (compare_policies).
    reordered = (
        '{"Statement": [{"Resource": "*", "Action": "kms:*", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
        '"Effect": "Allow", "Sid": "Enable IAM"}], "Version": "2012-10-17"}'
    )
    result = run_module(main, dict(TASK, description="Payments", tags={"team": "payments"}, policy=reordered))

    assert result["changed"] is False
    assert run_module.operations == ["DescribeKey", "ListResourceTags", "GetKeyPolicy"]
    assert result["key"]["tags"] == {"team": "payments"} and result["key"]["policy"] == k.POLICY


def test_each_edit_is_one_call(run_module):
    k.expect_describe(run_module, k.metadata(description="old"))
    k.expect_tags(run_module, {"team": "payments", "stale": "yes"})
    k.expect_policy(run_module, k.POLICY)
    run_module.expect("update_key_description", {}, {"KeyId": k.KEY_ID, "Description": "new"})
    run_module.expect("tag_resource", {}, {"KeyId": k.KEY_ID, "Tags": [{"TagKey": "cost", "TagValue": "42"}]})
    run_module.expect("untag_resource", {}, {"KeyId": k.KEY_ID, "TagKeys": ["stale"]})
    run_module.expect("put_key_policy", {}, {"KeyId": k.KEY_ID, "PolicyName": "default", "Policy": k.OTHER_POLICY})

    result = run_module(main, dict(TASK, description="new", tags={"team": "payments", "cost": "42"}, policy=k.OTHER_POLICY), diff=True)

    assert result["actions"] == ["update_description", "tag", "untag", "put_policy"]
    assert result["diff"]["before"]["description"] == "old" and result["diff"]["after"]["description"] == "new"
    assert result["diff"]["before"]["tags"] == {"team": "payments", "stale": "yes"}
    assert result["key"]["tags"] == {"team": "payments", "cost": "42"}
    assert result["key"]["policy"] == k.OTHER_POLICY


def test_purge_tags_false_keeps_the_other_tags(run_module):
    k.expect_describe(run_module, k.metadata())
    k.expect_tags(run_module, {"stale": "yes"})
    run_module.expect("tag_resource", {}, {"KeyId": k.KEY_ID, "Tags": [{"TagKey": "cost", "TagValue": "42"}]})

    result = run_module(main, dict(TASK, tags={"cost": "42"}, purge_tags=False))

    assert result["actions"] == ["tag"] and result["key"]["tags"] == {"stale": "yes", "cost": "42"}


def test_check_mode_edits_nothing_and_predicts(run_module):
    k.expect_describe(run_module, k.metadata(description="old"))
    k.expect_tags(run_module, {})

    result = run_module(main, dict(TASK, description="new", tags={"a": "b"}, enabled=False), check_mode=True, diff=True)

    assert result["changed"] is True and result["actions"] == ["disable", "update_description", "tag"]
    assert k.mutating_calls(run_module) == []
    assert (result["key"]["key_state"], result["key"]["description"], result["key"]["tags"]) == ("Disabled", "new", {"a": "b"})
    assert result["diff"]["before"]["key_state"] == "Enabled"


@pytest.mark.parametrize("state,enabled,action,operation", [
    ("Enabled", False, "disable", "disable_key"),
    ("Disabled", True, "enable", "enable_key"),
])
def test_enabled_is_one_call(run_module, state, enabled, action, operation):
    k.expect_describe(run_module, k.metadata(state))
    run_module.expect(operation, {}, {"KeyId": k.KEY_ID})

    result = run_module(main, dict(TASK, enabled=enabled))

    assert result["actions"] == [action]
    assert result["key"]["enabled"] is enabled


def test_by_key_id_an_alias_is_added_when_missing(run_module):
    k.expect_describe(run_module, k.metadata(), key=k.KEY_ID)
    run_module.expect("list_aliases", {"Aliases": [{"AliasName": "alias/other", "TargetKeyId": k.KEY_ID}], "Truncated": False}, {"KeyId": k.KEY_ID})
    k.expect_alias(run_module)

    result = run_module(main, {"key_id": k.KEY_ID, "alias": "payments"})

    assert result["actions"] == ["create_alias"]
    assert result["key"]["aliases"] == ["alias/other", k.ALIAS]


@pytest.mark.parametrize("change,message", [
    ({"xks_key_id": "another-external-key"}, "bound to the external key '%s' for life; xks_key_id 'another-external-key'" % k.XKS_KEY_ID),
    ({"custom_key_store_id": s.OTHER_ID}, "is in external key store %s; custom_key_store_id names %s" % (s.STORE_ID, s.OTHER_ID)),
])
def test_create_only_properties_are_refused_before_any_change_naming_both_values(run_module, change, message):
    k.expect_describe(run_module, k.metadata())

    result = run_module(main, dict(TASK, description="would change", **change))

    assert result["failed"] is True
    assert message in result["msg"] and "Nothing was changed" in result["msg"]
    assert run_module.operations == ["DescribeKey"]


def test_a_store_named_differently_is_refused(run_module):
    k.expect_describe(run_module, k.metadata())
    k.expect_store(run_module, s.store(store_id=s.OTHER_ID, name="Elsewhere"), by_name="Elsewhere")
    args = dict(TASK, custom_key_store_name="Elsewhere")
    del args["custom_key_store_id"]

    result = run_module(main, args)

    assert result["failed"] is True
    assert "custom_key_store_name names %s" % s.OTHER_ID in result["msg"]


def test_a_key_that_is_not_in_an_external_key_store_is_refused(run_module):
    k.expect_describe(run_module, k.metadata(origin="AWS_KMS"))

    result = run_module(main, {"alias": "payments"})

    assert result["failed"] is True and "has origin AWS_KMS, not EXTERNAL_KEY_STORE" in result["msg"]


def test_an_unavailable_key_is_reported_with_the_store_state_and_not_waited_on(run_module, clock):
    k.expect_describe(run_module, k.metadata("Unavailable"))
    k.expect_store(run_module, s.store("DISCONNECTED"))
    run_module.expect("update_key_description", {}, {"KeyId": k.KEY_ID, "Description": "still editable"})

    result = run_module(main, dict(TASK, description="still editable"))

    assert result["actions"] == ["update_description"]  # no enable: KMS hides the state while the store is disconnected
    assert result["key"]["key_state"] == "Unavailable"
    warnings = s.warnings_of(result)
    assert any("KMS key %s is Unavailable: its external key store %s is DISCONNECTED" % (k.KEY_ID, s.STORE_ID) in w for w in warnings)
    assert run_module.sleeps == [] and clock.sleeps == []


def test_a_failed_edit_reports_what_was_done(run_module):
    k.expect_describe(run_module, k.metadata("Disabled", description="old"))
    run_module.expect("enable_key", {}, {"KeyId": k.KEY_ID})
    run_module.expect_error("update_key_description", "AccessDeniedException", "not authorized", expected_params={"KeyId": k.KEY_ID, "Description": "new"})

    result = run_module(main, dict(TASK, description="new"))

    assert result["failed"] is True and result["changed"] is True
    assert result["actions"] == ["enable"]
    assert "Failed to update key description" in result["msg"] and result["error_code"] == "AccessDeniedException"

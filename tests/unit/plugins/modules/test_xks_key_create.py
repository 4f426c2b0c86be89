# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_key creates a KMS key in a CONNECTED external key store: DescribeKey (none), the store, CreateKey
with the fixed XKS parameters, then the alias; check mode predicts it; a store that is not CONNECTED and
an external key that another KMS key holds are refused with what a user needs to act."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_key import main
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

CREATE = {"alias": "payments", "custom_key_store_id": s.STORE_ID, "xks_key_id": k.XKS_KEY_ID, "preflight": "never"}


def test_create_sends_one_create_key_with_the_fixed_xks_parameters_then_the_alias(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())
    k.expect_create(run_module, Description="Payments", Tags=[{"TagKey": "team", "TagValue": "payments"}], Policy=k.POLICY)
    k.expect_alias(run_module)

    result = run_module(main, dict(CREATE, description="Payments", tags={"team": "payments"}, policy=k.POLICY))

    assert result["changed"] is True
    assert result["actions"] == ["create", "create_alias"]
    assert run_module.operations == ["DescribeKey", "DescribeCustomKeyStores", "CreateKey", "CreateAlias"]
    key = result["key"]
    assert (key["key_id"], key["origin"], key["key_state"]) == (k.KEY_ID, "EXTERNAL_KEY_STORE", "Enabled")
    assert key["xks_key_configuration"] == {"id": k.XKS_KEY_ID}
    assert key["aliases"] == [k.ALIAS]
    assert key["tags"] == {"team": "payments"}
    assert key["policy"] == k.POLICY


def test_the_store_can_be_named(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(), by_name=s.STORE_NAME)
    k.expect_create(run_module)
    k.expect_alias(run_module)

    args = dict(CREATE, custom_key_store_name=s.STORE_NAME)
    del args["custom_key_store_id"]
    result = run_module(main, args)

    assert result["changed"] is True and result["key"]["custom_key_store_id"] == s.STORE_ID


def test_enabled_false_creates_then_disables(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())
    k.expect_create(run_module)
    run_module.expect("disable_key", {}, {"KeyId": k.KEY_ID})
    k.expect_alias(run_module)

    result = run_module(main, dict(CREATE, enabled=False))

    assert result["actions"] == ["create", "disable", "create_alias"]
    assert (result["key"]["key_state"], result["key"]["enabled"]) == ("Disabled", False)


def test_check_mode_predicts_the_key_and_changes_nothing(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())

    result = run_module(main, dict(CREATE, description="Payments", tags={"team": "payments"}), check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["actions"] == ["create", "create_alias"]
    assert k.mutating_calls(run_module) == []
    key = result["key"]
    assert "key_id" not in key
    assert (key["key_state"], key["description"], key["custom_key_store_id"]) == ("Enabled", "Payments", s.STORE_ID)
    assert (key["key_spec"], key["key_usage"], key["multi_region"]) == ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", False)
    assert key["aliases"] == [k.ALIAS] and key["tags"] == {"team": "payments"}
    assert result["diff"] == {"before": {}, "after": key}


@pytest.mark.parametrize("state,error_code", [("DISCONNECTED", None), ("FAILED", "INVALID_CREDENTIALS"), ("CONNECTING", None)])
def test_a_store_that_is_not_connected_is_refused_naming_its_state(run_module, state, error_code):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(state, error_code=error_code))

    result = run_module(main, CREATE)

    assert result["failed"] is True
    assert "External key store %s (%s) is %s" % (s.STORE_NAME, s.STORE_ID, state) in result["msg"]
    assert "CONNECTED" in result["msg"] and "connection_state=connected" in result["msg"]
    if error_code:
        assert "credential" in result["msg"].lower()  # the hint for INVALID_CREDENTIALS
    assert k.mutating_calls(run_module) == []


def test_a_missing_store_is_named(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, None)

    result = run_module(main, CREATE)

    assert result["failed"] is True
    assert "No custom key store with ID '%s'" % s.STORE_ID in result["msg"]


@pytest.mark.parametrize("missing,message", [
    ("xks_key_id", "xks_key_id is required to create"),
    ("custom_key_store_id", "custom_key_store_id or custom_key_store_name is required to create"),
])
def test_create_needs_a_store_and_an_external_key(run_module, missing, message):
    k.expect_describe(run_module, None)
    args = dict(CREATE)
    del args[missing]

    result = run_module(main, args)

    assert result["failed"] is True and message in result["msg"]
    assert run_module.operations == ["DescribeKey"]


def test_a_key_id_that_names_no_key_is_not_created(run_module):
    k.expect_describe(run_module, None, key=k.OTHER_KEY_ID)

    result = run_module(main, dict(CREATE, key_id=k.OTHER_KEY_ID))

    assert result["failed"] is True and "key_id %r names no existing KMS key" % k.OTHER_KEY_ID in result["msg"]


def test_an_external_key_in_use_names_the_kms_key_that_holds_it(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())
    run_module.expect_error("create_key", "XksKeyAlreadyInUseException", "The external key is already in use.", expected_params=k.create_params())
    run_module.expect("list_keys", {"Keys": [{"KeyId": k.KEY_ID, "KeyArn": k.arn()}, {"KeyId": k.OTHER_KEY_ID, "KeyArn": k.arn(k.OTHER_KEY_ID)}],
                                    "Truncated": True, "NextMarker": "m1"}, {})
    run_module.expect("list_keys", {"Keys": [{"KeyId": "5555abcd-12ab-34cd-56ef-1234567890ab", "KeyArn": k.arn("5555abcd-12ab-34cd-56ef-1234567890ab")}],
                                    "Truncated": False}, {"Marker": "m1"})
    # Another store's key with the same external key id, the holder, and a plain KMS key.
    run_module.expect("describe_key", {"KeyMetadata": k.metadata(store_id=s.OTHER_ID)}, {"KeyId": k.KEY_ID})
    run_module.expect("describe_key", {"KeyMetadata": k.metadata("Disabled", key_id=k.OTHER_KEY_ID)}, {"KeyId": k.OTHER_KEY_ID})
    run_module.expect("describe_key", {"KeyMetadata": k.metadata(key_id="5555abcd-12ab-34cd-56ef-1234567890ab", origin="AWS_KMS")},
                      {"KeyId": "5555abcd-12ab-34cd-56ef-1234567890ab"})
    run_module.expect("list_aliases", {"Aliases": [{"AliasName": "alias/old-payments", "TargetKeyId": k.OTHER_KEY_ID}], "Truncated": False},
                      {"KeyId": k.OTHER_KEY_ID})

    result = run_module(main, CREATE)

    assert result["failed"] is True
    assert result["error_code"] == "XksKeyAlreadyInUseException"
    assert "%s (aliases alias/old-payments; Disabled)" % k.OTHER_KEY_ID in result["msg"]
    assert k.KEY_ID not in result["msg"]
    assert "Nothing was created" in result["msg"]
    assert result["actions"] == [] and result["changed"] is False


def test_a_store_that_disconnects_during_create_is_reported_with_its_state(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())
    run_module.expect_error("create_key", "CustomKeyStoreInvalidStateException", "The custom key store is not connected.",
                            expected_params=k.create_params())
    k.expect_store(run_module, s.store("DISCONNECTING"))

    result = run_module(main, CREATE)

    assert result["failed"] is True
    assert "is now DISCONNECTING" in result["msg"]
    assert result["error_code"] == "CustomKeyStoreInvalidStateException"


def test_an_alias_that_fails_after_the_create_reports_the_create(run_module):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store())
    k.expect_create(run_module)
    run_module.expect_error("create_alias", "AlreadyExistsException", "An alias with the name alias/payments already exists",
                            expected_params={"AliasName": k.ALIAS, "TargetKeyId": k.KEY_ID})

    result = run_module(main, CREATE)

    assert result["failed"] is True
    assert result["changed"] is True and result["actions"] == ["create"]
    assert "alias" in result["msg"]

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_keystore_info keys=true: every KMS key of each store returned (id, ARN, aliases, xks_key_id,
key state, deletion date), from one ListKeys, a DescribeKey per key and one ListAliases."""

from ansible_collections.kms.xks.plugins.modules.xks_keystore_info import main
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

THIRD = "5555abcd-12ab-34cd-56ef-1234567890ab"
PLAIN = "7777abcd-12ab-34cd-56ef-1234567890ab"


def expect_account_keys(run):
    run.expect("list_keys", {"Keys": [{"KeyId": key_id, "KeyArn": k.arn(key_id)} for key_id in (k.KEY_ID, k.OTHER_KEY_ID)],
                             "Truncated": True, "NextMarker": "next"}, {})
    run.expect("list_keys", {"Keys": [{"KeyId": key_id, "KeyArn": k.arn(key_id)} for key_id in (THIRD, PLAIN)], "Truncated": False}, {"Marker": "next"})
    run.expect("describe_key", {"KeyMetadata": k.metadata()}, {"KeyId": k.KEY_ID})
    run.expect("describe_key", {"KeyMetadata": k.metadata("PendingDeletion", key_id=k.OTHER_KEY_ID, xks_key_id="xks-key-2")}, {"KeyId": k.OTHER_KEY_ID})
    run.expect("describe_key", {"KeyMetadata": k.metadata(key_id=THIRD, store_id=s.OTHER_ID)}, {"KeyId": THIRD})
    run.expect("describe_key", {"KeyMetadata": k.metadata(key_id=PLAIN, origin="AWS_KMS")}, {"KeyId": PLAIN})
    run.expect("list_aliases", {"Aliases": [
        {"AliasName": "alias/payments", "TargetKeyId": k.KEY_ID},
        {"AliasName": "alias/aws/s3"},  # an AWS managed alias with no target yet
        {"AliasName": "alias/billing", "TargetKeyId": k.KEY_ID},
    ], "Truncated": False}, {})


def test_keys_lists_each_stores_keys(run_module):
    run_module.expect("describe_custom_key_stores", s.described(s.store()), {"CustomKeyStoreId": s.STORE_ID})
    expect_account_keys(run_module)

    result = run_module(main, {"id": s.STORE_ID, "keys": True})

    (store,) = result["custom_key_stores"]
    assert store["keys"] == [
        {"key_id": k.KEY_ID, "arn": k.arn(), "aliases": ["alias/billing", "alias/payments"], "xks_key_id": k.XKS_KEY_ID, "key_state": "Enabled"},
        {"key_id": k.OTHER_KEY_ID, "arn": k.arn(k.OTHER_KEY_ID), "aliases": [], "xks_key_id": "xks-key-2", "key_state": "PendingDeletion",
         "deletion_date": k.DELETION.isoformat()},
    ]
    assert result["changed"] is False


def test_without_keys_no_key_is_read(run_module):
    run_module.expect("describe_custom_key_stores", s.described(s.store()), {"CustomKeyStoreId": s.STORE_ID})

    result = run_module(main, {"id": s.STORE_ID})

    assert "keys" not in result["custom_key_stores"][0]
    assert run_module.operations == ["DescribeCustomKeyStores"]


def test_no_store_reads_no_key(run_module):
    run_module.expect_error("describe_custom_key_stores", "CustomKeyStoreNotFoundException", "none", expected_params={"CustomKeyStoreId": s.STORE_ID})

    result = run_module(main, {"id": s.STORE_ID, "keys": True})

    assert result["custom_key_stores"] == [] and run_module.operations == ["DescribeCustomKeyStores"]

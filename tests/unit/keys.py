# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Builders for the xks_key unit tests: KeyMetadata of XKS keys as KMS reports them, and the KMS calls
xks_key makes, queued on the conftest ``run_module`` Stubber in order. Stores come from stores.py."""

import copy
import datetime

from ansible_collections.kms.xks.tests.unit import stores as s

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ID = "0987dcba-09fe-87dc-65ba-ab0987654321"
ACCOUNT = "111122223333"
XKS_KEY_ID = "bb8562717f809024"
ALIAS = "alias/payments"
CREATED = datetime.datetime(2026, 11, 29, 9, 0, 0, tzinfo=datetime.timezone.utc)
DELETION = datetime.datetime(2026, 12, 29, 9, 0, 0, tzinfo=datetime.timezone.utc)
POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM", "Effect": "Allow", '
    '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}'
)
OTHER_POLICY = POLICY.replace("kms:*", "kms:Describe*")


def arn(key_id=KEY_ID):
    return "arn:aws:kms:us-east-1:%s:key/%s" % (ACCOUNT, key_id)


def metadata(state="Enabled", key_id=KEY_ID, xks_key_id=XKS_KEY_ID, store_id=s.STORE_ID, description="", origin="EXTERNAL_KEY_STORE"):
    """DescribeKey's KeyMetadata of a key in an external key store (the Developer Guide's example, made consistent)."""
    entry = {
        "AWSAccountId": ACCOUNT, "KeyId": key_id, "Arn": arn(key_id), "CreationDate": CREATED, "Enabled": state == "Enabled",
        "Description": description, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": state, "Origin": origin, "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }
    if origin == "EXTERNAL_KEY_STORE":
        entry["CustomKeyStoreId"] = store_id
        entry["XksKeyConfiguration"] = {"Id": xks_key_id}
    if state == "PendingDeletion":
        entry["DeletionDate"] = DELETION
        entry["PendingDeletionWindowInDays"] = 30
    return entry


def in_state(entry, state):
    entry = copy.deepcopy(entry)
    entry["KeyState"], entry["Enabled"] = state, state == "Enabled"
    return entry


def expect_describe(run, entry, key=ALIAS):
    if entry is None:
        run.expect_error("describe_key", "NotFoundException", "Alias %s is not found." % key, expected_params={"KeyId": key})
    else:
        run.expect("describe_key", {"KeyMetadata": entry}, {"KeyId": key})


def expect_store(run, entry, by_name=None):
    s.expect_lookup(run, entry, by_name=by_name)


def expect_tags(run, tags, key_id=KEY_ID):
    run.expect("list_resource_tags", {"Tags": [{"TagKey": k, "TagValue": v} for k, v in tags.items()], "Truncated": False}, {"KeyId": key_id})


def expect_policy(run, policy, key_id=KEY_ID):
    run.expect("get_key_policy", {"Policy": policy, "PolicyName": "default"}, {"KeyId": key_id, "PolicyName": "default"})


def create_params(**extra):
    params = dict(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=s.STORE_ID, XksKeyId=XKS_KEY_ID, KeySpec="SYMMETRIC_DEFAULT",
                  KeyUsage="ENCRYPT_DECRYPT", MultiRegion=False)
    params.update(extra)
    return params


def expect_create(run, entry=None, **extra):
    run.expect("create_key", {"KeyMetadata": entry or metadata(description=extra.get("Description", ""))}, create_params(**extra))


def expect_alias(run, alias=ALIAS, key_id=KEY_ID):
    run.expect("create_alias", {}, {"AliasName": alias, "TargetKeyId": key_id})


MUTATING = ("CreateKey", "CreateAlias", "UpdateKeyDescription", "EnableKey", "DisableKey", "TagResource", "UntagResource",
            "PutKeyPolicy", "ScheduleKeyDeletion", "CancelKeyDeletion")


def mutating_calls(run):
    return [operation for operation in run.operations if operation in MUTATING]

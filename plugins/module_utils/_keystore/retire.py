# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retiring an external key store that still holds KMS keys: KMS deletes a store only once its keys are
gone, and says so only after the store was disconnected. So the keys are found first (ListKeys +
DescribeKey), and the store is either refused before any disconnect or has its keys' deletion scheduled."""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.kms.xks.plugins.module_utils._api.key import aliases_by_key
from ansible_collections.kms.xks.plugins.module_utils._api.key import keys_of_store
from ansible_collections.kms.xks.plugins.module_utils._api.key import schedule_deletion
from ansible_collections.kms.xks.plugins.module_utils._plan.key import PENDING_DELETION
from ansible_collections.kms.xks.plugins.module_utils._transformations.key import describe_holder
from ansible_collections.kms.xks.plugins.module_utils._transformations.key import store_key_summary


def store_keys(client, store_id):
    """[(KeyMetadata, summary)] of every KMS key in the store; the aliases are listed only when there are keys."""
    keys = keys_of_store(client, store_id)
    if not keys:
        return []
    aliases = aliases_by_key(client)
    return [(metadata, store_key_summary(metadata, aliases.get(metadata["KeyId"], []))) for metadata in keys]


def refusal(entry, keys):
    """Why a store with keys is not deleted without schedule_key_deletion, naming each key and its state."""
    return (
        "External key store %s (%s) still holds %d KMS key(s): %s. KMS deletes a store only after all its keys are deleted, so nothing "
        "was changed (the store was not disconnected). Set schedule_key_deletion=true to schedule their deletion (pending_window days), "
        "then run again once they are gone."
        % (entry.get("CustomKeyStoreName"), entry.get("CustomKeyStoreId"), len(keys),
           ", ".join(describe_holder(metadata, summary["aliases"]) for metadata, summary in keys))
    )


def to_schedule(keys):
    """The summaries of the keys whose deletion is not scheduled yet."""
    return [summary for metadata, summary in keys if metadata.get("KeyState") != PENDING_DELETION]


def schedule(client, summary, days, check_mode):
    """Schedule one key's deletion (in check mode, predict it); the summary gets the state and date."""
    if check_mode:
        date = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    else:
        date = schedule_deletion(client, summary["key_id"], days).get("DeletionDate")
    summary["key_state"] = PENDING_DELETION
    if date is not None:
        summary["deletion_date"] = normalize_boto3_result(dict(date=date))["date"]


def waiting_message(entry, keys):
    last = max((summary.get("deletion_date") or "" for _metadata, summary in keys), default="")
    return (
        "External key store %s (%s) was left as it is: its %d KMS key(s) are pending deletion (the last on %s). Run again once KMS "
        "has deleted them to disconnect and delete the store." % (entry.get("CustomKeyStoreName"), entry.get("CustomKeyStoreId"), len(keys), last)
    )

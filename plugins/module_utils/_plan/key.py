# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What xks_key must do to an existing KMS key, and what the key will look like after it: pure functions
of the current KeyMetadata (with what was read of its tags and policy) and the task's options."""

import copy
import datetime
import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE

ENABLED = "Enabled"
DISABLED = "Disabled"
PENDING_DELETION = "PendingDeletion"
UNAVAILABLE = "Unavailable"


class KeyState:
    """One KMS key as the run knows it: its KeyMetadata, aliases, and (when read or set) tags and policy."""

    def __init__(self, metadata, aliases=None, tags=None, policy=None):
        self.metadata = metadata
        self.aliases = list(aliases or [])
        self.tags = tags
        self.policy = policy

    def copy(self):
        return KeyState(copy.deepcopy(self.metadata), self.aliases, None if self.tags is None else dict(self.tags), self.policy)


def xks_key_id_of(metadata):
    return (metadata.get("XksKeyConfiguration") or {}).get("Id")


def create_only_conflicts(metadata, store_id, xks_key_id, store_label):
    """Messages for each create-only property that the task gives with another value than the key has."""
    key_id = metadata["KeyId"]
    if metadata.get("Origin") != EXTERNAL_KEY_STORE:
        return ["KMS key %s has origin %s, not EXTERNAL_KEY_STORE: xks_key manages only keys in an external key store, "
                "and a key's origin cannot change." % (key_id, metadata.get("Origin"))]
    problems = []
    current_xks = xks_key_id_of(metadata)
    if xks_key_id is not None and xks_key_id != current_xks:
        problems.append("KMS key %s is bound to the external key %r for life; xks_key_id %r would need a new KMS key."
                        % (key_id, current_xks, xks_key_id))
    if store_id is not None and store_id != metadata.get("CustomKeyStoreId"):
        problems.append("KMS key %s is in external key store %s; %s names %s, and a key cannot move to another store."
                        % (key_id, metadata.get("CustomKeyStoreId"), store_label, store_id))
    return problems


def _tag_actions(current, desired, purge):
    if desired is None:
        return []
    to_set, to_remove = compare_aws_tags(current or {}, desired, purge_tags=purge)
    actions = []
    if to_set:
        actions.append(("tag", to_set))
    if to_remove:
        actions.append(("untag", sorted(to_remove)))
    return actions


def _policy_action(current, desired):
    if desired is None:
        return []
    if current is not None and not compare_policies(json.loads(current), json.loads(desired)):
        return []
    return [("put_policy", desired)]


def _state_actions(metadata, enabled):
    """cancel_deletion / enable / disable for a key that must be present. None for enabled on an Unavailable key: KMS
    hides whether it is enabled while its store is disconnected, and EnableKey/DisableKey would not change it."""
    state = metadata.get("KeyState")
    if state == PENDING_DELETION:
        return [("cancel_deletion", None)] + ([("enable", None)] if enabled else [])
    if state == UNAVAILABLE:
        return []
    if enabled and state != ENABLED:
        return [("enable", None)]
    if not enabled and state == ENABLED:
        return [("disable", None)]
    return []


def plan_present(current, params, alias):
    """The (action, argument) list that makes ``current`` (a KeyState) what the task asks for."""
    actions = _state_actions(current.metadata, params["enabled"])
    if alias is not None and alias not in current.aliases:
        actions.append(("create_alias", alias))
    description = params.get("description")
    if description is not None and description != current.metadata.get("Description", ""):
        actions.append(("update_description", description))
    actions.extend(_tag_actions(current.tags, params.get("tags"), params["purge_tags"]))
    actions.extend(_policy_action(current.policy, params.get("policy")))
    return actions


def plan_absent(current):
    if current is None or current.metadata.get("KeyState") == PENDING_DELETION:
        return []
    return [("schedule_deletion", None)]


def _set_state(metadata, state):
    metadata["KeyState"] = state
    metadata["Enabled"] = state == ENABLED
    if state != PENDING_DELETION:
        metadata.pop("DeletionDate", None)
        metadata.pop("PendingDeletionWindowInDays", None)


def predict(current, actions, pending_window, now=None):
    """The KeyState after ``actions`` (each applied as KMS documents it)."""
    after = current.copy()
    metadata = after.metadata
    for action, argument in actions:
        if action == "cancel_deletion":
            _set_state(metadata, DISABLED)  # CancelKeyDeletion leaves the key Disabled
        elif action == "enable":
            _set_state(metadata, ENABLED)
        elif action == "disable":
            _set_state(metadata, DISABLED)
        elif action == "schedule_deletion":
            _set_state(metadata, PENDING_DELETION)
            now = now or datetime.datetime.now(datetime.timezone.utc)
            metadata["DeletionDate"] = now + datetime.timedelta(days=pending_window)
            metadata["PendingDeletionWindowInDays"] = pending_window
        elif action == "create_alias":
            after.aliases.append(argument)
        elif action == "update_description":
            metadata["Description"] = argument
        elif action == "tag":
            after.tags = dict(after.tags or {}, **argument)
        elif action == "untag":
            after.tags = {key: value for key, value in (after.tags or {}).items() if key not in argument}
        elif action == "put_policy":
            after.policy = argument
    return after


def predicted_new_key(store, xks_key_id, params, region):
    """The KeyMetadata a CreateKey would give (no id, ARN or date yet), in a KeyState with the task's tags."""
    metadata = dict(
        Enabled=True, KeyState=ENABLED, Description=params.get("description") or "", KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT", CustomerMasterKeySpec="SYMMETRIC_DEFAULT", EncryptionAlgorithms=["SYMMETRIC_DEFAULT"],
        Origin=EXTERNAL_KEY_STORE, KeyManager="CUSTOMER", MultiRegion=False, CustomKeyStoreId=store["CustomKeyStoreId"],
        XksKeyConfiguration=dict(Id=xks_key_id),
    )
    return KeyState(metadata, [], dict(params.get("tags") or {}), params.get("policy"))

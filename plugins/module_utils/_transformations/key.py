# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A KMS key as xks_key returns it."""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result


def normalize_key(state, with_policy=False):
    """KeyMetadata in snake_case with ISO dates, the aliases, the tags when known (as given: tag keys keep their case) and the policy."""
    if state is None:
        return {}
    result = camel_dict_to_snake_dict(normalize_boto3_result(state.metadata))
    result["aliases"] = sorted(state.aliases)
    if state.tags is not None:
        result["tags"] = dict(state.tags)
    if with_policy and state.policy is not None:
        result["policy"] = state.policy
    return result


def describe_holder(metadata, aliases):
    """'<key id> (aliases a, b; Enabled)' for a key named in a message."""
    return "%s (%s; %s)" % (metadata["KeyId"], "aliases " + ", ".join(sorted(aliases)) if aliases else "no alias", metadata.get("KeyState"))


def store_key_summary(metadata, aliases):
    """One KMS key of a store as xks_keystore_info lists it: id, ARN, aliases, external key, state, deletion date."""
    summary = dict(
        key_id=metadata["KeyId"], arn=metadata.get("Arn"), aliases=sorted(aliases), xks_key_id=(metadata.get("XksKeyConfiguration") or {}).get("Id"),
        key_state=metadata.get("KeyState"),
    )
    if metadata.get("DeletionDate"):
        summary["deletion_date"] = normalize_boto3_result(dict(date=metadata["DeletionDate"]))["date"]
    return summary

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Thin wrappers over the KMS key operations xks_key uses, with amazon.aws's error handling and retries.

Each wrapper takes a client made with ``module.client("kms", retry_decorator=kms_retry())``.
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksErrorHandler
from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"


def _all(method, result_key, **kwargs):
    """Every item of a Marker/NextMarker/Truncated listing, each page retried like any call."""
    items = []
    while True:
        response = method(aws_retry=True, **kwargs)
        items.extend(response.get(result_key) or [])
        if not response.get("Truncated"):
            return items
        kwargs["Marker"] = response["NextMarker"]


class KeyErrorHandler(XksErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


@KeyErrorHandler.list_error_handler("describe KMS key", None)
def describe_key(client, key_id):
    """DescribeKey's KeyMetadata for a key id, ARN or alias name, or None when KMS has no such key."""
    return client.describe_key(KeyId=key_id, aws_retry=True)["KeyMetadata"]


@KeyErrorHandler.list_error_handler("list aliases of KMS key", [])
def list_alias_names(client, key_id):
    """The alias names of one key (following NextMarker)."""
    return [alias["AliasName"] for alias in _all(client.list_aliases, "Aliases", KeyId=key_id)]


@KeyErrorHandler.common_error_handler("list aliases")
def aliases_by_key(client):
    """{key id: [alias names]} of the account and Region, in one paginated read."""
    found = {}
    for alias in _all(client.list_aliases, "Aliases"):
        if alias.get("TargetKeyId"):
            found.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return found


@KeyErrorHandler.common_error_handler("list tags of KMS key")
def list_tags(client, key_id):
    """The key's tags as a dict."""
    tags = _all(client.list_resource_tags, "Tags", KeyId=key_id)
    return boto3_tag_list_to_ansible_dict(tags, tag_name_key_name="TagKey", tag_value_key_name="TagValue")


@KeyErrorHandler.common_error_handler("get key policy")
def get_policy(client, key_id):
    return client.get_key_policy(KeyId=key_id, PolicyName="default", aws_retry=True)["Policy"]


@KeyErrorHandler.common_error_handler("list KMS keys")
def list_key_ids(client):
    """Every key id of the account and Region (ListKeys, following NextMarker)."""
    return [key["KeyId"] for key in _all(client.list_keys, "Keys")]


def custom_key_store_keys(client):
    """The KeyMetadata of every KMS key in a custom key store, by store id (ListKeys, then DescribeKey for each key).

    No KMS API filters keys by store; a key deleted between the two calls is skipped."""
    found = {}
    for key_id in list_key_ids(client):
        metadata = describe_key(client, key_id)
        if metadata and metadata.get("CustomKeyStoreId"):
            found.setdefault(metadata["CustomKeyStoreId"], []).append(metadata)
    return found


def keys_of_store(client, store_id):
    """The KeyMetadata of every KMS key in this custom key store."""
    return custom_key_store_keys(client).get(store_id, [])


def create_request(store_id, xks_key_id, description, tags, policy):
    """The CreateKey parameters of a KMS key in an external key store (spec, usage and Region are fixed)."""
    request = dict(
        Origin=EXTERNAL_KEY_STORE, CustomKeyStoreId=store_id, XksKeyId=xks_key_id, KeySpec=SYMMETRIC_DEFAULT,
        KeyUsage=ENCRYPT_DECRYPT, MultiRegion=False,
    )
    if description is not None:
        request["Description"] = description
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags, tag_name_key_name="TagKey", tag_value_key_name="TagValue")
    if policy is not None:
        request["Policy"] = policy
    return request


@KeyErrorHandler.common_error_handler("create KMS key in the external key store")
def create_key(client, request):
    # Not retried: a CreateKey that reached KMS made a key; a second attempt would fail as XksKeyAlreadyInUse.
    return client.create_key(**request)["KeyMetadata"]


@KeyErrorHandler.common_error_handler("create alias")
def create_alias(client, name, key_id):
    client.create_alias(AliasName=name, TargetKeyId=key_id, aws_retry=True)


@KeyErrorHandler.common_error_handler("update key description")
def update_description(client, key_id, description):
    client.update_key_description(KeyId=key_id, Description=description, aws_retry=True)


@KeyErrorHandler.common_error_handler("enable KMS key")
def enable_key(client, key_id):
    client.enable_key(KeyId=key_id, aws_retry=True)


@KeyErrorHandler.common_error_handler("disable KMS key")
def disable_key(client, key_id):
    client.disable_key(KeyId=key_id, aws_retry=True)


@KeyErrorHandler.common_error_handler("tag KMS key")
def tag_key(client, key_id, tags):
    client.tag_resource(KeyId=key_id, Tags=ansible_dict_to_boto3_tag_list(tags, tag_name_key_name="TagKey", tag_value_key_name="TagValue"), aws_retry=True)


@KeyErrorHandler.common_error_handler("untag KMS key")
def untag_key(client, key_id, tag_keys):
    client.untag_resource(KeyId=key_id, TagKeys=list(tag_keys), aws_retry=True)


@KeyErrorHandler.common_error_handler("put key policy")
def put_policy(client, key_id, policy):
    client.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy, aws_retry=True)


@KeyErrorHandler.common_error_handler("schedule key deletion")
def schedule_deletion(client, key_id, days):
    return client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days, aws_retry=True)


@KeyErrorHandler.common_error_handler("cancel key deletion")
def cancel_deletion(client, key_id):
    client.cancel_key_deletion(KeyId=key_id, aws_retry=True)

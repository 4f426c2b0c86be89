# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Thin wrappers over the six KMS custom key store operations, with error handling and retries.

Each wrapper takes a client made with ``module.client("kms", retry_decorator=kms_retry())``; the
listing uses botocore's paginator, retried as a whole by the same kms_retry().
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksErrorHandler
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE


@XksErrorHandler.list_error_handler("describe custom key store", None)
def describe_key_store(client, store_id=None, name=None):
    """The one DescribeCustomKeyStores entry with this id or name, or None when KMS has none."""
    if store_id is not None:
        response = client.describe_custom_key_stores(CustomKeyStoreId=store_id, aws_retry=True)
    else:
        response = client.describe_custom_key_stores(CustomKeyStoreName=name, aws_retry=True)
    stores = response.get("CustomKeyStores") or []
    return stores[0] if stores else None


@XksErrorHandler.list_error_handler("list custom key stores", [])
@kms_retry()
def list_key_stores(client):
    """Every custom key store of the account and Region, with botocore's paginator (retried as a whole)."""
    return client.get_paginator("describe_custom_key_stores").paginate().build_full_result().get("CustomKeyStores", [])


def find_key_stores(client, store_id=None, name=None):
    """The entries with this id or name (an empty list when KMS has none), or every entry when neither is given."""
    if store_id is None and name is None:
        return list_key_stores(client)
    entry = describe_key_store(client, store_id=store_id, name=name)
    return [entry] if entry else []


# LimitExceededException on CreateCustomKeyStore: the quota, which waiting does not lift (never retried, see _common.retries).
QUOTA_MESSAGE = (
    "Cannot create external key store: the account already has the most custom key stores KMS allows in this Region "
    "(10 per account and Region, CloudHSM and external key stores together, whatever their connection state). "
    "Delete a key store that is no longer needed, ask AWS for a higher quota where it is adjustable, or use another Region or account"
)


@XksErrorHandler.common_error_handler("create external key store")
def create_key_store(client, params):
    # Retried like every call: a throttled create did not happen, and a retried one that did fails on the unique name.
    try:
        return client.create_custom_key_store(CustomKeyStoreType=EXTERNAL_KEY_STORE, aws_retry=True, **params)["CustomKeyStoreId"]
    except is_boto3_error_code("LimitExceededException") as e:
        raise AnsibleXksError(message=QUOTA_MESSAGE, exception=e) from e


@XksErrorHandler.common_error_handler("update external key store")
def update_key_store(client, store_id, params):
    client.update_custom_key_store(CustomKeyStoreId=store_id, aws_retry=True, **params)


@XksErrorHandler.common_error_handler("connect external key store")
def connect_key_store(client, store_id):
    client.connect_custom_key_store(CustomKeyStoreId=store_id, aws_retry=True)


@XksErrorHandler.common_error_handler("disconnect external key store")
def disconnect_key_store(client, store_id):
    client.disconnect_custom_key_store(CustomKeyStoreId=store_id, aws_retry=True)


@XksErrorHandler.deletion_error_handler("delete external key store")
def delete_key_store(client, store_id):
    """DeleteCustomKeyStore; True, or False when the store was already gone (deleted by another run)."""
    client.delete_custom_key_store(CustomKeyStoreId=store_id, aws_retry=True)
    return True

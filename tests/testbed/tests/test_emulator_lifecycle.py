# -*- coding: utf-8 -*-
"""Create, describe, connect, disconnect, delete: states and refusals as the KMS documentation gives them."""

import datetime
import re
import time

import pytest
from botocore.exceptions import ClientError

from testbed.kms import connected_store, create_store, describe, wait_for


from testbed_helpers import error_code, external_key_id


def test_new_store_is_disconnected_and_described(kms, bed):
    before = datetime.datetime.now(datetime.timezone.utc)
    store_id = create_store(kms, bed, "alpha")
    assert re.fullmatch(r"cks-[0-9a-f]{17}", store_id)
    entry = describe(kms, store_id)
    proxy = bed["xks_proxy_primary"]
    assert entry["CustomKeyStoreName"] == "alpha"
    assert entry["ConnectionState"] == "DISCONNECTED"
    assert entry["CustomKeyStoreType"] == "EXTERNAL_KEY_STORE"
    assert "ConnectionErrorCode" not in entry
    assert abs((entry["CreationDate"] - before).total_seconds()) < 60
    assert entry["XksProxyConfiguration"] == {
        "AccessKeyId": proxy["credentials"][0]["access_key_id"],
        "Connectivity": "PUBLIC_ENDPOINT",
        "UriEndpoint": proxy["endpoint"],
        "UriPath": proxy["uri_path"],
    }


def test_connect_goes_through_connecting_to_connected(kms, bed):
    store_id = create_store(kms, bed)
    assert kms.connect_custom_key_store(CustomKeyStoreId=store_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTING"
    entry = wait_for(kms, store_id, ("CONNECTED", "FAILED"))
    assert entry["ConnectionState"] == "CONNECTED"
    assert "ConnectionErrorCode" not in entry


def test_disconnect_goes_through_disconnecting_to_disconnected(kms, bed):
    store_id = connected_store(kms, bed)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "DISCONNECTING"
    assert wait_for(kms, store_id, ("DISCONNECTED",))["ConnectionState"] == "DISCONNECTED"


def test_connect_is_accepted_while_connecting_or_connected(kms, bed):
    store_id = create_store(kms, bed)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTED"


def test_connect_is_refused_while_disconnecting(kms, bed):
    store_id = connected_store(kms, bed)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    with pytest.raises(ClientError) as excinfo:
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"


def test_failed_store_must_be_disconnected_before_connecting_again(kms, bed, proxy):
    store_id = create_store(kms, bed)
    proxy.set_faults("primary", down=True)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("FAILED", "CONNECTED"))
    assert entry["ConnectionState"] == "FAILED"
    assert entry["ConnectionErrorCode"] == "XKS_PROXY_NOT_REACHABLE"
    with pytest.raises(ClientError) as excinfo:
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"
    proxy.clear_faults("primary")
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("DISCONNECTED",))
    assert "ConnectionErrorCode" not in entry
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] == "CONNECTED"


@pytest.mark.parametrize("state", ["DISCONNECTED", "DISCONNECTING"])
def test_disconnect_is_refused_when_disconnected_or_disconnecting(kms, bed, state):
    store_id = create_store(kms, bed)
    if state == "DISCONNECTING":
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        wait_for(kms, store_id, ("CONNECTED",))
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    with pytest.raises(ClientError) as excinfo:
        kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"


def test_disconnect_while_connecting_cancels_the_connection(kms, bed, emulator):
    emulator.set_settings(connect_delay=1.0)
    store_id = create_store(kms, bed)
    began = time.monotonic()
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "DISCONNECTING"
    wait_for(kms, store_id, ("DISCONNECTED",))
    time.sleep(max(0.0, began + 1.3 - time.monotonic()))  # past the moment the abandoned connect would end
    assert describe(kms, store_id)["ConnectionState"] == "DISCONNECTED"


@pytest.mark.parametrize("operation", ["connect", "disconnect", "delete", "update", "describe"])
def test_unknown_store_is_not_found(kms, operation):
    calls = {
        "connect": lambda: kms.connect_custom_key_store(CustomKeyStoreId="cks-00000000000000000"),
        "disconnect": lambda: kms.disconnect_custom_key_store(CustomKeyStoreId="cks-00000000000000000"),
        "delete": lambda: kms.delete_custom_key_store(CustomKeyStoreId="cks-00000000000000000"),
        "update": lambda: kms.update_custom_key_store(CustomKeyStoreId="cks-00000000000000000", NewCustomKeyStoreName="x"),
        "describe": lambda: kms.describe_custom_key_stores(CustomKeyStoreId="cks-00000000000000000"),
    }
    with pytest.raises(ClientError) as excinfo:
        calls[operation]()
    assert error_code(excinfo) == "CustomKeyStoreNotFoundException"


def test_delete_needs_disconnected(kms, bed):
    store_id = connected_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    kms.delete_custom_key_store(CustomKeyStoreId=store_id)
    with pytest.raises(ClientError) as excinfo:
        describe(kms, store_id)
    assert error_code(excinfo) == "CustomKeyStoreNotFoundException"


def test_keys_in_a_store(kms, bed, emulator):
    store_id = create_store(kms, bed)
    xks_key_id = external_key_id(bed)
    with pytest.raises(ClientError) as excinfo:
        kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id)
    assert error_code(excinfo) == "CustomKeyStoreInvalidStateException"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    metadata = kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id)["KeyMetadata"]
    assert metadata["CustomKeyStoreId"] == store_id
    assert metadata["XksKeyConfiguration"] == {"Id": xks_key_id}
    assert metadata["Origin"] == "EXTERNAL_KEY_STORE"
    assert metadata["KeyState"] == "Enabled"
    with pytest.raises(ClientError) as excinfo:
        kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id)
    assert error_code(excinfo) == "XksKeyAlreadyInUseException"

    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    assert kms.describe_key(KeyId=metadata["KeyId"])["KeyMetadata"]["KeyState"] == "Unavailable"
    with pytest.raises(ClientError) as excinfo:
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreHasCMKsException"
    # A key pending deletion still counts, until its waiting period ends.
    kms.schedule_key_deletion(KeyId=metadata["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as excinfo:
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
    assert error_code(excinfo) == "CustomKeyStoreHasCMKsException"
    assert emulator.purge_pending_deletion() == [metadata["KeyId"]]
    kms.delete_custom_key_store(CustomKeyStoreId=store_id)


def test_ordinary_keys_still_work(kms):
    metadata = kms.create_key(Description="plain")["KeyMetadata"]
    assert metadata["Origin"] == "AWS_KMS"
    assert "CustomKeyStoreId" not in metadata


def test_xks_key_needs_the_external_origin(kms, bed):
    store_id = connected_store(kms, bed)
    with pytest.raises(ClientError) as excinfo:
        kms.create_key(CustomKeyStoreId=store_id, XksKeyId=external_key_id(bed))
    assert error_code(excinfo) == "UnsupportedOperationException"
    with pytest.raises(ClientError) as excinfo:
        kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId="cks-00000000000000000", XksKeyId="ext-1")
    assert error_code(excinfo) == "CustomKeyStoreNotFoundException"

# -*- coding: utf-8 -*-
"""The emulator's admin API: injected faults, settings, reset."""

import time

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from testbed import AdminError
from testbed.kms import create_store, describe, kms_client, wait_for


from testbed_helpers import error_code


def _status(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_throttle_the_next_n_calls(kms, bed, emulator):
    emulator.arm_fault("CreateCustomKeyStore", "throttle", count=2)
    for _attempt in range(2):
        with pytest.raises(ClientError) as excinfo:
            create_store(kms, bed)
        assert error_code(excinfo) == "ThrottlingException" and _status(excinfo) == 400
    create_store(kms, bed)
    assert emulator.faults() == []


def test_internal_error_is_500(kms, emulator):
    emulator.arm_fault("DescribeCustomKeyStores", "internal")
    with pytest.raises(ClientError) as excinfo:
        kms.describe_custom_key_stores()
    assert error_code(excinfo) == "KMSInternalException" and _status(excinfo) == 500
    kms.describe_custom_key_stores()


def test_drop_closes_the_connection(kms, emulator):
    emulator.arm_fault("DescribeCustomKeyStores", "drop")
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        kms.describe_custom_key_stores()
    kms.describe_custom_key_stores()


def test_a_fault_hits_only_its_operation(kms, bed, emulator):
    emulator.arm_fault("DeleteCustomKeyStore", "internal")
    store_id = create_store(kms, bed)
    describe(kms, store_id)
    with pytest.raises(ClientError):
        kms.delete_custom_key_store(CustomKeyStoreId=store_id)
    kms.delete_custom_key_store(CustomKeyStoreId=store_id)


def test_star_matches_any_operation(kms, emulator):
    emulator.arm_fault("*", "throttle", count=2)
    with pytest.raises(ClientError):
        kms.describe_custom_key_stores()
    with pytest.raises(ClientError):
        kms.list_keys()
    kms.list_keys()


def test_a_retrying_client_rides_out_a_throttle(bed, emulator):
    emulator.arm_fault("DescribeCustomKeyStores", "throttle", count=1)
    assert kms_client(bed, retries=3).describe_custom_key_stores()["CustomKeyStores"] == []


def test_connect_failed_forces_an_error_code_once(kms, bed, emulator):
    store_id = create_store(kms, bed)
    emulator.arm_fault("ConnectCustomKeyStore", "connect_failed", error_code="XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("FAILED", "CONNECTED"))
    assert entry["ConnectionErrorCode"] == "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"


def test_clear_faults(kms, emulator):
    emulator.arm_fault("DescribeCustomKeyStores", "internal", count=5)
    assert emulator.faults()[0]["remaining"] == 5
    emulator.clear_faults()
    kms.describe_custom_key_stores()


@pytest.mark.parametrize("body", [
    {"operation": "CreateCustomKeyStore", "fault": "explode"},
    {"operation": "CreateCustomKeyStore", "fault": "throttle", "count": 0},
    {"operation": "CreateCustomKeyStore", "fault": "connect_failed", "error_code": "XKS_PROXY_TIMED_OUT"},
    {"operation": "ConnectCustomKeyStore", "fault": "connect_failed", "error_code": "NOT_A_CODE"},
])
def test_bad_fault_requests_are_400(emulator, body):
    with pytest.raises(AdminError) as excinfo:
        emulator.arm_fault(**body)
    assert excinfo.value.status == 400


def test_delays_are_settings(kms, bed, emulator):
    emulator.set_settings(connect_delay=0.8)
    store_id = create_store(kms, bed)
    began = time.monotonic()
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    assert time.monotonic() - began >= 0.8
    # reset() brings back the start values.
    emulator.reset()
    assert emulator.settings()["connect_delay"] == bed["xks_connect_delay"]


@pytest.mark.parametrize("settings", [{"connect_delay": -1}, {"bogus": 1}, {"host_map": {"x.test": "not-an-ip"}}])
def test_bad_settings_are_400(emulator, settings):
    with pytest.raises(AdminError) as excinfo:
        emulator.set_settings(**settings)
    assert excinfo.value.status == 400


def test_reset_forgets_stores_and_keys(kms, bed, emulator):
    create_store(kms, bed)
    kms.create_key()
    emulator.reset()
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []
    assert kms.list_keys()["Keys"] == []


def test_unknown_admin_route_is_404(bed):
    from testbed.client import call
    status, document = call("GET", bed["emulator_admin_url"] + "/nothing-here")
    assert status == 404 and "error" in document

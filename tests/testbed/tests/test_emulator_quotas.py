# -*- coding: utf-8 -*-
"""KMS's request quotas: 5 requests per second for each custom key store operation, per account and Region."""

import concurrent.futures
import time

import pytest
from botocore.exceptions import ClientError

from testbed.kms import create_store, kms_client


@pytest.fixture
def quotas(emulator):
    """KMS's own quotas (this suite runs without them otherwise)."""
    emulator.set_settings(quota_scale=1)


def _burst(call, count):
    """`count` calls at once; the error codes (None for success) in order of arrival, and how long the burst took."""
    def attempt(_index):
        try:
            call()
            return None
        except ClientError as exc:
            return error_code_of(exc)
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        outcomes = list(pool.map(attempt, range(count)))
    return outcomes, time.monotonic() - began


def error_code_of(exc):
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"], exc.response["Error"]["Message"]


def test_five_per_second_then_throttling_exception(kms, quotas):
    outcomes, took = _burst(kms.describe_custom_key_stores, 10)
    assert took < 1.0, "the machine was too slow to send 10 requests within a second"
    assert outcomes.count(None) == 5
    assert set(outcomes) - {None} == {("ThrottlingException", 400, "Rate exceeded")}


def test_the_next_second_has_room_again(kms, quotas):
    _burst(kms.describe_custom_key_stores, 6)
    time.sleep(1.05)
    kms.describe_custom_key_stores()


def test_each_operation_and_region_has_its_own_quota(kms, bed, quotas):
    outcomes, _took = _burst(kms.describe_custom_key_stores, 6)
    assert None in outcomes and any(outcomes)
    # Another operation, and the same operation in another Region, are not throttled.
    create_store(kms, bed)
    kms_client(bed, region="us-west-2").describe_custom_key_stores()


def test_the_scale_option_multiplies_the_quotas(kms, emulator):
    emulator.set_settings(quota_scale=2)
    outcomes, took = _burst(kms.describe_custom_key_stores, 14)
    assert took < 1.0, "the machine was too slow to send 14 requests within a second"
    assert outcomes.count(None) == 10


def test_no_quotas_at_scale_zero(kms, emulator):
    emulator.set_settings(quota_scale=0)
    outcomes, _took = _burst(kms.describe_custom_key_stores, 12)
    assert outcomes == [None] * 12


def test_a_retrying_client_gets_through_and_the_call_log_shows_the_throttled_attempts(bed, emulator, quotas):
    emulator.clear_calls()
    retrying = kms_client(bed, retries=10)
    outcomes, _took = _burst(retrying.describe_custom_key_stores, 8)
    assert outcomes == [None] * 8
    statuses = [call["status"] for call in emulator.calls()["calls"] if call["operation"] == "DescribeCustomKeyStores"]
    assert statuses.count(200) == 8 and statuses.count(400) >= 1

# -*- coding: utf-8 -*-
"""The emulator's call log: every KMS call and every ConnectionState a store entered, with times."""

import time

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from testbed.kms import connected_store, create_store, describe


def test_calls_and_transitions_of_a_connect(kms, bed, emulator):
    began = time.time()
    store_id = connected_store(kms, bed, name="logged")
    log = emulator.calls()
    calls = log["calls"]
    assert [call["operation"] for call in calls[:2]] == ["CreateCustomKeyStore", "ConnectCustomKeyStore"]
    assert all(call["status"] == 200 and call["custom_key_store_id"] == store_id for call in calls)
    assert calls[0]["custom_key_store_name"] == "logged"
    polls = calls[2:]
    assert polls and {call["operation"] for call in polls} == {"DescribeCustomKeyStores"}
    assert polls[-1]["connection_states"] == {store_id: "CONNECTED"}
    times = [call["time"] for call in calls]
    assert began <= times[0] and times == sorted(times)

    transitions = log["transitions"][store_id]
    assert [entry["state"] for entry in transitions] == ["DISCONNECTED", "CONNECTING", "CONNECTED"]
    connecting, connected = transitions[1]["time"], transitions[2]["time"]
    assert calls[1]["time"] <= connecting and connected - connecting >= bed["xks_connect_delay"] * 0.9
    # Describes before the transition showed CONNECTING; the first one that showed CONNECTED arrived about when it happened or later.
    seen = [call["connection_states"][store_id] for call in polls]
    first_seen = polls[seen.index("CONNECTED")]
    assert set(seen[:seen.index("CONNECTED")]) <= {"CONNECTING"} and first_seen["time"] >= connected - 0.1


def test_every_attempt_is_logged_with_its_status(kms, emulator):
    emulator.arm_fault("DescribeCustomKeyStores", "throttle")
    emulator.arm_fault("ListKeys", "drop")
    with pytest.raises(ClientError):
        kms.describe_custom_key_stores()
    with pytest.raises(ClientError):
        kms.describe_custom_key_stores(CustomKeyStoreId="cks-1234567890abcdef0")
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        kms.list_keys()
    kms.describe_custom_key_stores()
    calls = emulator.calls()["calls"]
    assert [(call["operation"], call["status"]) for call in calls] == [
        ("DescribeCustomKeyStores", 400),
        ("DescribeCustomKeyStores", 400),
        ("ListKeys", None),
        ("DescribeCustomKeyStores", 200),
    ]
    assert calls[1]["custom_key_store_id"] == "cks-1234567890abcdef0" and "connection_states" not in calls[1]
    assert calls[3]["connection_states"] == {}


def test_admin_calls_are_not_logged_and_clear_forgets(kms, bed, emulator):
    store_id = create_store(kms, bed)
    emulator.settings()
    assert [call["operation"] for call in emulator.calls()["calls"]] == ["CreateCustomKeyStore"]
    assert emulator.clear_calls() == {"calls": [], "transitions": {}}
    describe(kms, store_id)
    log = emulator.calls()
    assert [call["operation"] for call in log["calls"]] == ["DescribeCustomKeyStores"] and log["transitions"] == {}
    emulator.reset()
    assert emulator.calls() == {"calls": [], "transitions": {}}

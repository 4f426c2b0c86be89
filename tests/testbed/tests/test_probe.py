# -*- coding: utf-8 -*-
"""The key availability probe (testbed/probe.py): what it counts against what the store did."""

import json
import os
import subprocess
import sys
import time

from testbed import probe
from testbed.kms import connected_store, wait_for

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def record(moment, ok, operation="Encrypt"):
    entry = {"operation": operation, "time": moment, "end": moment + 0.01, "ok": ok}
    if not ok:
        entry["error"] = "KMSInvalidStateException"
        entry["message"] = "This KMS key is in a custom key store that is not connected"
    return entry


def test_unusable_from_the_first_failure_to_the_next_success():
    records = [record(0.0, True), record(0.1, False), record(0.2, False), record(0.3, True), record(0.4, False)]
    found = probe.summary(records, window=(0.05, 0.25))
    assert found["failed_calls"] == 3
    assert found["unusable_periods"] == [{"from": 0.1, "to": 0.3}, {"from": 0.4, "to": 0.4 + 0.01}]
    assert found["unusable_seconds"] == round(0.2 + 0.01, 3)
    assert found["failed_outside_window"] == 1
    assert found["messages"] == ["This KMS key is in a custom key store that is not connected"]
    assert probe.summary(records, since=0.25)["failed_calls"] == 1


def probe_cli(bed, *args):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    done = subprocess.run([sys.executable, "-m", "testbed.probe"] + list(args), env=env, capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


def test_a_disconnect_is_seen_and_nothing_else(kms, bed, emulator, tmp_path):
    store_id = connected_store(kms, bed)
    log = str(tmp_path / "probe.jsonl")
    started = probe_cli(bed, "start", "--state-dir", bed["testbed_state_dir"], "--log", log, "--store-id", store_id)
    time.sleep(0.5)
    calm = time.time()
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    back = time.time()
    time.sleep(0.5)
    found = probe_cli(bed, "stop", "--log", log, "--retire-key", "--state-dir", bed["testbed_state_dir"], "--key-id", started["key_id"])
    transitions = emulator.calls()["transitions"][store_id]
    went = next(entry["time"] for entry in transitions if entry["state"] == "DISCONNECTING")
    returned = [entry["time"] for entry in transitions if entry["state"] == "CONNECTED"][-1]
    assert found["failed_calls"] > 0 and found["errors"] == ["KMSInvalidStateException"]
    # Every failed call was in flight during the outage: it ended after the disconnect was asked for
    # and was sent before the store was back (a call sent just before the disconnect can reach KMS after it).
    failed = [record for record in probe.read_log(log) if not record["ok"]]
    assert [record for record in failed if not (calm <= record["end"] and record["time"] <= back)] == []
    assert any("not connected" in message for message in found["messages"])  # KMS's words say why
    # Unusable for the store's outage, to within one probe interval (plus the calls' own time).
    assert abs(found["unusable_seconds"] - (returned - went)) < 3 * probe.DEFAULT_INTERVAL
    assert found["max_gap_seconds"] < 0.5
    # --retire-key: the key is gone, so the store can be deleted.
    assert started["key_id"] not in [key["KeyId"] for key in kms.list_keys()["Keys"]]

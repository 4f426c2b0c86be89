# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault injection, end to end: real xks_keystore tasks through ansible-playbook against the test bed,
faults armed in the KMS emulator or switched on in the XKS proxy, KMS read back with plain boto3.

Each test shows the module's answer to one fault, and the state the store is left in.
"""

import time

import pytest

from harness import create_store
from harness import step
from testbed.kms import describe
from testbed.kms import wait_for

MODULE = "kms.xks.xks_keystore"
STORE = "e2e-faults"
OPERATIONS = ("DescribeCustomKeyStores", "UpdateCustomKeyStore", "ConnectCustomKeyStore")
# What the module says about XKS_PROXY_NOT_REACHABLE (plugins/module_utils/_transformations/connection_errors.py) and how to recover.
NOT_REACHABLE_HINT = "KMS cannot communicate with the XKS proxy"
RECONNECT_HINT = "disconnect the key store and connect it again"


def succeeded(result):
    assert not result.get("failed"), result.get("msg")
    return result


def failed(result):
    assert result.get("failed"), result
    return result


def proxy_settings(bed, instance, credential_index=0):
    """The endpoint, path and live credential options for a proxy instance of the test bed."""
    proxy = bed["xks_proxy_" + instance]
    return {
        "xks_proxy_uri_endpoint": proxy["endpoint"],
        "xks_proxy_uri_path": proxy["uri_path"],
        "xks_proxy_authentication_credential": proxy["credentials"][credential_index],
    }


def assert_on_primary(entry, bed, state="CONNECTED"):
    """The store is in ``state`` with the primary proxy's endpoint, path and credential: as it was before the task."""
    primary = bed["xks_proxy_primary"]
    config = entry["XksProxyConfiguration"]
    assert entry["ConnectionState"] == state, entry
    assert (config["UriEndpoint"], config["UriPath"], config["AccessKeyId"]) == (
        primary["endpoint"],
        primary["uri_path"],
        primary["credentials"][0]["access_key_id"],
    )


# -- retried ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", ["throttle", "internal", "drop"])
def test_transient_faults_on_every_call_are_retried(ansible, kms, bed, emulator, fault):
    """Bursts of 3 ThrottlingException (400), KMSInternalException (500) or dropped connections on the lookup,
    the update and the connect: the task succeeds and every injected fault was met. Three in a row outlast
    botocore's own retries (3 attempts in its standard mode): kms_retry retries after it gives up."""
    store_id = create_store(kms, bed, STORE, connected=False)
    for operation in OPERATIONS:
        emulator.arm_fault(operation, fault, count=3)

    # wait=false: the connect is what matters here, not the wait for it (that is polled below).
    result, _stdout = ansible.task(MODULE, {"id": store_id, "name": STORE + "-renamed", "connection_state": "connected", "wait": False})

    succeeded(result)
    assert result["actions"] == ["update", "connect"]
    assert emulator.faults() == [], "every injected fault was met (and retried)"
    entry = wait_for(kms, store_id, ("CONNECTED",))
    assert entry["CustomKeyStoreName"] == STORE + "-renamed"


# -- not retried -----------------------------------------------------------------------------------
def test_a_kms_error_that_is_not_transient_is_not_retried(ansible, kms, bed, proxy):
    """KMS rejects a credential the proxy does not know. The emulator asks the proxy once per
    UpdateCustomKeyStore call, so the proxy's request log counts the module's attempts: exactly one."""
    store_id = create_store(kms, bed, STORE)
    proxy.clear_requests("primary")
    unknown = bed["xks_proxy_primary"]["spare_credentials"][1]

    started = time.monotonic()
    result, _stdout = ansible.task(MODULE, {"id": store_id, "xks_proxy_authentication_credential": unknown})
    elapsed = time.monotonic() - started

    failed(result)
    assert result["error_code"] == "XksProxyIncorrectAuthenticationCredentialException"
    assert result["actions"] == []
    updates = [request for request in proxy.requests("primary") if request["kms_operation"] == "UpdateCustomKeyStore"]
    assert [request["status"] for request in updates] == [401], "one UpdateCustomKeyStore, not retried"
    assert elapsed < 15, "no backoff"
    assert_on_primary(describe(kms, store_id), bed)


def test_a_failed_connection_is_an_answer_not_retried(ansible, kms, bed, emulator):
    """Two connect failures armed: the module connects once, reports FAILED, and leaves the second armed."""
    store_id = create_store(kms, bed, STORE, connected=False)
    emulator.arm_fault("ConnectCustomKeyStore", "connect_failed", count=2, error_code="XKS_PROXY_TIMED_OUT")

    result, _stdout = ansible.task(MODULE, {"id": store_id, "connection_state": "connected"})

    failed(result)
    assert "XKS_PROXY_TIMED_OUT" in result["msg"]
    assert result["actions"] == ["connect"]
    assert [fault["remaining"] for fault in emulator.faults()] == [1], "only one connect attempt was made"
    emulator.clear_faults()
    assert describe(kms, store_id)["ConnectionErrorCode"] == "XKS_PROXY_TIMED_OUT"


# -- the proxy fails -------------------------------------------------------------------------------
def test_proxy_down_during_connect_fails_fast_naming_the_code(ansible, kms, bed, proxy):
    store_id = create_store(kms, bed, STORE, connected=False)
    task = step("task", MODULE, {"id": store_id, "connection_state": "connected"})
    pending = ansible.start([task])
    wait_for(kms, store_id, ("CONNECTING",), timeout=60, interval=0.02)
    proxy.set_faults("primary", down=True)
    down_at = time.monotonic()
    result = pending.wait()["task"]
    reported_after = time.monotonic() - down_at

    failed(result)
    assert "XKS_PROXY_NOT_REACHABLE" in result["msg"]
    assert NOT_REACHABLE_HINT in result["msg"] and RECONNECT_HINT in result["msg"]
    assert result["actions"] == ["connect"]
    assert result["custom_key_store"]["connection_state"] == "FAILED"
    assert result["custom_key_store"]["connection_error_code"] == "XKS_PROXY_NOT_REACHABLE"
    assert reported_after < 8, "FAILED ends the wait at once (%.1f s)" % reported_after
    entry = describe(kms, store_id)
    assert (entry["ConnectionState"], entry["ConnectionErrorCode"]) == ("FAILED", "XKS_PROXY_NOT_REACHABLE")

    # The proxy is back: the same task recovers the store (a FAILED store is disconnected first).
    proxy.clear_faults("primary")
    result = succeeded(ansible.run([task])["task"])
    assert result["actions"] == ["disconnect", "connect"]
    assert_on_primary(describe(kms, store_id), bed)


def test_update_failing_after_the_disconnect_reconnects_the_store(ansible, kms, bed, proxy):
    """Moving to a proxy that is down: the controller cannot tell (preflight=auto warns), KMS rejects the
    update after the disconnect, and the module reconnects the store on its old proxy."""
    store_id = create_store(kms, bed, STORE)
    proxy.set_faults("secondary", down=True)

    result, _stdout = ansible.task(MODULE, dict(proxy_settings(bed, "secondary"), id=store_id))

    failed(result)
    assert result["error_code"] == "XksProxyUriUnreachableException"
    assert "KMS rejected the update" in result["msg"]
    assert "was reconnected and is CONNECTED" in result["msg"]
    assert result["actions"] == ["disconnect", "connect"]
    assert any("Preflight could not check" in warning for warning in result["warnings"])
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert_on_primary(describe(kms, store_id), bed)


def test_update_and_reconnect_both_failing_are_both_reported(ansible, kms, bed, proxy):
    """The update fails after the disconnect (new proxy down), and so does the reconnect (old proxy down too):
    the task fails with both errors and names the state the store is left in."""
    store_id = create_store(kms, bed, STORE)
    proxy.set_faults("secondary", down=True)
    proxy.set_faults("primary", down=True)

    result, _stdout = ansible.task(MODULE, dict(proxy_settings(bed, "secondary"), id=store_id))

    failed(result)
    message = result["msg"]
    assert result["error_code"] == "XksProxyUriUnreachableException", "the cause is the update's error"
    assert "KMS rejected the update" in message and "XksProxyUriUnreachableException" in message
    assert "Restoring the connection failed as well" in message and "XKS_PROXY_NOT_REACHABLE" in message
    assert NOT_REACHABLE_HINT in message
    assert message.endswith("The key store is now FAILED.")
    assert result["actions"] == ["disconnect", "connect"]
    assert result["custom_key_store"]["connection_state"] == "FAILED"
    # Not worse than the faults make it: still on its old proxy, with its old credential.
    assert_on_primary(describe(kms, store_id), bed, state="FAILED")


# -- waiting ---------------------------------------------------------------------------------------
def test_wait_timeout_names_the_state_and_a_rerun_resumes(ansible, kms, bed, emulator):
    store_id = create_store(kms, bed, STORE, connected=False)
    # Long enough that the rerun (a second ansible-playbook, several seconds on a busy 2-core machine)
    # still starts while the store is CONNECTING; the rerun waits the rest of it out.
    emulator.set_settings(connect_delay=20)
    task = {"id": store_id, "connection_state": "connected"}

    result, _stdout = ansible.task(MODULE, dict(task, wait_timeout=1))

    failed(result)
    assert "Timed out after 1s waiting for external key store %s to be CONNECTED; it is CONNECTING." % store_id in result["msg"]
    assert "run the task again (it resumes from the current state) or raise wait_timeout" in result["msg"]
    assert result["actions"] == ["connect"]
    assert result["custom_key_store"]["connection_state"] == "CONNECTING"
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTING"

    # The rerun finds the connection under way and waits for it instead of starting another one.
    result = succeeded(ansible.task(MODULE, task, options=["--diff"])[0])
    assert result["diff"]["before"]["connection_state"] == "CONNECTING"
    assert result["actions"] == []
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert_on_primary(describe(kms, store_id), bed)

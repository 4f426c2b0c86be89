# -*- coding: utf-8 -*-
"""Eventual consistency: after UpdateCustomKeyStore KMS keeps calling the proxy with the old values for a while."""

import time

import pytest

from testbed.kms import api_credential, connected_store, create_store, describe, wait_for

DELAY = 1.0


@pytest.fixture
def rotated(kms, bed, proxy, emulator):
    """A CONNECTED store whose credential was just rotated (new one added on the proxy first), with a 1 s delay."""
    emulator.set_settings(consistency_delay=DELAY)
    store_id = connected_store(kms, bed)
    primary = bed["xks_proxy_primary"]
    old, new = primary["credentials"][0], primary["spare_credentials"][0]
    proxy.add_credential("primary", primary["uri_path"], new)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyAuthenticationCredential=api_credential(new))
    updated = time.monotonic()
    return store_id, old, new, updated


def test_describe_shows_the_new_credential_at_once_but_kms_still_signs_with_the_old(kms, emulator, rotated):
    store_id, old, new, updated = rotated
    assert describe(kms, store_id)["XksProxyConfiguration"]["AccessKeyId"] == new["access_key_id"]
    check = emulator.health_check(store_id)
    assert time.monotonic() - updated < DELAY, "the machine was too slow to look inside the window"
    assert (check["healthy"], check["access_key_id"]) == (True, old["access_key_id"])


def test_removing_the_old_credential_too_early_breaks_kms_calls(emulator, proxy, bed, rotated):
    """Why the rotation guide says to keep the old credential on the proxy for a while."""
    store_id, old, new, updated = rotated
    proxy.remove_credential("primary", bed["xks_proxy_primary"]["uri_path"], old["access_key_id"])
    check = emulator.health_check(store_id)
    assert time.monotonic() - updated < DELAY, "the machine was too slow to look inside the window"
    assert (check["healthy"], check["connection_error_code"], check["access_key_id"]) == (False, "INVALID_CREDENTIALS", old["access_key_id"])
    # The proxy refused it (it no longer knows the signer's key).
    assert [entry["status"] for entry in proxy.requests("primary") if entry["kms_operation"] == "KmsHealthCheck"] == [401]


def test_after_the_delay_kms_uses_the_new_credential(emulator, proxy, bed, rotated):
    store_id, old, new, updated = rotated
    time.sleep(max(DELAY - (time.monotonic() - updated), 0) + 0.1)
    proxy.remove_credential("primary", bed["xks_proxy_primary"]["uri_path"], old["access_key_id"])
    check = emulator.health_check(store_id)
    assert (check["healthy"], check["access_key_id"]) == (True, new["access_key_id"])


def test_a_connect_inside_the_window_uses_the_old_values(kms, bed, emulator, proxy):
    """An offline edit: the reconnect right after it still reaches the old endpoint."""
    emulator.set_settings(consistency_delay=5.0, connect_delay=0.1)
    store_id = create_store(kms, bed)
    secondary = bed["xks_proxy_secondary"]
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyUriEndpoint=secondary["endpoint"], XksProxyUriPath=secondary["uri_path"],
                                XksProxyAuthenticationCredential=api_credential(secondary["credentials"][0]))
    proxy.clear_requests("primary")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = wait_for(kms, store_id, ("CONNECTED", "FAILED"))
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("CONNECTED", None)
    assert [entry["kms_operation"] for entry in proxy.requests("primary")] == ["ConnectCustomKeyStore"]


def test_without_a_delay_changes_are_effective_at_once(kms, bed, emulator, proxy):
    store_id = connected_store(kms, bed)
    primary = bed["xks_proxy_primary"]
    new = primary["spare_credentials"][0]
    proxy.add_credential("primary", primary["uri_path"], new)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyAuthenticationCredential=api_credential(new))
    assert emulator.health_check(store_id)["access_key_id"] == new["access_key_id"]

# -*- coding: utf-8 -*-
"""Two test beds at once, in one network namespace: each start picks its own ports and proxy addresses."""

from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

import testbed
from testbed.kms import connected_store, describe, kms_client

from testbed_helpers import BED_OPTIONS, error_code, health_request


def _addresses(bed):
    """Every loopback address the bed holds on port 443: its proxy instances and its unreachable endpoint."""
    return {bed["xks_proxy_" + name]["address"] for name in bed["xks_proxy_instances"]} | {urlsplit(bed["xks_unreachable_endpoint"]).hostname}


@pytest.fixture(scope="module")
def other_bed(bed, tmp_path_factory):
    """A second test bed beside the session's `bed`, started the same way."""
    with testbed.running(str(tmp_path_factory.mktemp("other-testbed")), **BED_OPTIONS) as document:
        yield document


@pytest.fixture
def other(other_bed):
    """The second bed, reset; yields (testbed.json, KMS client, proxy admin)."""
    testbed.EmulatorAdmin(other_bed["emulator_admin_url"]).reset()
    proxy = testbed.ProxyAdmin(other_bed["proxy_admin_url"])
    proxy.reset()
    return other_bed, kms_client(other_bed), proxy


def test_each_bed_has_its_own_ports_and_addresses(bed, other):
    other_bed = other[0]
    for key in ("kms_endpoint_url", "proxy_admin_url"):
        assert urlsplit(bed[key]).port != urlsplit(other_bed[key]).port
    assert not _addresses(bed) & _addresses(other_bed)
    assert testbed.status(bed["testbed_state_dir"])["running"] and testbed.status(other_bed["testbed_state_dir"])["running"]


def test_a_store_lives_in_its_own_bed_and_reaches_its_own_proxy(bed, kms, proxy, other):
    other_bed, other_kms, other_proxy = other
    # The same name in both: names are unique per KMS, and these are two KMSes.
    mine = connected_store(kms, bed, "twin")
    theirs = connected_store(other_kms, other_bed, "twin")
    assert mine != theirs
    for client, store_id, foreign_id in ((kms, mine, theirs), (other_kms, theirs, mine)):
        assert [s["CustomKeyStoreId"] for s in client.describe_custom_key_stores()["CustomKeyStores"]] == [store_id]
        with pytest.raises(ClientError) as excinfo:
            describe(client, foreign_id)
        assert error_code(excinfo) == "CustomKeyStoreNotFoundException"
    # Each emulator health-checked its own proxy, with its own credential (and trusted its own CA).
    for admin, document in ((proxy, bed), (other_proxy, other_bed)):
        seen = {entry["access_key_id"] for entry in admin.requests("primary")}
        assert seen == {document["xks_proxy_primary"]["credentials"][0]["access_key_id"]}


def test_a_fault_in_one_bed_leaves_the_other_alone(bed, proxy, other):
    other_bed = other[0]
    proxy.set_faults("primary", down=True)
    assert health_request(other_bed, other_bed["xks_proxy_primary"]["credentials"][0]).status_code == 200


def test_an_instance_that_is_down_keeps_its_address(bed, proxy, tmp_path):
    """While `down`, nothing listens on the instance's address; a test bed starting then must not take it."""
    proxy.set_faults("primary", down=True)
    with testbed.running(str(tmp_path)) as third:
        assert not _addresses(bed) & _addresses(third)
    proxy.clear_faults("primary")
    assert health_request(bed, bed["xks_proxy_primary"]["credentials"][0]).status_code == 200

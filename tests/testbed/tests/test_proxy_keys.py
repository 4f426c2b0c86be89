# -*- coding: utf-8 -*-
"""The proxy's external keys: the per-path key tables in testbed.json, GetKeyMetadata, the key managers' material."""

import json
import os
import stat

import pytest

from testbed import AdminError
from testbed_helpers import key_request

INSTANCES = ("primary", "secondary", "foreign")


def keys_of(bed, instance="primary"):
    return {key["id"]: key for key in bed["xks_proxy_" + instance]["external_keys"]}


def test_testbed_json_lists_the_default_key_set(bed):
    keys = list(keys_of(bed).values())
    assert all(key["key_spec"] == "AES_256" for key in keys)

    def has(usage, status="ENABLED"):
        return any(set(k["key_usage"]) & {"ENCRYPT", "DECRYPT"} == usage and k["key_status"] == status for k in keys)

    assert has({"ENCRYPT", "DECRYPT"})
    assert has({"ENCRYPT"})
    assert has({"DECRYPT"})
    assert has(set())
    assert has({"ENCRYPT", "DECRYPT"}, "DISABLED")


def test_three_instances_with_the_same_key_ids_and_two_key_managers(bed):
    assert bed["xks_proxy_instances"] == sorted(INSTANCES)
    assert keys_of(bed, "primary") == keys_of(bed, "secondary") == keys_of(bed, "foreign")
    managers = {name: bed["xks_proxy_" + name]["key_manager"] for name in INSTANCES}
    assert managers["primary"] == managers["secondary"] != managers["foreign"]
    addresses = {bed["xks_proxy_" + name]["address"] for name in INSTANCES}
    assert len(addresses) == 3 and all(address.startswith("127.") for address in addresses)


@pytest.mark.parametrize("instance", INSTANCES)
def test_metadata_of_every_listed_key(bed, instance):
    for key_id, key in keys_of(bed, instance).items():
        response = key_request(bed, "metadata", key_id, instance=instance)
        assert response.status_code == 200, key_id
        assert response.headers["Content-Type"] == "application/json"
        assert response.json() == {"keySpec": key["key_spec"], "keyUsage": key["key_usage"], "keyStatus": key["key_status"]}


def test_answers_are_single_line_json(bed):
    key_id = next(iter(keys_of(bed)))
    for response in (key_request(bed, "metadata", key_id), key_request(bed, "metadata", "no-such-key")):
        assert b"\n" not in response.content and response.json()


def test_unknown_key_is_404_key_not_found(bed):
    response = key_request(bed, "metadata", "no-such-key")
    assert response.status_code == 404
    assert response.json()["errorName"] == "KeyNotFoundException"


def test_a_key_of_another_path_is_not_found(bed, proxy):
    credential = bed["xks_proxy_primary"]["spare_credentials"][0]
    proxy.add_path("primary", "/tenant-b/kms/xks/v1", [credential],
                   [{"id": "tenant-b-key", "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"}])
    assert key_request(bed, "metadata", "tenant-b-key").status_code == 404
    listed = proxy.instance("primary")["external_keys"]["/tenant-b/kms/xks/v1"]
    assert [key["id"] for key in listed] == ["tenant-b-key"]


def test_put_and_remove_an_external_key(bed, proxy):
    path = bed["xks_proxy_primary"]["uri_path"]
    new = {"id": "rotated.key_v2", "key_spec": "AES_128", "key_usage": ["ENCRYPT", "DECRYPT", "WRAP"], "key_status": "DISABLED"}
    proxy.put_external_key("primary", path, new)
    expected = {"keySpec": "AES_128", "keyUsage": ["ENCRYPT", "DECRYPT", "WRAP"], "keyStatus": "DISABLED"}
    assert key_request(bed, "metadata", new["id"]).json() == expected
    # Only that path of that instance changed.
    assert key_request(bed, "metadata", new["id"], instance="secondary").status_code == 404
    proxy.remove_external_key("primary", path, new["id"])
    assert key_request(bed, "metadata", new["id"]).status_code == 404


def test_reset_restores_the_start_key_table(bed, proxy):
    path = bed["xks_proxy_primary"]["uri_path"]
    key_id = next(iter(keys_of(bed)))
    proxy.remove_external_key("primary", path, key_id)
    assert key_request(bed, "metadata", key_id).status_code == 404
    proxy.reset()
    assert key_request(bed, "metadata", key_id).status_code == 200


@pytest.mark.parametrize("key", [
    {"id": "bad/id", "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"},
    {"id": "k" * 129, "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"},
    {"id": "k", "key_spec": "aes", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"},
    {"id": "k", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "ENCRYPT"], "key_status": "ENABLED"},
    {"id": "k", "key_spec": "AES_256", "key_usage": ["encrypt"], "key_status": "ENABLED"},
    {"id": "k", "key_spec": "AES_256", "key_usage": "ENCRYPT", "key_status": "ENABLED"},
    {"id": "k", "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "PENDING"},
    "not an object",
])
def test_admin_rejects_bad_external_keys(bed, proxy, key):
    with pytest.raises(AdminError) as excinfo:
        proxy.put_external_key("primary", bed["xks_proxy_primary"]["uri_path"], key)
    assert excinfo.value.status == 400


def test_admin_rejects_a_key_table_with_a_duplicate_id(bed, proxy):
    key = {"id": "twice", "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"}
    with pytest.raises(AdminError) as excinfo:
        proxy.add_path("primary", "/dup/kms/xks/v1", bed["xks_proxy_primary"]["credentials"], [key, key])
    assert excinfo.value.status == 400 and "twice" in str(excinfo.value)


def _material(bed):
    with open(os.path.join(bed["testbed_state_dir"], "key-material.json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_key_material_is_random_per_key_manager_and_private(bed):
    path = os.path.join(bed["testbed_state_dir"], "key-material.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    material = _material(bed)
    managers = {bed["xks_proxy_" + name]["key_manager"] for name in INSTANCES}
    assert set(material) == managers
    first, second = (material[name] for name in sorted(managers))
    assert set(first) == set(second) == set(keys_of(bed))
    values = list(first.values()) + list(second.values())
    assert len(set(values)) == len(values)  # no two keys share material, not even across key managers


def test_key_material_is_never_published(bed, proxy):
    key_request(bed, "metadata", next(iter(keys_of(bed))))
    published = [json.dumps(bed), json.dumps(proxy.instances())]
    published += [json.dumps(proxy.requests(name)) for name in INSTANCES]
    with open(os.path.join(bed["testbed_state_dir"], "proxy.log"), encoding="utf-8", errors="replace") as handle:
        published.append(handle.read())
    for manager in _material(bed).values():
        for value in manager.values():
            assert not any(value in text for text in published)

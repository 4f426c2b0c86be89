# -*- coding: utf-8 -*-
"""A fleet in one test bed: accounts reached through sts:AssumeRole, Regions through the signing
Region; stores and keys kept apart per account and Region; a reset that keeps the fleet's identities;
the proxy accepting every fleet Region's signature (boto3 -> emulator -> proxy)."""

import pytest

from testbed.kms import connected_store, create_store, fleet_credentials, fleet_role_arn, kms_client

HUB, MEMBER = 0, 1
OTHER_REGION = "eu-west-1"


def member_account(bed):
    return bed["aws_fleet_accounts"][MEMBER]


def names(client):
    return [store["CustomKeyStoreName"] for store in client.describe_custom_key_stores()["CustomKeyStores"]]


@pytest.fixture
def member(bed):
    """A KMS client of another account of the fleet, in the default Region, through its fleet role."""
    return kms_client(bed, credentials=fleet_credentials(bed, member_account(bed)))


def test_the_fleet_in_testbed_json(bed):
    assert len(bed["aws_fleet_accounts"]) >= 4 and len(set(bed["aws_fleet_accounts"])) == len(bed["aws_fleet_accounts"])
    assert bed["aws_fleet_accounts"][HUB] == bed["aws_account_id"]
    assert len(bed["aws_fleet_regions"]) >= 5 and bed["aws_fleet_regions"][0] == bed["aws_region"]
    assert OTHER_REGION in bed["aws_fleet_regions"]


def test_an_assumed_role_acts_in_its_own_account(bed, member):
    sts = fleet_sts(bed)
    assert sts.get_caller_identity()["Account"] == member_account(bed)


def fleet_sts(bed):
    import boto3  # pylint: disable=import-outside-toplevel

    return boto3.client("sts", endpoint_url=bed["kms_endpoint_url"], region_name=bed["aws_region"],
                        **fleet_credentials(bed, member_account(bed)))


def test_a_store_is_invisible_from_another_account(kms, bed, member):
    create_store(kms, bed, "hub-store")
    assert names(kms) == ["hub-store"]
    assert names(member) == []
    # The same name and proxy are free in the other account (KMS's uniqueness is per account and Region).
    create_store(member, bed, "hub-store")
    assert names(member) == ["hub-store"]
    assert len({client.describe_custom_key_stores()["CustomKeyStores"][0]["CustomKeyStoreId"] for client in (kms, member)}) == 2


def test_a_store_is_invisible_from_another_region(kms, bed):
    create_store(kms, bed, "us-store")
    other = kms_client(bed, region=OTHER_REGION)
    assert names(other) == []
    create_store(other, bed, "us-store")
    assert names(other) == ["us-store"] and names(kms) == ["us-store"]
    assert other.describe_custom_key_stores()["CustomKeyStores"][0]["CustomKeyStoreId"] != \
        kms.describe_custom_key_stores()["CustomKeyStores"][0]["CustomKeyStoreId"]


def test_a_store_in_another_region_connects_with_that_regions_signature(bed, proxy):
    """KMS signs for the store's Region; the proxy serves every fleet Region (health check and keys)."""
    other = kms_client(bed, region=OTHER_REGION, credentials=fleet_credentials(bed, member_account(bed)))
    proxy.clear_requests("primary")
    store_id = connected_store(other, bed, "eu-store")
    key = other.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id,
                           XksKeyId=bed["xks_proxy_primary"]["external_keys"][0]["id"])["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:%s:%s:key/" % (OTHER_REGION, member_account(bed)))
    blob = other.encrypt(KeyId=key["KeyId"], Plaintext=b"fleet")["CiphertextBlob"]
    assert other.decrypt(CiphertextBlob=blob)["Plaintext"] == b"fleet"
    seen = proxy.requests("primary")
    assert {entry["xks_operation"] for entry in seen} >= {"GetHealthStatus", "GetKeyMetadata", "Encrypt", "Decrypt"}
    assert {(entry["signing_region"], entry["status"]) for entry in seen} == {(OTHER_REGION, 200)}


def test_a_region_outside_the_fleet_fails_to_connect(bed):
    """The proxy refuses a signature for a Region it does not serve: KMS's authentication failure."""
    outside = kms_client(bed, region="ap-northeast-3")
    with pytest.raises(outside.exceptions.XksProxyIncorrectAuthenticationCredentialException):
        create_store(outside, bed, "outside")


def test_a_key_is_invisible_from_another_account(kms, bed, member):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(member.exceptions.NotFoundException):
        member.describe_key(KeyId=key_id)


def test_a_reset_keeps_the_fleets_identities(bed, emulator):
    """Credentials from AssumeRole before a reset still act in their own account after it."""
    credentials = fleet_credentials(bed, member_account(bed))
    emulator.reset()
    member = kms_client(bed, credentials=credentials)
    create_store(member, bed, "after-reset")
    assert names(kms_client(bed)) == []
    assert names(member) == ["after-reset"]


def test_every_fleet_account_has_its_role(bed):
    import boto3  # pylint: disable=import-outside-toplevel

    for account in bed["aws_fleet_accounts"]:
        iam = boto3.client("iam", endpoint_url=bed["kms_endpoint_url"], region_name=bed["aws_region"],
                           **fleet_credentials(bed, account))
        assert iam.get_role(RoleName=bed["aws_fleet_role_name"])["Role"]["Arn"] == fleet_role_arn(bed, account)


def test_the_call_log_names_account_and_region(bed, emulator, member):
    emulator.clear_calls()
    member.describe_custom_key_stores()
    kms_client(bed, region=OTHER_REGION).describe_custom_key_stores()
    calls = [(call["account_id"], call["region"]) for call in emulator.calls()["calls"]]
    assert calls == [(member_account(bed), bed["aws_region"]), (bed["aws_account_id"], OTHER_REGION)]

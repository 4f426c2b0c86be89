# -*- coding: utf-8 -*-
"""What KMS itself says, read with plain boto3 against the emulator: for the tests of the test bed and the
end-to-end tests (never through the modules under test)."""

import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# The test bed applies KMS's request quotas (5 DescribeCustomKeyStores per second, shared with the
# modules under test): an observer waits for room instead of failing the test. (Only Describe: set-up
# calls come right after a reset, which empties the quotas, and must meet an injected throttle.)
THROTTLED_RETRY_DELAY = 0.25
THROTTLED_ATTEMPTS = 40
# An observer polls at most 3 times a second, leaving the rest of that quota to the modules it watches
# (a suite that runs the test bed without quotas may lower it).
MIN_POLL_INTERVAL = 0.34


def kms_client(bed, region=None, retries=1, credentials=None):
    """A KMS client of the emulator: the hub's dummy credentials, or `credentials` (e.g. fleet_credentials())."""
    credentials = credentials or hub_credentials(bed)
    return boto3.client("kms", endpoint_url=bed["kms_endpoint_url"], region_name=region or bed["aws_region"],
                        config=Config(retries={"total_max_attempts": retries, "mode": "standard"}), **credentials)


def hub_credentials(bed):
    """The test bed's dummy credentials: moto's default account, the fleet's hub."""
    return {"aws_access_key_id": bed["aws_access_key"], "aws_secret_access_key": bed["aws_secret_key"]}


def fleet_role_arn(bed, account):
    return "arn:aws:iam::%s:role/%s" % (account, bed["aws_fleet_role_name"])


def fleet_credentials(bed, account, session_name="testbed"):
    """Temporary credentials of `account`'s fleet role, from sts:AssumeRole with the hub's credentials
    (what a playbook does with amazon.aws.sts_assume_role)."""
    sts = boto3.client("sts", endpoint_url=bed["kms_endpoint_url"], region_name=bed["aws_region"], **hub_credentials(bed))
    found = sts.assume_role(RoleArn=fleet_role_arn(bed, account), RoleSessionName=session_name)["Credentials"]
    return {"aws_access_key_id": found["AccessKeyId"], "aws_secret_access_key": found["SecretAccessKey"],
            "aws_session_token": found["SessionToken"]}


def api_credential(credential):
    return {"AccessKeyId": credential["access_key_id"], "RawSecretAccessKey": credential["raw_secret_access_key"]}


def store_arguments(bed, name, instance="primary", **overrides):
    """CreateCustomKeyStore arguments for a PUBLIC store on a test bed proxy instance."""
    proxy = bed["xks_proxy_" + instance]
    arguments = {
        "CustomKeyStoreName": name,
        "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyConnectivity": "PUBLIC_ENDPOINT",
        "XksProxyUriEndpoint": proxy["endpoint"],
        "XksProxyUriPath": proxy["uri_path"],
        "XksProxyAuthenticationCredential": api_credential(proxy["credentials"][0]),
    }
    arguments.update(overrides)
    return arguments


def create_store(kms, bed, name="store", instance="primary", **overrides):
    return kms.create_custom_key_store(**store_arguments(bed, name, instance, **overrides))["CustomKeyStoreId"]


def within_quota(call, *args, **kwargs):
    """`call(...)`, again after a short sleep while KMS answers ThrottlingException (its request quota)."""
    for _attempt in range(THROTTLED_ATTEMPTS - 1):
        try:
            return call(*args, **kwargs)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ThrottlingException":
                raise
            time.sleep(THROTTLED_RETRY_DELAY)
    return call(*args, **kwargs)


def describe(kms, store_id):
    return within_quota(kms.describe_custom_key_stores, CustomKeyStoreId=store_id)["CustomKeyStores"][0]


def wait_for(kms, store_id, states, timeout=15.0, interval=None):
    """Poll until the store is in one of `states` (at most every MIN_POLL_INTERVAL s); returns its entry."""
    interval = max(interval or 0, MIN_POLL_INTERVAL)
    deadline = time.monotonic() + timeout
    while True:
        entry = describe(kms, store_id)
        if entry["ConnectionState"] in states:
            return entry
        if time.monotonic() > deadline:
            raise AssertionError("store %s still %s after %s s" % (store_id, entry["ConnectionState"], timeout))
        time.sleep(interval)


def connected_store(kms, bed, name="store", instance="primary", **overrides):
    store_id = create_store(kms, bed, name, instance, **overrides)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] == "CONNECTED"
    return store_id

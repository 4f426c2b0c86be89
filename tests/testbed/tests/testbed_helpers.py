# -*- coding: utf-8 -*-
"""Helpers shared by the test bed's own tests (clients, store set-up, signed proxy requests)."""

import json
import time
import uuid
from unittest import mock

import boto3
import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def kms_client(bed, region=None, retries=1):
    return boto3.client("kms", endpoint_url=bed["kms_endpoint_url"], region_name=region or bed["aws_region"],
                        aws_access_key_id=bed["aws_access_key"], aws_secret_access_key=bed["aws_secret_key"],
                        config=Config(retries={"total_max_attempts": retries, "mode": "standard"}))


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


def describe(kms, store_id):
    return kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]


def wait_for(kms, store_id, states, timeout=10.0):
    """Poll until the store is in one of `states`; returns its entry."""
    deadline = time.monotonic() + timeout
    while True:
        entry = describe(kms, store_id)
        if entry["ConnectionState"] in states:
            return entry
        if time.monotonic() > deadline:
            raise AssertionError("store %s still %s after %s s" % (store_id, entry["ConnectionState"], timeout))
        time.sleep(0.05)


def connected_store(kms, bed, name="store", instance="primary", **overrides):
    store_id = create_store(kms, bed, name, instance, **overrides)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] == "CONNECTED"
    return store_id


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def health_request(bed, credential, instance="primary", uri_path=None, region=None, service="kms-xks-proxy",
                   method="POST", when=None, host=None, body=None, suffix="/health"):
    """Send a SigV4-signed GetHealthStatus straight to a proxy instance; returns the requests response."""
    proxy = bed["xks_proxy_" + instance]
    url = "https://%s%s%s" % (host or proxy["address"], uri_path or proxy["uri_path"], suffix)
    if body is None:
        body = json.dumps({"requestMetadata": {"kmsRequestId": str(uuid.uuid4()), "kmsOperation": "KmsHealthCheck"}})
    request = AWSRequest(method=method, url=url, data=body)
    signer = botocore.auth.SigV4Auth(Credentials(credential["access_key_id"], credential["raw_secret_access_key"]), service,
                                     region or bed["aws_region"])
    if when is None:
        signer.add_auth(request)
    else:
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
            signer.add_auth(request)
    headers = dict(request.headers.items())
    headers["Content-Type"] = "application/json"
    return requests.request(method, url, data=body, headers=headers, verify=bed["xks_ca_file"], timeout=10)

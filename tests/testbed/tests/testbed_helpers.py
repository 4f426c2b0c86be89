# -*- coding: utf-8 -*-
"""Helpers shared by the test bed's own tests (clients, store set-up, signed proxy requests)."""

import base64
import json
import uuid
from unittest import mock

import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Short transitions keep the suite fast; tests that need another value set it through the admin API.
# KMS's request quotas are on by default; the rules are tested one by one here, so the suite turns
# them off and test_emulator_quotas.py turns them on.
BED_OPTIONS = {"connect_delay": 0.3, "disconnect_delay": 0.3, "quota_scale": 0}


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


# The XKS key operations, as KMS sends them (requestMetadata members the spec marks REQUIRED).
PRINCIPAL_ARN = "arn:aws:iam::123456789012:user/Alice"
KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KMS_OPERATIONS = {"metadata": "CreateKey", "encrypt": "Encrypt", "decrypt": "Decrypt"}


def b64(data):
    return base64.b64encode(data).decode("ascii")


def request_metadata(operation):
    metadata = {"awsPrincipalArn": PRINCIPAL_ARN, "kmsOperation": KMS_OPERATIONS[operation], "kmsRequestId": str(uuid.uuid4())}
    if operation != "metadata":
        metadata["kmsKeyArn"] = KMS_KEY_ARN
    return metadata


def key_request(bed, operation, key_id, instance="primary", credential=None, raw_body=None, **members):
    """POST .../keys/<key_id>/<operation> (metadata, encrypt, decrypt), signed with the instance's live credential."""
    if raw_body is None:
        raw_body = json.dumps(dict(members, requestMetadata=request_metadata(operation)))
    credential = credential or bed["xks_proxy_" + instance]["credentials"][0]
    return health_request(bed, credential, instance=instance, body=raw_body, suffix="/keys/%s/%s" % (key_id, operation))


def encrypt(bed, key_id, plaintext, aad=None, cdiv=False, instance="primary"):
    members = {"plaintext": b64(plaintext), "encryptionAlgorithm": "AES_GCM"}
    if aad is not None:
        members["additionalAuthenticatedData"] = b64(aad)
    if cdiv:
        members["ciphertextDataIntegrityValueAlgorithm"] = "SHA_256"
    return key_request(bed, "encrypt", key_id, instance=instance, **members)


def decrypt(bed, key_id, sealed, aad=None, instance="primary", **overrides):
    """Decrypt an Encrypt answer `sealed` (its JSON document); `overrides` replace request members."""
    members = {name: sealed[name] for name in ("ciphertext", "initializationVector", "authenticationTag", "ciphertextMetadata")
               if name in sealed}
    members["encryptionAlgorithm"] = "AES_GCM"
    if aad is not None:
        members["additionalAuthenticatedData"] = b64(aad)
    members.update(overrides)
    members = {name: value for name, value in members.items() if value is not None}
    return key_request(bed, "decrypt", key_id, instance=instance, **members)


def external_key_id(bed, instance="primary", usage=("ENCRYPT", "DECRYPT"), status="ENABLED", skip=()):
    """The id of an external key of the instance's start path (testbed.json) with exactly that usage and status."""
    for key in bed["xks_proxy_" + instance]["external_keys"]:
        if sorted(key["key_usage"]) == sorted(usage) and key["key_status"] == status and key["id"] not in skip:
            return key["id"]
    raise LookupError("no external key with usage %s and status %s on %s" % (usage, status, instance))

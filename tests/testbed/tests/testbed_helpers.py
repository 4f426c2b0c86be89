# -*- coding: utf-8 -*-
"""Helpers shared by the test bed's own tests (clients, store set-up, signed proxy requests)."""

import json
import uuid
from unittest import mock

import botocore.auth
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Short transitions keep the suite fast; tests that need another value set it through the admin API.
BED_OPTIONS = {"connect_delay": 0.3, "disconnect_delay": 0.3}


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

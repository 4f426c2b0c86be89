# -*- coding: utf-8 -*-
"""Requests KMS refuses before any action: unsigned, incompletely signed, a body that is not JSON. KMS answers
its JSON error (botocore reads it), never an HTML page."""

import pytest
import requests

from testbed.sigv4 import sign

TARGET = "TrentService.DescribeCustomKeyStores"


def _post(bed, body, headers):
    return requests.post(bed["kms_endpoint_url"], data=body, headers=headers, timeout=5)


def _signed_headers(bed, body):
    return sign("POST", bed["kms_endpoint_url"] + "/", body, bed["aws_access_key"], bed["aws_secret_key"], bed["aws_region"],
                service="kms", headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"})


def _kms_error(response):
    assert response.headers["Content-Type"].startswith("application/x-amz-json-1.1")
    document = response.json()
    return response.status_code, document["__type"], document["message"]


def test_an_unsigned_request_gets_missing_authentication_token(bed):
    response = _post(bed, "{}", {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"})
    assert _kms_error(response) == (400, "MissingAuthenticationTokenException", "Missing Authentication Token")


@pytest.mark.parametrize("authorization, missing", [
    ("AWS4-HMAC-SHA256 Credential=KMSXKSTESTBEDDUMMY/20240101/us-east-1/kms/aws4_request, SignedHeaders=host", "'Signature'"),
    ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", "'Credential'"),
    ("AWS4-HMAC-SHA256 Credential=nothing, SignedHeaders=host, Signature=abc", "malformed 'Credential'"),
    ("Basic dXNlcjpwYXNz", "AWS4-HMAC-SHA256"),
])
def test_an_incomplete_signature_is_refused(bed, authorization, missing):
    headers = {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": "20240101T000000Z",
               "Authorization": authorization}
    status, error_type, message = _kms_error(_post(bed, "{}", headers))
    assert (status, error_type) == (400, "IncompleteSignatureException")
    assert missing in message


def test_a_signature_needs_a_date(bed):
    headers = _signed_headers(bed, "{}")
    del headers["X-Amz-Date"]
    status, error_type, message = _kms_error(_post(bed, "{}", headers))
    assert (status, error_type) == (400, "IncompleteSignatureException")
    assert "X-Amz-Date" in message


@pytest.mark.parametrize("body", ["not json", "{\"CustomKeyStoreId\": ", "[1, 2]", "\"text\""])
def test_a_body_that_is_not_a_json_object_gets_serialization_exception(bed, body):
    status, error_type, _message = _kms_error(_post(bed, body, _signed_headers(bed, body)))
    assert (status, error_type) == (400, "SerializationException")


def test_a_well_formed_request_still_works(bed):
    response = _post(bed, "{}", _signed_headers(bed, "{}"))
    assert response.status_code == 200
    assert response.json()["CustomKeyStores"] == []

# -*- coding: utf-8 -*-
"""The proxy's errors for the key operations: malformed requests, the order of checks, and the fault switches."""

import json
import socket
import time

import pytest
import requests

from testbed_helpers import b64, encrypt, health_request, key_request, request_metadata

KEY = "xks-key-1"
OPERATIONS = ("metadata", "encrypt", "decrypt")


def error_of(response):
    return response.status_code, response.json()["errorName"]


def valid_members(operation):
    """The members (besides requestMetadata) of a well-formed request to `operation`."""
    if operation == "encrypt":
        return {"plaintext": b64(b"x"), "encryptionAlgorithm": "AES_GCM"}
    if operation == "decrypt":
        return {"ciphertext": b64(b"x"), "initializationVector": b64(b"\0" * 12), "authenticationTag": b64(b"\0" * 16),
                "encryptionAlgorithm": "AES_GCM"}
    return {}


def body(operation, drop_metadata=(), **changes):
    document = dict(valid_members(operation), requestMetadata=request_metadata(operation))
    for member in drop_metadata:
        del document["requestMetadata"][member]
    document.update(changes)
    return json.dumps({name: value for name, value in document.items() if value is not None})


MALFORMED = [
    ("metadata", "not json", "{"),
    ("metadata", "not an object", "[]"),
    ("metadata", "empty object", "{}"),
    ("metadata", "empty requestMetadata", '{"requestMetadata": {}}'),
    ("metadata", "no awsPrincipalArn", body("metadata", drop_metadata=["awsPrincipalArn"])),
    ("metadata", "kmsRequestId not a string",
     body("metadata", requestMetadata={"awsPrincipalArn": "a", "kmsOperation": "CreateKey", "kmsRequestId": 7})),
    ("encrypt", "no kmsKeyArn", body("encrypt", drop_metadata=["kmsKeyArn"])),
    ("encrypt", "no plaintext", body("encrypt", plaintext=None)),
    ("encrypt", "plaintext not Base64", body("encrypt", plaintext="not base64!")),
    ("encrypt", "plaintext not a string", body("encrypt", plaintext=12)),
    ("encrypt", "no algorithm", body("encrypt", encryptionAlgorithm=None)),
    ("encrypt", "other algorithm", body("encrypt", encryptionAlgorithm="AES_CBC")),
    ("encrypt", "other CDIV algorithm", body("encrypt", ciphertextDataIntegrityValueAlgorithm="SHA_1")),
    ("encrypt", "AAD not Base64", body("encrypt", additionalAuthenticatedData="%%%")),
    ("decrypt", "no ciphertext", body("decrypt", ciphertext=None)),
    ("decrypt", "no IV", body("decrypt", initializationVector=None)),
    ("decrypt", "no tag", body("decrypt", authenticationTag=None)),
    ("decrypt", "other algorithm", body("decrypt", encryptionAlgorithm="AES_CTR")),
    ("decrypt", "metadata over 20 bytes", body("decrypt", ciphertextMetadata=b64(b"m" * 21))),
]


@pytest.mark.parametrize("operation, case, raw_body", MALFORMED, ids=[case for _op, case, _body in MALFORMED])
def test_malformed_requests_are_400_validation(bed, operation, case, raw_body):
    assert error_of(key_request(bed, operation, KEY, raw_body=raw_body)) == (400, "ValidationException")


def test_unknown_request_members_and_kms_operations_are_accepted(bed):
    raw = json.loads(body("metadata"))
    raw["requestMetadata"].update(kmsOperation="SomeFutureOperation", awsSourceVpc="vpc-1", kmsViaService="ebs")
    raw["somethingNew"] = True
    assert key_request(bed, "metadata", KEY, raw_body=json.dumps(raw)).status_code == 200


@pytest.mark.parametrize("raw_body", ["{}", '{"requestMetadata": {}}', '{"requestMetadata": {"kmsOperation": "KmsHealthCheck"}}'])
def test_health_without_its_request_metadata_is_400_validation(bed, raw_body):
    # What AWS's test client expects, although the spec's table exempts GetHealthStatus (README).
    response = health_request(bed, bed["xks_proxy_primary"]["credentials"][0], body=raw_body)
    assert error_of(response) == (400, "ValidationException")


# Order of checks: path, then signature, then request shape, then the key

@pytest.mark.parametrize("operation", OPERATIONS)
def test_unknown_path_comes_before_authentication(bed, operation):
    proxy = bed["xks_proxy_primary"]
    response = requests.post("https://%s/nope/kms/xks/v1/keys/%s/%s" % (proxy["address"], KEY, operation), data="{",
                             verify=bed["xks_ca_file"], timeout=5)
    assert error_of(response) == (404, "InvalidUriPathException")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_authentication_comes_before_the_request_shape(bed, operation):
    stranger = bed["xks_proxy_primary"]["spare_credentials"][0]
    assert error_of(key_request(bed, operation, KEY, credential=stranger, raw_body="{")) == (401, "AuthenticationFailedException")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_request_shape_comes_before_the_key(bed, operation):
    assert error_of(key_request(bed, operation, "no-such-key", raw_body="{}")) == (400, "ValidationException")


def test_key_status_comes_before_key_usage(bed, proxy):
    proxy.put_external_key("primary", bed["xks_proxy_primary"]["uri_path"],
                           {"id": "off-and-useless", "key_spec": "AES_256", "key_usage": [], "key_status": "DISABLED"})
    assert error_of(encrypt(bed, "off-and-useless", b"x")) == (400, "InvalidStateException")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_get_on_a_key_uri_is_405(bed, operation):
    proxy = bed["xks_proxy_primary"]
    response = requests.get("https://%s%s/keys/%s/%s" % (proxy["address"], proxy["uri_path"], KEY, operation),
                            verify=bed["xks_ca_file"], timeout=5)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


# Fault switches apply to every operation

@pytest.mark.parametrize("operation", OPERATIONS)
def test_wrong_path_fault(bed, proxy, operation):
    proxy.set_faults("primary", wrong_path=True)
    assert error_of(key_request(bed, operation, KEY, raw_body=body(operation))) == (404, "InvalidUriPathException")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_unhealthy_fault_makes_key_operations_fail_503(bed, proxy, operation):
    proxy.set_faults("primary", unhealthy=True)
    assert error_of(key_request(bed, operation, KEY, raw_body=body(operation))) == (503, "DependencyTimeoutException")
    proxy.clear_faults("primary")
    assert key_request(bed, "metadata", KEY).status_code == 200


def test_degraded_fault_still_serves_keys(bed, proxy):
    proxy.set_faults("primary", degraded=True)
    sealed = encrypt(bed, KEY, b"x").json()
    assert "ciphertext" in sealed


@pytest.mark.parametrize("operation", OPERATIONS)
def test_slow_fault(bed, proxy, operation):
    proxy.set_faults("primary", slow_ms=300)
    began = time.monotonic()
    key_request(bed, operation, KEY, raw_body=body(operation))
    assert time.monotonic() - began >= 0.3


@pytest.mark.parametrize("operation", OPERATIONS)
def test_down_fault(bed, proxy, operation):
    proxy.set_faults("primary", down=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        key_request(bed, operation, KEY, raw_body=body(operation))
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((bed["xks_proxy_primary"]["address"], 443), timeout=2).close()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_invalid_response_fault(bed, proxy, operation):
    proxy.set_faults("primary", invalid_response=True)
    response = key_request(bed, operation, KEY, raw_body=body(operation))
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


ERRORS = [("ValidationException", 400), ("InvalidStateException", 400), ("InvalidCiphertextException", 400),
          ("InvalidKeyUsageException", 400), ("AuthenticationFailedException", 401), ("AccessDeniedException", 403),
          ("KeyNotFoundException", 404), ("InvalidUriPathException", 404), ("ThrottlingException", 429),
          ("InternalException", 500), ("UnsupportedOperationException", 501), ("DependencyTimeoutException", 503)]


@pytest.mark.parametrize("name, status", ERRORS)
def test_error_fault_answers_each_spec_error_with_its_status(bed, proxy, name, status):
    proxy.set_faults("primary", error=name)
    for operation in OPERATIONS:
        response = key_request(bed, operation, KEY, raw_body=body(operation))
        assert error_of(response) == (status, name)
        assert b"\n" not in response.content
        message = response.json()["errorMessage"]
        assert len(message) < 512 and all(0x20 <= ord(c) <= 0x7E for c in message)


def test_the_request_log_names_the_error(bed, proxy):
    key_request(bed, "metadata", "no-such-key")
    entry = proxy.requests("primary")[-1]
    assert (entry["xks_operation"], entry["external_key_id"], entry["status"], entry["error_name"]) == \
        ("GetKeyMetadata", "no-such-key", 404, "KeyNotFoundException")

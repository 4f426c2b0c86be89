# -*- coding: utf-8 -*-
"""The XKS key operations (spec v1.0.3): request validation, GetKeyMetadata, Encrypt, Decrypt.

AES-256-GCM with a 12-byte random IV and a 16-byte tag; the AAD given to AES-GCM is the spec's
layout `u16 len(AAD) || AAD || u8 len(ciphertextMetadata) || ciphertextMetadata`, so the tag also
covers the metadata. Plaintext never reaches a log or an error message.
"""

import base64
import binascii
import hashlib
import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Spec minimums, which are also this proxy's maximums: beyond them, 501 UnsupportedOperationException.
MAX_DATA_BYTES = 4300
MAX_AAD_BYTES = 8192
MAX_METADATA_BYTES = 20
IV_BYTES = 12
IV_SIZES = (12, 16)
TAG_BYTES = 16
# Names the AAD layout (spec: a proxy SHOULD record its layout in ciphertextMetadata).
CIPHERTEXT_METADATA = b"kms.xks-tb aad=v1"

# requestMetadata members each API marks REQUIRED.
REQUIRED_METADATA = {
    "health": ("kmsOperation", "kmsRequestId"),
    "metadata": ("awsPrincipalArn", "kmsOperation", "kmsRequestId"),
    "encrypt": ("awsPrincipalArn", "kmsKeyArn", "kmsOperation", "kmsRequestId"),
    "decrypt": ("awsPrincipalArn", "kmsKeyArn", "kmsOperation", "kmsRequestId"),
}


class XksError(Exception):
    """An error answer: errorName (its status comes from the spec's table) and errorMessage."""

    def __init__(self, error_name, message):
        super().__init__(message)
        self.error_name = error_name
        self.message = message


def _validation(message):
    return XksError("ValidationException", message)


def parse_request(operation, raw_body):
    """The decoded body of a request to `operation` (health, metadata, encrypt, decrypt), or XksError."""
    try:
        body = json.loads(raw_body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _validation("The request body is not JSON") from None
    if not isinstance(body, dict):
        raise _validation("The request body must be a JSON object")
    metadata = body.get("requestMetadata")
    if not isinstance(metadata, dict):
        raise _validation("requestMetadata is required")
    for member in REQUIRED_METADATA[operation]:
        if not isinstance(metadata.get(member), str):
            raise _validation("requestMetadata.%s is required" % member)
    return body


def _base64_member(body, name, required, limit=None, limit_error="UnsupportedOperationException"):
    """Decoded bytes of a Base64 member (b"" when absent and optional)."""
    value = body.get(name)
    if value is None:
        if required:
            raise _validation("%s is required" % name)
        return b""
    if not isinstance(value, str):
        raise _validation("%s must be a Base64 string" % name)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _validation("%s is not valid Base64" % name) from None
    if limit is not None and len(data) > limit:
        raise XksError(limit_error, "%s is longer than %d bytes" % (name, limit))
    return data


def _check_algorithm(body):
    if body.get("encryptionAlgorithm") != "AES_GCM":
        raise _validation("encryptionAlgorithm must be AES_GCM")


def encrypt_request(body):
    """{plaintext, aad, cdiv}: the validated inputs of an Encrypt request."""
    _check_algorithm(body)
    cdiv = body.get("ciphertextDataIntegrityValueAlgorithm")
    if cdiv is not None and cdiv != "SHA_256":
        raise _validation("ciphertextDataIntegrityValueAlgorithm must be SHA_256")
    return {
        "plaintext": _base64_member(body, "plaintext", True, MAX_DATA_BYTES),
        "aad": _base64_member(body, "additionalAuthenticatedData", False, MAX_AAD_BYTES),
        "cdiv": cdiv is not None,
    }


def decrypt_request(body):
    """{ciphertext, aad, metadata, iv, tag}: the validated inputs of a Decrypt request."""
    _check_algorithm(body)
    return {
        "ciphertext": _base64_member(body, "ciphertext", True, MAX_DATA_BYTES),
        "aad": _base64_member(body, "additionalAuthenticatedData", False, MAX_AAD_BYTES),
        "metadata": _base64_member(body, "ciphertextMetadata", False, MAX_METADATA_BYTES, "ValidationException"),
        "iv": _base64_member(body, "initializationVector", True),
        "tag": _base64_member(body, "authenticationTag", True),
    }


def ekm_aad(aad, metadata):
    """The AAD the key manager's AES-GCM sees (spec, Encrypt: lengths included so bytes cannot move between the two)."""
    return struct.pack(">H", len(aad)) + aad + struct.pack(">B", len(metadata)) + metadata


def integrity_value(aad, metadata, iv, ciphertext, tag):
    """Spec, Appendix C: SHA-256 over AAD || ciphertextMetadata || IV || ciphertext || tag (no lengths)."""
    return hashlib.sha256(aad + metadata + iv + ciphertext + tag).digest()


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _require_enabled(key):
    if key["key_status"] != "ENABLED":
        raise XksError("InvalidStateException", "The external key is disabled in the key manager")


def _require_usage(key, usage):
    if key["key_spec"] != "AES_256" or usage not in key["key_usage"]:
        raise XksError("InvalidKeyUsageException", "The external key does not support %s" % usage)


def get_key_metadata(key):
    return {"keySpec": key["key_spec"], "keyUsage": list(key["key_usage"]), "keyStatus": key["key_status"]}


def _open(material, iv, ciphertext, tag, aad, metadata):
    if len(iv) not in IV_SIZES or len(tag) != TAG_BYTES:
        raise XksError("InvalidCiphertextException", "The initialization vector or authentication tag has the wrong size")
    try:
        return AESGCM(material).decrypt(iv, ciphertext + tag, ekm_aad(aad, metadata))
    except InvalidTag:
        raise XksError("InvalidCiphertextException",
                       "The ciphertext, initialization vector, additional authenticated data or tag is invalid") from None


def encrypt(key, material, request):
    _require_enabled(key)
    _require_usage(key, "ENCRYPT")
    if request["cdiv"]:
        # The integrity value promises that a decrypt will succeed: the proxy proves it with one (Appendix C).
        _require_usage(key, "DECRYPT")
    iv, metadata = os.urandom(IV_BYTES), CIPHERTEXT_METADATA
    sealed = AESGCM(material).encrypt(iv, request["plaintext"], ekm_aad(request["aad"], metadata))
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    answer = {"ciphertext": _b64(ciphertext), "ciphertextMetadata": _b64(metadata),
              "initializationVector": _b64(iv), "authenticationTag": _b64(tag)}
    if request["cdiv"]:
        # Appendix C order: the value first, then the verification decrypt, so a later bit flip cannot hide.
        value = integrity_value(request["aad"], metadata, iv, ciphertext, tag)
        _open(material, iv, ciphertext, tag, request["aad"], metadata)
        answer["ciphertextDataIntegrityValue"] = _b64(value)
    return answer


def decrypt(key, material, request):
    _require_enabled(key)
    _require_usage(key, "DECRYPT")
    plaintext = _open(material, request["iv"], request["ciphertext"], request["tag"], request["aad"], request["metadata"])
    return {"plaintext": _b64(plaintext)}

# -*- coding: utf-8 -*-
"""Double encryption of an XKS key, as KMS documents it: KMS's own layer first, then the proxy's.

Encrypt: AES-256-GCM under the KMS key's own material (moto's per-key `key_material`, which never
leaves the emulator), AAD = blob header + encryption context; that inner ciphertext is the plaintext
of the proxy's Encrypt, with the encryption context as `additionalAuthenticatedData` and the CDIV
requested and checked. Decrypt reverses the order: the proxy first, then the inner layer.

The blob format is the emulator's own (KMS's is not documented):

    key id (36 ASCII bytes, as moto's blobs, so Decrypt finds the key)   \\ header, bound into the
    version (1 byte, 1)                                                  / inner layer's AAD
    IV length (1 byte) || IV (12 or 16) || tag (16)                      the proxy's answer
    metadata length (1 byte) || ciphertextMetadata (0-20)
    ciphertext (the rest; its length is the inner ciphertext's: plaintext + 28)
"""

import base64
import hashlib
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .proxy_client import BAD_INNER_CIPHERTEXT, MALFORMED, ProxyFailure

KEY_ID_LENGTH = 36
VERSION = 1
INNER_IV_LENGTH = 12
TAG_LENGTH = 16
IV_LENGTHS = (12, 16)
MAX_METADATA = 20


class BadBlob(Exception):
    """The blob is not one of ours: KMS answers InvalidCiphertextException without asking the proxy."""


def blob_key_id(blob):
    """The KMS key id a blob names (moto's and ours start the same way), or None."""
    try:
        return blob[:KEY_ID_LENGTH].decode("ascii")
    except UnicodeDecodeError:
        return None


def context_bytes(encryption_context):
    """The encryption context as AAD bytes: canonical JSON (sorted, no spaces), empty for no context."""
    if not encryption_context:
        return b""
    return json.dumps(encryption_context, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _unb64(value):
    if not isinstance(value, str):
        raise ProxyFailure(MALFORMED)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ProxyFailure(MALFORMED)


def _header(key_id):
    return key_id.encode("ascii") + bytes([VERSION])


def integrity_value(aad, metadata, iv, ciphertext, tag):
    """The spec's CDIV (Appendix C): SHA-256 over the decoded fields, concatenated without lengths."""
    return hashlib.sha256(aad + metadata + iv + ciphertext + tag).digest()


def encrypt(key, plaintext, encryption_context, send):
    """The blob for `plaintext` under XKS key `key`; `send(operation, fields)` calls the key's proxy."""
    header = _header(key.id)
    aad = context_bytes(encryption_context)
    inner_iv = os.urandom(INNER_IV_LENGTH)
    inner = inner_iv + AESGCM(key.key_material).encrypt(inner_iv, plaintext, header + aad)
    fields = {"plaintext": _b64(inner), "encryptionAlgorithm": "AES_GCM", "ciphertextDataIntegrityValueAlgorithm": "SHA_256"}
    if aad:
        fields["additionalAuthenticatedData"] = _b64(aad)
    answer = send("encrypt", fields)
    ciphertext = _unb64(answer.get("ciphertext"))
    iv = _unb64(answer.get("initializationVector"))
    tag = _unb64(answer.get("authenticationTag"))
    metadata = _unb64(answer["ciphertextMetadata"]) if answer.get("ciphertextMetadata") is not None else b""
    if len(ciphertext) != len(inner) or len(iv) not in IV_LENGTHS or len(tag) != TAG_LENGTH or len(metadata) > MAX_METADATA:
        raise ProxyFailure(MALFORMED)
    # KMS recomputes the CDIV and fails the call on a mismatch (spec, Encrypt).
    if _unb64(answer.get("ciphertextDataIntegrityValue")) != integrity_value(aad, metadata, iv, ciphertext, tag):
        raise ProxyFailure(MALFORMED)
    return header + bytes([len(iv)]) + iv + tag + bytes([len(metadata)]) + metadata + ciphertext


def _parse(blob):
    """(header, iv, tag, metadata, ciphertext) of one of our blobs; BadBlob when it cannot be one."""
    position = KEY_ID_LENGTH
    if len(blob) < position + 2 or blob[position] != VERSION:
        raise BadBlob()
    header = blob[:position + 1]
    position += 1
    iv_length = blob[position]
    position += 1
    if iv_length not in IV_LENGTHS or len(blob) < position + iv_length + TAG_LENGTH + 1:
        raise BadBlob()
    iv = blob[position:position + iv_length]
    position += iv_length
    tag = blob[position:position + TAG_LENGTH]
    position += TAG_LENGTH
    metadata_length = blob[position]
    position += 1
    if metadata_length > MAX_METADATA:
        raise BadBlob()
    metadata = blob[position:position + metadata_length]
    ciphertext = blob[position + metadata_length:]
    if len(metadata) != metadata_length or len(ciphertext) < INNER_IV_LENGTH + TAG_LENGTH + 1:
        raise BadBlob()
    return header, iv, tag, metadata, ciphertext


def decrypt(key, blob, encryption_context, send):
    """The plaintext of a blob of XKS key `key`: the proxy's Decrypt, then KMS's inner layer."""
    header, iv, tag, metadata, ciphertext = _parse(blob)
    aad = context_bytes(encryption_context)
    fields = {"ciphertext": _b64(ciphertext), "encryptionAlgorithm": "AES_GCM", "initializationVector": _b64(iv),
              "authenticationTag": _b64(tag)}
    if metadata:
        fields["ciphertextMetadata"] = _b64(metadata)
    if aad:
        fields["additionalAuthenticatedData"] = _b64(aad)
    inner = _unb64(send("decrypt", fields).get("plaintext"))
    if len(inner) != len(ciphertext):
        raise ProxyFailure(MALFORMED)
    try:
        return AESGCM(key.key_material).decrypt(inner[:INNER_IV_LENGTH], inner[INNER_IV_LENGTH:], header + aad)
    except InvalidTag:
        raise ProxyFailure(BAD_INNER_CIPHERTEXT)

# -*- coding: utf-8 -*-
"""Encrypt and Decrypt on the proxy (spec v1.0.3): AES-256-GCM, the AAD layout, ciphertextMetadata, the CDIV.

The checks recompute with `cryptography` from the key managers' material (DIR/key-material.json),
so they prove the proxy does real AES-GCM with the spec's AAD layout, not just a round trip.
"""

import base64
import hashlib
import json
import os
import struct

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from testbed_helpers import b64, decrypt, encrypt

BOTH, ENCRYPT_ONLY, DECRYPT_ONLY, NEITHER, DISABLED = "xks-key-1", "xks-encrypt-only", "xks-decrypt-only", "xks-no-usage", "xks-disabled"
AAD = b"project=nile,department=marketing"


def unb64(text):
    return base64.b64decode(text)


def error_of(response):
    return response.status_code, response.json()["errorName"]


def material(bed, key_id, instance="primary"):
    with open(os.path.join(bed["testbed_state_dir"], "key-material.json"), encoding="utf-8") as handle:
        return unb64(json.load(handle)[bed["xks_proxy_" + instance]["key_manager"]][key_id])


def spec_aad(aad, metadata):
    return struct.pack(">H", len(aad)) + aad + struct.pack(">B", len(metadata)) + metadata


def sealed_by(bed, key_id, plaintext, aad=b"", metadata=b""):
    """What the key manager would produce (for keys the proxy will not encrypt with, e.g. decrypt-only)."""
    iv = os.urandom(12)
    out = AESGCM(material(bed, key_id)).encrypt(iv, plaintext, spec_aad(aad, metadata))
    sealed = {"ciphertext": b64(out[:-16]), "initializationVector": b64(iv), "authenticationTag": b64(out[-16:])}
    if metadata:
        sealed["ciphertextMetadata"] = b64(metadata)
    return sealed


def test_key_material_exists_for_the_test_keys(bed):
    assert {BOTH, ENCRYPT_ONLY, DECRYPT_ONLY, NEITHER, DISABLED} <= {key["id"] for key in bed["xks_proxy_primary"]["external_keys"]}


@pytest.mark.parametrize("aad", [None, AAD], ids=["without-aad", "with-aad"])
def test_round_trip(bed, aad):
    response = encrypt(bed, BOTH, b"Hello World!", aad=aad)
    assert response.status_code == 200
    sealed = response.json()
    assert decrypt(bed, BOTH, sealed, aad=aad).json() == {"plaintext": b64(b"Hello World!")}


def test_encrypt_answer_has_the_spec_shape_and_is_real_aes_gcm(bed):
    plaintext = os.urandom(100)
    sealed = encrypt(bed, BOTH, plaintext, aad=AAD).json()
    assert set(sealed) == {"ciphertext", "ciphertextMetadata", "initializationVector", "authenticationTag"}
    iv, ciphertext, tag, metadata = (unb64(sealed[n]) for n in ("initializationVector", "ciphertext", "authenticationTag", "ciphertextMetadata"))
    assert len(iv) == 12 and len(tag) == 16 and len(ciphertext) == len(plaintext) and 0 < len(metadata) <= 20
    # The key manager's AES-GCM covers AAD and metadata with the spec's length-prefixed layout.
    assert AESGCM(material(bed, BOTH)).decrypt(iv, ciphertext + tag, spec_aad(AAD, metadata)) == plaintext


def test_encrypt_is_not_deterministic(bed):
    first, second = (encrypt(bed, BOTH, b"same").json() for _twice in range(2))
    assert first["initializationVector"] != second["initializationVector"]
    assert first["ciphertext"] != second["ciphertext"]


@pytest.mark.parametrize("aad", [None, AAD], ids=["without-aad", "with-aad"])
def test_ciphertext_data_integrity_value(bed, aad):
    sealed = encrypt(bed, BOTH, b"data key", aad=aad, cdiv=True).json()
    parts = [aad or b""] + [unb64(sealed[n]) for n in ("ciphertextMetadata", "initializationVector", "ciphertext", "authenticationTag")]
    assert unb64(sealed["ciphertextDataIntegrityValue"]) == hashlib.sha256(b"".join(parts)).digest()
    assert decrypt(bed, BOTH, sealed, aad=aad).json() == {"plaintext": b64(b"data key")}


def test_no_integrity_value_unless_asked(bed):
    assert "ciphertextDataIntegrityValue" not in encrypt(bed, BOTH, b"x").json()


@pytest.mark.parametrize("given", ["missing", "other", "extra"])
def test_decrypt_with_another_aad_is_invalid_ciphertext(bed, given):
    aad = b"" if given == "extra" else AAD
    sealed = encrypt(bed, BOTH, b"secret", aad=aad or None).json()
    other = {"missing": None, "other": b"project=blue,department=finance", "extra": AAD}[given]
    assert error_of(decrypt(bed, BOTH, sealed, aad=other)) == (400, "InvalidCiphertextException")


def _flip(text):
    data = bytearray(unb64(text))
    data[0] ^= 0x01
    return b64(bytes(data))


@pytest.mark.parametrize("member", ["ciphertext", "authenticationTag", "initializationVector", "ciphertextMetadata"])
def test_tampered_member_is_invalid_ciphertext(bed, member):
    sealed = encrypt(bed, BOTH, b"secret", aad=AAD).json()
    assert error_of(decrypt(bed, BOTH, sealed, aad=AAD, **{member: _flip(sealed[member])})) == (400, "InvalidCiphertextException")


def test_metadata_moved_into_the_aad_does_not_decrypt(bed):
    # The spec's reason for the lengths in the AAD layout.
    sealed = encrypt(bed, BOTH, b"secret").json()
    metadata = unb64(sealed["ciphertextMetadata"])
    response = decrypt(bed, BOTH, sealed, aad=metadata, ciphertextMetadata=None)
    assert error_of(response) == (400, "InvalidCiphertextException")


@pytest.mark.parametrize("member, size", [("initializationVector", 8), ("authenticationTag", 12)])
def test_iv_or_tag_of_the_wrong_size_is_invalid_ciphertext(bed, member, size):
    sealed = encrypt(bed, BOTH, b"secret").json()
    assert error_of(decrypt(bed, BOTH, sealed, **{member: b64(os.urandom(size))})) == (400, "InvalidCiphertextException")


def test_a_16_byte_iv_is_accepted(bed):
    sealed = sealed_by(bed, BOTH, b"from elsewhere", aad=AAD)
    iv = os.urandom(16)
    out = AESGCM(material(bed, BOTH)).encrypt(iv, b"from elsewhere", spec_aad(AAD, b""))
    sealed.update(ciphertext=b64(out[:-16]), initializationVector=b64(iv), authenticationTag=b64(out[-16:]))
    assert decrypt(bed, BOTH, sealed, aad=AAD).json() == {"plaintext": b64(b"from elsewhere")}


# Key usage and status

def test_encrypt_only_key(bed):
    sealed = encrypt(bed, ENCRYPT_ONLY, b"x", aad=AAD).json()
    assert "ciphertext" in sealed
    assert error_of(decrypt(bed, ENCRYPT_ONLY, sealed, aad=AAD)) == (400, "InvalidKeyUsageException")
    # An integrity value promises a successful decrypt, which this key cannot do.
    assert error_of(encrypt(bed, ENCRYPT_ONLY, b"x", cdiv=True)) == (400, "InvalidKeyUsageException")


def test_decrypt_only_key(bed):
    assert error_of(encrypt(bed, DECRYPT_ONLY, b"x")) == (400, "InvalidKeyUsageException")
    sealed = sealed_by(bed, DECRYPT_ONLY, b"made by the key manager", aad=AAD, metadata=b"v1")
    assert decrypt(bed, DECRYPT_ONLY, sealed, aad=AAD).json() == {"plaintext": b64(b"made by the key manager")}


def test_key_with_neither_usage(bed):
    assert error_of(encrypt(bed, NEITHER, b"x")) == (400, "InvalidKeyUsageException")
    assert error_of(decrypt(bed, NEITHER, sealed_by(bed, NEITHER, b"x"))) == (400, "InvalidKeyUsageException")


def test_disabled_key(bed):
    assert error_of(encrypt(bed, DISABLED, b"x")) == (400, "InvalidStateException")
    assert error_of(decrypt(bed, DISABLED, sealed_by(bed, DISABLED, b"x"))) == (400, "InvalidStateException")


def test_disabling_a_key_stops_it_and_enabling_brings_it_back(bed, proxy):
    path = bed["xks_proxy_primary"]["uri_path"]
    sealed = encrypt(bed, BOTH, b"kept").json()
    entry = {"id": BOTH, "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "DISABLED"}
    proxy.put_external_key("primary", path, entry)
    assert error_of(decrypt(bed, BOTH, sealed)) == (400, "InvalidStateException")
    proxy.put_external_key("primary", path, dict(entry, key_status="ENABLED"))
    assert decrypt(bed, BOTH, sealed).json() == {"plaintext": b64(b"kept")}


def test_a_key_that_is_not_aes_256_does_not_encrypt(bed, proxy):
    proxy.put_external_key("primary", bed["xks_proxy_primary"]["uri_path"],
                           {"id": "rsa-key", "key_spec": "RSA_2048", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"})
    assert error_of(encrypt(bed, "rsa-key", b"x")) == (400, "InvalidKeyUsageException")


def test_unknown_key(bed):
    assert error_of(encrypt(bed, "no-such-key", b"x")) == (404, "KeyNotFoundException")
    assert error_of(decrypt(bed, "no-such-key", sealed_by(bed, BOTH, b"x"))) == (404, "KeyNotFoundException")


# Key managers: primary and secondary share one, foreign has other material

def test_secondary_decrypts_what_primary_encrypted(bed):
    sealed = encrypt(bed, BOTH, b"backup", aad=AAD).json()
    assert decrypt(bed, BOTH, sealed, aad=AAD, instance="secondary").json() == {"plaintext": b64(b"backup")}
    back = encrypt(bed, BOTH, b"and back", instance="secondary").json()
    assert decrypt(bed, BOTH, back).json() == {"plaintext": b64(b"and back")}


def test_foreign_does_not_decrypt_what_primary_encrypted(bed):
    sealed = encrypt(bed, BOTH, b"elsewhere", aad=AAD).json()
    assert error_of(decrypt(bed, BOTH, sealed, aad=AAD, instance="foreign")) == (400, "InvalidCiphertextException")
    own = encrypt(bed, BOTH, b"its own", instance="foreign").json()
    assert decrypt(bed, BOTH, own, instance="foreign").json() == {"plaintext": b64(b"its own")}
    assert error_of(decrypt(bed, BOTH, own)) == (400, "InvalidCiphertextException")


def test_a_key_added_at_run_time_shares_material_across_the_key_manager(bed, proxy):
    key = {"id": "added-later", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"}
    for instance in ("primary", "secondary", "foreign"):
        proxy.put_external_key(instance, bed["xks_proxy_" + instance]["uri_path"], key)
    sealed = encrypt(bed, key["id"], b"new").json()
    assert decrypt(bed, key["id"], sealed, instance="secondary").json() == {"plaintext": b64(b"new")}
    assert error_of(decrypt(bed, key["id"], sealed, instance="foreign")) == (400, "InvalidCiphertextException")


# Sizes: the spec's minimums are this proxy's maximums

def test_largest_plaintext_and_aad(bed):
    plaintext, aad = os.urandom(4300), os.urandom(8192)
    sealed = encrypt(bed, BOTH, plaintext, aad=aad, cdiv=True).json()
    assert decrypt(bed, BOTH, sealed, aad=aad).json() == {"plaintext": b64(plaintext)}


@pytest.mark.parametrize("plaintext, aad", [(4301, 0), (1, 8193)], ids=["plaintext", "aad"])
def test_beyond_the_supported_size_is_501(bed, plaintext, aad):
    response = encrypt(bed, BOTH, os.urandom(plaintext), aad=os.urandom(aad) if aad else None)
    assert error_of(response) == (501, "UnsupportedOperationException")


def test_ciphertext_beyond_the_supported_size_is_501(bed):
    sealed = encrypt(bed, BOTH, b"x").json()
    assert error_of(decrypt(bed, BOTH, sealed, ciphertext=b64(os.urandom(4301)))) == (501, "UnsupportedOperationException")


def test_plaintext_is_never_logged(bed, proxy):
    marker = b"PLAINTEXT-MARKER-%d" % os.getpid()
    sealed = encrypt(bed, BOTH, marker).json()
    decrypt(bed, BOTH, sealed)
    entries = proxy.requests("primary")
    assert [e["xks_operation"] for e in entries[-2:]] == ["Encrypt", "Decrypt"]
    assert all(e["external_key_id"] == BOTH and e["kms_operation"] in ("Encrypt", "Decrypt") for e in entries[-2:])
    with open(os.path.join(bed["testbed_state_dir"], "proxy.log"), encoding="utf-8", errors="replace") as handle:
        log = handle.read()
    for text in (json.dumps(entries), log):
        assert marker.decode() not in text and b64(marker) not in text

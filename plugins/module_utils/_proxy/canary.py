# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Whether two proxies front the same key material for an external key: a random canary encrypted on one
(XKS Proxy API Encrypt, AES_GCM, with additional authenticated data and the SHA_256 integrity value KMS
asks for) must decrypt on the other to the same bytes, both ways. This is what ciphertext made through
one proxy meets after a key store moves to the other."""

import base64
import hashlib
import hmac
import os
from urllib.parse import quote

from ansible_collections.kms.xks.plugins.module_utils._proxy.client import ProxyUnreachableError

# The requestMetadata of the canary calls. The spec requires awsPrincipalArn and kmsKeyArn; no KMS key or caller
# stands behind an audit, so both name it with an account ID of zeros (no AWS account has it): a proxy's log tells
# these calls from KMS's. A proxy whose secondary authorization refuses them answers 403, and the check says so.
AUDIT_PRINCIPAL_ARN = "arn:aws:iam::000000000000:user/kms.xks-proxy-audit"
AUDIT_KEY_ARN = "arn:aws:kms:%s:000000000000:key/kms.xks-proxy-audit"
CANARY_BYTES = 32
AAD_BYTES = 16


class CanaryFailed(Exception):
    """The canary could not go through a proxy for a reason other than the key material (no answer, an error, a bad answer)."""


class MaterialDiffers(Exception):
    """The proxy refused the canary's ciphertext as not its own, or decrypted it to other bytes."""


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _unb64(answer, member, required=True):
    value = answer.payload.get(member) if isinstance(answer.payload, dict) else None
    if value is None and not required:
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError):
        raise CanaryFailed("the proxy at %s sent no valid Base64 %s" % (answer.url, member))


def _metadata(target):
    return dict(awsPrincipalArn=AUDIT_PRINCIPAL_ARN, kmsKeyArn=AUDIT_KEY_ARN % target.region)


def _call(target, operation, xks_key_id, body):
    try:
        answer = target.call("keys/%s/%s" % (quote(xks_key_id, safe=""), operation.lower()), operation, body=dict(body, requestMetadata=_metadata(target)))
    except ProxyUnreachableError as e:
        raise CanaryFailed(e.message.rstrip("."))
    return answer


def _error_name(answer):
    return answer.payload.get("errorName") if isinstance(answer.payload, dict) else None


def _refusal(operation, answer):
    error_name = _error_name(answer)
    return "%s on the proxy at %s answered HTTP %s%s" % (operation, answer.url, answer.status, " (%s)" % error_name if error_name else "")


def integrity_value(aad, sealed):
    """The spec's ciphertextDataIntegrityValue: SHA-256 of AAD, ciphertextMetadata, IV, ciphertext and tag (Appendix C)."""
    return hashlib.sha256(aad + sealed["metadata"] + sealed["iv"] + sealed["ciphertext"] + sealed["tag"]).digest()


def encrypt(target, xks_key_id, plaintext, aad):
    """The sealed canary (ciphertext, metadata, iv, tag) from the proxy's Encrypt; CanaryFailed on anything but a valid answer."""
    body = dict(plaintext=_b64(plaintext), encryptionAlgorithm="AES_GCM", additionalAuthenticatedData=_b64(aad),
                ciphertextDataIntegrityValueAlgorithm="SHA_256")
    answer = _call(target, "Encrypt", xks_key_id, body)
    if answer.status != 200:
        raise CanaryFailed(_refusal("Encrypt", answer))
    sealed = dict(ciphertext=_unb64(answer, "ciphertext"), metadata=_unb64(answer, "ciphertextMetadata", required=False),
                  iv=_unb64(answer, "initializationVector"), tag=_unb64(answer, "authenticationTag"))
    if not hmac.compare_digest(_unb64(answer, "ciphertextDataIntegrityValue"), integrity_value(aad, sealed)):
        raise CanaryFailed("the ciphertextDataIntegrityValue of the proxy at %s does not match its Encrypt answer (KMS would fail the call)" % answer.url)
    return sealed


def decrypt(target, xks_key_id, sealed, aad):
    """The plaintext from the proxy's Decrypt of a sealed canary; MaterialDiffers when the proxy refuses it as not its own."""
    body = dict(ciphertext=_b64(sealed["ciphertext"]), encryptionAlgorithm="AES_GCM", additionalAuthenticatedData=_b64(aad),
                initializationVector=_b64(sealed["iv"]), authenticationTag=_b64(sealed["tag"]))
    if sealed["metadata"]:
        body["ciphertextMetadata"] = _b64(sealed["metadata"])
    answer = _call(target, "Decrypt", xks_key_id, body)
    if answer.status == 400 and _error_name(answer) == "InvalidCiphertextException":
        raise MaterialDiffers("the proxy at %s refused a ciphertext made on the other proxy (400 InvalidCiphertextException)" % answer.url)
    if answer.status != 200:
        raise CanaryFailed(_refusal("Decrypt", answer))
    return _unb64(answer, "plaintext")


def _one_way(source, destination, xks_key_id):
    canary, aad = os.urandom(CANARY_BYTES), os.urandom(AAD_BYTES)
    plaintext = decrypt(destination, xks_key_id, encrypt(source, xks_key_id, canary, aad), aad)
    if not hmac.compare_digest(plaintext, canary):
        raise MaterialDiffers("the proxy at %s%s decrypted a ciphertext made on the other proxy to other bytes" % (destination.endpoint, destination.uri_path))


def same_key_material(reference, tested, xks_key_id):
    """(True, False or None, message): whether a canary encrypted on each proxy decrypts on the other; None when it could not be told."""
    try:
        _one_way(reference, tested, xks_key_id)
        _one_way(tested, reference, xks_key_id)
    except MaterialDiffers as e:
        return False, "not the same key material as the reference proxy: %s" % e
    except CanaryFailed as e:
        return None, "the key material could not be compared with the reference proxy's: %s" % e
    return True, "a canary encrypted on each proxy decrypts on the other"

# -*- coding: utf-8 -*-
"""KMS keys in an external key store ("XKS keys"), as KMS documents them; patch.py adds them to moto.

- CreateKey (Origin EXTERNAL_KEY_STORE) needs a CONNECTED store and an XksKeyId no other KMS key of the
  store uses, then asks the proxy GetKeyMetadata (kmsOperation CreateKey) and refuses an external key
  that is not AES_256, not ENABLED, or lacks ENCRYPT or DECRYPT.
- Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext) and ReEncrypt on an XKS key go through its
  store's proxy with double encryption (xks_crypto.py); every proxy failure is KMSInvalidStateException
  with KMS's message (proxy_client.MESSAGES). Other keys stay moto's.
- KeyMetadata shows CustomKeyStoreId, XksKeyConfiguration, and KeyState Unavailable (Enabled false)
  while the store is not CONNECTED, except for keys pending deletion.
- ScheduleKeyDeletion (7-30 days) and CancelKeyDeletion follow the key-state table for XKS keys.
"""

import contextvars
import json
import uuid

from moto.core.utils import unix_time
from moto.kms.models import kms_backends

from . import errors, key_errors, proxy_client, vpc, xks_crypto
from .quotas import QUOTAS
from .settings import SETTINGS
from .stores import CONNECTED
from .validation import Checker

ENABLED, DISABLED, PENDING_DELETION, UNAVAILABLE = "Enabled", "Disabled", "PendingDeletion", "Unavailable"
EXTERNAL_KEY_STORE = "EXTERNAL_KEY_STORE"
DEFAULT_PENDING_WINDOW = 30
PENDING_WINDOW = (7, 30)

# The KMS request being served (one kmsRequestId for all the proxy calls it makes, e.g. ReEncrypt).
_CURRENT_CALL = contextvars.ContextVar("kms_xks_current_call", default=None)

# moto response method -> KMS operation, for requestMetadata.kmsOperation.
CRYPTO_ACTIONS = {
    "encrypt": "Encrypt",
    "decrypt": "Decrypt",
    "re_encrypt": "ReEncrypt",
    "generate_data_key": "GenerateDataKey",
    "generate_data_key_without_plaintext": "GenerateDataKeyWithoutPlaintext",
}


def _principal(account_id):
    # The emulator does not tell IAM identities apart: every caller is the account.
    return "arn:aws:iam::%s:root" % account_id


def as_kms_operation(operation, method):
    """Wrap a KmsResponse method so that proxy calls made while it runs carry `operation` (the outermost one)."""
    def run(self):
        if _CURRENT_CALL.get() is not None:
            return method(self)
        token = _CURRENT_CALL.set(proxy_client.KeyCall(operation, str(uuid.uuid4()), _principal(self.current_account)))
        try:
            return method(self)
        finally:
            _CURRENT_CALL.reset(token)
    run.__name__ = method.__name__
    return run


def current_call(account_id, operation):
    return _CURRENT_CALL.get() or proxy_client.KeyCall(operation, str(uuid.uuid4()), _principal(account_id))


def is_xks_key(key):
    return getattr(key, "custom_key_store_id", None) is not None


def key_metadata_with_store(moto_to_dict):
    """Wrap Key.to_dict for XKS keys: CustomKeyStoreId, XksKeyConfiguration, the KeyState KMS shows."""
    def to_dict(key):
        document = moto_to_dict(key)
        if is_xks_key(key):
            metadata = document["KeyMetadata"]
            metadata["CustomKeyStoreId"] = key.custom_key_store_id
            metadata["XksKeyConfiguration"] = {"Id": key.xks_key_id}
            metadata["KeyState"] = kms_backends[key.account_id][key.region].xks_key_state(key)
            # "When KeyState is Enabled this value is true, otherwise it is false."
            metadata["Enabled"] = metadata["KeyState"] == ENABLED
        return document
    return to_dict


def _check_external_key(document):
    """Refuse the GetKeyMetadata answer KMS refuses (spec, GetKeyMetadata "KMS Considerations")."""
    spec, usage, status = document.get("keySpec"), document.get("keyUsage"), document.get("keyStatus")
    if not isinstance(spec, str) or not isinstance(status, str) or not isinstance(usage, list) \
            or len(usage) > 10 or not all(isinstance(value, str) for value in usage):
        raise errors.CustomKeyStoreInvalidStateException(proxy_client.MESSAGES[proxy_client.MALFORMED])
    if spec != "AES_256":
        raise key_errors.XksKeyInvalidConfigurationException(
            "The key spec of the external key must be AES_256; the external key store proxy reports %s." % spec)
    if status != "ENABLED":
        raise key_errors.XksKeyInvalidConfigurationException(
            "The status of the external key must be ENABLED; the external key store proxy reports %s." % status)
    missing = [operation for operation in ("ENCRYPT", "DECRYPT") if operation not in usage]
    if missing:
        raise key_errors.XksKeyInvalidConfigurationException(
            "The key usage of the external key must include ENCRYPT and DECRYPT; it lacks %s." % " and ".join(missing))


# CreateKey exception for a proxy failure (spec's table, guide for AccessDenied); the rest:
# CustomKeyStoreInvalidStateException. The message is always KMS's (proxy_client.MESSAGES).
_CREATE_KEY_ERRORS = {
    "KeyNotFoundException": key_errors.XksKeyNotFoundException,
    "InvalidStateException": key_errors.XksKeyInvalidConfigurationException,
    "InvalidKeyUsageException": key_errors.XksKeyInvalidConfigurationException,
    "UnsupportedOperationException": key_errors.XksKeyInvalidResponseException,
}


def create_key_error(failure):
    return _CREATE_KEY_ERRORS.get(failure.cause, errors.CustomKeyStoreInvalidStateException)(failure.message)


class XksKeyResponses(object):
    """Mixed into moto.kms.responses.KmsResponse by patch.install()."""

    # body, kms_backend, current_account and the moto_* originals come from KmsResponse.
    # pylint: disable=no-member

    def create_key(self):
        """CreateKey; a key in an external key store is created here, any other by moto."""
        params = json.loads(self.body) if self.body else {}
        if not isinstance(params, dict) or (params.get("Origin") != EXTERNAL_KEY_STORE and params.get("CustomKeyStoreId") is None
                                            and params.get("XksKeyId") is None):
            return self.moto_create_key()
        check = Checker()
        for name in ("CustomKeyStoreId", "XksKeyId"):
            check.required(name, params.get(name))
            check.member(name, params.get(name))
        check.done()
        if params.get("Origin") != EXTERNAL_KEY_STORE:
            raise errors.UnsupportedOperationException("A KMS key in an external key store needs Origin EXTERNAL_KEY_STORE")
        if (params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" \
                or params.get("KeyUsage", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT" or params.get("MultiRegion"):
            raise errors.UnsupportedOperationException("External key stores support only single-Region symmetric encryption keys")
        key = self.kms_backend.create_xks_key(params["CustomKeyStoreId"], params["XksKeyId"], {
            "policy": params.get("Policy"),
            "key_usage": "ENCRYPT_DECRYPT",
            "key_spec": "SYMMETRIC_DEFAULT",
            "description": params.get("Description"),
            "tags": params.get("Tags"),
        })
        return json.dumps(key.to_dict())

    def _xks_key_or_none(self, key_id):
        """The XKS key `key_id` names (id, ARN, alias), or None for any other key; validates like moto."""
        self._validate_key_id(key_id)
        key = self.kms_backend.keys.get(self.kms_backend.any_id_to_key_id(key_id))
        return key if is_xks_key(key) else None

    def schedule_key_deletion(self):
        params = json.loads(self.body)
        key = self._xks_key_or_none(params.get("KeyId", ""))
        if key is None:
            return self.moto_schedule_key_deletion()
        window = params.get("PendingWindowInDays")
        window = DEFAULT_PENDING_WINDOW if window is None else window
        if not PENDING_WINDOW[0] <= window <= PENDING_WINDOW[1]:
            raise errors.ValidationException(
                "PendingWindowInDays must be between %d and %d (inclusive); got %s" % (PENDING_WINDOW + (window,)))
        deletion_date = self.kms_backend.schedule_xks_key_deletion(key, window)
        return json.dumps({"KeyId": key.arn, "DeletionDate": deletion_date, "KeyState": PENDING_DELETION,
                           "PendingWindowInDays": window})

    def cancel_key_deletion(self):
        key = self._xks_key_or_none(json.loads(self.body).get("KeyId", ""))
        if key is None:
            return self.moto_cancel_key_deletion()
        self.kms_backend.cancel_xks_key_deletion(key)
        return json.dumps({"KeyId": key.arn})


class XksKeyBackend(object):
    """Mixed into moto.kms.models.KmsBackend by patch.install()."""

    # keys, create_key, xks_stores, account_id, region_name and the moto_* originals come from KmsBackend.
    # pylint: disable=no-member

    def keys_in_store(self, store_id):
        """Every KMS key of a store, pending deletion included (they count until deleted)."""
        return [key for key in list(self.keys.values()) if getattr(key, "custom_key_store_id", None) == store_id]

    def _check_xks_key_free(self, store_id, xks_key_id):
        for key in self.keys_in_store(store_id):
            if key.xks_key_id == xks_key_id:
                raise errors.XksKeyAlreadyInUseException(
                    "The external key %s is already associated with KMS key %s in this external key store" % (xks_key_id, key.arn))

    def _target(self, proxy):
        """Where KMS sends a store's key operations: the settings in effect (eventual consistency after an
        update), through the VPC endpoint service's target for a VPC store."""
        return proxy_client.Target(proxy, self.region_name, SETTINGS, vpc.address(SETTINGS.services(), proxy))

    def _connected_store(self, store_id):
        """The store, which must be CONNECTED for CreateKey; call under the registry lock."""
        store = self.xks_stores.get(store_id)
        if store.state != CONNECTED:
            raise errors.CustomKeyStoreInvalidStateException(
                "Custom key store %s is %s; KMS keys can be created only in a CONNECTED store" % (store.id, store.state))
        return store

    def create_xks_key(self, store_id, xks_key_id, key_arguments):
        """CreateKey with Origin EXTERNAL_KEY_STORE; `key_arguments` are moto's create_key arguments."""
        registry = self.xks_stores
        with registry.lock:
            proxy = self._connected_store(store_id).effective_proxy()
            self._check_xks_key_free(store_id, xks_key_id)
        call = current_call(self.account_id, "CreateKey")
        try:
            answer = proxy_client.key_operation(self._target(proxy), xks_key_id, "metadata", call)
        except proxy_client.ProxyFailure as failure:
            raise create_key_error(failure)
        _check_external_key(answer)
        with registry.lock:
            # The proxy was asked outside the lock: check again before the key exists.
            self._connected_store(store_id)
            self._check_xks_key_free(store_id, xks_key_id)
            key = self.create_key(origin=EXTERNAL_KEY_STORE, **key_arguments)
            key.custom_key_store_id = store_id
            key.xks_key_id = xks_key_id
        return key

    def xks_key_state(self, key):
        """The KeyState KMS shows: Unavailable while the store is not CONNECTED, unless pending deletion."""
        if key.key_state == PENDING_DELETION:
            return PENDING_DELETION
        return key.key_state if self.xks_store_state(key.custom_key_store_id) == CONNECTED else UNAVAILABLE

    def _usable_store_proxy(self, key):
        """The store's proxy settings in effect when the key may be used for crypto; else KMS's refusal (key-state table)."""
        with self.xks_stores.lock:
            state = self.xks_key_state(key)
            if state == DISABLED:
                raise key_errors.DisabledException("%s is disabled." % key.arn)
            if state == PENDING_DELETION:
                raise key_errors.KMSInvalidStateException("%s is pending deletion." % key.arn)
            if state == UNAVAILABLE:
                raise key_errors.KMSInvalidStateException(proxy_client.MESSAGES[proxy_client.NOT_CONNECTED])
            if not QUOTAS.allow_in_store(self.account_id, self.region_name, key.custom_key_store_id):
                raise key_errors.ThrottlingException("Rate exceeded")
            return self.xks_stores.get(key.custom_key_store_id).effective_proxy()

    def _proxy_sender(self, key, kms_operation):
        target = self._target(self._usable_store_proxy(key))
        call = current_call(self.account_id, kms_operation)

        def send(operation, fields):
            return proxy_client.key_operation(target, key.xks_key_id, operation, call, fields, key.arn)
        return send

    def encrypt(self, key_id, plaintext, encryption_context):
        key = self.keys.get(self.any_id_to_key_id(key_id))
        if not is_xks_key(key):
            return self.moto_encrypt(key_id=key_id, plaintext=plaintext, encryption_context=encryption_context)
        if not 1 <= len(plaintext) <= 4096:
            raise errors.ValidationException("Plaintext must be 1 to 4096 bytes long")
        try:
            return xks_crypto.encrypt(key, plaintext, encryption_context, self._proxy_sender(key, "Encrypt")), key.arn
        except proxy_client.ProxyFailure as failure:
            raise key_errors.KMSInvalidStateException(failure.message)

    def decrypt(self, ciphertext_blob, encryption_context, key_id=None):
        key = self.keys.get(xks_crypto.blob_key_id(ciphertext_blob) or "")
        if not is_xks_key(key):
            return self.moto_decrypt(ciphertext_blob=ciphertext_blob, encryption_context=encryption_context, key_id=key_id)
        if key_id is not None and self.any_id_to_key_id(key_id) != key.id:
            raise key_errors.IncorrectKeyException(
                "The key ID in the request does not identify a KMS key that can perform this operation.")
        send = self._proxy_sender(key, "Decrypt")
        try:
            return xks_crypto.decrypt(key, ciphertext_blob, encryption_context, send), key.arn
        except xks_crypto.BadBlob:
            raise key_errors.InvalidCiphertextException("")
        except proxy_client.ProxyFailure as failure:
            raise key_errors.KMSInvalidStateException(failure.message)

    def schedule_xks_key_deletion(self, key, window):
        """PendingDeletion for `window` days (also while Unavailable); the external key is not touched."""
        if key.key_state == PENDING_DELETION:
            raise key_errors.KMSInvalidStateException("%s is pending deletion." % key.arn)
        self.moto_schedule_key_deletion(key.id, window)
        return unix_time(key.deletion_date)

    def cancel_xks_key_deletion(self, key):
        if key.key_state != PENDING_DELETION:
            raise key_errors.KMSInvalidStateException("%s is not pending deletion." % key.arn)
        self.moto_cancel_key_deletion(key.id)  # Disabled (shown Unavailable while the store is not CONNECTED)


def _keep_moto_originals(cls, names):
    for name in names:
        setattr(cls, "moto_" + name, getattr(cls, name))


def keep_moto_originals(response_cls, backend_cls):
    """Keep moto's methods that the mixins below replace, as moto_<name> (call before copying the mixins)."""
    _keep_moto_originals(response_cls, ("create_key", "schedule_key_deletion", "cancel_key_deletion"))
    _keep_moto_originals(backend_cls, ("encrypt", "decrypt", "schedule_key_deletion", "cancel_key_deletion"))


def wrap(response_cls, key_cls):
    """After the mixins are copied: tag the KMS operations that call the proxy, extend KeyMetadata."""
    response_cls.create_key = as_kms_operation("CreateKey", response_cls.create_key)
    for name, operation in CRYPTO_ACTIONS.items():
        setattr(response_cls, name, as_kms_operation(operation, getattr(response_cls, name)))
    key_cls.to_dict = key_metadata_with_store(key_cls.to_dict)

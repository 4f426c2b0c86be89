# -*- coding: utf-8 -*-
"""KMS keys in an external key store, end to end: boto3 -> emulator -> (HTTPS, SigV4) -> proxy -> AES-GCM.

What an operator checks: the key is created only for a usable external key, every crypto call reaches
the proxy (its request log), ciphertexts are bound to the encryption context and to the key material
behind the store, and the key is Unavailable while its store is not CONNECTED.
"""

import base64
import os
import time
import types

import pytest
from botocore.exceptions import ClientError

from testbed.emulator import proxy_client, xks_crypto
from testbed.kms import api_credential, connected_store, store_arguments, wait_for

from testbed_helpers import error_code, external_key_id, key_request

CONTEXT = {"purpose": "test-bed", "team": "kms.xks"}
SECRET = b"the quick brown fox jumps over the lazy dog"


def error_message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def create_xks_key(kms, store_id, xks_key_id):
    return kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=xks_key_id)["KeyMetadata"]


def key_calls(proxy, instance="primary"):
    """(operation path suffix, kmsOperation, status) of the key operations the proxy instance saw, oldest first."""
    return [(entry["path"].rsplit("/", 1)[-1], entry["kms_operation"], entry["status"])
            for entry in proxy.requests(instance) if "/keys/" in entry["path"]]


def key_in_store(kms, bed, proxy, instance="primary", name="store"):
    store_id = connected_store(kms, bed, name, instance)
    key = create_xks_key(kms, store_id, external_key_id(bed, instance))
    proxy.clear_requests(instance)
    return store_id, key


def move_store(kms, bed, store_id, instance):
    """Disconnect, point the store at another proxy instance (endpoint, path, credential), connect."""
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    target = bed["xks_proxy_" + instance]
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyUriEndpoint=target["endpoint"], XksProxyUriPath=target["uri_path"],
                                XksProxyAuthenticationCredential=api_credential(target["credentials"][0]))
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] == "CONNECTED"


def test_create_key_asks_the_proxy(kms, bed, proxy):
    store_id = connected_store(kms, bed)
    proxy.clear_requests("primary")
    xks_key_id = external_key_id(bed)
    metadata = create_xks_key(kms, store_id, xks_key_id)
    assert metadata["Origin"] == "EXTERNAL_KEY_STORE"
    assert metadata["CustomKeyStoreId"] == store_id
    assert metadata["XksKeyConfiguration"] == {"Id": xks_key_id}
    assert metadata["KeyState"] == "Enabled" and metadata["Enabled"] is True
    assert kms.describe_key(KeyId=metadata["KeyId"])["KeyMetadata"]["XksKeyConfiguration"] == {"Id": xks_key_id}
    requests = [entry for entry in proxy.requests("primary") if "/keys/" in entry["path"]]
    assert [(entry["path"], entry["kms_operation"], entry["status"]) for entry in requests] == [
        ("%s/keys/%s/metadata" % (bed["xks_proxy_primary"]["uri_path"], xks_key_id), "CreateKey", 200)]
    assert requests[0]["access_key_id"] == bed["xks_proxy_primary"]["credentials"][0]["access_key_id"]


@pytest.mark.parametrize("usage, status, expected", [
    (None, None, "XksKeyNotFoundException"),
    (("ENCRYPT", "DECRYPT"), "DISABLED", "XksKeyInvalidConfigurationException"),
    (("ENCRYPT",), "ENABLED", "XksKeyInvalidConfigurationException"),
    (("DECRYPT",), "ENABLED", "XksKeyInvalidConfigurationException"),
    (("SIGN", "VERIFY"), "ENABLED", "XksKeyInvalidConfigurationException"),
], ids=["missing", "disabled", "encrypt-only", "decrypt-only", "neither-usage"])
def test_create_key_refuses_an_unusable_external_key(kms, bed, proxy, usage, status, expected):
    store_id = connected_store(kms, bed)
    xks_key_id = "no-such-external-key" if usage is None else external_key_id(bed, usage=usage, status=status)
    before = {key["KeyId"] for key in kms.list_keys()["Keys"]}
    with pytest.raises(ClientError) as excinfo:
        create_xks_key(kms, store_id, xks_key_id)
    assert error_code(excinfo) == expected
    assert {key["KeyId"] for key in kms.list_keys()["Keys"]} == before
    assert key_calls(proxy)[-1][:2] == ("metadata", "CreateKey")


def test_create_key_external_key_already_in_use(kms, bed, proxy):
    store_id = connected_store(kms, bed)
    xks_key_id = external_key_id(bed)
    first = create_xks_key(kms, store_id, xks_key_id)
    proxy.clear_requests("primary")
    with pytest.raises(ClientError) as excinfo:
        create_xks_key(kms, store_id, xks_key_id)
    assert error_code(excinfo) == "XksKeyAlreadyInUseException"
    assert first["Arn"] in error_message(excinfo)
    # Another store may use the same external key id.
    other_store = connected_store(kms, bed, "other", "secondary")
    assert create_xks_key(kms, other_store, xks_key_id)["KeyState"] == "Enabled"


@pytest.mark.parametrize("fault, expected, words", [
    ({"down": True}, "CustomKeyStoreInvalidStateException", "cannot communicate with the external key store proxy"),
    ({"error": "AuthenticationFailedException"}, "CustomKeyStoreInvalidStateException", "could not authenticate AWS KMS"),
    ({"error": "InternalException"}, "CustomKeyStoreInvalidStateException", "cannot communicate with the external key manager"),
    ({"invalid_response": True}, "CustomKeyStoreInvalidStateException", "cannot interpret the response"),
], ids=["down", "authentication", "internal", "malformed"])
def test_create_key_proxy_failures(kms, bed, proxy, fault, expected, words):
    store_id = connected_store(kms, bed)
    proxy.set_faults("primary", **fault)
    with pytest.raises(ClientError) as excinfo:
        create_xks_key(kms, store_id, external_key_id(bed))
    assert error_code(excinfo) == expected
    assert words in error_message(excinfo)
    assert "127.0.0" not in error_message(excinfo)


def test_encrypt_and_decrypt_go_through_the_proxy(kms, bed, proxy):
    key = key_in_store(kms, bed, proxy)[1]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET, EncryptionContext=CONTEXT)["CiphertextBlob"]
    assert SECRET not in blob
    answer = kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)
    assert answer["Plaintext"] == SECRET
    assert answer["KeyId"] == key["Arn"]
    assert key_calls(proxy) == [("encrypt", "Encrypt", 200), ("decrypt", "Decrypt", 200)]


def test_data_keys_and_reencrypt_go_through_the_proxy(kms, bed, proxy):
    store_id, key = key_in_store(kms, bed, proxy)
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=CONTEXT)
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=CONTEXT)["Plaintext"] == data_key["Plaintext"]
    wrapped = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], NumberOfBytes=64)
    assert "Plaintext" not in wrapped
    assert len(kms.decrypt(CiphertextBlob=wrapped["CiphertextBlob"])["Plaintext"]) == 64
    other = create_xks_key(kms, store_id, external_key_id(bed, skip=(key["XksKeyConfiguration"]["Id"],)))
    proxy.clear_requests("primary")
    moved = kms.re_encrypt(CiphertextBlob=data_key["CiphertextBlob"], SourceEncryptionContext=CONTEXT,
                           DestinationKeyId=other["KeyId"], DestinationEncryptionContext={"moved": "yes"})
    assert (moved["SourceKeyId"], moved["KeyId"]) == (key["Arn"], other["Arn"])
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"moved": "yes"})["Plaintext"] == data_key["Plaintext"]
    assert key_calls(proxy)[:2] == [("decrypt", "ReEncrypt", 200), ("encrypt", "ReEncrypt", 200)]


def test_data_key_operations_name_themselves_to_the_proxy(kms, bed, proxy):
    key = key_in_store(kms, bed, proxy)[1]
    kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=16)
    kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], NumberOfBytes=16)
    assert key_calls(proxy) == [("encrypt", "GenerateDataKey", 200), ("encrypt", "GenerateDataKeyWithoutPlaintext", 200)]


@pytest.mark.parametrize("context", [{"purpose": "other"}, {}, dict(CONTEXT, extra="x")], ids=["changed", "missing", "extended"])
def test_decrypt_refuses_a_wrong_encryption_context(kms, bed, proxy, context):
    key = key_in_store(kms, bed, proxy)[1]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET, EncryptionContext=CONTEXT)["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert "ciphertext or encryption context is corrupted" in error_message(excinfo)
    # The context is the proxy's AAD: its AES-GCM refuses it.
    assert key_calls(proxy)[-1] == ("decrypt", "Decrypt", 400)


# Blob layout (xks_crypto.py): key id 0-35, version 36, IV length 37, IV 38-49, tag 50-65, metadata length 66,
# the proxy's ciphertextMetadata, then the ciphertext.
@pytest.mark.parametrize("where", [-1, 40, 60, 67], ids=["ciphertext", "iv", "tag", "metadata"])
def test_decrypt_refuses_a_tampered_ciphertext(kms, bed, proxy, where):
    key = key_in_store(kms, bed, proxy)[1]
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"])
    blob[where] ^= 0x01
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=bytes(blob))
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert key_calls(proxy)[-1] == ("decrypt", "Decrypt", 400)


def test_decrypt_refuses_a_truncated_ciphertext_without_asking_the_proxy(kms, bed, proxy):
    key = key_in_store(kms, bed, proxy)[1]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    proxy.clear_requests("primary")
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob[:50])
    assert error_code(excinfo) == "InvalidCiphertextException"
    assert key_calls(proxy) == []


def test_inner_layer_binds_the_kms_key(kms, bed, proxy):
    """Two KMS keys on the same external key (two stores, one key manager) cannot open each other's ciphertexts."""
    key = key_in_store(kms, bed, proxy)[1]
    other_store = connected_store(kms, bed, "backup", "secondary")
    twin = create_xks_key(kms, other_store, key["XksKeyConfiguration"]["Id"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    relabelled = twin["KeyId"].encode("ascii") + blob[36:]
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=relabelled)
    assert error_code(excinfo) == "KMSInvalidStateException"
    # The proxy decrypted its layer (same external key material); KMS's own layer refused.
    assert key_calls(proxy, "secondary")[-1] == ("decrypt", "Decrypt", 200)
    assert "that the external key store proxy submitted for decryption" in error_message(excinfo)


def test_unavailable_while_disconnected_and_usable_again(kms, bed, proxy):
    store_id, key = key_in_store(kms, bed, proxy)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Unavailable", False)
    proxy.clear_requests("primary")
    for call in (lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET), lambda: kms.decrypt(CiphertextBlob=blob),
                 lambda: kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=32)):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "KMSInvalidStateException"
        assert "not connected to its external key store proxy" in error_message(excinfo)
    assert key_calls(proxy) == []  # KMS sends nothing while disconnected
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET


@pytest.mark.parametrize("fault, words", [
    ({"down": True}, "cannot communicate with the external key store proxy"),
    ({"bad_tls": True}, "cannot establish a TLS connection"),
    ({"slow_ms": 1500}, "did not respond in time"),
    ({"error": "ThrottlingException"}, "very high request rate"),
    ({"error": "DependencyTimeoutException"}, "did not respond to the request in the time allotted"),
    ({"invalid_response": True}, "cannot interpret the response"),
], ids=["down", "tls", "timeout", "throttling", "dependency-timeout", "malformed"])
def test_crypto_proxy_failures_are_kms_invalid_state(kms, bed, proxy, emulator, fault, words):
    store_id, key = key_in_store(kms, bed, proxy)
    emulator.set_settings(health_timeout_ms=1000)
    proxy.set_faults("primary", **fault)
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert words in error_message(excinfo)
    assert "127.0.0" not in error_message(excinfo)
    # A proxy failure does not disconnect the store, and the key works again once the proxy does.
    assert kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"
    proxy.clear_faults("primary")
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"])["Plaintext"] == SECRET


def test_disabled_external_key_after_creation(kms, bed, proxy):
    key = key_in_store(kms, bed, proxy)[1]
    uri_path = bed["xks_proxy_primary"]["uri_path"]
    external = dict(next(k for k in bed["xks_proxy_primary"]["external_keys"] if k["id"] == key["XksKeyConfiguration"]["Id"]))
    external["key_status"] = "DISABLED"
    proxy.put_external_key("primary", uri_path, external)
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert "not enabled in the external key manager" in error_message(excinfo)
    # The KMS key state does not follow the external key.
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_backup_proxy_decrypts_foreign_key_manager_does_not(kms, bed, proxy):
    store_id, key = key_in_store(kms, bed, proxy)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET, EncryptionContext=CONTEXT)["CiphertextBlob"]
    move_store(kms, bed, store_id, "secondary")
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)["Plaintext"] == SECRET
    assert key_calls(proxy, "secondary")[-1] == ("decrypt", "Decrypt", 200)
    move_store(kms, bed, store_id, "foreign")
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert "ciphertext or encryption context is corrupted" in error_message(excinfo)
    assert key_calls(proxy, "foreign")[-1] == ("decrypt", "Decrypt", 400)


def test_decrypt_with_the_wrong_key_id(kms, bed, proxy):
    store_id, key = key_in_store(kms, bed, proxy)
    other = create_xks_key(kms, store_id, external_key_id(bed, skip=(key["XksKeyConfiguration"]["Id"],)))
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob, KeyId=other["KeyId"])
    assert error_code(excinfo) == "IncorrectKeyException"
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"])["Plaintext"] == SECRET


def test_disabled_kms_key_refuses_crypto(kms, bed, proxy):
    key = key_in_store(kms, bed, proxy)[1]
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    assert error_code(excinfo) == "DisabledException"
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["KeyId"] == key["Arn"]


@pytest.mark.parametrize("window", [1, 6, 31, 365])
def test_schedule_deletion_window(kms, bed, proxy, window):
    key = key_in_store(kms, bed, proxy)[1]
    with pytest.raises(ClientError) as excinfo:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=window)
    assert error_code(excinfo) == "ValidationException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_schedule_and_cancel_deletion(kms, bed, proxy, emulator):
    store_id, key = key_in_store(kms, bed, proxy)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    proxy.clear_requests("primary")
    answer = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert (answer["KeyId"], answer["KeyState"], answer["PendingWindowInDays"]) == (key["Arn"], "PendingDeletion", 7)
    assert 6.9 < (answer["DeletionDate"] - key["CreationDate"]).total_seconds() / 86400 < 7.1
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["DeletionDate"] == answer["DeletionDate"]
    for call in (lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET), lambda: kms.decrypt(CiphertextBlob=blob),
                 lambda: kms.schedule_key_deletion(KeyId=key["KeyId"])):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "KMSInvalidStateException"
        assert "is pending deletion" in error_message(excinfo)
    # Disconnected, the key stays PendingDeletion, and the deletion can still be cancelled.
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("DISCONNECTED",))
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Unavailable"
    with pytest.raises(ClientError) as excinfo:
        kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert error_code(excinfo) == "KMSInvalidStateException"
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for(kms, store_id, ("CONNECTED",))
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET
    # Scheduling and cancelling never reached the proxy: the external key is not touched.
    assert [call for call in key_calls(proxy) if call[1] != "Decrypt"] == []


def test_deleted_key_is_not_recreated_by_its_external_key(kms, bed, proxy, emulator):
    store_id, key = key_in_store(kms, bed, proxy)
    xks_key_id = key["XksKeyConfiguration"]["Id"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    # Pending deletion, the key still holds its external key and its store.
    with pytest.raises(ClientError) as excinfo:
        create_xks_key(kms, store_id, xks_key_id)
    assert error_code(excinfo) == "XksKeyAlreadyInUseException"
    assert emulator.purge_pending_deletion() == [key["KeyId"]]
    successor = create_xks_key(kms, store_id, xks_key_id)
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob)
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=successor["KeyId"].encode("ascii") + blob[36:])


def test_ordinary_keys_keep_moto_crypto(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=SECRET, EncryptionContext=CONTEXT)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)["Plaintext"] == SECRET


def test_integrity_value_is_the_spec_example():
    """Appendix C of the XKS Proxy API spec: AAD || metadata || IV || ciphertext || tag, SHA-256."""
    aad = b"project=nile,department=marketing"
    parts = [base64.b64decode(value) for value in ("a2V5X3ZlcnNpb249MQ==", "HMrlRw85cAJUd5Ax", "ghxkK1txeDNn3q8Y", "vBxN2ncH1oEkR8WVXpmyYQ==")]
    assert base64.b64encode(xks_crypto.integrity_value(aad, *parts)).decode() == "qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc="


@pytest.mark.parametrize("corrupt", [
    lambda answer: answer.update(ciphertextDataIntegrityValue=base64.b64encode(bytes(32)).decode()),
    lambda answer: answer.pop("ciphertextDataIntegrityValue"),
    lambda answer: answer.update(ciphertextMetadata=base64.b64encode(bytes(21)).decode()),
    lambda answer: answer.update(authenticationTag=base64.b64encode(bytes(12)).decode()),
    lambda answer: answer.update(ciphertext=answer["ciphertext"][:-4]),
], ids=["wrong-cdiv", "no-cdiv", "metadata-over-20-bytes", "short-tag", "short-ciphertext"])
def test_kms_checks_the_proxys_encrypt_answer(bed, corrupt):
    """A real proxy Encrypt answer opens; the same answer with one member spoiled is refused as malformed."""
    key = types.SimpleNamespace(id="1234abcd-12ab-34cd-56ef-1234567890ab", key_material=os.urandom(32))
    xks_key_id = external_key_id(bed)

    def send(spoil):
        def call(operation, fields):
            response = key_request(bed, operation, xks_key_id, **fields)
            assert response.status_code == 200
            answer = response.json()
            if spoil:
                corrupt(answer)
            return answer
        return call

    blob = xks_crypto.encrypt(key, SECRET, CONTEXT, send(False))
    assert xks_crypto.decrypt(key, blob, CONTEXT, send(False)) == SECRET
    with pytest.raises(proxy_client.ProxyFailure) as excinfo:
        xks_crypto.encrypt(key, SECRET, CONTEXT, send(True))
    assert excinfo.value.cause == proxy_client.MALFORMED


def test_keys_of_a_vpc_store_reach_the_proxy_through_its_endpoint_service(kms, bed, proxy, emulator):
    """The endpoint service, not the host map, says where the store's private DNS name leads: here, to primary."""
    service = dict(bed["xks_vpc_endpoint_services"]["valid"], address=bed["xks_proxy_primary"]["address"])
    emulator.set_settings(vpc_endpoint_services={service["service_name"]: service})
    arguments = store_arguments(bed, "vpc", "primary", XksProxyConnectivity="VPC_ENDPOINT_SERVICE", XksProxyUriEndpoint=service["endpoint"],
                                XksProxyVpcEndpointServiceName=service["service_name"], XksProxyVpcEndpointServiceOwner=service["owner"])
    store_id = kms.create_custom_key_store(**arguments)["CustomKeyStoreId"]
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] == "CONNECTED"
    key = create_xks_key(kms, store_id, external_key_id(bed))
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET
    assert key_calls(proxy)[-3:] == [("metadata", "CreateKey", 200), ("encrypt", "Encrypt", 200), ("decrypt", "Decrypt", 200)]


def test_credential_rotation_keeps_keys_working_while_kms_catches_up(kms, bed, proxy, emulator):
    """The rotation guide: new credential on the proxy, UpdateCustomKeyStore, wait, then remove the old one."""
    delay = 1.0
    emulator.set_settings(consistency_delay=delay)
    store_id, key = key_in_store(kms, bed, proxy)
    primary = bed["xks_proxy_primary"]
    old, new = primary["credentials"][0], primary["spare_credentials"][0]
    proxy.add_credential("primary", primary["uri_path"], new)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyAuthenticationCredential=api_credential(new))
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)["CiphertextBlob"]
    assert proxy.requests("primary")[-1]["access_key_id"] == old["access_key_id"]  # KMS still signs with the old one
    time.sleep(delay + 0.2)
    proxy.remove_credential("primary", primary["uri_path"], old["access_key_id"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == SECRET
    assert proxy.requests("primary")[-1]["access_key_id"] == new["access_key_id"]


def test_removing_the_old_credential_too_early_breaks_crypto(kms, bed, proxy, emulator):
    emulator.set_settings(consistency_delay=30.0)
    store_id, key = key_in_store(kms, bed, proxy)
    primary = bed["xks_proxy_primary"]
    old, new = primary["credentials"][0], primary["spare_credentials"][0]
    proxy.add_credential("primary", primary["uri_path"], new)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, XksProxyAuthenticationCredential=api_credential(new))
    proxy.remove_credential("primary", primary["uri_path"], old["access_key_id"])
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    assert error_code(excinfo) == "KMSInvalidStateException"
    assert "could not authenticate AWS KMS" in error_message(excinfo)
    assert key_calls(proxy)[-1] == ("encrypt", "Encrypt", 401)


def test_each_external_key_store_has_its_own_request_quota(kms, bed, proxy, emulator):
    """KMS's custom key store request quota (1,800/s per store), here scaled down to 3/s."""
    key = key_in_store(kms, bed, proxy)[1]
    other_store = connected_store(kms, bed, "other", "secondary")
    other = create_xks_key(kms, other_store, external_key_id(bed, "secondary"))
    emulator.set_settings(quota_scale=3 / 1800.0)
    began = time.monotonic()
    for _attempt in range(3):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=SECRET)
    assert kms.encrypt(KeyId=other["KeyId"], Plaintext=SECRET)["KeyId"] == other["Arn"]
    assert time.monotonic() - began < 1.0, "the machine was too slow to send 5 requests within a second"
    assert error_code(excinfo) == "ThrottlingException"
    assert [call[1] for call in key_calls(proxy)] == ["Encrypt"] * 3  # the throttled request never reached the proxy

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms.xks.xks_proxy_health as a proxy audit: external keys (GetKeyMetadata), key material against a
reference proxy (a canary through Encrypt and Decrypt), latency and the TLS certificate. The fake
proxy answers from two loopback addresses, each fronting a key manager of its own that does real
AES-GCM (cryptography), so that "same key material" is decided by real ciphertext."""

import base64
import datetime
import hashlib
import json
import os
import re

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


from ansible_collections.kms.xks.tests.unit import fake_proxy
from ansible_collections.kms.xks.tests.unit import stores as s

ACCESS_KEY_ID = "AKIAI2SFODNN7EXAMPLE"
SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"
REFERENCE_ACCESS_KEY_ID = "BKIAI2SFODNN7EXAMPLE"
REFERENCE_SECRET = "Zr9MO9fvEFYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0"
URI_PATH = "/example-prefix/kms/xks/v1"
REFERENCE_PATH = "/old/kms/xks/v1"
TESTED, REFERENCE = fake_proxy.ADDRESSES[0], fake_proxy.ADDRESSES[1]
LATENCY_ADVICE = "35 ms round trip"  # a loaded test machine may see it in any test
ENABLED = {"keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"}


def b64(data):
    return base64.b64encode(data).decode()


class KeyManagers:
    """What answers behind each address: its external keys' metadata and AES-256 material, and how long each answer waits."""

    def __init__(self):
        # Other key managers, until a test makes the material the same.
        self.keys = {address: {key_id: dict(ENABLED, material=os.urandom(32)) for key_id in ("key-1", "key-2")} for address in (TESTED, REFERENCE)}
        self.delays = []  # seconds, for the health answers in turn
        self.corrupt_integrity_value = False

    def answer(self, request):
        operation = request["path"].rsplit("/", 1)[1]
        if operation == "health":
            return 200, fake_proxy.HEALTHY_ANSWER, self.delays.pop(0) if self.delays else 0.0
        key_id = re.search(r"/keys/([^/]+)/", request["path"]).group(1)
        key = self.keys[request["address"]].get(key_id)
        if key is None:
            return 404, {"errorName": "KeyNotFoundException"}
        if operation == "metadata":
            return 200, {member: key[member] for member in ("keySpec", "keyUsage", "keyStatus")}
        return getattr(self, operation)(key, request["json"])

    def encrypt(self, key, body):
        aad, iv, metadata = base64.b64decode(body["additionalAuthenticatedData"]), os.urandom(12), b"v=1"
        sealed = AESGCM(key["material"]).encrypt(iv, base64.b64decode(body["plaintext"]), aad + metadata)
        ciphertext, tag = sealed[:-16], sealed[-16:]
        integrity = hashlib.sha256(aad + metadata + iv + ciphertext + tag).digest()
        if self.corrupt_integrity_value:
            integrity = hashlib.sha256(integrity).digest()
        return 200, {"ciphertext": b64(ciphertext), "ciphertextMetadata": b64(metadata), "initializationVector": b64(iv),
                     "authenticationTag": b64(tag), "ciphertextDataIntegrityValue": b64(integrity)}

    def decrypt(self, key, body):
        def unb64(member):
            return base64.b64decode(body.get(member, ""))

        try:
            plaintext = AESGCM(key["material"]).decrypt(unb64("initializationVector"), unb64("ciphertext") + unb64("authenticationTag"),
                                                        unb64("additionalAuthenticatedData") + unb64("ciphertextMetadata"))
        except InvalidTag:
            return 400, {"errorName": "InvalidCiphertextException"}
        return 200, {"plaintext": b64(plaintext)}


@pytest.fixture
def managers(proxy):
    managers = KeyManagers()
    proxy.respond_with(managers.answer)
    return managers


@pytest.fixture
def run(run_proxy_health, proxy):
    defaults = dict(
        xks_proxy_uri_endpoint="https://%s" % TESTED,
        xks_proxy_uri_path=URI_PATH,
        xks_proxy_authentication_credential={"access_key_id": ACCESS_KEY_ID, "raw_secret_access_key": SECRET},
        region="us-east-1",
        ca_path=proxy.ca_path,
        timeout=5,
    )
    return lambda **overrides: run_proxy_health(defaults, overrides, (SECRET, REFERENCE_SECRET))


def reference_proxy(**overrides):
    reference = dict(uri_endpoint="https://%s" % REFERENCE, uri_path=REFERENCE_PATH,
                     authentication_credential={"access_key_id": REFERENCE_ACCESS_KEY_ID, "raw_secret_access_key": REFERENCE_SECRET})
    reference.update(overrides)
    return reference


def calls(proxy, operation):
    return [request for request in proxy.requests if request["path"].endswith("/" + operation)]


# -- external keys --------------------------------------------------------------------------------
def test_usable_keys(run, proxy, managers):
    result = run(xks_key_ids=["key-1", "key-2"])
    assert result.get("failed") is not True, result
    assert result["healthy"] is True and result["outcome"] == "healthy"
    assert result["keys"] == [
        {"id": "key-1", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED", "usable": True},
        {"id": "key-2", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED", "usable": True},
    ]
    assert "2 external keys usable" in result["msg"]
    (first, second) = calls(proxy, "metadata")
    assert first["path"] == URI_PATH + "/keys/key-1/metadata" and second["path"] == URI_PATH + "/keys/key-2/metadata"
    assert first["json"]["requestMetadata"]["kmsOperation"] == "CreateKey" and first["json"]["requestMetadata"]["awsPrincipalArn"]
    assert fake_proxy.FakeProxy.signed_by(first, ACCESS_KEY_ID, SECRET, "us-east-1")
    assert calls(proxy, "encrypt") == [] and calls(proxy, "decrypt") == []


@pytest.mark.parametrize(
    "change, words",
    [
        ({"keyStatus": "DISABLED"}, ["its status is DISABLED", "KMS needs ENABLED"]),
        ({"keyUsage": ["ENCRYPT"]}, ["lacks DECRYPT"]),
        ({"keyUsage": ["SIGN", "VERIFY"]}, ["lacks ENCRYPT and DECRYPT"]),
        ({"keySpec": "AES_128"}, ["its key spec is AES_128", "KMS needs AES_256"]),
        (None, ["has no external key 'key-2'", "XksKeyNotFoundException"]),
    ],
)
def test_an_unusable_key_is_named_with_its_problem(run, managers, change, words):
    if change is None:
        del managers.keys[TESTED]["key-2"]
    else:
        managers.keys[TESTED]["key-2"].update(change)
    result = run(xks_key_ids=["key-1", "key-2"])
    assert result["failed"] is True
    assert result["healthy"] is False and result["outcome"] == "key_unusable"
    (usable, unusable) = result["keys"]
    assert usable["usable"] is True and "problem" not in usable
    assert unusable["usable"] is False
    for word in words:
        assert word in unusable["problem"], unusable
    assert "1 of 2 external keys are not usable on the proxy: key-2 (" in result["msg"]
    assert "XksKeyInvalidConfigurationException" in result["msg"] and "KMSInvalidStateException" in result["msg"]
    assert [finding["outcome"] for finding in result["findings"]] == ["key_unusable"]


def test_fail_on_unhealthy_false_reports_an_unusable_key(run, managers):
    managers.keys[TESTED]["key-1"]["keyStatus"] = "DISABLED"
    result = run(xks_key_ids=["key-1"], fail_on_unhealthy=False)
    assert result.get("failed") is not True
    assert result["healthy"] is False and result["outcome"] == "key_unusable"


def test_keys_are_not_asked_about_when_the_proxy_does_not_answer_the_api(run, proxy):
    proxy.answer(status=401, body={"errorName": "AuthenticationFailedException"})
    result = run(xks_key_ids=["key-1"])
    assert result["outcome"] == "credential_rejected"
    assert "keys" not in result and "latency_ms" not in result
    assert len(proxy.requests) == 1


# -- key material -------------------------------------------------------------------------------
def test_same_key_material_is_proven_both_ways(run, proxy, managers):
    for key_id in ("key-1", "key-2"):  # the reference proxy fronts the same key manager
        managers.keys[REFERENCE][key_id]["material"] = managers.keys[TESTED][key_id]["material"]
    result = run(xks_key_ids=["key-1", "key-2"], reference_proxy=reference_proxy())
    assert result.get("failed") is not True, result
    assert [key["same_key_material"] for key in result["keys"]] == [True, True]
    assert "with the same key material as the reference proxy" in result["msg"]
    crypto = [(request["address"], request["path"].rsplit("/", 1)[1]) for request in proxy.requests if "/keys/key-1/" in request["path"]]
    assert crypto == [(TESTED, "metadata"), (REFERENCE, "encrypt"), (TESTED, "decrypt"), (TESTED, "encrypt"), (REFERENCE, "decrypt")]
    for request in proxy.requests:
        credential = (REFERENCE_ACCESS_KEY_ID, REFERENCE_SECRET) if request["address"] == REFERENCE else (ACCESS_KEY_ID, SECRET)
        assert fake_proxy.FakeProxy.signed_by(request, *credential, "us-east-1"), request["path"]
    encrypt = calls(proxy, "encrypt")[0]["json"]
    assert encrypt["encryptionAlgorithm"] == "AES_GCM" and encrypt["ciphertextDataIntegrityValueAlgorithm"] == "SHA_256"
    assert encrypt["requestMetadata"]["kmsOperation"] == "Encrypt" and encrypt["requestMetadata"]["kmsKeyArn"].startswith("arn:aws:kms:us-east-1:")
    canaries = {request["json"]["plaintext"] for request in calls(proxy, "encrypt")}
    assert len(canaries) == 4, "each canary is random"


def test_other_key_material_fails_before_a_move(run, proxy, managers):
    managers.keys[REFERENCE]["key-1"]["material"] = managers.keys[TESTED]["key-1"]["material"]  # key-2 differs
    result = run(xks_key_ids=["key-1", "key-2"], reference_proxy=reference_proxy())
    assert result["failed"] is True
    assert result["outcome"] == "key_material_differs"
    assert [key["same_key_material"] for key in result["keys"]] == [True, False]
    assert result["keys"][1]["usable"] is True
    assert "InvalidCiphertextException" in result["keys"][1]["problem"]
    assert "1 of 2 external keys are not the same key material" in result["msg"] and "key-2" in result["msg"]
    assert "Do not move a key store to this proxy" in result["msg"]


def test_a_proxy_that_decrypts_to_other_bytes_is_other_material(run, proxy, managers):
    managers.keys[REFERENCE]["key-1"]["material"] = managers.keys[TESTED]["key-1"]["material"]
    real_decrypt = managers.decrypt
    managers.decrypt = lambda key, body: (200, {"plaintext": b64(b"\0" * 32)}) if key is managers.keys[TESTED]["key-1"] else real_decrypt(key, body)
    result = run(xks_key_ids=["key-1"], reference_proxy=reference_proxy())
    assert result["outcome"] == "key_material_differs"
    assert "to other bytes" in result["keys"][0]["problem"]


def test_an_unreachable_reference_leaves_the_material_unchecked(run, proxy, managers):
    result = run(xks_key_ids=["key-1"], reference_proxy=reference_proxy(uri_endpoint=proxy.unused_endpoint))
    assert result["failed"] is True
    assert result["outcome"] == "key_material_unchecked"
    assert result["keys"][0]["usable"] is True and result["keys"][0]["same_key_material"] is None
    assert "could not be compared" in result["keys"][0]["problem"] and "Cannot reach the proxy" in result["keys"][0]["problem"]
    assert "nothing is proven about the key material" in result["msg"]


def test_a_wrong_integrity_value_is_refused(run, managers):
    managers.keys[REFERENCE]["key-1"]["material"] = managers.keys[TESTED]["key-1"]["material"]
    managers.corrupt_integrity_value = True
    result = run(xks_key_ids=["key-1"], reference_proxy=reference_proxy())
    assert result["outcome"] == "key_material_unchecked"
    assert "ciphertextDataIntegrityValue" in result["keys"][0]["problem"]


def test_a_key_unusable_on_the_proxy_is_not_compared(run, proxy, managers):
    managers.keys[TESTED]["key-1"]["keyStatus"] = "DISABLED"
    result = run(xks_key_ids=["key-1"], reference_proxy=reference_proxy())
    assert result["outcome"] == "key_unusable"
    assert result["keys"][0]["same_key_material"] is None and "not compared" in result["keys"][0]["problem"]
    assert calls(proxy, "encrypt") == []


# -- latency ------------------------------------------------------------------------------------
def test_latency_is_summarised(run, proxy, managers):
    managers.delays = [0.0, 0.0, 0.06, 0.0, 0.0]
    result = run(samples=5)
    latency = result["latency_ms"]
    assert latency["samples"] == 5 and len(calls(proxy, "health")) == 5
    assert latency["min"] <= latency["p50"] <= latency["p95"] <= latency["max"]
    assert latency["max"] >= 60 and latency["min"] < 60
    assert result["healthy"] is True


def test_over_kms_timeout_is_a_finding(run, managers):
    managers.delays = [0.3, 0.0, 0.3]
    result = run(samples=3)
    assert result["failed"] is True
    assert result["outcome"] == "slow"
    assert result["latency_ms"]["p50"] >= 300
    assert "waits 250 ms" in result["msg"] and "XksProxyLatency" in result["msg"] and "XKS_PROXY_TIMED_OUT" in result["msg"]


def test_slow_answers_short_of_the_median_warn(run, managers):
    managers.delays = [0.0, 0.3, 0.0, 0.3, 0.0]
    result = run(samples=5)
    assert result["healthy"] is True, result
    assert any("took longer than the 250 ms KMS waits" in warning for warning in s.warnings_of(result))


def test_over_the_recommended_round_trip_warns(run, managers):
    managers.delays = [0.05] * 3
    result = run(samples=3)
    assert result["healthy"] is True
    assert any(LATENCY_ADVICE in warning for warning in s.warnings_of(result))


# -- the certificate ----------------------------------------------------------------------------
def now():
    return datetime.datetime.now(datetime.timezone.utc)


def test_the_certificate_is_described(run, proxy):
    proxy.certify(not_after=now() + datetime.timedelta(days=200, hours=1))
    certificate = run(samples=1)["certificate"]
    assert certificate["days_to_expire"] == 200
    assert certificate["subject"].startswith("CN=%s," % TESTED)
    assert "O=trustme" in certificate["issuer"]
    assert datetime.datetime.fromisoformat(certificate["not_after"]) > now() + datetime.timedelta(days=200)


def test_a_certificate_near_expiry_warns(run, proxy):
    proxy.certify(not_after=now() + datetime.timedelta(days=10, hours=1))
    result = run(samples=1)
    assert result["healthy"] is True and result["certificate"]["days_to_expire"] == 10
    (warning,) = s.warnings_of(result, but=LATENCY_ADVICE)
    assert "expires in 10 days" in warning and "certificate_min_days=30" in warning
    assert s.warnings_of(run(samples=1, certificate_min_days=7), but=LATENCY_ADVICE) == []


@pytest.mark.parametrize("validate_certs", [True, False])
def test_an_expired_certificate_fails(run, proxy, validate_certs):
    proxy.certify(not_after=now() - datetime.timedelta(days=2))
    result = run(samples=1, validate_certs=validate_certs)
    assert result["failed"] is True
    assert result["outcome"] == "certificate_expired"
    assert result["certificate"]["days_to_expire"] <= -2
    assert "Renew the proxy's TLS certificate now" in result["msg"] and "XksProxyCertificateDaysToExpire" in result["msg"]
    if validate_certs:  # the handshake refused it too; the certificate is read without verification only to describe it
        assert "certificate has expired" in result["msg"] and proxy.requests == []


# -- options ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"xks_key_ids": ["key 1"]}, ["xks_key_ids[0]", "letters, digits"]),
        ({"xks_key_ids": ["k" * 129]}, ["xks_key_ids[0]", "129 characters"]),
        ({"xks_key_ids": ["key-1", "key-1"]}, ["xks_key_ids lists key-1 more than once"]),
        ({"samples": 0}, ["samples must be from 1 to 100"]),
        ({"samples": 101}, ["samples must be from 1 to 100"]),
        ({"certificate_min_days": -1}, ["certificate_min_days must be 0 or more"]),
        ({"reference_proxy": reference_proxy()}, ["reference_proxy", "xks_key_ids"]),
        ({"xks_key_ids": ["key-1"], "reference_proxy": reference_proxy(uri_endpoint="https://host:444")}, ["reference_proxy.uri_endpoint", "port"]),
        ({"xks_key_ids": ["key-1"], "reference_proxy": reference_proxy(uri_path="/kms")}, ["reference_proxy.uri_path"]),
        ({"xks_key_ids": ["key-1"], "reference_proxy": reference_proxy(authentication_credential={"access_key_id": REFERENCE_ACCESS_KEY_ID})},
         ["raw_secret_access_key", "authentication_credential"]),
        ({"xks_key_ids": ["key-1"], "reference_proxy": reference_proxy(
            authentication_credential={"access_key_id": REFERENCE_ACCESS_KEY_ID, "raw_secret_access_key": REFERENCE_SECRET[:20]})},
         ["reference_proxy.authentication_credential.raw_secret_access_key"]),
    ],
)
def test_bad_audit_options_fail_before_any_call(run, proxy, overrides, words):
    result = run(**overrides)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert proxy.requests == []


@pytest.mark.parametrize(
    "shape",
    [
        json.dumps(reference_proxy()),
        "uri_endpoint=https://x raw_secret_access_key=%s" % REFERENCE_SECRET,
        dict(reference_proxy(), authentication_credential=json.dumps({"access_key_id": REFERENCE_ACCESS_KEY_ID, "raw_secret_access_key": REFERENCE_SECRET})),
        dict(reference_proxy(), authentication_credential=[REFERENCE_SECRET]),
        dict(reference_proxy(), authentication_credential={"access_key_id": REFERENCE_SECRET, "raw_secret_access_key": "x"}),
        dict(reference_proxy(), authentication_credential={REFERENCE_SECRET: REFERENCE_SECRET}),
        dict(reference_proxy(), raw_secret_access_key=REFERENCE_SECRET),
        [REFERENCE_SECRET],
        {REFERENCE_SECRET: "x"},
    ],
)
def test_the_reference_secret_is_never_shown_whatever_its_shape(run, managers, shape):
    # run() asserts that no piece of the reference secret reached the output, the argument echo included.
    result = run(xks_key_ids=["key-1"], reference_proxy=shape, fail_on_unhealthy=False)
    assert "msg" in result


# -- several findings ---------------------------------------------------------------------------
def test_findings_come_most_severe_first(run, managers):
    managers.keys[TESTED]["key-1"]["keyStatus"] = "DISABLED"
    managers.delays = [0.3] * 2  # slow is found first, and is the least severe
    result = run(samples=2, xks_key_ids=["key-1"])
    assert [finding["outcome"] for finding in result["findings"]] == ["key_unusable", "slow"]
    assert result["outcome"] == "key_unusable"
    assert result["msg"].startswith(result["findings"][0]["message"]) and result["msg"].endswith(result["findings"][1]["message"])


def test_an_expired_certificate_comes_before_the_tls_error_it_causes(run, proxy):
    proxy.certify(not_after=now() - datetime.timedelta(days=2))
    result = run(samples=1)
    assert [finding["outcome"] for finding in result["findings"]] == ["certificate_expired", "tls_error"]
    assert result["msg"].startswith("The proxy's TLS certificate expired on ")

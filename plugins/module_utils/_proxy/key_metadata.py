# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Preflight of an external key: before CreateKey, ask the store's proxy GetKeyMetadata for it, from the
controller, and refuse a key that KMS would refuse (missing, not AES_256, not ENABLED, lacking ENCRYPT or
DECRYPT), so that KMS is not asked at all. ``ask_external_key`` is the one question and its verdict, also
for the preflight of a store's external keys before a move (_keystore/external_keys.py)."""

from urllib.parse import quote

from ansible_collections.kms.xks.plugins.module_utils._proxy.client import ProxyUnreachableError
from ansible_collections.kms.xks.plugins.module_utils._proxy.client import ProxyTarget
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import PREFLIGHT_TIMEOUT
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import PreflightError

# KMS calls GetKeyMetadata for CreateKey, with this kmsOperation (XKS Proxy API spec, requestMetadata).
KMS_OPERATION = "CreateKey"
REQUIRED_USAGE = ("ENCRYPT", "DECRYPT")


def metadata_path(xks_key_id):
    return "keys/%s/metadata" % quote(xks_key_id, safe="")


def external_key_problems(xks_key_id, payload):
    """Why KMS would refuse this GetKeyMetadata answer for CreateKey (the three rules of XksKeyInvalidConfigurationException)."""
    if not isinstance(payload, dict) or not all(member in payload for member in ("keySpec", "keyUsage", "keyStatus")):
        return ["the proxy's GetKeyMetadata answer for %r lacks keySpec, keyUsage or keyStatus (KMS would refuse it)" % xks_key_id]
    problems = []
    if payload["keySpec"] != "AES_256":
        problems.append("its key spec is %s, and KMS needs AES_256" % payload["keySpec"])
    if payload["keyStatus"] != "ENABLED":
        problems.append("its status is %s, and KMS needs ENABLED" % payload["keyStatus"])
    usage = payload["keyUsage"] if isinstance(payload["keyUsage"], list) else []
    missing = [member for member in REQUIRED_USAGE if member not in usage]
    if missing:
        problems.append("its key usage %s lacks %s, and KMS needs ENCRYPT and DECRYPT" % (usage, " and ".join(missing)))
    return problems


def _error_verdict(answer, xks_key_id):
    """(definite, message) for an answer that is not 200."""
    error_name = answer.payload.get("errorName") if isinstance(answer.payload, dict) else None
    if answer.status == 404 and error_name == "KeyNotFoundException":
        return True, "the proxy has no external key %r (404 KeyNotFoundException); KMS would answer XksKeyNotFoundException" % xks_key_id
    if answer.status in (401, 403, 404):
        detail = {401: "rejected the credential", 403: "denied access", 404: "does not serve this URI path"}[answer.status]
        return True, "the proxy at %s %s (%s %s)" % (answer.url, detail, answer.status, error_name or "no errorName")
    return False, "the proxy at %s answered HTTP %s%s" % (answer.url, answer.status, " (%s)" % error_name if error_name else "")


class KeyAnswer:
    """What one GetKeyMetadata said about one external key: ``usable``, or why not, and whether that is ``definite``
    (an answer KMS would also refuse the key for) or only that the controller got no answer it can judge."""

    def __init__(self, xks_key_id, usable, definite, reason, metadata=None):
        self.xks_key_id = xks_key_id
        self.usable = usable
        self.definite = definite
        self.reason = reason
        self.metadata = metadata  # the proxy's 200 answer (keySpec, keyUsage, keyStatus), when it gave one


def ask_external_key(target, xks_key_id, principal_arn, kms_operation):
    """Ask the ProxyTarget ``target`` GetKeyMetadata for ``xks_key_id``; returns a KeyAnswer."""
    try:
        answer = target.call(metadata_path(xks_key_id), kms_operation, body=dict(requestMetadata=dict(awsPrincipalArn=principal_arn)))
    except ProxyUnreachableError as e:
        return KeyAnswer(xks_key_id, False, False, e.message)
    return judge_answer(xks_key_id, answer)


def judge_answer(xks_key_id, answer):
    """The KeyAnswer for the proxy's answer (a ProxyAnswer) to GetKeyMetadata for ``xks_key_id``."""
    if answer.status == 200:
        problems = external_key_problems(xks_key_id, answer.payload)
        metadata = answer.payload if isinstance(answer.payload, dict) else None
        return KeyAnswer(xks_key_id, not problems, bool(problems), "; ".join(problems), metadata)
    definite, message = _error_verdict(answer, xks_key_id)
    return KeyAnswer(xks_key_id, False, definite, message)


def check_external_key(mode, store, xks_key_id, credential, region, principal_arn, warn):
    """Run the ``preflight`` the task asks for on ``xks_key_id`` of ``store`` (its DescribeCustomKeyStores entry).

    Returns a verdict dict (outcome, message) or None when skipped; raises PreflightError on a refusal."""
    if mode == "never":
        return None
    if credential is None or credential.get("raw_secret_access_key") is None:
        if mode == "always":
            raise PreflightError(message="preflight=always needs xks_proxy_authentication_credential with its raw_secret_access_key "
                                         "(or xks_proxy_configuration_file) to sign GetKeyMetadata; KMS never returns the secret.")
        return None  # auto: only when a credential is given
    config = store["XksProxyConfiguration"]
    target = ProxyTarget(config["UriEndpoint"], config["UriPath"], credential, region, timeout=PREFLIGHT_TIMEOUT)
    answer = ask_external_key(target, xks_key_id, principal_arn, KMS_OPERATION)
    if answer.usable:
        return dict(outcome="ok", message="The proxy reports external key %r as an enabled AES_256 key for ENCRYPT and DECRYPT." % xks_key_id)
    if answer.definite:
        raise PreflightError(message="Preflight refused external key %r, KMS was not asked: %s." % (xks_key_id, answer.reason))
    return _indefinite(mode, answer.reason, warn)


def _indefinite(mode, message, warn):
    if mode == "always":
        raise PreflightError(message="Preflight could not check the external key from the controller (preflight=always): %s" % message)
    warn("Preflight could not check the external key from the controller, going on: %s" % message)
    return dict(outcome="unchecked", message=message)

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Preflight of a store's external keys: before an offline edit moves a store to another proxy (endpoint, path
or connectivity), ask the NEW proxy GetKeyMetadata for the external key of each of the store's KMS keys, so that
a move to a proxy that lacks one, or holds it disabled or without a usage, is refused before any disconnect.

GetKeyMetadata proves that each key exists on the new proxy and is usable there, not that it is the same key
material; kms.xks.xks_proxy_health with reference_proxy checks that."""

from ansible_collections.kms.xks.plugins.module_utils._plan.key import PENDING_DELETION
from ansible_collections.kms.xks.plugins.module_utils._plan.key import xks_key_id_of
from ansible_collections.kms.xks.plugins.module_utils._proxy.client import ProxyTarget
from ansible_collections.kms.xks.plugins.module_utils._proxy.key_metadata import ask_external_key
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import PREFLIGHT_TIMEOUT
from ansible_collections.kms.xks.plugins.module_utils._proxy.preflight import PreflightError

# KMS itself calls GetKeyMetadata only for CreateKey. This call stands in front of UpdateCustomKeyStore, so it says
# so: the proxy's request log (the spec asks proxies to log kmsOperation) then tells a preflight from a CreateKey,
# and the spec says a proxy MUST NOT reject a kmsOperation it does not know.
KMS_OPERATION = "UpdateCustomKeyStore"
NOT_THE_SAME_MATERIAL = (
    "GetKeyMetadata shows that the keys exist and are usable on the new proxy, not that they are the same key material: "
    "check that with kms.xks.xks_proxy_health and reference_proxy."
)


def external_keys(keys):
    """{external key id: [KeyMetadata of the KMS keys bound to it]} of the store's KMS keys, in the order found.

    Every key state counts: a key pending deletion can be cancelled, and then needs its external key again."""
    found = {}
    for metadata in keys:
        if xks_key_id_of(metadata):
            found.setdefault(xks_key_id_of(metadata), []).append(metadata)
    return found


def check_store_keys(mode, endpoint, uri_path, credential, region, principal_arn, keys, warn):
    """Ask the proxy at ``endpoint`` + ``uri_path`` GetKeyMetadata for every external key of ``keys`` (the store's KeyMetadata).

    Returns (outcome, message): ``ok``, or ``warned`` when some answers were indefinite under ``auto``; raises
    PreflightError when a key is missing or unusable there, or (``always``) when one could not be checked."""
    holders = external_keys(keys)
    target = ProxyTarget(endpoint, uri_path, credential, region, timeout=PREFLIGHT_TIMEOUT)
    answers = [ask_external_key(target, xks_key_id, principal_arn, KMS_OPERATION) for xks_key_id in holders]
    refused = [answer for answer in answers if not answer.usable and answer.definite]
    unchecked = [answer for answer in answers if not answer.usable and not answer.definite]
    where = endpoint.rstrip("/") + uri_path
    if refused:
        raise PreflightError(message=_refusal(where, len(answers), len(keys), refused + unchecked, holders))
    if unchecked and mode == "always":
        raise PreflightError(message="Preflight could not check %d of the %d external key(s) of the store's KMS keys on the new proxy at %s "
                                     "from the controller (preflight=always), the key store was left as it is: %s."
                                     % (len(unchecked), len(answers), where, _findings(unchecked, holders)))
    checked = "GetKeyMetadata on the new proxy found %s of the %d external key(s) of the store's %d KMS key(s) usable%s." % (
        len(answers) - len(unchecked), len(answers), len(keys), _pending_note(keys))
    if unchecked:
        warning = "Preflight could not check %d of the %d external key(s) on the new proxy at %s from the controller, going on: %s." % (
            len(unchecked), len(answers), where, _findings(unchecked, holders))
        warn(warning)
        return "warned", "%s %s" % (warning, checked)
    return "ok", "%s %s" % (checked, NOT_THE_SAME_MATERIAL)


def _refusal(where, checked, key_count, failing, holders):
    return (
        "Preflight refused the edit, the key store was left as it is (not disconnected): %d of the %d external key(s) of the store's %d "
        "KMS key(s) are missing or unusable on the new proxy at %s, so KMS could not use those KMS keys after the move: %s. Fix these keys "
        "on the new proxy (add the missing ones, enable them, give them AES_256 and ENCRYPT and DECRYPT), or set preflight=never to "
        "make the edit anyway."
        % (len(failing), checked, key_count, where, _findings(failing, holders))
    )


def _findings(answers, holders):
    return "; ".join("%s: %s" % (_label(answer.xks_key_id, holders[answer.xks_key_id]), answer.reason) for answer in answers)


def _label(xks_key_id, metadata_list):
    """'KMS key <id> (external key 'x')', with the state of a key pending deletion (it counts: it can be cancelled)."""
    names = ", ".join(
        metadata["KeyId"] + (" (PendingDeletion, counted: its deletion can be cancelled)" if metadata.get("KeyState") == PENDING_DELETION else "")
        for metadata in metadata_list
    )
    return "KMS key %s (external key %r)" % (names, xks_key_id)


def _pending_note(keys):
    pending = sum(1 for metadata in keys if metadata.get("KeyState") == PENDING_DELETION)
    if not pending:
        return ""
    return " (%d of the KMS keys are pending deletion: they count, since their deletion can be cancelled)" % pending

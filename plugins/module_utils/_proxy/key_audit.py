# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The external keys of xks_proxy_health's audit: for each, the proxy's GetKeyMetadata judged by KMS's rules
for a key it can use (AES_256, ENABLED, ENCRYPT and DECRYPT), and, with a reference proxy, whether both
proxies hold the same key material (canary.py)."""

from ansible_collections.kms.xks.plugins.module_utils._proxy.canary import AUDIT_PRINCIPAL_ARN
from ansible_collections.kms.xks.plugins.module_utils._proxy.canary import same_key_material
from ansible_collections.kms.xks.plugins.module_utils._proxy.key_metadata import KMS_OPERATION
from ansible_collections.kms.xks.plugins.module_utils._proxy.key_metadata import ask_external_key


def _metadata_entry(target, xks_key_id):
    """id, key_spec, key_usage, key_status, usable, and problem when it is not usable, from the proxy's GetKeyMetadata."""
    # KMS asks GetKeyMetadata only for CreateKey: the audit asks what CreateKey would be told.
    answer = ask_external_key(target, xks_key_id, AUDIT_PRINCIPAL_ARN, KMS_OPERATION)
    metadata = answer.metadata or {}
    entry = dict(id=xks_key_id, key_spec=metadata.get("keySpec"), key_usage=metadata.get("keyUsage"), key_status=metadata.get("keyStatus"),
                 usable=answer.usable)
    if not answer.usable:
        entry["problem"] = answer.reason
    return entry


def audit_keys(target, xks_key_ids, reference=None):
    """One entry per external key id (see _metadata_entry); with a ``reference`` ProxyTarget, also same_key_material:
    True, False, or None when it could not be told (the key is not usable on the proxy under test, or a call failed)."""
    entries = []
    for xks_key_id in xks_key_ids:
        entry = _metadata_entry(target, xks_key_id)
        if reference is not None:
            if entry["usable"]:
                same, message = same_key_material(reference, target, xks_key_id)
            else:
                same, message = None, "the key material was not compared: the key is not usable on this proxy"
            entry["same_key_material"] = same
            if same is not True:
                entry["problem"] = "; ".join(part for part in (entry.get("problem"), message) if part)
        entries.append(entry)
    return entries

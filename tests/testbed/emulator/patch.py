# -*- coding: utf-8 -*-
"""The one place where moto.kms is extended: install() copies the custom-key-store methods onto
moto's KmsBackend and KmsResponse, and makes KeyMetadata show a key's external key store.

Works in moto's server and under mock_aws(); calling it twice is harmless.
"""

from moto.kms.models import Key, KmsBackend, kms_backends
from moto.kms.responses import KmsResponse

from .backend import CustomKeyStoreBackend
from .responses import CustomKeyStoreResponses
from .stores import CONNECTED

_INSTALLED = "_kms_xks_testbed_installed"


def _own_functions(mixin):
    return {name: value for name, value in vars(mixin).items() if not name.startswith("__")}


def key_metadata_with_store(moto_to_dict):
    """Wrap Key.to_dict: CustomKeyStoreId, XksKeyConfiguration, and KeyState Unavailable while the store is not CONNECTED."""
    def to_dict(key):
        document = moto_to_dict(key)
        store_id = getattr(key, "custom_key_store_id", None)
        if store_id:
            metadata = document["KeyMetadata"]
            metadata["CustomKeyStoreId"] = store_id
            metadata["XksKeyConfiguration"] = {"Id": key.xks_key_id}
            state = kms_backends[key.account_id][key.region].xks_store_state(store_id)
            if state != CONNECTED and metadata["KeyState"] in ("Enabled", "Disabled"):
                metadata["KeyState"] = "Unavailable"
        return document
    return to_dict


def install():
    if getattr(KmsResponse, _INSTALLED, False):
        return
    KmsResponse.moto_create_key = KmsResponse.create_key
    for name, value in _own_functions(CustomKeyStoreResponses).items():
        setattr(KmsResponse, name, value)
    for name, value in _own_functions(CustomKeyStoreBackend).items():
        setattr(KmsBackend, name, value)
    Key.to_dict = key_metadata_with_store(Key.to_dict)
    setattr(KmsResponse, _INSTALLED, True)

# -*- coding: utf-8 -*-
"""The one place where moto.kms is extended: install() copies the custom-key-store methods onto
moto's KmsBackend and KmsResponse, then adds XKS keys (keys.py).

Works in moto's server and under mock_aws(); calling it twice is harmless.
"""

from moto.kms.models import Key, KmsBackend
from moto.kms.responses import KmsResponse

from . import keys
from .backend import CustomKeyStoreBackend
from .responses import CustomKeyStoreResponses

_INSTALLED = "_kms_xks_testbed_installed"


def _own_functions(mixin):
    return {name: value for name, value in vars(mixin).items() if not name.startswith("__")}


def install():
    if getattr(KmsResponse, _INSTALLED, False):
        return
    keys.keep_moto_originals(KmsResponse, KmsBackend)
    for mixin, cls in ((CustomKeyStoreResponses, KmsResponse), (CustomKeyStoreBackend, KmsBackend),
                       (keys.XksKeyResponses, KmsResponse), (keys.XksKeyBackend, KmsBackend)):
        for name, value in _own_functions(mixin).items():
            setattr(cls, name, value)
    keys.wrap(KmsResponse, Key)
    setattr(KmsResponse, _INSTALLED, True)

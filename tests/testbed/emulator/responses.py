# -*- coding: utf-8 -*-
"""Request parsing for the six custom-key-store actions: methods that
patch.py adds to moto's KmsResponse. Rules live in backend.py; shapes are checked here.
"""

import base64
import binascii
import json

from . import errors
from .stores import ProxySettings
from .validation import Checker

_XKS_MEMBERS = ("XksProxyConnectivity", "XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyVpcEndpointServiceName",
                "XksProxyVpcEndpointServiceOwner")
_CLOUDHSM_MEMBERS = ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword")
_EMPTY = "{}"


def encode_marker(store_id):
    return base64.urlsafe_b64encode(store_id.encode("ascii")).decode("ascii")


def decode_marker(marker, entries):
    """Index in `entries` where the page starting at `marker` begins."""
    try:
        store_id = base64.urlsafe_b64decode(marker.encode("latin-1")).decode("ascii")
    except (binascii.Error, ValueError):
        store_id = None
    for index, entry in enumerate(entries):
        if entry["CustomKeyStoreId"] == store_id:
            return index
    raise errors.InvalidMarkerException("The marker %s is not valid" % marker)


def _reject_cloudhsm_members(params):
    given = [name for name in _CLOUDHSM_MEMBERS if params.get(name) is not None]
    if given:
        raise errors.ValidationException("%s cannot be used with an external key store" % ", ".join(given))


class CustomKeyStoreResponses(object):
    """Mixed into moto.kms.responses.KmsResponse by patch.install()."""

    # body and kms_backend come from KmsResponse.
    # pylint: disable=no-member

    def _xks_params(self):
        params = json.loads(self.body) if self.body else {}
        if not isinstance(params, dict):
            raise errors.ValidationException("The request body must be a JSON object")
        return params

    def create_custom_key_store(self):
        params = self._xks_params()
        check = Checker()
        check.required("CustomKeyStoreName", params.get("CustomKeyStoreName"))
        for name in ("CustomKeyStoreName", "CustomKeyStoreType") + _XKS_MEMBERS:
            check.member(name, params.get(name))
        check.credential(params.get("XksProxyAuthenticationCredential"))
        check.done()
        if params.get("CustomKeyStoreType", "AWS_CLOUDHSM") != "EXTERNAL_KEY_STORE":
            raise errors.UnsupportedOperationException("The test bed emulates EXTERNAL_KEY_STORE custom key stores only")
        _reject_cloudhsm_members(params)
        check = Checker()
        for name in ("XksProxyConnectivity", "XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyAuthenticationCredential"):
            check.required(name, params.get(name))
        check.done()
        credential = params["XksProxyAuthenticationCredential"]
        proxy = ProxySettings(
            connectivity=params["XksProxyConnectivity"],
            endpoint=params["XksProxyUriEndpoint"],
            uri_path=params["XksProxyUriPath"],
            service_name=params.get("XksProxyVpcEndpointServiceName"),
            service_owner=params.get("XksProxyVpcEndpointServiceOwner"),
            access_key_id=credential["AccessKeyId"],
            secret=credential["RawSecretAccessKey"],
        )
        store_id = self.kms_backend.create_custom_key_store(params["CustomKeyStoreName"], proxy)
        return json.dumps({"CustomKeyStoreId": store_id})

    def describe_custom_key_stores(self):
        params = self._xks_params()
        check = Checker()
        for name in ("CustomKeyStoreId", "CustomKeyStoreName", "Marker"):
            check.member(name, params.get(name))
        check.limit(params.get("Limit"))
        check.done()
        store_id, name = params.get("CustomKeyStoreId"), params.get("CustomKeyStoreName")
        if store_id is not None and name is not None:
            raise errors.ValidationException("Specify either CustomKeyStoreId or CustomKeyStoreName, not both")
        entries = self.kms_backend.describe_custom_key_stores(store_id=store_id, name=name)
        start = decode_marker(params["Marker"], entries) if params.get("Marker") is not None else 0
        limit = params.get("Limit") or 1000
        page = entries[start:start + limit]
        result = {"CustomKeyStores": page, "Truncated": start + limit < len(entries)}
        if result["Truncated"]:
            result["NextMarker"] = encode_marker(entries[start + limit]["CustomKeyStoreId"])
        return json.dumps(result)

    def update_custom_key_store(self):
        params = self._xks_params()
        check = Checker()
        check.required("CustomKeyStoreId", params.get("CustomKeyStoreId"))
        check.member("CustomKeyStoreId", params.get("CustomKeyStoreId"))
        check.member("NewCustomKeyStoreName", params.get("NewCustomKeyStoreName"))
        for name in _XKS_MEMBERS:
            # "specify a null or empty string for the XksProxyVpcEndpointServiceName" when moving to PUBLIC_ENDPOINT
            if not (name == "XksProxyVpcEndpointServiceName" and params.get(name) == ""):
                check.member(name, params.get(name))
        check.credential(params.get("XksProxyAuthenticationCredential"))
        check.done()
        _reject_cloudhsm_members(params)
        changes = {name: params[name] for name in _XKS_MEMBERS + ("XksProxyAuthenticationCredential",) if params.get(name) is not None}
        self.kms_backend.update_custom_key_store(params["CustomKeyStoreId"], params.get("NewCustomKeyStoreName"), changes)
        return _EMPTY

    def _store_id_param(self):
        params = self._xks_params()
        check = Checker()
        check.required("CustomKeyStoreId", params.get("CustomKeyStoreId"))
        check.member("CustomKeyStoreId", params.get("CustomKeyStoreId"))
        check.done()
        return params["CustomKeyStoreId"]

    def connect_custom_key_store(self):
        self.kms_backend.connect_custom_key_store(self._store_id_param())
        return _EMPTY

    def disconnect_custom_key_store(self):
        self.kms_backend.disconnect_custom_key_store(self._store_id_param())
        return _EMPTY

    def delete_custom_key_store(self):
        self.kms_backend.delete_custom_key_store(self._store_id_param())
        return _EMPTY

# -*- coding: utf-8 -*-
"""External key stores of one account and Region: their properties, state, and uniqueness rules."""

import secrets
import threading

from moto.core.utils import unix_time

from . import errors
from .calls import CALLS
from .consistency import Lagging

CONNECTED = "CONNECTED"
CONNECTING = "CONNECTING"
DISCONNECTED = "DISCONNECTED"
DISCONNECTING = "DISCONNECTING"
FAILED = "FAILED"

PUBLIC = "PUBLIC_ENDPOINT"
VPC = "VPC_ENDPOINT_SERVICE"


def new_store_id():
    return "cks-" + secrets.token_hex(9)[:17]


class ProxySettings(object):
    """The XKS proxy properties of a store (what an update may change), secret included."""

    FIELDS = ("connectivity", "endpoint", "uri_path", "service_name", "service_owner", "access_key_id", "secret")

    def __init__(self, **values):
        for field in self.FIELDS:
            setattr(self, field, values.get(field))

    def replace(self, **changes):
        values = {field: getattr(self, field) for field in self.FIELDS}
        values.update(changes)
        return ProxySettings(**values)


class CustomKeyStore(object):
    def __init__(self, name, proxy):
        self.id = new_store_id()
        self.name = name
        self._proxy = Lagging(proxy)
        self.creation_date = unix_time()
        self._state = None
        self.state = DISCONNECTED
        self.error_code = None
        # Bumped by every connect/disconnect, so a timer of an earlier transition does nothing.
        self.generation = 0

    @property
    def proxy(self):
        """The proxy settings as stored (what Describe shows and the rules check)."""
        return self._proxy.current

    def change_proxy(self, proxy, delay):
        """UpdateCustomKeyStore's new settings; KMS keeps using the old ones for `delay` seconds."""
        self._proxy.change(proxy, delay)

    def effective_proxy(self):
        """The settings KMS uses when it calls the proxy (the old ones during the consistency delay)."""
        return self._proxy.effective()

    @property
    def state(self):
        return self._state

    @state.setter
    def state(self, state):
        # Every ConnectionState the store enters goes to the call log, with its time.
        if state != self._state:
            CALLS.transition(self.id, state)
        self._state = state

    def describe(self):
        """The CustomKeyStoresListEntry; the secret has no member in it."""
        config = {
            "AccessKeyId": self.proxy.access_key_id,
            "Connectivity": self.proxy.connectivity,
            "UriEndpoint": self.proxy.endpoint,
            "UriPath": self.proxy.uri_path,
        }
        if self.proxy.connectivity == VPC:
            config["VpcEndpointServiceName"] = self.proxy.service_name
            config["VpcEndpointServiceOwner"] = self.proxy.service_owner
        entry = {
            "CustomKeyStoreId": self.id,
            "CustomKeyStoreName": self.name,
            "ConnectionState": self.state,
            "CreationDate": self.creation_date,
            "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
            "XksProxyConfiguration": config,
        }
        if self.state == FAILED and self.error_code:
            entry["ConnectionErrorCode"] = self.error_code
        return entry


class StoreRegistry(object):
    """The stores of one moto KmsBackend, in creation order; `lock` guards every read and change."""

    def __init__(self):
        self.lock = threading.RLock()
        self._stores = {}

    def all(self):
        return list(self._stores.values())

    def get(self, store_id):
        store = self._stores.get(store_id)
        if store is None:
            raise errors.CustomKeyStoreNotFoundException("Custom key store %s does not exist" % store_id)
        return store

    def by_name(self, name):
        for store in self._stores.values():
            if store.name == name:
                return store
        raise errors.CustomKeyStoreNotFoundException("Custom key store with name %s does not exist" % name)

    def add(self, store):
        self._stores[store.id] = store

    def remove(self, store_id):
        del self._stores[store_id]

    def check_unique(self, name, proxy, exclude_id=None):
        """Raise the KMS error for the first uniqueness rule `name`/`proxy` breaks against another store.

        The messages are the model's exception texts: they never name the other store (which, for the
        endpoint rule, may be another account's).
        """
        others = [s for s in self._stores.values() if s.id != exclude_id]
        endpoint = proxy.endpoint.lower()
        for other in others:
            if other.name == name:
                raise errors.CustomKeyStoreNameInUseException(
                    "The custom key store name %s is already assigned to another custom key store in the account." % name)
        for other in others:
            if other.proxy.endpoint.lower() == endpoint and other.proxy.uri_path == proxy.uri_path:
                raise errors.XksProxyUriInUseException(
                    "The concatenation of the XksProxyUriEndpoint and XksProxyUriPath is already associated with another "
                    "external key store in this Region. Each external key store in a Region must use a unique external key "
                    "store proxy API address.")
        for other in others:
            # A VPC store's endpoint is its private DNS name: no other store, PUBLIC or VPC, may use it.
            if other.proxy.endpoint.lower() == endpoint and VPC in (proxy.connectivity, other.proxy.connectivity):
                raise errors.XksProxyUriEndpointInUseException(
                    "The XksProxyUriEndpoint %s is already associated with another external key store in this Region. "
                    "An external key store with VPC endpoint service connectivity needs its own private DNS name." % proxy.endpoint)
        if proxy.connectivity == VPC:
            for other in others:
                if other.proxy.connectivity == VPC and other.proxy.service_name == proxy.service_name:
                    raise errors.XksProxyVpcEndpointServiceInUseException(
                        "The VPC endpoint service %s is already associated with another external key store in this Region. "
                        "Each external key store in a Region must use a different VPC endpoint service." % proxy.service_name)

# -*- coding: utf-8 -*-
"""The custom-key-store rules of KMS, as methods that patch.py adds to moto's KmsBackend.

Network calls (health checks) run outside the registry lock, so Describe stays responsive; a
change is checked again under the lock before it is applied.
"""

import sys

from . import errors, health, vpc
from .faults import CONNECT_FAILED, FAULTS
from .scheduler import SCHEDULER
from .settings import SETTINGS
from .stores import CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING, FAILED, PUBLIC, VPC, CustomKeyStore, StoreRegistry
from .. import config

# UpdateCustomKeyStore members that need DISCONNECTED (the others may change while CONNECTED too).
OFFLINE_MEMBERS = ("XksProxyConnectivity", "XksProxyUriEndpoint", "XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner")


def _raise_for(outcome, operation):
    """Raise what KMS raises for an unhealthy proxy: KMS's own words to the caller, the detail to the log."""
    if not outcome.healthy:
        sys.stderr.write("testbed: %s health check failed: %s\n" % (operation, outcome.reason))
        raise errors.error_class(outcome.exception)(outcome.message)


def _check_connectivity_fields(proxy):
    if proxy.connectivity == VPC and not proxy.service_name:
        raise errors.ValidationException("XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE")
    if proxy.connectivity == PUBLIC and (proxy.service_name or proxy.service_owner):
        raise errors.ValidationException(
            "XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE")


class CustomKeyStoreBackend(object):
    """Mixed into moto.kms.models.KmsBackend by patch.install()."""

    # keys, create_key, delete_key, account_id and region_name come from KmsBackend.
    # pylint: disable=no-member

    @property
    def xks_stores(self):
        # Created lazily: moto builds backends itself, and reset() wipes the instance dict.
        registry = self.__dict__.get("_xks_stores")
        if registry is None:
            registry = self.__dict__.setdefault("_xks_stores", StoreRegistry())
        return registry

    def _health(self, proxy, operation):
        # A VPC store's requests go through its endpoint service, to the address the registry maps it to.
        address = vpc.address(SETTINGS.services(), proxy) if proxy.connectivity == VPC else None
        return health.check(proxy.endpoint, proxy.uri_path, proxy.access_key_id, proxy.secret, self.region_name, operation, SETTINGS,
                            address=address)

    def _vpc_problem(self, proxy):
        """What KMS finds wrong with a VPC store's endpoint service (None: nothing, or not a VPC store)."""
        if proxy.connectivity != VPC:
            return None
        return vpc.problem(SETTINGS.services(), proxy, self.account_id, self.region_name)

    def _check_vpc_endpoint_service(self, proxy):
        found = self._vpc_problem(proxy)
        if found:
            raise errors.error_class(found.exception)(found.message)

    def create_custom_key_store(self, name, proxy):
        """`proxy`: a ProxySettings with every member the request gave; returns the new store id."""
        if proxy.connectivity == VPC and not proxy.service_owner:
            proxy = proxy.replace(service_owner=self.account_id)  # "the AWS account ID calling the action"
        _check_connectivity_fields(proxy)
        registry = self.xks_stores
        with registry.lock:
            self._check_quota()
            registry.check_unique(name, proxy)
        self._check_vpc_endpoint_service(proxy)
        if proxy.connectivity == PUBLIC:
            # KMS tests a public endpoint at creation; a VPC endpoint only when connecting.
            _raise_for(self._health(proxy, "CreateCustomKeyStore"), "CreateCustomKeyStore")
        with registry.lock:
            self._check_quota()
            registry.check_unique(name, proxy)
            store = CustomKeyStore(name, proxy)
            registry.add(store)
        return store.id

    def _check_quota(self):
        if len(self.xks_stores.all()) >= config.STORE_QUOTA:
            raise errors.LimitExceededException(
                "The request was rejected because the custom key store quota (%d) was reached" % config.STORE_QUOTA)

    def describe_custom_key_stores(self, store_id=None, name=None):
        """The matching stores in creation order (entries, not objects)."""
        registry = self.xks_stores
        with registry.lock:
            if store_id is not None:
                return [registry.get(store_id).describe()]
            if name is not None:
                return [registry.by_name(name).describe()]
            return [store.describe() for store in registry.all()]

    def update_custom_key_store(self, store_id, new_name, changes):
        """`changes`: request member name -> value, for the XKS members present in the request."""
        registry = self.xks_stores
        with registry.lock:
            store = registry.get(store_id)
            self._check_updatable(store, changes)
            name = new_name if new_name is not None else store.name
            proxy = self._merged_proxy(store, changes)
            registry.check_unique(name, proxy, exclude_id=store.id)
            before = store.proxy
        self._check_vpc_endpoint_service(proxy)
        _raise_for(self._health(proxy, "UpdateCustomKeyStore"), "UpdateCustomKeyStore")
        with registry.lock:
            if store.proxy is not before or registry.get(store_id) is not store:
                # Another request changed it while the proxy was asked: what KMS says of its internal errors.
                raise errors.KMSInternalException(errors.INTERNAL_ERROR_MESSAGE)
            self._check_updatable(store, changes)
            registry.check_unique(name, proxy, exclude_id=store.id)
            store.name = name
            store.change_proxy(proxy, SETTINGS.consistency_delay)

    @staticmethod
    def _check_updatable(store, changes):
        if store.state not in (CONNECTED, DISCONNECTED):
            raise errors.CustomKeyStoreInvalidStateException(
                "Custom key store %s is %s; it can be updated only when CONNECTED or DISCONNECTED" % (store.id, store.state))
        offline = [member for member in OFFLINE_MEMBERS if member in changes]
        if store.state == CONNECTED and offline:
            raise errors.CustomKeyStoreInvalidStateException(
                "Custom key store %s is CONNECTED; to change %s it must be DISCONNECTED" % (store.id, ", ".join(offline)))

    def _merged_proxy(self, store, changes):
        """The store's proxy settings with `changes` applied, after the connectivity-change rules."""
        current = store.proxy
        connectivity = changes.get("XksProxyConnectivity", current.connectivity)
        endpoint = changes.get("XksProxyUriEndpoint", current.endpoint)
        service_name = changes.get("XksProxyVpcEndpointServiceName") or None
        service_owner = changes.get("XksProxyVpcEndpointServiceOwner")
        if connectivity != current.connectivity:
            if endpoint.lower() == current.endpoint.lower():
                raise errors.ValidationException("To change XksProxyConnectivity you must also change XksProxyUriEndpoint")
            if connectivity == VPC and service_name is None:
                raise errors.ValidationException("To change XksProxyConnectivity to VPC_ENDPOINT_SERVICE you must specify XksProxyVpcEndpointServiceName")
        if connectivity == PUBLIC:
            if service_name is not None or service_owner is not None:
                raise errors.ValidationException(
                    "XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE")
        else:
            service_name = service_name or current.service_name
            service_owner = service_owner or current.service_owner or self.account_id
        credential = changes.get("XksProxyAuthenticationCredential") or {}
        return current.replace(
            connectivity=connectivity,
            endpoint=endpoint,
            uri_path=changes.get("XksProxyUriPath", current.uri_path),
            service_name=service_name,
            service_owner=service_owner,
            access_key_id=credential.get("AccessKeyId", current.access_key_id),
            secret=credential.get("RawSecretAccessKey", current.secret),
        )

    def connect_custom_key_store(self, store_id):
        registry = self.xks_stores
        with registry.lock:
            store = registry.get(store_id)
            if store.state in (DISCONNECTING, FAILED):
                raise errors.CustomKeyStoreInvalidStateException(
                    "Custom key store %s is %s; disconnect it before connecting" % (store.id, store.state)
                    if store.state == FAILED else "Custom key store %s is DISCONNECTING" % store.id)
            if store.state in (CONNECTED, CONNECTING):
                return  # valid by the model, nothing to start
            store.state = CONNECTING
            store.error_code = None
            store.generation += 1
            generation = store.generation
            forced = FAULTS.take("ConnectCustomKeyStore", (CONNECT_FAILED,))
        SCHEDULER.later(SETTINGS.connect_delay, lambda: self._finish_connect(store, generation, forced))

    def _finish_connect(self, store, generation, forced):
        registry = self.xks_stores
        with registry.lock:
            if store.generation != generation or store.state != CONNECTING:
                return
            proxy = store.effective_proxy()
        code = forced["error_code"] if forced else self._connect_check(proxy)
        with registry.lock:
            if store.generation == generation and store.state == CONNECTING:
                store.state = FAILED if code else CONNECTED
                store.error_code = code

    def _proxy_check(self, proxy, operation):
        """What KMS finds when it calls the proxy for `operation` (an Outcome).

        For a VPC store KMS first checks the endpoint service (and creates its interface endpoint), then sends GetHealthStatus.
        """
        found = self._vpc_problem(proxy)
        if found:
            return health.Outcome(found.exception, found.code, found.message, found.message)
        return self._health(proxy, operation)

    def _connect_check(self, proxy):
        """The ConnectionErrorCode a connect attempt ends with (None: CONNECTED); the detail goes to the log."""
        outcome = self._proxy_check(proxy, "ConnectCustomKeyStore")
        if not outcome.healthy:
            sys.stderr.write("testbed: ConnectCustomKeyStore failed: %s\n" % outcome.reason)
        return outcome.code

    def disconnect_custom_key_store(self, store_id):
        registry = self.xks_stores
        with registry.lock:
            store = registry.get(store_id)
            if store.state in (DISCONNECTING, DISCONNECTED):
                raise errors.CustomKeyStoreInvalidStateException("Custom key store %s is already %s" % (store.id, store.state))
            store.state = DISCONNECTING
            store.generation += 1
            generation = store.generation
        SCHEDULER.later(SETTINGS.disconnect_delay, lambda: self._finish_disconnect(store, generation))

    def _finish_disconnect(self, store, generation):
        with self.xks_stores.lock:
            if store.generation == generation and store.state == DISCONNECTING:
                store.state = DISCONNECTED
                store.error_code = None

    def delete_custom_key_store(self, store_id):
        registry = self.xks_stores
        with registry.lock:
            store = registry.get(store_id)
            if store.state != DISCONNECTED:
                raise errors.CustomKeyStoreInvalidStateException(
                    "Custom key store %s is %s; it must be DISCONNECTED to be deleted" % (store.id, store.state))
            keys = self.keys_in_store(store_id)
            if keys:
                raise errors.CustomKeyStoreHasCMKsException(
                    "Custom key store %s contains %d KMS key(s) (keys pending deletion count too)" % (store.id, len(keys)))
            registry.remove(store_id)

    def keys_in_store(self, store_id):
        return [key for key in self.keys.values() if getattr(key, "custom_key_store_id", None) == store_id]

    def create_xks_key(self, store_id, xks_key_id, key_arguments):
        """CreateKey with Origin EXTERNAL_KEY_STORE; `key_arguments` are moto's create_key arguments."""
        registry = self.xks_stores
        with registry.lock:
            store = registry.get(store_id)
            if store.state != CONNECTED:
                raise errors.CustomKeyStoreInvalidStateException(
                    "Custom key store %s is %s; KMS keys can be created only in a CONNECTED store" % (store.id, store.state))
            for key in self.keys_in_store(store_id):
                if key.xks_key_id == xks_key_id:
                    raise errors.XksKeyAlreadyInUseException("External key %s is already used by KMS key %s" % (xks_key_id, key.id))
            key = self.create_key(origin="EXTERNAL_KEY_STORE", **key_arguments)
            key.custom_key_store_id = store_id
            key.xks_key_id = xks_key_id
        return key

    def xks_effective_proxy(self, store_id):
        """The proxy settings KMS uses now for calls to the store's proxy (crypto, health checks)."""
        with self.xks_stores.lock:
            return self.xks_stores.get(store_id).effective_proxy()

    def xks_health_check(self, store_id):
        """KMS's periodic GetHealthStatus ("KmsHealthCheck") of a store, with the settings in effect; the Outcome.

        It only reports: a CONNECTED store stays CONNECTED whatever the answer.
        """
        proxy = self.xks_effective_proxy(store_id)
        return self._proxy_check(proxy, "KmsHealthCheck"), proxy

    def xks_store_state(self, store_id):
        """The state of a store, or None when it does not exist (used for KeyState of its keys)."""
        with self.xks_stores.lock:
            try:
                return self.xks_stores.get(store_id).state
            except errors.CustomKeyStoreNotFoundException:
                return None

    def purge_pending_deletion(self):
        """Delete keys pending deletion now, as if their waiting period had ended; returns their ids."""
        gone = [key_id for key_id, key in self.keys.items() if key.key_state == "PendingDeletion"]
        for key_id in gone:
            self.delete_key(key_id)
        return gone

# -*- coding: utf-8 -*-
"""The XKS proxy process: state, TLS contexts, one listener per instance, and the admin API."""

import json
import threading

from .. import pki, sockets
from .admin import AdminServer
from .certificates import DatedCertificates
from .server import Listener, server_tls_context
from .state import ProxyState


def _read_key_material(path):
    """key manager -> {key id: base64 AES-256 material}, from the 0600 file the launcher wrote."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class XksProxy(object):
    def __init__(self, config):
        """`config`: the proxy section written by the launcher (see launcher.proxy_config)."""
        # The Regions whose signatures it accepts: KMS signs for the key store's Region.
        self.regions = frozenset(config["regions"])
        self.state = ProxyState(config["instances"], _read_key_material(config["key_material_file"]))
        self._trusted = server_tls_context(config["cert_file"], config["key_file"])
        self._untrusted = server_tls_context(config["untrusted_cert_file"], config["untrusted_key_file"])
        self._dated = DatedCertificates(pki.load_ca(config["ca_file"], config["ca_key_file"]), config["certificate_identities"])
        self._listeners = {name: Listener(self, name, inst["address"], inst["port"]) for name, inst in config["instances"].items()}
        self._sync_lock = threading.Lock()
        # Held, never served: they keep each instance's address (and the unreachable one) for this test bed.
        self._claims = [sockets.inherited(fd) for fd in config["claim_fds"]]
        self.admin = AdminServer(sockets.inherited(config["admin_fd"]), self)

    def tls_context(self, instance_name):
        """The certificate to present: `bad_tls` wins over `certificate_days`, which wins over the normal one."""
        faults = self.state.faults(instance_name)
        if faults["bad_tls"]:
            return self._untrusted
        if faults["certificate_days"] is not None:
            return self._dated.context(instance_name, faults["certificate_days"])
        return self._trusted

    def set_faults(self, name, changes):
        """Merge fault switches; a `certificate_days` given is issued now, so it ends N days from this call."""
        faults = self.state.set_faults(name, changes)
        if changes.get("certificate_days") is not None:
            self._dated.issue(name, faults["certificate_days"])
        self.sync_listeners()
        return faults

    def listeners_up(self):
        return {name: listener.running for name, listener in sorted(self._listeners.items())}

    def sync_listeners(self):
        """Open or close each listener to match its `down` fault; returns when done."""
        with self._sync_lock:
            for name, listener in self._listeners.items():
                if self.state.faults(name)["down"]:
                    listener.stop()
                else:
                    listener.start()

    def serve_forever(self):
        self.sync_listeners()
        self.admin.serve_forever(poll_interval=0.1)

    def shutdown(self):
        """Stop from another thread (a signal handler must not call this in the serving thread)."""
        self.admin.shutdown()

    def close(self):
        for listener in self._listeners.values():
            listener.stop()
        self.admin.server_close()
        sockets.release(self._claims)

# -*- coding: utf-8 -*-
"""Run-time settings of the KMS emulator (one per process, like moto's backends)."""

import ipaddress
import threading

from .. import config


class Settings(object):
    """Delays, the health-check timeout, how to reach proxies, which CA to trust."""

    _TUNABLE = ("connect_delay", "disconnect_delay", "health_timeout_ms")

    def __init__(self):
        self._lock = threading.Lock()
        self.connect_delay = config.CONNECT_DELAY
        self.disconnect_delay = config.DISCONNECT_DELAY
        self.health_timeout_ms = config.HEALTH_TIMEOUT_MS
        self.proxy_port = config.PROXY_PORT
        self.ca_file = None
        self.host_map = {}
        self._initial = self.tunables()

    def configure(self, connect_delay=None, disconnect_delay=None, health_timeout_ms=None, ca_file=None, host_map=None):
        """Set the start values (the ones `reset()` returns to)."""
        self.update({"connect_delay": connect_delay, "disconnect_delay": disconnect_delay, "health_timeout_ms": health_timeout_ms})
        if ca_file is not None:
            self.ca_file = ca_file
        if host_map is not None:
            self.host_map = {name.lower(): address for name, address in host_map.items()}
        self._initial = self.tunables()

    def tunables(self):
        with self._lock:
            return {name: getattr(self, name) for name in self._TUNABLE}

    def describe(self):
        described = self.tunables()
        described.update({"host_map": dict(self.host_map), "proxy_port": self.proxy_port, "ca_file": self.ca_file})
        return described

    def update(self, changes):
        """Apply admin changes; unknown names or bad values raise ValueError."""
        clean = {}
        for name, value in changes.items():
            if value is None:
                continue
            if name == "host_map":
                if not isinstance(value, dict):
                    raise ValueError("host_map must map host names to IP addresses")
                for host, address in value.items():
                    ipaddress.ip_address(address)
                    clean.setdefault("host_map", {})[host.lower()] = address
                continue
            if name not in self._TUNABLE:
                raise ValueError("unknown setting %r (known: %s, host_map)" % (name, ", ".join(self._TUNABLE)))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError("%s must be a number >= 0" % name)
            clean[name] = value
        with self._lock:
            self.host_map.update(clean.pop("host_map", {}))
            for name, value in clean.items():
                setattr(self, name, value)

    def reset(self):
        with self._lock:
            for name, value in self._initial.items():
                setattr(self, name, value)

    def resolve(self, host):
        """The IP address KMS would reach for `host`: an IP literal is itself; names come from the host map."""
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            return self.host_map.get(host.lower())


SETTINGS = Settings()

# -*- coding: utf-8 -*-
"""Run-time settings of the KMS emulator (one per process, like moto's backends)."""

import copy
import ipaddress
import threading

from .. import config
from . import vpc


class Settings(object):
    """Delays, the health-check timeout, how to reach proxies, which CA to trust."""

    _TUNABLE = ("connect_delay", "disconnect_delay", "health_timeout_ms", "consistency_delay", "quota_scale")

    def __init__(self):
        self._lock = threading.Lock()
        self.connect_delay = config.CONNECT_DELAY
        self.disconnect_delay = config.DISCONNECT_DELAY
        self.health_timeout_ms = config.HEALTH_TIMEOUT_MS
        # Seconds after UpdateCustomKeyStore during which KMS still uses the old proxy settings.
        self.consistency_delay = config.CONSISTENCY_DELAY
        # Factor on KMS's request quotas (quotas.py); 0 turns them off.
        self.quota_scale = config.QUOTA_SCALE
        self.proxy_port = config.PROXY_PORT
        self.ca_file = None
        self.host_map = {}
        # VPC endpoint service name -> registry entry (vpc.FIELDS).
        self.vpc_endpoint_services = {}
        self._initial = self.tunables()
        self._initial_services = {}

    def configure(self, connect_delay=None, disconnect_delay=None, health_timeout_ms=None, ca_file=None, host_map=None,
                  vpc_endpoint_services=None, consistency_delay=None, quota_scale=None):
        """Set the start values (the ones `reset()` returns to)."""
        self.update({"connect_delay": connect_delay, "disconnect_delay": disconnect_delay, "health_timeout_ms": health_timeout_ms,
                     "vpc_endpoint_services": vpc_endpoint_services, "consistency_delay": consistency_delay,
                     "quota_scale": quota_scale})
        if ca_file is not None:
            self.ca_file = ca_file
        if host_map is not None:
            self.host_map = {name.lower(): address for name, address in host_map.items()}
        self._initial = self.tunables()
        self._initial_services = copy.deepcopy(self.vpc_endpoint_services)

    def tunables(self):
        with self._lock:
            return {name: getattr(self, name) for name in self._TUNABLE}

    def describe(self):
        described = self.tunables()
        described.update({"host_map": dict(self.host_map), "proxy_port": self.proxy_port, "ca_file": self.ca_file,
                          "vpc_endpoint_services": copy.deepcopy(self.vpc_endpoint_services)})
        return described

    def services(self):
        """A snapshot of the VPC endpoint service registry."""
        with self._lock:
            return copy.deepcopy(self.vpc_endpoint_services)

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
            if name == "vpc_endpoint_services":
                clean["vpc_endpoint_services"] = self._clean_services(value)
                continue
            if name not in self._TUNABLE:
                raise ValueError("unknown setting %r (known: %s, host_map, vpc_endpoint_services)" % (name, ", ".join(self._TUNABLE)))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError("%s must be a number >= 0" % name)
            clean[name] = value
        with self._lock:
            self.host_map.update(clean.pop("host_map", {}))
            for service_name, entry in clean.pop("vpc_endpoint_services", {}).items():
                if entry is None:
                    self.vpc_endpoint_services.pop(service_name, None)
                else:
                    self.vpc_endpoint_services[service_name] = entry
            for name, value in clean.items():
                setattr(self, name, value)

    @staticmethod
    def _clean_services(value):
        """{service name: entry, or null to remove it}, merged into the registry."""
        if not isinstance(value, dict):
            raise ValueError("vpc_endpoint_services must map VPC endpoint service names to entries (or null)")
        for service_name, entry in value.items():
            if entry is not None:
                vpc.check_entry(service_name, entry)
        return {service_name: (None if entry is None else {field: entry[field] for field in vpc.FIELDS}) for service_name, entry in value.items()}

    def reset(self):
        with self._lock:
            for name, value in self._initial.items():
                setattr(self, name, value)
            self.vpc_endpoint_services = copy.deepcopy(self._initial_services)

    def resolve(self, host):
        """The IP address KMS would reach for `host`: an IP literal is itself; names come from the host map."""
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            return self.host_map.get(host.lower())


SETTINGS = Settings()

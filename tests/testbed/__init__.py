# -*- coding: utf-8 -*-
"""The kms.xks test bed: a KMS emulator (moto + custom key stores) and an XKS proxy, run locally.

    import testbed
    with testbed.running("/tmp/tb") as bed:      # bed is the testbed.json document
        ...
    testbed.start(dir) / testbed.stop(dir) / testbed.status(dir)
    testbed.EmulatorAdmin(bed["emulator_admin_url"]), testbed.ProxyAdmin(bed["proxy_admin_url"])

The CLI is `python -m testbed start|stop|status --state-dir DIR`; see README.md.
"""

import contextlib

from .client import AdminError, EmulatorAdmin, ProxyAdmin
from .launcher import TestbedError, load_state, start, status, stop

__all__ = ["AdminError", "EmulatorAdmin", "ProxyAdmin", "TestbedError", "load_state", "running", "start", "status", "stop"]


@contextlib.contextmanager
def running(state_dir, **options):
    """Start the test bed for the `with` block and stop it afterwards; yields the testbed.json document.

    `options` are those of start(): connect_delay, disconnect_delay, health_timeout_ms, emulator_port,
    proxy_admin_port, proxy_addresses, region, timeout, consistency_delay, quota_scale.
    """
    document = start(state_dir, **options)
    try:
        yield document
    finally:
        stop(state_dir)

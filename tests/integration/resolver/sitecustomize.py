# -*- coding: utf-8 -*-
"""The test bed's host names for the controller, like an /etc/hosts entry scoped to one test run.

KMS resolves a proxy's host name in AWS; the emulator does the same with testbed.json's
`xks_host_map`. A module run on the controller (xks_proxy_health, the preflights) must reach the
same instance for the same name, so tests/integration/run.py puts this directory on PYTHONPATH and
names testbed.json in KMS_XKS_TESTBED_JSON: every Python of the run (ansible-playbook and its
modules) then answers those names with their instance's address, and asks the real resolver for
every other name. Nothing under plugins/ knows about it.
"""

import importlib.machinery
import importlib.util
import json
import os
import socket
import sys

STATE_VARIABLE = "KMS_XKS_TESTBED_JSON"


def _host_map(path):
    """testbed.json's `xks_host_map`, names in lower case (host names compare case-insensitively)."""
    try:
        with open(path, encoding="utf-8") as state:
            return {name.lower(): address for name, address in json.load(state).get("xks_host_map", {}).items()}
    except (OSError, ValueError) as e:
        print("sitecustomize: %s names %s, which has no host map: %s" % (STATE_VARIABLE, path, e), file=sys.stderr)
        return {}


def _resolving(host_map, real_getaddrinfo):
    def getaddrinfo(host, *args, **kwargs):
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        address = host_map.get(name.rstrip(".").lower()) if isinstance(name, str) else None
        return real_getaddrinfo(address or host, *args, **kwargs)

    getaddrinfo.__doc__ = real_getaddrinfo.__doc__
    return getaddrinfo


def _run_shadowed_sitecustomize():
    """A sitecustomize later on sys.path would be hidden by this one: run it too."""
    here = os.path.dirname(os.path.abspath(__file__))
    later = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", later)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


if os.environ.get(STATE_VARIABLE):
    socket.getaddrinfo = _resolving(_host_map(os.environ[STATE_VARIABLE]), socket.getaddrinfo)
_run_shadowed_sitecustomize()

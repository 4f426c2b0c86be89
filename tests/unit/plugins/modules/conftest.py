# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the module tests: a stand-in for the proxy's GetHealthStatus (no test reaches the
network), and fresh module runs. (The fake clock is tests/unit/conftest.py's.)"""

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import preflight as _preflight
from ansible_collections.kms.xks.plugins.module_utils._proxy import client as _proxy_client


class FakeProxy:
    """Replaces get_health_status as _preflight uses it: records each call and gives one outcome."""

    def __init__(self):
        self.calls = []
        self.outcome = _proxy_client.HEALTHY
        self.message = "The proxy at https://myproxy.xks.example.com/kms/xks/v1/health is healthy."

    def answer(self, outcome, message):
        self.outcome, self.message = outcome, message

    def __call__(self, endpoint, uri_path, access_key_id, secret, region, **kwargs):
        self.calls.append(dict(endpoint=endpoint, uri_path=uri_path, access_key_id=access_key_id, secret=secret, region=region))
        return _proxy_client.HealthResult(self.outcome, self.message, 200 if self.outcome == _proxy_client.HEALTHY else None)


@pytest.fixture(autouse=True)
def preflight_proxy(monkeypatch):
    fake = FakeProxy()
    monkeypatch.setattr(_preflight, "get_health_status", fake)
    return fake


@pytest.fixture
def new_run(run_module, monkeypatch, capsys, clock):
    """Another, independent module run (its own client and Stubber), e.g. a real run after a check-mode run."""
    return lambda: type(run_module)(monkeypatch, capsys, clock)

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the module tests: the preflight's proxy (the one fake XKS proxy of tests/unit/fake_proxy.py,
scripted by outcome), and fresh module runs. (The fake clock is tests/unit/conftest.py's.)"""

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as _proxy_client
from ansible_collections.kms.xks.tests.unit import fake_proxy
from ansible_collections.kms.xks.tests.unit import stores as s

HEALTH_PATH = "/health"
# The secrets a test gives the module: a call's ``secret`` is the one whose SigV4 signature the proxy verified.
KNOWN_SECRETS = (s.SECRET, s.NEW_SECRET)


def _fleet(status):
    return dict(fake_proxy.HEALTHY_ANSWER, ekmFleetDetails=[dict(ekm, healthStatus=status) for ekm in fake_proxy.HEALTHY_ANSWER["ekmFleetDetails"]])


def _without(key):
    return {name: value for name, value in fake_proxy.HEALTHY_ANSWER.items() if name != key}


# What the proxy does so that GetHealthStatus gives each outcome (the XKS Proxy API's error names).
_ANSWERS = {
    _proxy_client.HEALTHY: dict(status=200),
    _proxy_client.CREDENTIAL_REJECTED: dict(status=401, body={"errorName": "AuthenticationFailedException"}),
    _proxy_client.ACCESS_DENIED: dict(status=403, body={"errorName": "AccessDeniedException"}),
    _proxy_client.WRONG_PATH: dict(status=404, body={"errorName": "InvalidUriPathException"}),
    _proxy_client.UNHEALTHY: dict(status=200, body=_fleet("UNAVAILABLE")),
    _proxy_client.INVALID_RESPONSE: dict(status=200, body=_without("ekmVendor")),
    _proxy_client.PROXY_ERROR: dict(status=503, body=b""),  # a load balancer in front of a proxy that is down
}
_BEHAVIOURS = {
    _proxy_client.UNREACHABLE: fake_proxy.REFUSE,
    _proxy_client.TIMED_OUT: fake_proxy.SILENT,
}
# A certificate from the trusted CA, for another name than the address dialled.
OTHER_IDENTITY = "other.xks.example.com"


class PreflightProxy:
    """The fake proxy as the preflight meets it: ``answer(outcome)`` scripts it, ``calls`` is what it received."""

    def __init__(self, proxy):
        self.proxy = proxy

    def answer(self, outcome):
        """Make the proxy answer the next GetHealthStatus so that the client reports ``outcome``."""
        if outcome in _ANSWERS:
            self.proxy.answer(**_ANSWERS[outcome])
        elif outcome in _BEHAVIOURS:
            self.proxy.behave(_BEHAVIOURS[outcome])
        elif outcome == _proxy_client.TLS_ERROR:
            self.proxy.certify(OTHER_IDENTITY)
        else:
            raise ValueError("no script for the outcome %r" % outcome)

    @property
    def calls(self):
        """Each request received: the endpoint and URI path it was sent to, and the credential and Region that signed it."""
        return [self._call(request) for request in self.proxy.requests]

    def _call(self, request):
        access_key_id, region, _service = self.proxy.signature_scope(request) or (None, None, None)
        path = request["path"]
        return dict(
            endpoint="https://%s" % request["headers"]["Host"],
            uri_path=path[:-len(HEALTH_PATH)] if path.endswith(HEALTH_PATH) else path,
            access_key_id=access_key_id,
            secret=next((secret for secret in KNOWN_SECRETS if self.proxy.signed_by(request, access_key_id, secret, region)), None),
            region=region,
        )


@pytest.fixture(autouse=True)
def preflight_proxy(proxy, monkeypatch):
    """Every module test has the fake proxy behind the stores' endpoints, trusted the way xks_keystore trusts a proxy (the system store)."""
    monkeypatch.setenv("SSL_CERT_FILE", proxy.ca_path)
    return PreflightProxy(proxy)


@pytest.fixture
def new_run(run_module, monkeypatch, capsys, clock):
    """Another, independent module run (its own client and Stubber), e.g. a real run after a check-mode run."""
    return lambda: type(run_module)(monkeypatch, capsys, clock)

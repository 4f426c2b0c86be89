# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_proxy/preflight.py: which proxy answers abort, warn or pass under each preflight mode."""

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import preflight as _preflight
from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.tests.unit import stores as s

DEFINITE = [pc.UNHEALTHY, pc.CREDENTIAL_REJECTED, pc.WRONG_PATH, pc.INVALID_RESPONSE]
INDEFINITE = [pc.UNREACHABLE, pc.TIMED_OUT, pc.TLS_ERROR, pc.PROXY_ERROR]


class Proxy:
    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = []

    def __call__(self, endpoint, uri_path, access_key_id, secret, region, timeout=None):
        self.calls.append((endpoint, uri_path, access_key_id, secret, region, timeout))
        return pc.HealthResult(self.outcome, "proxy says %s" % self.outcome)


@pytest.fixture
def run(monkeypatch):
    def run(mode, outcome, credential=None):
        warnings = []
        proxy = Proxy(outcome)
        monkeypatch.setattr(_preflight, "get_health_status", proxy)
        credential = s.credential() if credential is None else credential
        result = _preflight.preflight(mode, s.PUBLIC_ENDPOINT, s.URI_PATH, credential or None, "us-east-1", warnings.append)
        return result, warnings, proxy

    return run


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_a_healthy_proxy_passes_silently(run, mode):
    result, warnings, proxy = run(mode, pc.HEALTHY)

    assert result.healthy
    assert warnings == []
    assert proxy.calls == [(s.PUBLIC_ENDPOINT, s.URI_PATH, s.ACCESS_KEY_ID, s.SECRET, "us-east-1", _preflight.PREFLIGHT_TIMEOUT)]


@pytest.mark.parametrize("outcome", DEFINITE)
@pytest.mark.parametrize("mode", ["auto", "always"])
def test_a_definite_no_raises_in_every_mode_that_checks(run, mode, outcome):
    with pytest.raises(_preflight.PreflightError) as raised:
        run(mode, outcome)

    assert raised.value.message == "Preflight failed, the key store was left as it is: proxy says %s" % outcome


@pytest.mark.parametrize("outcome", INDEFINITE)
def test_an_indefinite_answer_warns_under_auto(run, outcome):
    result, warnings, _proxy = run("auto", outcome)

    assert result.outcome == outcome
    assert warnings == ["Preflight could not check the proxy from the controller, going on: proxy says %s" % outcome]


@pytest.mark.parametrize("outcome", INDEFINITE)
def test_an_indefinite_answer_raises_under_always(run, outcome):
    with pytest.raises(_preflight.PreflightError) as raised:
        run("always", outcome)

    assert "preflight=always" in raised.value.message and ("proxy says %s" % outcome) in raised.value.message


@pytest.mark.parametrize("outcome", DEFINITE + [pc.HEALTHY])
def test_never_asks_nothing(run, outcome):
    result, warnings, proxy = run("never", outcome)

    assert result is None and warnings == [] and proxy.calls == []


def test_without_a_credential_auto_warns_and_always_raises(run):
    result, warnings, proxy = run("auto", pc.HEALTHY, credential=False)
    assert result is None and proxy.calls == []
    assert len(warnings) == 1 and "xks_proxy_authentication_credential" in warnings[0]

    with pytest.raises(_preflight.PreflightError) as raised:
        run("always", pc.HEALTHY, credential=False)
    assert "xks_proxy_authentication_credential" in raised.value.message


def test_the_default_check_is_get_health_status_looked_up_when_called(monkeypatch):
    proxy = Proxy(pc.WRONG_PATH)
    monkeypatch.setattr(_preflight, "get_health_status", proxy)

    with pytest.raises(_preflight.PreflightError):
        _preflight.preflight("auto", s.PUBLIC_ENDPOINT, s.URI_PATH, s.credential(), "us-east-1", print)

    assert len(proxy.calls) == 1


def test_messages_never_hold_the_secret(run):
    for outcome in DEFINITE + INDEFINITE:
        try:
            _result, warnings, _proxy = run("auto", outcome)
        except _preflight.PreflightError as error:
            warnings = [error.message]
        assert not any(s.leaked_pieces(warning, s.SECRET) for warning in warnings)


def test_preflight_signs_and_asks_the_proxy_itself(proxy, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", proxy.ca_path)  # preflight trusts the system store, as KMS trusts public CAs

    result = _preflight.preflight("always", proxy.endpoint, s.URI_PATH, s.credential(), "us-east-1", print)

    assert result.healthy
    (request,) = proxy.requests
    assert request["path"] == s.URI_PATH + "/health"
    assert proxy.signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "us-east-1")

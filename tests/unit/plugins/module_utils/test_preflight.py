# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_proxy/preflight.py: which proxy answers abort, warn or pass under each preflight mode.
The ``preflight_proxy`` fixture (tests/unit/conftest.py) scripts the unit tests' one fake proxy, which
the stores' public endpoint reaches; the messages are the real client's."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import preflight as _preflight
from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.tests.unit import stores as s

WHERE = s.PUBLIC_ENDPOINT + s.URI_PATH + "/health"
DEFINITE = {
    pc.UNHEALTHY: "The proxy at %s reports that all 2 external key managers are UNAVAILABLE." % WHERE,
    pc.CREDENTIAL_REJECTED: "The proxy at %s rejected the credential (401 AuthenticationFailedException)." % WHERE,
    pc.ACCESS_DENIED: "The proxy at %s denied access (403 AccessDeniedException); its authorization rules must permit KMS." % WHERE,
    pc.WRONG_PATH: "The proxy at %s does not serve this URI path (404 InvalidUriPathException)." % WHERE,
    pc.INVALID_RESPONSE: "The proxy at %s sent a GetHealthStatus answer KMS cannot use (missing ekmVendor)." % WHERE,
}
# Without the timed-out answer, which waits the real PREFLIGHT_TIMEOUT: test_a_proxy_that_does_not_answer covers it.
PROMPT_INDEFINITE = {
    pc.UNREACHABLE: "Cannot reach the proxy at %s: Connection refused." % WHERE,
    pc.TLS_ERROR: "TLS with the proxy at %s failed: CERTIFICATE_VERIFY_FAILED (IP address mismatch, certificate is not valid for '%s'.)."
                  % (WHERE, s.PUBLIC_ENDPOINT[len("https://"):]),
    pc.PROXY_ERROR: "The proxy at %s answered HTTP 503." % WHERE,
}
TIMED_OUT_MESSAGE = "The proxy at %s did not answer within 10.0 seconds." % WHERE


@pytest.fixture
def run(preflight_proxy):
    def run(mode, outcome, credential=None):
        warnings = []
        preflight_proxy.answer(outcome)
        credential = s.credential() if credential is None else credential
        result = _preflight.preflight(mode, s.PUBLIC_ENDPOINT, s.URI_PATH, credential or None, "us-east-1", warnings.append)
        return result, warnings

    return run


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_a_healthy_proxy_passes_silently(run, preflight_proxy, mode):
    result, warnings = run(mode, pc.HEALTHY)

    assert result.healthy
    assert warnings == []
    assert preflight_proxy.calls == [
        dict(endpoint=s.PUBLIC_ENDPOINT, uri_path=s.URI_PATH, access_key_id=s.ACCESS_KEY_ID, secret=s.SECRET, region="us-east-1")
    ]


@pytest.mark.parametrize("outcome", DEFINITE)
@pytest.mark.parametrize("mode", ["auto", "always"])
def test_a_definite_no_raises_in_every_mode_that_checks(run, preflight_proxy, mode, outcome):
    with pytest.raises(_preflight.PreflightError) as raised:
        run(mode, outcome)

    assert raised.value.message == "Preflight failed, the key store was left as it is: %s" % DEFINITE[outcome]
    assert len(preflight_proxy.calls) == 1


@pytest.mark.parametrize("outcome", PROMPT_INDEFINITE)
def test_an_indefinite_answer_warns_under_auto(run, outcome):
    result, warnings = run("auto", outcome)

    assert result.outcome == outcome
    assert warnings == ["Preflight could not check the proxy from the controller, going on: %s" % PROMPT_INDEFINITE[outcome]]


@pytest.mark.parametrize("outcome", PROMPT_INDEFINITE)
def test_an_indefinite_answer_raises_under_always(run, outcome):
    with pytest.raises(_preflight.PreflightError) as raised:
        run("always", outcome)

    assert "preflight=always" in raised.value.message and PROMPT_INDEFINITE[outcome] in raised.value.message


def test_a_proxy_that_does_not_answer_warns_under_auto_and_raises_under_always(run):
    # Both runs wait the real PREFLIGHT_TIMEOUT (10 s), side by side rather than one after the other.
    with ThreadPoolExecutor(max_workers=2) as pool:
        under_auto = pool.submit(run, "auto", pc.TIMED_OUT)
        under_always = pool.submit(run, "always", pc.TIMED_OUT)
        result, warnings = under_auto.result()
        with pytest.raises(_preflight.PreflightError) as raised:
            under_always.result()

    assert result.outcome == pc.TIMED_OUT
    assert warnings == ["Preflight could not check the proxy from the controller, going on: %s" % TIMED_OUT_MESSAGE]
    assert "preflight=always" in raised.value.message and TIMED_OUT_MESSAGE in raised.value.message
    assert not any(s.leaked_pieces(message, s.SECRET) for message in warnings + [raised.value.message])


@pytest.mark.parametrize("outcome", list(DEFINITE) + [pc.HEALTHY])
def test_never_asks_nothing(run, preflight_proxy, outcome):
    result, warnings = run("never", outcome)

    assert result is None and warnings == [] and preflight_proxy.calls == []


def test_without_a_credential_auto_warns_and_always_raises(run, preflight_proxy):
    result, warnings = run("auto", pc.HEALTHY, credential=False)
    assert result is None and preflight_proxy.calls == []
    assert len(warnings) == 1 and "xks_proxy_authentication_credential" in warnings[0]

    with pytest.raises(_preflight.PreflightError) as raised:
        run("always", pc.HEALTHY, credential=False)
    assert "xks_proxy_authentication_credential" in raised.value.message


def test_messages_never_hold_the_secret(run, preflight_proxy):
    for outcome in list(DEFINITE) + list(PROMPT_INDEFINITE):
        preflight_proxy.proxy.reset()  # each outcome scripted on a fresh proxy, as each test gets one
        try:
            _result, warnings = run("auto", outcome)
        except _preflight.PreflightError as error:
            warnings = [error.message]
        assert not any(s.leaked_pieces(warning, s.SECRET) for warning in warnings)


def test_preflight_signs_and_asks_the_proxy_itself(proxy, preflight_proxy):
    result = _preflight.preflight("always", proxy.endpoint, s.URI_PATH, s.credential(), "us-east-1", print)

    assert result.healthy
    (request,) = proxy.requests
    assert request["path"] == s.URI_PATH + "/health"
    assert proxy.signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "us-east-1")

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""preflight through xks_keystore: before an edit disconnects a connected store, the proxy is asked
with the new values; a definite "no" aborts before the outage, an unreachable proxy warns (auto) or
fails (always). The ``preflight_proxy`` fixture scripts the unit tests' fake proxy, which the new endpoint reaches."""

import json

import pytest

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as pc
from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

EDIT = {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "xks_proxy_authentication_credential": s.credential()}
WHERE = s.NEW_PUBLIC_ENDPOINT + s.URI_PATH + "/health"

DEFINITE = [
    pytest.param(pc.CREDENTIAL_REJECTED, "The proxy at %s rejected the credential (401 AuthenticationFailedException)." % WHERE, id="credential-rejected"),
    pytest.param(pc.WRONG_PATH, "The proxy at %s does not serve this URI path (404 InvalidUriPathException)." % WHERE, id="wrong-path"),
    pytest.param(pc.UNHEALTHY, "The proxy at %s reports that all 2 external key managers are UNAVAILABLE." % WHERE, id="unhealthy"),
    pytest.param(pc.INVALID_RESPONSE, "The proxy at %s sent a GetHealthStatus answer KMS cannot use (missing ekmVendor)." % WHERE, id="invalid-response"),
]
INDEFINITE = [
    pytest.param(pc.UNREACHABLE, "Cannot reach the proxy at %s: Connection refused." % WHERE, id="unreachable"),
    pytest.param(pc.TIMED_OUT, "The proxy at %s did not answer within 10.0 seconds." % WHERE, id="timed-out"),
    pytest.param(pc.TLS_ERROR, "TLS with the proxy at %s failed: CERTIFICATE_VERIFY_FAILED (IP address mismatch, certificate is not valid for '%s'.)."
                 % (WHERE, s.NEW_PUBLIC_ENDPOINT[len("https://"):]), id="tls-error"),
    pytest.param(pc.PROXY_ERROR, "The proxy at %s answered HTTP 503." % WHERE, id="proxy-error"),
]


def expect_lookup_of_connected_store(run):
    """The lookup, then (an outage is at stake) the account's stores for the uniqueness check."""
    s.expect_lookup(run, s.store())
    s.expect_account_stores(run, s.store(), *s.neighbours())


def expect_offline_edit(run):
    before = s.store()
    s.expect_disconnect(run, before)
    s.expect_update(run, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT)
    s.expect_connect(run, s.store(endpoint=s.NEW_PUBLIC_ENDPOINT))


@pytest.mark.parametrize("mode", ["auto", "always"])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_healthy_proxy_lets_the_edit_go_on(run_module, preflight_proxy, mode, check_mode):
    expect_lookup_of_connected_store(run_module)
    s.expect_no_kms_keys(run_module)  # then the store's KMS keys, whose external keys the new proxy must serve: none here
    if not check_mode:
        expect_offline_edit(run_module)

    result = run_module(main, dict(EDIT, preflight=mode), check_mode=check_mode)

    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "update", "connect"]
    assert preflight_proxy.calls == [
        dict(endpoint=s.NEW_PUBLIC_ENDPOINT, uri_path=s.URI_PATH, access_key_id=s.ACCESS_KEY_ID, secret=s.SECRET, region="us-east-1")
    ]
    assert s.warnings_of(result) == []
    assert result["preflight"] == dict(outcome="ok", message="The proxy at %s is healthy. The store has no KMS keys: 0 external keys checked." % WHERE)
    s.assert_no_secret(result)


@pytest.mark.parametrize("outcome, message", DEFINITE)
@pytest.mark.parametrize("mode", ["auto", "always"])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_definite_no_aborts_before_the_disconnect(run_module, preflight_proxy, outcome, message, mode, check_mode):
    preflight_proxy.answer(outcome)
    expect_lookup_of_connected_store(run_module)

    result = run_module(main, dict(EDIT, preflight=mode), check_mode=check_mode)

    assert result["failed"] is True
    assert result["msg"] == "Preflight failed, the key store was left as it is: " + message
    assert result["changed"] is False and result["actions"] == []
    assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores"]
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert len(preflight_proxy.calls) == 1
    s.assert_no_secret(result)


@pytest.mark.parametrize("outcome, message", INDEFINITE)
def test_an_unreachable_proxy_only_warns_under_auto(run_module, preflight_proxy, outcome, message):
    preflight_proxy.answer(outcome)
    expect_lookup_of_connected_store(run_module)
    expect_offline_edit(run_module)

    result = run_module(main, dict(EDIT, preflight="auto"))

    assert result["changed"] is True
    assert result["actions"] == ["disconnect", "update", "connect"]
    assert s.warnings_of(result) == ["Preflight could not check the proxy from the controller, going on: " + message]
    s.assert_no_secret(result)


@pytest.mark.parametrize("outcome, message", INDEFINITE)
def test_an_unreachable_proxy_fails_under_always(run_module, preflight_proxy, outcome, message):
    preflight_proxy.answer(outcome)
    expect_lookup_of_connected_store(run_module)

    result = run_module(main, dict(EDIT, preflight="always"))

    assert result["failed"] is True
    assert "preflight=always" in result["msg"] and message in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores"]


@pytest.mark.parametrize("mode", ["auto", "always", "never"])
def test_without_a_credential_preflight_cannot_sign(run_module, preflight_proxy, mode):
    expect_lookup_of_connected_store(run_module)
    if mode != "always":
        expect_offline_edit(run_module)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "preflight": mode})

    assert preflight_proxy.calls == []
    if mode == "always":
        assert result["failed"] is True
        assert "xks_proxy_authentication_credential" in result["msg"] and "preflight=auto or never" in result["msg"]
        assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores"]
    else:
        assert result["actions"] == ["disconnect", "update", "connect"]
        warnings = s.warnings_of(result)
        if mode == "auto":
            assert len(warnings) == 1 and "Preflight skipped" in warnings[0] and "xks_proxy_authentication_credential" in warnings[0]
        else:
            assert warnings == []


def test_never_skips_the_check_even_when_the_proxy_would_say_no(run_module, preflight_proxy):
    preflight_proxy.answer(pc.CREDENTIAL_REJECTED)
    expect_lookup_of_connected_store(run_module)
    expect_offline_edit(run_module)

    result = run_module(main, dict(EDIT, preflight="never"))

    assert result["actions"] == ["disconnect", "update", "connect"]
    assert preflight_proxy.calls == []


def test_the_check_uses_the_new_path_and_credential_of_the_configuration_file(run_module, preflight_proxy, tmp_path):
    config = tmp_path / "proxy.json"
    config.write_text(json.dumps(s.configuration_document(s.PLAIN_PATH, s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)))
    preflight_proxy.answer(pc.WRONG_PATH)
    expect_lookup_of_connected_store(run_module)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "xks_proxy_configuration_file": str(config)})

    assert result["failed"] is True
    assert preflight_proxy.calls == [
        dict(endpoint=s.NEW_PUBLIC_ENDPOINT, uri_path=s.PLAIN_PATH, access_key_id=s.NEW_ACCESS_KEY_ID, secret=s.NEW_SECRET, region="us-east-1")
    ]
    assert not s.leaked_pieces(result["_stdout"], s.NEW_SECRET)


@pytest.mark.parametrize("before, args", [
    pytest.param(s.store(), {"xks_proxy_uri_path": s.PLAIN_PATH}, id="online-edit"),
    pytest.param(s.store("DISCONNECTED"), {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT}, id="store-already-disconnected"),
    pytest.param(s.store(), {"xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "connection_state": "disconnected"}, id="asked-to-stay-disconnected"),
])
def test_no_preflight_when_the_edit_causes_no_outage(run_module, preflight_proxy, before, args):
    preflight_proxy.answer(pc.CREDENTIAL_REJECTED)
    s.expect_lookup(run_module, before)
    if args.get("connection_state") == "disconnected":
        s.expect_account_stores(run_module, before)  # the store is disconnected for the edit: KMS's refusals are checked first

    result = run_module(main, dict(args, id=s.STORE_ID, preflight="always", xks_proxy_authentication_credential=s.credential()), check_mode=True)

    assert result["changed"] is True
    assert preflight_proxy.calls == []

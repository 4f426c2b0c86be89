# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_key preflight: before CreateKey, the store's proxy (the unit tests' trustme fake proxy, at the
store's endpoint and path) is asked GetKeyMetadata for xks_key_id, signed with the task's credential;
a key KMS would refuse is refused before KMS is asked."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_key import main
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

GOOD = {"keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"}
CALLER = "arn:aws:iam::%s:user/ansible" % k.ACCOUNT


@pytest.fixture
def trusted(proxy, monkeypatch):
    """The fake proxy, trusted by the controller through SSL_CERT_FILE as a user's would be through the system store."""
    monkeypatch.setenv("SSL_CERT_FILE", proxy.ca_path)
    return proxy


def task(mode="auto", **extra):
    args = dict(alias="payments", custom_key_store_id=s.STORE_ID, xks_key_id=k.XKS_KEY_ID, preflight=mode,
                xks_proxy_authentication_credential=s.credential())
    args.update(extra)
    return args


def expect_up_to_preflight(run, proxy):
    k.expect_describe(run, None)
    k.expect_store(run, s.store(endpoint=proxy.endpoint))
    run.expect_account(k.ACCOUNT)


def test_a_good_external_key_lets_create_go_on_and_the_request_is_what_kms_sends(run_module, trusted):
    trusted.answer(200, GOOD)
    expect_up_to_preflight(run_module, trusted)
    k.expect_create(run_module)
    k.expect_alias(run_module)

    result = run_module(main, task())

    assert result["changed"] is True and result["preflight"]["outcome"] == "ok"
    (request,) = trusted.requests
    assert request["path"] == "%s/keys/%s/metadata" % (s.URI_PATH, k.XKS_KEY_ID)
    assert trusted.signed_by(request, s.ACCESS_KEY_ID, s.SECRET, "us-east-1")
    metadata = request["json"]["requestMetadata"]
    assert (metadata["awsPrincipalArn"], metadata["kmsOperation"]) == (CALLER, "CreateKey") and metadata["kmsRequestId"]
    assert s.SECRET not in result["_stdout"]


BAD = [
    pytest.param(404, {"errorName": "KeyNotFoundException", "errorMessage": "no such key"}, "the proxy has no external key", id="missing"),
    pytest.param(200, dict(GOOD, keySpec="AES_128"), "its key spec is AES_128, and KMS needs AES_256", id="not-aes-256"),
    pytest.param(200, dict(GOOD, keyStatus="DISABLED"), "its status is DISABLED, and KMS needs ENABLED", id="disabled"),
    pytest.param(200, dict(GOOD, keyUsage=["ENCRYPT"]), "lacks DECRYPT", id="encrypt-only"),
    pytest.param(200, dict(GOOD, keyUsage=["DECRYPT"]), "lacks ENCRYPT", id="decrypt-only"),
    pytest.param(200, dict(GOOD, keyUsage=[]), "lacks ENCRYPT and DECRYPT", id="no-usage"),
    pytest.param(401, {"errorName": "AuthenticationFailedException"}, "rejected the credential", id="credential-rejected"),
    pytest.param(404, {"errorName": "InvalidUriPathException"}, "does not serve this URI path", id="wrong-path"),
]


@pytest.mark.parametrize("status,body,message", BAD)
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_key_kms_would_refuse_is_refused_before_kms_is_asked(run_module, trusted, status, body, message, check_mode):
    trusted.answer(status, body)
    expect_up_to_preflight(run_module, trusted)

    result = run_module(main, task(), check_mode=check_mode)

    assert result["failed"] is True
    assert "Preflight refused external key %r, KMS was not asked" % k.XKS_KEY_ID in result["msg"] and message in result["msg"]
    assert result["preflight"]["outcome"] == "refused"
    assert k.mutating_calls(run_module) == []
    assert s.SECRET not in result["_stdout"]


def test_an_unreachable_proxy_warns_with_auto_and_create_goes_on(run_module, proxy):
    endpoint = proxy.unused_endpoint
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(endpoint=endpoint))
    run_module.expect_account(k.ACCOUNT)
    k.expect_create(run_module)
    k.expect_alias(run_module)

    result = run_module(main, task())

    assert result["changed"] is True and result["preflight"]["outcome"] == "unchecked"
    assert any("Preflight could not check the external key" in w and "Cannot reach the proxy" in w for w in s.warnings_of(result))


def test_an_unreachable_proxy_fails_with_always(run_module, proxy):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(endpoint=proxy.unused_endpoint))
    run_module.expect_account(k.ACCOUNT)

    result = run_module(main, task("always"))

    assert result["failed"] is True and "preflight=always" in result["msg"]
    assert k.mutating_calls(run_module) == []


def test_auto_without_a_secret_skips_quietly_and_always_refuses(run_module, new_run, proxy):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(endpoint=proxy.endpoint))
    k.expect_create(run_module)
    k.expect_alias(run_module)
    args = task(xks_proxy_authentication_credential={"access_key_id": s.ACCESS_KEY_ID})

    result = run_module(main, args)

    assert result["changed"] is True and "preflight" not in result and proxy.requests == []
    strict = new_run()
    k.expect_describe(strict, None)
    k.expect_store(strict, s.store(endpoint=proxy.endpoint))
    refused = strict(main, dict(args, preflight="always"))
    assert refused["failed"] is True and "raw_secret_access_key" in refused["msg"] and k.mutating_calls(strict) == []


def test_never_asks_no_proxy(run_module, proxy):
    k.expect_describe(run_module, None)
    k.expect_store(run_module, s.store(endpoint=proxy.endpoint))
    k.expect_create(run_module)
    k.expect_alias(run_module)

    result = run_module(main, task("never"))

    assert result["changed"] is True and proxy.requests == []


def test_preflight_runs_only_before_a_create(run_module, proxy):
    k.expect_describe(run_module, k.metadata())

    result = run_module(main, task("always"))

    assert result["changed"] is False and proxy.requests == [] and run_module.operations == ["DescribeKey"]

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""preflight through xks_keystore, for a store that holds XKS keys: after a healthy GetHealthStatus with the new
values, the store's KMS keys are found (ListKeys + DescribeKey) and the NEW proxy is asked GetKeyMetadata for each
external key, signed with the new credential; a key missing or unusable there refuses the edit before any
disconnect, naming the KMS key and its external key. The unit tests' one fake proxy stands behind the new endpoint
and answers per request (``respond_with``)."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import fake_proxy
from ansible_collections.kms.xks.tests.unit import keys as k
from ansible_collections.kms.xks.tests.unit import stores as s

GOOD = {"keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"}
NOT_FOUND = (404, {"errorName": "KeyNotFoundException", "errorMessage": "no such key"})
EXTERNAL_A, EXTERNAL_B = "xks-key-a", "xks-key-b"
ELSEWHERE = "5555abcd-12ab-34cd-56ef-1234567890ab"  # a KMS key of another store: not this store's business
CALLER = "arn:aws:iam::%s:user/ansible" % k.ACCOUNT
NEW_ADDRESS = s.NEW_PUBLIC_ENDPOINT[len("https://"):]

# The edit moves the store to a new endpoint and path with a new credential: the preflight must use all three.
MOVE = {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, "xks_proxy_uri_path": s.PLAIN_PATH,
        "xks_proxy_authentication_credential": s.credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)}
MOVED = s.store(endpoint=s.NEW_PUBLIC_ENDPOINT, path=s.PLAIN_PATH, access_key_id=s.NEW_ACCESS_KEY_ID)


def serve(proxy, answers):
    """The new proxy: healthy, and GetKeyMetadata answers by external key id (``answers``: id -> (status, body)); others not found."""
    def respond(request):
        if request["path"].endswith("/health"):
            return 200, fake_proxy.HEALTHY_ANSWER
        for xks_key_id, answer in answers.items():
            if request["path"].endswith("/keys/%s/metadata" % xks_key_id):
                return answer
        return NOT_FOUND

    proxy.respond_with(respond)


def expect_store_keys(run, first_state="Enabled", second_state="Enabled"):
    """The account's KMS keys: two in the store (external keys a and b), one in another store."""
    run.expect("list_keys", {"Keys": [{"KeyId": key_id, "KeyArn": k.arn(key_id)} for key_id in (k.KEY_ID, k.OTHER_KEY_ID, ELSEWHERE)],
                             "Truncated": False}, {})
    k.expect_describe(run, k.metadata(first_state, xks_key_id=EXTERNAL_A), key=k.KEY_ID)
    k.expect_describe(run, k.metadata(second_state, key_id=k.OTHER_KEY_ID, xks_key_id=EXTERNAL_B), key=k.OTHER_KEY_ID)
    k.expect_describe(run, k.metadata(key_id=ELSEWHERE, xks_key_id=EXTERNAL_A, store_id=s.OTHER_ID), key=ELSEWHERE)


def expect_up_to_the_preflight(run, **key_states):
    s.expect_lookup(run, s.store())
    s.expect_account_stores(run, s.store())
    expect_store_keys(run, **key_states)
    run.expect_account(k.ACCOUNT)  # the caller's ARN, which GetKeyMetadata carries as awsPrincipalArn


def expect_the_move(run):
    s.expect_disconnect(run, s.store())
    s.expect_update(run, XksProxyUriEndpoint=s.NEW_PUBLIC_ENDPOINT, XksProxyUriPath=s.PLAIN_PATH,
                    XksProxyAuthenticationCredential=s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET))
    s.expect_connect(run, MOVED)


def metadata_requests(proxy):
    return [request for request in proxy.requests if request["path"].endswith("/metadata")]


def assert_refused_before_any_change(run, result):
    assert result["failed"] is True
    assert result["changed"] is False and result["actions"] == []
    assert s.mutating_calls(run) == []
    assert result["custom_key_store"]["connection_state"] == "CONNECTED"
    assert result["preflight"]["outcome"] == "refused" and result["preflight"]["message"] == result["msg"]
    s.assert_no_secret(result)


@pytest.mark.parametrize("check_mode", [False, True])
def test_every_external_key_usable_on_the_new_proxy_lets_the_move_go_on(run_module, proxy, check_mode):
    serve(proxy, {EXTERNAL_A: (200, GOOD), EXTERNAL_B: (200, GOOD)})
    expect_up_to_the_preflight(run_module)
    if not check_mode:
        expect_the_move(run_module)

    result = run_module(main, dict(MOVE, preflight="auto"), check_mode=check_mode)

    assert result["changed"] is True and result["actions"] == ["disconnect", "update", "connect"]
    assert s.warnings_of(result) == []
    asked = metadata_requests(proxy)
    assert sorted(request["path"] for request in asked) == sorted("%s/keys/%s/metadata" % (s.PLAIN_PATH, key) for key in (EXTERNAL_A, EXTERNAL_B))
    for request in asked:
        assert request["address"] == NEW_ADDRESS
        assert proxy.signed_by(request, s.NEW_ACCESS_KEY_ID, s.NEW_SECRET, "us-east-1")
        metadata = request["json"]["requestMetadata"]
        assert (metadata["awsPrincipalArn"], metadata["kmsOperation"]) == (CALLER, "UpdateCustomKeyStore") and metadata["kmsRequestId"]
    verdict = result["preflight"]
    assert verdict["outcome"] == "ok"
    assert "found 2 of the 2 external key(s) of the store's 2 KMS key(s) usable" in verdict["message"]
    assert "not that they are the same key material" in verdict["message"] and "reference_proxy" in verdict["message"]
    s.assert_no_secret(result)


@pytest.mark.parametrize("check_mode", [False, True])
def test_an_external_key_missing_on_the_new_proxy_refuses_the_move_before_the_disconnect(run_module, proxy, check_mode):
    serve(proxy, {EXTERNAL_A: (200, GOOD)})  # b is not there
    expect_up_to_the_preflight(run_module)

    result = run_module(main, MOVE, check_mode=check_mode)

    assert_refused_before_any_change(run_module, result)
    assert ("KMS key %s (external key %r): the proxy has no external key %r (404 KeyNotFoundException)" % (k.OTHER_KEY_ID, EXTERNAL_B, EXTERNAL_B)
            in result["msg"])
    assert "1 of the 2 external key(s) of the store's 2 KMS key(s) are missing or unusable" in result["msg"]
    assert k.KEY_ID not in result["msg"]  # the usable key is not named as a problem
    assert "preflight=never" in result["msg"]
    assert len(metadata_requests(proxy)) == 2


@pytest.mark.parametrize("answer, reason", [
    pytest.param((200, dict(GOOD, keyStatus="DISABLED")), "its status is DISABLED, and KMS needs ENABLED", id="disabled"),
    pytest.param((200, dict(GOOD, keyUsage=["ENCRYPT"])), "lacks DECRYPT", id="usage-missing"),
    pytest.param((200, dict(GOOD, keySpec="AES_128")), "its key spec is AES_128, and KMS needs AES_256", id="key-spec"),
])
def test_an_unusable_external_key_refuses_the_move_and_says_why(run_module, proxy, answer, reason):
    serve(proxy, {EXTERNAL_A: answer, EXTERNAL_B: (200, GOOD)})
    expect_up_to_the_preflight(run_module)

    result = run_module(main, MOVE)

    assert_refused_before_any_change(run_module, result)
    assert "KMS key %s (external key %r): " % (k.KEY_ID, EXTERNAL_A) in result["msg"] and reason in result["msg"]
    assert k.OTHER_KEY_ID not in result["msg"]


def test_a_key_pending_deletion_counts_since_its_deletion_can_be_cancelled(run_module, proxy):
    serve(proxy, {EXTERNAL_A: (200, GOOD), EXTERNAL_B: (200, dict(GOOD, keyStatus="DISABLED"))})
    expect_up_to_the_preflight(run_module, second_state="PendingDeletion")

    result = run_module(main, MOVE)

    assert_refused_before_any_change(run_module, result)
    assert "KMS key %s (PendingDeletion, counted: its deletion can be cancelled) (external key %r)" % (k.OTHER_KEY_ID, EXTERNAL_B) in result["msg"]


def test_both_keys_missing_names_both(run_module, proxy):
    serve(proxy, {})
    expect_up_to_the_preflight(run_module)

    result = run_module(main, MOVE)

    assert_refused_before_any_change(run_module, result)
    for key_id, xks_key_id in ((k.KEY_ID, EXTERNAL_A), (k.OTHER_KEY_ID, EXTERNAL_B)):
        assert "KMS key %s (external key %r): the proxy has no external key" % (key_id, xks_key_id) in result["msg"]


PROXY_DOWN = (503, b"")  # a load balancer in front of a proxy that is down: no verdict on the key


def test_an_indefinite_answer_warns_and_goes_on_under_auto(run_module, proxy):
    serve(proxy, {EXTERNAL_A: (200, GOOD), EXTERNAL_B: PROXY_DOWN})
    expect_up_to_the_preflight(run_module)
    expect_the_move(run_module)

    result = run_module(main, dict(MOVE, preflight="auto"))

    assert result["changed"] is True and result["actions"] == ["disconnect", "update", "connect"]
    (warning,) = s.warnings_of(result)
    assert warning.startswith("Preflight could not check 1 of the 2 external key(s) on the new proxy")
    assert "KMS key %s (external key %r): the proxy at %s%s/keys/%s/metadata answered HTTP 503" % (
        k.OTHER_KEY_ID, EXTERNAL_B, s.NEW_PUBLIC_ENDPOINT, s.PLAIN_PATH, EXTERNAL_B) in warning
    assert result["preflight"]["outcome"] == "warned" and warning in result["preflight"]["message"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_an_indefinite_answer_refuses_under_always(run_module, proxy, check_mode):
    serve(proxy, {EXTERNAL_A: (200, GOOD), EXTERNAL_B: PROXY_DOWN})
    expect_up_to_the_preflight(run_module)

    result = run_module(main, dict(MOVE, preflight="always"), check_mode=check_mode)

    assert_refused_before_any_change(run_module, result)
    assert "preflight=always" in result["msg"] and "KMS key %s (external key %r)" % (k.OTHER_KEY_ID, EXTERNAL_B) in result["msg"]


def test_a_definite_no_wins_over_an_indefinite_answer(run_module, proxy):
    serve(proxy, {EXTERNAL_B: PROXY_DOWN})  # a is missing, b cannot be judged
    expect_up_to_the_preflight(run_module)

    result = run_module(main, dict(MOVE, preflight="auto"))

    assert_refused_before_any_change(run_module, result)
    assert "KMS key %s (external key %r): the proxy has no external key" % (k.KEY_ID, EXTERNAL_A) in result["msg"]


def test_an_unhealthy_proxy_is_refused_without_asking_for_keys(run_module, preflight_proxy):
    preflight_proxy.answer("credential_rejected")
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())

    result = run_module(main, MOVE)

    assert_refused_before_any_change(run_module, result)
    assert run_module.operations == ["DescribeCustomKeyStores", "DescribeCustomKeyStores"]  # no ListKeys
    assert len(preflight_proxy.proxy.requests) == 1


def test_never_asks_for_no_key(run_module, proxy):
    serve(proxy, {})
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    expect_the_move(run_module)

    result = run_module(main, dict(MOVE, preflight="never"))

    assert result["actions"] == ["disconnect", "update", "connect"]
    assert proxy.requests == [] and "ListKeys" not in run_module.operations


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_keys_that_cannot_be_listed_warn_under_auto_and_refuse_under_always(run_module, proxy, mode):
    serve(proxy, {})
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())
    run_module.expect_error("list_keys", "AccessDeniedException", "not authorized to perform kms:ListKeys")
    if mode == "auto":
        expect_the_move(run_module)

    result = run_module(main, dict(MOVE, preflight=mode))

    assert metadata_requests(proxy) == []
    if mode == "auto":
        assert result["actions"] == ["disconnect", "update", "connect"]
        (warning,) = s.warnings_of(result)
        assert "could not find the store's KMS keys" in warning and "kms:ListKeys" in warning
        assert result["preflight"]["outcome"] == "warned"
    else:
        assert_refused_before_any_change(run_module, result)
        assert "preflight=always" in result["msg"] and "kms:ListKeys" in result["msg"]

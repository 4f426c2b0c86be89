# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_proxy_authentication_credential with only access_key_id: enough to compare (a check-mode audit
sees access-key-id drift); the secret is required only where the credential is sent (create, an update
of the credential, a preflight that signs), and its absence fails before any change, naming it."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

OPTION = "xks_proxy_authentication_credential"
NAMED = OPTION + ".raw_secret_access_key"


def key_id_only(access_key_id=s.ACCESS_KEY_ID):
    return {"access_key_id": access_key_id}


def test_an_audit_sees_access_key_id_drift_without_the_secret(run_module):
    s.expect_lookup(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, OPTION: key_id_only(s.NEW_ACCESS_KEY_ID)}, check_mode=True, diff=True)

    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True and result["actions"] == ["update"]
    assert result["diff"]["before"]["xks_proxy_configuration"]["access_key_id"] == s.ACCESS_KEY_ID
    assert result["diff"]["after"]["xks_proxy_configuration"]["access_key_id"] == s.NEW_ACCESS_KEY_ID
    assert s.mutating_calls(run_module) == []


def test_the_same_access_key_id_without_the_secret_is_no_change(run_module):
    s.expect_lookup(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, OPTION: key_id_only()})

    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is False and result["actions"] == []


@pytest.mark.parametrize("entry, args, reason", [
    pytest.param(s.store(), {OPTION: key_id_only(s.NEW_ACCESS_KEY_ID)}, "differs", id="drift"),
    pytest.param(s.store(), {OPTION: key_id_only(), "update_credential": "always"}, "update_credential=always", id="always"),
    pytest.param(s.store("FAILED", error_code="INVALID_CREDENTIALS"), {OPTION: key_id_only()}, "INVALID_CREDENTIALS", id="invalid-credentials"),
])
def test_a_credential_that_must_be_sent_needs_the_secret(run_module, entry, args, reason):
    s.expect_lookup(run_module, entry)

    result = run_module(main, dict(args, id=s.STORE_ID))

    assert result["failed"] is True
    assert NAMED in result["msg"] and reason in result["msg"], result["msg"]
    assert s.mutating_calls(run_module) == [] and result["changed"] is False


def test_create_needs_the_secret_but_its_check_mode_does_not(run_module, new_run):
    args = s.create_args(**{OPTION: key_id_only()})
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)

    predicted = run_module(main, args, check_mode=True)

    assert predicted.get("failed") is not True, predicted.get("msg")
    assert predicted["actions"] == ["create"]
    assert predicted["custom_key_store"]["xks_proxy_configuration"]["access_key_id"] == s.ACCESS_KEY_ID

    real = new_run()
    s.expect_lookup(real, None, by_name=s.STORE_NAME)
    result = real(main, args)

    assert result["failed"] is True and NAMED in result["msg"] and "create" in result["msg"]
    assert s.mutating_calls(real) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_preflight_that_must_sign_fails_under_always_naming_the_secret(run_module, preflight_proxy, check_mode):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, OPTION: key_id_only(), "preflight": "always"},
                        check_mode=check_mode)

    assert result["failed"] is True and "raw_secret_access_key" in result["msg"] and OPTION in result["msg"]
    assert preflight_proxy.calls == [] and s.mutating_calls(run_module) == []


def test_a_preflight_that_cannot_sign_only_warns_under_auto(run_module, preflight_proxy):
    s.expect_lookup(run_module, s.store())
    s.expect_account_stores(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": s.NEW_PUBLIC_ENDPOINT, OPTION: key_id_only()}, check_mode=True)

    assert result["actions"] == ["disconnect", "update", "connect"]
    assert any("Preflight skipped" in warning and "raw_secret_access_key" in warning for warning in s.warnings_of(result))
    assert preflight_proxy.calls == []


def test_a_secret_that_is_given_is_still_checked(run_module):
    result = run_module(main, {"id": s.STORE_ID, OPTION: s.credential(secret="short")})

    assert result["failed"] is True and NAMED in result["msg"]
    assert run_module.operations == []

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every value given to xks_proxy_authentication_credential, in any shape, is masked in every module
that takes it: in the argument echo (invocation.module_args) and in the error, which names the option.
Only a valid access key ID stays visible."""

import contextlib
import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.kms.xks.plugins.modules import xks_keystore
from ansible_collections.kms.xks.plugins.modules import xks_proxy_health
from ansible_collections.kms.xks.tests.unit import stores as s

OPTION = "xks_proxy_authentication_credential"
# Ends in "=" like most base64 secrets: as text it reads as "key=" (a key that is most of the secret).
PADDED = s.NEW_SECRET[:43] + "="
AWS_SECRET = "AwsSecretKeyThatMustNeverBeShownQwErTyUiOp"

# (shape, value, text the message holds)
BAD_SHAPES = [
    pytest.param(s.SECRET, "neither JSON nor key=value", id="string"),
    pytest.param(PADDED, "not one of its options", id="string-ending-in-equals"),
    pytest.param([s.SECRET], "not list", id="list"),
    pytest.param([s.credential()], "not list", id="list-of-credentials"),
    pytest.param(97531864209753186420, "not int", id="number"),
    pytest.param([97531864209753186420], "not list", id="list-of-numbers"),
    pytest.param({"access_key_id": s.ACCESS_KEY_ID, "raw_secret_acess_key": s.SECRET}, "raw_secret_acess_key", id="misspelt-key"),
    pytest.param({"access_key_id": s.ACCESS_KEY_ID, "secret": {"raw_secret_access_key": s.SECRET}}, "secret", id="nested"),
    pytest.param({s.SECRET: None}, "not one of its options", id="secret-as-key"),
    pytest.param({"access_key_id": s.SECRET, "raw_secret_access_key": s.ACCESS_KEY_ID}, "access_key_id", id="swapped"),
    pytest.param(json.dumps({"access_key_id": s.ACCESS_KEY_ID, "raw_secret_acess_key": s.SECRET}), "raw_secret_acess_key", id="json-misspelt-key"),
    pytest.param("access_key_id=%s raw_secret_key=%s" % (s.ACCESS_KEY_ID, s.SECRET), "raw_secret_key", id="key-value-misspelt-key"),
    pytest.param("access_key_id=%s, %s" % (s.ACCESS_KEY_ID, s.SECRET), "key=value", id="key-value-broken"),
    pytest.param('{"access_key_id": "%s", "raw_secret_access_key": "%s"' % (s.ACCESS_KEY_ID, s.SECRET), "neither JSON", id="json-cut-short"),
]
SECRETS = (s.SECRET, PADDED, AWS_SECRET, "97531864209753186420")


def run_health(capsys, credential):
    args = {"xks_proxy_uri_endpoint": s.PUBLIC_ENDPOINT, "xks_proxy_uri_path": s.URI_PATH, "region": "us-east-1", OPTION: credential}
    with patch_module_args(args), contextlib.suppress(SystemExit):
        xks_proxy_health.main()
    out = capsys.readouterr().out
    return dict(json.loads(out), _stdout=out)


def run_keystore(run_module, credential):
    return run_module(xks_keystore.main, {"id": s.STORE_ID, OPTION: credential, "secret_key": AWS_SECRET})


@pytest.mark.parametrize("value, text", BAD_SHAPES)
@pytest.mark.parametrize("module", ["xks_keystore", "xks_proxy_health"])
def test_a_credential_of_any_shape_is_masked_and_the_error_names_the_option(run_module, capsys, module, value, text):
    result = run_keystore(run_module, value) if module == "xks_keystore" else run_health(capsys, value)

    assert result["failed"] is True
    assert OPTION in result["msg"] and text in result["msg"], result["msg"]
    assert "invocation" in result  # what -vvv shows
    assert not s.leaked_pieces(result["_stdout"], *SECRETS)
    assert run_module.operations == []


@pytest.mark.parametrize("value", [
    pytest.param(s.credential(access_key_id=s.NEW_ACCESS_KEY_ID, secret=s.SECRET), id="dict"),
    pytest.param(json.dumps(s.credential(access_key_id=s.NEW_ACCESS_KEY_ID, secret=s.SECRET)), id="json"),
    pytest.param("access_key_id=%s raw_secret_access_key=%s" % (s.NEW_ACCESS_KEY_ID, s.SECRET), id="key-value"),
])
def test_a_valid_credential_of_any_accepted_shape_shows_its_access_key_id_only(run_module, value):
    s.expect_lookup(run_module, s.store())

    result = run_module(xks_keystore.main, {"id": s.STORE_ID, OPTION: value}, check_mode=True, diff=True)

    assert result["failed"] is False if "failed" in result else True
    assert result["actions"] == ["update"]
    assert result["diff"]["after"]["xks_proxy_configuration"]["access_key_id"] == s.NEW_ACCESS_KEY_ID
    assert result["invocation"]["module_args"][OPTION] == {"access_key_id": s.NEW_ACCESS_KEY_ID, "raw_secret_access_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    s.assert_no_secret(result, s.SECRET)


def test_the_aws_secret_key_stays_masked_when_the_credential_is_malformed(run_module):
    # ansible-core drops every no_log value it collected when a dict option holds a list.
    result = run_keystore(run_module, [s.SECRET])

    assert result["invocation"]["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert not s.leaked_pieces(result["_stdout"], AWS_SECRET)


USER_INFO_PASSWORD = "Us3rInfoPassw0rdNeverShown"
ENDPOINT_WITH_USER_INFO = "https://operator:%s@%s" % (USER_INFO_PASSWORD, s.PUBLIC_ENDPOINT.partition("://")[2])


def test_a_password_in_the_endpoint_user_info_is_masked_in_the_argument_echo(run_module, capsys):
    args = {"xks_proxy_uri_endpoint": ENDPOINT_WITH_USER_INFO, "xks_proxy_uri_path": s.URI_PATH, "region": "us-east-1", OPTION: s.credential()}
    with patch_module_args(args), contextlib.suppress(SystemExit):
        xks_proxy_health.main()
    out = capsys.readouterr().out
    result = json.loads(out)

    assert result["failed"] is True and "xks_proxy_uri_endpoint" in result["msg"] and "user info" in result["msg"]
    assert "invocation" in result
    assert not s.leaked_pieces(out, USER_INFO_PASSWORD)


def test_a_password_in_the_reference_proxy_user_info_is_masked_in_the_argument_echo(run_module, capsys):
    reference = {"uri_endpoint": ENDPOINT_WITH_USER_INFO, "uri_path": s.URI_PATH, "authentication_credential": s.credential()}
    args = {"xks_proxy_uri_endpoint": s.PUBLIC_ENDPOINT, "xks_proxy_uri_path": s.URI_PATH, "region": "us-east-1", OPTION: s.credential(),
            "xks_key_ids": ["key-1"], "reference_proxy": reference}
    with patch_module_args(args), contextlib.suppress(SystemExit):
        xks_proxy_health.main()
    out = capsys.readouterr().out
    result = json.loads(out)

    assert result["failed"] is True and "reference_proxy.uri_endpoint" in result["msg"]
    assert not s.leaked_pieces(out, USER_INFO_PASSWORD)


def test_a_password_in_the_endpoint_user_info_is_masked_by_xks_keystore_too(run_module):
    result = run_module(xks_keystore.main, {"id": s.STORE_ID, "xks_proxy_uri_endpoint": ENDPOINT_WITH_USER_INFO})

    assert result["failed"] is True and "xks_proxy_uri_endpoint" in result["msg"]
    assert USER_INFO_PASSWORD not in json.dumps(result)
    assert run_module.operations == []

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input through xks_keystore: the task fails before any mutating call (before any call when the
input alone is wrong), with a message that names the option and never shows a secret."""

import json

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s

SHORT_SECRET = "tooShortSecretXyz"

# Wrong whatever the store: rejected before the lookup. (task arguments, option the message names, text it contains)
INPUT_ERRORS = [
    pytest.param({"xks_proxy_uri_endpoint": "http://myproxy.xks.example.com"}, "xks_proxy_uri_endpoint", "https://", id="http-endpoint"),
    pytest.param({"xks_proxy_uri_endpoint": "https://myproxy.xks.example.com:8443"}, "xks_proxy_uri_endpoint", "port", id="port-in-endpoint"),
    pytest.param({"xks_proxy_uri_endpoint": "https://myproxy.xks.example.com/kms/xks/v1"}, "xks_proxy_uri_endpoint", "path", id="path-in-endpoint"),
    pytest.param({"xks_proxy_uri_endpoint": "myproxy.xks.example.com"}, "xks_proxy_uri_endpoint", "https://", id="no-scheme"),
    pytest.param({"xks_proxy_uri_path": "/example-prefix/v1"}, "xks_proxy_uri_path", "/kms/xks/v1", id="path-without-kms-xks-v1"),
    pytest.param({"xks_proxy_uri_path": "/kms/xks/v1/"}, "xks_proxy_uri_path", "/kms/xks/v1", id="path-with-trailing-slash"),
    pytest.param({"xks_proxy_authentication_credential": s.credential(access_key_id=s.ACCESS_KEY_ID.lower())},
                 "xks_proxy_authentication_credential.access_key_id", "upper-case", id="lower-case-access-key-id"),
    pytest.param({"xks_proxy_authentication_credential": s.credential(secret=SHORT_SECRET)},
                 "xks_proxy_authentication_credential.raw_secret_access_key", "43 to 64", id="short-secret"),
    pytest.param({"xks_proxy_authentication_credential": s.credential(secret=s.SECRET + "!")},
                 "xks_proxy_authentication_credential.raw_secret_access_key", "letters, digits", id="secret-bad-character"),
    pytest.param({"xks_proxy_vpc_endpoint_service_name": "com.amazonaws.vpce.us-east-1.not-a-service"},
                 "xks_proxy_vpc_endpoint_service_name", "vpce-svc-", id="malformed-service-name"),
    pytest.param({"xks_proxy_vpc_endpoint_service_owner": "1111-2222-3333"}, "xks_proxy_vpc_endpoint_service_owner", "12-digit", id="malformed-owner"),
    pytest.param({"xks_proxy_connectivity": s.PUBLIC, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE},
                 "xks_proxy_vpc_endpoint_service_name", "only valid with", id="service-name-with-public"),
    pytest.param({"name": "x" * 257}, "name", "257 characters", id="257-char-name"),
    pytest.param({"name": ""}, "name", "0 characters", id="empty-name"),
    pytest.param({"wait_timeout": -1}, "wait_timeout", "greater than 0", id="negative-wait-timeout"),
    pytest.param({"wait_timeout": 0}, "wait_timeout", "greater than 0", id="zero-wait-timeout"),
]


@pytest.mark.parametrize("args, option, text", INPUT_ERRORS)
@pytest.mark.parametrize("check_mode", [False, True])
def test_bad_input_fails_before_any_call_naming_the_option(run_module, args, option, text, check_mode):
    result = run_module(main, dict(s.create_args(id=s.STORE_ID), **args), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False and result["actions"] == []
    assert option in result["msg"]
    assert text in result["msg"]
    assert run_module.operations == []
    s.assert_no_secret(result, s.SECRET, SHORT_SECRET)


def test_all_input_errors_are_reported_at_once(run_module):
    result = run_module(main, s.create_args(xks_proxy_uri_endpoint="http://myproxy.xks.example.com", xks_proxy_uri_path="/v1", wait_timeout=-5))

    for option in ("xks_proxy_uri_endpoint", "xks_proxy_uri_path", "wait_timeout"):
        assert option in result["msg"]
    assert run_module.operations == []


def test_a_name_of_256_characters_is_accepted(run_module):
    name = "x" * 256
    s.expect_lookup(run_module, s.store(name=name))

    result = run_module(main, {"id": s.STORE_ID, "name": name})

    assert result["changed"] is False


# Wrong only for this store (or for a store to create): rejected after the one lookup, before any change.
@pytest.mark.parametrize("found, args, option, text", [
    pytest.param(None, s.create_args(xks_proxy_connectivity=s.VPC, xks_proxy_uri_endpoint=s.PRIVATE_ENDPOINT),
                 "xks_proxy_vpc_endpoint_service_name", "VPC_ENDPOINT_SERVICE needs", id="create-vpc-without-service-name"),
    pytest.param(s.store(), {"id": s.STORE_ID, "xks_proxy_connectivity": s.VPC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT},
                 "xks_proxy_vpc_endpoint_service_name", "VPC_ENDPOINT_SERVICE needs", id="edit-to-vpc-without-service-name"),
    pytest.param(s.store(), {"id": s.STORE_ID, "xks_proxy_connectivity": s.VPC, "xks_proxy_vpc_endpoint_service_name": s.VPC_SERVICE},
                 "xks_proxy_uri_endpoint", "needs a new xks_proxy_uri_endpoint", id="connectivity-without-new-endpoint"),
    pytest.param(s.vpc_store(), {"id": s.STORE_ID, "xks_proxy_connectivity": s.PUBLIC, "xks_proxy_uri_endpoint": s.PRIVATE_ENDPOINT},
                 "xks_proxy_uri_endpoint", "needs a new xks_proxy_uri_endpoint", id="connectivity-with-same-endpoint"),
    pytest.param(s.store(), {"id": s.STORE_ID, "xks_proxy_vpc_endpoint_service_owner": s.OWNER},
                 "xks_proxy_vpc_endpoint_service_owner", "only valid with VPC_ENDPOINT_SERVICE", id="owner-on-public-store"),
])
def test_input_wrong_for_the_store_fails_after_the_lookup_only(run_module, preflight_proxy, found, args, option, text):
    s.expect_lookup(run_module, found, by_name=None if found else s.STORE_NAME)

    result = run_module(main, args)

    assert result["failed"] is True
    assert option in result["msg"] and text in result["msg"]
    assert run_module.operations == ["DescribeCustomKeyStores"]
    assert preflight_proxy.calls == []
    s.assert_no_secret(result)


def test_name_or_id_is_required(run_module):
    result = run_module(main, {"xks_proxy_uri_path": s.PLAIN_PATH})

    assert result["failed"] is True
    assert "name" in result["msg"] and "id" in result["msg"]
    assert run_module.operations == []


@pytest.mark.parametrize("other", ["xks_proxy_uri_path", "xks_proxy_authentication_credential"])
def test_the_configuration_file_excludes_path_and_credential_options(run_module, tmp_path, other):
    config = tmp_path / "proxy.json"
    config.write_text("{}")
    args = {"id": s.STORE_ID, "xks_proxy_configuration_file": str(config)}
    args[other] = s.create_args()[other]

    result = run_module(main, args)

    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"] and other in result["msg"]
    assert run_module.operations == []
    s.assert_no_secret(result)


# -- the proxy configuration file ------------------------------------------------------------

def good_configuration(**changes):
    return json.dumps(s.configuration_document(s.PLAIN_PATH, s.NEW_ACCESS_KEY_ID, s.NEW_SECRET, **changes))


def credential_document(**changes):
    pair = dict(s.api_credential(s.NEW_ACCESS_KEY_ID, s.NEW_SECRET), **changes)
    return {key: value for key, value in pair.items() if value is not None}


CONFIG_ERRORS = [
    pytest.param("XksProxyUriPath = /kms/xks/v1", "is not valid JSON", id="not-json"),
    pytest.param(good_configuration()[:-5], "is not valid JSON", id="truncated-json"),
    pytest.param(json.dumps([s.PLAIN_PATH]), "must hold a JSON object", id="not-an-object"),
    pytest.param(json.dumps({"XksProxyAuthenticationCredential": credential_document()}), "lacks the key XksProxyUriPath", id="no-path"),
    pytest.param(json.dumps({"XksProxyUriPath": s.PLAIN_PATH}), "lacks the key XksProxyAuthenticationCredential", id="no-credential"),
    pytest.param(good_configuration(XksProxyAuthenticationCredential=credential_document(RawSecretAccessKey=None)),
                 "lacks the key XksProxyAuthenticationCredential.RawSecretAccessKey", id="no-secret"),
    pytest.param(good_configuration(XksProxyAuthenticationCredential=credential_document(AccessKeyId=None)),
                 "lacks the key XksProxyAuthenticationCredential.AccessKeyId", id="no-access-key-id"),
    pytest.param(good_configuration(XksProxyUriPath="/xks"), "XksProxyUriPath", id="bad-path"),
    pytest.param(good_configuration(XksProxyAuthenticationCredential=credential_document(AccessKeyId="lowercase-access-key-id")),
                 "AccessKeyId", id="bad-access-key-id"),
    pytest.param(good_configuration(XksProxyAuthenticationCredential=credential_document(RawSecretAccessKey=SHORT_SECRET)),
                 "RawSecretAccessKey", id="short-secret"),
    pytest.param(good_configuration(XksProxyAuthenticationCredential="%s:%s" % (s.NEW_ACCESS_KEY_ID, s.NEW_SECRET)),
                 "must be an object", id="credential-not-an-object"),
]


@pytest.mark.parametrize("text, problem", CONFIG_ERRORS)
def test_a_bad_configuration_file_fails_before_any_call(run_module, tmp_path, text, problem):
    config = tmp_path / "proxy-configuration.json"
    config.write_text(text)

    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_configuration_file": str(config)})

    assert result["failed"] is True
    assert "xks_proxy_configuration_file" in result["msg"]
    assert problem in result["msg"]
    assert run_module.operations == []
    s.assert_no_secret(result, s.NEW_SECRET, SHORT_SECRET)


def test_a_missing_configuration_file_fails_before_any_call(run_module, tmp_path):
    result = run_module(main, {"id": s.STORE_ID, "xks_proxy_configuration_file": str(tmp_path / "absent.json")})

    assert result["failed"] is True
    assert "xks_proxy_configuration_file" in result["msg"] and "cannot read" in result["msg"]
    assert run_module.operations == []

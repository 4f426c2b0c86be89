# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_spec (fields, keystore, config_file), example by example: each rule accepts the values of the AWS guide and
rejects the common mistakes with a message that names the option and never shows a secret."""

import json

import pytest

from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksValidationError
from ansible_collections.kms.xks.plugins.module_utils._spec import config_file
from ansible_collections.kms.xks.plugins.module_utils._spec import fields
from ansible_collections.kms.xks.plugins.module_utils._spec import keystore as keystore_spec
from ansible_collections.kms.xks.tests.unit import stores as s


# -- single values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, rule", [
    (s.PUBLIC_ENDPOINT, fields.ENDPOINT_RULE),
    (s.PRIVATE_ENDPOINT, fields.ENDPOINT_RULE),
    ("/kms/xks/v1", fields.URI_PATH_RULE),
    ("/example-prefix/kms/xks/v1", fields.URI_PATH_RULE),
    ("/a/b_c/kms/xks/v12", fields.URI_PATH_RULE),
    (s.VPC_SERVICE, fields.VPC_ENDPOINT_SERVICE_NAME_RULE),
    ("com.amazonaws.vpce.us-gov-west-1.vpce-svc-0123456789abcdef0", fields.VPC_ENDPOINT_SERVICE_NAME_RULE),
    ("eu.amazonaws.vpce.eusc-de-east-1.vpce-svc-0123456789abcdef0", fields.VPC_ENDPOINT_SERVICE_NAME_RULE),
    (s.OWNER, fields.ACCOUNT_ID_RULE),
    (s.ACCESS_KEY_ID, fields.ACCESS_KEY_ID_RULE),
    ("A" * 30, fields.ACCESS_KEY_ID_RULE),
    (s.SECRET, fields.SECRET_RULE),
    ("a/+=" * 16, fields.SECRET_RULE),
    ("x", fields.NAME_RULE),
    ("x" * 256, fields.NAME_RULE),
    (s.STORE_ID, fields.ID_RULE),
])
def test_valid_values_pass(value, rule):
    assert fields.check_value("option", value, rule) is None


@pytest.mark.parametrize("value, rule, problem", [
    ("/kms/xks/v1x", fields.URI_PATH_RULE, "is not valid"),
    ("/kms/xks/v1\n", fields.URI_PATH_RULE, "is not valid"),
    ("kms/xks/v1/x", fields.URI_PATH_RULE, "is not valid"),
    ("/prefix/kms/xks/v123", fields.URI_PATH_RULE, "is not valid"),
    ("/kms/xks", fields.URI_PATH_RULE, "has 8 characters"),
    ("/" + "p" * 120 + "/kms/xks/v1", fields.URI_PATH_RULE, "has 132 characters"),
    ("com.amazonaws.vpce.us-east-1.vpce-svc-EXAMPLE", fields.VPC_ENDPOINT_SERVICE_NAME_RULE, "is not valid"),
    ("org.amazonaws.vpce.us-east-1.vpce-svc-example", fields.VPC_ENDPOINT_SERVICE_NAME_RULE, "is not valid"),
    ("com.amazonaws.vpce.useast1.vpce-svc-example", fields.VPC_ENDPOINT_SERVICE_NAME_RULE, "is not valid"),
    ("12345678901", fields.ACCOUNT_ID_RULE, "has 11 characters"),
    ("12345678901a", fields.ACCOUNT_ID_RULE, "is not valid"),
    ("AKIAXKSPROXYEXAMPLE1", fields.ACCESS_KEY_ID_RULE, "is not valid"),
    ("A" * 19, fields.ACCESS_KEY_ID_RULE, "has 19 characters"),
    ("A" * 31, fields.ACCESS_KEY_ID_RULE, "has 31 characters"),
    ("", fields.NAME_RULE, "has 0 characters"),
    ("x" * 257, fields.NAME_RULE, "has 257 characters"),
    ("c" * 65, fields.ID_RULE, "has 65 characters"),
    (12, fields.NAME_RULE, "must be a string"),
])
def test_invalid_values_are_named_and_shown(value, rule, problem):
    message = fields.check_value("the_option", value, rule)

    assert message.startswith("the_option")
    assert problem in message
    if isinstance(value, str) and len(value) < 100:
        assert repr(value) in message
    assert rule[3] in message


@pytest.mark.parametrize("secret", ["short" * 8, s.SECRET + "!", s.SECRET * 2, s.SECRET + "\n"])
def test_a_bad_secret_is_never_shown(secret):
    message = fields.check_value("xks_proxy_authentication_credential.raw_secret_access_key", secret, fields.SECRET_RULE, secret=True)

    assert message.startswith("xks_proxy_authentication_credential.raw_secret_access_key")
    assert "the value given" in message
    assert not s.leaked_pieces(message, secret.strip())


# -- endpoints -------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, problem", [
    ("http://myproxy.xks.example.com", "must use https://"),
    ("HTTP://myproxy.xks.example.com", "must use https://"),
    ("ftp://myproxy.xks.example.com", "must use https://"),
    ("https://myproxy.xks.example.com:443", "must not contain a port"),
    ("https://myproxy.xks.example.com:8443", "must not contain a port"),
    ("https://myproxy.xks.example.com/", "must not contain a path"),
    ("https://myproxy.xks.example.com/kms/xks/v1", "must not contain a path"),
    ("myproxy.xks.example.com", "must begin with https://"),
    (" https://myproxy.xks.example.com", "must not begin or end with whitespace"),
    ("https://myproxy.xks.example.com\n", "must not begin or end with whitespace"),
    ("https://myproxy.xks.example.com?x=1", "must not contain a path, query or fragment"),
    ("https://myproxy.xks.example.com#top", "must not contain a path, query or fragment"),
    ("https://user@myproxy.xks.example.com", "must not contain user info"),
    ("https://myproxy.xks.example.com:8443/kms", "must not contain a path"),
    ("https://my_proxy.xks.example.com", "is not valid"),
    ("https://", "has 8 characters"),
    ("https://" + "a" * 121, "has 129 characters"),
])
def test_endpoint_mistakes_are_explained(endpoint, problem):
    message = fields.check_endpoint("xks_proxy_uri_endpoint", endpoint)

    assert message.startswith("xks_proxy_uri_endpoint")
    assert problem in message


def test_a_good_endpoint_passes():
    assert fields.check_endpoint("xks_proxy_uri_endpoint", s.PUBLIC_ENDPOINT) is None


# -- credential ------------------------------------------------------------------------------

def test_a_good_credential_passes():
    assert fields.check_credential("cred", s.credential()) == []


def test_both_halves_of_a_credential_are_checked_and_the_secret_is_not_shown():
    messages = fields.check_credential("cred", s.credential(access_key_id="akiaxksproxyexample2", secret="S3cr3t"))

    assert len(messages) == 2
    # Not shown either: an access key ID that is not valid may be a secret put in the wrong place.
    assert messages[0].startswith("cred.access_key_id") and "the value given" in messages[0]
    assert not s.leaked_pieces(messages[0], "akiaxksproxyexample2")
    assert messages[1].startswith("cred.raw_secret_access_key") and "S3cr3t" not in messages[1]


# -- options together ------------------------------------------------------------------------

def options(**params):
    base = {"wait_timeout": 1200}
    base.update(params)
    return base


def test_a_complete_valid_task_has_no_error():
    params = options(name=s.STORE_NAME, id=s.STORE_ID, xks_proxy_connectivity=s.VPC, xks_proxy_uri_endpoint=s.PRIVATE_ENDPOINT,
                     xks_proxy_uri_path=s.URI_PATH, xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE,
                     xks_proxy_vpc_endpoint_service_owner=s.OWNER, xks_proxy_authentication_credential=s.credential())
    assert keystore_spec.validate_keystore_options(params) == []


def test_omitted_options_are_not_checked():
    assert keystore_spec.validate_keystore_options({"wait_timeout": None}) == []


@pytest.mark.parametrize("params, option", [
    (options(wait_timeout=0), "wait_timeout"),
    (options(wait_timeout=-30), "wait_timeout"),
    (options(name="n" * 257), "name"),
    (options(id=""), "id"),
    (options(xks_proxy_uri_path="/v1"), "xks_proxy_uri_path"),
    (options(xks_proxy_uri_endpoint="http://x.example.com"), "xks_proxy_uri_endpoint"),
    (options(xks_proxy_vpc_endpoint_service_name="vpce-svc-example"), "xks_proxy_vpc_endpoint_service_name"),
    (options(xks_proxy_vpc_endpoint_service_owner="owner"), "xks_proxy_vpc_endpoint_service_owner"),
    (options(xks_proxy_authentication_credential=s.credential(secret="x")), "xks_proxy_authentication_credential.raw_secret_access_key"),
    (options(xks_proxy_connectivity=s.PUBLIC, xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE), "xks_proxy_vpc_endpoint_service_name"),
    (options(xks_proxy_connectivity=s.PUBLIC, xks_proxy_vpc_endpoint_service_owner=s.OWNER), "xks_proxy_vpc_endpoint_service_owner"),
])
def test_each_bad_option_gives_one_message_naming_it(params, option):
    errors = keystore_spec.validate_keystore_options(params)

    assert len(errors) == 1
    assert errors[0].startswith(option)


def test_every_bad_option_is_reported():
    errors = keystore_spec.validate_keystore_options(options(wait_timeout=-1, name="", xks_proxy_uri_path="/v1", xks_proxy_uri_endpoint="http://x"))

    assert [error.split(" ")[0].rstrip(":") for error in errors] == ["name", "xks_proxy_uri_path", "xks_proxy_uri_endpoint", "wait_timeout"]


# -- create ----------------------------------------------------------------------------------

def create_desired(**changes):
    desired = {
        "name": s.STORE_NAME, "xks_proxy_connectivity": s.PUBLIC, "xks_proxy_uri_endpoint": s.PUBLIC_ENDPOINT,
        "xks_proxy_uri_path": s.URI_PATH, "xks_proxy_authentication_credential": s.credential(),
    }
    desired.update(changes)
    return desired


def test_a_complete_create_has_no_error():
    assert keystore_spec.validate_create(create_desired()) == []
    assert keystore_spec.validate_create(create_desired(xks_proxy_connectivity=s.VPC, xks_proxy_vpc_endpoint_service_name=s.VPC_SERVICE)) == []


def test_create_lists_every_missing_option():
    errors = keystore_spec.validate_create(create_desired(name=None, xks_proxy_uri_path=None))

    assert len(errors) == 1
    assert errors[0].endswith("missing: name, xks_proxy_uri_path.")


def test_create_with_vpc_needs_a_service_name():
    errors = keystore_spec.validate_create(create_desired(xks_proxy_connectivity=s.VPC))

    assert errors == ["xks_proxy_connectivity=VPC_ENDPOINT_SERVICE needs xks_proxy_vpc_endpoint_service_name."]


# -- the proxy configuration file ------------------------------------------------------------

def configuration(**changes):
    return json.dumps(s.configuration_document(**changes))


def test_a_good_configuration_gives_path_and_credential():
    assert config_file.parse_proxy_configuration(configuration(Vendor={"any": "thing"})) == (s.URI_PATH, s.credential())


@pytest.mark.parametrize("text, problems", [
    ("", ["is not valid JSON"]),
    ("{'XksProxyUriPath': '/kms/xks/v1'}", ["is not valid JSON"]),
    ("null", ["must hold a JSON object"]),
    ("{}", ["lacks the key XksProxyUriPath", "lacks the key XksProxyAuthenticationCredential"]),
    (configuration(XksProxyUriPath=None), ["lacks the key XksProxyUriPath"]),
    (configuration(XksProxyUriPath="/kms/xks"), ["XksProxyUriPath"]),
    (configuration(XksProxyAuthenticationCredential=[]), ["must be an object"]),
    (configuration(XksProxyAuthenticationCredential={}), ["lacks the key XksProxyAuthenticationCredential.AccessKeyId",
                                                          "lacks the key XksProxyAuthenticationCredential.RawSecretAccessKey"]),
    (configuration(XksProxyAuthenticationCredential={"AccessKeyId": "lower", "RawSecretAccessKey": s.SECRET}), ["AccessKeyId", "the value given"]),
    (configuration(XksProxyAuthenticationCredential={"AccessKeyId": s.ACCESS_KEY_ID, "RawSecretAccessKey": s.SECRET[:40]}),
     ["RawSecretAccessKey", "the value given has 40 characters"]),
    (configuration(XksProxyAuthenticationCredential={"AccessKeyId": s.ACCESS_KEY_ID, "RawSecretAccessKey": 42}), ["RawSecretAccessKey", "must be a string"]),
])
def test_a_bad_configuration_names_every_problem_and_no_secret(text, problems):
    with pytest.raises(XksValidationError) as raised:
        config_file.parse_proxy_configuration(text)

    message = str(raised.value)
    assert message.startswith("xks_proxy_configuration_file")
    for problem in problems:
        assert problem in message
    assert not s.leaked_pieces(message, s.SECRET)


def test_the_configuration_file_is_read_from_disk(tmp_path):
    path = tmp_path / "proxy.json"
    path.write_text(configuration())

    assert config_file.read_proxy_configuration_file(str(path)) == (s.URI_PATH, s.credential())


def test_an_unreadable_configuration_file_is_named(tmp_path):
    with pytest.raises(XksValidationError) as raised:
        config_file.read_proxy_configuration_file(str(tmp_path / "missing.json"))

    assert str(raised.value).startswith("xks_proxy_configuration_file: cannot read")


def test_a_configuration_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "proxy.json"
    path.write_bytes(b"\xff\xfe\x00binary")

    with pytest.raises(XksValidationError) as raised:
        config_file.read_proxy_configuration_file(str(path))

    assert "xks_proxy_configuration_file" in str(raised.value)


@pytest.mark.parametrize("endpoint", [
    "https://user:pass@myproxy.xks.example.com",
    "https://user:pass@myproxy.xks.example.com:8443",
    "https://user:pass@myproxy.xks.example.com/kms/xks/v1",
    "http://user:pass@myproxy.xks.example.com",
    "https://myproxy.xks.example.com/@user:pass",
])
def test_user_info_in_an_endpoint_is_never_shown(endpoint):
    message = fields.check_endpoint("xks_proxy_uri_endpoint", endpoint)

    assert message.startswith("xks_proxy_uri_endpoint: the value given ")
    assert "user:" not in message and ":pass" not in message
    if endpoint.startswith("https://user"):
        assert "must not contain user info" in message, message

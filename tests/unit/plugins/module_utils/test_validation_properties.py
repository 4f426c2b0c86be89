# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests: the validators agree with the KMS service model that botocore ships, and
the configuration-file parser never crashes nor leaks the secret, whatever it is given."""

import json
import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
botocore_session = pytest.importorskip("botocore.session")

from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksValidationError  # noqa: E402
from ansible_collections.kms.xks.plugins.module_utils._spec import config_file  # noqa: E402
from ansible_collections.kms.xks.plugins.module_utils._spec import fields  # noqa: E402

MODEL = botocore_session.get_session().get_service_model("kms")

# Our rule for each shape of the model that an option of xks_keystore is sent as.
FIELDS = {
    "CustomKeyStoreNameType": (fields.NAME_RULE, False),
    "CustomKeyStoreIdType": (fields.ID_RULE, False),
    "XksProxyUriEndpointType": (fields.ENDPOINT_RULE, False),
    "XksProxyUriPathType": (fields.URI_PATH_RULE, False),
    "XksProxyVpcEndpointServiceNameType": (fields.VPC_ENDPOINT_SERVICE_NAME_RULE, False),
    "AccountIdType": (fields.ACCOUNT_ID_RULE, False),
    "XksProxyAuthenticationAccessKeyIdType": (fields.ACCESS_KEY_ID_RULE, False),
    "XksProxyAuthenticationRawSecretAccessKeyType": (fields.SECRET_RULE, True),
}
SETTINGS = settings(max_examples=100, deadline=None)


def model_accepts(shape_name, value):
    """What KMS accepts for a shape: the model's length bounds and (Java, whole-string, ASCII) pattern."""
    metadata = MODEL.shape_for(shape_name).metadata
    if not metadata.get("min", 0) <= len(value) <= metadata.get("max", 10**6):
        return False
    pattern = metadata.get("pattern")
    return pattern is None or re.fullmatch(pattern, value, re.ASCII) is not None


def candidates(shape_name):
    """Values near the model's rule: generated from its pattern, then mutated, plus arbitrary text."""
    pattern = MODEL.shape_for(shape_name).metadata.get("pattern")
    arbitrary = st.text(max_size=300)
    if pattern is None:
        return arbitrary
    matching = st.from_regex(pattern, fullmatch=True)
    mutated = st.tuples(matching, st.integers(min_value=0, max_value=200), st.characters()).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1]:])
    return st.one_of(matching, mutated, arbitrary, st.just("\n").flatmap(lambda nl: matching.map(lambda v: v + nl)))


@pytest.mark.parametrize("shape_name", sorted(FIELDS))
def test_rules_match_the_model_bounds(shape_name):
    metadata = MODEL.shape_for(shape_name).metadata
    rule, _secret = FIELDS[shape_name]
    assert (rule[1], rule[2]) == (metadata["min"], metadata["max"])


@pytest.mark.parametrize("shape_name", sorted(FIELDS))
def test_validator_agrees_with_the_model(shape_name):
    rule, secret = FIELDS[shape_name]
    checker = fields.check_endpoint if rule is fields.ENDPOINT_RULE else None

    @SETTINGS
    @given(candidates(shape_name))
    def check(value):
        message = checker("option", value) if checker else fields.check_value("option", value, rule, secret=secret)
        assert (message is None) == model_accepts(shape_name, value), (value, message)
        if message is not None:
            assert message.startswith("option")
            if secret and len(value) >= 8:  # a shorter string can appear in any sentence
                assert value not in message

    check()


SECRET_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+=")


@SETTINGS
@given(st.text(max_size=400))
def test_configuration_parser_never_crashes_on_text(text):
    try:
        uri_path, credential = config_file.parse_proxy_configuration(text)
    except XksValidationError as e:
        assert "xks_proxy_configuration_file" in str(e)
    else:
        assert model_accepts("XksProxyUriPathType", uri_path)
        assert model_accepts("XksProxyAuthenticationRawSecretAccessKeyType", credential["raw_secret_access_key"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(
    uri_path=st.one_of(st.from_regex(MODEL.shape_for("XksProxyUriPathType").metadata["pattern"], fullmatch=True), json_values),
    access_key_id=st.one_of(st.from_regex(r"[A-Z2-7]{20,30}", fullmatch=True), json_values),
    secret=st.text(SECRET_CHARS, min_size=0, max_size=80),
    extra=st.dictionaries(st.text(max_size=10), json_values, max_size=2),
)
def test_configuration_parser_on_documents(uri_path, access_key_id, secret, extra):
    document = dict(extra, XksProxyUriPath=uri_path, XksProxyAuthenticationCredential={"AccessKeyId": access_key_id, "RawSecretAccessKey": secret})
    valid = (
        isinstance(uri_path, str)
        and model_accepts("XksProxyUriPathType", uri_path)
        and isinstance(access_key_id, str)
        and model_accepts("XksProxyAuthenticationAccessKeyIdType", access_key_id)
        and model_accepts("XksProxyAuthenticationRawSecretAccessKeyType", secret)
    )
    try:
        parsed = config_file.parse_proxy_configuration(json.dumps(document))
    except XksValidationError as e:
        assert not valid
        # Everything the message may name but the secret itself (key names included).
        others = json.dumps(dict(document, XksProxyAuthenticationCredential={"AccessKeyId": access_key_id, "RawSecretAccessKey": None}))
        if len(secret) >= 8 and secret not in others:  # else the secret is also another value the message may show
            assert secret not in str(e)
    else:
        assert valid
        assert parsed == (uri_path, {"access_key_id": access_key_id, "raw_secret_access_key": secret})


# -- values generated both ways from the model: valid ones pass, invalid ones fail naming the option --------
def bounds(shape_name):
    metadata = MODEL.shape_for(shape_name).metadata
    return metadata.get("min", 0), metadata.get("max", 10**6)


# A pattern that is a fixed prefix and one repeated character class, such as ^https://[a-zA-Z0-9.-]+$.
PREFIX_AND_CLASS = re.compile(r"\^([^\[\]()|\\]*)\[([^\]]+)\]\+\$")


def valid_values(shape_name):
    """Values the model accepts: its pattern (ASCII, as KMS reads it) within its lengths, or any text within them.

    A prefix-and-class pattern is generated at every length the model allows (hypothesis's own regex
    strategy rarely reaches a minimum of 20 or 43 characters).
    """
    low, high = bounds(shape_name)
    pattern = MODEL.shape_for(shape_name).metadata.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    simple = PREFIX_AND_CLASS.fullmatch(pattern)
    if simple:
        prefix, character_class = simple.groups()
        alphabet = [c for c in map(chr, range(32, 127)) if re.fullmatch("[%s]" % character_class, c)]
        text = st.text(alphabet, min_size=max(1, low - len(prefix)), max_size=high - len(prefix))
        return text.map(lambda rest: prefix + rest)
    return st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True).filter(lambda value: model_accepts(shape_name, value))


def invalid_values(shape_name):
    """Values the model refuses: a valid value cut under its minimum, grown over its maximum, or (for a pattern) with a non-ASCII character."""
    low, high = bounds(shape_name)
    valid = valid_values(shape_name)
    kinds = [valid.map(lambda value: value + "A" * (high + 1 - len(value)))]
    if low > 0:
        kinds.append(valid.map(lambda value: value[:low - 1]))
    if MODEL.shape_for(shape_name).metadata.get("pattern"):
        kinds.append(st.tuples(valid, st.integers(min_value=0, max_value=200), st.characters(min_codepoint=128))
                     .map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:]))
    return st.one_of(kinds)


def check(shape_name, value):
    rule, secret = FIELDS[shape_name]
    if rule is fields.ENDPOINT_RULE:
        return fields.check_endpoint("option", value)
    return fields.check_value("option", value, rule, secret=secret)


@pytest.mark.parametrize("shape_name", sorted(FIELDS))
def test_every_value_generated_from_the_model_passes(shape_name):
    @SETTINGS
    @given(valid_values(shape_name))
    def run(value):
        assert check(shape_name, value) is None, value

    run()


@pytest.mark.parametrize("shape_name", sorted(FIELDS))
def test_every_value_the_model_refuses_fails_naming_the_option(shape_name):
    _rule, secret = FIELDS[shape_name]

    @SETTINGS
    @given(invalid_values(shape_name))
    def run(value):
        assert not model_accepts(shape_name, value)
        message = check(shape_name, value)
        assert message is not None and message.startswith("option"), (value, message)
        if secret:
            assert not [piece for start in range(len(value) - 7) for piece in [value[start:start + 8]] if piece in message]

    run()


HOSTS = st.from_regex(re.compile(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){1,3}", re.ASCII), fullmatch=True)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=8, max_size=20)
# (how a valid https://<host> is spoilt, what the message says)
ENDPOINT_MISTAKES = [
    pytest.param(st.sampled_from(["http", "HTTPS", "ftp", "wss"]).flatmap(lambda scheme: HOSTS.map(lambda host: "%s://%s" % (scheme, host))),
                 "must use https://", id="scheme"),
    pytest.param(HOSTS, "must begin with https://", id="no-scheme"),
    pytest.param(st.tuples(HOSTS, st.integers(min_value=0, max_value=65535)).map(lambda t: "https://%s:%d" % t), "must not contain a port", id="port"),
    pytest.param(st.tuples(HOSTS, WORDS).map(lambda t: "https://%s/%s/kms/xks/v1" % t), "must not contain a path", id="path"),
    pytest.param(st.tuples(HOSTS, st.sampled_from(" \t\n")).map(lambda t: t[1] + "https://" + t[0]), "whitespace", id="leading-space"),
    pytest.param(st.tuples(HOSTS, st.sampled_from(" \t\n")).map(lambda t: "https://" + t[0] + t[1]), "whitespace", id="trailing-space"),
]


@pytest.mark.parametrize("values, phrase", ENDPOINT_MISTAKES)
def test_each_endpoint_mistake_is_named(values, phrase):
    @SETTINGS
    @given(values)
    def run(value):
        message = fields.check_endpoint("xks_proxy_uri_endpoint", value)
        assert message is not None and message.startswith("xks_proxy_uri_endpoint") and phrase in message, (value, message)

    run()


@SETTINGS
@given(HOSTS, WORDS, WORDS, st.sampled_from(["", ":8443", "/kms/xks/v1", ":443/x"]), st.sampled_from(["https", "http"]))
def test_user_info_is_named_and_never_shown(host, user, password, suffix, scheme):
    endpoint = "%s://%s:%s@%s%s" % (scheme, user, password, host, suffix)

    message = fields.check_endpoint("xks_proxy_uri_endpoint", endpoint)

    assert message.startswith("xks_proxy_uri_endpoint: the value given")
    assert user not in message and password not in message
    if scheme == "https":
        assert "must not contain user info" in message

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A name with leading or trailing whitespace (KMS accepts it) is warned about; the quota of 10 custom
key stores (LimitExceededException) fails at once, explained, and no layer retries it."""

import json

import pytest

import botocore.session
from botocore.awsrequest import AWSResponse

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.kms.xks.plugins.module_utils._common import module as _module
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.kms.xks.plugins.module_utils._common.retries import ATTEMPTS
from ansible_collections.kms.xks.plugins.module_utils._common.retries import KmsRetry
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.plugins.module_utils._common.retries import RETRYABLE_KMS_ERROR_CODES
from ansible_collections.kms.xks.plugins.modules.xks_keystore import main
from ansible_collections.kms.xks.tests.unit import stores as s


@pytest.mark.parametrize("name", [" " + s.STORE_NAME, s.STORE_NAME + " ", s.STORE_NAME + "\t"])
def test_a_name_with_outer_whitespace_is_warned_about(run_module, name):
    s.expect_lookup(run_module, None, by_name=name)

    result = run_module(main, s.create_args(name=name), check_mode=True)

    warnings = [w for w in s.warnings_of(result) if "whitespace" in w]
    assert len(warnings) == 1 and repr(name) in warnings[0] and repr(s.STORE_NAME) in warnings[0]
    assert result["actions"] == ["create"]


def test_a_rename_to_a_name_with_outer_whitespace_is_warned_about(run_module):
    s.expect_lookup(run_module, s.store())

    result = run_module(main, {"id": s.STORE_ID, "name": s.STORE_NAME + " "}, check_mode=True)

    assert result["actions"] == ["update"]
    assert any("whitespace" in warning for warning in s.warnings_of(result))


def test_a_plain_name_is_not_warned_about(run_module):
    s.expect_lookup(run_module, s.store(), by_name=s.STORE_NAME)

    result = run_module(main, {"name": s.STORE_NAME})

    assert s.warnings_of(result) == []


def test_the_store_quota_fails_at_once_and_explains_it(run_module):
    s.expect_lookup(run_module, None, by_name=s.STORE_NAME)
    run_module.expect_error("create_custom_key_store", "LimitExceededException", "quota reached")

    result = run_module(main, s.create_args())

    assert result["failed"] is True
    assert result["error_code"] == "LimitExceededException"
    assert "10 per account and Region" in result["msg"] and "Delete a key store" in result["msg"]
    assert run_module.operations.count("CreateCustomKeyStore") == 1
    assert run_module.sleeps == []


def test_kms_retry_does_not_retry_the_quota():
    assert not KmsRetry.found("LimitExceededException", RETRYABLE_KMS_ERROR_CODES)


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def _attempts(config, code, retry=None):
    """How many HTTP requests a botocore KMS client with ``config`` (and the ``retry`` decorator, as the modules use it) sends
    for one CreateCustomKeyStore that KMS answers with ``code``."""
    client = botocore.session.get_session().create_client(
        "kms", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", config=config
    )
    sent = []

    def answer(request, **kwargs):
        sent.append(request)
        body = json.dumps({"__type": code, "message": "no"}).encode()
        return AWSResponse(request.url, 400, {"x-amzn-RequestId": "r%d" % len(sent)}, _Body(body))

    client.meta.events.register("before-send.kms", answer)
    with pytest.raises(client.exceptions.ClientError):
        if retry is None:
            client.create_custom_key_store(CustomKeyStoreName="x", CustomKeyStoreType="EXTERNAL_KEY_STORE")
        else:
            RetryingBotoClientWrapper(client, retry).create_custom_key_store(CustomKeyStoreName="x", CustomKeyStoreType="EXTERNAL_KEY_STORE", aws_retry=True)
    return len(sent)


def _kms_config(monkeypatch):
    """The botocore config AnsibleXksModule gives a KMS client."""
    seen = {}
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda module, service, retry_decorator=None, **kw: seen.update(kw))
    _module.AnsibleXksModule.client(object.__new__(_module.AnsibleXksModule), "kms")
    return seen["config"]


def test_botocore_does_not_retry_the_quota_but_still_retries_throttling(monkeypatch, clock):
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")  # the default of botocore, which would retry the quota
    config = _kms_config(monkeypatch)

    assert _attempts(config, "LimitExceededException") == 1
    assert _attempts(config, "LimitExceededException", kms_retry()) == 1
    # Throttling is retried by the one layer: botocore sends each request once, kms_retry() sends it again, up to its budget.
    assert _attempts(config, "ThrottlingException") == 1
    assert _attempts(config, "ThrottlingException", kms_retry()) == ATTEMPTS
    # Without that config (botocore's standard mode), the quota is retried: the test would see it.
    assert _attempts(None, "LimitExceededException") > 1

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures that run a kms.xks module's main() against a real KMS client whose HTTP layer is a
botocore Stubber: every request is validated against the KMS service model."""

import contextlib
import json
import time

import boto3  # a plain import: a missing library fails the run instead of skipping tests quietly
import pytest
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.tests.unit.fake_proxy import FakeProxy
from ansible_collections.kms.xks.tests.unit.stores import forget_earlier_warnings

AWS_ARGS = {"region": "us-east-1", "access_key": "AKIDEXAMPLE", "secret_key": "not-a-real-secret-key"}


class ModuleRun:
    """Runs a module once; gives back its JSON result and the API calls it made."""

    def __init__(self, monkeypatch, capsys, clock):
        self.client = boto3.client("kms", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
        self.stubber = Stubber(self.client)
        # STS answers GetCallerIdentity, for a prediction that needs the account id (amazon.aws get_aws_account_id).
        self.sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
        self.sts_stubber = Stubber(self.sts)
        self.calls = []
        self.clock = clock
        self._capsys = capsys
        self.client.meta.events.register("before-parameter-build.kms", self._record)
        self.sts.meta.events.register("before-parameter-build.sts", self._record)
        monkeypatch.setattr(AnsibleAWSModule, "client", lambda module, service, retry_decorator=None, **kw: RetryingBotoClientWrapper(
            self.sts if service == "sts" else self.client, kms_retry()))

    def _record(self, model, params, **kwargs):
        self.calls.append((model.name, params))

    @property
    def sleeps(self):
        """How long the waits and retries of the runs would have slept (the fake clock's sleeps)."""
        return self.clock.sleeps

    @property
    def operations(self):
        return [name for name, _params in self.calls]

    def expect(self, operation, response=None, expected_params=None):
        self.stubber.add_response(operation, response if response is not None else {}, expected_params)

    def expect_account(self, account_id):
        """STS GetCallerIdentity answers with this account."""
        self.sts_stubber.add_response("get_caller_identity", {
            "Account": account_id, "Arn": "arn:aws:iam::%s:user/ansible" % account_id, "UserId": "AIDAEXAMPLE"}, {})

    def expect_error(self, operation, code, message="error", http_status=400, expected_params=None):
        self.stubber.add_client_error(
            operation, service_error_code=code, service_message=message, http_status_code=http_status, expected_params=expected_params
        )

    def __call__(self, main, args, check_mode=False, diff=False):
        args = dict(AWS_ARGS, **args)
        if check_mode:
            args["_ansible_check_mode"] = True
        if diff:
            args["_ansible_diff"] = True
        forget_earlier_warnings()
        with self.stubber, self.sts_stubber, patch_module_args(args):
            with contextlib.suppress(SystemExit):
                main()
        out = self._capsys.readouterr().out
        result = json.loads(out)
        self.stubber.assert_no_pending_responses()
        self.sts_stubber.assert_no_pending_responses()
        result["_stdout"] = out
        return result


# -- fail closed: a skipped test is a test that did not run -------------------------------------------
ALLOW_SKIP = "allow_skip"


def pytest_configure(config):
    config.addinivalue_line("markers", "%s(reason): this test may be skipped; any other skip fails the run" % ALLOW_SKIP)


def _skip_as_failure(report, where):
    report.outcome = "failed"
    report.longrepr = "%s was skipped (%s); a skip hides a test that did not run: fix the cause, or mark the test @pytest.mark.%s" % (
        where, report.longrepr, ALLOW_SKIP,
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module-level skip (importorskip, pytest.skip(allow_module_level=True)) fails the collection."""
    report = (yield).get_result()
    if report.skipped:
        _skip_as_failure(report, collector.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that skips fails, unless it is marked allow_skip (an expected failure, xfail, stays allowed)."""
    report = (yield).get_result()
    if report.skipped and not hasattr(report, "wasxfail") and item.get_closest_marker(ALLOW_SKIP) is None:
        _skip_as_failure(report, item.nodeid)


class FakeClock:
    """The one fake time of the unit tests: time.monotonic() advances only by what time.sleep() is asked to wait."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """Waits and retries take no real time: time.sleep and time.monotonic are the fake clock's."""
    fake = FakeClock()
    monkeypatch.setattr(time, "monotonic", fake.monotonic)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake


@pytest.fixture
def run_module(monkeypatch, capsys, clock):
    return ModuleRun(monkeypatch, capsys, clock)


@pytest.fixture(scope="session")
def proxy_server(tmp_path_factory):
    return FakeProxy(tmp_path_factory.mktemp("fake-proxy"))


@pytest.fixture
def proxy(proxy_server):
    """The fake XKS proxy (tests/unit/fake_proxy.py), answering healthy until the test scripts otherwise."""
    proxy_server.reset()
    yield proxy_server
    proxy_server.reset()

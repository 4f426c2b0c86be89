# -*- coding: utf-8 -*-
"""The test bed as pytest fixtures, for every suite that talks to it (tests/testbed/tests, tests/e2e).

Load it from a conftest (``pytest_plugins = ["testbed.pytest_plugin"]``, with tests/ on sys.path) or
with ``pytest -p testbed.pytest_plugin``. One test bed per session, on ports and addresses its start
picks; every test starts from a clean state and leaves no fault armed.

A suite picks its bed's start options (testbed.start()'s keywords: delays, quotas...) by overriding
the ``bed_options`` fixture in its conftest; by default the bed starts with testbed.start()'s own.
"""

import pytest

import testbed
from testbed.kms import kms_client


@pytest.fixture(scope="session")
def bed_options():
    """Keyword arguments of testbed.start() for the session's bed; a conftest overrides this."""
    return {}


@pytest.fixture(scope="session")
def bed(tmp_path_factory, bed_options):
    """The running test bed's testbed.json document."""
    with testbed.running(str(tmp_path_factory.mktemp("testbed")), **bed_options) as document:
        yield document


@pytest.fixture(scope="session")
def emulator(bed):
    return testbed.EmulatorAdmin(bed["emulator_admin_url"])


@pytest.fixture(scope="session")
def proxy(bed):
    return testbed.ProxyAdmin(bed["proxy_admin_url"])


@pytest.fixture(scope="session")
def kms(bed):
    """Out-of-band KMS: plain boto3, no retries, so every injected error reaches the test (and an armed
    fault is not used up by a retry)."""
    return kms_client(bed)


@pytest.fixture(autouse=True)
def clean(bed, emulator, proxy):
    """Every test starts from the bed's start configuration, and leaves no fault armed."""
    testbed.reset(bed)
    yield
    emulator.clear_faults()
    proxy.clear_faults()

# -*- coding: utf-8 -*-
"""One test bed for the whole session (on ports and addresses its start picks); every test starts from a clean state."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import testbed  # noqa: E402  pylint: disable=wrong-import-position
from testbed import kms as out_of_band  # noqa: E402  pylint: disable=wrong-import-position
from testbed.kms import kms_client  # noqa: E402  pylint: disable=wrong-import-position
from testbed_helpers import BED_OPTIONS  # noqa: E402  pylint: disable=wrong-import-position

# The suite's start options are BED_OPTIONS (testbed_helpers.py), shared with the tests that start more
# beds. They turn KMS's request quotas off, so the out-of-band observer may poll fast
# (test_emulator_quotas.py, which turns them on, does not poll).
out_of_band.MIN_POLL_INTERVAL = 0.05


@pytest.fixture(scope="session")
def bed(tmp_path_factory):
    with testbed.running(str(tmp_path_factory.mktemp("testbed")), **BED_OPTIONS) as document:
        yield document


@pytest.fixture(scope="session")
def emulator(bed):
    return testbed.EmulatorAdmin(bed["emulator_admin_url"])


@pytest.fixture(scope="session")
def proxy(bed):
    return testbed.ProxyAdmin(bed["proxy_admin_url"])


@pytest.fixture(autouse=True)
def clean(emulator, proxy):
    emulator.reset()
    proxy.reset()


@pytest.fixture(scope="session")
def kms(bed):
    """A KMS client without retries, so every injected error reaches the test."""
    return kms_client(bed)

# -*- coding: utf-8 -*-
"""One test bed for the whole session, on the real ports; every test starts from a clean state."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import testbed  # noqa: E402  pylint: disable=wrong-import-position
from testbed import kms as out_of_band  # noqa: E402  pylint: disable=wrong-import-position
from testbed.kms import kms_client  # noqa: E402  pylint: disable=wrong-import-position

# Short transitions keep the suite fast; tests that need another value set it through the admin API.
CONNECT_DELAY = 0.3
DISCONNECT_DELAY = 0.3
# KMS's request quotas are on by default; the rules are tested one by one here, so this suite turns
# them off and test_emulator_quotas.py turns them on.
QUOTA_SCALE = 0
# ... so the out-of-band observer may poll fast (test_emulator_quotas.py does not poll).
out_of_band.MIN_POLL_INTERVAL = 0.05


@pytest.fixture(scope="session")
def bed(tmp_path_factory):
    with testbed.running(str(tmp_path_factory.mktemp("testbed")), connect_delay=CONNECT_DELAY,
                         disconnect_delay=DISCONNECT_DELAY, quota_scale=QUOTA_SCALE) as document:
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

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One test bed for the session (its default 1 s transitions), reset before every test."""

import pytest

import testbed
from harness import Harness
from testbed.kms import kms_client


@pytest.fixture(scope="session")
def bed(tmp_path_factory):
    with testbed.running(str(tmp_path_factory.mktemp("testbed"))) as document:
        yield document


@pytest.fixture(scope="session")
def emulator(bed):
    return testbed.EmulatorAdmin(bed["emulator_admin_url"])


@pytest.fixture(scope="session")
def proxy(bed):
    return testbed.ProxyAdmin(bed["proxy_admin_url"])


@pytest.fixture(scope="session")
def kms(bed):
    """Out-of-band KMS: plain boto3, no retries (never while a fault is armed: it would use it up)."""
    return kms_client(bed)


@pytest.fixture(scope="session")
def ansible(bed, tmp_path_factory):
    return Harness(bed, str(tmp_path_factory.mktemp("playbooks")))


@pytest.fixture(autouse=True)
def clean(emulator, proxy):
    emulator.reset()
    proxy.reset()
    yield
    emulator.clear_faults()
    proxy.clear_faults()

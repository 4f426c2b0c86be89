# -*- coding: utf-8 -*-
"""One test bed for the whole session (on ports and addresses its start picks); every test starts from a
clean state: the fixtures of testbed/pytest_plugin.py, with this suite's start options."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from testbed import kms as out_of_band  # noqa: E402  pylint: disable=wrong-import-position
from testbed_helpers import BED_OPTIONS  # noqa: E402  pylint: disable=wrong-import-position

pytest_plugins = ["testbed.pytest_plugin"]

# The suite's start options are BED_OPTIONS (testbed_helpers.py), shared with the tests that start more
# beds. They turn KMS's request quotas off, so the out-of-band observer may poll fast
# (test_emulator_quotas.py, which turns them on, does not poll).
out_of_band.MIN_POLL_INTERVAL = 0.05


@pytest.fixture(scope="session")
def bed_options():
    return BED_OPTIONS

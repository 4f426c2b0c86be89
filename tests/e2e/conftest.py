# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One test bed for the session (its default 1 s transitions, the suites' proxy timeout), reset before every test: the fixtures
of testbed/pytest_plugin.py (bed, emulator, proxy, kms, clean), plus ansible-playbook runs."""

import pytest

from harness import Harness
from testbed import config

pytest_plugins = ["testbed.pytest_plugin"]


@pytest.fixture(scope="session")
def bed_options():
    """The test bed's defaults, but the suites' headroom for one proxy call (config.SUITE_HEALTH_TIMEOUT_MS)."""
    return {"health_timeout_ms": config.SUITE_HEALTH_TIMEOUT_MS}


@pytest.fixture(scope="session")
def ansible(bed, tmp_path_factory):
    return Harness(bed, str(tmp_path_factory.mktemp("playbooks")))

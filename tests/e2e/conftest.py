# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One test bed for the session (its default 1 s transitions), reset before every test: the fixtures
of testbed/pytest_plugin.py (bed, emulator, proxy, kms, clean), plus ansible-playbook runs."""

import pytest

from harness import Harness

pytest_plugins = ["testbed.pytest_plugin"]


@pytest.fixture(scope="session")
def ansible(bed, tmp_path_factory):
    return Harness(bed, str(tmp_path_factory.mktemp("playbooks")))

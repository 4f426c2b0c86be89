# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the module tests: the preflight's proxy behind every test, and fresh module runs.
(The fake clock and ``preflight_proxy`` itself are tests/unit/conftest.py's.)"""

import pytest


# The same name asks pytest for tests/unit/conftest.py's fixture, which this one overrides to make it autouse here.
@pytest.fixture(autouse=True)
def preflight_proxy(preflight_proxy):  # pylint: disable=redefined-outer-name
    """Every module test has the fake proxy behind the stores' endpoints (tests/unit/conftest.py's ``preflight_proxy``)."""
    return preflight_proxy


@pytest.fixture
def new_run(run_module, monkeypatch, capsys, clock):
    """Another, independent module run (its own client and Stubber), e.g. a real run after a check-mode run."""
    return lambda: type(run_module)(monkeypatch, capsys, clock)

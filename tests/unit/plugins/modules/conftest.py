# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the module tests: the preflight's proxy behind every test, and fresh module runs.
(The fake clock and ``preflight_proxy`` itself are tests/unit/conftest.py's.)"""

import contextlib
import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.kms.xks.plugins.modules import xks_proxy_health
from ansible_collections.kms.xks.tests.unit import stores as s


# The same name asks pytest for tests/unit/conftest.py's fixture, which this one overrides to make it autouse here.
@pytest.fixture(autouse=True)
def preflight_proxy(preflight_proxy):  # pylint: disable=redefined-outer-name
    """Every module test has the fake proxy behind the stores' endpoints (tests/unit/conftest.py's ``preflight_proxy``)."""
    return preflight_proxy


@pytest.fixture
def new_run(run_module, monkeypatch, capsys, clock):
    """Another, independent module run (its own client and Stubber), e.g. a real run after a check-mode run."""
    return lambda: type(run_module)(monkeypatch, capsys, clock)


@pytest.fixture
def run_proxy_health(capsys, monkeypatch, proxy):
    """run(defaults, overrides, secrets): xks_proxy_health's main() with ``defaults`` updated by ``overrides`` (an override of
    None drops the option; ``check_mode=True`` runs in check mode), against the fake proxy. Returns its JSON result, once
    no 8-character piece of any of ``secrets`` is found in the output."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    def run(defaults, overrides, secrets):
        overrides = dict(overrides)
        check_mode = overrides.pop("check_mode", False)
        args = {key: value for key, value in dict(defaults, **overrides).items() if value is not None}
        if check_mode:
            args["_ansible_check_mode"] = True
        s.forget_earlier_warnings()
        with patch_module_args(args), contextlib.suppress(SystemExit):
            xks_proxy_health.main()
        out = capsys.readouterr().out
        for secret in secrets:
            assert not s.leaked_pieces(out, secret)
        return json.loads(out)

    return run

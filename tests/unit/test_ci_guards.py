# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The CI guards against false greens: a skipped unit test, a skipped sanity test, a guide without playbooks."""

import os
import shutil
import subprocess
import sys

import pytest

UNIT = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(UNIT))

SKIPPING_TESTS = """
import pytest

{module_level}

def test_runs():
    pass

def test_skips_inside():
    pytest.skip("no reason")

@pytest.mark.allow_skip
def test_may_skip():
    pytest.skip("allowed")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
"""


def _pytest(tmp_path, module_level):
    shutil.copy(os.path.join(UNIT, "conftest.py"), str(tmp_path / "conftest.py"))
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS.format(module_level=module_level))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        cwd=str(tmp_path), capture_output=True, text=True, check=False,
    )


def test_a_module_level_importorskip_fails_the_run(tmp_path):
    run = _pytest(tmp_path, 'pytest.importorskip("kms_xks_no_such_module")')
    assert run.returncode != 0, run.stdout
    assert "test_skipping.py was skipped" in run.stdout and "kms_xks_no_such_module" in run.stdout, run.stdout


def test_a_skipped_test_fails_unless_allowed(tmp_path):
    run = _pytest(tmp_path, "")
    assert run.returncode != 0, run.stdout
    assert "FAILED test_skipping.py::test_skips_inside" in run.stdout, run.stdout
    assert "PASSED test_skipping.py::test_runs" in run.stdout
    assert "SKIPPED" in run.stdout and "allowed" in run.stdout  # test_may_skip
    assert "XFAIL test_skipping.py::test_expected_failure" in run.stdout
    assert "1 failed" in run.stdout


@pytest.mark.parametrize(
    "line",
    [
        'WARNING: Skipping sanity test "import" on Python 3.11 due to missing virtual environment support.',
        'WARNING: Skipping sanity test "yamllint" on Python 3.11 due to missing libyaml support in PyYAML.',
        "WARNING: Skipping tests disabled by default without --allow-disabled: empty-init",
        "WARNING: All targets skipped.",
        'ERROR: Required program "pwsh" not found.',
    ],
)
def test_the_sanity_log_check_fails_on_any_skip(tmp_path, line):
    log = tmp_path / "sanity.log"
    log.write_text('Running sanity test "pep8"\n%s\nRunning sanity test "pylint"\n' % line)
    run = subprocess.run([os.path.join(ROOT, "hack", "sanity_log_check.sh"), str(log)], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "sanity: FAILED" in run.stderr, run.stderr


def test_the_sanity_log_check_passes_a_clean_log(tmp_path):
    log = tmp_path / "sanity.log"
    log.write_text('Running sanity test "pep8"\nRunning sanity test "pylint"\n')
    run = subprocess.run([os.path.join(ROOT, "hack", "sanity_log_check.sh"), str(log)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


# -- the docs' playbooks --------------------------------------------------------------------------
@pytest.fixture
def guide_playbooks(monkeypatch):
    monkeypatch.syspath_prepend(os.path.join(ROOT, "hack"))
    import guide_playbooks

    return guide_playbooks


def test_every_guide_shows_a_playbook(guide_playbooks):
    names = [name for name, _source, _body in guide_playbooks.extract()]
    guides = [stem for stem, _source, guide in guide_playbooks.sources() if guide and stem not in guide_playbooks.GUIDES_WITHOUT_PLAYBOOKS]
    assert guides
    for guide in guides:
        assert any(name.startswith(guide + "_") for name in names), (guide, names)


def test_a_guide_without_a_playbook_fails_the_extraction(guide_playbooks, monkeypatch, tmp_path):
    guide = tmp_path / "guide_example.rst"
    guide.write_text("Title\n=====\n\n.. code-block:: yaml\n\n    - name: A task, not a play\n      ansible.builtin.debug:\n")
    monkeypatch.setattr(guide_playbooks, "sources", lambda: [("guide_example", str(guide), True)])
    monkeypatch.setattr(guide_playbooks, "ROOT", "/")
    with pytest.raises(guide_playbooks.NoPlaybooks, match="guide_example.rst"):
        guide_playbooks.extract()


def test_no_playbook_anywhere_fails_the_extraction(guide_playbooks, monkeypatch):
    monkeypatch.setattr(guide_playbooks, "sources", lambda: [])
    with pytest.raises(guide_playbooks.NoPlaybooks, match="at all"):
        guide_playbooks.extract()


def test_playbooks_are_found_in_rst_and_markdown(guide_playbooks):
    play = "- name: A play\n  hosts: localhost\n  tasks: []\n"
    rst = ".. code-block:: yaml+jinja\n\n" + "".join("    " + line + "\n" for line in play.splitlines()) + "\nText.\n"
    assert guide_playbooks.playbooks(rst) == [play]
    assert guide_playbooks.playbooks("Text\n\n```yaml\n" + play + "```\n", markdown=True) == [play]
    assert guide_playbooks.playbooks("```yaml\n- name: A task\n  ansible.builtin.debug:\n```\n", markdown=True) == []

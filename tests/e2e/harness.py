# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run real kms.xks tasks through ansible-playbook against the test bed, and read KMS out of band.

A run writes a playbook whose steps each register their result (failures are kept, not fatal) and
runs it with the environment of tests/integration/run.py (``playbook_env``: the collection from
build/, the test CA, no AWS profile) and the test bed's testbed.json as extra vars. Its last task
dumps the registered results to a JSON file (as custom stats that callback_plugins/e2e_results.py
writes). KMS is read back with plain boto3.
"""

import json
import os
import subprocess
import sys
import time

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from integration.run import ansible_playbook, check_prerequisites, playbook_env  # noqa: E402  pylint: disable=wrong-import-position
from testbed.kms import connected_store  # noqa: E402  pylint: disable=wrong-import-position
from testbed.kms import create_store as plain_store  # noqa: E402  pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
# The registered results, by step name, as callback_plugins/e2e_results.py writes them.
RESULTS_FILE = "results.json"
# How long one playbook may take before the test fails (a wait gone wrong must not hang the suite).
PLAYBOOK_TIMEOUT = 120


def aws_defaults():
    """module_defaults for the AWS modules of kms.xks: the test bed's emulator and dummy credentials."""
    return {
        "group/kms.xks.aws": {
            "endpoint_url": "{{ kms_endpoint_url }}",
            "region": "{{ aws_region }}",
            "access_key": "{{ aws_access_key }}",
            "secret_key": "{{ aws_secret_key }}",
        }
    }


def step(name, module, args=None, check_mode=False, **keywords):
    """One task of a playbook: ``module`` with ``args``; its result is registered as r_<name> and kept under ``name``."""
    task = {"name": name, module: args or {}, "register": "r_" + name, "ignore_errors": True}
    if check_mode:
        task["check_mode"] = True
    task.update(keywords)
    return task


def dump_task(steps):
    """The last task of every playbook: the registered results of ``steps`` as custom stats ({name: result}),
    which callback_plugins/e2e_results.py writes to the results file."""
    registered = [task["register"] for task in steps if "register" in task]
    content = "{{ {%s} }}" % ", ".join("%r: %s | default(None)" % (name[2:], name) for name in registered)
    return {
        "name": "Dump the registered results",
        "ansible.builtin.set_stats": {"data": {"e2e_registered": content}, "per_host": False, "aggregate": False},
        # Read from the file; printing them once more would only add noise.
        "no_log": True,
    }


class Run(object):
    """A finished ansible-playbook: each task's result by name, its output and how long it took."""

    def __init__(self, directory, results, stdout, stderr, elapsed):
        self.directory = directory
        self.results = results
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed

    def __getitem__(self, name):
        return self.results[name]


class Harness(object):
    """Writes and runs playbooks in ``workdir`` for the test bed described by ``bed`` (testbed.json)."""

    def __init__(self, bed, workdir):
        check_prerequisites()
        self.bed = bed
        self.workdir = workdir
        # tests/integration/run.py's environment (collection from build/, test CA, no AWS profile), plus the results callback.
        self.env = dict(
            playbook_env(bed["xks_ca_file"]),
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="e2e_results",
            ANSIBLE_NOCOLOR="true",
            ANSIBLE_SHOW_CUSTOM_STATS="false",
        )
        self.testbed_json = os.path.join(bed["testbed_state_dir"], "testbed.json")
        self.count = 0

    def write(self, steps, extra_vars=None):
        """Write a playbook running ``steps``, then dumping their registered results; returns its directory."""
        self.count += 1
        directory = os.path.join(self.workdir, "run-%03d" % self.count)
        os.makedirs(directory)
        tasks = list(steps) + [dump_task(steps)]
        play = {
            "name": "kms.xks end to end",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": aws_defaults(),
            "vars": extra_vars or {},
            "tasks": tasks,
        }
        # JSON is YAML, without quoting surprises.
        with open(os.path.join(directory, "playbook.yml"), "w", encoding="utf-8") as handle:
            json.dump([play], handle, indent=2)
        return directory

    def start(self, steps, options=(), extra_vars=None):
        """Start ansible-playbook in the background; returns a Pending whose wait() gives the Run."""
        directory = self.write(steps, extra_vars)
        command = [ansible_playbook(), "-i", "localhost,", "playbook.yml", "-e", "@" + self.testbed_json] + list(options)
        env = dict(self.env, E2E_RESULTS_FILE=os.path.join(directory, RESULTS_FILE))
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, cwd=directory, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True
        )
        return Pending(process, directory, time.monotonic())

    def run(self, steps, options=(), extra_vars=None):
        """Run ``steps`` in one playbook and return the Run."""
        return self.start(steps, options, extra_vars).wait()

    def task(self, module, args=None, check_mode=False, options=(), **keywords):
        """Run one task; returns (its registered result, the playbook's stdout)."""
        run = self.run([step("task", module, args, check_mode, **keywords)], options)
        return run["task"], run.stdout


def _read_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Pending(object):
    def __init__(self, process, directory, started):
        self.process = process
        self.directory = directory
        self.started = started

    def wait(self, timeout=PLAYBOOK_TIMEOUT):
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            stdout, stderr = self.process.communicate()
            raise AssertionError("ansible-playbook did not finish within %s s:\n%s\n%s" % (timeout, stdout, stderr))
        elapsed = time.monotonic() - self.started
        results = _read_json(os.path.join(self.directory, RESULTS_FILE))
        if self.process.returncode != 0 or not results:
            raise AssertionError("ansible-playbook failed (exit %s):\n%s\n%s" % (self.process.returncode, stdout, stderr))
        return Run(self.directory, results["e2e_registered"], stdout, stderr, elapsed)


# -- out of band -----------------------------------------------------------------------------------
def create_store(kms, bed, name, instance="primary", connected=True):
    """A PUBLIC_ENDPOINT store on a proxy instance, with its live credential; connected unless asked not to."""
    return connected_store(kms, bed, name, instance) if connected else plain_store(kms, bed, name, instance)

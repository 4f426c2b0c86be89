#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Run the integration targets (or one playbook) against the local test bed.

    run.py [TARGET ...] [--playbook PATH] [--state-dir DIR] [-- ANSIBLE-PLAYBOOK ARGS]

Starts the test bed (KMS emulator + XKS proxy) with `python -m testbed start`, runs each
target under tests/integration/targets/<name>/ (a role: tasks/main.yml, optional defaults/,
files/ ...) through target.yml on localhost with the test bed's testbed.json as extra vars,
reports pass/fail per target, and always stops the test bed. The collection is taken from build/ (make collection).
With --playbook, runs that playbook instead of the targets (make demo).
A target whose `aliases` file says `disabled` runs only when named.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ROOT / "tests" / "integration" / "targets"
BUILD = ROOT / "build"

WRAPPER = ROOT / "tests" / "integration" / "target.yml"  # runs one target as a role


def fail(message):
    print("integration: " + message, file=sys.stderr)
    sys.exit(2)


def parse_args():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description="Run integration targets against the test bed.")
    parser.add_argument("targets", nargs="*", help="target names (default: all not disabled)")
    parser.add_argument("--playbook", type=Path, help="run this playbook instead of the targets")
    parser.add_argument("--state-dir", type=Path, help="test bed state directory (default: a new temporary one)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per target (default: 900)")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    args.extra = extra
    return args


def select_targets(names):
    available = sorted(p.name for p in TARGETS.glob("*") if (p / "tasks" / "main.yml").is_file())
    if not names:
        return [name for name in available if "disabled" not in aliases(name)]
    unknown = [name for name in names if name not in available]
    if unknown:
        fail("unknown target(s): %s (available: %s)" % (", ".join(unknown), ", ".join(available) or "none"))
    return names


def aliases(name):
    path = TARGETS / name / "aliases"
    return path.read_text(encoding="utf-8").split() if path.is_file() else []


def check_prerequisites():
    if not (ROOT / "tests" / "testbed" / "__main__.py").is_file():
        fail("the test bed is missing: tests/testbed/__main__.py (`python -m testbed`) does not exist")
    for collection in ("kms/xks", "amazon/aws"):
        if not (BUILD / "ansible_collections" / collection).is_dir():
            fail("build/ansible_collections/%s is missing: run `make collection` first" % collection)


def testbed(command, state_dir):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    cmd = [sys.executable, "-m", "testbed", command, "--state-dir", str(state_dir)]
    return subprocess.run(cmd, env=env, cwd=str(ROOT), check=False).returncode


def reset_testbed(state):
    """Back to the start configuration (no stores, no faults, the start credentials), so that targets are independent."""
    for url in (state["emulator_admin_url"] + "/reset", state["proxy_admin_url"] + "/reset"):
        with urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=10) as answer:
            answer.read()


def playbook_env(ca_file):
    env = dict(os.environ)
    # Trust the test CA the standard way only; this machine's CA-bundle variables would override it
    # for some clients (requests, botocore), so runs would differ between machines.
    # No AWS profile of the user's either: the only AWS is the test bed.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)
    env.update(
        SSL_CERT_FILE=ca_file,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        # For --playbook too (targets also set ansible_python_interpreter): the Python with boto3.
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_COLLECTIONS_PATH=str(BUILD),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_ROLES_PATH=str(TARGETS),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        # No instance metadata lookups: the only endpoints are the test bed's.
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def run_playbook(playbook, options, env, timeout):
    ansible_playbook = Path(sys.executable).parent / "ansible-playbook"
    cmd = [str(ansible_playbook) if ansible_playbook.exists() else "ansible-playbook", "-i", "localhost,", str(playbook)] + options
    try:
        return subprocess.run(cmd, env=env, cwd=str(playbook.parent), timeout=timeout, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        print("integration: %s timed out after %d s" % (playbook, timeout), file=sys.stderr)
        return False


def main():
    args = parse_args()
    if args.list:
        print("\n".join(select_targets([])))
        return 0
    if args.playbook:
        if not args.playbook.is_file():
            fail("playbook not found: %s" % args.playbook)
        runs = [(args.playbook.stem, args.playbook.resolve(), [])]
    else:
        names = select_targets(args.targets)
        if not names:
            fail("no integration targets found under %s" % TARGETS.relative_to(ROOT))
        runs = [(name, WRAPPER, ["-e", "integration_target=" + name]) for name in names]
    check_prerequisites()

    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="kms-xks-testbed-"))
    results = []
    try:
        if testbed("start", state_dir) != 0:
            fail("the test bed did not start (state: %s)" % state_dir)
        testbed_json = state_dir / "testbed.json"
        state = json.loads(testbed_json.read_text(encoding="utf-8"))
        ca_file = state.get("xks_ca_file")
        if not ca_file:
            fail("%s has no xks_ca_file" % testbed_json)
        env = playbook_env(ca_file)
        for name, playbook, options in runs:
            print("\n=== %s ===" % name, flush=True)
            reset_testbed(state)
            started = time.monotonic()
            ok = run_playbook(playbook, options + ["-e", "@%s" % testbed_json] + args.extra, env, args.timeout)
            results.append((name, ok, time.monotonic() - started))
    finally:
        stopped = testbed("stop", state_dir) == 0
        if not stopped:
            print("integration: WARNING: `testbed stop` failed", file=sys.stderr)
        if stopped and not args.state_dir and results and all(ok for _name, ok, _seconds in results):
            shutil.rmtree(state_dir, ignore_errors=True)
        else:
            print("integration: test bed state and logs kept in %s" % state_dir, file=sys.stderr)

    print("\nIntegration results:")
    for name, ok, seconds in results:
        print("  %-4s %s (%.1f s)" % ("PASS" if ok else "FAIL", name, seconds))
    failed = sum(1 for _name, ok, _seconds in results if not ok)
    print("integration: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

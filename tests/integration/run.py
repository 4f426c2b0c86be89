#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Run the integration targets (or one playbook) against the local test bed.

    run.py [TARGET ...] [--playbook PATH] [--guides] [--state-dir DIR] [-- ANSIBLE-PLAYBOOK ARGS]

Starts the test bed (KMS emulator + XKS proxy) with `python -m testbed start`, runs each
target under tests/integration/targets/<name>/ (a role: tasks/main.yml, optional defaults/,
files/ ...) through target.yml on localhost with the test bed's testbed.json as extra vars,
reports pass/fail per target, and always stops the test bed. The collection is taken from build/ (make collection).
With --playbook, runs that playbook instead of the targets (make demo).
With --guides, runs every playbook the docs show (hack/guide_playbooks.py), verbatim, guide by guide:
tests/integration/guides/<guide>/ gives setup.yml (a playbook that brings the test bed into the state
the guide starts from), vars.yml (extra vars: the guide's variables, from the test bed's values),
guide.yml (per playbook number: `args`, e.g. [--check, --diff], and `expect`, lines its output must
hold; `env`: environment variables the guide reads, each a dotted path into testbed.json) and
verify.yml (a playbook that checks the outcome out of band). A guide playbook without its guide
directory fails. AWS credentials, Region and endpoint reach the guides the way AWX gives them, through
the standard environment variables.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from testbed import config as testbed_config  # noqa: E402  pylint: disable=wrong-import-position
from testbed import reset as reset_testbed  # noqa: E402  pylint: disable=wrong-import-position
TARGETS = ROOT / "tests" / "integration" / "targets"
GUIDES = ROOT / "tests" / "integration" / "guides"
# sitecustomize.py there answers the test bed's host names for the controller (see tests/testbed/README.md).
RESOLVER = ROOT / "tests" / "integration" / "resolver"
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
    parser.add_argument("targets", nargs="*", help="target names (default: all not disabled); with --guides, guide names (default: all)")
    parser.add_argument("--playbook", type=Path, help="run this playbook instead of the targets")
    parser.add_argument("--guides", action="store_true", help="run the playbooks shown in the docs instead of the targets")
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


def testbed(command, state_dir, *options, quiet=False):
    """Run `python -m testbed COMMAND [OPTIONS]`; with quiet, show its output only when it fails."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    cmd = [sys.executable, "-m", "testbed", command, "--state-dir", str(state_dir)] + list(options)
    if not quiet:
        return subprocess.run(cmd, env=env, cwd=str(ROOT), check=False).returncode
    run = subprocess.run(cmd, env=env, cwd=str(ROOT), check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0:
        print(run.stdout, end="", file=sys.stderr)
    return run.returncode


def playbook_env(ca_file, testbed_json=None):
    """The environment of a playbook run; with testbed_json, the controller resolves the test bed's host names."""
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
    if testbed_json:
        # The test bed's host names resolve on the controller as the emulator resolves them (KMS's view).
        env.update(PYTHONPATH=os.pathsep.join([str(RESOLVER)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])),
                   KMS_XKS_TESTBED_JSON=str(testbed_json))
    return env


def ansible_playbook():
    """The ansible-playbook of this Python's environment (the .venv), else the one on PATH."""
    local = Path(sys.executable).parent / "ansible-playbook"
    return str(local) if local.exists() else "ansible-playbook"


def run_playbook(playbook, options, env, timeout, expect=(), inventory="localhost,"):
    """Run one playbook; True when it succeeds and its output holds every line of ``expect``."""
    cmd = [ansible_playbook(), "-i", str(inventory), str(playbook)] + options
    if not expect:
        try:
            return subprocess.run(cmd, env=env, cwd=str(playbook.parent), timeout=timeout, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            print("integration: %s timed out after %d s" % (playbook, timeout), file=sys.stderr)
            return False
    # Show the output as it comes, and keep it to look for the expected lines.
    output = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    with output, subprocess.Popen(cmd, env=env, cwd=str(playbook.parent), stdout=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + timeout
        for line in process.stdout:
            print(line, end="", flush=True)
            output.write(line)
            if time.monotonic() > deadline:
                process.kill()
                print("integration: %s timed out after %d s" % (playbook, timeout), file=sys.stderr)
                return False
        returncode = process.wait()
        output.seek(0)
        text = output.read()
    missing = [line for line in expect if line not in text]
    for line in missing:
        print("integration: %s: the output lacks %r" % (playbook.name, line), file=sys.stderr)
    return returncode == 0 and not missing


def guide_env(env, state):
    """The AWS settings as AWX's Amazon Web Services credential gives them: environment variables, so
    that the guides' playbooks need no endpoint or credential options."""
    return dict(
        env,
        AWS_ENDPOINT_URL=state["kms_endpoint_url"],
        AWS_ACCESS_KEY_ID=state["aws_access_key"],
        AWS_SECRET_ACCESS_KEY=state["aws_secret_key"],
        AWS_REGION=state["aws_region"],
    )


def load_guide_playbooks():
    """{guide stem: [(name, source, body)]} of the docs' playbooks, in order (hack/guide_playbooks.py)."""
    sys.path.insert(0, str(ROOT / "hack"))
    import guide_playbooks  # pylint: disable=import-outside-toplevel

    try:
        found = guide_playbooks.extract()
    except guide_playbooks.NoPlaybooks as e:
        fail(str(e))
    guides = {}
    for name, source, body in found:
        guides.setdefault(name.rsplit("_", 1)[0], []).append((name, source, body))
    missing = sorted(stem for stem in guides if not (GUIDES / stem).is_dir())
    if missing:
        fail("no scenario for the playbooks of %s: add tests/integration/guides/<guide>/ (see run.py --help)" % ", ".join(missing))
    return guides


def testbed_value(state, dotted):
    """state["a"]["b"][0] for "a.b.0"."""
    value = state
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def guide_settings(stem):
    import yaml  # pylint: disable=import-outside-toplevel

    path = GUIDES / stem / "guide.yml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


def guide_runs(stem, playbooks, workdir):
    """The playbooks to run for one guide, as (label, path, options, expect): setup, the guide's own, verify."""
    scenario = GUIDES / stem
    settings = guide_settings(stem)
    facts = workdir / ("%s-facts.yml" % stem)
    facts.write_text("{}\n", encoding="utf-8")
    options = ["-e", "guide_facts_file=%s" % facts]
    runs = []
    if (scenario / "setup.yml").is_file():
        runs.append(("%s setup" % stem, scenario / "setup.yml", options, ()))
    options = options + ["-e", "@%s" % facts]
    if (scenario / "vars.yml").is_file():
        options = options + ["-e", "@%s" % (scenario / "vars.yml")]
    for name, source, body in playbooks:
        path = workdir / (name + ".yml")
        path.write_text("---\n# From %s\n%s" % (source, body), encoding="utf-8")
        number = name.rsplit("_", 1)[1]
        playbook_settings = (settings.get("playbooks") or {}).get(int(number)) or {}
        runs.append((name, path, options + list(playbook_settings.get("args", [])), tuple(playbook_settings.get("expect", []))))
    if (scenario / "verify.yml").is_file():
        runs.append(("%s verify" % stem, scenario / "verify.yml", options, ()))
    return runs


def main():
    args = parse_args()
    if args.list:
        print("\n".join(select_targets([])))
        return 0
    guides = {}
    if args.guides:
        guides = load_guide_playbooks()
        unknown = [name for name in args.targets if name not in guides]
        if unknown:
            fail("unknown guide(s): %s (available: %s)" % (", ".join(unknown), ", ".join(sorted(guides))))
        guides = {stem: playbooks for stem, playbooks in guides.items() if not args.targets or stem in args.targets}
        runs = []
    elif args.playbook:
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
        # The targets and guides get the suites' proxy-timeout headroom; a playbook (the demo) sees KMS's 250 ms.
        options = [] if args.playbook else ["--health-timeout-ms", str(testbed_config.SUITE_HEALTH_TIMEOUT_MS)]
        if testbed("start", state_dir, *options) != 0:
            fail("the test bed did not start (state: %s)" % state_dir)
        testbed_json = state_dir / "testbed.json"
        state = json.loads(testbed_json.read_text(encoding="utf-8"))
        ca_file = state.get("xks_ca_file")
        if not ca_file:
            fail("%s has no xks_ca_file" % testbed_json)
        env = playbook_env(ca_file, testbed_json)
        for name, playbook, options in runs:
            print("\n=== %s ===" % name, flush=True)
            reset_testbed(state)
            started = time.monotonic()
            ok = run_playbook(playbook, options + ["-e", "@%s" % testbed_json] + args.extra, env, args.timeout)
            results.append((name, ok, time.monotonic() - started))
        # The guides' plays say only `hosts: localhost`, as a user's playbook run without an inventory does.
        local_inventory = state_dir / "guides-inventory.ini"
        local_inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable, encoding="utf-8")
        for stem, playbooks in sorted(guides.items()):
            reset_testbed(state)
            extra_env = {name: str(testbed_value(state, dotted)) for name, dotted in (guide_settings(stem).get("env") or {}).items()}
            for name, playbook, options, expect in guide_runs(stem, playbooks, state_dir):
                print("\n=== %s ===" % name, flush=True)
                started = time.monotonic()
                options = ["-e", "@%s" % testbed_json] + options + args.extra
                ok = run_playbook(playbook, options, dict(guide_env(env, state), **extra_env), args.timeout, expect, local_inventory)
                results.append((name, ok, time.monotonic() - started))
                if not ok:
                    break  # the next steps of this guide start from a state it did not reach
    finally:
        # make demo ends with the demo's own summary, not with test bed or runner lines.
        stopped = testbed("stop", state_dir, quiet=bool(args.playbook)) == 0
        if not stopped:
            print("integration: WARNING: `testbed stop` failed", file=sys.stderr)
        if stopped and not args.state_dir and results and all(ok for _name, ok, _seconds in results):
            shutil.rmtree(state_dir, ignore_errors=True)
        else:
            print("integration: test bed state and logs kept in %s" % state_dir, file=sys.stderr)

    if args.playbook:
        passed = bool(results) and results[0][1]
        if not passed:
            print("integration: %s failed" % args.playbook, file=sys.stderr)
        return 0 if passed else 1
    print("\nIntegration results:")
    for name, ok, seconds in results:
        print("  %-4s %s (%.1f s)" % ("PASS" if ok else "FAIL", name, seconds))
    failed = sum(1 for _name, ok, _seconds in results if not ok)
    print("integration: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

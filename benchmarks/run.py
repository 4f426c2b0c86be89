#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Benchmark kms.xks against the test bed: API calls against the floor, disconnect windows, how
late the module notices a transition, and wall time relative to amazon.aws.kms_key_info.

    benchmarks/run.py [--repeat N] [--connect-delay S] [--disconnect-delay S] [--output PATH]

`make benchmark` runs it. It starts the test bed, runs benchmarks/benchmark.yml N times (the test bed
reset before each run), reads the emulator's call log after each run, writes the results to
docs/performance.md and prints the table. Raw data and the ansible-playbook logs go to
benchmarks/results/ (git-ignored). The collection is taken from build/ (make collection).
"""

import argparse
import collections
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench_paths first: it puts tests/ and benchmarks/ on sys.path for the imports after it.
from bench_paths import DEFAULT_OUTPUT, HERE, RESULTS, ROOT
import testbed
from testbed import config as testbed_config
from testbed import probe
from integration import run as integration
from bench_common import MEASURE, availability, operation_names, operations_spread, playbook_env, spread
import fleet
import waiter_sim

PLAYBOOK = HERE / "benchmark.yml"
BASELINE = "baseline"
CONNECTED, DISCONNECTED, FAILED = "CONNECTED", "DISCONNECTED", "FAILED"
TRANSIENT = ("CONNECTING", "DISCONNECTING")

Scenario = collections.namedtuple("Scenario", "key floor window_floor why")
# The probe's calls (benchmark.yml starts it after "create and connect" and stops it before "delete"):
# not the module's, so not counted against its floor.
PROBE_OPERATIONS = ("Encrypt", "Decrypt")
# Why a scenario has no probe: its store has no KMS key to probe.
NOT_PROBED = {
    "create and connect": "the store is new: no KMS key in it yet",
    "delete": "a store with KMS keys cannot be deleted (the probe's key is retired first)",
    "audit of 10 stores": "read only; its stores have no KMS keys",
}

# The floor: the fewest calls a correct implementation makes (operations without the "CustomKeyStore(s)" part).
# window_floor: which emulator delays a disconnect window cannot be shorter than (None: no window expected).
SCENARIOS = (
    Scenario("no-op", {"Describe": 1}, None,
             "One DescribeCustomKeyStores (by name) to compare the store with the task; nothing to change."),
    Scenario("online edit", {"Describe": 2, "Update": 1}, None,
             "The lookup, then one UpdateCustomKeyStore with the new credential (KMS applies it while CONNECTED), then one "
             "read: UpdateCustomKeyStore answers nothing, and a concurrent run may have changed the store too, so the result "
             "is read, not predicted."),
    Scenario("offline edit", {"Describe": 4, "ListKeys": 1, "DescribeKey": 2, "Disconnect": 1, "Update": 1, "Connect": 1}, ("disconnect", "connect"),
             "The lookup; one DescribeCustomKeyStores of all stores (a value KMS would refuse as in use costs no outage); "
             "the preflight's search for the store's KMS keys, whose external keys the new proxy must serve: ListKeys and "
             "one DescribeKey per key of the account (2 here, the baseline's and the probe's: no KMS API lists the keys "
             "of a store), then one GetKeyMetadata per external key on the new proxy (not a KMS call); "
             "DisconnectCustomKeyStore; the endpoint can only be updated when DISCONNECTED, which only a Describe "
             "shows (one poll that sees it); UpdateCustomKeyStore; ConnectCustomKeyStore; the task reports CONNECTED "
             "(wait=true), so one poll that sees it."),
    Scenario("several edits at once", {"Describe": 4, "ListKeys": 1, "DescribeKey": 2, "Disconnect": 1, "Update": 1, "Connect": 1},
             ("disconnect", "connect"),
             "As the offline edit: endpoint, name and credential go in one UpdateCustomKeyStore, in one disconnect window."),
    Scenario("create and connect", {"Describe": 2, "Create": 1, "Connect": 1}, None,
             "The lookup by name (KMS answers CustomKeyStoreNotFoundException, HTTP 400: still a call); CreateCustomKeyStore; "
             "ConnectCustomKeyStore; one poll that sees CONNECTED."),
    Scenario("delete", {"Describe": 2, "Disconnect": 1, "Delete": 1}, ("disconnect",),
             "The lookup; DisconnectCustomKeyStore; one poll that sees DISCONNECTED (DeleteCustomKeyStore needs it); "
             "DeleteCustomKeyStore. The window ends with the deletion."),
    Scenario("audit of 10 stores", {"Describe": 1}, None,
             "kms.xks.xks_keystore_info without a filter: one DescribeCustomKeyStores; 10 stores (the quota) fit one page."),
)


def fail(message):
    print("benchmark: " + message, file=sys.stderr)
    sys.exit(2)


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark kms.xks against the test bed; writes docs/performance.md.")
    parser.add_argument("--repeat", type=int, default=5, help="runs of every scenario; the table shows medians (default: 5)")
    parser.add_argument("--connect-delay", type=float, default=testbed_config.CONNECT_DELAY,
                        help="seconds a store stays CONNECTING (default: the test bed's, %(default)s)")
    parser.add_argument("--disconnect-delay", type=float, default=testbed_config.DISCONNECT_DELAY,
                        help="seconds a store stays DISCONNECTING (default: the test bed's, %(default)s)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the Markdown report (default: docs/performance.md)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per run of the playbook (default: 900)")
    parser.add_argument("--no-fleet", dest="fleet", action="store_false",
                        help="skip the fleet benchmark (accounts x Regions by forks; about two minutes)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def short(operation):
    """DescribeCustomKeyStores -> Describe; other KMS operations keep their name."""
    return re.sub(r"CustomKeyStores?$", "", operation) or operation


# -- running ------------------------------------------------------------------------------------

def run_repetition(number, bed, env, timeout):
    """One run of the playbook on a reset test bed; returns its task timings and the emulator's call log."""
    testbed.reset(bed)
    timings, log_file = RESULTS / ("timings-%d.jsonl" % number), RESULTS / ("ansible-%d.log" % number)
    probe_log = RESULTS / ("probe-%d.jsonl" % number)
    for stale in (timings, probe_log):
        if stale.exists():
            stale.unlink()
    env = dict(env, KMS_XKS_BENCHMARK_TIMINGS=str(timings), KMS_XKS_BENCHMARK_PROBE=str(probe_log))
    testbed_json = Path(bed["testbed_state_dir"]) / "testbed.json"
    command = [integration.ansible_playbook(), "-i", "localhost,", str(PLAYBOOK), "-e", "@%s" % testbed_json]
    with open(log_file, "w", encoding="utf-8") as log:
        try:
            code = subprocess.run(command, env=env, cwd=str(HERE), stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    if code != 0:
        tail = log_file.read_text(encoding="utf-8").splitlines()[-40:]
        fail("run %d of %s failed (%s); the end of %s:\n%s" % (number, PLAYBOOK.name, code, log_file, "\n".join(tail)))
    with open(timings, encoding="utf-8") as handle:
        tasks = [json.loads(line) for line in handle if line.strip()]
    return {"tasks": tasks, "log": testbed.EmulatorAdmin(bed["emulator_admin_url"]).calls(), "probe": probe.read_log(str(probe_log))}


# -- measuring ----------------------------------------------------------------------------------

def state_at(transitions, moment):
    """The ConnectionState a store had at `moment` (None: it did not exist yet)."""
    state = None
    for entry in transitions:
        if entry["time"] <= moment:
            state = entry["state"]
    return state


def disconnect_windows(transitions, start, end, deleted_at):
    """Intervals in [start, end] during which a store that was CONNECTED at `start` was not."""
    if state_at(transitions, start) != CONNECTED:
        return []
    windows, began = [], None
    for entry in transitions:
        if not start <= entry["time"] <= end:
            continue
        if began is None and entry["state"] != CONNECTED:
            began = entry["time"]
        elif began is not None and entry["state"] == CONNECTED:
            windows.append({"seconds": entry["time"] - began, "until": "CONNECTED"})
            began = None
    if began is not None:
        closed = deleted_at if deleted_at is not None else end
        windows.append({"seconds": closed - began, "until": "deleted" if deleted_at is not None else "task end"})
    return windows


def notice_latencies(store_id, transitions, calls, start, end):
    """For each settled state a store reached in [start, end] after CONNECTING/DISCONNECTING: how long until a
    DescribeCustomKeyStores answer showed it (None: no answer did)."""
    latencies = []
    for index, entry in enumerate(transitions):
        if index == 0 or not start <= entry["time"] <= end or transitions[index - 1]["state"] not in TRANSIENT:
            continue
        seen = next((call for call in calls if call["time"] >= transitions[index - 1]["time"]
                     and (call.get("connection_states") or {}).get(store_id) == entry["state"]), None)
        latencies.append({"state": entry["state"], "seconds": max(0.0, seen["time"] - entry["time"]) if seen else None})
    return latencies


def measure(task, baseline, log, probe_records=()):
    """What one measured task did, from its start and end times, the emulator's call log and the probe's."""
    start, end = task["start"], task["end"]
    calls = [call for call in log["calls"] if start <= call["time"] <= end and call["operation"] not in PROBE_OPERATIONS]
    store_ids = list(dict.fromkeys(call["custom_key_store_id"] for call in calls if call.get("custom_key_store_id")))
    windows, latencies = [], []
    for store_id in store_ids:
        transitions = log["transitions"].get(store_id, [])
        deleted_at = next((call["time"] for call in calls if call["operation"] == "DeleteCustomKeyStore"
                           and call.get("custom_key_store_id") == store_id and call["status"] == 200), None)
        windows += disconnect_windows(transitions, start, end, deleted_at)
        latencies += notice_latencies(store_id, transitions, calls, start, end)
    timeline = [dict(call, offset=call["time"] - start) for call in calls]
    for store_id in store_ids:
        timeline += [{"transition": entry["state"], "offset": entry["time"] - start, "custom_key_store_id": store_id}
                     for entry in log["transitions"].get(store_id, []) if start <= entry["time"] <= end]
    timeline.sort(key=lambda item: item["offset"])
    return {
        "operations": dict(collections.Counter(short(call["operation"]) for call in calls)),
        "errors": sum(1 for call in calls if call["status"] != 200),
        "windows": windows,
        "latencies": latencies,
        "seconds": end - start,
        "baseline_seconds": baseline["end"] - baseline["start"],
        "baseline_operations": dict(collections.Counter(short(call["operation"]) for call in log["calls"]
                                                        if baseline["start"] <= call["time"] <= baseline["end"]
                                                        and call["operation"] not in PROBE_OPERATIONS)),
        "timeline": timeline,
        "actions": task.get("actions"),
        "availability": availability(list(probe_records), start, end),
    }


def measure_repetition(repetition):
    """{scenario: measurement} for one run; each measured task is paired with the baseline task before it."""
    measured, baseline = {}, None
    for task in repetition["tasks"]:
        if not task["name"].startswith(MEASURE):
            continue
        if task["status"] != "ok":
            fail("task %r ended %s: %s" % (task["name"], task["status"], task.get("msg")))
        key = task["name"][len(MEASURE):]
        if key == BASELINE:
            baseline = task
            continue
        if baseline is None:
            fail("%s: task %r has no baseline task before it" % (PLAYBOOK.name, task["name"]))
        measured[key] = measure(task, baseline, repetition["log"], repetition.get("probe", ()))
        baseline = None
    missing = [scenario.key for scenario in SCENARIOS if scenario.key not in measured]
    if missing:
        fail("%s has no task named %s" % (PLAYBOOK.name, ", ".join(repr(MEASURE + key) for key in missing)))
    return measured


# -- summarizing --------------------------------------------------------------------------------

def seconds(value):
    return "%.2f s" % value


def summarize(scenario, runs, delays):
    """The table row of one scenario over every repetition."""
    operations = operation_names([run["operations"] for run in runs], scenario.floor)
    totals = [sum(run["operations"].values()) for run in runs]
    floor_total = sum(scenario.floor.values())
    by_operation = operations_spread([run["operations"] for run in runs], scenario.floor)
    extra = collections.Counter()
    for op in operations:
        extra[op] = statistics.median([run["operations"].get(op, 0) for run in runs]) - scenario.floor.get(op, 0)
    above = ", ".join("%+g %s" % (count, op) for op, count in extra.items() if count) or "0"

    window_counts = [len(run["windows"]) for run in runs]
    if scenario.window_floor is None and not any(window_counts):
        windows = "none"
    else:
        durations = [sum(window["seconds"] for window in run["windows"]) for run in runs]
        ends = sorted({window["until"] for run in runs for window in run["windows"]})
        until = " until " + " or ".join(ends) if ends and ends != [CONNECTED] else ""
        floor = window_floor(scenario, delays)
        plural = "" if max(window_counts) == 1 else "s"
        windows = "%s window%s, %s%s (floor %s)" % (spread(window_counts), plural, seconds(statistics.median(durations)), until, seconds(floor))

    latency_by_state = collections.OrderedDict()
    for run in runs:
        for latency in run["latencies"]:
            latency_by_state.setdefault(latency["state"], []).append(latency["seconds"])
    notices = []
    for state, values in latency_by_state.items():
        seen = [value for value in values if value is not None]
        text = "%s %s (max %s)" % (state, seconds(statistics.median(seen)), seconds(max(seen))) if seen else state + " never seen"
        if seen and len(seen) < len(values):
            text += ", not seen in %d of %d" % (len(values) - len(seen), len(values))
        notices.append(text)

    ratios = [run["seconds"] / run["baseline_seconds"] for run in runs]
    if any(run["errors"] for run in runs):
        by_operation += " (%s not 200)" % spread([run["errors"] for run in runs])
    return collections.OrderedDict([
        ("scenario", scenario.key),
        ("API calls / floor", "%s / %d" % (spread(totals), floor_total)),
        ("by operation (calls/floor)", by_operation),
        ("above floor (median)", above),
        ("disconnect windows", windows),
        ("notice latency (median)", "; ".join(notices) or "-"),
        ("wall time (median)", seconds(statistics.median(run["seconds"] for run in runs))),
        ("x kms_key_info (median)", "%.2f" % statistics.median(ratios)),
    ])


def window_floor(scenario, delays):
    """Seconds the test bed itself keeps the store from CONNECTED in this scenario."""
    return sum(delays[name] for name in scenario.window_floor or ())


def availability_row(scenario, runs, delays):
    """The key availability row of one scenario: what the probe saw during the task, over every repetition."""
    seen = [run["availability"] for run in runs if run.get("availability")]
    row = collections.OrderedDict([("scenario", scenario.key)])
    if not seen:
        row.update([("probe calls", "-"), ("failed calls", "-"), ("key unusable (median)", "-"), ("floor", "-"),
                    ("longest gap between round trips", "-"), ("note", NOT_PROBED.get(scenario.key, "no probe"))])
        return row
    floor = window_floor(scenario, delays)
    unusable = statistics.median(found["unusable_seconds"] for found in seen)
    errors = sorted(set().union(*(found["errors"] for found in seen)))
    row.update([
        ("probe calls", spread([found["calls"] for found in seen])),
        ("failed calls", spread([found["failed_calls"] for found in seen]) + (" (%s)" % ", ".join(errors) if errors else "")),
        ("key unusable (median)", seconds(unusable)),
        ("floor", seconds(floor)),
        ("longest gap between round trips", seconds(max(found["max_gap_seconds"] or 0 for found in seen))),
        ("note", "%+.2f s above the floor" % (unusable - floor) if floor else ("as required: 0" if not errors else "FAILED CALLS")),
    ])
    return row


def markdown_table(rows):
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _header in headers) + "|"]
    lines += ["| " + " | ".join(str(row[header]).replace("|", "\\|") for header in headers) + " |" for row in rows]
    return "\n".join(lines)


def text_table(rows):
    """The same table for a terminal: one block per scenario."""
    width = max(len(header) for header in rows[0])
    blocks = []
    for row in rows:
        blocks.append("\n".join("  %-*s  %s" % (width, header, value) for header, value in row.items()))
    return "\n\n".join(blocks)


def schedule_examples(settings):
    """(seconds, label) of transitions to show the waiter's schedule for: the test bed's, a slightly longer one, KMS's."""
    names = collections.defaultdict(list)
    for name in ("connect", "disconnect"):
        names[float(settings[name + "_delay"])].append(name)
    examples = {duration: "%g s (this run's %s delay%s)" % (duration, " and ".join(found), "s" if len(found) > 1 else "") for duration, found in names.items()}
    for duration, label in ((1.5, "1.5 s"), (20.0, "20 s"), (300.0, "300 s (KMS, about five minutes)")):
        examples.setdefault(duration, label)
    return sorted(examples.items())


# -- reporting ----------------------------------------------------------------------------------

def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git(*args):
    result = subprocess.run(["git"] + list(args), cwd=str(ROOT), capture_output=True, text=True, check=False)
    return result.stdout.strip()


def machine_facts():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    manifest = ROOT / "build" / "ansible_collections" / "amazon" / "aws" / "MANIFEST.json"
    amazon_aws = json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]["version"] if manifest.is_file() else "?"
    galaxy = re.search(r"^version:\s*(\S+)", (ROOT / "galaxy.yml").read_text(encoding="utf-8"), re.MULTILINE)
    commit = _git("rev-parse", "--short", "HEAD")
    return collections.OrderedDict([
        ("CPUs (nproc)", "%d (%s)" % (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(), cpu)),
        ("system", "%s %s, %s" % (platform.system(), platform.release(), platform.machine())),
        ("Python", platform.python_version()),
        ("ansible-core", _version("ansible-core")),
        ("boto3 / botocore", "%s / %s" % (_version("boto3"), _version("botocore"))),
        ("moto (emulator)", _version("moto")),
        ("amazon.aws", amazon_aws),
        ("kms.xks", "%s, commit %s%s" % (galaxy.group(1) if galaxy else "?", commit, " + uncommitted changes" if _git("status", "--porcelain") else "")),
    ])


def timeline_text(measurement):
    """One line per call or transition of a measured task: offset, what, the state a Describe saw."""
    lines = []
    for item in measurement["timeline"]:
        if "transition" in item:
            lines.append("%+8.3f s      store -> %s" % (item["offset"], item["transition"]))
            continue
        seen = item.get("connection_states")
        detail = ""
        if seen is not None:
            detail = " saw " + (", ".join(sorted(set(seen.values()))) if seen else "nothing")
            if len(seen) > 1:
                detail += " (%d stores)" % len(seen)
        if item["status"] != 200:
            detail += " HTTP %s" % item["status"]
        lines.append("%+8.3f s  %s%s" % (item["offset"], item["operation"], detail))
    return "\n".join(lines)


def report(rows, measurements, facts, settings, started, elapsed, args):
    last = measurements[-1]
    baseline_seconds = [run[key]["baseline_seconds"] for run in measurements for key in run]
    baseline_ops = last[SCENARIOS[0].key]["baseline_operations"]
    waiter = settings["waiter"]
    out = [
        "# Performance of kms.xks",
        "",
        "<!-- Generated by `make benchmark` (benchmarks/run.py); do not edit by hand: run it again. -->",
        "",
        "What the modules cost against the local test bed (`tests/testbed`): the KMS API calls they make",
        "compared with the fewest a correct implementation needs, how long a store is not CONNECTED, how",
        "soon the module notices that a store reached the state it waits for, and wall time relative to",
        "`amazon.aws.kms_key_info`. The emulator logs every call and every state transition",
        "(`GET /_testbed/calls`), so the counts are the API's, retries included.",
        "",
        "## Run",
        "",
        "| | |",
        "|---|---|",
        "| date | %s |" % started.strftime("%Y-%m-%d %H:%M UTC"),
        "| command | `make benchmark` (`benchmarks/run.py --repeat %d`) |" % args.repeat,
        "| repetitions | %d of every scenario; the table shows medians (and ranges where they differ) |" % args.repeat,
        "| runtime | %.0f s in all |" % elapsed,
    ]
    out += ["| %s | %s |" % (name, value) for name, value in facts.items()]
    out += [
        "| load average | %.2f at the start, %.2f at the end (1 min) |" % (settings["load"][0], settings["load"][1]),
        "| test bed | connect delay %s s (CONNECTING), disconnect delay %s s (DISCONNECTING), health-check timeout %s ms |"
        % (settings["connect_delay"], settings["disconnect_delay"], settings["health_timeout_ms"]),
        "| module waiter | sleeps before each poll (from the second of the wait it applies; a range is drawn uniformly): %s "
        "(`plugins/module_utils/_api/waiter.py` POLL_SCHEDULE) |" % waiter,
        "| baseline | `amazon.aws.kms_key_info` of one key by alias: median %s; calls: %s |"
        % (seconds(statistics.median(baseline_seconds)), ", ".join("%s %d" % item for item in sorted(baseline_ops.items()))),
        "",
        "## Results",
        "",
        markdown_table(rows),
        "",
        "## Key availability",
        "",
        "A probe beside the playbook (`tests/testbed/probe.py`, plain boto3, no retries) encrypts and decrypts through a",
        "KMS key in the scenario's store every %g ms, from after \"create and connect\" to before \"delete\"; each row"
        % (probe.DEFAULT_INTERVAL * 1000),
        "counts its calls during the task. **key unusable** runs from the first failed call of a run of failures to the",
        "next call that succeeded; **floor** is the test bed's own transition time that the scenario cannot avoid",
        "(DISCONNECTING + CONNECTING for an offline edit; 0 where the store stays CONNECTED). The online edit is a",
        "credential rotation (the new credential already on the proxy, the old one kept): it must cost 0 failed calls.",
        "",
        markdown_table(settings["availability_rows"]),
        "",
        fleet.report(settings["fleet"], settings["fleet_accounts"], settings["fleet_regions"]) if settings.get("fleet") else "",
        "## How to read each column",
        "",
        "- **scenario**: one task of `benchmarks/benchmark.yml` (below). Each runs after a baseline task, on a test bed",
        "  reset before every repetition.",
        "- **API calls / floor**: KMS requests the task made (every HTTP attempt, as the emulator counted them) / the",
        "  fewest a correct implementation needs (the floor, below). A range means the repetitions differed.",
        "- **by operation (calls/floor)**: the same per operation (`Describe` = `DescribeCustomKeyStores`, and so on);",
        "  \"not 200\" counts calls KMS refused (the lookup of a store that does not exist yet answers HTTP 400).",
        "- **above floor (median)**: the calls above the floor, per operation: waste, or the price of a polling",
        "  schedule (see \"The floors\"); the call timelines below show which.",
        "- **disconnect windows**: how many times a store that was CONNECTED when the task started stopped being",
        "  CONNECTED, and for how long in all (from the DISCONNECTING transition to CONNECTED again, or to the",
        "  deletion). The floor is the time the emulator itself spends in DISCONNECTING and CONNECTING; the rest is",
        "  the module noticing DISCONNECTED late (that latency lengthens the outage one for one) and the update",
        "  between. While a store is disconnected, every KMS key in it is unusable. \"none\": the store stayed CONNECTED",
        "  (or, for a new store, had no keys to lose).",
        "- **notice latency (median)**: for each state the module waited for, the time from the emulator's transition",
        "  (e.g. DISCONNECTING to DISCONNECTED) to the arrival of the first DescribeCustomKeyStores whose answer",
        "  showed it (the max over the repetitions in brackets). 0 would be a poll exactly at the transition; with",
        "  polling, the latency is at most the poll interval in force.",
        "- **wall time (median)**: from the start of the task to its result, as Ansible runs it (module transfer and",
        "  start, boto3 import, API calls, waits).",
        "- **x kms_key_info (median)**: the task's wall time divided by that of the baseline task run just before it",
        "  (`amazon.aws.kms_key_info`, about the cheapest AWS module run: one module start, a few read calls), median",
        "  over the repetitions. It cancels out machine speed: about 1 means \"costs one ordinary AWS module run\";",
        "  the waits of the emulator's delays come on top.",
        "",
        "## The floors",
        "",
        "| scenario | floor | why | disconnect window floor |",
        "|---|---|---|---|",
    ]
    for scenario in SCENARIOS:
        window = " + ".join("%s delay" % name for name in scenario.window_floor) if scenario.window_floor else "none"
        floor = ", ".join("%s %d" % item for item in scenario.floor.items())
        out.append("| %s | %s | %s | %s |" % (scenario.key, floor, scenario.why, window))
    out += [
        "",
        "The floor counts one poll per state waited for: the least possible, reached only when a poll comes just",
        "after the transition. The module cannot know when that is, so a real waiter needs more polls; what it spends",
        "above the floor is the price of its schedule (short polls notice sooner, long ones call less). The schedule",
        "of the module's waiter, run by benchmarks/waiter_sim.py for transitions of other lengths (KMS takes about five",
        "minutes; medians of 101 simulated waits, since the schedule is jittered; \"The waiter at KMS speed\" below):",
        "",
        "| transition | DescribeCustomKeyStores calls of one wait | noticed late by |",
        "|---|---|---|",
    ]
    examples = schedule_examples(settings)
    for (_duration, label), (_same, polls, late) in zip(examples, waiter_sim.transition_examples([duration for duration, _label in examples])):
        out.append("| %s | %g | %s |" % (label, polls, seconds(late)))
    out += [
        "",
        "On the test bed the module's own time (a few ms per call) shifts every poll slightly later, hence latencies",
        "a few ms off those of the schedule.",
        "",
        "## Call timelines (last repetition)",
        "",
        "Seconds from the start of the task; `saw` is the ConnectionState the DescribeCustomKeyStores answer showed,",
        "`store ->` a transition in the emulator.",
        "",
    ]
    for scenario in SCENARIOS:
        out += ["### %s" % scenario.key, "", "```", timeline_text(last[scenario.key]) or "(no call)", "```", ""]
    out += [
        "## Reproduce",
        "",
        "```sh",
        "make venv collection",
        "make benchmark                       # or: .venv/bin/python benchmarks/run.py --repeat 5 --connect-delay 1 --disconnect-delay 1",
        "```",
        "",
        "Its test bed picks free ports and loopback addresses, so it can run beside others; it takes a few",
        "minutes. Raw data (every call and transition) and the ansible-playbook logs are in `benchmarks/results/`.",
        "",
        waiter_sim.markdown(),
        "",
    ]
    return "\n".join(out)


def main():
    args = parse_args()
    integration.check_prerequisites()
    RESULTS.mkdir(parents=True, exist_ok=True)
    for stale in list(RESULTS.glob("timings-*.jsonl")) + list(RESULTS.glob("ansible-*.log")) + list(RESULTS.glob("fleet-*")):
        stale.unlink()
    started, clock = datetime.datetime.now(datetime.timezone.utc), time.monotonic()
    load_start = os.getloadavg()[0]
    state_dir = Path(tempfile.mkdtemp(prefix="kms-xks-benchmark-"))
    repetitions, settings = [], {}
    try:
        with testbed.running(str(state_dir), connect_delay=args.connect_delay, disconnect_delay=args.disconnect_delay) as bed:
            env = playbook_env(bed)
            for number in range(1, args.repeat + 1):
                began = time.monotonic()
                repetitions.append(run_repetition(number, bed, env, args.timeout))
                print("benchmark: run %d/%d done in %.0f s" % (number, args.repeat, time.monotonic() - began), flush=True)
            settings.update(connect_delay=bed["xks_connect_delay"], disconnect_delay=bed["xks_disconnect_delay"],
                            health_timeout_ms=bed["xks_health_timeout_ms"], fleet_accounts=bed["aws_fleet_accounts"],
                            fleet_regions=bed["aws_fleet_regions"])
            if args.fleet:
                began = time.monotonic()
                settings["fleet"] = fleet.run(bed, env, RESULTS, args.timeout)
                print("benchmark: fleet done in %.0f s" % (time.monotonic() - began), flush=True)
    except testbed.TestbedError as e:
        fail("the test bed did not start: %s" % e)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    settings.update(load=(load_start, os.getloadavg()[0]), waiter=waiter_sim.describe_schedule(waiter_sim.WAITER.POLL_SCHEDULE))
    elapsed = time.monotonic() - clock

    measurements = [measure_repetition(repetition) for repetition in repetitions]
    delays = {"connect": settings["connect_delay"], "disconnect": settings["disconnect_delay"]}
    rows = [summarize(scenario, [run[scenario.key] for run in measurements], delays) for scenario in SCENARIOS]
    settings["availability_rows"] = [availability_row(scenario, [run[scenario.key] for run in measurements], delays)
                                     for scenario in SCENARIOS]
    with open(RESULTS / "latest.json", "w", encoding="utf-8") as handle:
        json.dump({"started": started.isoformat(), "settings": settings, "repetitions": repetitions, "measurements": measurements, "rows": rows},
                  handle, indent=1, default=str)
    document = report(rows, measurements, machine_facts(), settings, started, elapsed, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")

    print("\nkms.xks benchmark: %d repetitions, test bed connect/disconnect delay %s/%s s, %.0f s in all\n"
          % (args.repeat, settings["connect_delay"], settings["disconnect_delay"], elapsed))
    print(text_table(rows))
    print("\nkey availability:\n")
    print(text_table(settings["availability_rows"]))
    print("\nbenchmark: wrote %s (raw data: %s)" % (os.path.relpath(args.output, os.getcwd()), os.path.relpath(RESULTS / "latest.json", os.getcwd())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""kms.xks.xks_key against the test bed: the API calls of its no-op and of each edit against their
floor, and the cost of finding the KMS keys of a store as the account's key count grows.

    benchmarks/keys.py [--output PATH] [--print]

It starts its own test bed with KMS's request quotas off (the set-up creates up to 1000 keys with
boto3, far above CreateKey's quota), runs benchmarks/keys.yml (tag "edits" once, tag "find" once per
key count), counts the calls of each "Measure: " task in the emulator's call log, and rewrites the
section "KMS keys in an external key store" of docs/performance.md in place (`make benchmark` runs it
after benchmarks/run.py). The collection is taken from build/ (make collection). About a minute.
"""

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import shutil
import time
from pathlib import Path

# bench_paths first: it puts tests/ and benchmarks/ on sys.path for the imports after it.
from bench_paths import DEFAULT_OUTPUT, HERE, RESULTS
import testbed
from testbed.kms import connected_store, kms_client
from integration import run as integration
import waiter_sim

PLAYBOOK = HERE / "keys.yml"
MEASURE = "Measure: "
BEGIN, END = "<!-- xks-key-bench: begin -->", "<!-- xks-key-bench: end -->"
HEADING = "## KMS keys in an external key store"
ACCOUNT_KEY_COUNTS = (10, 100, 1000)
# External keys of the test bed's default table for the store's other KMS keys (xks-key-1 is the measured key's).
OTHER_STORE_KEYS = ("xks-key-2", "xks-key-3")
PAGE = 1000  # the most keys ListKeys returns in one page

Edit = collections.namedtuple("Edit", "key floor why")
EDITS = (
    Edit("no-op", {"DescribeKey": 1}, "DescribeKey by alias shows store, external key, description, state: nothing to change."),
    Edit("description", {"DescribeKey": 1, "UpdateKeyDescription": 1}, "The lookup, then UpdateKeyDescription."),
    Edit("tags", {"DescribeKey": 1, "ListResourceTags": 1, "TagResource": 1},
         "The lookup, the tags (DescribeKey has none), then TagResource with the changed value."),
    Edit("disable", {"DescribeKey": 1, "DisableKey": 1}, "The lookup, then DisableKey."),
    Edit("enable", {"DescribeKey": 1, "EnableKey": 1}, "The lookup, then EnableKey."),
    Edit("schedule deletion", {"DescribeKey": 1, "ScheduleKeyDeletion": 1}, "The lookup, then ScheduleKeyDeletion (7 days)."),
    Edit("cancel deletion", {"DescribeKey": 1, "CancelKeyDeletion": 1, "EnableKey": 1},
         "The lookup, CancelKeyDeletion, and EnableKey: KMS leaves a cancelled key Disabled, and the task says enabled."),
)
FINDERS = (
    ("retirement refused", "`xks_keystore` `state: absent` on a store with keys: refused before any disconnect"),
    ("info with keys", "`xks_keystore_info` `keys: true` of the store"),
)


def fail(message):
    print("keys benchmark: " + message, file=sys.stderr)
    sys.exit(2)


def run_playbook(env, extra, tag, timings):
    """One run of keys.yml with only the tasks tagged `tag`; returns its task timings."""
    if timings.exists():
        timings.unlink()
    log_file = timings.with_suffix(".log")
    command = [integration.ansible_playbook(), "-i", "localhost,", str(PLAYBOOK), "--tags", tag, "-e", json.dumps(extra)]
    with open(log_file, "w", encoding="utf-8") as log:
        code = subprocess.run(command, env=dict(env, KMS_XKS_BENCHMARK_TIMINGS=str(timings)), cwd=str(HERE),
                              stdout=log, stderr=subprocess.STDOUT, timeout=600, check=False).returncode
    if code != 0:
        fail("%s (tag %s) failed (%s); the end of %s:\n%s"
             % (PLAYBOOK.name, tag, code, log_file, "\n".join(log_file.read_text(encoding="utf-8").splitlines()[-30:])))
    with open(timings, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def measured(tasks, calls):
    """{scenario: {"seconds", "operations"}} of the "Measure: " tasks, their calls counted in the emulator's log."""
    found = {}
    for task in tasks:
        if task["name"].startswith(MEASURE):
            inside = [call for call in calls if task["start"] <= call["time"] <= task["end"]]
            found[task["name"][len(MEASURE):]] = {"seconds": task["end"] - task["start"],
                                                  "operations": dict(collections.Counter(call["operation"] for call in inside)),
                                                  "errors": sum(1 for call in inside if call["status"] != 200)}
    return found


def store_with_keys(bed):
    """A connected store holding OTHER_STORE_KEYS; returns its id and those keys' ids."""
    kms = kms_client(bed, retries=3)
    store_id = connected_store(kms, bed, "keys-benchmark-store")
    key_ids = [kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=external,
                              Description="another key of the store")["KeyMetadata"]["KeyId"] for external in OTHER_STORE_KEYS]
    return kms, store_id, key_ids


def account_key_count(kms):
    return sum(len(page["Keys"]) for page in kms.get_paginator("list_keys").paginate())


def grow_account(kms, count):
    """Ordinary AWS_KMS keys until the account holds `count` KMS keys."""
    for _number in range(count - account_key_count(kms)):
        kms.create_key(Description="filler key of the keys benchmark")


def measure_all():
    RESULTS.mkdir(parents=True, exist_ok=True)
    state_dir = Path(tempfile.mkdtemp(prefix="kms-xks-keys-benchmark-"))
    results = {"edits": {}, "find": {}}
    try:
        with testbed.running(str(state_dir), quota_scale=0) as bed:
            env = integration.playbook_env(bed["xks_ca_file"])
            env.update(ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"), ANSIBLE_CALLBACKS_ENABLED="kms_xks_benchmark")
            admin = testbed.EmulatorAdmin(bed["emulator_admin_url"])
            kms, store_id, other_ids = store_with_keys(bed)
            extra = dict(json.loads((Path(bed["testbed_state_dir"]) / "testbed.json").read_text(encoding="utf-8")), store_id=store_id)
            tasks = run_playbook(env, extra, "edits", RESULTS / "keys-edits.jsonl")
            results["edits"] = measured(tasks, admin.calls()["calls"])
            extra.update(store_key_ids=other_ids, store_key_count=len(other_ids) + 1)
            for count in ACCOUNT_KEY_COUNTS:
                grow_account(kms, count)
                admin.clear_calls()
                tasks = run_playbook(env, extra, "find", RESULTS / ("keys-find-%d.jsonl" % count))
                results["find"][count] = measured(tasks, admin.calls()["calls"])
                print("keys benchmark: %d keys in the account done" % count, flush=True)
    except testbed.TestbedError as e:
        fail("the test bed did not start: %s" % e)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    with open(RESULTS / "keys-latest.json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return results


def operations_text(operations, floor=None):
    names = list(floor or {}) + sorted(set(operations) - set(floor or {}))
    if floor is None:
        return ", ".join("%s %d" % (name, operations[name]) for name in names)
    return ", ".join("%s %d/%d" % (name, operations.get(name, 0), floor.get(name, 0)) for name in names)


def edits_table(edits):
    out = ["| task | API calls / floor | by operation (calls/floor) | wall time | floor: why |", "|---|---|---|---|---|"]
    for edit in EDITS:
        found = edits[edit.key]
        cells = (edit.key, sum(found["operations"].values()), sum(edit.floor.values()),
                 operations_text(found["operations"], edit.floor), found["seconds"], edit.why)
        out.append("| %s | %d / %d | %s | %.2f s | %s |" % cells)
    return out


def find_floor(count):
    """DescribeCustomKeyStores of the store, ListKeys by pages of 1000, one DescribeKey per key, ListAliases by pages of 1000
    (the store's keys are reported, and refused, by their aliases too); the same for both scenarios."""
    return {"DescribeCustomKeyStores": 1, "ListKeys": -(-count // PAGE), "DescribeKey": count, "ListAliases": 1}


def find_table(find):
    out = ["| KMS keys in the account | task | API calls / floor | by operation (calls/floor) | wall time |",
           "|---|---|---|---|---|"]
    for count in sorted(find, key=int):
        for scenario, _label in FINDERS:
            found, floor = find[count][scenario], find_floor(int(count))
            cells = (count, scenario, sum(found["operations"].values()), sum(floor.values()),
                     operations_text(found["operations"], floor), found["seconds"])
            out.append("| %s | %s | %d / %d | %s | %.2f s |" % cells)
    return out


def markdown(results=None):
    """The section "KMS keys in an external key store", between its markers."""
    results = results or measure_all()
    out = [BEGIN, HEADING, "", "<!-- Generated by benchmarks/keys.py (also run by `make benchmark`); do not edit by hand. -->", ""]
    out += ["`kms.xks.xks_key` and the lookup of a store's keys against the test bed, one run (benchmarks/keys.yml), "
            "calls counted in the emulator's call log (`GET /_testbed/calls`, every HTTP attempt) during each task. "
            "This run's test bed has **KMS's request quotas off** (`quota_scale=0`): the set-up creates up to 1000 keys "
            "with boto3, far above CreateKey's quota, and the lookups below would otherwise meet DescribeKey's "
            "quota (shared with every other key read of the account) as throttling and retries. Wall time is the task's, "
            "module start included; compare it with the baseline (`amazon.aws.kms_key_info`) above.", ""]
    out += ["### The no-op and each edit of one key", "",
            "One XKS key (alias, store, `xks_key_id`, description; `preflight: never`: the proxy is not KMS). "
            "The floor: the reads the task's options need, plus one call per change.", ""]
    out += edits_table(results["edits"]) + [""]
    out += ["### Finding the keys of a store as the account grows", "",
            "The store holds 3 KMS keys; the rest of the account are ordinary `AWS_KMS` keys. No KMS API filters keys "
            "by store, so both tasks list the account's keys and describe each: the floor is one DescribeCustomKeyStores, "
            "one ListKeys per 1000 keys, one DescribeKey per key, and one ListAliases (per 1000 aliases; both tasks name "
            "the keys by their aliases too). One run on a shared 2-core machine: the seconds are noisy. With KMS's quotas on, "
            "the DescribeKey calls share the account's quota of key reads, so a large account takes longer than here.",
            ""]
    for scenario, label in FINDERS:
        out.append("- **%s**: %s." % (scenario, label))
    out += [""] + find_table(results["find"]) + [""]
    out += ["Reproduce: `make collection && .venv/bin/python benchmarks/keys.py` (in `unshare --net`; rewrites this section).", END]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description="Benchmark kms.xks.xks_key against the test bed; rewrites its section of docs/performance.md.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the Markdown report to update (default: docs/performance.md)")
    parser.add_argument("--print", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    integration.check_prerequisites()
    began = time.monotonic()
    section = markdown()
    if not args.print:
        document = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        args.output.write_text(waiter_sim.replace_section(document, section, BEGIN, END), encoding="utf-8")
    print(section)
    print("\nkeys benchmark: %.0f s%s" % (time.monotonic() - began, "" if args.print else "; wrote its section of %s" % args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())

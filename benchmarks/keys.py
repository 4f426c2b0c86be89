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

import collections
import json
import sys
from pathlib import Path

# bench_paths first: it puts tests/ and benchmarks/ on sys.path for the imports after it.
from bench_paths import HERE, RESULTS
import testbed
from testbed.kms import connected_store, kms_client
from bench_common import MEASURE, Section, operations_text, own_testbed, playbook_env, run_playbook, section_main, section_text

PLAYBOOK = HERE / "keys.yml"
SECTION = Section("keys.py", "<!-- xks-key-bench: begin -->", "<!-- xks-key-bench: end -->", "## KMS keys in an external key store")
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
    results = {"edits": {}, "find": {}}
    with own_testbed("keys", fail, quota_scale=0) as bed:
        env = playbook_env(bed)
        admin = testbed.EmulatorAdmin(bed["emulator_admin_url"])
        kms, store_id, other_ids = store_with_keys(bed)
        extra = dict(json.loads((Path(bed["testbed_state_dir"]) / "testbed.json").read_text(encoding="utf-8")), store_id=store_id)
        tasks = run_playbook(PLAYBOOK, env, extra, RESULTS / "keys-edits.jsonl", tag="edits")
        results["edits"] = measured(tasks, admin.calls()["calls"])
        extra.update(store_key_ids=other_ids, store_key_count=len(other_ids) + 1)
        for count in ACCOUNT_KEY_COUNTS:
            grow_account(kms, count)
            admin.clear_calls()
            tasks = run_playbook(PLAYBOOK, env, extra, RESULTS / ("keys-find-%d.jsonl" % count), tag="find")
            results["find"][count] = measured(tasks, admin.calls()["calls"])
            print("keys benchmark: %d keys in the account done" % count, flush=True)
    with open(RESULTS / "keys-latest.json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return results


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
    out = ["`kms.xks.xks_key` and the lookup of a store's keys against the test bed, one run (benchmarks/keys.yml), "
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
    return section_text(SECTION, out)


def main():
    return section_main(SECTION, "kms.xks.xks_key", markdown)


if __name__ == "__main__":
    sys.exit(main())

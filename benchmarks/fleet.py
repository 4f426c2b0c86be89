# -*- coding: utf-8 -*-
"""The fleet part of the benchmark (benchmarks/run.py calls run() and report()): a no-op audit of
accounts x Regions (benchmarks/fleet.yml) by forks, and the KMS calls per account-Region-second it
makes against KMS's quota of 5 DescribeCustomKeyStores per second, for two inventory layouts:

- one host per account and Region (the test bed's whole fleet: 4 accounts x 5 Regions, one store each);
- one host per store, the ten stores of one account and Region (KMS's quota of stores) at forks 10.
"""

import collections
import json
import statistics
import subprocess
import time
from pathlib import Path

import testbed
from integration.run import ansible_playbook
from testbed.kms import create_store, fleet_credentials, kms_client, wait_for

HERE = Path(__file__).resolve().parent
PLAYBOOK = HERE / "fleet.yml"
FORKS = (1, 5, 10, 20)
PER_STORE_FORKS = 10
PER_STORE_COUNT = 10
STORE_NAME = "fleet-store"
# KMS: 5 requests per second for each custom key store operation, per account and Region.
QUOTA_PER_SECOND = 5
MEASURED = ("Measure: fleet info", "Measure: fleet no-op")


def _host(account, region, store_id, store_ids, name, path):
    return {"fleet_account_id": account, "fleet_region": region, "fleet_store_id": store_id, "fleet_store_ids": store_ids,
            "fleet_store_name": name, "fleet_store_path": path}


def _connect_all(stores):
    """Connect every (client, store id) at once, then wait for each: the fleet is ready in one transition time."""
    for kms, store_id in stores:
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    for kms, store_id in stores:
        if wait_for(kms, store_id, ("CONNECTED", "FAILED"))["ConnectionState"] != "CONNECTED":
            raise RuntimeError("fleet store %s did not connect" % store_id)


def per_account_region_fleet(bed):
    """One connected store in every account and Region of the fleet; the inventory hosts, one per account-Region."""
    hosts, stores = {}, []
    path = bed["xks_proxy_primary"]["uri_path"]
    for account in bed["aws_fleet_accounts"]:
        credentials = fleet_credentials(bed, account, "benchmark-setup")
        for region in bed["aws_fleet_regions"]:
            kms = kms_client(bed, region=region, retries=5, credentials=credentials)
            store_id = create_store(kms, bed, STORE_NAME)
            stores.append((kms, store_id))
            hosts["%s-%s" % (account, region)] = _host(account, region, store_id, [store_id], STORE_NAME, path)
    _connect_all(stores)
    return hosts


def per_store_fleet(bed):
    """Ten connected stores (KMS's quota) in the hub account's default Region, each on a proxy path of its own; one host per store."""
    proxy = testbed.ProxyAdmin(bed["proxy_admin_url"])
    kms = kms_client(bed, retries=5)
    stores = []
    for number in range(1, PER_STORE_COUNT + 1):
        name, path = "%s-%02d" % (STORE_NAME, number), "/fleet%02d/kms/xks/v1" % number
        proxy.add_path("primary", path, [bed["xks_proxy_primary"]["credentials"][0]])
        stores.append((name, path, create_store(kms, bed, name, XksProxyUriPath=path)))
    _connect_all([(kms, store_id) for _name, _path, store_id in stores])
    ids = [store_id for _name, _path, store_id in stores]
    return {name: _host(bed["aws_account_id"], bed["aws_region"], store_id, ids, name, path) for name, path, store_id in stores}


def write_inventory(hosts, path):
    """An inventory for Ansible's YAML inventory plugin, written as JSON: group `fleet`, every host local."""
    path.write_text(json.dumps({"fleet": {"vars": {"ansible_connection": "local"}, "hosts": hosts}}, indent=1) + "\n", encoding="utf-8")


def run_playbook(bed, env, inventory, forks, label, results, timeout):
    """One run of fleet.yml; returns its wall time, the measured tasks' span and the emulator's call log."""
    testbed.EmulatorAdmin(bed["emulator_admin_url"]).clear_calls()
    timings, log_file = results / ("fleet-%s-timings.jsonl" % label), results / ("fleet-%s.log" % label)
    if timings.exists():
        timings.unlink()
    command = [ansible_playbook(), "-i", str(inventory), "-f", str(forks), str(PLAYBOOK), "-e", "@%s" % (Path(bed["testbed_state_dir"]) / "testbed.json")]
    began = time.time()
    with open(log_file, "w", encoding="utf-8") as log:
        code = subprocess.run(command, env=dict(env, KMS_XKS_BENCHMARK_TIMINGS=str(timings)), cwd=str(HERE), stdout=log,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False).returncode
    ended = time.time()
    if code != 0:
        raise RuntimeError("fleet run %s failed (exit %s); see %s" % (label, code, log_file))
    with open(timings, encoding="utf-8") as handle:
        tasks = [json.loads(line) for line in handle if line.strip()]
    measured = [task for task in tasks if task["name"] in MEASURED]
    return {"label": label, "forks": forks, "wall_seconds": ended - began,
            "audit_start": min(task["start"] for task in measured), "audit_end": max(task["end"] for task in measured),
            "calls": testbed.EmulatorAdmin(bed["emulator_admin_url"]).calls()["calls"]}


def busiest_second(times):
    """The most calls in any one-second window (sliding: KMS counts per second, not per clock second)."""
    times, best, first = sorted(times), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def call_rates(run):
    """Per account-Region: DescribeCustomKeyStores in the busiest second, over the audit's span; and the throttled calls."""
    describes = collections.defaultdict(list)
    throttled = 0
    for call in run["calls"]:
        if call["operation"] != "DescribeCustomKeyStores" or not run["audit_start"] <= call["time"] <= run["audit_end"]:
            continue
        describes[(call["account_id"], call["region"])].append(call["time"])
        throttled += call["status"] == 400
    peaks = [busiest_second(times) for times in describes.values()]
    return {"account_regions": len(describes), "calls": sum(len(times) for times in describes.values()), "throttled": throttled,
            "peak": max(peaks) if peaks else 0, "median_peak": statistics.median(peaks) if peaks else 0}


def run(bed, env, results, timeout=600):
    """Both layouts, each on a reset test bed; returns the runs, each with its call rates (the call logs stay in the raw data)."""
    testbed.reset(bed)  # empties KMS (the fleet's identities stay) and the proxies' run-time changes
    runs = []
    hosts = per_account_region_fleet(bed)
    inventory = results / "fleet-inventory.json"
    write_inventory(hosts, inventory)
    for forks in FORKS:
        runs.append(dict(run_playbook(bed, env, inventory, forks, "per-account-region-f%d" % forks, results, timeout),
                         layout="one host per account-Region", hosts=len(hosts)))
        print("benchmark: fleet of %d account-Regions at forks %d: %.0f s" % (len(hosts), forks, runs[-1]["wall_seconds"]), flush=True)
    testbed.reset(bed)  # a store per account-Region is there already: the ten would exceed the quota
    per_store = per_store_fleet(bed)
    write_inventory(per_store, results / "fleet-per-store-inventory.json")
    runs.append(dict(run_playbook(bed, env, results / "fleet-per-store-inventory.json", PER_STORE_FORKS, "per-store", results, timeout),
                     layout="one host per store, %d stores of one account-Region" % PER_STORE_COUNT, hosts=len(per_store)))
    for entry in runs:
        entry["rates"] = call_rates(entry)
    return runs


def report(runs, accounts, regions):
    """The Markdown section of docs/performance.md."""
    lines = [
        "## A fleet: accounts x Regions",
        "",
        "A no-op audit of a fleet (`benchmarks/fleet.yml`): every inventory host assumes the fleet role of its account",
        "(`amazon.aws.sts_assume_role` with the hub's credentials), then runs `kms.xks.xks_keystore_info` and an idempotent",
        "`kms.xks.xks_keystore` with those credentials in its Region (`module_defaults: group/kms.xks.aws`). The test bed's",
        "fleet: %d accounts x %d Regions (%s), one connected store in each. **audit** is the time from the start of the"
        % (len(accounts), len(regions), ", ".join(regions)),
        "first audit task to the end of the last (the assume-role task before it is in **wall**, the whole",
        "`ansible-playbook`). **busiest second**: the most DescribeCustomKeyStores one account-Region received in any",
        "one-second window (KMS's quota: %d per second per account and Region; the emulator enforces it and answers"
        % QUOTA_PER_SECOND,
        "ThrottlingException above it, which the modules retry); from the emulator's call log.",
        "",
        "| layout | hosts | forks | wall | audit | audit tasks per second | Describe calls | busiest second (max / median over account-Regions) | throttled |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in runs:
        audit = entry["audit_end"] - entry["audit_start"]
        rates = entry["rates"]
        lines.append("| %s | %d | %d | %.1f s | %.1f s | %.1f | %d | %d / %g (quota %d) | %d |" % (
            entry["layout"], entry["hosts"], entry["forks"], entry["wall_seconds"], audit, 2 * entry["hosts"] / audit,
            rates["calls"], rates["peak"], rates["median_peak"], QUOTA_PER_SECOND, rates["throttled"]))
    per_region = [entry for entry in runs if entry["layout"].startswith("one host per account")]
    best = min(per_region, key=lambda entry: entry["audit_end"] - entry["audit_start"])
    lines += [
        "",
        "Reading it: the controller is the bottleneck (every module run is a Python process that imports boto3; 2",
        "cores), so the audit stops getting faster once the forks keep both cores busy (fastest here: forks %d)."
        % best["forks"],
        "With one host per account-Region each account-Region gets its two Describe calls whatever the forks, far",
        "below the quota: the layout scales with the fleet. With one host per store, the stores of one account-Region",
        "share its quota, and at forks %d their lookups arrive together." % PER_STORE_FORKS,
        "",
        "**Recommended inventory layout**: one host per account and Region (e.g. `prod-111122223333-eu-west-1`), grouped",
        "by account and by Region, with the account's role and the Region as host variables; the stores of that",
        "account-Region as a list the host loops over (one `xks_keystore_info` reads them all in one call), not one host",
        "per store. Forks: the controller's cores x 2 to x 5 is enough; more forks only queue on the CPU. See the",
        "fleet guide (`docs/docsite/rst/guide_fleet.rst`).",
        "",
    ]
    return "\n".join(lines)

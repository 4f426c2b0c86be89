#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""kms.xks.xks_proxy_health as a proxy audit against the test bed: the proxy calls of each audit against
their floor, its wall time, and the failed cryptographic calls of a KMS key beside it.

    benchmarks/proxy_audit.py [--output PATH] [--print]

It starts its own test bed (KMS's request quotas as KMS's defaults), puts KEY_COUNTS[-1] external keys
on the URI paths of both `primary` and `secondary` (the same key manager behind both: the same material
for the same key id), starts the availability probe through a KMS key in a connected store on `primary`,
and runs benchmarks/proxy_audit.yml once per audit, REPEAT rounds of every audit: `secondary` audited,
`primary` its reference proxy. The calls are counted in each instance's request log during the run (only the
task "Measure: audit" calls a proxy); it rewrites the section "Auditing a proxy" of docs/performance.md in place (`make benchmark` runs it
after benchmarks/keys.py). The collection is taken from build/ (make collection). About two minutes.
"""

import collections
import json
import os
import statistics
import subprocess
import sys
import threading

# bench_paths first: it puts tests/ and benchmarks/ on sys.path for the imports after it.
from bench_paths import HERE, RESULTS, ROOT
import testbed
from testbed import probe
from testbed.kms import connected_store, kms_client
from testbed.proxy.state import MAX_LOGGED_REQUESTS
from bench_common import (MEASURE, Section, availability, operations_spread, own_testbed, playbook_env, run_playbook, section_main,
                          section_text, spread)

PLAYBOOK = HERE / "proxy_audit.yml"
SECTION = Section("proxy_audit.py", "<!-- proxy-audit-bench: begin -->", "<!-- proxy-audit-bench: end -->", "## Auditing a proxy")
LATEST = RESULTS / "proxy-audit-latest.json"
TESTED, REFERENCE = "secondary", "primary"
KEY_COUNTS = (1, 10, 50)
SAMPLES = 5  # the module's default
# Rounds of every audit, one after the other (so that the machine's load drifts over all of them alike); medians.
REPEAT = 3
KEY_IDS = ["bench-audit-key-%02d" % number for number in range(1, KEY_COUNTS[-1] + 1)]
EXTERNAL_KEY = {"key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"}
# The probe's store is on `primary` at a path of its own, so that its calls are told apart from the audit's there.
PROBE_PATH = "/availability-probe/kms/xks/v1"
# A request log holds the last MAX_LOGGED_REQUESTS requests; the probe alone sends some 25 a second to `primary`.
POLL_INTERVAL = 0.2
# The request log's xks_operation -> the name in the tables.
OPERATIONS = {"GetHealthStatus": "health", "GetKeyMetadata": "metadata", "Encrypt": "encrypt", "Decrypt": "decrypt"}

Audit = collections.namedtuple("Audit", "key keys samples")
AUDITS = (
    Audit("health only, samples 1", 0, 1),
    Audit("health only, samples %d" % SAMPLES, 0, SAMPLES),
) + tuple(Audit("%d key%s" % (count, "" if count == 1 else "s"), count, SAMPLES) for count in KEY_COUNTS)


def fail(message):
    print("proxy audit benchmark: " + message, file=sys.stderr)
    sys.exit(2)


def floor(audit):
    """{instance: {operation: calls}}: `samples` GetHealthStatus and one GetKeyMetadata per key on the tested proxy; per
    key, the canary both ways: Encrypt on the reference and Decrypt on the tested proxy, then Encrypt on the tested proxy
    and Decrypt on the reference."""
    count = audit.keys
    tested = {"health": audit.samples}
    if count:
        tested.update(metadata=count, encrypt=count, decrypt=count)
    return {TESTED: tested, REFERENCE: {"encrypt": count, "decrypt": count} if count else {}}


class RequestLogs(threading.Thread):
    """Every request some proxy instances logged while it ran: their request logs (the last MAX_LOGGED_REQUESTS each)
    read every POLL_INTERVAL s, since more than that may arrive during one run. Each entry has the kmsRequestId of its
    request (a new UUID per call), so an entry seen twice is one request."""

    def __init__(self, admin, names):
        super().__init__(daemon=True)
        self.admin = admin
        self.entries = {name: [] for name in names}
        self.lost = False
        self._seen = {name: set() for name in names}
        self._stopped = threading.Event()

    def run(self):
        while not self._stopped.wait(POLL_INTERVAL):
            self._poll()

    def _poll(self):
        for name, seen in self._seen.items():
            snapshot = self.admin.requests(name)
            identities = [json.dumps(entry, sort_keys=True) for entry in snapshot]
            if len(snapshot) >= MAX_LOGGED_REQUESTS and seen and seen.isdisjoint(identities):
                self.lost = True  # the log turned over between two reads
            for identity, entry in zip(identities, snapshot):
                if identity not in seen:
                    seen.add(identity)
                    self.entries[name].append(entry)

    def stop(self):
        self._stopped.set()
        self.join()
        self._poll()
        return self.entries


def counted(entries, uri_path):
    """({operation: calls}, calls not answered 200) of the logged requests to `uri_path`."""
    mine = [entry for entry in entries if entry["path"].startswith(uri_path + "/")]
    operations = collections.Counter(OPERATIONS.get(entry["xks_operation"], entry["xks_operation"]) for entry in mine)
    return dict(operations), sum(1 for entry in mine if entry["status"] != 200)


def put_keys(proxies, bed):
    """KEY_IDS on the URI paths of both instances (their key manager gives an id the same material on both)."""
    for name in (TESTED, REFERENCE):
        for key_id in KEY_IDS:
            proxies.put_external_key(name, bed["xks_proxy_" + name]["uri_path"], dict(EXTERNAL_KEY, id=key_id))


def probe_cli(*args):
    """`python -m testbed.probe ARGS`; its JSON answer."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    done = subprocess.run([sys.executable, "-m", "testbed.probe"] + list(args), env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    if done.returncode != 0:
        fail("the availability probe (%s) failed: %s" % (args[0], done.stderr.strip() or done.stdout.strip()))
    return json.loads(done.stdout)


def start_probe(bed, proxies, log):
    """The probe, through a new KMS key in a connected store on `primary` at PROBE_PATH."""
    primary = bed["xks_proxy_" + REFERENCE]
    proxies.add_path(REFERENCE, PROBE_PATH, primary["credentials"])
    store_id = connected_store(kms_client(bed, retries=3), bed, "proxy-audit-probe", REFERENCE, XksProxyUriPath=PROBE_PATH)
    return probe_cli("start", "--state-dir", bed["testbed_state_dir"], "--log", str(log), "--store-id", store_id)


def measure(audit, number, bed, env, proxies):
    """Run `number` of the playbook for `audit`: its task times and the calls each instance logged during it."""
    for name in (TESTED, REFERENCE):
        proxies.clear_requests(name)
    logs = RequestLogs(proxies, (TESTED, REFERENCE))
    logs.start()
    try:
        extra = dict(bed, samples=audit.samples, xks_key_ids=KEY_IDS[:audit.keys])
        tasks = run_playbook(PLAYBOOK, env, extra, RESULTS / ("proxy-audit-%d-keys-%d-samples-%d.jsonl" % (audit.keys, audit.samples, number)))
    finally:
        entries = logs.stop()
    if logs.lost:
        fail("a request log turned over between two reads during %r: calls were lost" % audit.key)
    task = next(task for task in tasks if task["name"] == MEASURE + "audit")
    found = {"seconds": task["end"] - task["start"], "start": task["start"], "end": task["end"], "operations": {}, "errors": {}}
    for name in (TESTED, REFERENCE):
        found["operations"][name], found["errors"][name] = counted(entries[name], bed["xks_proxy_" + name]["uri_path"])
    found["probe_path_calls"] = counted(entries[REFERENCE], PROBE_PATH)[0]
    return found


def measure_all():
    probe_log = RESULTS / "proxy-audit-probe.jsonl"
    results = {audit.key: [] for audit in AUDITS}
    with own_testbed("proxy-audit", fail) as bed:
        proxies = testbed.ProxyAdmin(bed["proxy_admin_url"])
        put_keys(proxies, bed)
        env = playbook_env(bed)
        start_probe(bed, proxies, probe_log)
        try:
            for number in range(1, REPEAT + 1):
                for audit in AUDITS:
                    results[audit.key].append(measure(audit, number, bed, env, proxies))
                print("proxy audit benchmark: round %d/%d done" % (number, REPEAT), flush=True)
        finally:
            probe_cli("stop", "--log", str(probe_log))
    records = probe.read_log(str(probe_log))
    for found in (run for runs in results.values() for run in runs):
        found["availability"] = availability(records, found["start"], found["end"])
    with open(LATEST, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return results


def calls_text(runs, name, expected):
    """The calls of instance `name` by operation over `runs` against `expected`, and those not answered 200."""
    text = operations_spread([run["operations"][name] for run in runs], expected) or "none"
    errors = sum(run["errors"][name] for run in runs)
    return text + (" (%d not 200)" % errors if errors else "")


def probe_text(runs):
    """The probe's failed calls / calls during the audit, over every run."""
    seen = [run["availability"] for run in runs]
    if None in seen:
        return "not running through every run"
    errors = sorted(set().union(*(found["errors"] for found in seen)))
    return "%d / %d%s" % (sum(found["failed_calls"] for found in seen), sum(found["calls"] for found in seen),
                          " (%s)" % ", ".join(errors) if errors else "")


def median_seconds(runs):
    return statistics.median(run["seconds"] for run in runs)


def audits_table(results):
    out = ["| audit | `%s` (tested): calls/floor | `%s` (reference): calls/floor | proxy calls / floor | wall time, median (range) | "
           "probe: failed / calls |" % (TESTED, REFERENCE), "|---|---|---|---|---|---|"]
    for audit in AUDITS:
        runs, expected = results[audit.key], floor(audit)
        totals = [sum(sum(run["operations"][name].values()) for name in expected) for run in runs]
        times = [run["seconds"] for run in runs]
        cells = (audit.key, calls_text(runs, TESTED, expected[TESTED]), calls_text(runs, REFERENCE, expected[REFERENCE]),
                 spread(totals), sum(sum(each.values()) for each in expected.values()),
                 median_seconds(runs), min(times), max(times), probe_text(runs))
        out.append("| %s | %s | %s | %s / %d | %.2f s (%.2f-%.2f) | %s |" % cells)
    return out


def per_key_ms(results):
    """Milliseconds each key adds: the largest audit minus the health-only audit with the same samples (medians), per key."""
    largest = AUDITS[-1]
    health_only = next(audit for audit in AUDITS if not audit.keys and audit.samples == largest.samples)
    return 1000 * (median_seconds(results[largest.key]) - median_seconds(results[health_only.key])) / largest.keys


def markdown(results=None):
    """The section "Auditing a proxy"."""
    results = results or measure_all()
    out = ["`kms.xks.xks_proxy_health` auditing the test bed's `%s` proxy with `%s` as `reference_proxy` (the same key "
           "manager behind both), `samples: %d`, for 1, 10 and %d external keys (`xks_key_ids`, put on both proxies' URI paths "
           "through the proxy's admin API), and without keys (health only, `samples` 1 and %d) as the baseline; %d rounds of every audit, one "
           "run of benchmarks/proxy_audit.yml each (a range where the rounds differ). Calls are counted in each proxy instance's request log "
           "(`GET /instances/<name>/requests`, read every %g s during the run) on the URI path the audit uses."
           % (TESTED, REFERENCE, SAMPLES, KEY_COUNTS[-1], SAMPLES, REPEAT, POLL_INTERVAL), ""]
    out += ["- **floor**: `samples` GetHealthStatus (health) and one GetKeyMetadata (metadata) per key on the tested proxy, and "
            "per key the canary both ways: Encrypt on the reference and Decrypt on the tested proxy, then Encrypt on the "
            "tested proxy and Decrypt on the reference (1 encrypt and 1 decrypt per key on each proxy).",
            "- **wall time**: the task's, module start and its payload's build included (each audit is its own "
            "ansible-playbook run); every call opens a new TLS connection, as the module does. On a shared 2-core "
            "machine the seconds are noisy. Here each key added about %.0f ms (the median %s audit minus the median "
            "health-only audit with `samples: %d`, per key)." % (per_key_ms(results), AUDITS[-1].key, SAMPLES),
            "- **probe**: the availability probe (`tests/testbed/probe.py`: Encrypt then Decrypt through a KMS key every "
            "%g ms, plain boto3, no retries) on a KMS key in a connected store on `%s` (a URI path of its own, `%s`, so "
            "its calls are not counted above), running through all the audits: its failed calls / all its calls during "
            "the task, summed over the rounds. The audit changes nothing, so a failed call would be the audit's load on the proxy; this is what "
            "was measured, not an assertion." % (probe.DEFAULT_INTERVAL * 1000, REFERENCE, PROBE_PATH),
            "- The test bed runs with **KMS's request quotas** (the defaults; the audit makes no KMS call) and KMS's "
            "250 ms timeout for a proxy call.", ""]
    out += audits_table(results) + [""]
    return section_text(SECTION, out, raw_data=LATEST.relative_to(ROOT))


def main():
    return section_main(SECTION, "the kms.xks.xks_proxy_health audit", markdown)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""The module's waiter at KMS speed, by simulation: no test bed, no real sleeping.

    benchmarks/waiter_sim.py [--output PATH] [--print]

Real KMS transitions (CONNECTING -> CONNECTED, DISCONNECTING -> DISCONNECTED) take about five
minutes; the test bed's take one second. This drives the module's own wait loop
(plugins/module_utils/_api/waiter.py, imported from build/: run `make collection` first) with a fake
clock and a fake DescribeCustomKeyStores whose store changes state at a seeded random moment, once
with the module's POLL_SCHEDULE and once with each candidate schedule put in its place, and
measures how late the waiter notices the transition, how many calls a wait costs, and what ten
stores of one account waiting at once do to KMS's quota of 5 DescribeCustomKeyStores per second.

It rewrites the section "The waiter at KMS speed" of docs/performance.md in place (benchmarks/run.py,
`make benchmark`, writes the same section into the whole file). The results are the same on every
run: every random draw comes from a seeded generator.
"""

import argparse
import collections
import contextlib
import filecmp
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
WAITER_SOURCE = ROOT / "plugins" / "module_utils" / "_api" / "waiter.py"
WAITER_COPY = BUILD / "ansible_collections" / "kms" / "xks" / "plugins" / "module_utils" / "_api" / "waiter.py"
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"

SEED = 20261201
QUOTA = 5  # DescribeCustomKeyStores requests per second per account and Region (KMS request quotas)
PER_STORE_BUDGET = 3.0  # the aim: at most one call per 3 s per store
FLEET_SIZE = 10  # custom key stores per account and Region (KMS resource quota)
FLEETS = 200
START_WINDOW = 15.0  # s: the fleet's start (its lookups, Connect calls and first polls), measured apart
TIMEOUT = 1200  # the module's default wait_timeout
STORE_ID = "cks-1234567890abcdef0"
BEGIN, END = "<!-- waiter-sim: begin -->", "<!-- waiter-sim: end -->"
HEADING = "## The waiter at KMS speed"

Workload = collections.namedtuple("Workload", "key label waits call_seconds transition why")

# call_seconds: (shortest, longest) time of one DescribeCustomKeyStores call, drawn for each call.
WORKLOADS = (
    Workload("kms", "KMS: 240-360 s", 2000, (0.05, 0.15), lambda rng: rng.uniform(240.0, 360.0),
             "A connect or disconnect at KMS speed (\"about five minutes\"), uniformly 240-360 s; 50-150 ms per call."),
    Workload("testbed", "test bed: 1 s", 2000, (0.003, 0.01), lambda rng: 1.0 + rng.uniform(0.002, 0.05),
             "The test bed's default delay (1 s) plus its health check (2-50 ms); 3-10 ms per call."),
    Workload("joined", "KMS, under way: 0-360 s left", 2000, (0.05, 0.15), lambda rng: rng.uniform(0.0, 360.0),
             "A run that finds a store already CONNECTING or DISCONNECTING (another run, a timeout before) joins its "
             "transition at an unknown point: 0-360 s left."),
)

FleetStart = collections.namedtuple("FleetStart", "key label offset")

# When each of the ten stores begins its wait, in seconds from the first one.
FLEET_STARTS = (
    FleetStart("staggered", "0.25 s apart", lambda index, rng: 0.25 * index),
    FleetStart("together", "within 0.1 s", lambda index, rng: rng.uniform(0.0, 0.1)),
)

Candidate = collections.namedtuple("Candidate", "key schedule why")

# (from second, shortest sleep, longest sleep), as _waiter.POLL_SCHEDULE. The module's own schedule is
# added by candidates(); these are the alternatives it was chosen against.
ALTERNATIVES = (
    Candidate("previous: 1, 2, 4, 8, then every 10 s", ((0.0, 1.0, 1.0), (1.0, 2.0, 2.0), (3.0, 4.0, 4.0), (7.0, 8.0, 8.0), (15.0, 10.0, 10.0)),
              "The module's until this simulation: a capped doubling."),
    Candidate("every 3 s", ((0.0, 3.0, 3.0),), "A fixed interval at the per-store budget."),
    Candidate("every 5 s", ((0.0, 5.0, 5.0),), "A fixed interval within the lag aim."),
    Candidate("every 3-6 s, jittered", ((0.0, 3.0, 6.0),), "A jittered interval, dense all along."),
    Candidate("sparse to 200 s, then every 3 s", ((0.0, 1.25, 1.25), (1.0, 3.0, 3.0), (10.0, 20.0, 20.0), (200.0, 3.0, 3.0), (420.0, 10.0, 10.0)),
              "Sparse early, dense near KMS's transition time, no jitter."),
    Candidate("sparse to 200 s, then every 3-5 s, jittered", ((0.0, 1.25, 1.25), (1.0, 3.0, 3.0), (10.0, 15.0, 25.0), (200.0, 3.0, 5.0), (420.0, 10.0, 15.0)),
              "As the module's, denser near KMS's transition time."),
    Candidate("sparse to 200 s, then every 5-6 s, jittered", ((0.0, 1.25, 1.25), (1.0, 3.0, 3.0), (10.0, 15.0, 25.0), (200.0, 5.0, 6.0), (420.0, 10.0, 15.0)),
              "As the module's, sparser near KMS's transition time."),
    Candidate("sparse to 200 s, jittered from the start", ((0.0, 1.25, 1.25), (1.0, 3.0, 5.0), (10.0, 15.0, 25.0), (200.0, 4.0, 6.0), (420.0, 10.0, 15.0)),
              "As the module's, with the early 3 s polls jittered too (3-5 s)."),
)


def fail(message):
    print("waiter_sim: " + message, file=sys.stderr)
    sys.exit(2)


def import_waiter():
    """The module's _waiter, from the build copy (it needs amazon.aws beside it), checked to be current."""
    if not WAITER_COPY.is_file():
        fail("%s is missing: run `make collection` first" % WAITER_COPY.relative_to(ROOT))
    if not filecmp.cmp(WAITER_SOURCE, WAITER_COPY, shallow=False):
        fail("%s is older than %s: run `make collection` first" % (WAITER_COPY.relative_to(ROOT), WAITER_SOURCE.relative_to(ROOT)))
    sys.path.insert(0, str(BUILD))
    from ansible_collections.kms.xks.plugins.module_utils._api import waiter as _waiter  # pylint: disable=import-outside-toplevel
    return _waiter


WAITER = import_waiter()


def candidates():
    """The module's schedule first, then the alternatives."""
    return (Candidate("module (adopted)", WAITER.POLL_SCHEDULE, "plugins/module_utils/_api/waiter.py POLL_SCHEDULE."),) + ALTERNATIVES


# -- one wait ---------------------------------------------------------------------------------

class FakeClock:
    """Time as the unit tests fake it (tests/unit/conftest.py): time.monotonic() advances only by what
    time.sleep() is asked to wait, and here also by the fake KMS's calls."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    @contextlib.contextmanager
    def installed(self):
        """time.monotonic and time.sleep are this clock's for the `with` block."""
        with mock.patch.object(time, "monotonic", self.monotonic), mock.patch.object(time, "sleep", self.sleep):
            yield


class FakeKms:
    """DescribeCustomKeyStores of one store that leaves CONNECTING at `transition` (fake clock). A call takes
    `call_seconds` (a range, drawn for each call) and KMS answers halfway through it."""

    def __init__(self, clock, transition, call_seconds, rng):
        self.clock, self.transition, self.call_seconds, self.rng = clock, transition, call_seconds, rng
        self.arrivals = []

    def describe_custom_key_stores(self, CustomKeyStoreId=None, aws_retry=False):  # noqa: N803  (the boto3 name)
        half = self.rng.uniform(*self.call_seconds) / 2
        self.clock.now += half
        self.arrivals.append(self.clock.now)
        state = "CONNECTED" if self.clock.now >= self.transition else "CONNECTING"
        self.clock.now += half
        return {"CustomKeyStores": [{"CustomKeyStoreId": CustomKeyStoreId, "ConnectionState": state}]}


@contextlib.contextmanager
def schedule_in_place(schedule, rng):
    """The waiter with `schedule` as its POLL_SCHEDULE and `rng` for its jitter."""
    saved = WAITER.POLL_SCHEDULE, WAITER.random
    WAITER.POLL_SCHEDULE, WAITER.random = schedule, rng
    try:
        yield
    finally:
        WAITER.POLL_SCHEDULE, WAITER.random = saved


Wait = collections.namedtuple("Wait", "transition arrivals lag")


def simulate_wait(schedule, transition, call_seconds, rng):
    """One wait_for_state(CONNECTED) of the real waiter; times are seconds from the start of the wait.
    `rng` draws the waiter's jitter and the call times."""
    clock = FakeClock()
    kms = FakeKms(clock, transition, call_seconds, rng)
    with schedule_in_place(schedule, rng), clock.installed():
        WAITER.wait_for_state(kms, STORE_ID, "CONNECTED", TIMEOUT)
    return Wait(transition, kms.arrivals, kms.arrivals[-1] - transition)


def generators(*names):
    """One seeded generator per name: the transitions come from their own, so every schedule meets the same ones."""
    return [random.Random("%s/%s" % (SEED, name)) for name in names]


def simulate_waits(schedule, workload):
    transitions, jitter = generators(workload.key, workload.key + "/jitter")
    return [simulate_wait(schedule, workload.transition(transitions), workload.call_seconds, jitter) for _wait in range(workload.waits)]


# -- measures ---------------------------------------------------------------------------------

def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def shortest_gap(waits):
    """The shortest time between two polls of one wait (inf when no wait polled twice)."""
    gaps = [b - a for wait in waits for a, b in zip(wait.arrivals, wait.arrivals[1:])]
    return min(gaps) if gaps else float("inf")


def wait_stats(waits):
    lags = [wait.lag for wait in waits]
    calls = [len(wait.arrivals) for wait in waits]
    rate = sum(calls) / sum(wait.arrivals[-1] for wait in waits)
    return collections.OrderedDict([
        ("lag_median", statistics.median(lags)),
        ("lag_p95", percentile(lags, 0.95)),
        ("lag_max", max(lags)),
        ("calls_median", statistics.median(calls)),
        ("calls_max", max(calls)),
        ("per_3s", rate * PER_STORE_BUDGET),
        ("shortest_gap", shortest_gap(waits)),
    ])


def sliding_peak(times, window=1.0):
    """The most calls in any `window` seconds, and how many calls came after `QUOTA` others in the `window` before them."""
    ordered = sorted(times)
    peak, start, over = 0, 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        peak = max(peak, end - start + 1)
        if end - start + 1 > QUOTA:
            over += 1
    return peak, over


def fleet_stats(schedule, start):
    """FLEETS fleets of ten stores of one account, starting their waits as `start` says, transitioning at KMS speed:
    the peak of the first START_WINDOW s, and the peak and the calls over the quota after it."""
    kms = WORKLOADS[0]
    transitions, jitter = generators("fleet", "fleet/jitter")
    start_peaks, peaks, over, calls = [], [], 0, 0
    for _fleet in range(FLEETS):
        times = []
        for index in range(FLEET_SIZE):
            offset = start.offset(index, transitions)
            wait = simulate_wait(schedule, kms.transition(transitions), kms.call_seconds, jitter)
            times += [offset + moment for moment in wait.arrivals]
        start_peaks.append(sliding_peak([moment for moment in times if moment < START_WINDOW])[0])
        later = [moment for moment in times if moment >= START_WINDOW]
        peak, later_over = sliding_peak(later)
        peaks.append(peak)
        over += later_over
        calls += len(later)
    return collections.OrderedDict([
        ("start_peak_max", max(start_peaks)),
        ("peak_median", statistics.median(peaks)),
        ("peak_max", max(peaks)),
        ("fleets_over", sum(1 for peak in peaks if peak > QUOTA)),
        ("calls_over", over),
        ("calls", calls),
    ])


def meets_store_aim(kms):
    """Median lag at most 3 s at KMS speed, and never two polls of one store less than 3 s apart."""
    return kms["lag_median"] <= 3.0 and kms["shortest_gap"] >= PER_STORE_BUDGET


def transition_examples(durations, runs=101, call_seconds=0.0):
    """(duration, median calls of one wait, median lag) of the module's schedule for transitions of fixed lengths
    (benchmarks/run.py shows them for the test bed's delays and KMS's)."""
    rows = []
    for duration in durations:
        rng = random.Random("%s/example/%s" % (SEED, duration))
        waits = [simulate_wait(WAITER.POLL_SCHEDULE, duration, (call_seconds, call_seconds), rng) for _run in range(runs)]
        rows.append((duration, statistics.median(len(wait.arrivals) for wait in waits), statistics.median(wait.lag for wait in waits)))
    return rows


# -- the report -------------------------------------------------------------------------------

def _s(value):
    return "%.1f s" % value if value < 100 else "%.0f s" % value


def _calls(value):
    return "%g" % value


def describe_schedule(schedule):
    """'1.25 s from 0 s; 3 s from 1 s; 15-20 s from 10 s; ...' (sleeps before each poll)."""
    parts = []
    for start, shortest, longest in schedule:
        sleep = "%g s" % shortest if shortest == longest else "%g-%g s" % (shortest, longest)
        parts.append("%s from %g s" % (sleep, start))
    return "; ".join(parts)


def measure_all():
    """{candidate key: {"schedule", "why", workload key: stats, "fleet": stats}}."""
    results = collections.OrderedDict()
    for candidate in candidates():
        entry = {"schedule": candidate.schedule, "why": candidate.why}
        for workload in WORKLOADS:
            entry[workload.key] = wait_stats(simulate_waits(candidate.schedule, workload))
        for start in FLEET_STARTS:
            entry[start.key] = fleet_stats(candidate.schedule, start)
        results[candidate.key] = entry
    return results


def _table(headers, rows):
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)] + ["| " + " | ".join(row) + " |" for row in rows]


def _intro():
    return [
        "KMS takes about five minutes per transition, the test bed one second, so the benchmark above cannot show",
        "how the waiter does against KMS. `benchmarks/waiter_sim.py` runs the module's own wait loop",
        "(`plugins/module_utils/_api/waiter.py`, `wait_for_state`) with a fake clock and a fake DescribeCustomKeyStores",
        "whose store changes state at a seeded random moment: once with the module's `POLL_SCHEDULE`, once with",
        "each candidate put in its place. Nothing sleeps; every run gives the same numbers (seed %d)." % SEED,
        "",
    ]


def _over(fleet):
    return "%.1f%%" % (100.0 * fleet["calls_over"] / fleet["calls"])


def _summary(results):
    """What the tables below say about the module's schedule, against the previous one."""
    kms, testbed_ = WORKLOADS[0].key, WORKLOADS[1].key
    module, previous = list(results.values())[:2]
    staggered, together = (start.key for start in FLEET_STARTS)
    return [
        "**Result.** The module's schedule notices a KMS transition %s late (median; p95 %s) with %s DescribeCustomKeyStores"
        % (_s(module[kms]["lag_median"]), _s(module[kms]["lag_p95"]), _calls(module[kms]["calls_median"])),
        "calls per wait (%.2f per 3 s), its polls at least %.2f s apart; the previous one took %s (p95 %s) with %s calls."
        % (module[kms]["per_3s"], module[kms]["shortest_gap"], _s(previous[kms]["lag_median"]), _s(previous[kms]["lag_p95"]),
           _calls(previous[kms]["calls_median"])),
        "The test bed's 1 s transitions end in the first poll, %s after them (previous: %s). Ten stores waiting at once"
        % (_s(module[testbed_]["lag_median"]), _s(previous[testbed_]["lag_median"])),
        "stay within the quota on average, not in every second: after the start, a strict per-second limit would throttle",
        "(and the module retry) %s of their calls if they start staggered, %s if together (previous: %s and %s; without"
        % (_over(module[staggered]), _over(module[together]), _over(previous[staggered]), _over(previous[together])),
        "jitter, stores that start together poll together all along). No candidate keeps ten stores within %d calls in" % QUOTA,
        "every second; the sparser ones come closer, at a longer lag.",
        "",
    ]


def _schedules(results):
    rows = [(key, describe_schedule(entry["schedule"]), entry["why"]) for key, entry in results.items()]
    return ["Schedules (the sleep before each poll, from the second of the wait it applies; a range is drawn uniformly):", ""] \
        + _table(("schedule", "sleeps", "why"), rows) + [""]


def _workloads():
    return ["Transitions (%d waits of each):" % WORKLOADS[0].waits, ""] \
        + _table(("transition", "what"), [(workload.label, workload.why) for workload in WORKLOADS]) + [""]


def _one_store(results):
    kms, testbed_, joined = WORKLOADS
    headers = ("schedule", "%s: lag median / p95 / max" % kms.label, "calls median (max)", "per 3 s", "shortest gap", "lag and rate aim",
               "%s: lag median / max" % testbed_.label, "%s: lag median / p95" % joined.label)
    rows = []
    for key, entry in results.items():
        k, t, j = entry[kms.key], entry[testbed_.key], entry[joined.key]
        rows.append((key, "%s / %s / %s" % (_s(k["lag_median"]), _s(k["lag_p95"]), _s(k["lag_max"])),
                     "%s (%s)" % (_calls(k["calls_median"]), _calls(k["calls_max"])), "%.2f" % k["per_3s"], "%.2f s" % k["shortest_gap"],
                     "met" if meets_store_aim(k) else "not met", "%s / %s" % (_s(t["lag_median"]), _s(t["lag_max"])),
                     "%s / %s" % (_s(j["lag_median"]), _s(j["lag_p95"]))))
    return [
        "### One store",
        "",
        "Lag: from the transition to the first DescribeCustomKeyStores that shows it. Calls: DescribeCustomKeyStores of one",
        "wait. Per 3 s: the calls of all waits over their time. Shortest gap: between two polls of one wait. The aim",
        "(issue 10): a median lag of at most 3 s at KMS speed, at most one call per 3 s per store.",
        "",
    ] + _table(headers, rows) + [""]


def _fleet(results):
    headers = ["schedule"]
    for start in FLEET_STARTS:
        headers += ["%s: first %g s, peak max" % (start.key, START_WINDOW), "%s: then peak median / max" % start.key,
                    "%s: then fleets above %d" % (start.key, QUOTA), "%s: then calls over the quota" % start.key,
                    "%s: then within the quota in every second" % start.key]
    rows = []
    for key, entry in results.items():
        row = [key]
        for start in FLEET_STARTS:
            f = entry[start.key]
            row += [_calls(f["start_peak_max"]), "%s / %s" % (_calls(f["peak_median"]), _calls(f["peak_max"])), "%d of %d" % (f["fleets_over"], FLEETS),
                    "%d of %d (%s)" % (f["calls_over"], f["calls"], _over(f)), "yes" if f["peak_max"] <= QUOTA else "no"]
        rows.append(row)
    return [
        "### Ten stores of one account at once",
        "",
        "%d fleets of %d stores (the custom key store quota of an account and Region) waiting at once, each store" % (FLEETS, FLEET_SIZE),
        "transitioning at KMS speed. KMS allows %d DescribeCustomKeyStores per second per account and Region and throttles" % QUOTA,
        "the rest (the module retries them after a jittered backoff). The waits start %s." % "; or ".join(
            "**%s**, %s" % (start.key, start.label) for start in FLEET_STARTS),
        "Ansible starts about 4 modules per second on 2 cores, so a play with forks=10 staggers them; together is the",
        "worst case. Peak: the most calls of a fleet in any one second (sliding window). Over the quota: calls that came",
        "after %d others in the second before them, which a strict per-second limit throttles. The first %g s are counted" % (QUOTA, START_WINDOW),
        "apart: there the first polls follow the stores' own lookups and Connect calls, which come as densely (a fleet",
        "that starts together is over the quota before its waiter polls).",
        "",
    ] + _table(headers, rows) + [""]


def markdown(results=None):
    """The section "The waiter at KMS speed", between its markers."""
    results = results or measure_all()
    out = [BEGIN, HEADING, "", "<!-- Generated by benchmarks/waiter_sim.py (also run by `make benchmark`); do not edit by hand. -->", ""]
    out += _intro() + _summary(results) + _schedules(results) + _workloads() + _one_store(results) + _fleet(results)
    out += ["Reproduce: `make collection && .venv/bin/python benchmarks/waiter_sim.py` (about a minute; rewrites this section).", END]
    return "\n".join(out)


def replace_section(document, section, begin=BEGIN, end=END):
    """`document` with its section between `begin` and `end` (the waiter-sim's by default) replaced by `section`
    (appended when it has none)."""
    if begin in document and end in document:
        head, rest = document.split(begin, 1)
        return head + section + rest.split(end, 1)[1]
    return document.rstrip("\n") + "\n\n" + section + "\n"


def main():
    parser = argparse.ArgumentParser(description="Simulate the module's waiter at KMS speed; rewrites its section of docs/performance.md.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the Markdown report to update (default: docs/performance.md)")
    parser.add_argument("--print", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    section = markdown()
    if args.print:
        print(section)
        return 0
    document = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    args.output.write_text(replace_section(document, section), encoding="utf-8")
    print(section)
    print("\nwaiter_sim: wrote its section of %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

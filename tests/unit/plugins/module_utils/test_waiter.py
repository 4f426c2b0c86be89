# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_api/waiter.py with a scripted client and a clock that moves only when the waiter sleeps."""

import random
import statistics

import pytest

from ansible_collections.kms.xks.plugins.module_utils._api import waiter as _waiter
from ansible_collections.kms.xks.tests.unit import stores as s


class ScriptedKms:
    """describe_custom_key_stores answers with the given states in turn (the last one repeats)."""

    def __init__(self, *states, error_code=None):
        self.states = list(states)
        self.error_code = error_code
        self.polls = 0

    def describe_custom_key_stores(self, CustomKeyStoreId=None, aws_retry=False):  # noqa: N803  (the boto3 name)
        assert CustomKeyStoreId == s.STORE_ID
        state = self.states[min(self.polls, len(self.states) - 1)]
        self.polls += 1
        if state is None:
            return s.described()
        return s.described(s.store(state, error_code=self.error_code if state == "FAILED" else None))


class TimedKms:
    """describe_custom_key_stores answers CONNECTING until `transition` seconds after the wait began, then CONNECTED;
    records when each poll came (seconds from the start of the wait)."""

    def __init__(self, clock, transition):
        self.clock, self.began, self.transition = clock, clock.now, transition
        self.polls = []

    def describe_custom_key_stores(self, CustomKeyStoreId=None, aws_retry=False):  # noqa: N803  (the boto3 name)
        moment = self.clock.now - self.began
        self.polls.append(moment)
        return s.described(s.store("CONNECTED" if moment >= self.transition else "CONNECTING"))

    def lag(self):
        return self.polls[-1] - self.transition


class Jitter:
    """Stands in for the waiter's `random`: every draw at the shortest or the longest end of its range."""

    def __init__(self, end):
        self.end = end

    def uniform(self, shortest, longest):
        return shortest if self.end == "shortest" else longest


@pytest.fixture(autouse=True)
def seeded_jitter(monkeypatch):
    """The same jitter on every run."""
    monkeypatch.setattr(_waiter, "random", random.Random(10))


FIRST_POLL = _waiter.POLL_SCHEDULE[0][1]


def wait(client, target, clock, timeout=1200):
    return _waiter.wait_for_state(client, s.STORE_ID, target, timeout)


def test_returns_the_entry_once_the_state_is_reached(clock):
    client = ScriptedKms("CONNECTING", "CONNECTING", "CONNECTED")

    entry = wait(client, "CONNECTED", clock)

    assert entry["ConnectionState"] == "CONNECTED"
    assert client.polls == 3
    assert clock.sleeps == [FIRST_POLL, 3.0, 3.0]


def test_the_first_poll_comes_after_the_first_delay(clock):
    # Every wait follows a Connect/Disconnect or a transient state just seen: an immediate poll would be wasted.
    client = ScriptedKms("DISCONNECTED")

    entry = wait(client, "DISCONNECTED", clock)

    assert entry["ConnectionState"] == "DISCONNECTED"
    assert client.polls == 1 and clock.sleeps == [FIRST_POLL]


# -- the schedule's properties (benchmarks/waiter_sim.py measures them at length) -------------------

@pytest.mark.parametrize("end", ["shortest", "longest"])
@pytest.mark.parametrize("transition", [1.0, 1.05])
def test_a_test_bed_transition_of_one_second_ends_in_the_first_poll(transition, end, clock, monkeypatch):
    # The test bed's default delay is 1 s, plus its health check; the integration suites wait on it often.
    monkeypatch.setattr(_waiter, "random", Jitter(end))
    client = TimedKms(clock, transition)

    wait(client, "CONNECTED", clock)

    assert len(client.polls) == 1
    assert 0 <= client.lag() <= 0.25


@pytest.mark.parametrize("end", ["shortest", "longest"])
def test_at_kms_speed_a_transition_is_noticed_within_6_s(end, clock, monkeypatch):
    monkeypatch.setattr(_waiter, "random", Jitter(end))
    for transition in range(240, 361, 3):
        client = TimedKms(clock, transition)

        wait(client, "CONNECTED", clock)

        assert 0 <= client.lag() <= 6.0, transition


def test_at_kms_speed_the_median_lag_is_at_most_3_s(clock):
    rng = random.Random(1)
    lags = []
    for _wait in range(300):
        client = TimedKms(clock, rng.uniform(240, 360))
        wait(client, "CONNECTED", clock)
        lags.append(client.lag())

    assert statistics.median(lags) <= 3.0


@pytest.mark.parametrize("end", ["shortest", "longest"])
def test_one_store_is_polled_at_most_once_per_3_s(end, clock, monkeypatch):
    # A wait that never ends polls as densely as the schedule ever does: after the first poll, never two polls
    # within 3 s (the per-store budget), and at the KMS quota of 5 per second ten stores could not exceed it on average.
    monkeypatch.setattr(_waiter, "random", Jitter(end))
    client = TimedKms(clock, float("inf"))

    with pytest.raises(_waiter.WaitTimeoutError):
        wait(client, "CONNECTED", clock, timeout=900)

    gaps = [later - earlier for earlier, later in zip(client.polls, client.polls[1:])]
    assert client.polls[0] == FIRST_POLL
    assert min(gaps[:-1]) >= 3.0  # the last one is cut short by the timeout
    assert len(client.polls) <= 900 / 3.0
    assert 10 * len(client.polls) / 900 <= 5


def test_ten_stores_that_start_together_do_not_poll_in_step(clock):
    # KMS allows 5 DescribeCustomKeyStores per second per account and Region; ten stores polling in the same
    # second every time would be throttled at every poll. The jitter spreads them out after the first polls.
    polls = []
    for _store in range(10):
        client = TimedKms(clock, 330.0)
        wait(client, "CONNECTED", clock)
        polls += [moment for moment in client.polls if moment >= 200]

    polls.sort()
    busiest_second = max(sum(1 for other in polls if moment <= other < moment + 1) for moment in polls)
    assert busiest_second < 10
    assert len(polls) / (polls[-1] - 200) <= 5


def test_a_transition_under_way_is_noticed_within_25_s_between_the_test_bed_and_kms(clock, monkeypatch):
    # A run that finds a store already CONNECTING joins its transition at an unknown point.
    monkeypatch.setattr(_waiter, "random", Jitter("longest"))
    for transition in range(1, 240, 7):
        client = TimedKms(clock, transition)

        wait(client, "CONNECTED", clock)

        assert client.lag() <= 25.0, transition


@pytest.mark.parametrize("code", ["XKS_PROXY_NOT_REACHABLE", "INVALID_CREDENTIALS", "SOMETHING_NEW"])
def test_failed_ends_a_wait_for_connected_at_once(code, clock):
    client = ScriptedKms("CONNECTING", "FAILED", error_code=code)

    with pytest.raises(_waiter.ConnectionFailedError) as raised:
        wait(client, "CONNECTED", clock)

    assert client.polls == 2
    assert raised.value.code == code
    assert raised.value.entry["ConnectionState"] == "FAILED"
    assert "ConnectionErrorCode %s" % code in raised.value.message and s.STORE_ID in raised.value.message


def test_the_timeout_names_the_target_and_the_state_reached(clock):
    client = ScriptedKms("DISCONNECTING")

    with pytest.raises(_waiter.WaitTimeoutError) as raised:
        wait(client, "DISCONNECTED", clock, timeout=60)

    assert "Timed out after 60s" in raised.value.message
    assert "to be DISCONNECTED; it is DISCONNECTING." in raised.value.message
    assert raised.value.entry["ConnectionState"] == "DISCONNECTING"
    assert sum(clock.sleeps) == pytest.approx(60)


def test_a_store_that_disappears_is_an_error(clock):
    client = ScriptedKms("DISCONNECTING", None)

    with pytest.raises(_waiter.AnsibleXksError) as raised:
        wait(client, "DISCONNECTED", clock)

    assert "disappeared" in raised.value.message


@pytest.mark.parametrize("states, settled", [
    (["CONNECTING", "CONNECTED"], "CONNECTED"),
    (["DISCONNECTING", "DISCONNECTED"], "DISCONNECTED"),
    (["CONNECTING", "FAILED"], "FAILED"),
])
def test_wait_for_settled_stops_at_any_settled_state(states, settled, clock):
    client = ScriptedKms(*states, error_code="XKS_PROXY_TIMED_OUT")

    entry = _waiter.wait_for_settled(client, s.STORE_ID, 600)

    assert entry["ConnectionState"] == settled
    assert client.polls == 2


def test_a_wait_shows_each_state_it_sees_to_its_observer(clock):
    client = ScriptedKms("DISCONNECTING", "DISCONNECTING", "DISCONNECTED")
    seen = []

    _waiter.wait_for_state(client, s.STORE_ID, "DISCONNECTED", 1200, observe=seen.append)

    assert seen == ["DISCONNECTING", "DISCONNECTING", "DISCONNECTED"]


def test_the_timeline_notes_each_new_state_and_sums_the_time_not_connected(clock):
    fake = clock
    fake.now = 50.0
    timeline = _waiter.Timeline()
    for at, state in ((0.0, "CONNECTED"), (1.0, "DISCONNECTING"), (4.0, "DISCONNECTING"), (6.0, "DISCONNECTED"), (7.0, "CONNECTING"),
                      (10.0, "CONNECTED"), (12.0, "CONNECTED")):
        fake.now = 50.0 + at
        timeline.record(state)

    assert [(entry["state"], entry["elapsed_seconds"]) for entry in timeline.entries] == [
        ("CONNECTED", 0.0), ("DISCONNECTING", 1.0), ("DISCONNECTED", 6.0), ("CONNECTING", 7.0), ("CONNECTED", 10.0)]
    assert timeline.entries[0]["at"].endswith("Z")
    assert timeline.seconds_not_connected() == 9.0
    fake.now = 50.0 + 20.0
    timeline.record("DISCONNECTING")
    fake.now = 50.0 + 25.0
    assert timeline.seconds_not_connected() == 14.0  # still not connected: counted until now

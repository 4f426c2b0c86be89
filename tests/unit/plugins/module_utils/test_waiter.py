# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_waiter.py with a scripted client and a clock that moves only when the waiter sleeps."""

import pytest

from ansible_collections.kms.xks.plugins.module_utils import _waiter
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


class Clock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


def wait(client, target, clock, timeout=1200):
    return _waiter.wait_for_state(client, s.STORE_ID, target, timeout, sleep=clock.sleep, clock=clock)


def test_returns_the_entry_once_the_state_is_reached(clock):
    client = ScriptedKms("CONNECTING", "CONNECTING", "CONNECTED")

    entry = wait(client, "CONNECTED", clock)

    assert entry["ConnectionState"] == "CONNECTED"
    assert client.polls == 3
    assert clock.sleeps == [_waiter.FIRST_DELAY, _waiter.FIRST_DELAY * 2, _waiter.FIRST_DELAY * 4]


def test_the_first_poll_comes_after_the_first_delay(clock):
    # Every wait follows a Connect/Disconnect or a transient state just seen: an immediate poll would be wasted.
    client = ScriptedKms("DISCONNECTED")

    entry = wait(client, "DISCONNECTED", clock)

    assert entry["ConnectionState"] == "DISCONNECTED"
    assert client.polls == 1 and clock.sleeps == [_waiter.FIRST_DELAY]


def test_the_backoff_is_capped_and_polls_stay_frequent_enough(clock):
    client = ScriptedKms(*(["CONNECTING"] * 40 + ["CONNECTED"]))

    wait(client, "CONNECTED", clock)

    assert max(clock.sleeps) == _waiter.MAX_DELAY
    assert clock.sleeps == sorted(clock.sleeps)
    assert sum(clock.sleeps) < 40 * _waiter.MAX_DELAY


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
    assert sum(clock.sleeps) == 60


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

    entry = _waiter.wait_for_settled(client, s.STORE_ID, 600, sleep=clock.sleep, clock=clock)

    assert entry["ConnectionState"] == settled
    assert client.polls == 2


def test_a_wait_shows_each_state_it_sees_to_its_observer(clock):
    client = ScriptedKms("DISCONNECTING", "DISCONNECTING", "DISCONNECTED")
    seen = []

    _waiter.wait_for_state(client, s.STORE_ID, "DISCONNECTED", 1200, sleep=clock.sleep, clock=clock, observe=seen.append)

    assert seen == ["DISCONNECTING", "DISCONNECTING", "DISCONNECTED"]


class MonotonicClock:
    """Stands in for the time module in _waiter: monotonic() is what the test sets."""

    def __init__(self):
        self.now = 50.0

    def monotonic(self):
        return self.now


def test_the_timeline_notes_each_new_state_and_sums_the_time_not_connected(monkeypatch):
    fake = MonotonicClock()
    monkeypatch.setattr(_waiter, "time", fake)
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

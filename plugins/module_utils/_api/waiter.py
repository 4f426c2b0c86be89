# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for an external key store to reach CONNECTED or DISCONNECTED.

botocore has no KMS waiters, so this polls DescribeCustomKeyStores on ``POLL_SCHEDULE`` (how it
was chosen: docs/performance.md, "The waiter at KMS speed"). FAILED ends the wait at once.
"""

import datetime
import random
import time

from ansible_collections.kms.xks.plugins.module_utils._transformations.connection_errors import connection_error_hint
from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import describe_key_store
from ansible_collections.kms.xks.plugins.module_utils._common.states import CONNECTED
from ansible_collections.kms.xks.plugins.module_utils._common.states import FAILED
from ansible_collections.kms.xks.plugins.module_utils._common.states import TRANSIENT_STATES


# (from second, shortest sleep, longest sleep): the sleep before each poll is drawn uniformly from the
# last phase begun by then (seconds since the wait began). The first poll at 1.25 s sees the test
# bed's 1 s transitions (plus its health check); 3 s polls follow for short or failing ones. KMS
# takes 4-6 minutes: sparse polls until 200 s, then dense ones (median notice lag 2.5 s, never two
# polls of a store within 3 s). Jitter keeps stores of one account that wait at once apart (KMS allows
# 5 DescribeCustomKeyStores per second per account and Region). Measured: benchmarks/waiter_sim.py.
POLL_SCHEDULE = (
    (0.0, 1.25, 1.25),
    (1.0, 3.0, 3.0),
    (10.0, 15.0, 25.0),
    (200.0, 4.0, 6.0),
    (420.0, 10.0, 15.0),
)


def poll_sleep(elapsed):
    """Seconds to sleep before the next poll, ``elapsed`` seconds after the wait began."""
    _start, shortest, longest = [phase for phase in POLL_SCHEDULE if phase[0] <= elapsed][-1]
    return random.uniform(shortest, longest)


class ConnectionFailedError(AnsibleXksError):
    """The store went to FAILED while we waited for it to connect."""

    def __init__(self, store_id, code, entry):
        hint = connection_error_hint(code) or ""
        super().__init__(message="External key store %s failed to connect: ConnectionErrorCode %s. %s" % (store_id, code, hint))
        self.code = code
        self.entry = entry


class WaitTimeoutError(AnsibleXksError):
    """The store did not reach the state in time."""

    def __init__(self, store_id, target, entry, timeout):
        reached = entry.get("ConnectionState") if entry else "unknown"
        self.target, self.reached, self.timeout = target, reached, timeout
        super().__init__(
            message="Timed out after %ss waiting for external key store %s to be %s; it is %s. KMS takes about five minutes per "
            "transition: run the task again (it resumes from the current state) or raise wait_timeout." % (timeout, store_id, target, reached)
        )
        self.entry = entry


class Timeline:
    """The connection states a run saw, each with its time, so that a long wait is not silent.

    Times come from ``time.monotonic``; ``at`` is the wall-clock time the run started plus that elapsed time.
    """

    def __init__(self):
        self._start = time.monotonic()
        self._started_at = datetime.datetime.now(datetime.timezone.utc)
        self.entries = []

    def elapsed(self):
        return time.monotonic() - self._start

    def record(self, state):
        """Note ``state`` now, unless it is the state last noted."""
        if self.entries and self.entries[-1]["state"] == state:
            return
        elapsed = round(self.elapsed(), 3)
        at = self._started_at + datetime.timedelta(seconds=elapsed)
        self.entries.append(dict(state=state, at=at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), elapsed_seconds=elapsed))

    def seconds_not_connected(self):
        """How long the store was not CONNECTED since the first state noted (until now if it still is not)."""
        total = 0.0
        for index, entry in enumerate(self.entries):
            if entry["state"] != CONNECTED:
                until = self.entries[index + 1]["elapsed_seconds"] if index + 1 < len(self.entries) else self.elapsed()
                total += until - entry["elapsed_seconds"]
        return round(total, 3)


def _poll(client, store_id, done, target, timeout, observe=None):
    """Describe the store until ``done(state)``; FAILED ends a wait for CONNECTED at once. ``observe(state)`` sees each poll."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        # Sleep first: every wait follows our own Connect/Disconnect or a transient state just seen,
        # so an immediate poll could never end it.
        time.sleep(min(poll_sleep(time.monotonic() - started), max(deadline - time.monotonic(), 0)))
        entry = describe_key_store(client, store_id=store_id)
        if entry is None:
            raise AnsibleXksError(message="External key store %s disappeared while waiting for it to be %s." % (store_id, target))
        state = entry.get("ConnectionState")
        if observe is not None:
            observe(state)
        if done(state):
            return entry
        if state == FAILED and target == CONNECTED:
            raise ConnectionFailedError(store_id, entry.get("ConnectionErrorCode"), entry)
        if deadline - time.monotonic() <= 0:
            raise WaitTimeoutError(store_id, target, entry, timeout)


def wait_for_state(client, store_id, target, timeout, observe=None):
    """Poll until the store is in ``target``; return its last DescribeCustomKeyStores entry.

    Raises ConnectionFailedError on FAILED, WaitTimeoutError when ``timeout`` seconds pass.
    """
    return _poll(client, store_id, lambda state: state == target, target, timeout, observe)


def wait_for_settled(client, store_id, timeout, observe=None):
    """Poll until the store is no longer CONNECTING or DISCONNECTING (FAILED is settled too)."""
    return _poll(client, store_id, lambda state: state not in TRANSIENT_STATES, "CONNECTED, DISCONNECTED or FAILED", timeout, observe)

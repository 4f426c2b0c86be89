# -*- coding: utf-8 -*-
"""Eventual consistency of UpdateCustomKeyStore.

"When the edit operation completes, the updated property values ... appear in ... the
DescribeCustomKeyStores response. However, it can take up to five minutes for the changes to be fully
effective." (Developer Guide, update-xks-keystore). The spec's credential rotation says the same: "After
some time, all hosts in AWS KMS will switch over to using the new credentials".

So a store's proxy settings are a Lagging value: the rules and Describe read `current`; what KMS sends
to the proxy (connect health checks, periodic health checks, crypto) reads `effective()`, which stays
the old value for the consistency delay after each change.
"""

import threading
import time


class Lagging(object):
    """A value whose changes become effective `delay` seconds after they are made."""

    def __init__(self, value):
        self._lock = threading.Lock()
        self.current = value
        self._old = None
        self._until = 0.0

    def change(self, value, delay):
        """Make `value` current; until `delay` seconds have passed, effective() still gives what was effective before."""
        with self._lock:
            old = self._effective()
            self.current = value
            if delay > 0 and old is not value:
                self._old, self._until = old, time.monotonic() + delay
            else:
                self._old = None

    def effective(self):
        with self._lock:
            return self._effective()

    def _effective(self):
        if self._old is not None and time.monotonic() < self._until:
            return self._old
        self._old = None
        return self.current

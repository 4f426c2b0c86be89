# -*- coding: utf-8 -*-
"""The emulator's record of KMS calls and store state transitions (what benchmarks count and time).

A call is one HTTP request to a KMS action (each attempt of a retrying client counts):
  {"operation", "time" (epoch seconds, on arrival), "status" (HTTP status; None when a fault dropped
   the connection), "account_id", "region" (the caller's: moto's account for the access key, the
   signing Region)[, "custom_key_store_id"][, "custom_key_store_name"][, "connection_states"]}
custom_key_store_id is the request's, or the one CreateCustomKeyStore returned; connection_states
({id: ConnectionState}) is what a DescribeCustomKeyStores answer showed.
A transition is a ConnectionState a store entered: {"state", "time"}, per store id, oldest first.
"""

import collections
import threading
import time

# The oldest calls are dropped beyond this (a long test run must not grow the emulator without end).
MAX_CALLS = 10000


class CallLog(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._calls = collections.deque(maxlen=MAX_CALLS)
        self._transitions = {}

    def call(self, operation, started, status, store_id=None, store_name=None, states=None, caller=(None, None)):
        entry = {"operation": operation, "time": started, "status": status, "account_id": caller[0], "region": caller[1]}
        if store_id:
            entry["custom_key_store_id"] = store_id
        if store_name:
            entry["custom_key_store_name"] = store_name
        if states is not None:
            entry["connection_states"] = states
        with self._lock:
            self._calls.append(entry)

    def transition(self, store_id, state):
        with self._lock:
            self._transitions.setdefault(store_id, []).append({"state": state, "time": time.time()})

    def describe(self):
        with self._lock:
            return {
                "calls": [dict(entry) for entry in self._calls],
                "transitions": {store_id: [dict(entry) for entry in entries] for store_id, entries in self._transitions.items()},
            }

    def clear(self):
        with self._lock:
            self._calls.clear()
            self._transitions = {}


CALLS = CallLog()

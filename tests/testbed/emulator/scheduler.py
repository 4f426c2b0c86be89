# -*- coding: utf-8 -*-
"""Timers that finish CONNECTING / DISCONNECTING in the background, so requests never wait on them."""

import sys
import threading
import traceback


class Scheduler(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._timers = set()

    def later(self, delay, function):
        """Run `function()` in its own thread after `delay` seconds."""
        timer = None

        def run():
            try:
                function()
            except Exception:  # pylint: disable=broad-except
                # A failed transition must show up in the log, not kill the server.
                traceback.print_exc(file=sys.stderr)
            finally:
                with self._lock:
                    self._timers.discard(timer)

        timer = threading.Timer(delay, run)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def cancel_all(self):
        with self._lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()

    def pending(self):
        with self._lock:
            return len(self._timers)


SCHEDULER = Scheduler()

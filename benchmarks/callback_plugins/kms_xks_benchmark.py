# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Callback of benchmarks/run.py: when each task started and ended, one JSON line per task."""

DOCUMENTATION = r"""
name: kms_xks_benchmark
type: aggregate
short_description: Task start and end times for the kms.xks benchmark
description:
  - Appends one JSON object per task to a file, with the task name, its start and end (epoch seconds,
    the clock of the KMS emulator's call log), its status, C(changed) and the C(actions) of kms.xks.xks_keystore.
  - Used by benchmarks/run.py; not part of the collection.
options:
  output:
    description: The file to append to.
    type: path
    required: true
    env:
      - name: KMS_XKS_BENCHMARK_TIMINGS
"""

import json
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "kms_xks_benchmark"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.time()  # pylint: disable=protected-access

    def _record(self, result, status):
        ended = time.time()
        task, outcome = result._task, result._result  # pylint: disable=protected-access
        entry = {
            "name": task.get_name(),
            "start": self._started.get(task._uuid, ended),  # pylint: disable=protected-access
            "end": ended,
            "status": status,
            "changed": bool(outcome.get("changed")),
        }
        if "actions" in outcome:
            entry["actions"] = outcome["actions"]
        if status == "failed":
            entry["msg"] = outcome.get("msg")
        with open(self.get_option("output"), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

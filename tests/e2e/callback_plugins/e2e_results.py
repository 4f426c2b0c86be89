# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes the custom stats of a playbook run (ansible.builtin.set_stats, not per host) to the JSON file
named by E2E_RESULTS_FILE.

The end-to-end harness (tests/e2e/harness.py) ends every playbook with a set_stats task that gathers
the registered results: unlike a copy task (two module runs, about two seconds), it runs on the
controller and costs nothing.
"""

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: e2e_results
type: aggregate
short_description: Write a playbook's custom stats to the JSON file named by E2E_RESULTS_FILE
description:
  - Used by the end-to-end tests of kms.xks (tests/e2e) only.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "e2e_results"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("E2E_RESULTS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(stats.custom.get("_run", {}), handle, indent=2, sort_keys=True, default=str)

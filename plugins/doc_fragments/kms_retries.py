# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The one retry layer of the KMS calls (plugins/module_utils/_common/retries.py) and its budget.
    DOCUMENTATION = r"""
options: {}
notes:
  - Each KMS call is retried by one layer only, with a jittered backoff, at most 8 attempts and at most 60 seconds of
    sleeps between them (botocore's own retries are turned off). It retries C(ThrottlingException), C(KMSInternalException),
    server errors and a connection that KMS closed without an answer; never C(LimitExceededException) (the quota of custom
    key stores, which waiting does not lift) nor an endpoint that cannot be reached. An O(aws_config) with C(retries)
    turns botocore's own retries back on, on top of this layer.
"""

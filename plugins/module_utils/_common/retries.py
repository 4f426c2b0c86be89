# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry layer of the kms.xks KMS calls, and its budget.

KmsRetry (amazon.aws's AWSRetry, jittered backoff) is the only layer: botocore's own retries are
turned off for KMS clients (``KMS_RETRIES``), so one call makes at most ``ATTEMPTS`` HTTP requests
and sleeps at most ``MAX_BACKOFF_SECONDS`` in all. It retries what KMS documents as retryable
(throttling, KMSInternalException, 5xx) and a connection that KMS closed without an answer, never
LimitExceededException (the quota of 10 custom key stores, which waiting does not lift;
botocore's standard mode would retry it as throttling), nor an endpoint that cannot be reached at
all (EndpointConnectionError: a wrong endpoint or Region stays wrong). An ``aws_config`` with
``retries`` turns botocore's layer back on, on top of this one.
"""

try:
    from botocore.exceptions import ClientError
    from botocore.exceptions import ConnectionClosedError
except ImportError:
    ClientError = ConnectionClosedError = None  # the modules report a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# botocore sends each request once: KmsRetry is the only layer.
KMS_RETRIES = {"mode": "standard", "total_max_attempts": 1}

ATTEMPTS = 8
FIRST_DELAY = 1
LONGEST_DELAY = 15
# The sleeps are drawn from 0 up to 1, 2, 4, 8, 15, 15 and 15 seconds: at most 60 s in all.
MAX_BACKOFF_SECONDS = sum(min(FIRST_DELAY * 2 ** retry, LONGEST_DELAY) for retry in range(ATTEMPTS - 1))

# KMS answers bursts with ThrottlingException and transient faults with KMSInternalException
# (documented as retryable); AWSRetry does not know either name.
RETRYABLE_KMS_ERROR_CODES = ["ThrottlingException", "KMSInternalException"]
# What KmsRetry calls a connection that KMS closed without an answer (not an AWS error code).
CONNECTION_CLOSED = "ConnectionClosedError"


class KmsRetry(AWSRetry):
    """AWSRetry that also retries a connection closed without an answer; AWSRetry only retries AWS errors."""

    base_class = (ClientError, ConnectionClosedError) if ClientError else type(None)

    @staticmethod
    def status_code_from_exception(error):
        if ConnectionClosedError is not None and isinstance(error, ConnectionClosedError):
            return CONNECTION_CLOSED
        return AWSRetry.status_code_from_exception(error)


def kms_retry():
    """The retry decorator for KMS calls: jittered backoff, at most ATTEMPTS attempts and MAX_BACKOFF_SECONDS of sleeps."""
    return KmsRetry.jittered_backoff(
        retries=ATTEMPTS, delay=FIRST_DELAY, backoff=2.0, max_delay=LONGEST_DELAY,
        catch_extra_error_codes=RETRYABLE_KMS_ERROR_CODES + [CONNECTION_CLOSED],
    )

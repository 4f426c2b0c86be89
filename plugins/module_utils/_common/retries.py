# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry policy of the kms.xks KMS calls."""

try:
    from botocore.exceptions import ClientError
    from botocore.exceptions import ConnectionClosedError
except ImportError:
    ClientError = ConnectionClosedError = None  # the modules report a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# botocore's default (standard) retry mode retries LimitExceededException as throttling, though for
# KMS it is the quota of 10 custom key stores; its legacy mode retries throttling, 5xx and socket
# errors for KMS but not that. kms_retry() retries what KMS documents as retryable.
KMS_RETRIES = {"mode": "legacy"}

# KMS answers bursts with ThrottlingException and transient faults with KMSInternalException
# (documented as retryable); AWSRetry does not know either name.
RETRYABLE_KMS_ERROR_CODES = ["ThrottlingException", "KMSInternalException"]
# What KmsRetry calls a connection that KMS closed without an answer (not an AWS error code).
CONNECTION_CLOSED = "ConnectionClosedError"


class KmsRetry(AWSRetry):
    """AWSRetry that also retries a connection closed without an answer: botocore's own retries (3
    attempts in its standard mode) end within a second or two, and AWSRetry only retries AWS errors."""

    base_class = (ClientError, ConnectionClosedError) if ClientError else type(None)

    @staticmethod
    def status_code_from_exception(error):
        if ConnectionClosedError is not None and isinstance(error, ConnectionClosedError):
            return CONNECTION_CLOSED
        return AWSRetry.status_code_from_exception(error)


def kms_retry():
    """The retry decorator for KMS calls: jittered backoff, at most ~1 minute in all."""
    return KmsRetry.jittered_backoff(
        retries=8, delay=1, backoff=2.0, max_delay=15, catch_extra_error_codes=RETRYABLE_KMS_ERROR_CODES + [CONNECTION_CLOSED]
    )

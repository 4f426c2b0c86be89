# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors, error handlers and the retry policy shared by the kms.xks modules."""

try:
    from botocore.exceptions import ClientError
    from botocore.exceptions import ConnectionClosedError
except ImportError:
    ClientError = ConnectionClosedError = None  # the modules report a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

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


class AnsibleXksError(AnsibleAWSError):
    """A failure the modules report with fail_json_aws_error."""


class XksErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleXksError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("CustomKeyStoreNotFoundException")


def error_code(exc):
    """The AWS error code behind an AnsibleXksError (or a ClientError), or None."""
    inner = getattr(exc, "exception", exc)
    response = getattr(inner, "response", None) or {}
    return response.get("Error", {}).get("Code")

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's error type and its AWS error handler."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class AnsibleXksError(AnsibleAWSError):
    """A failure the modules report with fail_json_aws_error."""


class XksValidationError(AnsibleXksError):
    """Bad input; the message names the option and carries no secret."""


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

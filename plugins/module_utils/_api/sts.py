# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The caller's identity (STS), which a GetKeyMetadata from the controller names as KMS names its caller (awsPrincipalArn)."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksErrorHandler


@XksErrorHandler.common_error_handler("get the caller identity (STS) for the proxy's requestMetadata")
def caller_arn(sts):
    return sts.get_caller_identity(aws_retry=True)["Arn"]


def module_caller_arn(module):
    """The ARN of the principal the module runs as (one GetCallerIdentity, retried)."""
    return caller_arn(module.client("sts", retry_decorator=AWSRetry.jittered_backoff()))

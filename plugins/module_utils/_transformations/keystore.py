# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A DescribeCustomKeyStores entry as the modules return it."""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.kms.xks.plugins.module_utils._transformations.connection_errors import connection_error_hint


def normalize_key_store(entry):
    """A DescribeCustomKeyStores entry as the modules return it: snake_case, ISO dates, and a hint for a failure."""
    if entry is None:
        return {}
    result = camel_dict_to_snake_dict(normalize_boto3_result(entry))
    hint = connection_error_hint(entry.get("ConnectionErrorCode"))
    if hint:
        result["connection_error_hint"] = hint
    return result

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_key's bad input fails before any API call, naming the option (rules from botocore's KMS model)."""

import pytest

from ansible_collections.kms.xks.plugins.modules.xks_key import main
from ansible_collections.kms.xks.tests.unit import stores as s


@pytest.mark.parametrize("args,message", [
    ({"alias": "pay ments"}, "alias: 'alias/pay ments' is not valid"),
    ({"alias": "aws/payments"}, "begins with alias/aws/"),
    ({"alias": "p", "xks_key_id": "bad/id"}, "xks_key_id: 'bad/id' is not valid"),
    ({"alias": "p", "xks_key_id": "x" * 129}, "xks_key_id: "),
    ({"alias": "p", "policy": "{not json"}, "policy is not valid JSON"),
    ({"alias": "p", "policy": "[]"}, "policy must be a JSON object"),
    ({"alias": "p", "tags": {"k" * 129: "v"}}, "tags: key"),
    ({"alias": "p", "description": "d" * 8193}, "description: "),
    ({"alias": "p", "custom_key_store_id": ""}, "custom_key_store_id: "),
])
def test_bad_input_names_the_option_before_any_call(run_module, args, message):
    result = run_module(main, args)

    assert result["failed"] is True and message in result["msg"]
    assert run_module.operations == []


def test_the_store_is_given_by_id_or_name_not_both(run_module):
    result = run_module(main, {"alias": "p", "custom_key_store_id": s.STORE_ID, "custom_key_store_name": s.STORE_NAME})

    assert result["failed"] is True and "mutually exclusive" in result["msg"]


def test_a_bad_secret_is_refused_before_any_call_and_never_shown(run_module):
    bad = "not/a/valid secret!" * 3
    result = run_module(main, {"alias": "p", "xks_proxy_authentication_credential": s.credential(secret=bad)})

    assert result["failed"] is True and "xks_proxy_authentication_credential.raw_secret_access_key" in result["msg"]
    assert bad not in result["_stdout"] and run_module.operations == []


def test_a_credential_in_a_bad_shape_is_never_shown(run_module):
    result = run_module(main, {"alias": "p", "xks_proxy_authentication_credential": [s.SECRET]})

    assert result["failed"] is True and "xks_proxy_authentication_credential" in result["msg"]
    assert s.SECRET not in result["_stdout"]

# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Builders for the unit tests: DescribeCustomKeyStores entries, task arguments, and the KMS call
sequences that xks_keystore makes, queued on the conftest ``run_module`` Stubber in order.

The values are those of the AWS guide's examples (seed), made valid where the guide's placeholders
are not (KMS wants access key IDs of A-Z and 2-7 only).
"""

import copy
import datetime

from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.kms.xks.tests.unit.fake_proxy import ADDRESSES

STORE_ID = "cks-1234567890abcdef0"
OTHER_ID = "cks-0fedcba0987654321"
STORE_NAME = "ExampleXks"
CREATED = datetime.datetime(2026, 11, 28, 10, 0, 0, tzinfo=datetime.timezone.utc)

PUBLIC = "PUBLIC_ENDPOINT"
VPC = "VPC_ENDPOINT_SERVICE"
# The endpoints are the unit tests' fake proxy (tests/unit/fake_proxy.py): a preflight reaches it.
PUBLIC_ENDPOINT, PRIVATE_ENDPOINT, NEW_PUBLIC_ENDPOINT = ("https://%s" % address for address in ADDRESSES)
URI_PATH = "/example-prefix/kms/xks/v1"
PLAIN_PATH = "/kms/xks/v1"
VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-example"
OTHER_VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
OWNER = "111122223333"
OTHER_OWNER = "444455556666"

ACCESS_KEY_ID = "AKIAXKSPROXYEXAMPLE2"
NEW_ACCESS_KEY_ID = "AKIAXKSPROXYROTATED3"
# Distinctive enough that finding it anywhere in a module's stdout is a leak, not a coincidence.
SECRET = "Sx7kQ2mVn9bLr4TcWp8YfZ3dHj6GaE5uXk1NqR0sTvMz"
NEW_SECRET = "Rq4Wn8ZtKc2Vb6YmLp0Xj3Hf7Gd1Sa9NeUuQrT5kPyBw"

BY_ID = {"CustomKeyStoreId": STORE_ID}


def store(state="CONNECTED", name=STORE_NAME, store_id=STORE_ID, connectivity=PUBLIC, endpoint=None, path=URI_PATH,
          access_key_id=ACCESS_KEY_ID, service_name=None, owner=None, error_code=None, store_type="EXTERNAL_KEY_STORE"):
    """A DescribeCustomKeyStores entry of an external key store, as KMS reports it."""
    config = {
        "Connectivity": connectivity,
        "AccessKeyId": access_key_id,
        "UriEndpoint": endpoint or (PRIVATE_ENDPOINT if connectivity == VPC else PUBLIC_ENDPOINT),
        "UriPath": path,
    }
    if connectivity == VPC:
        config["VpcEndpointServiceName"] = service_name or VPC_SERVICE
        if owner:
            config["VpcEndpointServiceOwner"] = owner
    entry = {
        "CustomKeyStoreId": store_id,
        "CustomKeyStoreName": name,
        "CustomKeyStoreType": store_type,
        "ConnectionState": state,
        "CreationDate": CREATED,
        "XksProxyConfiguration": config,
    }
    if error_code:
        entry["ConnectionErrorCode"] = error_code
    return entry


def vpc_store(state="CONNECTED", **kwargs):
    return store(state, connectivity=VPC, **kwargs)


def in_state(entry, state, error_code=None):
    """The same entry in another connection state (KMS drops the error code unless FAILED)."""
    entry = copy.deepcopy(entry)
    entry["ConnectionState"] = state
    entry.pop("ConnectionErrorCode", None)
    if error_code:
        entry["ConnectionErrorCode"] = error_code
    return entry


def described(*entries):
    return {"CustomKeyStores": list(entries)}


def credential(access_key_id=ACCESS_KEY_ID, secret=SECRET):
    """The xks_proxy_authentication_credential option."""
    return {"access_key_id": access_key_id, "raw_secret_access_key": secret}


def api_credential(access_key_id=ACCESS_KEY_ID, secret=SECRET):
    """The XksProxyAuthenticationCredential parameter."""
    return {"AccessKeyId": access_key_id, "RawSecretAccessKey": secret}


def configuration_document(uri_path=URI_PATH, access_key_id=ACCESS_KEY_ID, secret=SECRET, **changes):
    """The JSON document of a proxy configuration file, as the KMS console accepts it (``changes`` replace or add keys)."""
    document = {"XksProxyUriPath": uri_path, "XksProxyAuthenticationCredential": api_credential(access_key_id, secret)}
    document.update(changes)
    return document


def create_args(**overrides):
    """xks_keystore arguments that create a public-endpoint store."""
    args = {
        "name": STORE_NAME,
        "xks_proxy_connectivity": PUBLIC,
        "xks_proxy_uri_endpoint": PUBLIC_ENDPOINT,
        "xks_proxy_uri_path": URI_PATH,
        "xks_proxy_authentication_credential": credential(),
    }
    args.update(overrides)
    return args


# -- KMS call sequences (queued in the order the module makes them) ---------------------------

def expect_lookup(run, entry, by_name=None):
    """The one DescribeCustomKeyStores the module starts with: by id, or by name when ``by_name`` is given."""
    params = {"CustomKeyStoreName": by_name} if by_name else BY_ID
    if entry is None:
        run.expect_error("describe_custom_key_stores", "CustomKeyStoreNotFoundException", "not found", expected_params=params)
    else:
        run.expect("describe_custom_key_stores", described(entry), params)


def expect_no_kms_keys(run):
    """The ListKeys with which state=absent looks for the store's KMS keys, before any change: the account has none."""
    run.expect("list_keys", {"Keys": [], "Truncated": False}, {})


NO_KMS_KEYS_STEP = ("list_keys", {"Keys": [], "Truncated": False}, {})


def expect_polls(run, *entries):
    for entry in entries:
        run.expect("describe_custom_key_stores", described(entry), BY_ID)


def expect_account_stores(run, *entries):
    """The one unfiltered DescribeCustomKeyStores before an edit disconnects a CONNECTED store (the uniqueness check):
    ``entries`` are the account's stores, the edited one among them."""
    run.expect("describe_custom_key_stores", described(*entries), {})


def expect_read_back(run, entry):
    """The DescribeCustomKeyStores after an update that ends the run."""
    expect_polls(run, entry)


def expect_disconnect(run, entry):
    """DisconnectCustomKeyStore, then the polls until ``entry`` is DISCONNECTED."""
    run.expect("disconnect_custom_key_store", {}, BY_ID)
    expect_polls(run, in_state(entry, "DISCONNECTING"), in_state(entry, "DISCONNECTED"))


def expect_connect(run, entry):
    """ConnectCustomKeyStore, then the polls until ``entry`` is CONNECTED."""
    run.expect("connect_custom_key_store", {}, BY_ID)
    expect_polls(run, in_state(entry, "CONNECTING"), in_state(entry, "CONNECTED"))


def expect_update(run, **params):
    """UpdateCustomKeyStore with exactly these parameters (besides the id)."""
    run.expect("update_custom_key_store", {}, dict(BY_ID, **params))


def expect_create(run, **params):
    run.expect("create_custom_key_store", {"CustomKeyStoreId": STORE_ID}, dict(CustomKeyStoreType="EXTERNAL_KEY_STORE", **params))


MUTATING = ("CreateCustomKeyStore", "UpdateCustomKeyStore", "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DeleteCustomKeyStore")


def mutating_calls(run):
    return [operation for operation in run.operations if operation in MUTATING]


def outage_windows(run):
    """How many times the run disconnected a store it later reconnected (or left disconnected)."""
    return run.operations.count("DisconnectCustomKeyStore")


# -- what the module returns ------------------------------------------------------------------

_TOP = {
    "CustomKeyStoreId": "custom_key_store_id",
    "CustomKeyStoreName": "custom_key_store_name",
    "CustomKeyStoreType": "custom_key_store_type",
    "ConnectionState": "connection_state",
    "ConnectionErrorCode": "connection_error_code",
    "CreationDate": "creation_date",
}
_CONFIG = {
    "Connectivity": "connectivity",
    "AccessKeyId": "access_key_id",
    "UriEndpoint": "uri_endpoint",
    "UriPath": "uri_path",
    "VpcEndpointServiceName": "vpc_endpoint_service_name",
    "VpcEndpointServiceOwner": "vpc_endpoint_service_owner",
}


def returned(entry):
    """``entry`` as RV(custom_key_store) shows it: snake_case, ISO date (without connection_error_hint)."""
    result = {}
    for key, value in entry.items():
        if key == "XksProxyConfiguration":
            result["xks_proxy_configuration"] = {_CONFIG[member]: item for member, item in value.items()}
        elif key == "CreationDate":
            result["creation_date"] = value.isoformat()
        else:
            result[_TOP[key]] = value
    return result


def without_hint(custom_key_store):
    return {key: value for key, value in custom_key_store.items() if key != "connection_error_hint"}


# A run of this many characters of a secret in output is a leak too (a part of it, cut or wrapped).
PIECE = 8


def pieces(secret, width=PIECE):
    """``secret`` and every ``width`` characters of it."""
    return {secret} | {secret[start:start + width] for start in range(len(secret) - width + 1)}


def leaked_pieces(text, *secrets):
    """The pieces of ``secrets`` (whole or any PIECE characters of one) found in ``text``."""
    return sorted(piece for secret in secrets for piece in pieces(secret) if piece in text)


def assert_no_secret(result, *secrets):
    """No secret, nor any PIECE characters of one, in the module's whole stdout, and no masked echo of one
    (Ansible masks a part of a value that holds a no_log value as ********)."""
    stdout = result["_stdout"]
    found = leaked_pieces(stdout, *(secrets or (SECRET, NEW_SECRET)))
    assert not found, "pieces of a secret in the output: %d" % len(found)
    assert "********" not in stdout


def warnings_of(result, but=None):
    """The warning texts of a result (ansible-core 2.19 returns WarningSummary dicts, older versions strings), without those
    that contain ``but``."""
    texts = []
    for warning in result.get("warnings", []):
        if isinstance(warning, dict):
            warning = (warning.get("event") or {}).get("msg", warning.get("msg", ""))
        if but is None or but not in warning:
            texts.append(warning)
    return texts


def kms_answer(universe, lookup):
    """DescribeCustomKeyStores as KMS answers it for ``lookup`` (a filter by CustomKeyStoreId or CustomKeyStoreName)."""
    (key, value), = lookup.items()
    return described(*[entry for entry in universe if entry[key] == value])


def neighbours():
    """Other stores of the same account and Region (the quota is 10)."""
    return [
        store(store_id="cks-%017d" % number, name="Other%d" % number, endpoint="https://proxy%d.xks.example.com" % number, path=PLAIN_PATH)
        for number in range(1, 9)
    ]


def forget_earlier_warnings():
    """Warnings and deprecations are process-wide in ansible-core: without this, a run would report an earlier run's."""
    for name in ("_global_warnings", "_global_deprecations"):
        getattr(ansible_warnings, name).clear()

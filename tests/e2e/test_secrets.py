# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""No secret in any output, at any verbosity: every path of every kms.xks module, run at -vvvv with --diff.

One playbook walks xks_keystore (create, each edit, check mode, failures, preflight, the proxy
configuration file, validation errors with bad secrets, retirement, delete), xks_keystore_info,
xks_key (create after its preflight, refusals, every credential shape, Unavailable, deletion) and
xks_proxy_health against the test bed. Everything it writes (stdout, stderr, the registered results
with their warnings and diffs) is searched for every secret involved: the live and spare proxy
credentials of testbed.json, the dummy AWS secret key, the secrets of the configuration files and the
bad secrets given. Each step's result must show that its path ran, so a step that silently did
something else cannot pass. A canary planted in a debug task and in a module warning proves that the
search finds what is there, in each channel.
"""

import json
import os
from urllib.parse import quote

import pytest

from harness import step
from leaks import WINDOW
from leaks import Secrets
from leaks import random_text

KEYSTORE = "kms.xks.xks_keystore"
INFO = "kms.xks.xks_keystore_info"
HEALTH = "kms.xks.xks_proxy_health"
KEY = "kms.xks.xks_key"
KEY_ALIAS = "e2e-leak-key"
PURGE_DELETED_KEYS = {"url": "{{ emulator_admin_url }}/keys/purge-pending-deletion", "method": "POST"}

STORE = "e2e-leak"
RENAMED = "e2e-leak-renamed"
VPC_STORE = "e2e-leak-vpc"
EXTRA_PATH = "/e2e/kms/xks/v1"
# The test bed holds that address with nothing listening: the controller and the emulator both find it
# unreachable (connection refused).
NOWHERE = "{{ xks_unreachable_endpoint }}"
VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
# Seconds the whole walk may take (2 shared cores; it takes about 3 minutes alone).
WALK_TIMEOUT = 600

P = "xks_proxy_primary"
S = "xks_proxy_secondary"
STORE_ID = "{{ r_create.custom_key_store.custom_key_store_id }}"
ARM_CONNECT_FAILURE = {
    "url": "{{ emulator_admin_url }}/faults",
    "method": "POST",
    "body_format": "json",
    "body": {"operation": "ConnectCustomKeyStore", "fault": "connect_failed", "error_code": "XKS_PROXY_NOT_REACHABLE"},
}
VPC_STORE_ID = "{{ r_vpc_create.custom_key_store.custom_key_store_id }}"


def live(proxy, index=0):
    return "{{ %s.credentials[%d] }}" % (proxy, index)


def spare(proxy, index):
    return "{{ %s.spare_credentials[%d] }}" % (proxy, index)


def at(proxy, credential=None):
    """Endpoint, path and credential options for a proxy instance of the test bed."""
    return {
        "xks_proxy_uri_endpoint": "{{ %s.endpoint }}" % proxy,
        "xks_proxy_uri_path": "{{ %s.uri_path }}" % proxy,
        "xks_proxy_authentication_credential": credential or live(proxy),
    }


def bad(secret_var):
    """A credential whose access key id is valid and whose secret is the play variable ``secret_var``."""
    return {"access_key_id": "{{ %s.credentials[0].access_key_id }}" % P, "raw_secret_access_key": "{{ %s }}" % secret_var}


def key(proxy, kind="credentials", index=0, member="raw_secret_access_key"):
    return "{{ %s.%s[%d].%s }}" % (proxy, kind, index, member)


def shapes(proxy):
    """xks_proxy_authentication_credential in every shape but the plain dict, for a live credential of ``proxy``:
    {shape: (value, accepted)}. The accepted ones are forms of the same credential."""
    akid, secret = key(proxy, member="access_key_id"), key(proxy)
    return {
        "string": (secret, False),  # a base64 secret ends in "=": as text it reads as "<most of the secret>="
        "list": (["{{ %s.credentials[0] }}" % proxy], False),
        "list_of_strings": ([akid, secret], False),
        "number": (12345678901234567890, False),
        "misspelt_key": ({"access_key_id": akid, "raw_secret_acess_key": secret}, False),
        "secret_as_key": ({secret: akid}, False),
        "swapped": ({"access_key_id": secret, "raw_secret_access_key": akid}, False),
        "json_misspelt_key": ('{"access_key_id": "%s", "secret": "%s"}' % (akid, secret), False),
        "json_cut_short": ('{"access_key_id": "%s", "raw_secret_access_key": "%s"' % (akid, secret), False),
        "key_value_broken": ("access_key_id=%s, %s" % (akid, secret), False),
        "json": ('{"access_key_id": "%s", "raw_secret_access_key": "%s"}' % (akid, secret), True),
        "key_value": ("access_key_id=%s raw_secret_access_key=%s" % (akid, secret), True),
    }


def shape_steps(module, args_for, success):
    """One step per shape of the credential: a refused shape fails naming the option (never showing the value)."""
    steps = []
    for name, (value, accepted) in shapes(P).items():
        expect = success if accepted else fails("xks_proxy_authentication_credential")
        steps.append((step("%s_shape_%s" % (module.rsplit(".", 1)[1], name), module, args_for(value)), expect))
    return steps


def ok(actions=None, changed=True, **expect):
    expect.update(failed=False, changed=changed)
    if actions is not None:
        expect["actions"] = actions
    return expect


def fails(*msg, **expect):
    expect.update(failed=True, msg=list(msg))
    return expect


def health(proxy_options, **options):
    args = {"region": "{{ aws_region }}"}
    args.update(proxy_options)
    args.update(options)
    return args


def reference(credential):
    """reference_proxy: the primary proxy, with ``credential`` as its authentication_credential."""
    return {"uri_endpoint": "{{ %s.endpoint }}" % P, "uri_path": "{{ %s.uri_path }}" % P, "authentication_credential": credential}


def same_material_both_keys(result):
    """The canary ran: both keys proven the same key material on the secondary as on the primary."""
    return [entry.get("same_key_material") for entry in result.get("keys", [])] == [True, True]


def audit_against_primary(reference_proxy):
    """xks_proxy_health of the secondary proxy, its key material compared with the primary's (the same key manager)."""
    return health(at(S), xks_key_ids=["xks-key-1", "xks-key-2"], reference_proxy=reference_proxy)


def reference_steps():
    """The reference proxy's credential in every shape, and a secret misplaced beside it: the accepted ones run the canary."""
    audited = ok(changed=False, healthy=True, outcome="healthy", check=same_material_both_keys)
    steps = [(step("health_reference_dict", HEALTH, audit_against_primary(reference(live(P)))), audited)]
    for name, (value, accepted) in shapes(P).items():
        # ansible-core names a suboption "reference_proxy -> authentication_credential", the module "reference_proxy.authentication_credential".
        expect = audited if accepted else fails("reference_proxy", "authentication_credential")
        steps.append((step("health_reference_shape_%s" % name, HEALTH, audit_against_primary(reference(value))), expect))
    misplaced = dict(reference({"access_key_id": key(P, member="access_key_id")}), raw_secret_access_key=key(P))
    steps.append((step("health_reference_misplaced_secret", HEALTH, audit_against_primary(misplaced)), fails("reference_proxy", "raw_secret_access_key")))
    return steps


def health_from_file(file_var):
    """xks_proxy_health of the secondary proxy with the configuration file in the play variable ``file_var``."""
    return health({"xks_proxy_uri_endpoint": "{{ %s.endpoint }}" % S, "xks_proxy_configuration_file": "{{ %s }}" % file_var})


def paths(canary):
    """(step, expectations) for every path, in order; the store's state carries from one to the next."""
    create = dict(at(P), name=STORE, xks_proxy_connectivity="PUBLIC_ENDPOINT", connection_state="connected")
    key_base = {"alias": KEY_ALIAS, "custom_key_store_id": STORE_ID, "xks_key_id": "xks-key-1"}
    # By then the store uses the secondary proxy with the configuration file's credential: the preflight signs with it.
    key_create = dict(key_base, xks_proxy_configuration_file="{{ e2e_config_good }}")
    return [
        # -- xks_keystore: create, audit, online edits -----------------------------------------
        (step("create_check", KEYSTORE, create, check_mode=True), ok(["create", "connect"])),
        (step("create", KEYSTORE, create), ok(["create", "connect"], custom_key_store={"connection_state": "CONNECTED"})),
        (step("create_again", KEYSTORE, create), ok([], changed=False)),
        # -- every shape of the credential; the access key ID alone: compared, required only where it is sent --------
        *shape_steps(KEYSTORE, lambda value: {"id": STORE_ID, "xks_proxy_authentication_credential": value, "update_credential": "always"},
                     ok(["update"])),
        (step("key_id_only_same", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": {"access_key_id": key(P, member="access_key_id")}}),
         ok([], changed=False)),
        (step("key_id_only_drift_audit", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": {
            "access_key_id": key(P, "spare_credentials", 0, "access_key_id")}}, check_mode=True), ok(["update"])),
        (step("key_id_only_drift", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": {
            "access_key_id": key(P, "spare_credentials", 0, "access_key_id")}}),
         fails("xks_proxy_authentication_credential.raw_secret_access_key", actions=[], changed=False)),
        (step("rename", KEYSTORE, {"id": STORE_ID, "name": RENAMED}), ok(["update"])),
        (step("uri_path", KEYSTORE, {"id": STORE_ID, "xks_proxy_uri_path": EXTRA_PATH, "xks_proxy_authentication_credential": live(P)}), ok(["update"])),
        (step("rotate", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": spare(P, 0)}), ok(["update"])),
        (
            step("rotate_always", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": spare(P, 0), "update_credential": "always"}),
            ok(["update"]),
        ),
        (
            step("kms_rejects_credential", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": spare(P, 1)}),
            fails("XksProxyIncorrectAuthenticationCredentialException", actions=[], error_code="XksProxyIncorrectAuthenticationCredentialException"),
        ),
        # -- offline edits: preflight, refusals, a failure after the disconnect, the move -------
        (step("preflight_healthy_check", KEYSTORE, dict(at(S), id=STORE_ID), check_mode=True), ok(["disconnect", "update", "connect"])),
        (
            step("preflight_refused", KEYSTORE, dict(at(S, spare(S, 1)), id=STORE_ID)),
            fails("Preflight failed", "rejected the credential", actions=[], changed=False),
        ),
        (
            step("preflight_unreachable_always", KEYSTORE, dict(at(S), id=STORE_ID, xks_proxy_uri_endpoint=NOWHERE, preflight="always")),
            fails("Preflight could not check", "Cannot reach the proxy", actions=[], changed=False),
        ),
        (
            # The canary as a URI path: it must come back in the preflight warning (stderr and the result).
            step("canary_warning", KEYSTORE, dict(at(S), id=STORE_ID, xks_proxy_uri_endpoint=NOWHERE, xks_proxy_uri_path="/%s/kms/xks/v1" % canary),
                 check_mode=True),
            ok(["disconnect", "update", "connect"], warnings=["Preflight could not check", canary]),
        ),
        (
            step("update_fails_after_disconnect", KEYSTORE, dict(at(S), id=STORE_ID, xks_proxy_uri_endpoint=NOWHERE)),
            fails("KMS rejected the update", "reconnected and is CONNECTED", actions=["disconnect", "connect"],
                  error_code="XksProxyUriUnreachableException", warnings=["Preflight could not check"]),
        ),
        (
            step("allow_disconnect_false", KEYSTORE, dict(at(S), id=STORE_ID, allow_disconnect=False)),
            fails("xks_proxy_uri_endpoint", "allow_disconnect is false", actions=[]),
        ),
        (
            # With botocore's endpoint debug log on: the request bodies (with the secret) go through it.
            step("move", KEYSTORE, dict(at(S), id=STORE_ID, debug_botocore_endpoint_logs=True)),
            ok(["disconnect", "update", "connect"], custom_key_store={"connection_state": "CONNECTED"}),
        ),
        # -- the proxy configuration file ---------------------------------------------------------
        (step("config_file", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_good }}"}), ok(["update"])),
        (
            step("config_file_bad_secret", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_bad_secret }}"}),
            fails("RawSecretAccessKey", "the value given"),
        ),
        (
            step("config_file_invalid_json", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_invalid_json }}"}),
            fails("is not valid JSON"),
        ),
        (step("config_file_swapped", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_swapped }}"}),
         fails("AccessKeyId", "the value given")),
        (step("config_file_secret_list", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_secret_list }}"}),
         fails("RawSecretAccessKey", "must be a string")),
        (step("config_file_fifo", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "{{ e2e_config_fifo }}"}),
         fails("xks_proxy_configuration_file", "not a regular file")),
        (step("config_file_dev_zero", KEYSTORE, {"id": STORE_ID, "xks_proxy_configuration_file": "/dev/zero"}),
         fails("xks_proxy_configuration_file", "not a regular file")),
        # -- validation errors with bad secrets ---------------------------------------------------
        (
            step("bad_secret_characters", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": bad("e2e_bad_characters")}),
            fails("raw_secret_access_key", "the value given"),
        ),
        (
            step("bad_secret_on_create", KEYSTORE, dict(create, name=STORE + "-new", xks_proxy_authentication_credential=bad("e2e_bad_short"))),
            fails("raw_secret_access_key", "the value given"),
        ),
        # -- xks_keystore_info ------------------------------------------------------------------------
        (step("info_all", INFO), ok(changed=False, check=lambda r: [s["custom_key_store_name"] for s in r["custom_key_stores"]] == [RENAMED])),
        (step("info_by_id", INFO, {"id": STORE_ID}), ok(changed=False, check=lambda r: len(r["custom_key_stores"]) == 1)),
        (step("info_missing", INFO, {"name": "e2e-nothing"}), ok(changed=False, custom_key_stores=[])),
        (step("info_bad_id", INFO, {"id": "cks-" + "0" * 61}), fails("id")),
        # -- xks_key: create after a preflight signed with the credential, refusals, every shape, bad secrets ---
        (step("key_create_check", KEY, key_create, check_mode=True), ok(["create", "create_alias"], preflight={"outcome": "ok"})),
        (step("key_create", KEY, key_create), ok(["create", "create_alias"], preflight={"outcome": "ok"})),
        (step("key_noop", KEY, key_create), ok([], changed=False)),
        (step("key_preflight_disabled", KEY, dict(key_create, alias=KEY_ALIAS + "-2", xks_key_id="xks-disabled")),
         fails("its status is DISABLED", preflight={"outcome": "refused"})),
        (step("key_preflight_rejected", KEY, dict(key_base, alias=KEY_ALIAS + "-2", xks_key_id="xks-key-2", xks_proxy_authentication_credential=spare(P, 1))),
         fails("rejected the credential")),
        (step("key_in_use", KEY, dict(key_base, alias=KEY_ALIAS + "-2", preflight="never")), fails("is already the key material of KMS key")),
        (step("key_bad_secret", KEY, dict(key_base, xks_proxy_authentication_credential=bad("e2e_bad_characters"))),
         fails("raw_secret_access_key", "the value given")),
        *shape_steps(KEY, lambda value: dict(key_base, xks_proxy_authentication_credential=value), ok([], changed=False)),
        # -- disconnected, retire, delete ------------------------------------------------------------
        (step("disconnect", KEYSTORE, {"id": STORE_ID, "connection_state": "disconnected"}), ok(["disconnect"])),
        (step("key_unavailable", KEY, dict(key_base, description="while disconnected")),
         ok(["update_description"], warnings=["is Unavailable"], key={"key_state": "Unavailable"})),
        (
            step("edit_disconnected", KEYSTORE, {"id": STORE_ID, "xks_proxy_authentication_credential": live(S), "update_credential": "always"}),
            ok(["update"], custom_key_store={"connection_state": "DISCONNECTED"}),
        ),
        (step("retire_refused", KEYSTORE, {"name": RENAMED, "state": "absent"}), fails("still holds 1 KMS key(s)")),
        (step("key_delete", KEY, {"alias": KEY_ALIAS, "state": "absent", "pending_window": 7}), ok(["schedule_deletion"])),
        (step("retire_scheduled", KEYSTORE, {"name": RENAMED, "state": "absent", "schedule_key_deletion": True}),
         ok([], changed=False, warnings=["pending deletion"])),
        (step("purge_deleted_keys", "ansible.builtin.uri", PURGE_DELETED_KEYS), ok(changed=False, status=200)),
        (step("delete_check", KEYSTORE, {"name": RENAMED, "state": "absent"}, check_mode=True), ok(["delete"])),
        (step("delete", KEYSTORE, {"name": RENAMED, "state": "absent"}), ok(["delete"])),
        # -- a VPC store: create (no health check), a failed connection, the FAILED store made PUBLIC, delete
        (
            step("vpc_create", KEYSTORE, dict(
                at(S), name=VPC_STORE, xks_proxy_connectivity="VPC_ENDPOINT_SERVICE", xks_proxy_uri_endpoint="https://myproxy-private.xks.example.com",
                xks_proxy_vpc_endpoint_service_name=VPC_SERVICE, xks_proxy_vpc_endpoint_service_owner="111122223333", update_credential="on_create",
            )),
            ok(["create"]),
        ),
        (
            step("vpc_on_create_credential", KEYSTORE, {"id": VPC_STORE_ID, "xks_proxy_authentication_credential": live(P), "update_credential": "on_create"}),
            ok([], changed=False),
        ),
        # A connection that fails (armed in the emulator), then an edit of the FAILED store: disconnect, update, no reconnect.
        (step("arm_connect_failure", "ansible.builtin.uri", ARM_CONNECT_FAILURE), ok(changed=False, status=200)),
        (step("vpc_connect_fails", KEYSTORE, {"id": VPC_STORE_ID, "connection_state": "connected"}),
         fails("XKS_PROXY_NOT_REACHABLE", actions=["connect"], custom_key_store={"connection_state": "FAILED"})),
        (
            step("vpc_to_public", KEYSTORE, dict(at(P), id=VPC_STORE_ID, xks_proxy_connectivity="PUBLIC_ENDPOINT",
                                                 xks_proxy_uri_endpoint="https://myproxy.xks.example.com")),
            ok(["disconnect", "update"], warnings=["was FAILED"], custom_key_store={"connection_state": "DISCONNECTED"}),
        ),
        (step("vpc_delete", KEYSTORE, {"id": VPC_STORE_ID, "state": "absent"}), ok(["delete"])),
        # -- xks_proxy_health ---------------------------------------------------------------------------
        (step("health", HEALTH, health(at(P))), ok(changed=False, healthy=True, outcome="healthy")),
        (step("health_config_file", HEALTH, health_from_file("e2e_config_good")), ok(changed=False, healthy=True)),
        (step("health_rejected", HEALTH, health(at(P, spare(P, 1)))), fails("rejected the credential", outcome="credential_rejected")),
        (
            step("health_rejected_reported", HEALTH, health(at(P, spare(P, 1)), fail_on_unhealthy=False)),
            ok(changed=False, healthy=False, outcome="credential_rejected"),
        ),
        (step("health_wrong_path", HEALTH, health(at(P), xks_proxy_uri_path="/nowhere/kms/xks/v1")), fails("does not serve", outcome="wrong_path")),
        (step("health_unreachable", HEALTH, health(at(P), xks_proxy_uri_endpoint=NOWHERE)), fails("Cannot reach", outcome="unreachable")),
        (step("health_bad_secret", HEALTH, health(at(P, bad("e2e_bad_long")))), fails("raw_secret_access_key", "the value given")),
        (step("health_config_bad_secret", HEALTH, health_from_file("e2e_config_bad_secret")), fails("RawSecretAccessKey", "the value given")),
        (step("health_config_invalid_json", HEALTH, health_from_file("e2e_config_invalid_json")), fails("is not valid JSON")),
        (step("health_config_swapped", HEALTH, health_from_file("e2e_config_swapped")), fails("AccessKeyId", "the value given")),
        (step("health_config_fifo", HEALTH, health_from_file("e2e_config_fifo")), fails("not a regular file")),
        *shape_steps(HEALTH, lambda value: health(at(P, value)), ok(changed=False, healthy=True)),
        *reference_steps(),
        (step("health_key_id_only", HEALTH, health(at(P, {"access_key_id": key(P, member="access_key_id")}))),
         fails("xks_proxy_authentication_credential.raw_secret_access_key", "sign GetHealthStatus")),
        # -- the canary, in plain sight -------------------------------------------------------------------
        (step("canary_debug", "ansible.builtin.debug", {"msg": "canary {{ e2e_canary }}"}), ok(changed=False, msg="canary " + canary)),
    ]


def unmet(result, expect):
    """What of ``expect`` the registered ``result`` does not show (an empty list when all of it)."""
    if not isinstance(result, dict):
        return ["no result"]
    problems = []
    for key, wanted in expect.items():
        if key == "check":
            if not wanted(result):
                problems.append("check failed")
        elif key in ("failed", "changed"):
            if bool(result.get(key)) != wanted:
                problems.append("%s is %s" % (key, bool(result.get(key))))
        elif key == "msg" and isinstance(wanted, list):
            problems.extend("msg lacks %r" % text for text in wanted if text not in str(result.get("msg", "")))
        elif key == "warnings":
            problems.extend("no warning with %r" % text for text in wanted if not any(text in warning for warning in result.get("warnings", [])))
        elif isinstance(wanted, dict):
            problems.extend("%s.%s is %r" % (key, sub, (result.get(key) or {}).get(sub)) for sub in wanted if (result.get(key) or {}).get(sub) != wanted[sub])
        elif result.get(key) != wanted:
            problems.append("%s is %r" % (key, result.get(key)))
    return problems


@pytest.fixture
def secret_inputs(bed, proxy, tmp_path):
    """Proxy credentials and paths the walk needs, the configuration files, the bad secrets and the canary."""
    primary, secondary = bed[P], bed[S]
    # Rotation targets must be live on the proxy; spare_credentials[1] of each stays unknown to it.
    proxy.add_credential("primary", primary["uri_path"], primary["spare_credentials"][0])
    proxy.add_path("primary", EXTRA_PATH, [primary["credentials"][0], primary["spare_credentials"][0]])
    proxy.add_credential("secondary", secondary["uri_path"], secondary["spare_credentials"][0])

    known = Secrets()
    for name in bed["xks_proxy_instances"]:
        instance = bed["xks_proxy_" + name]
        for kind in ("credentials", "spare_credentials"):
            for index, credential in enumerate(instance[kind]):
                known.add("%s.%s[%d]" % (name, kind, index), credential["raw_secret_access_key"])
    # Fixed, not random: only the whole value counts.
    known.add("aws_secret_key", bed["aws_secret_key"], windows=False)

    play_vars = {
        "e2e_bad_characters": random_text(30) + "-!" + random_text(12),  # 44 characters, two of them not allowed
        "e2e_bad_short": random_text(30),  # under 43
        "e2e_bad_long": random_text(70),  # over 64
        "e2e_config_secret": random_text(44),  # only ever in the file that is not valid JSON
    }
    for name in ("e2e_bad_characters", "e2e_bad_short", "e2e_bad_long", "e2e_config_secret"):
        known.add(name, play_vars[name])

    def config_file(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    good = {
        "XksProxyUriPath": secondary["uri_path"],
        "XksProxyAuthenticationCredential": {
            "AccessKeyId": secondary["spare_credentials"][0]["access_key_id"],
            "RawSecretAccessKey": secondary["spare_credentials"][0]["raw_secret_access_key"],
        },
    }
    bad_secret = json.loads(json.dumps(good))
    bad_secret["XksProxyAuthenticationCredential"]["RawSecretAccessKey"] = play_vars["e2e_bad_characters"][::-1]
    known.add("config_bad_secret", bad_secret["XksProxyAuthenticationCredential"]["RawSecretAccessKey"])
    swapped = json.loads(json.dumps(good))
    swapped["XksProxyAuthenticationCredential"] = {"AccessKeyId": good["XksProxyAuthenticationCredential"]["RawSecretAccessKey"],
                                                   "RawSecretAccessKey": good["XksProxyAuthenticationCredential"]["AccessKeyId"]}
    secret_list = json.loads(json.dumps(good))
    secret_list["XksProxyAuthenticationCredential"]["RawSecretAccessKey"] = [good["XksProxyAuthenticationCredential"]["RawSecretAccessKey"]]
    fifo = tmp_path / "fifo.json"
    os.mkfifo(str(fifo))
    play_vars.update(
        e2e_config_swapped=config_file("swapped.json", json.dumps(swapped)),
        e2e_config_secret_list=config_file("secret-list.json", json.dumps(secret_list)),
        e2e_config_fifo=str(fifo),
        e2e_config_good=config_file("good.json", json.dumps(good)),
        e2e_config_bad_secret=config_file("bad-secret.json", json.dumps(bad_secret)),
        # Cut off after the secret: a parser error must not quote it.
        e2e_config_invalid_json=config_file("invalid.json", '{"XksProxyUriPath": "%s", "XksProxyAuthenticationCredential": {"AccessKeyId": '
                                            '"%s", "RawSecretAccessKey": "%s",' % (primary["uri_path"], primary["credentials"][0]["access_key_id"],
                                                                                   play_vars["e2e_config_secret"])),
        e2e_canary=random_text(44),
    )
    return known, play_vars


def test_no_secret_in_any_output_of_any_path(ansible, emulator, secret_inputs):
    known, play_vars = secret_inputs
    canary = play_vars["e2e_canary"]
    walk = paths(canary)
    # This walk is about output, not waiting: with transitions under the waiter's first delay (1 s), each of its
    # eight waits takes one poll instead of three seconds (the fault tests keep the test bed's 1 s).
    emulator.set_settings(connect_delay=0.5, disconnect_delay=0.5)

    # About 100 module runs at -vvvv: more than a playbook of the other suites takes.
    run = ansible.start([task for task, _expect in walk], options=["-vvvv", "--diff"], extra_vars=play_vars).wait(timeout=WALK_TIMEOUT)

    # Every path ran as it should: a step that did something else proves nothing about its path's output.
    problems = {task["name"]: unmet(run[task["name"]], expect) for task, expect in walk}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, "paths that did not run as expected: %s" % json.dumps(problems, indent=1)

    channels = {"stdout": run.stdout, "stderr": run.stderr, "registered results": json.dumps(run.results)}
    # The search works: the canary is found in every channel (debug output and a module warning).
    canary_only = Secrets()
    canary_only.add("canary", canary)
    found_in = {hit.split(":", 1)[0] for hit in canary_only.find(channels).get("canary", [])}
    assert found_in == set(channels), "the search must find the planted canary in every channel, found it in %s" % sorted(found_in)
    assert "[WARNING]: Preflight could not check" in run.stderr, "module warnings are captured (stderr)"

    # No real secret anywhere.
    leaks = known.find(channels)
    assert not leaks, "secrets in the output (shown by label):\n%s" % "\n".join("%s: %s" % (label, hits) for label, hits in leaks.items())
    # And the search, given the canary as one more secret, finds exactly that one.
    known.add("canary", canary)
    assert set(known.find(channels)) == {"canary"}


def test_the_search_finds_every_form_of_a_secret_and_never_shows_one():
    """The search itself: a secret as is, JSON-escaped, URL-encoded or cut short is found, and the report shows labels only."""
    secret = random_text(20) + "/+=" + random_text(21)
    known = Secrets()
    known.add("proxy secret", secret)
    channels = {
        "as is": "x %s y" % secret,
        "json": json.dumps({"k": secret.replace("/", "\\/")}),
        "url": "https://proxy/?s=" + quote(secret, safe=""),
        "cut": "... %s..." % secret[5:5 + WINDOW],
        "clean": "nothing here " + secret[:WINDOW - 1],
    }

    hits = known.find(channels)

    assert sorted(hit.split(":", 1)[0] for hit in hits["proxy secret"]) == ["as is", "cut", "json", "url"]
    report = json.dumps(hits)
    assert not any(secret[start:start + 6] in report for start in range(len(secret) - 5)), report

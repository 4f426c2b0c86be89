# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms.xks run the way AWX runs a job: through ansible-runner, against the test bed.

Two jobs, as two job templates would run them: a check-mode audit (job type Check, Show changes on:
``--check --diff``) and an edit (a credential rotation, ``--diff``). The AWS and proxy credentials come
in as extra variables in the private data directory's env/extravars, as AWX writes a credential
type's extra_vars injector there (ansible-runner's artifacts record the command line and the
environment, so a secret passed there would be in them before any module ran). The job events
(what AWX stores and shows) must carry each task's diff, and no file that
ansible-runner writes under the artifacts directory may hold a proxy secret, nor any 8-character
piece of one. A third job audits a new proxy against the current one (xks_proxy_health with
reference_proxy: both proxies' credentials in the extra variables, the canary through both), at -vvv.
"""

import json
import os
import sys

import ansible_runner  # test-requirements.txt; a plain import, so that a missing runner fails instead of skipping

from harness import create_store
from integration.run import playbook_env
from testbed.kms import describe

PIECE = 8
AWS = {"region": "{{ aws_region }}", "endpoint_url": "{{ kms_endpoint_url }}", "access_key": "{{ aws_access_key }}", "secret_key": "{{ aws_secret_key }}"}
STORE = "e2e-awx"
OTHER_PATH = "/audited/kms/xks/v1"

AUDIT = [{
    "name": "Audit an external key store",
    "hosts": "localhost",
    "gather_facts": False,
    "module_defaults": {"group/kms.xks.aws": AWS},
    "tasks": [{
        "name": "Compare the store with its description",
        "kms.xks.xks_keystore": {
            "name": STORE,
            "xks_proxy_connectivity": "PUBLIC_ENDPOINT",
            "xks_proxy_uri_endpoint": "{{ endpoint }}",
            "xks_proxy_uri_path": OTHER_PATH,
            "allow_disconnect": False,
        },
    }],
}]

ROTATE = [{
    "name": "Rotate the proxy credential",
    "hosts": "localhost",
    "gather_facts": False,
    "module_defaults": {"group/kms.xks.aws": AWS},
    "tasks": [{
        "name": "Give KMS the new credential",
        "kms.xks.xks_keystore": {
            "name": STORE,
            "xks_proxy_authentication_credential": {
                "access_key_id": "{{ new_access_key_id }}",
                "raw_secret_access_key": "{{ new_secret_access_key }}",
            },
            "allow_disconnect": False,
        },
    }],
}]

# A move's first step as a job template runs it: the new proxy audited against the current one, both credentials
# from extra variables (a credential type's injector); -vvv, as a job's verbosity "Debug" sets it.
AUDIT_BEFORE_MOVE = [{
    "name": "Audit the new proxy before the move",
    "hosts": "localhost",
    "gather_facts": False,
    "tasks": [{
        "name": "Same key material as the current proxy",
        "kms.xks.xks_proxy_health": {
            "xks_proxy_uri_endpoint": "{{ new_endpoint }}",
            "xks_proxy_uri_path": "{{ new_uri_path }}",
            "xks_proxy_authentication_credential": {"access_key_id": "{{ new_access_key_id }}", "raw_secret_access_key": "{{ new_secret_access_key }}"},
            "region": "{{ aws_region }}",
            "xks_key_ids": ["xks-key-1", "xks-key-2"],
            "reference_proxy": {
                "uri_endpoint": "{{ current_endpoint }}",
                "uri_path": "{{ current_uri_path }}",
                "authentication_credential": {"access_key_id": "{{ current_access_key_id }}", "raw_secret_access_key": "{{ current_secret_access_key }}"},
            },
        },
    }],
}]


def run_job(tmp_path, bed, name, playbook, cmdline, extravars):
    """One ansible-runner job in its own private data directory; returns (runner, its artifacts directory)."""
    private = tmp_path / name
    (private / "project").mkdir(parents=True)
    (private / "env").mkdir()
    (private / "project" / "job.yml").write_text(json.dumps(playbook), encoding="utf-8")
    aws = {key: bed[key] for key in ("aws_region", "kms_endpoint_url", "aws_access_key", "aws_secret_key")}
    (private / "env" / "extravars").write_text(json.dumps(dict(extravars, **aws)), encoding="utf-8")
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook="job.yml",
        inventory="localhost ansible_connection=local ansible_python_interpreter=%s" % sys.executable,
        cmdline=cmdline,
        envvars=playbook_env(bed["xks_ca_file"]),
        quiet=True,
    )
    return runner, private / "artifacts" / runner.config.ident


def task_results(runner):
    return [event["event_data"] for event in runner.events if event["event"] in ("runner_on_ok", "runner_on_failed")]


def artifact_texts(artifacts):
    texts = {}
    for directory, _dirs, files in os.walk(str(artifacts)):
        for file_name in files:
            path = os.path.join(directory, file_name)
            with open(path, "rb") as handle:
                texts[os.path.relpath(path, str(artifacts))] = handle.read().decode("utf-8", "replace")
    return texts


def leaks(texts, secrets):
    """['<file>: <label>'] for every artifact holding a secret or an 8-character piece of one (never the value)."""
    found = []
    for label, secret in secrets.items():
        pieces = {secret[start:start + PIECE] for start in range(len(secret) - PIECE + 1)}
        for path, text in sorted(texts.items()):
            if any(piece in text for piece in pieces):
                found.append("%s: %s" % (path, label))
    return found


def proxy_secrets(bed):
    secrets = {}
    for instance in bed["xks_proxy_instances"]:
        proxy = bed["xks_proxy_" + instance]
        for kind in ("credentials", "spare_credentials"):
            for index, credential in enumerate(proxy[kind]):
                secrets["%s.%s[%d]" % (instance, kind, index)] = credential["raw_secret_access_key"]
    return secrets


def test_an_awx_check_job_and_an_edit_carry_their_diffs_and_leave_no_secret(tmp_path, bed, kms, proxy, monkeypatch):
    # ansible-runner looks for ansible-playbook on PATH, as in an execution environment.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    primary = bed["xks_proxy_primary"]
    new = primary["spare_credentials"][0]
    store_id = create_store(kms, bed, STORE)
    proxy.add_credential("primary", primary["uri_path"], new)

    audit, audit_artifacts = run_job(tmp_path, bed, "audit", AUDIT, "--check --diff", {"endpoint": primary["endpoint"]})
    assert audit.status == "successful", audit.stdout.read()
    (audited,) = task_results(audit)
    assert audited["res"]["changed"] is True
    diff = audited["res"]["diff"]
    diffs = diff if isinstance(diff, list) else [diff]
    assert any(d["before"]["xks_proxy_configuration"]["uri_path"] == primary["uri_path"]
               and d["after"]["xks_proxy_configuration"]["uri_path"] == OTHER_PATH for d in diffs), diff
    assert describe(kms, store_id)["XksProxyConfiguration"]["UriPath"] == primary["uri_path"]  # check mode changed nothing

    rotate, rotate_artifacts = run_job(
        tmp_path, bed, "rotate", ROTATE, "--diff",
        {"new_access_key_id": new["access_key_id"], "new_secret_access_key": new["raw_secret_access_key"]},
    )
    assert rotate.status == "successful", rotate.stdout.read()
    (rotated,) = task_results(rotate)
    diff = rotated["res"]["diff"]
    diffs = diff if isinstance(diff, list) else [diff]
    assert any(d["before"]["xks_proxy_configuration"]["access_key_id"] == primary["credentials"][0]["access_key_id"]
               and d["after"]["xks_proxy_configuration"]["access_key_id"] == new["access_key_id"] for d in diffs), diff
    assert describe(kms, store_id)["XksProxyConfiguration"]["AccessKeyId"] == new["access_key_id"]

    texts = dict(("audit/" + path, text) for path, text in artifact_texts(audit_artifacts).items())
    texts.update(("rotate/" + path, text) for path, text in artifact_texts(rotate_artifacts).items())
    assert any(path.startswith("rotate/job_events/") for path in texts), sorted(texts)
    secrets = dict(proxy_secrets(bed), aws_secret_key=bed["aws_secret_key"])
    assert leaks(texts, secrets) == []


def test_the_leak_search_finds_a_piece_of_a_secret():
    secret = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"
    assert leaks({"stdout": "... %s ..." % secret[20:28]}, {"s": secret}) == ["stdout: s"]
    assert leaks({"stdout": "... %s ..." % secret[20:27]}, {"s": secret}) == []


def test_an_awx_audit_before_a_move_leaves_no_secret_of_either_proxy(tmp_path, bed, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    current, new = bed["xks_proxy_primary"], bed["xks_proxy_secondary"]
    extravars = {
        "current_endpoint": current["endpoint"], "current_uri_path": current["uri_path"],
        "current_access_key_id": current["credentials"][0]["access_key_id"],
        "current_secret_access_key": current["credentials"][0]["raw_secret_access_key"],
        "new_endpoint": new["endpoint"], "new_uri_path": new["uri_path"],
        "new_access_key_id": new["credentials"][0]["access_key_id"],
        "new_secret_access_key": new["credentials"][0]["raw_secret_access_key"],
    }

    audit, artifacts = run_job(tmp_path, bed, "audit-before-move", AUDIT_BEFORE_MOVE, "-vvv", extravars)

    assert audit.status == "successful", audit.stdout.read()
    (audited,) = task_results(audit)
    assert audited["res"]["healthy"] is True, audited["res"]["msg"]
    assert [entry["same_key_material"] for entry in audited["res"]["keys"]] == [True, True]
    texts = artifact_texts(artifacts)
    assert any(path.startswith("job_events/") for path in texts), sorted(texts)
    assert leaks(texts, proxy_secrets(bed)) == []
    # The dummy AWS secret is fixed text, not random: only the whole value counts (its piece "testbed-" is in the
    # proxy's model name, which this job shows).
    assert [path for path, text in sorted(texts.items()) if bed["aws_secret_key"] in text] == []

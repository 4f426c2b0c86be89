# -*- coding: utf-8 -*-
"""The CLI and testbed.json, as the integration runner and `make demo` use them."""

import ipaddress
import json
import os
import re
import socket
import stat
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

import testbed
from testbed_helpers import health_request

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    return subprocess.run([sys.executable, "-m", "testbed"] + list(args), env=env, capture_output=True, text=True, timeout=60, check=False)


def all_secrets(bed):
    for name in bed["xks_proxy_instances"]:
        proxy = bed["xks_proxy_" + name]
        for credential in proxy["credentials"] + proxy["spare_credentials"]:
            yield credential["raw_secret_access_key"]


def test_status_of_the_running_bed(bed):
    result = run_cli("status", "--state-dir", bed["testbed_state_dir"], "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["running"] is True
    assert all(service["alive"] for service in document["services"].values())


def test_status_of_an_empty_directory(tmp_path):
    result = run_cli("status", "--state-dir", str(tmp_path))
    assert result.returncode == 1
    assert "not answering" in result.stdout


def test_stop_of_an_empty_directory(tmp_path):
    result = run_cli("stop", "--state-dir", str(tmp_path))
    assert result.returncode == 0
    assert "nothing was running" in result.stdout


def _port(url):
    return urlsplit(url).port


@pytest.mark.parametrize("option, taken", [
    ("--emulator-port", lambda bed: str(_port(bed["kms_endpoint_url"]))),
    ("--proxy-admin-port", lambda bed: str(_port(bed["proxy_admin_url"]))),
    ("--proxy-address", lambda bed: "secondary=" + bed["xks_proxy_primary"]["address"]),
])
def test_a_start_on_a_taken_port_or_address_is_refused_without_leaking_secrets(bed, tmp_path, option, taken):
    result = run_cli("start", "--state-dir", str(tmp_path), option, taken(bed))
    assert result.returncode == 2
    assert "already in use" in result.stderr
    for secret in all_secrets(bed):
        assert secret not in result.stdout + result.stderr
    # The failed start left the running bed alone and nothing of its own running.
    assert testbed.status(bed["testbed_state_dir"])["running"] is True
    assert testbed.status(str(tmp_path))["services"] == {"emulator": {"pid": None, "alive": False}, "proxy": {"pid": None, "alive": False}}


def test_explicit_ports_and_addresses_are_used(tmp_path):
    emulator_port, admin_port = _free_port(), _free_port()
    address = _free_proxy_address()
    result = run_cli("start", "--state-dir", str(tmp_path), "--emulator-port", str(emulator_port),
                     "--proxy-admin-port", str(admin_port), "--proxy-address", "secondary=" + address)
    try:
        assert result.returncode == 0, result.stderr
        bed = testbed.load_state(str(tmp_path))
        assert bed["kms_endpoint_url"] == "http://127.0.0.1:%d" % emulator_port
        assert bed["proxy_admin_url"] == "http://127.0.0.1:%d" % admin_port
        assert bed["xks_proxy_secondary"]["endpoint"] == "https://" + address
        # The proxy serves it, with a certificate for it.
        assert health_request(bed, bed["xks_proxy_secondary"]["credentials"][0], instance="secondary").status_code == 200
    finally:
        testbed.stop(str(tmp_path))


def test_an_unknown_instance_is_named(tmp_path):
    result = run_cli("start", "--state-dir", str(tmp_path), "--proxy-address", "tertiary=127.0.0.99")
    assert result.returncode == 2
    assert "no proxy instance named tertiary" in result.stderr


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _free_proxy_address():
    """A loopback address far from those the test beds pick first, free on port 443."""
    for last in range(200, 250):
        address = "127.0.3.%d" % last
        with socket.socket() as probe:
            try:
                probe.bind((address, 443))
            except OSError:
                continue
            return address
    raise AssertionError("no free address in 127.0.3.200-249")


def test_state_file_is_private_and_complete(bed):
    path = os.path.join(bed["testbed_state_dir"], "testbed.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert testbed.load_state(bed["testbed_state_dir"]) == bed
    for key in ("kms_endpoint_url", "aws_region", "aws_access_key", "aws_secret_key", "aws_account_id", "xks_ca_file",
                "emulator_admin_url", "proxy_admin_url", "xks_host_map", "xks_connect_delay", "xks_disconnect_delay",
                "xks_health_timeout_ms", "xks_consistency_delay", "xks_quota_scale", "xks_proxy_primary", "xks_proxy_secondary",
                "xks_vpc_endpoint_services"):
        assert key in bed
    assert os.path.isfile(bed["xks_ca_file"])


def test_state_file_names_what_this_start_chose(bed):
    """The ports and addresses are free ones picked at start; testbed.json says which, consistently."""
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", bed["kms_endpoint_url"])
    assert bed["emulator_admin_url"] == bed["kms_endpoint_url"] + "/_testbed"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", bed["proxy_admin_url"])
    assert bed["proxy_admin_url"] != bed["kms_endpoint_url"]
    proxies = [bed["xks_proxy_" + name] for name in bed["xks_proxy_instances"]]
    addresses = [proxy["address"] for proxy in proxies]
    assert len(set(addresses)) == len(addresses)
    for proxy in proxies:
        assert ipaddress.ip_address(proxy["address"]).is_loopback
        assert proxy["endpoint"] == "https://" + proxy["address"]
        assert all(bed["xks_host_map"][host] == proxy["address"] for host in proxy["hostnames"])
    unreachable = urlsplit(bed["xks_unreachable_endpoint"]).hostname
    assert ipaddress.ip_address(unreachable).is_loopback and unreachable not in addresses


def test_the_unreachable_endpoint_refuses_connections(bed):
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((urlsplit(bed["xks_unreachable_endpoint"]).hostname, 443), timeout=5).close()


def test_credentials_have_the_spec_formats(bed):
    for name in bed["xks_proxy_instances"]:
        proxy = bed["xks_proxy_" + name]
        for credential in proxy["credentials"] + proxy["spare_credentials"]:
            assert re.fullmatch(r"[A-Z2-7]{20,30}", credential["access_key_id"])
            assert re.fullmatch(r"[a-zA-Z0-9/+=]{43,64}", credential["raw_secret_access_key"])


def test_spare_credentials_are_not_on_the_proxy(bed):
    for credential in bed["xks_proxy_primary"]["spare_credentials"]:
        assert health_request(bed, credential).status_code == 401


def test_logs_hold_no_secret(bed):
    health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    for name in ("emulator.log", "proxy.log"):
        with open(os.path.join(bed["testbed_state_dir"], name), encoding="utf-8") as handle:
            text = handle.read()
        for secret in all_secrets(bed):
            assert secret not in text


def test_stop_removes_secrets_keeps_logs_and_spares_other_processes(tmp_path):
    """A stale state dir whose pid now belongs to another process (here: this test run)."""
    for name in ("testbed.json", "proxy-config.json", "emulator-config.json", "ca.pem", "proxy-key.pem", "emulator.log", "mine.pem"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "processes.json").write_text(json.dumps({"emulator": {"pid": os.getpid(), "module": "testbed.emulator"}}), encoding="utf-8")
    assert testbed.stop(str(tmp_path)) == {"stopped": []}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emulator.log", "mine.pem"]


def test_start_defaults_are_kms_values():
    """KMS's 250 ms health-check timeout and its request quotas by default; changes effective at once."""
    from testbed.__main__ import _parser  # pylint: disable=import-outside-toplevel
    args = _parser().parse_args(["start", "--state-dir", "x"])
    assert (args.health_timeout_ms, args.quota_scale, args.consistency_delay) == (250, 1.0, 0.0)
    assert _parser().parse_args(["start", "--state-dir", "x", "--no-quotas"]).quota_scale == 0
    assert _parser().parse_args(["start", "--state-dir", "x", "--quota-scale", "0.5", "--consistency-delay", "3"]).consistency_delay == 3


def test_start_options_reach_the_emulator(bed, emulator):
    settings = emulator.settings()
    assert settings["quota_scale"] == bed["xks_quota_scale"] == 0
    assert settings["consistency_delay"] == bed["xks_consistency_delay"] == 0
    assert settings["health_timeout_ms"] == bed["xks_health_timeout_ms"] == 250
    services = {entry["service_name"] for entry in bed["xks_vpc_endpoint_services"].values() if entry["registered"]}
    assert set(settings["vpc_endpoint_services"]) == services

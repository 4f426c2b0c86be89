# -*- coding: utf-8 -*-
"""Start, stop and inspect the two services as detached processes whose state lives in one directory.

DIR/testbed.json        what tests and playbooks need (also usable as Ansible extra vars); 0600, holds secrets
DIR/processes.json      pids of the services
DIR/*-config.json       each service's configuration (0600)
DIR/key-material.json   the key managers' AES-256 material (0600; never in testbed.json or logs)
DIR/*.pem               test CA (its key 0600, for the proxy's dated certificates) and server certificates
DIR/emulator.log, DIR/proxy.log
"""

import copy
import json
import os
import signal
import subprocess
import sys
import time

from . import config
from .client import call
from .credentials import new_credential, new_key_material
from . import pki, sockets
from .emulator import vpc

STATE_FILE = "testbed.json"
PROCESS_FILE = "processes.json"
EMULATOR_CONFIG = "emulator-config.json"
PROXY_CONFIG = "proxy-config.json"
KEY_MATERIAL_FILE = "key-material.json"
SERVICES = {"emulator": "testbed.emulator", "proxy": "testbed.proxy"}
_CONFIG_FILES = {"emulator": EMULATOR_CONFIG, "proxy": PROXY_CONFIG}
# The directory that holds the `testbed` package; children need it on PYTHONPATH.
_TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestbedError(Exception):
    """The test bed could not be started or stopped; the message says why."""


def _write_json(path, document, mode=0o600):
    temporary = path + ".tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def load_state(state_dir):
    """The testbed.json of a running test bed, or None."""
    return _read_json(os.path.join(os.path.abspath(state_dir), STATE_FILE))


def _alive(pid):
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited; its parent (init, once the starting process is gone) may reap it late.
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_our_service(pid, module):
    """Guard against a recycled pid: the process must be `python -m <module>`."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return module.encode() in handle.read()
    except FileNotFoundError:
        return not os.path.isdir("/proc")  # no procfs: trust the pid file
    except OSError:
        return False


def _in_use(exc):
    return TestbedError("%s (another test bed running? try `python -m testbed stop`)" % exc.strerror)


def _listen(host, port):
    try:
        return sockets.listening_socket(host, port)
    except sockets.AddressInUse as exc:
        raise _in_use(exc) from None
    except OSError as exc:
        raise TestbedError("cannot listen on %s:%d: %s" % (host, port, exc)) from None


# The key of the unreachable endpoint's claim among the instances' (no instance name can be None).
UNREACHABLE = None


def _claim_proxy_addresses(chosen):
    """{instance: (address, claim)} for every proxy instance and for UNREACHABLE.

    `chosen` maps instance names to the addresses asked for; the others get the first free ones.
    """
    claims = {}
    try:
        for name, address in chosen.items():
            try:
                claims[name] = (address, sockets.claim(address, config.PROXY_PORT))
            except sockets.AddressInUse as exc:
                raise _in_use(exc) from None
            except OSError as exc:
                raise TestbedError("cannot use %s:%d for proxy instance %s: %s" % (address, config.PROXY_PORT, name, exc)) from None
        wanted = [name for name in config.PROXY_INSTANCES if name not in chosen] + [UNREACHABLE]
        try:
            free = sockets.claim_free(config.PROXY_PORT, config.PROXY_ADDRESS_FIRST, config.PROXY_ADDRESS_LAST, len(wanted),
                                      skip=set(chosen.values()))
        except OSError as exc:
            raise TestbedError("no proxy addresses: %s" % exc) from None
        claims.update(zip(wanted, free))
    except BaseException:
        sockets.release(sock for _address, sock in claims.values())
        raise
    return claims


def _bind(emulator_port, proxy_admin_port, proxy_addresses):
    """Every socket the services serve or hold, bound here so that nothing can take them before the services run."""
    unknown = sorted(set(proxy_addresses) - set(config.PROXY_INSTANCES))
    if unknown:
        raise TestbedError("no proxy instance named %s (instances: %s)" % (", ".join(unknown), ", ".join(config.PROXY_INSTANCES)))
    bound = {"emulator": _listen(config.EMULATOR_HOST, emulator_port)}
    try:
        bound["proxy_admin"] = _listen(config.PROXY_ADMIN_HOST, proxy_admin_port)
        bound["proxy_addresses"] = _claim_proxy_addresses(proxy_addresses)
    except BaseException:
        _release(bound)
        raise
    return bound


def _release(bound):
    """Close the launcher's copies (the services keep theirs)."""
    claims = bound.get("proxy_addresses", {}).values()
    sockets.release([bound[name] for name in ("emulator", "proxy_admin") if name in bound] + [sock for _address, sock in claims])


def _log_tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return "(no log)"


def fleet_regions(region, extra=None):
    """The fleet's Regions: `region` (the default one) first, then `extra` (default: config's), once each."""
    regions = [region] + list(config.FLEET_REGIONS[1:] if extra is None else extra)
    return sorted(set(regions), key=regions.index)


def _layout(state_dir, bound, region, regions):
    """Credentials, proxy instances and the public testbed.json document, for the sockets bound."""
    emulator_port = bound["emulator"].getsockname()[1]
    addresses = {name: address for name, (address, _claim) in bound["proxy_addresses"].items()}
    instances = {}
    public = {
        "testbed_state_dir": state_dir,
        "kms_endpoint_url": "http://%s:%d" % (config.EMULATOR_HOST, emulator_port),
        "emulator_admin_url": "http://%s:%d/_testbed" % (config.EMULATOR_HOST, emulator_port),
        "proxy_admin_url": "http://%s:%d" % (config.PROXY_ADMIN_HOST, bound["proxy_admin"].getsockname()[1]),
        "aws_region": region,
        "aws_account_id": config.ACCOUNT_ID,
        "aws_access_key": config.DUMMY_AWS_ACCESS_KEY,
        "aws_secret_key": config.DUMMY_AWS_SECRET_KEY,
        "aws_fleet_accounts": list(config.FLEET_ACCOUNTS),
        "aws_fleet_regions": regions,
        "aws_fleet_role_name": config.FLEET_ROLE_NAME,
        "xks_proxy_instances": sorted(config.PROXY_INSTANCES),
        "xks_host_map": {},
        "xks_unreachable_endpoint": "https://" + addresses[UNREACHABLE],
    }
    for name, spec in sorted(config.PROXY_INSTANCES.items()):
        live = [new_credential()]
        keys = copy.deepcopy(config.DEFAULT_EXTERNAL_KEYS)
        instances[name] = {"address": addresses[name], "port": config.PROXY_PORT, "key_manager": spec["key_manager"],
                           "paths": {spec["uri_path"]: live}, "external_keys": {spec["uri_path"]: keys}}
        public["xks_proxy_" + name] = {
            "name": name,
            "address": addresses[name],
            "endpoint": "https://" + addresses[name],
            "hostnames": list(spec["hostnames"]),
            "uri_path": spec["uri_path"],
            "credentials": live,
            "spare_credentials": [new_credential() for _count in range(config.SPARE_CREDENTIALS)],
            "key_manager": spec["key_manager"],
            "external_keys": keys,
        }
        for host in spec["hostnames"]:
            public["xks_host_map"][host] = addresses[name]
    targets = {name: addresses[name] for name in config.PROXY_INSTANCES}
    public["xks_vpc_endpoint_services"] = vpc.default_services(region, config.ACCOUNT_ID, config.OTHER_ACCOUNT_ID, targets)
    return instances, public


def _certificate_identities(public):
    """What the proxies' certificate must be valid for: the addresses chosen at this start, the names, the extras."""
    proxies = [public["xks_proxy_" + name] for name in public["xks_proxy_instances"]]
    return [proxy["address"] for proxy in proxies] + [host for proxy in proxies for host in proxy["hostnames"]] + config.EXTRA_CERT_NAMES


def _key_material(instances):
    """Fresh random material for every key id each key manager serves at start: key manager -> {id: base64}."""
    material = {}
    for instance in instances.values():
        ids = material.setdefault(instance["key_manager"], {})
        for keys in instance["external_keys"].values():
            for key in keys:
                ids.setdefault(key["id"], new_key_material())
    return material


def child_env():
    """The environment of a test-bed process started from here: ours, with the test bed importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_TESTS_DIR, env.get("PYTHONPATH")) if p)
    return env


def _spawn(state_dir, service, pass_fds):
    env = child_env()
    env["PYTHONUNBUFFERED"] = "1"
    # The child keeps its own copy of the log descriptor; ours can close at once. The service outlives
    # this call, so no `with` around Popen.
    with open(os.path.join(state_dir, service + ".log"), "ab") as log:
        return subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", SERVICES[service], "--config", os.path.join(state_dir, _CONFIG_FILES[service])],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=state_dir,
            start_new_session=True, close_fds=True, pass_fds=pass_fds)


def _answering(public):
    try:
        code = call("GET", public["emulator_admin_url"] + "/health", timeout=1.0)[0]
        if code != 200:
            return False
        code, health = call("GET", public["proxy_admin_url"] + "/health", timeout=1.0)
        return code == 200 and all(health.get("listeners", {}).values())
    except (OSError, ValueError):
        return False


def _wait_until_answering(state_dir, processes, public, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for service, process in processes.items():
            if process.poll() is not None:
                raise TestbedError("the %s exited with code %s during start; its log ends with:\n%s"
                                   % (service, process.returncode, _log_tail(os.path.join(state_dir, service + ".log"))))
        if _answering(public):
            return
        time.sleep(0.1)
    raise TestbedError("the services did not answer within %.0f s; see the logs in %s" % (timeout, state_dir))


def _write_service_configs(state_dir, bound, instances, public, pem, identities):
    """Each service's configuration, with the descriptors of the sockets it inherits."""
    _write_json(os.path.join(state_dir, KEY_MATERIAL_FILE), _key_material(instances))
    _write_json(os.path.join(state_dir, PROXY_CONFIG), {
        "regions": public["aws_fleet_regions"], "admin_fd": bound["proxy_admin"].fileno(),
        "claim_fds": [sock.fileno() for _address, sock in bound["proxy_addresses"].values()],
        "cert_file": pem["cert_file"], "key_file": pem["key_file"],
        "untrusted_cert_file": pem["untrusted_cert_file"], "untrusted_key_file": pem["untrusted_key_file"],
        "ca_file": pem["ca_file"], "ca_key_file": pem["ca_key_file"], "certificate_identities": identities,
        "instances": instances, "key_material_file": os.path.join(state_dir, KEY_MATERIAL_FILE),
    })
    _write_json(os.path.join(state_dir, EMULATOR_CONFIG), {
        "host": config.EMULATOR_HOST, "fd": bound["emulator"].fileno(),
        "settings": {"connect_delay": public["xks_connect_delay"], "disconnect_delay": public["xks_disconnect_delay"],
                     "health_timeout_ms": public["xks_health_timeout_ms"], "consistency_delay": public["xks_consistency_delay"],
                     "quota_scale": public["xks_quota_scale"], "ca_file": pem["ca_file"], "host_map": public["xks_host_map"],
                     "vpc_endpoint_services": vpc.registry(public["xks_vpc_endpoint_services"])},
        "fleet": {"accounts": public["aws_fleet_accounts"], "role_name": public["aws_fleet_role_name"], "hub_account": public["aws_account_id"]},
    })


def _inherited_fds(bound, service):
    if service == "emulator":
        return [bound["emulator"].fileno()]
    return [bound["proxy_admin"].fileno()] + [sock.fileno() for _address, sock in bound["proxy_addresses"].values()]


def _spawn_services(state_dir, bound):
    """Start each service with its sockets; processes.json lists each as soon as it runs (so stop() finds it)."""
    processes = {}
    for service in SERVICES:
        processes[service] = _spawn(state_dir, service, _inherited_fds(bound, service))
        _write_json(os.path.join(state_dir, PROCESS_FILE), {s: {"pid": p.pid, "module": SERVICES[s]} for s, p in processes.items()})
    return processes


def start(state_dir, connect_delay=config.CONNECT_DELAY, disconnect_delay=config.DISCONNECT_DELAY,
          health_timeout_ms=config.HEALTH_TIMEOUT_MS, emulator_port=config.EMULATOR_PORT,
          proxy_admin_port=config.PROXY_ADMIN_PORT, region=config.REGION, timeout=config.START_TIMEOUT,
          proxy_addresses=None, consistency_delay=config.CONSISTENCY_DELAY, quota_scale=config.QUOTA_SCALE, regions=None):
    """Start both services in the background; return the testbed.json document once they answer.

    Ports 0 (the default) get free ones, and so do the proxy instances that `proxy_addresses`
    ({instance: address}) does not name: several test beds can run at once. `regions`: the fleet's
    Regions besides `region` (default: config.FLEET_REGIONS).
    """
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    if status(state_dir)["running"]:
        raise TestbedError("a test bed is already running from %s" % state_dir)
    bound = _bind(emulator_port or 0, proxy_admin_port or 0, dict(proxy_addresses or {}))
    try:
        instances, public = _layout(state_dir, bound, region, fleet_regions(region, regions))
        public.update(xks_connect_delay=connect_delay, xks_disconnect_delay=disconnect_delay, xks_health_timeout_ms=health_timeout_ms,
                      xks_consistency_delay=consistency_delay, xks_quota_scale=quota_scale)
        identities = _certificate_identities(public)
        pem = pki.make_pki(state_dir, identities)
        public["xks_ca_file"] = pem["ca_file"]
        _write_service_configs(state_dir, bound, instances, public, pem, identities)
        try:
            processes = _spawn_services(state_dir, bound)
        finally:
            _release(bound)  # the services hold their own copies
        _wait_until_answering(state_dir, processes, public, timeout)
    except BaseException:
        _release(bound)
        stop(state_dir)
        raise
    _write_json(os.path.join(state_dir, STATE_FILE), public)
    return public


def _terminate(pid, grace=5.0):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _alive(pid):
        time.sleep(0.05)


def stop(state_dir):
    """Stop the services started from `state_dir` and remove the files holding secrets (logs stay)."""
    state_dir = os.path.abspath(state_dir)
    processes = _read_json(os.path.join(state_dir, PROCESS_FILE)) or {}
    stopped = []
    for service, entry in sorted(processes.items()):
        pid = entry.get("pid")
        if isinstance(pid, int) and _alive(pid) and _is_our_service(pid, entry.get("module", SERVICES.get(service, "?"))):
            _terminate(pid)
            stopped.append(service)
    for name in (STATE_FILE, PROCESS_FILE, EMULATOR_CONFIG, PROXY_CONFIG, KEY_MATERIAL_FILE) + pki.FILES:
        try:
            os.remove(os.path.join(state_dir, name))
        except FileNotFoundError:
            pass
    return {"stopped": stopped}


def status(state_dir):
    """Whether each service of `state_dir` runs and answers."""
    state_dir = os.path.abspath(state_dir)
    processes = _read_json(os.path.join(state_dir, PROCESS_FILE)) or {}
    public = load_state(state_dir)
    services = {}
    for service, module in SERVICES.items():
        pid = (processes.get(service) or {}).get("pid")
        services[service] = {"pid": pid, "alive": bool(isinstance(pid, int) and _alive(pid) and _is_our_service(pid, module))}
    answering = bool(public) and all(s["alive"] for s in services.values()) and _answering(public)
    return {"state_dir": state_dir, "running": answering, "services": services,
            "state_file": os.path.join(state_dir, STATE_FILE) if public else None}

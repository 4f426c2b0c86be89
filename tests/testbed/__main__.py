# -*- coding: utf-8 -*-
"""python -m testbed start|stop|status --state-dir DIR (run with PYTHONPATH=<repo>/tests)."""

import argparse
import json
import sys
import time

from . import config
from .launcher import TestbedError, start, status, stop


def _instance_address(text):
    name, sep, address = text.partition("=")
    if not (sep and name and address):
        raise argparse.ArgumentTypeError("expected INSTANCE=ADDRESS, e.g. primary=127.0.0.11")
    return name, address


def _parser():
    parser = argparse.ArgumentParser(prog="python -m testbed", description="Run the kms.xks test bed (KMS emulator + XKS proxy).")
    commands = parser.add_subparsers(dest="command", required=True)
    start_cmd = commands.add_parser("start", help="start both services in the background and write DIR/testbed.json")
    stop_cmd = commands.add_parser("stop", help="stop the services and remove their secrets from DIR")
    status_cmd = commands.add_parser("status", help="exit 0 when both services run and answer, 1 otherwise")
    for command in (start_cmd, stop_cmd, status_cmd):
        command.add_argument("--state-dir", required=True, help="directory for testbed.json, logs, certificates")
    start_cmd.add_argument("--connect-delay", type=float, default=config.CONNECT_DELAY, help="seconds in CONNECTING (default %(default)s)")
    start_cmd.add_argument("--disconnect-delay", type=float, default=config.DISCONNECT_DELAY,
                           help="seconds in DISCONNECTING (default %(default)s)")
    start_cmd.add_argument("--health-timeout-ms", type=int, default=config.HEALTH_TIMEOUT_MS,
                           help="time allowed for one GetHealthStatus (default %(default)s; the spec's is 250)")
    start_cmd.add_argument("--consistency-delay", type=float, default=config.CONSISTENCY_DELAY,
                           help="seconds after UpdateCustomKeyStore during which KMS still calls the proxy with the old values "
                                "(KMS: up to 300; default %(default)s)")
    start_cmd.add_argument("--quota-scale", type=float, default=config.QUOTA_SCALE,
                           help="factor on KMS's request quotas, e.g. 5 per second per custom key store operation "
                                "(default %(default)s: KMS's; 0: no quotas)")
    start_cmd.add_argument("--no-quotas", dest="quota_scale", action="store_const", const=0.0, help="same as --quota-scale 0")
    start_cmd.add_argument("--emulator-port", type=int, default=config.EMULATOR_PORT, help="port on %s (default: a free one)" % config.EMULATOR_HOST)
    start_cmd.add_argument("--proxy-admin-port", type=int, default=config.PROXY_ADMIN_PORT,
                           help="port on %s (default: a free one)" % config.PROXY_ADMIN_HOST)
    start_cmd.add_argument("--proxy-address", action="append", default=[], metavar="INSTANCE=ADDRESS", type=_instance_address,
                           help="listen on port 443 of ADDRESS for this proxy instance (repeatable; default: the first free "
                                "addresses from %s)" % config.PROXY_ADDRESS_FIRST)
    start_cmd.add_argument("--region", default=config.REGION, help="Region the proxy accepts signatures for (default %(default)s)")
    start_cmd.add_argument("--timeout", type=float, default=config.START_TIMEOUT, help="seconds to wait for the services (default %(default)s)")
    status_cmd.add_argument("--json", action="store_true", help="print the status as JSON")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        if args.command == "start":
            began = time.monotonic()
            bed = start(args.state_dir, connect_delay=args.connect_delay, disconnect_delay=args.disconnect_delay,
                        health_timeout_ms=args.health_timeout_ms, emulator_port=args.emulator_port,
                        proxy_admin_port=args.proxy_admin_port, region=args.region, timeout=args.timeout,
                        consistency_delay=args.consistency_delay, quota_scale=args.quota_scale,
                        proxy_addresses=dict(args.proxy_address))
            # No secrets here: they are only in the 0600 state file.
            print("test bed started in %.1f s" % (time.monotonic() - began))
            print("  kms_endpoint_url    %s" % bed["kms_endpoint_url"])
            print("  emulator_admin_url  %s" % bed["emulator_admin_url"])
            print("  proxy_admin_url     %s" % bed["proxy_admin_url"])
            for name in bed["xks_proxy_instances"]:
                proxy = bed["xks_proxy_" + name]
                print("  xks_proxy_%-9s %s%s" % (name, proxy["endpoint"], proxy["uri_path"]))
            print("  unreachable         %s" % bed["xks_unreachable_endpoint"])
            print("  state file          %s" % (args.state_dir.rstrip("/") + "/testbed.json"))
            return 0
        if args.command == "stop":
            result = stop(args.state_dir)
            print("stopped: %s" % (", ".join(result["stopped"]) or "nothing was running"))
            return 0
        result = status(args.state_dir)
        if args.json:
            print(json.dumps(result, indent=2, sort_keys=True))
        else:
            for service, info in sorted(result["services"].items()):
                print("%-9s pid %-8s %s" % (service, info["pid"], "running" if info["alive"] else "not running"))
            print("test bed %s" % ("answering" if result["running"] else "not answering"))
        return 0 if result["running"] else 1
    except TestbedError as exc:
        sys.stderr.write("testbed: %s\n" % exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())

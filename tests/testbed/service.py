# -*- coding: utf-8 -*-
"""What the test bed's two services (python -m testbed.emulator, python -m testbed.proxy) share: the
config file the launcher writes, and serving in the foreground until SIGTERM or SIGINT."""

import argparse
import json
import signal
import threading


def read_config(prog, description, argv, config_help="JSON file written by the launcher"):
    """The JSON document of the service's --config FILE."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--config", required=True, help=config_help)
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        return json.load(handle)


def serve_until_signalled(serve, shutdown, close):
    """Run `serve()` until SIGTERM or SIGINT asks for `shutdown()`, then `close()`; returns the exit status."""

    def stop(signum, frame):
        # shutdown() waits for serve(), which runs in this (the main) thread: call it from another.
        threading.Thread(target=shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        serve()
    finally:
        close()
    return 0

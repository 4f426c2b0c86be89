# -*- coding: utf-8 -*-
"""Run the KMS emulator in the foreground: python -m testbed.emulator --config FILE."""

import argparse
import json
import signal
import sys
import threading

from .server import make_emulator


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m testbed.emulator", description=__doc__)
    parser.add_argument("--config", required=True, help="JSON file written by the launcher")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = json.load(handle)
    server = make_emulator(config["host"], config["fd"], config["settings"])

    def stop(signum, frame):
        # shutdown() waits for serve_forever, which runs in this (the main) thread: call it from another.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("kms emulator: http://%s:%s\n" % server.server_address[:2])
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

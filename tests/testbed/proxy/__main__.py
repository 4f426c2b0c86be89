# -*- coding: utf-8 -*-
"""Run the XKS proxy in the foreground: python -m testbed.proxy --config FILE."""

import argparse
import json
import signal
import sys
import threading

from .app import XksProxy


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m testbed.proxy", description=__doc__)
    parser.add_argument("--config", required=True, help="JSON file written by the launcher (holds secrets)")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = json.load(handle)
    proxy = XksProxy(config)

    def stop(signum, frame):
        # shutdown() waits for serve_forever, which runs in this (the main) thread: call it from another.
        threading.Thread(target=proxy.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listeners = ", ".join("%s=%s:%s" % (n, i["address"], i["port"]) for n, i in sorted(config["instances"].items()))
    sys.stderr.write("xks proxy: admin on %s:%s, listeners %s\n" % (proxy.admin.server_address[0], proxy.admin.server_address[1], listeners))
    try:
        proxy.serve_forever()
    finally:
        proxy.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

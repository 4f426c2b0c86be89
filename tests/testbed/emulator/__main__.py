# -*- coding: utf-8 -*-
"""Run the KMS emulator in the foreground: python -m testbed.emulator --config FILE."""

import sys

from ..service import read_config, serve_until_signalled
from .server import make_emulator


def main(argv=None):
    config = read_config("python -m testbed.emulator", __doc__, argv)
    server = make_emulator(config["host"], config["fd"], config["settings"], config.get("fleet"))
    sys.stderr.write("kms emulator: http://%s:%s\n" % server.server_address[:2])
    return serve_until_signalled(lambda: server.serve_forever(poll_interval=0.1), server.shutdown, server.server_close)


if __name__ == "__main__":
    sys.exit(main())

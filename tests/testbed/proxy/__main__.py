# -*- coding: utf-8 -*-
"""Run the XKS proxy in the foreground: python -m testbed.proxy --config FILE."""

import sys

from ..service import read_config, serve_until_signalled
from .app import XksProxy


def main(argv=None):
    config = read_config("python -m testbed.proxy", __doc__, argv, config_help="JSON file written by the launcher (holds secrets)")
    proxy = XksProxy(config)
    listeners = ", ".join("%s=%s:%s" % (n, i["address"], i["port"]) for n, i in sorted(config["instances"].items()))
    sys.stderr.write("xks proxy: admin on %s:%s, listeners %s\n" % (proxy.admin.server_address[0], proxy.admin.server_address[1], listeners))
    return serve_until_signalled(proxy.serve_forever, proxy.shutdown, proxy.close)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Let ansible-test create its virtual environments offline.

For every venv it creates (sanity tests, --venv, --requirements) ansible-test bootstraps pip with a
get-pip script that it downloads from a host this machine cannot reach, so it fails at once.
It first looks in its cache, ~/.ansible/test/cache/get_pip_<version>.py, and runs that file as
`python <script> <pip options> pip==<version>`. We put a small stand-in there that installs pip
from a wheel kept beside it. Run with the Python that has ansible-core (the .venv), so the pip
version is the one this ansible-test asks for.
"""

import glob
import os
import subprocess
import sys
import types

from ansible_test._internal.python_requirements import get_venv_packages

CACHE = os.path.expanduser("~/.ansible/test/cache")

STAND_IN = '''\
"""Offline stand-in for ansible-test's get-pip bootstrap (written by kms.xks hack/ansible_test_offline.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, {wheel!r}))  # pip runs from its own wheel

from pip._internal.cli.main import main  # noqa: E402

# get-pip options that pip itself does not know.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--find-links", HERE] + args))
'''


def main():
    python_version = "%d.%d" % sys.version_info[:2]
    pip_version = get_venv_packages(types.SimpleNamespace(version=python_version))["pip"]
    os.makedirs(CACHE, exist_ok=True)

    wheels = glob.glob(os.path.join(CACHE, "pip-%s-*.whl" % pip_version))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "-d", CACHE, "pip==%s" % pip_version],
            check=True,
        )
        wheels = glob.glob(os.path.join(CACHE, "pip-%s-*.whl" % pip_version))

    script = os.path.join(CACHE, "get_pip_%s.py" % pip_version.replace(".", "_"))
    text = STAND_IN.format(wheel=os.path.basename(wheels[0]))
    if not os.path.exists(script) or open(script).read() != text:
        with open(script, "w") as f:
            f.write(text)
    print("ansible-test: offline pip %s bootstrap at %s" % (pip_version, script))


if __name__ == "__main__":
    main()

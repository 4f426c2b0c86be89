#!/usr/bin/env python
"""Let ansible-test create its virtual environments offline.

For every venv it creates (sanity tests, --venv, --requirements) ansible-test bootstraps pip with a
get-pip script that it downloads from a host this machine cannot reach. Its own error says the way
round: save the script to ~/.ansible/test/cache/get_pip_<version>.py, which it then runs as
`python <script> <pip options> pip==<version>`. We put a small stand-in there that runs pip from a
wheel kept beside it (`python -m pip` with the wheel on PYTHONPATH, as pip supports) and installs
that pip from the same folder, without an index.
"""

import glob
import os
import subprocess
import sys
import tempfile

CACHE = os.path.expanduser("~/.ansible/test/cache")
# The pip that ansible-test bootstraps into its venvs; it goes with ansible-core, which
# test-requirements.txt pins (2.19.14). An upgrade that changes it fails loudly, with ansible-test's
# "Download failed ... manually downloaded and saved to ~/.ansible/test/cache/get_pip_<version>.py":
# set that version here.
PIP_VERSION = "24.2"

STAND_IN = '''\
"""Offline stand-in for ansible-test's get-pip bootstrap (written by kms.xks hack/ansible_test_offline.py)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WHEEL = os.path.join(HERE, {wheel!r})

# get-pip options that pip itself does not know.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
env = dict(os.environ, PYTHONPATH=WHEEL)  # pip runs from its own wheel
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--no-index", "--find-links", HERE] + args, env=env))
'''


def pip_wheel():
    """The pip wheel in the cache, fetched with pip the first time (that needs PyPI)."""
    pattern = os.path.join(CACHE, "pip-%s-*.whl" % PIP_VERSION)
    if not glob.glob(pattern):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "-d", CACHE, "pip==%s" % PIP_VERSION],
            check=True,
        )
    return glob.glob(pattern)[0]


def write_if_changed(path, text):
    """Replace `path` atomically: other test runs on this machine may be reading it."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".get_pip-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def main():
    os.makedirs(CACHE, exist_ok=True)
    wheel = pip_wheel()
    script = os.path.join(CACHE, "get_pip_%s.py" % PIP_VERSION.replace(".", "_"))
    write_if_changed(script, STAND_IN.format(wheel=os.path.basename(wheel)))
    print("ansible-test: offline pip %s bootstrap at %s" % (PIP_VERSION, script))


if __name__ == "__main__":
    main()

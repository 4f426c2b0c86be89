#!/usr/bin/env python
"""Write the playbooks shown in the guides (docs/docsite/rst/*.rst) to a directory, so that
ansible-lint checks them like any other playbook.

A playbook is a ``.. code-block:: yaml+jinja`` block that starts with ``- name:`` and has ``hosts:``.
Usage: hack/guide_playbooks.py DEST_DIR; prints the files written.
"""

import glob
import os
import re
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"^\.\. code-block:: yaml\+jinja\n\n((?:(?:[ ]{2,}.*)?\n)+)", re.MULTILINE)


def playbooks(text):
    for match in BLOCK.finditer(text):
        body = textwrap.dedent(match.group(1)).strip("\n") + "\n"
        if body.startswith("- name:") and re.search(r"^  hosts:", body, re.MULTILINE):
            yield body


def main(dest):
    os.makedirs(dest, exist_ok=True)
    for guide in sorted(glob.glob(os.path.join(ROOT, "docs", "docsite", "rst", "*.rst"))):
        with open(guide, encoding="utf-8") as handle:
            text = handle.read()
        stem = os.path.splitext(os.path.basename(guide))[0]
        for number, body in enumerate(playbooks(text), 1):
            path = os.path.join(dest, "%s_%d.yml" % (stem, number))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("---\n# From docs/docsite/rst/%s.rst\n%s" % (stem, body))
            print(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

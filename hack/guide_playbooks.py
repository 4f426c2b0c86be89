#!/usr/bin/env python
"""The playbooks shown in the docs: the guides (docs/docsite/rst/*.rst), README.md and docs/README.md.

A playbook is a YAML code block (``.. code-block:: yaml`` / ``yaml+jinja`` in reStructuredText, a
``yaml`` fence in Markdown) that is a list of plays, each with ``hosts``. ansible-lint checks them
(hack/lint.sh) and the integration runner runs them against the test bed, verbatim
(tests/integration/run.py --guides).

Usage: hack/guide_playbooks.py DEST_DIR   writes <source>_<n>.yml per playbook and prints the paths.
Fails when no playbook is found, or when a guide that is not listed in GUIDES_WITHOUT_PLAYBOOKS has none.
"""

import glob
import os
import re
import sys
import textwrap

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RST_BLOCK = re.compile(r"^\.\. code-block:: yaml(?:\+jinja)?\n\n((?:(?:[ ]{2,}.*)?\n)+)", re.MULTILINE)
MD_FENCE = re.compile(r"^```ya?ml(?:\+jinja)?\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Guides with nothing to run, and why. Every other guide must show at least one playbook.
GUIDES_WITHOUT_PLAYBOOKS = {
    "guide_troubleshooting": "a reference of error codes and exceptions",
}


class NoPlaybooks(Exception):
    """The docs show no playbook where one is expected."""


def sources():
    """(stem, path relative to the repository, is a guide) of every document that may show playbooks."""
    found = [(os.path.splitext(os.path.basename(p))[0], p, True) for p in sorted(glob.glob(os.path.join(ROOT, "docs", "docsite", "rst", "*.rst")))]
    found += [("README", os.path.join(ROOT, "README.md"), False), ("docs_README", os.path.join(ROOT, "docs", "README.md"), False)]
    return [(stem, os.path.relpath(path, ROOT), guide) for stem, path, guide in found if os.path.isfile(path)]


def code_blocks(text, markdown):
    if markdown:
        return [match.group(1) for match in MD_FENCE.finditer(text)]
    return [textwrap.dedent(match.group(1)).strip("\n") + "\n" for match in RST_BLOCK.finditer(text)]


def is_playbook(body):
    try:
        document = yaml.safe_load(body)
    except yaml.YAMLError:
        return False
    return isinstance(document, list) and bool(document) and all(isinstance(play, dict) and "hosts" in play for play in document)


def playbooks(text, markdown=False):
    return [body for body in code_blocks(text, markdown) if is_playbook(body)]


def extract():
    """[(name, source, body)] of every playbook, in document order; name is <stem>_<n>. Raises NoPlaybooks."""
    found, empty_guides = [], []
    for stem, source, guide in sources():
        with open(os.path.join(ROOT, source), encoding="utf-8") as handle:
            bodies = playbooks(handle.read(), markdown=source.endswith(".md"))
        if guide and not bodies and stem not in GUIDES_WITHOUT_PLAYBOOKS:
            empty_guides.append(source)
        found += [("%s_%d" % (stem, number), source, body) for number, body in enumerate(bodies, 1)]
    if empty_guides:
        raise NoPlaybooks("no playbook found in %s (a yaml code block of plays with hosts)" % ", ".join(empty_guides))
    if not found:
        raise NoPlaybooks("no playbook found in the docs at all: has the code-block syntax changed?")
    return found


def write(dest, found):
    os.makedirs(dest, exist_ok=True)
    paths = []
    for name, source, body in found:
        path = os.path.join(dest, name + ".yml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("---\n# From %s\n%s" % (source, body))
        paths.append(path)
    return paths


def main(dest):
    try:
        found = extract()
    except NoPlaybooks as e:
        sys.exit("guide_playbooks: FAILED: %s" % e)
    for path in write(dest, found):
        print(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

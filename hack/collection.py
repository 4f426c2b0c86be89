#!/usr/bin/env python
"""Lay out build/ansible_collections/kms/xks as a copy of the repository.

ansible-test needs the collection under ansible_collections/<ns>/<name>/ next to its
dependencies (build/ansible_collections/amazon/aws, see hack/amazon_aws.sh), and it must be a
copy, not a symlink. The copy holds the tracked files and the untracked files git does not
ignore, so work in progress is tested too. It is synced in place (changed files only) to keep
ansible-test's tests/output/ cache between runs, and it is `git init`ed: ansible-test lists
files through git, and inside the git-ignored build/ it would otherwise skip every target.
"""

import filecmp
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEST = os.path.join(ROOT, "build", "ansible_collections", "kms", "xks")
KEEP = (".git", "tests/output")  # in the copy only: its own git and ansible-test's results


def source_files():
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    # A tracked file deleted in the work tree is still listed: skip it.
    return {p for p in out.split("\0") if p and os.path.isfile(os.path.join(ROOT, p))}


def sync(files):
    copied = removed = 0
    for rel in sorted(files):
        src, dst = os.path.join(ROOT, rel), os.path.join(DEST, rel)
        if os.path.isfile(dst) and filecmp.cmp(src, dst, shallow=False):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        copied += 1
    for dirpath, dirnames, filenames in os.walk(DEST, topdown=True):
        reldir = os.path.relpath(dirpath, DEST)
        reldir = "" if reldir == "." else reldir
        dirnames[:] = [d for d in dirnames if os.path.join(reldir, d) not in KEEP]
        for name in filenames:
            rel = os.path.join(reldir, name)
            if rel not in files:
                os.remove(os.path.join(dirpath, name))
                removed += 1
    # Drop directories left empty (git does not track them, the source may have none).
    for dirpath, dirnames, filenames in os.walk(DEST, topdown=False):
        rel = os.path.relpath(dirpath, DEST)
        if rel != "." and not rel.startswith(KEEP) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return copied, removed


def main():
    os.makedirs(DEST, exist_ok=True)
    copied, removed = sync(source_files())
    if not os.path.isdir(os.path.join(DEST, ".git")):
        subprocess.run(["git", "init", "--quiet", DEST], check=True)
    print(f"collection: {os.path.relpath(DEST, ROOT)} synced ({copied} copied, {removed} removed)")


if __name__ == "__main__":
    sys.exit(main())

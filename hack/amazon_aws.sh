#!/usr/bin/env bash
# Put amazon.aws into build/ansible_collections/amazon/aws without Ansible Galaxy (unreachable
# here): download the `ansible` community package wheel (no dependencies, no install) and extract
# only that collection. The wheel and the extracted tree are cached under build/, so this runs once.
set -euo pipefail
cd "$(dirname "$0")/.."

ANSIBLE_VERSION="${ANSIBLE_VERSION:-12.3.0}"   # ships amazon.aws 10.1.2
PYTHON="${PYTHON:-.venv/bin/python}"
DEST=build/ansible_collections/amazon/aws
WHEELS=build/wheels
STAMP="build/.amazon_aws-from-ansible-$ANSIBLE_VERSION"  # outside the tree: keep it out of its git listing

if [[ -f "$STAMP" && -d "$DEST" ]]; then
    echo "amazon.aws: $DEST is up to date"
    exit 0
fi

mkdir -p "$WHEELS"
wheel="$WHEELS/ansible-$ANSIBLE_VERSION-py3-none-any.whl"
[[ -f "$wheel" ]] || "$PYTHON" -m pip download --quiet --disable-pip-version-check \
    --no-deps --only-binary=:all: -d "$WHEELS" "ansible==$ANSIBLE_VERSION"

rm -rf "$DEST" build/tmp-amazon-aws
mkdir -p build/tmp-amazon-aws "$(dirname "$DEST")"
"$PYTHON" - "$wheel" build/tmp-amazon-aws <<'PY'
import sys, zipfile
wheel, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as zf:
    zf.extractall(out, [n for n in zf.namelist() if n.startswith("ansible_collections/amazon/aws/")])
PY
mv build/tmp-amazon-aws/ansible_collections/amazon/aws "$DEST"
rm -rf build/tmp-amazon-aws

# antsibull-docs lists a collection's files through git; an untracked tree would look empty.
git -C "$DEST" init --quiet
"$PYTHON" -c 'import json,sys; print("amazon.aws", json.load(open(sys.argv[1]))["collection_info"]["version"])' "$DEST/MANIFEST.json"
touch "$STAMP"

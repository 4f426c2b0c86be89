#!/usr/bin/env bash
# Sourced by hack/docs.sh, hack/lint.sh, hack/galaxy-import.sh and hack/ee.sh: prepares what the
# docs and lint tools need, offline, and puts them on PATH.
#   - build/lint-venv: the tools of lint-requirements.txt (installed again only when that file or the
#     Python changes);
#   - build/ansible_collections/{amazon/aws, kms/xks}: amazon.aws from the ansible wheel
#     (hack/amazon_aws.sh) and a copy of this repository (hack/collection.py, which includes
#     untracked files);
#   - amazon.aws linked into the venv's site-packages too: galaxy-importer runs ansible-doc with only
#     the collection under test on ANSIBLE_COLLECTIONS_PATH, and ansible-core also looks on sys.path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINT_VENV="$ROOT/build/lint-venv"
cd "$ROOT"

_lint_hash="$({ "${PYTHON:-python3}" --version; cat lint-requirements.txt; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$LINT_VENV/bin/python" || "$(cat "$LINT_VENV/.requirements.sha256" 2>/dev/null)" != "$_lint_hash" ]]; then
    [[ -x "$LINT_VENV/bin/python" ]] || "${PYTHON:-python3}" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r lint-requirements.txt
    echo "$_lint_hash" > "$LINT_VENV/.requirements.sha256"
    echo "lint-venv: installed lint-requirements.txt into build/lint-venv"
fi

PYTHON="$LINT_VENV/bin/python" hack/amazon_aws.sh >/dev/null
"$LINT_VENV/bin/python" hack/collection.py >/dev/null

_site="$("$LINT_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
mkdir -p "$_site/ansible_collections/amazon"
ln -sfn "$ROOT/build/ansible_collections/amazon/aws" "$_site/ansible_collections/amazon/aws"

export PATH="$LINT_VENV/bin:$PATH"  # antsibull-docs and galaxy-importer call ansible-doc and ansible-lint by name
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build"
export COLLECTION_COPY="$ROOT/build/ansible_collections/kms/xks"  # for the scripts that source this file

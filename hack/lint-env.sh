#!/usr/bin/env bash
# Runs a command with the docs and lint tools, offline: `hack/lint-env.sh COMMAND [ARGS...]`
# (hack/docs.sh, hack/lint.sh, hack/galaxy-import.sh and hack/ee.sh run themselves through it).
# Before the command, once per run (a command it runs that calls it again skips this), it prepares:
#   - build/lint-venv: the tools of lint-requirements.txt (installed again only when that file or the
#     Python changes);
#   - build/ansible_collections/{amazon/aws, kms/xks}: amazon.aws from the ansible wheel
#     (hack/amazon_aws.sh) and a copy of this repository (hack/collection.py, which includes
#     untracked files);
# and runs the command from the repository, with the tools first on PATH, build/ as the collections
# path and COLLECTION_COPY naming the copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINT_VENV="$ROOT/build/lint-venv"
cd "$ROOT"

prepare() {
    local hash
    hash="$({ "${PYTHON:-python3}" --version; cat lint-requirements.txt; } | sha256sum | cut -d' ' -f1)"
    if [[ ! -x "$LINT_VENV/bin/python" || "$(cat "$LINT_VENV/.requirements.sha256" 2>/dev/null)" != "$hash" ]]; then
        [[ -x "$LINT_VENV/bin/python" ]] || "${PYTHON:-python3}" -m venv "$LINT_VENV"
        "$LINT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r lint-requirements.txt
        echo "$hash" > "$LINT_VENV/.requirements.sha256"
        echo "lint-venv: installed lint-requirements.txt into build/lint-venv"
    fi
    PYTHON="$LINT_VENV/bin/python" hack/amazon_aws.sh >/dev/null
    "$LINT_VENV/bin/python" hack/collection.py >/dev/null
}

if [[ -z "${KMS_XKS_LINT_ENV:-}" ]]; then
    prepare
    export KMS_XKS_LINT_ENV=1
    export PATH="$LINT_VENV/bin:$PATH"  # antsibull-docs and galaxy-importer call ansible-doc and ansible-lint by name
    export ANSIBLE_COLLECTIONS_PATH="$ROOT/build"
    export COLLECTION_COPY="$ROOT/build/ansible_collections/kms/xks"
fi
[[ $# -eq 0 ]] || exec "$@"

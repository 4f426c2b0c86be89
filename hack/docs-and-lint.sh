#!/usr/bin/env bash
# Everything about docs and ecosystem fit, as CI runs it: each step runs even when an earlier one
# fails, prints how long it took, and the script fails at the end if any step failed.
#   hack/docs.sh --check    docs/modules/ up to date; troubleshooting guide complete
#   hack/lint.sh            ansible-lint (production), guides' playbooks, antsibull-docs lint
#   hack/galaxy-import.sh   ansible-galaxy collection build + galaxy-importer
#   hack/ee.sh              ansible-builder introspect + create
# The first run creates build/lint-venv (lint-requirements.txt) and build/ansible_collections.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# Prepare the venv and the collections once, outside the timings of the steps; the steps run in that
# environment, so they do not prepare it again.
if [[ -z "${KMS_XKS_LINT_ENV:-}" ]]; then
    start=$SECONDS
    hack/lint-env.sh || { echo "docs-and-lint: cannot prepare build/lint-venv" >&2; exit 1; }
    echo "docs-and-lint: tools ready ($((SECONDS - start)) s)"
    exec hack/lint-env.sh "$(realpath "$0")" "$@"
fi

failed=""
for step in "hack/docs.sh --check" hack/lint.sh hack/galaxy-import.sh hack/ee.sh; do
    start=$SECONDS
    if $step; then status=ok; else status=FAILED; failed+=" ${step%% *}"; fi
    echo "docs-and-lint: $step: $status ($((SECONDS - start)) s)"
done

if [[ -n "$failed" ]]; then
    echo "docs-and-lint: FAILED:$failed" >&2
    exit 1
fi
echo "docs-and-lint: passed"

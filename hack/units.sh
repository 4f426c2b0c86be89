#!/usr/bin/env bash
# Unit tests (tests/unit) with plain pytest, run inside the build copy with PYTHONPATH=build, so
# `ansible_collections.kms.xks...` imports resolve to the copy and amazon.aws sits beside it.
# (`ansible-test units` would pass `-n auto`, which needs pytest-xdist.)
# Extra arguments go to pytest, e.g. `hack/units.sh -k plan`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COPY="$ROOT/build/ansible_collections/kms/xks"

[[ -d "$COPY/.git" ]] || { echo "units: no build copy at $COPY; run 'make collection'" >&2; exit 1; }
[[ -d "$COPY/tests/unit" ]] || { echo "units: FAILED: tests/unit is missing" >&2; exit 1; }

cd "$COPY"
PYTHONPATH="$ROOT/build" exec "$ROOT/.venv/bin/pytest" tests/unit "$@"

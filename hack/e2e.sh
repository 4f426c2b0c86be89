#!/usr/bin/env bash
# End-to-end tests (tests/e2e): fault injection and the secret-leak suite. Real module tasks run
# through ansible-playbook, with the collection from build/ (make collection), against a test bed the
# tests start once, on free ports and loopback addresses it picks (see tests/testbed/README.md), so it
# can run beside other test beds.
# Extra arguments go to pytest, e.g. `hack/e2e.sh -k secret`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

[[ -d tests/e2e ]] || { echo "e2e: FAILED: tests/e2e is missing" >&2; exit 1; }
[[ -d build/ansible_collections/kms/xks && -d build/ansible_collections/amazon/aws ]] ||
    { echo "e2e: no collection in build/; run 'make collection'" >&2; exit 1; }

# `testbed` (the KMS emulator and XKS proxy) and tests/integration/run.py are imported from tests/.
PYTHONPATH="$ROOT/tests" exec "$ROOT/.venv/bin/pytest" tests/e2e -p no:cacheprovider "$@"

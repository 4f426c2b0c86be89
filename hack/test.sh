#!/usr/bin/env bash
# `make test`: every suite, even when one fails, then a report (the collection must be built).
# Suites run in parallel lanes (each lane one after the other): every suite that needs a test bed
# starts its own, on free ports and addresses, so they do not meet. Each suite's output goes to
# build/test-logs/<suite>.log and is shown whole, in the order below, as soon as it and those
# before it are done. The unit tests come last, so that the last line printed is pytest's summary.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT" || exit 1
LOGS="$ROOT/build/test-logs"
PY="$ROOT/.venv/bin/python"

declare -A COMMAND=(
    [sanity]="hack/sanity.sh"
    [testbed-tests]="hack/testbed_tests.sh"
    [integration]="$PY tests/integration/run.py"
    [guides]="$PY tests/integration/run.py --guides"
    [demo]="$PY tests/integration/run.py --playbook demo/demo.yml"
    [e2e]="hack/e2e.sh"
    [docs-and-lint]="hack/docs-and-lint.sh"
    [units]="hack/units.sh"
)
ORDER=(sanity testbed-tests integration guides demo e2e docs-and-lint units)
# Measured on 2 cores (README, "Development"): the CPU-bound tool suites in one lane, the test-bed
# suites, which also wait on the test bed's transitions, beside them.
LANES=("sanity docs-and-lint units" "testbed-tests e2e" "integration guides demo")

rm -rf "$LOGS"
mkdir -p "$LOGS"

run_lane() {
    local suite started
    for suite in $1; do
        started=$SECONDS
        ${COMMAND[$suite]} </dev/null >"$LOGS/$suite.log" 2>&1
        echo "$? $((SECONDS - started))" >"$LOGS/$suite.done"
    done
}

# Job control: each lane in a process group of its own that receives SIGINT (asynchronous commands
# of a shell without it ignore SIGINT), so that an interrupt reaches pytest, which then stops its test bed.
set -m
lanes=()
for lane in "${LANES[@]}"; do
    run_lane "$lane" &
    lanes+=($!)
done
set +m
interrupt() {
    for pid in "${lanes[@]}"; do kill -INT -- "-$pid" 2>/dev/null; done
    wait
    exit 130
}
trap interrupt INT TERM

failed=""
for suite in "${ORDER[@]}"; do
    while [[ ! -f "$LOGS/$suite.done" ]]; do sleep 1; done
    read -r rc seconds <"$LOGS/$suite.done"
    echo "=== $suite ($seconds s, exit $rc; log: build/test-logs/$suite.log) ==="
    cat "$LOGS/$suite.log"
    [[ "$rc" == 0 ]] || failed+=" $suite"
done
wait

if [[ -n "$failed" ]]; then
    echo "make test: FAILED:$failed" >&2
    exit 1
fi

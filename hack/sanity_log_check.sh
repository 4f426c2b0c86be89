#!/usr/bin/env bash
# Fail when an `ansible-test sanity` log shows a test that did not really run, although ansible-test
# exits 0 for it: every target skipped, a required program missing, or any sanity test skipped with a
# warning (missing virtual environment support, PyYAML without libyaml, a test disabled by default,
# an unsupported Python). Usage: hack/sanity_log_check.sh LOG
set -euo pipefail
log="${1:?usage: hack/sanity_log_check.sh LOG}"
status=0

if grep -q "All targets skipped" "$log"; then
    echo "sanity: FAILED: ansible-test skipped every target (is the copy a git work tree?)" >&2
    status=1
fi
if grep -q 'Required program ".*" not found' "$log"; then
    echo "sanity: FAILED: a sanity test could not run (see 'Required program' above)" >&2
    status=1
fi
if skips="$(grep -E '^WARNING: Skipping ' "$log")"; then
    echo "$skips" >&2
    echo "sanity: FAILED: ansible-test skipped a sanity test (see the warnings above); every test must run" >&2
    status=1
fi
exit "$status"

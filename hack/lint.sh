#!/usr/bin/env bash
# Lint what users of the collection see, offline:
#   1. ansible-lint, production profile (.ansible-lint): playbooks, tests/integration, and the
#      EXAMPLES of every module;
#   2. ansible-lint on the playbooks shown in the guides (hack/guide_playbooks.py extracts them);
#   3. antsibull-docs lint-collection-docs: module docs, semantic markup and references, the guides
#      (rstcheck) and docs/docsite/*.yml.
# Runs every step, then fails if any failed.
set -euo pipefail
[[ -n "${KMS_XKS_LINT_ENV:-}" ]] || exec "$(dirname "$0")/lint-env.sh" "$(realpath "$0")" "$@"  # the tools, once

failed=""
guides="$(mktemp -d)"
trap 'rm -rf "$guides"' EXIT

echo "lint: ansible-lint"
ansible-lint --nocolor -q || failed+=" ansible-lint"

echo "lint: ansible-lint on the guides' playbooks"
# guide_playbooks.py fails when a guide shows no playbook; an empty directory would lint nothing.
if python hack/guide_playbooks.py "$guides" >/dev/null && compgen -G "$guides/*.yml" >/dev/null; then
    # From inside that directory, so that .ansible-lint's exclude of build/ and the repository's git
    # listing do not hide the files.
    (cd "$guides" && ansible-lint --nocolor -q --offline --profile production ./*.yml) || failed+=" guide-playbooks"
else
    echo "lint: FAILED: no guide playbook was extracted" >&2
    failed+=" guide-playbooks"
fi

echo "lint: antsibull-docs lint-collection-docs"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=dependent "$COLLECTION_COPY" \
    || failed+=" collection-docs"

if [[ -n "$failed" ]]; then
    echo "lint: FAILED:$failed" >&2
    exit 1
fi
echo "lint: passed"

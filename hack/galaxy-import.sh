#!/usr/bin/env bash
# Build the collection tarball and run galaxy-importer on it, as Ansible Galaxy and Automation Hub
# do on an upload. Fails on any ERROR the importer logs (it exits 0 after most of them).
# The tarball is built from the copy that hack/collection.py makes (tracked and untracked files,
# nothing git ignores), so local caches never end up in it. It is left in build/dist/.
set -euo pipefail
[[ -n "${KMS_XKS_LINT_ENV:-}" ]] || exec "$(dirname "$0")/lint-env.sh" "$(realpath "$0")" "$@"  # the tools, once
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

dist="$ROOT/build/dist"
rm -rf "$dist"
mkdir -p "$dist"
ansible-galaxy collection build --output-path "$dist" "$COLLECTION_COPY" >/dev/null
tarball="$(ls "$dist"/kms-xks-*.tar.gz)"
echo "galaxy-import: built ${tarball#"$ROOT/"}"

log="$dist/galaxy-importer.log"
set +e
# From build/dist: the importer writes importer_result.json into the current directory.
# amazon.aws (a dependency) from build/ through sys.path: the importer puts only the collection under
# test on ANSIBLE_COLLECTIONS_PATH, and ansible-core also looks for collections on sys.path.
(cd "$dist" && PYTHONPATH="$ROOT/build" GALAXY_IMPORTER_CONFIG="$ROOT/hack/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball" >"$log" 2>&1)
rc=$?
set -e
grep -v '^Loading ' "$log"
if [[ $rc -ne 0 ]] || grep -q '^ERROR' "$log"; then
    echo "galaxy-import: FAILED (see above, or ${log#"$ROOT/"})" >&2
    exit 1
fi
echo "galaxy-import: passed"

#!/usr/bin/env bash
# Check what an execution environment build would do with kms.xks, without a container engine:
#   1. ansible-builder introspect: the Python and system packages that ansible-builder gathers from
#      the installed collections must include those of meta/execution-environment.yml;
#   2. ansible-builder create: the example EE definition in docs/execution-environment/ must give a
#      build context (the container build itself needs podman or docker, and a registry).
set -euo pipefail
[[ -n "${KMS_XKS_LINT_ENV:-}" ]] || exec "$(dirname "$0")/lint-env.sh" "$(realpath "$0")" "$@"  # the tools, once
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

deps="$(ansible-builder introspect --sanitize "$ROOT/build")"
echo "$deps"
for wanted in "boto3>=.*from collection kms.xks" "botocore>=.*from collection kms.xks" "ca-certificates .*from collection kms.xks"; do
    if ! grep -q "$wanted" <<<"$deps"; then
        echo "ee: FAILED: ansible-builder does not see '$wanted' (meta/execution-environment.yml)" >&2
        exit 1
    fi
done

context="$ROOT/build/ee-context"
rm -rf "$context"
ansible-builder create --file docs/execution-environment/execution-environment.yml --context "$context" >/dev/null
# Containerfile for podman, Dockerfile otherwise.
if [[ ! -f "$context/Containerfile" && ! -f "$context/Dockerfile" ]]; then
    echo "ee: FAILED: ansible-builder wrote no Containerfile in ${context#"$ROOT/"}" >&2
    exit 1
fi
echo "ee: passed (build context in ${context#"$ROOT/"})"

#!/usr/bin/env bash
# Create .venv and install test-requirements.txt into it.
# Skips the install when the requirement files (and the Python) are unchanged since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "venv: ansible-core 2.19 needs Python >= 3.11 (set PYTHON=...)" >&2; exit 1; }
VENV=.venv
STAMP="$VENV/.requirements.sha256"

# Hash test-requirements.txt, every file it includes with -r, and the interpreter version.
req_files() {
    echo test-requirements.txt
    sed -n 's/^-r[[:space:]]*//p' test-requirements.txt
}
hash="$({ "$PYTHON" --version; req_files | xargs cat; } | sha256sum | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$hash" ]]; then
    echo "venv: $VENV is up to date"
    exit 0
fi

[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r test-requirements.txt
echo "$hash" > "$STAMP"
echo "venv: installed test-requirements.txt into $VENV"

#!/usr/bin/env bash
# Installs the pinned tools the tests use (scripts/deploy-tools.txt: cfn-lint, checkov, kubectl,
# kubernetes-validate, selenium) into .build-tools/venv, once, and prints the folder their commands are in; scripts/test.sh
# exports it as DEPLOY_TOOLS for the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.build-tools/venv"
PINS="$ROOT/scripts/deploy-tools.txt"
STAMP="$VENV/installed-pins"

if ! cmp -s "$PINS" "$STAMP" 2>/dev/null; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$PINS" >&2
    cp "$PINS" "$STAMP"
fi
echo "$VENV/bin"

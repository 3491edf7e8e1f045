#!/usr/bin/env bash
# The test command: installs what the tests need, starts the local AWS emulator, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
eval "$(scripts/aws-emulator.sh start)"
trap 'scripts/aws-emulator.sh stop' EXIT
swift build --build-tests
swift test --skip-build

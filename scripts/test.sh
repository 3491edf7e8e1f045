#!/usr/bin/env bash
# The test command: installs what the tests need, checks the layout and the formatting, starts the local AWS
# emulator, builds, and runs every test. Prints how long each phase took.
set -euo pipefail
cd "$(dirname "$0")/.."

phase_started=$SECONDS
# Prints the time the phase that just ended took, and starts the next.
phase() {
    echo "thumbworker test: $1 took $((SECONDS - phase_started)) s" >&2
    phase_started=$SECONDS
}

scripts/install-deps.sh --tests
phase "installing dependencies"
scripts/check-layout.py
swift format lint --strict --parallel --recursive Sources Tests Package.swift
phase "layout and format checks"
eval "$(scripts/aws-emulator.sh start)"
trap 'scripts/aws-emulator.sh stop' EXIT
phase "starting the emulator"
swift build --build-tests
phase "building"
tests=0
swift test --skip-build || tests=$?
phase "testing"
# No worker a test started may outlive the tests, failed ones included.
if leftover=$(pgrep -f "$(swift build --show-bin-path)/thumbworker run"); then
    echo "thumbworker test: worker processes outlived the tests: $(echo "$leftover" | tr '\n' ' ')(killed)" >&2
    kill -9 $leftover 2>/dev/null || true
    exit 1
fi
[ "$tests" = 0 ] || exit "$tests"
echo "thumbworker test: all phases took $SECONDS s" >&2

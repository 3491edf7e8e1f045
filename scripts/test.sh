#!/usr/bin/env bash
# The test command: installs what the tests need, checks the layout and the formatting, builds, runs the unit tests,
# starts the local AWS emulator, runs the tests against it, then the fault suite, then the page's browser test
# (headless Chromium against `thumbworker serve`), then builds the release binary and checks the container image
# made from it. Prints how long each phase took.
set -euo pipefail
cd "$(dirname "$0")/.."

phase_started=$SECONDS
# Prints the time the phase that just ended took, and starts the next.
phase() {
    echo "thumbworker test: $1 took $((SECONDS - phase_started)) s" >&2
    phase_started=$SECONDS
}

# The test targets that need nothing but the machine (no emulator, no worker process).
unit_targets='^(ImagingTests|SigV4Tests|WorkerCoreTests|LocalBackendTests|MetricsEndpointTests|AppCoreTests|ServeTests)\.'
# The fault suite: faults injected into real runs, killed workers, and the fuzzers.
fault_suite='\.(FaultSuiteTests|DecodeGateFuzzTests|EventParserFuzzTests)/'
failed=0
# Runs one group of tests; a failure is remembered, so every group runs and the worker check below still happens.
run_tests() {
    swift test --skip-build "$@" || failed=$?
}

scripts/install-deps.sh --tests
# The pinned tools the tests run (cfn-lint, checkov, kubectl, kubernetes-validate; selenium for the browser test).
DEPLOY_TOOLS="$(scripts/deploy-tools.sh)"
export DEPLOY_TOOLS
phase "installing dependencies"
scripts/check-layout.py
swift format lint --strict --parallel --recursive Sources Tests Package.swift
phase "layout and format checks"
swift build --build-tests
phase "building"
run_tests --filter "$unit_targets" --skip "$fault_suite"
phase "unit tests"
eval "$(scripts/aws-emulator.sh start)"
trap 'scripts/aws-emulator.sh stop' EXIT
phase "starting the emulator"
run_tests --skip "$unit_targets" --skip "$fault_suite"
phase "emulator and end-to-end tests"
run_tests --filter "$fault_suite"
phase "fault suite"
# Screenshots at 1440 and 375 px wide are kept in out/browser/.
"$DEPLOY_TOOLS/python" Tests/Browser/page_test.py --binary "$(swift build --show-bin-path)/thumbworker" \
    --out out/browser || failed=$?
phase "browser test"
# The container image from a release binary with the Swift standard library linked in (the image has no Swift
# runtime); building it, mounting it and chrooting into it need root.
if [ "$(id -u)" -eq 0 ]; then
    release_built=yes
    swift build -c release --static-swift-stdlib --product thumbworker || release_built=no
    phase "release build (static Swift standard library)"
    if [ "$release_built" = yes ]; then
        deploy/container/check-image.sh "$(swift build -c release --show-bin-path)/thumbworker" || failed=$?
        phase "container image"
    else
        failed=1
    fi
else
    echo "thumbworker test: the container image check needs root; skipped (run deploy/container/check-image.sh as root)" >&2
fi
# No worker a test started may outlive the tests, failed ones included.
if leftover=$(pgrep -f "$(swift build --show-bin-path)/thumbworker run"); then
    echo "thumbworker test: worker processes outlived the tests: $(echo "$leftover" | tr '\n' ' ')(killed)" >&2
    kill -9 $leftover 2>/dev/null || true
    exit 1
fi
[ "$failed" = 0 ] || exit "$failed"
echo "thumbworker test: all phases took $SECONDS s" >&2

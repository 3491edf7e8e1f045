#!/usr/bin/env bash
# End to end through the emulator: thumbworker run (release) against ministack on loopback, wired as in production —
# uploads bucket → ObjectCreated notification → SNS topic → SQS work queue (with a DLQ) → workers → thumbnails bucket,
# and the SNS notifier → notifications topic → a results queue the driver reads — for five layouts: 1 process ×
# concurrency 1, 1 process × concurrency 2, 2 processes × concurrency 1, 1 process × concurrency 2 pinned to one
# CPU (taskset: two messages in flight on one core's worth of CPU), and 2 × 1 under one supervisor
# (`run --processes 2`). LAYOUTS (e.g. LAYOUTS=1x1,2x1s) picks some. Each layout gets, in one run:
#   - `thumbworker bench` on the same files, same concurrency and pinning (2 processes: two bench runs side by side,
#     summed);
#   - a batch phase: COUNT uploads first, then the workers start; img/s from worker start to the last notification,
#     and steady img/s from the first to the last notification; CPU ms per image of the workers and of the emulator;
#     each stage's mean time from the workers' Prometheus /metrics;
#   - a latency phase: workers running, uploads at half the batch phase's steady rate for LATENCY_SECONDS;
#     upload-to-notification latency p50/p99.
# The seed rendition (one 150 px JPEG, ThumbHash placeholder), inputs cycled from benchmarks/corpus/2725x2225.
# The driver is benchmarks/end_to_end.py (boto3, pinned below, in benchmarks/.venv). Prints a markdown table.
#
# Usage: [RELEASE_BINARY=path] benchmarks/end-to-end.sh [COUNT uploads per batch phase, default 200] [BENCH_SECONDS, default 10]
#        [LATENCY_SECONDS, default 20; 0 skips the latency phases]
# Starts the emulator with scripts/aws-emulator.sh (loopback only) unless it already runs, and stops it on exit if it
# started it; the driver stops its workers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
count="${1:-200}"
bench_seconds="${2:-10}"
latency_seconds="${3:-20}"
boto3_version=1.43.11
botocore_version=1.43.127
corpus=benchmarks/corpus/2725x2225

log() { echo "end-to-end: $*" >&2; }

# --- what it needs -------------------------------------------------------------------------------------------
scripts/install-deps.sh --tests
ls "$corpus"/*.jpg >/dev/null 2>&1 || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
files=("$PWD/$corpus"/*.jpg)
venv=benchmarks/.venv
ensure_venv "$venv" "import boto3, botocore; assert boto3.__version__ == '$boto3_version' and botocore.__version__ == '$botocore_version'" \
    "boto3==$boto3_version" "botocore==$botocore_version"

if [ -n "${RELEASE_BINARY:-}" ]; then
    thumbworker=$RELEASE_BINARY
else
    log "building thumbworker (release, .build-release)"
    swift build -c release --scratch-path .build-release --product thumbworker >&2
    thumbworker="$PWD/.build-release/release/thumbworker"
fi

started_emulator=0
cleanup() {
    if [ "$started_emulator" = 1 ]; then
        scripts/aws-emulator.sh stop || true
    fi
}
trap cleanup EXIT
if [ -f .build-emulator/pid ] && kill -0 "$(cat .build-emulator/pid)" 2>/dev/null; then
    log "using the emulator already running (pid $(cat .build-emulator/pid))"
else
    started_emulator=1
fi
endpoint="$(scripts/aws-emulator.sh start | sed -n 's/^export EMULATOR_AWS_ENDPOINT=//p')"
emulator_pid="$(cat .build-emulator/pid)"
[ -n "$endpoint" ] || { log "the emulator gave no endpoint"; exit 1; }

# --- machine -------------------------------------------------------------------------------------------------
machine="$(
    machine_description
    echo "ministack: $(.build-emulator/venv/bin/pip show ministack 2>/dev/null | sed -n 's/^Version: //p') at $endpoint (python $(.build-emulator/venv/bin/python -c 'import sys; print(sys.version.split()[0])'))"
    echo "driver: python $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])'), boto3 $boto3_version"
    echo "inputs: ${#files[@]} × $(vipsheader -f width "${files[0]}")×$(vipsheader -f height "${files[0]}") baseline JPEG ($corpus), cycled"
    echo "uploads per batch phase: $count; bench seconds: $bench_seconds; latency phase seconds: $latency_seconds"
)"
echo "$machine" >&2

table="$("$venv/bin/python" benchmarks/end_to_end.py --endpoint "$endpoint" --emulator-pid "$emulator_pid" \
    --thumbworker "$thumbworker" --count "$count" --bench-seconds "$bench_seconds" \
    --latency-seconds "$latency_seconds" ${LAYOUTS:+--layouts "$LAYOUTS"} "${files[@]}")"

echo '```'
echo "$machine"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo '```'
echo
echo "$table"

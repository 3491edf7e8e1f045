#!/usr/bin/env bash
# The figures to size a deployment by: for one worker process at concurrency 1 (one core), the images per second and
# peak RSS of `thumbworker bench` for two rendition sets — the default (one 150 px JPEG) and a multi-size set (150 px
# JPEG, 320×320 WebP cover crop, 1024 px WebP) — on two kinds of input (the 2725×2225 baseline JPEGs, and the 6–24 MP
# progressive photos of corpus/large, whose decode holds every coefficient), the RSS of an idle `run`, and the
# `queueLength` per replica a queue-depth autoscaler should use: messages one process clears in BACKLOG_SECONDS
# (default 30), for the mix of mostly baseline uploads.
#
# Usage: [RELEASE_BINARY=path] [BACKLOG_SECONDS=30] benchmarks/sizing.sh [SECONDS per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
seconds="${1:-10}"
backlog="${BACKLOG_SECONDS:-30}"

ls benchmarks/corpus/2725x2225/*.jpg benchmarks/corpus/large/*.jpg >/dev/null 2>&1 \
    || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
release_thumbworker sizing

# Prints "images/s peak-RSS-MB" of one bench run at concurrency 1 on folder $1 with the rendition options after it.
measure() {
    local inputs=$1
    shift
    "$thumbworker" bench "$inputs" --concurrency 1 --duration "$seconds" --json "$@" 2>/dev/null \
        | python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.1f %.0f" % (r["images_per_second"], r["peak_rss_bytes"] / 2**20))'
}

# The RSS in MB of `run` on an empty local queue, two seconds after it started.
idle_rss() {
    mkdir -p "$work/idle"
    printf 'queue:\n  wait_seconds: 1\nmetrics:\n  port: 0\n' >"$work/idle/worker.conf"
    (cd "$work/idle" && exec "$thumbworker" run --concurrency 1 2>/dev/null) &
    local pid=$!
    sleep 2
    local rss
    rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    kill -TERM "$pid" && wait "$pid" || true
    echo "$rss"
}

machine_description
echo "one process, concurrency 1, $seconds s per measurement; queueLength = images/s × $backlog s"
echo
echo "| renditions | input | images/s per core | peak RSS (MB) | queueLength per replica |"
echo "| --- | --- | ---: | ---: | ---: |"
multi=(--rendition small=150 --rendition medium=320x320,fit=cover,gravity=attention,format=webp,quality=75
    --rendition large=1024,format=webp --key-template '{stem}-{name}.{ext}')
for set in default multi; do
    for input in 2725x2225 large; do
        options=()
        [ "$set" = multi ] && options=("${multi[@]}")
        read -r rate rss <<<"$(measure "benchmarks/corpus/$input" "${options[@]}")"
        label="default (one 150 px JPEG)"
        [ "$set" = multi ] && label="150 px JPEG + 320×320 WebP cover + 1024 px WebP"
        kind="2725×2225 baseline JPEG"
        [ "$input" = large ] && kind="6–24 MP progressive JPEG"
        echo "| $label | $kind | $rate | $rss | $(awk -v r="$rate" -v b="$backlog" 'BEGIN { printf "%d", r * b }') |"
    done
done
echo
echo "idle \`run\` (local backend, concurrency 1): $(idle_rss) MB RSS"

#!/usr/bin/env bash
# `thumbworker run --processes 2` against `--processes 1`, in one run on the same queue of uploads: how much faster
# a host drains its queue with one worker process per core under the supervisor. The local backends (SQLite queue,
# folders as buckets) keep the emulator out of the measurement; each child runs at imaging concurrency 1.
#
# Each configuration drains a queue of UPLOADS (default 200) 2725×2225 JPEGs, ROUNDS times (default 2), interleaved.
# Two rates, each with its ratio to one process: "drain", from start to `--exit-when-idle`'s exit (start-up and the
# final empty long poll of queue.wait_seconds included), and "steady", from the first thumbnail written to the last
# (the rate a running fleet member drains a backlog at). And, in each round, the machine's own ceiling: one
# `thumbworker bench` at concurrency 1 alone, then two at once (no queue, no files) — how much two busy cores give
# over one right now, since these vCPUs do not always give two.
#
# Two processes run twice a round: bound one per CPU (imaging.pin_processes, the default when the CPUs are as many as
# the processes) and unbound, left to the scheduler.
#
# Usage: [RELEASE_BINARY=path] benchmarks/processes.sh [UPLOADS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
uploads="${1:-200}"
rounds="${2:-2}"
corpus=benchmarks/corpus/2725x2225

ls "$corpus"/*.jpg >/dev/null 2>&1 || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
files=("$PWD/$corpus"/*.jpg)
release_thumbworker processes

# One drain of a fresh queue in layout L (1, 2, or 2u: two unbound) in round R; prints the seconds it took. Each drain has a folder of its
# own, all removed at the end: deleting the last drain's thousands of files just before would make ext4 search past
# the recently freed inodes on every file this one creates, kernel time that a lone process hides on the idle core.
drain() {
    local processes=${1%u} pin=true folder="$work/run-$2-$1"
    [ "$1" = "${processes}u" ] && pin=false
    mkdir -p "$folder/in"
    for index in $(seq "$uploads"); do
        ln -s "${files[$((index % ${#files[@]}))]}" "$folder/in/$index.jpg"
    done
    printf 'queue:\n  wait_seconds: 1\nmetrics:\n  port: 0\n' >"$folder/worker.conf"
    (cd "$folder" && "$thumbworker" upload in/*.jpg >/dev/null) || { echo "processes: the upload failed" >&2; exit 1; }
    local start
    start=$(date +%s.%N)
    (cd "$folder" && THUMBWORKER_IMAGING_PIN_PROCESSES=$pin "$thumbworker" run --processes "$processes" --concurrency 1 --exit-when-idle >/dev/null 2>&1)
    local made
    made=$(find "$folder/.thumbworker/buckets/thumbnails" -name '*.jpeg' | wc -l)
    local end
    end=$(date +%s.%N)
    [ "$made" = "$uploads" ] || { echo "processes: $processes process(es) made $made of $uploads" >&2; exit 1; }
    find "$folder/.thumbworker/buckets/thumbnails" -name '*.jpeg' -printf '%T@\n' | sort -n | awk -v end="$end" \
        -v start="$start" 'NR == 1 { first = $1 } { last = $1 } END { printf "%.2f %.2f\n", end - start, last - first }'
}

# The images/s of one `bench` at concurrency 1 over the corpus, for SECONDS.
bench_rate() {
    THUMBWORKER_IMAGING_CONCURRENCY=1 "$thumbworker" bench --duration "$1" --json "$corpus" 2>/dev/null \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["images_per_second"])'
}

# The rate of one bench alone and the summed rate of two at once; prints "ONE TWO".
ceiling() {
    local one two
    one=$(bench_rate 5)
    two=$( (bench_rate 5 & bench_rate 5 & wait) | awk '{ sum += $1 } END { print sum }')
    echo "$one $two"
}

machine_description
echo "uploads: $uploads per drain, $rounds rounds, local backends, concurrency 1 per process"
declare -A total steady
for round in $(seq "$rounds"); do
    for layout in 1 2 2u; do
        times=$(drain "$layout" "$round")
        read -r seconds steady_seconds <<<"$times"
        echo "round $round, layout $layout: $seconds s to exit, $steady_seconds s first to last thumbnail"
        total[$layout]=$(awk -v a="${total[$layout]:-0}" -v b="$seconds" 'BEGIN { print a + b }')
        steady[$layout]=$(awk -v a="${steady[$layout]:-0}" -v b="$steady_seconds" 'BEGIN { print a + b }')
    done
    read -r bench_one bench_two <<<"$(ceiling)"
    echo "round $round, ceiling: one bench $bench_one images/s, two at once $bench_two images/s"
    ceiling_one=$(awk -v a="${ceiling_one:-0}" -v b="$bench_one" 'BEGIN { print a + b }')
    ceiling_two=$(awk -v a="${ceiling_two:-0}" -v b="$bench_two" 'BEGIN { print a + b }')
done
awk -v n="$((uploads * rounds))" -v m="$(((uploads - 1) * rounds))" -v one="${total[1]}" -v two="${total[2]}" \
    -v loose="${total[2u]}" -v steady_one="${steady[1]}" -v steady_two="${steady[2]}" \
    -v steady_loose="${steady[2u]}" 'BEGIN {
    printf "| processes | drain uploads/s | ratio | steady uploads/s | ratio |\n| --- | --- | --- | --- | --- |\n"
    printf "| 1 | %.1f | 1.00× | %.1f | 1.00× |\n", n / one, m / steady_one
    printf "| 2, one per CPU | %.1f | %.2f× | %.1f | %.2f× |\n", n / two, one / two, m / steady_two, steady_one / steady_two
    printf "| 2, unbound | %.1f | %.2f× | %.1f | %.2f× |\n", n / loose, one / loose, m / steady_loose,
        steady_one / steady_loose
}'
awk -v one="$ceiling_one" -v two="$ceiling_two" 'BEGIN {
    printf "ceiling (two benches at once over one, the same rounds): %.2f×\n", two / one
}'

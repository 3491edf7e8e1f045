#!/usr/bin/env bash
# Threads against processes, in one run on the same inputs: does one thumbworker process with two imaging
# threads do as much as two processes with one thread each? The C libvips loop is measured the same three ways,
# so what is libvips' own scaling and what is ours can be told apart. Every configuration runs ROUNDS times,
# interleaved, and the table gives the mean img/s and the ratio to one thread.
#
# The workload is the worker's default configuration (one 150 px JPEG and the ThumbHash placeholder) on the
# 2725×2225 baseline JPEGs of the corpus. With jemalloc installed (Debian's libjemalloc2), the two-thread
# thumbworker run is repeated with it preloaded, to show whether malloc arenas are what threads lose on.
#
# Usage: benchmarks/scaling.sh [SECONDS per run, default 10] [ROUNDS, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
seconds="${1:-10}"
rounds="${2:-2}"
corpus=benchmarks/corpus/2725x2225
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2

log() { echo "scaling: $*" >&2; }

scripts/install-deps.sh --tests
if [[ ! -e "$jemalloc" ]]; then
    log "installing libjemalloc2 (for the allocator comparison)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null
fi
ls "$corpus"/*.jpg >/dev/null 2>&1 || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
files=("$PWD/$corpus"/*.jpg)

build_contestants scaling
export VIPS_CONCURRENCY=1
machine="$(machine_description)"

# One measurement: prints img/s. $1 = label, $2 = processes, $3 = threads per process, rest = env assignments.
measure() {
    local label="$1" processes="$2" threads="$3"
    shift 3
    local pids=() index
    for ((index = 0; index < processes; index++)); do
        case "$label" in
        thumbworker*)
            env "$@" "$thumbworker" bench "${files[@]}" --concurrency "$threads" --duration "$seconds" --json \
                > "$work/out.$index" ;;
        c-loop*)
            env "$@" "$work/thumbnail_loop" -t "$threads" -d "$seconds" -w 150 -q 80 "${files[@]}" > "$work/out.$index" ;;
        esac &
        pids+=("$!")
    done
    wait "${pids[@]}"
    python3 - "$work" "$processes" <<'EOF'
import json, sys
folder, processes = sys.argv[1], int(sys.argv[2])
print(sum(json.load(open(f"{folder}/out.{index}"))["images_per_second"] for index in range(processes)))
EOF
}

configurations=(
    "thumbworker, 1 process × 1 thread|1|1"
    "thumbworker, 1 process × 2 threads|1|2"
    "thumbworker, 2 processes × 1 thread|2|1"
    "c-loop, 1 process × 1 thread|1|1"
    "c-loop, 1 process × 2 threads|1|2"
    "c-loop, 2 processes × 1 thread|2|1"
    "thumbworker, 1 process × 2 threads, jemalloc|1|2|LD_PRELOAD=$jemalloc"
)
declare -A total
for ((round = 1; round <= rounds; round++)); do
    for entry in "${configurations[@]}"; do
        IFS='|' read -r label processes threads environment <<<"$entry"
        log "round $round: $label"
        # shellcheck disable=SC2086
        rate="$(measure "$label" "$processes" "$threads" THUMBWORKER_IMAGING_PLACEHOLDER=true $environment)"
        total["$label"]="$(python3 -c "print(${total["$label"]:-0} + $rate)")"
    done
done

echo "$machine"
echo "command: benchmarks/scaling.sh $seconds $rounds (${#files[@]} inputs, mean of $rounds rounds of ${seconds} s)"
echo
echo "| configuration | img/s | × one thread |"
echo "|---|---:|---:|"
for entry in "${configurations[@]}"; do
    IFS='|' read -r label _ <<<"$entry"
    base_label="${label%%,*}, 1 process × 1 thread"
    python3 -c "
mean = ${total["$label"]} / $rounds
base = ${total["$base_label"]} / $rounds
print(f'| $label | {mean:.2f} | {mean / base:.2f}× |')"
done

#!/usr/bin/env bash
# `thumbworker bench` of two commits, measured alternately in one run, for changes that must not cost speed.
#
#   benchmarks/before-after.sh BEFORE [AFTER] [PAIRS] [SECONDS]
#
# BEFORE and AFTER are commits (AFTER defaults to HEAD), built in release mode one after the other in a git
# worktree under /tmp (removed on exit; the binaries are kept as /tmp/thumbworker-release-COMMIT); then PAIRS (default 6) pairs of SECONDS-long (default 8) runs, before then after, at
# concurrency 1 on benchmarks/corpus/2725x2225 with worker.conf's seed rendition. Prints every run, the means and
# medians, and after/before as ratios. Needs benchmarks/make-corpus.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

before=$1
after=${2:-HEAD}
pairs=${3:-6}
seconds=${4:-8}
corpus=benchmarks/corpus/2725x2225
[ -d "$corpus" ] || { echo "benchmarks: run benchmarks/make-corpus.sh first" >&2; exit 2; }

work="$(mktemp -d /tmp/before-after.XXXXXX)"
cleanup() {
    git worktree remove --force "$work/tree" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
# One worktree: the second build is incremental, since most modules' sources are the same.
git worktree add --detach "$work/tree" "$before" >/dev/null 2>&1
# Release binaries are kept by commit in /tmp, so measuring the same commit again (or processes.sh) builds nothing.
for side in before after; do
    kept="/tmp/thumbworker-release-$(git rev-parse --short "${!side}")"
    if [ ! -x "$kept" ]; then
        echo "benchmarks: building $side (${!side})" >&2
        (cd "$work/tree" && git checkout --quiet --detach "${!side}" && swift build -c release --product thumbworker >&2)
        cp "$work/tree/.build/release/thumbworker" "$kept"
    fi
    cp "$kept" "$work/thumbworker-$side"
    # Each side reads its own commit's worker.conf: configuration keys come and go between commits.
    git show "${!side}:worker.conf" >"$work/worker-$side.conf"
done

machine_description
echo "before: $(git rev-parse --short "$before"), after: $(git rev-parse --short "$after"); $pairs pairs of $seconds s"
for pair in $(seq "$pairs"); do
    for side in before after; do
        "$work/thumbworker-$side" bench "$corpus" --concurrency 1 --duration "$seconds" \
            --config "$work/worker-$side.conf" --json |
            python3 -c "import json, sys; print('$side', $pair, json.load(sys.stdin)['images_per_second'])"
    done
done | tee "$work/runs.txt"
python3 - "$work/runs.txt" <<'PYTHON'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1])]
figures = {side: [float(run[2]) for run in runs if run[0] == side] for side in ("before", "after")}
for side, values in figures.items():
    print(f"{side}: mean {statistics.mean(values):.2f} img/s, median {statistics.median(values):.2f}")
print(f"after/before: mean {statistics.mean(figures['after']) / statistics.mean(figures['before']):.3f}×, "
      f"median {statistics.median(figures['after']) / statistics.median(figures['before']):.3f}×")
PYTHON

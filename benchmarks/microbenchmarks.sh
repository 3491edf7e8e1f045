#!/usr/bin/env bash
# Microbenchmarks of Imaging (benchmarks/Benchmarks/ImagingBenchmarks, ordo-one/benchmark): runs
#     ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark [ARGUMENTS...]
# and puts Package.resolved back as it was afterwards. Resolving with ENABLE_BENCHMARKS set adds the benchmark
# package's pins to Package.resolved, and SwiftPM checks out every pinned package, so without the restore a later
# plain `swift build` would clone (not build) the benchmark package and its dependencies.
#
# Usage: benchmarks/microbenchmarks.sh [benchmark plugin arguments, e.g. --filter 'inspect.*' or --format markdown]
# Needs benchmarks/corpus (benchmarks/make-corpus.sh builds it) for all but the testdata/ benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
saved="$(mktemp)"
had_resolved=0
if [ -f Package.resolved ]; then
    cp Package.resolved "$saved"
    had_resolved=1
fi
restore() {
    if [ "$had_resolved" = 1 ]; then cp "$saved" Package.resolved; else rm -f Package.resolved; fi
    rm -f "$saved"
}
trap restore EXIT
ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark "$@"

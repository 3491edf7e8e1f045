#!/usr/bin/env bash
# One decode for all renditions against one decode per rendition, in one run on the same inputs:
# 150, 320 and 1024 px wide JPEGs from each 2725×2225 baseline photo of the corpus.
# Usage: benchmarks/multi-rendition.sh [seconds per strategy] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
concurrency="${2:-1}"

scripts/install-deps.sh
benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
swift build -c release --product thumbworker
.build/release/thumbworker bench benchmarks/corpus/2725x2225 --strategy both --duration "$seconds" \
    --concurrency "$concurrency" --rendition small=150 --rendition medium=320 --rendition large=1024

#!/usr/bin/env bash
# Soak benchmark (benchmarks/soak.py): the RSS curve of `thumbworker run` over ROUNDS x PER_ROUND uploads, with the
# process's arena limit and with glibc's default, in one run.  benchmarks/soak.sh [ROUNDS] [PER_ROUND]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
[ -d benchmarks/corpus/large ] || benchmarks/make-corpus.sh >&2
swift build -c release --product thumbworker >&2
machine_description
python3 benchmarks/soak.py .build/release/thumbworker "$@"

#!/usr/bin/env bash
# The main job on one machine: installs what is needed, builds thumbworker, and turns every file in
# testdata/ into thumbnails with the pipeline the worker uses. Broken test images fail with a clear
# reason each; that is part of the demonstration.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --product thumbworker
output="${1:-out/demo}"
rm -rf "$output"
status=0
.build/debug/thumbworker process testdata/*.* -o "$output" || status=$?
echo
echo "Thumbnails are in $output/ (exit status $status: 1 means some inputs were rejected, as expected for the broken samples)"

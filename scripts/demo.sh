#!/usr/bin/env bash
# The main job on one machine: installs what is needed, builds thumbworker, uploads every file in testdata/ to the
# local originals bucket (each upload enqueues the S3 event S3 would send), then runs the worker until the queue is
# drained. Thumbnails land in out/demo/buckets/thumbnails/, and each upload's notification (thumbnails.ready, or
# thumbnails.failed for the deliberately broken samples) is printed as one JSON line.
# With --serve it runs the app instead: `thumbworker serve` on the same folder, the page at http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --product thumbworker
serve=no
if [ "${1:-}" = "--serve" ]; then
    serve=yes
    shift
fi
demo="${1:-out/demo}"
export THUMBWORKER_QUEUE_LOCAL_PATH="$demo/queue.sqlite" THUMBWORKER_LOCAL_ROOT="$demo/buckets" THUMBWORKER_QUEUE_WAIT_SECONDS=1
thumbworker=.build/debug/thumbworker
if [ "$serve" = yes ]; then
    echo "== serving the app: open http://127.0.0.1:8080/ in a browser (Ctrl-C stops)"
    exec "$thumbworker" serve --config worker.conf
fi
rm -rf "$demo"

echo "== uploading testdata/ to the local bucket 'uploads' (the local queue gets one S3 event per file)"
"$thumbworker" upload --config worker.conf --prefix in/ testdata/*.*
echo
echo "== running the worker until the queue is drained (notifications on stdout, logs on stderr)"
"$thumbworker" run --config worker.conf --exit-when-idle
echo
echo "== thumbnails in $demo/buckets/thumbnails:"
find "$demo/buckets/thumbnails" -type f -not -path '*/.thumbworker-meta/*' | sort
echo
echo "== to watch it in a browser — make groups, drop photos in, see their thumbnails arrive — run"
echo "   scripts/demo.sh --serve   and open http://127.0.0.1:8080/"

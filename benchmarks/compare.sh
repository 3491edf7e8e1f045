#!/usr/bin/env bash
# Side by side, one run, same inputs: one rendition (320 px wide JPEG, quality 80) from each 2725×2225 baseline
# JPEG of the corpus, made by thumbworker, a C libvips loop (the ceiling), vipsthumbnail (one process per image,
# and batch), ImageMagick (`convert`, what thumbd uses), Pillow and Pillow-SIMD. Each is measured in img/s pinned to one
# core (taskset -c 0, one worker) and on all cores (2 workers: threads or processes), and its output is
# compared (PSNR) with a reference made by a lanczos3 resize of the full-size decode. Prints a markdown table.
#
# Usage: benchmarks/compare.sh [SECONDS per contestant and run, default 10] [WORKERS for the all-cores run,
#        default: nproc]
# Installs what it needs: Debian packages (libvips-dev, libvips-tools, imagemagick, python3-venv), and
# Pillow + numpy (pinned below) in benchmarks/.venv, and Pillow-SIMD (built with AVX2) in benchmarks/.venv-simd.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
seconds="${1:-10}"
workers="${2:-$(getconf _NPROCESSORS_ONLN)}"
pillow_version=10.4.0
pillow_simd_version=12.1.1.post0
numpy_version=1.26.4
width=320
quality=80
corpus=benchmarks/corpus/2725x2225

log() { echo "compare: $*" >&2; }

# --- what it needs -------------------------------------------------------------------------------------------
scripts/install-deps.sh --tests
if ! /usr/bin/convert -version 2>/dev/null | grep -q ImageMagick; then
    log "installing imagemagick"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq imagemagick >/dev/null
fi
convert=/usr/bin/convert   # /usr/local/bin/convert may be a stand-in: use Debian's
ls "$corpus"/*.jpg >/dev/null 2>&1 || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
files=("$PWD/$corpus"/*.jpg)
venv=benchmarks/.venv
ensure_venv "$venv" "import PIL, numpy; assert PIL.__version__ == '$pillow_version' and numpy.__version__ == '$numpy_version'" \
    "Pillow==$pillow_version" "numpy==$numpy_version"
py="$PWD/$venv/bin/python"
# Pillow-SIMD compiles from PyPI with AVX2 enabled; when it does not build, its row is left out.
simd_venv=benchmarks/.venv-simd
simd_py="$PWD/$simd_venv/bin/python"
CC="cc -mavx2" ensure_venv "$simd_venv" "import PIL, numpy; assert PIL.__version__ == '$pillow_simd_version'" \
    "pillow-simd==$pillow_simd_version" "numpy==$numpy_version" || { log "Pillow-SIMD did not build; leaving it out"; simd_py=""; }
helper="$PWD/benchmarks/sidebyside.py"

build_contestants compare

# Fairness: no ThumbHash placeholder stage in thumbworker (the others make none); every contestant runs one
# image per worker, with no extra threads of its own (libvips and ImageMagick threading off).
export THUMBWORKER_IMAGING_PLACEHOLDER=false
export VIPS_CONCURRENCY=1 MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1

# --- machine -------------------------------------------------------------------------------------------------
{
    machine_description
    echo "vipsthumbnail: $(vipsthumbnail --vips-version 2>/dev/null | head -1)"
    echo "imagemagick: $($convert -version | head -1 | sed 's/^Version: //')"
    echo "python: $("$py" -c 'import sys; print(sys.version.split()[0])'); Pillow $pillow_version; numpy $numpy_version"
    echo "inputs: ${#files[@]} × $(vipsheader -f width "${files[0]}")×$(vipsheader -f height "${files[0]}") baseline JPEG ($corpus)"
    echo "seconds per run: $seconds; all-cores workers: $workers"
} > "$work/machine.txt"
cat "$work/machine.txt" >&2

# --- reference: full-size decode, lanczos3 straight to the target size (no shrink-on-load, no box pre-shrink) -
mkdir -p "$work/reference"
for f in "${files[@]}"; do
    w=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f")
    th=$(( (h * width + w / 2) / w ))
    vips resize "$f" "$work/reference/$(basename "${f%.*}").png" "$(echo "$width / $w" | bc -l)" \
        --vscale "$(echo "$th / $h" | bc -l)" --kernel lanczos3 --gap 0
done

field() { "$py" -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }
psnr() { "$py" "$helper" psnr "$work/reference" "$1" | field psnr_db; }
results="$work/results.jsonl"
: > "$results"
record() {  # name, json 1 core, json all cores, output dir
    "$py" - "$1" "$2" "$3" "$(psnr "$4")" >> "$results" <<'PY'
import json, sys
name, one, two, psnr = sys.argv[1:]
def parse(text):  # a pretty-printed JSON document (thumbworker) or one JSON line last
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(text.strip().splitlines()[-1])
one, two = parse(one), parse(two)
print(json.dumps({'name': name, 'ips1': one['images_per_second'], 'ips2': two['images_per_second'],
                  'rss1': one.get('peak_rss_bytes'), 'rss2': two.get('peak_rss_bytes'), 'psnr': float(psnr)}))
PY
    log "$(tail -1 "$results")"
}

# --- 1. thumbworker ------------------------------------------------------------------------------------------
log "thumbworker"
tw=(bench "$corpus" --rendition "t=$width,quality=$quality" --duration "$seconds" --json)
one=$(taskset -c 0 "$thumbworker" "${tw[@]}" --concurrency 1)
two=$("$thumbworker" "${tw[@]}" --concurrency "$workers")
mkdir -p "$work/out-thumbworker"
THUMBWORKER_OUTPUT_KEY_TEMPLATE='{stem}.{ext}' "$thumbworker" process "${files[@]}" -o "$work/out-thumbworker" \
    --rendition "t=$width,quality=$quality" >/dev/null
record "thumbworker (\`bench\`, inputs in memory, threads)" "$one" "$two" "$work/out-thumbworker"
# All cores again with one process per core: threads in one process trail processes (benchmarks/scaling.sh).
pids=()
for ((index = 0; index < workers; index++)); do
    "$thumbworker" "${tw[@]}" --concurrency 1 > "$work/thumbworker-process.$index" &
    pids+=("$!")
done
wait "${pids[@]}"
two=$("$py" - "$work"/thumbworker-process.* <<'PY'
import json, sys
runs = [json.load(open(path)) for path in sys.argv[1:]]
print(json.dumps({'images_per_second': sum(run['images_per_second'] for run in runs),
                  'peak_rss_bytes': max(run['peak_rss_bytes'] for run in runs)}))
PY
)
record "thumbworker (\`bench\`, inputs in memory, one process per core)" "$one" "$two" "$work/out-thumbworker"

# --- 2. C loop over vips_thumbnail_buffer + vips_jpegsave_buffer ----------------------------------------------
log "C libvips loop"
one=$(taskset -c 0 "$work/thumbnail_loop" -t 1 -d "$seconds" -w "$width" -q "$quality" "${files[@]}")
two=$("$work/thumbnail_loop" -t "$workers" -d "$seconds" -w "$width" -q "$quality" "${files[@]}")
mkdir -p "$work/out-c"
"$work/thumbnail_loop" -o "$work/out-c" -w "$width" -q "$quality" "${files[@]}"
record "C libvips loop (\`vips_thumbnail_buffer\` + \`vips_jpegsave_buffer\`, in memory, threads)" "$one" "$two" "$work/out-c"

# --- 3 and 4. command-line tools, one process per image (or per set with --batch) -----------------------------
command_line() {  # name, output folder, command template, [--batch]
    local one two
    log "$1"
    one=$(taskset -c 0 "$py" "$helper" procloop ${4:-} --duration "$seconds" --workers 1 --output "$2" "$3" "${files[@]}")
    two=$("$py" "$helper" procloop ${4:-} --duration "$seconds" --workers "$workers" --output "$2" "$3" "${files[@]}")
    record "$1" "$one" "$two" "$2"
}
command_line "vipsthumbnail, one process per image" "$work/out-vt" \
    "vipsthumbnail {in} -s $width -o {outdir}/%s.jpg[Q=$quality]"
command_line "vipsthumbnail, batch of ${#files[@]} (whole set per process, repeated)" "$work/out-vtb" \
    "vipsthumbnail {all} -s $width -o {outdir}/%s.jpg[Q=$quality]" --batch
command_line "ImageMagick \`convert -define jpeg:size=640x524 -thumbnail 320x\`, one process per image" "$work/out-im" \
    "$convert -define jpeg:size=$((2 * width))x524 {in} -thumbnail ${width}x -quality $quality {out}"

# --- 5. Pillow and Pillow-SIMD -------------------------------------------------------------------------------
pillow() {  # python, name, output folder
    local one two
    log "$2"
    one=$(taskset -c 0 "$1" "$helper" pillow --duration "$seconds" --procs 1 --width "$width" --quality "$quality" "${files[@]}")
    two=$("$1" "$helper" pillow --duration "$seconds" --procs "$workers" --width "$width" --quality "$quality" "${files[@]}")
    mkdir -p "$3"
    "$1" "$helper" pillow --output "$3" --width "$width" --quality "$quality" "${files[@]}"
    record "$2 (\`draft\` + \`thumbnail\` LANCZOS, in memory, processes)" "$one" "$two" "$3"
}
pillow "$py" "Pillow $pillow_version" "$work/out-pillow"
[[ -n "$simd_py" ]] && pillow "$simd_py" "Pillow-SIMD $pillow_simd_version (AVX2)" "$work/out-pillow-simd"

# --- table ---------------------------------------------------------------------------------------------------
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/machine.txt"
echo '```'
cat "$work/machine.txt"
echo '```'
echo
"$py" "$helper" table "$results"

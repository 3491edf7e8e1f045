#!/usr/bin/env bash
# Side by side, one run, same inputs: one rendition (320 px wide JPEG, quality 80) from each 2725×2225 baseline
# JPEG of the corpus, made by thumbworker (TurboJPEG decode, the default; libvips' own JPEG loader, the before;
# threads, and one process per core), a C libvips loop (benchmarks/c/thumbnail_loop.c: the ceiling, and the
# reference of the "÷ C loop" columns), pyvips on libvips 8.18 (pyvips-binary), vipsthumbnail (one process per
# image, and batch), ImageMagick (`convert`, what thumbd uses), Pillow and Pillow-SIMD. Each is measured in img/s
# pinned to one core (taskset -c 0, one worker) and on all cores (WORKERS workers: threads or processes), ROUNDS
# times: within a round the contestants run one after another, and the order rotates each round (round r starts at
# contestant r mod N) so slow drift of the machine hits everybody alike. The table gives the median over the rounds
# (and the 1-core figure of every round). Each contestant's output, made once and not timed, is compared (PSNR)
# with a reference made by a lanczos3 resize of the full-size decode. Prints a markdown table.
#
# Usage: [RELEASE_BINARY=path] [CONTESTANTS="tw pyvips ..."] benchmarks/compare.sh [SECONDS per contestant and run,
#        default 10] [ROUNDS, default 3] [WORKERS for the all-cores run, default: nproc]
# CONTESTANTS: only these keys (tw tw-libvips tw-procs pyvips vt vtb im pillow simd) and the C loop, for more rounds.
# WIDTH: the rendition's width instead of 320 (for the PSNR of other DCT shrinks).
# RELEASE_BINARY: a thumbworker release binary already built (else a release build is made).
# Installs what it needs: Debian packages (libvips-dev, libvips-tools, imagemagick, python3-venv), and
# Pillow + numpy (pinned below) in benchmarks/.venv, Pillow-SIMD (built with AVX2) in benchmarks/.venv-simd, and
# pyvips + pyvips-binary (which bundles libvips 8.18) in benchmarks/.venv-pyvips.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
seconds="${1:-10}"
rounds="${2:-3}"
workers="${3:-$(getconf _NPROCESSORS_ONLN)}"
pillow_version=10.4.0
pillow_simd_version=12.1.1.post0
numpy_version=1.26.4
pyvips_version=3.2.0
pyvips_binary_version=8.18.7
width=${WIDTH:-320}
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
# pyvips-binary brings its own libvips 8.18 and the cffi module (_libvips) that makes pyvips run in API mode over it.
# pyvips itself is only an sdist, and its build compiles its own _libvips against the libvips pkg-config finds
# (Debian's 8.14 here), which overwrites pyvips-binary's: PKG_CONFIG_LIBDIR hides Debian's, so pyvips builds as pure
# Python (ABI mode); no pip cache and --force-reinstall, so a wheel or a venv built earlier against 8.14 is not kept.
# The check asks for 8.18 in API mode; no network, no wheel: no row.
pyvips_venv=benchmarks/.venv-pyvips
pyvips_py="$PWD/$pyvips_venv/bin/python"
pyvips_check="import pyvips; assert pyvips.__version__ == '$pyvips_version' and pyvips.API_mode \
and (pyvips.version(0), pyvips.version(1)) == (8, 18)"
if ! { PKG_CONFIG_LIBDIR=/nonexistent PIP_NO_CACHE_DIR=1 ensure_venv "$pyvips_venv" "$pyvips_check" --force-reinstall \
            "pyvips==$pyvips_version" "pyvips-binary==$pyvips_binary_version" \
        && "$pyvips_py" -c "$pyvips_check"; }; then
    log "pyvips $pyvips_version with libvips 8.18 could not be set up in $pyvips_venv; leaving it out"
    pyvips_py=""
fi
helper="$PWD/benchmarks/sidebyside.py"

release_thumbworker compare
# shellcheck disable=SC2046
cc -O2 -Wall -o "$work/thumbnail_loop" benchmarks/c/thumbnail_loop.c $(pkg-config --cflags --libs vips) -lpthread

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
    [[ -z "$simd_py" ]] || echo "pillow-simd: $pillow_simd_version (CC=\"cc -mavx2\")"
    [[ -z "$pyvips_py" ]] || echo "pyvips: $("$pyvips_py" -c 'import pyvips as v
print(f"{v.__version__}, API mode {v.API_mode}; libvips {v.version(0)}.{v.version(1)}.{v.version(2)}")') \
(pyvips-binary $pyvips_binary_version)"
    echo "inputs: ${#files[@]} × $(vipsheader -f width "${files[0]}")×$(vipsheader -f height "${files[0]}") baseline JPEG ($corpus)"
    echo "command: benchmarks/compare.sh $seconds $rounds $workers ($seconds s per run, $rounds rounds," \
        "all-cores workers: $workers)"
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

# --- the contestants, in the table's order -------------------------------------------------------------------
# Each has a label, an untimed output (outputs KEY DIR: one file per input, for PSNR and bytes/img) and a timed run
# (run KEY one|all: one JSON document with images_per_second and peak_rss_bytes).
names=(tw tw-libvips tw-procs c)
[[ -z "$pyvips_py" ]] || names+=(pyvips)
names+=(vt vtb im pillow)
[[ -z "$simd_py" ]] || names+=(simd)
if [[ -n "${CONTESTANTS:-}" ]]; then
    # A subset, for more rounds in the same time; the C loop stays, as every ratio's reference.
    wanted=" c $CONTESTANTS "
    kept=()
    for key in "${names[@]}"; do [[ $wanted != *" $key "* ]] || kept+=("$key"); done
    names=("${kept[@]}")
fi
declare -A label=(
    [tw]="thumbworker (\`bench\`, TurboJPEG decode, inputs in memory, threads)"
    [tw-libvips]="thumbworker, libvips JPEG loader (\`THUMBWORKER_IMAGING_JPEG_DECODER=libvips\`, threads)"
    [tw-procs]="thumbworker (\`bench\`, TurboJPEG decode, one process per core)"
    [c]="C libvips loop (\`vips_thumbnail_buffer\` + \`vips_jpegsave_buffer\`, in memory, threads)"
    [pyvips]="pyvips $pyvips_version, libvips 8.18 (\`thumbnail_buffer\` + \`jpegsave_buffer\`, in memory, processes)"
    [vt]="vipsthumbnail, one process per image"
    [vtb]="vipsthumbnail, batch of ${#files[@]} (whole set per process, repeated)"
    [im]="ImageMagick \`convert -define jpeg:size=$((2 * width))x524 -thumbnail ${width}x\`, one process per image"
    [pillow]="Pillow $pillow_version (\`draft\` + \`thumbnail\` LANCZOS, in memory, processes)"
    [simd]="Pillow-SIMD $pillow_simd_version (AVX2) (\`draft\` + \`thumbnail\` LANCZOS, in memory, processes)"
)
# The decoder is named even for the default, so a THUMBWORKER_IMAGING_JPEG_DECODER in the caller's environment
# cannot turn the first row into the second.
declare -A decoder=([tw]=turbojpeg [tw-libvips]=libvips [tw-procs]=turbojpeg)
# Command-line tools: one process per image ({in} → {out}), or the whole set per process with --batch.
declare -A template=(
    [vt]="vipsthumbnail {in} -s $width -o {outdir}/%s.jpg[Q=$quality]"
    [vtb]="vipsthumbnail {all} -s $width -o {outdir}/%s.jpg[Q=$quality]"
    [im]="$convert -define jpeg:size=$((2 * width))x524 {in} -thumbnail ${width}x -quality $quality {out}"
)
# In-memory Python loops: the interpreter and sidebyside.py's subcommand.
declare -A python=([pyvips]="$pyvips_py" [pillow]="$py" [simd]="$simd_py")
declare -A subcommand=([pyvips]=pyvips [pillow]=pillow [simd]=pillow)
# The inputs as files, not the folder: exactly the ones every other contestant gets (a stray image in the folder
# would otherwise join thumbworker's set only).
tw=(bench "${files[@]}" --rendition "t=$width,quality=$quality" --duration "$seconds" --json)

batch_flag() { [[ $1 != vtb ]] || echo --batch; }   # procloop's --batch for the batch row

outputs() {  # key, folder
    mkdir -p "$2"
    case $1 in
        tw | tw-libvips)
            THUMBWORKER_IMAGING_JPEG_DECODER=${decoder[$1]} THUMBWORKER_OUTPUT_KEY_TEMPLATE='{stem}.{ext}' \
                "$thumbworker" process "${files[@]}" -o "$2" --rendition "t=$width,quality=$quality" >/dev/null ;;
        c) "$work/thumbnail_loop" -o "$2" -w "$width" -q "$quality" "${files[@]}" ;;
        pyvips | pillow | simd)
            "${python[$1]}" "$helper" "${subcommand[$1]}" --output "$2" --width "$width" --quality "$quality" \
                "${files[@]}" ;;
        # --duration 0: only procloop's warm-up pass, which makes each output once.
        vt | vtb | im)
            # shellcheck disable=SC2046  # batch_flag: nothing or one word
            "$py" "$helper" procloop $(batch_flag "$1") --duration 0 --workers 1 --output "$2" "${template[$1]}" \
                "${files[@]}" >/dev/null ;;
    esac
}

run() {  # key, cores (one: one worker pinned to core 0; all: $workers workers) → the run's JSON on stdout
    local key=$1 n=$workers pin=()
    [[ $2 != one ]] || { n=1; pin=(taskset -c 0); }
    case $key in
        tw | tw-libvips)
            THUMBWORKER_IMAGING_JPEG_DECODER=${decoder[$key]} "${pin[@]}" "$thumbworker" "${tw[@]}" \
                --concurrency "$n" ;;
        tw-procs)  # threads in one process trail processes (benchmarks/scaling.sh): n processes side by side, summed
            local pids=() index
            rm -f "$work"/process.*
            for ((index = 0; index < n; index++)); do
                THUMBWORKER_IMAGING_JPEG_DECODER=${decoder[$key]} "$thumbworker" "${tw[@]}" --concurrency 1 \
                    > "$work/process.$index" &
                pids+=("$!")
            done
            wait "${pids[@]}"
            "$py" "$helper" combine "$work"/process.* ;;
        c) "${pin[@]}" "$work/thumbnail_loop" -t "$n" -d "$seconds" -w "$width" -q "$quality" "${files[@]}" ;;
        pyvips | pillow | simd)
            "${pin[@]}" "${python[$key]}" "$helper" "${subcommand[$key]}" --duration "$seconds" --procs "$n" \
                --width "$width" --quality "$quality" "${files[@]}" ;;
        vt | vtb | im)
            # shellcheck disable=SC2046  # batch_flag: nothing or one word
            "${pin[@]}" "$py" "$helper" procloop $(batch_flag "$key") --duration "$seconds" --workers "$n" \
                --output "$work/out-$key" "${template[$key]}" "${files[@]}" ;;
    esac
}

# --- outputs, PSNR and bytes/img (once per contestant, not timed) --------------------------------------------
contestants="$work/contestants.jsonl"
: > "$contestants"
for key in "${names[@]}"; do
    folder="$work/out-$key"
    [[ $key != tw-procs ]] || folder="$work/out-tw"   # the same program and settings as the first row
    [[ $key == tw-procs ]] || outputs "$key" "$folder"
    "$py" "$helper" psnr --key "$key" --label "${label[$key]}" "$work/reference" "$folder" >> "$contestants"
    log "$(tail -1 "$contestants")"
done

# --- rounds --------------------------------------------------------------------------------------------------
runs="$work/runs.jsonl"
: > "$runs"
measure() {  # key, round, cores (one | all)
    local line what="round $(($2 + 1)), $1, $workers workers"
    [[ $3 != one ]] || what="round $(($2 + 1)), $1, 1 core"
    # A run that fails is repeated once, with a log line: the two-thread C loop on Debian's libvips 8.14 has been
    # seen to abort, rarely (glibc's heap check; 8.15.5's changelog fixes threadpool and thread-exit races). A second
    # failure ends the benchmark.
    if ! run "$1" "$3" > "$work/run.out"; then
        log "$what: the run failed; repeating it once"
        run "$1" "$3" > "$work/run.out"
    fi
    line=$("$py" "$helper" record --key "$1" --round "$2" --cores "$3" < "$work/run.out")
    echo "$line" >> "$runs"
    log "$what: $line"
}
for ((round = 0; round < rounds; round++)); do
    for ((i = 0; i < ${#names[@]}; i++)); do
        key=${names[(i + round) % ${#names[@]}]}
        # One process per core is an all-cores configuration only; on one core it would be the first row again.
        [[ $key == tw-procs ]] || measure "$key" "$round" one
        measure "$key" "$round" all
    done
done

# --- table ---------------------------------------------------------------------------------------------------
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/machine.txt"
echo '```'
cat "$work/machine.txt"
echo '```'
echo
"$py" "$helper" table --reference c --workers "$workers" "$contestants" "$runs"

#!/usr/bin/env bash
# TurboJPEG decode (issue 16 groundwork): the C libvips loop (benchmarks/c/thumbnail_loop.c: vips_thumbnail_buffer,
# i.e. libjpeg shrink-on-load, + vips_jpegsave_buffer) against benchmarks/c/turbojpeg_loop.c (TurboJPEG scaled
# decode + vips_resize lanczos3 + vips_jpegsave_buffer), one 320 px box JPEG at q80 from each 2725×2225 baseline
# JPEG of the corpus, one thread, pinned to one core. Two TurboJPEG variants: the smallest DCT scale that keeps the
# target size (`-k 1`: 1/8 here) and the smallest that leaves a factor of two for the resize, as libvips does
# (`-k 2`: 1/4 here). Rounds alternate the three loops (the order rotates each round); prints img/s per run, the
# medians, the ratio to the C loop, TurboJPEG's decode time, and PSNR against a full-decode lanczos3 reference.
#
# Usage: benchmarks/turbojpeg.sh [SECONDS per run, default 10] [ROUNDS, default 3]     (CPU=1: the core to pin to)
# Installs what it needs if missing: libvips-dev, libvips-tools, pkg-config, libturbojpeg0-dev (apt); makes the
# corpus with benchmarks/make-corpus.sh if it is not there. Does not build thumbworker.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
seconds="${1:-10}"
rounds="${2:-3}"
cpu="${CPU:-1}"
width=320
quality=80
corpus=benchmarks/corpus/2725x2225

log() { echo "turbojpeg: $*" >&2; }

# --- what it needs -------------------------------------------------------------------------------------------
missing=()
for package in libvips-dev libvips-tools pkg-config libturbojpeg0-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    sudo_prefix=()
    [ "$(id -u)" -eq 0 ] || sudo_prefix=(sudo)
    "${sudo_prefix[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
ls "$corpus"/*.jpg >/dev/null 2>&1 || benchmarks/make-corpus.sh benchmarks/corpus >/dev/null
files=("$PWD/$corpus"/*.jpg)

work="$(mktemp -d /tmp/turbojpeg.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
cc -O2 -Wall -o "$work/thumbnail_loop" benchmarks/c/thumbnail_loop.c $(pkg-config --cflags --libs vips) -lpthread
# shellcheck disable=SC2046
cc -O2 -Wall -o "$work/turbojpeg_loop" benchmarks/c/turbojpeg_loop.c \
    $(pkg-config --cflags --libs vips libturbojpeg) -lpthread -lm
export VIPS_CONCURRENCY=1

# --- machine -------------------------------------------------------------------------------------------------
{
    machine_description 2>/dev/null | grep -v '^swift:'
    echo "libturbojpeg: $(pkg-config --modversion libturbojpeg) ($(dpkg-query -W -f='${Version}' libturbojpeg0 2>/dev/null))"
    echo "inputs: ${#files[@]} × $(vipsheader -f width "${files[0]}")×$(vipsheader -f height "${files[0]}") baseline JPEG ($corpus)"
    echo "command: benchmarks/turbojpeg.sh $seconds $rounds (taskset -c $cpu, one thread, ${seconds} s per run, $rounds rounds)"
} > "$work/machine.txt"
cat "$work/machine.txt" >&2

# --- rounds --------------------------------------------------------------------------------------------------
names=(c tj1 tj2)
declare -A label=(
    [c]="C libvips loop (\`vips_thumbnail_buffer\`: libjpeg shrink-on-load 1/4, + \`vips_jpegsave_buffer\`)"
    [tj1]="TurboJPEG 1/8 (\`-k 1\`: smallest scale ≥ target) + \`vips_resize\` lanczos3 + \`vips_jpegsave_buffer\`"
    [tj2]="TurboJPEG 1/4 (\`-k 2\`: leaves ≥ 2× for the resize) + \`vips_resize\` lanczos3 + \`vips_jpegsave_buffer\`"
)
run() {  # name → one JSON line
    local common=(-t 1 -d "$seconds" -w "$width" -q "$quality")
    case $1 in
        c) taskset -c "$cpu" "$work/thumbnail_loop" "${common[@]}" "${files[@]}" ;;
        tj1) taskset -c "$cpu" "$work/turbojpeg_loop" "${common[@]}" -k 1 "${files[@]}" ;;
        tj2) taskset -c "$cpu" "$work/turbojpeg_loop" "${common[@]}" -k 2 "${files[@]}" ;;
    esac
}
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for ((round = 0; round < rounds; round++)); do
    for ((i = 0; i < ${#names[@]}; i++)); do
        name=${names[(i + round) % ${#names[@]}]}
        line=$(run "$name")
        echo "$line" >> "$work/$name.jsonl"
        log "round $((round + 1)) $name: $(echo "$line" | field images_per_second) img/s"
    done
done

# --- PSNR (not timed) ----------------------------------------------------------------------------------------
for k in 1 2; do
    "$work/turbojpeg_loop" -p -k "$k" -w "$width" -q "$quality" "${files[@]}" > "$work/psnr$k.json"
    log "psnr -k $k: $(cat "$work/psnr$k.json")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/machine.txt"

# --- table ---------------------------------------------------------------------------------------------------
c_median=$(field images_per_second < "$work/c.jsonl" | median)
echo '```'
cat "$work/machine.txt"
echo '```'
echo
echo "| loop | img/s per round | median img/s | ÷ C loop | TurboJPEG decode ms/img (median) | peak RSS | PSNR dB mean (min) | bytes/img |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in "${names[@]}"; do
    per_round=$(field images_per_second < "$work/$name.jsonl" | paste -sd/ | sed 's#/# / #g')
    m=$(field images_per_second < "$work/$name.jsonl" | median)
    rss=$(field peak_rss_bytes < "$work/$name.jsonl" | sort -n | tail -1)
    case $name in
        c) decode="—"; psnr="$(field psnr_thumbnail_db < "$work/psnr1.json") ($(field min_thumbnail_db < "$work/psnr1.json"))"
           bytes=$(field bytes_thumbnail < "$work/psnr1.json") ;;
        tj*) k=${name#tj}; decode=$(printf '%.2f' "$(field decode_ms < "$work/$name.jsonl" | median)")
             psnr="$(field psnr_turbojpeg_db < "$work/psnr$k.json") ($(field min_turbojpeg_db < "$work/psnr$k.json"))"
             bytes=$(field bytes_turbojpeg < "$work/psnr$k.json") ;;
    esac
    printf '| %s | %s | %.2f | %.2f× | %s | %d MB | %s | %s |\n' "${label[$name]}" "$per_round" "$m" \
        "$(awk -v a="$m" -v b="$c_median" 'BEGIN { print a / b }')" "$decode" "$((rss / 1000000))" "$psnr" "$bytes"
done

#!/usr/bin/env bash
# Build the benchmark image corpus from Debian 12 (bookworm) packages only.
#
#   benchmarks/make-corpus.sh [OUTDIR]        (default: benchmarks/corpus)
#
# Layout produced:
#   OUTDIR/large/<name>.<baseline|progressive>.jpg   original photographs, byte
#                                                     for byte as shipped in the .deb
#   OUTDIR/2725x2225/<name>-<where>.jpg               2725x2225 baseline crops, Q90,
#                                                     4:2:0 (same size as sharp's
#                                                     benchmark input)
#   OUTDIR/alpha/<name>-<where>.png                   one 2725x2225 RGBA PNG: a crop with an alpha
#                                                     ramp (0 at the left edge, 255 at the right), for
#                                                     the PNG-with-alpha → WebP microbenchmark
#   OUTDIR/progressive-20mp/<name>.jpg                three 20-23 MP progressive JPEGs (the largest photo
#                                                     re-saved, two enlarged), Q90, 4:2:0, for the memory
#                                                     benchmark of progressive decodes
#   OUTDIR/SOURCES.txt                                package/version/path/licence/sha256
#   OUTDIR/licenses/                                  the packages' copyright files
#
# Nothing is fetched except Debian packages: each .deb is fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into a temp dir; no package
# is installed, except libvips-tools when `vips` is missing.
# Idempotent: files already present and valid are kept; if everything exists
# nothing is downloaded and only the summary is printed.
#
# Only real photographs are used. In bookworm's wallpaper packages they come from
# lomiri-wallpapers-16.04, lomiri-wallpapers-20.04 and lxqt-themes; the large
# JPEGs in plasma-workspace-wallpapers, ukui-wallpapers, mate-backgrounds and
# gnome-backgrounds (webp/svg) are renders or paintings, not photographs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/corpus"}

CROP_W=2725
CROP_H=2225
CROP_Q=90
# Every crop source is 4:2:0; keep it (vips' "auto" would switch to 4:4:4 at Q>=90).
CROP_SUBSAMPLE=on

# Pinned versions (bookworm). If one disappears from the archive the script
# falls back to the current candidate and warns; the sha256 check below says
# whether the image bytes changed.
declare -A PKG_VERSION=(
  [lomiri-wallpapers-16.04]=20.04.0-2
  [lomiri-wallpapers-20.04]=20.04.0-2
  [lxqt-themes]=1.2.0-1
)

# name | package | path inside the package | licence (from the package's copyright) | sha256
PHOTOS=$(cat <<'EOF'
Kleiber_by_Lukas_Baubkus|lomiri-wallpapers-20.04|usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg|CC-BY-SA-3.0 (c) 2021 Lukas Baubkus|6572410c09f4492c74ccadde133565a14c0161617d5917d4c820c66d65a44ba7
seeding_by_Clements_Engelhardt|lomiri-wallpapers-16.04|usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg|CC0-1.0 (c) 2018 Clemens Engelhardt|a5634d1ab5e41a3568e92d4a894a500c92b891f9ff734e50bd224d6e185a605f
Dragonfly_by_Bolly|lomiri-wallpapers-16.04|usr/share/backgrounds/Dragonfly_by_Bolly.jpg|CC-BY-SA-4.0 (c) 2018 "Bolly"|af5af17841009732def24b09bb1e669a1b09d2b4bdeee7812c371101c30d2bb3
sunset_by_Aitzol_Berasategi|lomiri-wallpapers-16.04|usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (c) 2018 Aitzol Berasategi|474dab6a4b9f94dc76c29dfe30e9f5db4af0fd2e33fe5d695f8152b371efca18
Bridge_by_Sander_Klootwijk|lomiri-wallpapers-16.04|usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg|CC-BY-SA-4.0 (c) 2018 Sander Klootwijk|bd86b081f9975e2b83527f71e49b9271a8ab40885428395969d9f7d834d7f050
Wine_by_Jakkub_Mede|lomiri-wallpapers-16.04|usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg|CC-BY-4.0 (c) 2018 Jakub Mede|d2e96e6d4da40dd804b3d0ce295e94de04a2d7d9b6785d42cd9d92ba58bced74
picosdeeuropa_by_Aitzol_Berasategi|lomiri-wallpapers-16.04|usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (c) 2018 Aitzol Berasategi|414d0072b2f6f2c555deafeaef6e45c4fed6fa9ad26eba6560ca8803959cf97a
aitzgorri_by_Aitzol_Berasategi|lomiri-wallpapers-16.04|usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (c) 2018 Aitzol Berasategi|66268e7b48f8854d36a28765fac6e23ec1aee251daa6da1f64715f201020ad36
friends_by_Aitzol_Berasategi|lomiri-wallpapers-16.04|usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (c) 2018 Aitzol Berasategi|cc40e313c74e421edffe3403def413c16878ce14661cce7ec5915baeab35538d
life_by_Aitzol_Berasategi|lomiri-wallpapers-16.04|usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (c) 2018 Aitzol Berasategi|4c119350ead80201fe256850c3d316309ddfb4bdf10b235ce982dcde0c667c05
greentock_by_Peter_Nerlich|lomiri-wallpapers-16.04|usr/share/backgrounds/greentock_by_Peter_Nerlich.jpg|CC-BY-SA-4.0 (c) 2018 Peter Nerlich|e7b20e2db9dcd6e2b278ca55873c2110b35d89cd38b04d0b18728726888e6889
free_by_Peter_Nerlich|lomiri-wallpapers-16.04|usr/share/backgrounds/free_by_Peter_Nerlich.jpg|CC-BY-SA-4.0 (c) 2018 Peter Nerlich|85a5453c2fed514c75973016f3d862aca62eb7ca087618822469274ac1092373
after-the-rain|lxqt-themes|usr/share/lxqt/wallpapers/after-the-rain.jpg|CC-BY-SA-3.0 by stefonarch per usr/share/lxqt/wallpapers/License (debian/copyright "Files: *" says LGPL-2.1+)|e6cb8b3e09b904cc493ff17fddcd564d4e46a1761d05adf972c285a1fd878234
EOF
)

# name of a large photo | where (left right centre topleft bottomright)
# Only photos of at least 2725x2225 can be cropped; the two widest give two
# crops each with little or no overlap.
CROPS=$(cat <<'EOF'
Kleiber_by_Lukas_Baubkus left
Kleiber_by_Lukas_Baubkus right
seeding_by_Clements_Engelhardt left
seeding_by_Clements_Engelhardt right
sunset_by_Aitzol_Berasategi topleft
sunset_by_Aitzol_Berasategi bottomright
Bridge_by_Sander_Klootwijk left
Bridge_by_Sander_Klootwijk right
Dragonfly_by_Bolly centre
picosdeeuropa_by_Aitzol_Berasategi centre
EOF
)

log() { printf '%s\n' "$*" >&2; }
die() { log "make-corpus: error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}

# ---------------------------------------------------------------- tools
ensure_vips() {
  command -v vips >/dev/null && command -v vipsheader >/dev/null && return 0
  log "installing libvips-tools"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libvips-tools >&2; then
    as_root apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libvips-tools >&2
  fi
}

apt_updated=0
apt_update_once() {
  [ "$apt_updated" = 1 ] && return 0
  log "apt-get update"
  as_root apt-get update -q >&2
  apt_updated=1
}

# jpeg-multiscan: 1 = progressive. The field is absent in non-JPEG/odd files.
jpeg_mode() {
  local ms
  ms=$(vipsheader -f jpeg-multiscan "$1" 2>/dev/null || echo 0)
  if [ "$ms" = 1 ]; then echo progressive; else echo baseline; fi
}

dims() { echo "$(vipsheader -f width "$1" 2>/dev/null)x$(vipsheader -f height "$1" 2>/dev/null)"; }

# ---------------------------------------------------------------- work dirs
mkdir -p "$out/large" "$out/${CROP_W}x${CROP_H}" "$out/licenses"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Provenance of each original, one line per name:
# name|package|version|path|licence|sha256|mode
prov="$out/large/.provenance"
touch "$prov"

declare -A EXTRACTED=()   # package -> unpacked root
fetch_pkg() {
  local pkg=$1 ver=${PKG_VERSION[$1]:-} deb
  [ -n "${EXTRACTED[$pkg]:-}" ] && return 0
  local dl="$work/dl-$pkg"
  mkdir -p "$dl"
  local aptopt=()
  # apt drops to the _apt user for downloads, which cannot write to a root-owned
  # temp dir; as root say so explicitly instead of getting a warning.
  [ "$(id -u)" = 0 ] && aptopt=(-o APT::Sandbox::User=root)
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then apt_update_once; fi
  if ! (cd "$dl" && apt-get download -q "${aptopt[@]}" "$pkg=$ver" >&2); then
    apt_update_once
    if ! (cd "$dl" && apt-get download -q "${aptopt[@]}" "$pkg=$ver" >&2); then
      log "make-corpus: warning: $pkg=$ver not available, using the current candidate"
      (cd "$dl" && apt-get download -q "${aptopt[@]}" "$pkg" >&2)
    fi
  fi
  deb=$(ls "$dl"/*.deb)
  mkdir -p "$work/x-$pkg"
  dpkg-deb -x "$deb" "$work/x-$pkg"
  EXTRACTED[$pkg]="$work/x-$pkg"
  PKG_GOT_VERSION[$pkg]=$(dpkg-deb -f "$deb" Version)
  cp "$work/x-$pkg/usr/share/doc/$pkg/copyright" "$out/licenses/$pkg.copyright"
  if [ "$pkg" = lxqt-themes ]; then
    cp "$work/x-$pkg/usr/share/lxqt/wallpapers/License" "$out/licenses/lxqt-themes.wallpapers-License"
  fi
}
declare -A PKG_GOT_VERSION=()

ensure_vips

# ---------------------------------------------------------------- 1. originals
large_of() {   # path of the large copy of a photo, if present
  local f
  for f in "$out/large/$1".baseline.jpg "$out/large/$1".progressive.jpg; do
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

t0=$SECONDS
while IFS='|' read -r name pkg path licence sha; do
  [ -n "$name" ] || continue
  if have=$(large_of "$name") && grep -q "^$name|" "$prov" \
      && [ "$(sha256sum "$have" | cut -c1-64)" = "$(grep "^$name|" "$prov" | cut -d'|' -f6)" ]; then
    continue
  fi
  fetch_pkg "$pkg"
  src="${EXTRACTED[$pkg]}/$path"
  [ -f "$src" ] || die "$pkg no longer contains $path"
  got=$(sha256sum "$src" | cut -c1-64)
  if [ "$got" != "$sha" ]; then
    log "make-corpus: warning: $path in $pkg ${PKG_GOT_VERSION[$pkg]} differs from the pinned sha256 (the corpus changes)"
  fi
  mode=$(jpeg_mode "$src")
  rm -f "$out/large/$name".baseline.jpg "$out/large/$name".progressive.jpg
  cp "$src" "$work/$name.jpg"
  mv "$work/$name.jpg" "$out/large/$name.$mode.jpg"
  grep -v "^$name|" "$prov" > "$work/prov" || true
  printf '%s|%s|%s|/%s|%s|%s|%s\n' "$name" "$pkg" "${PKG_GOT_VERSION[$pkg]}" "$path" "$licence" "$got" "$mode" >> "$work/prov"
  mv "$work/prov" "$prov"
  log "large: $name.$mode.jpg  (from $pkg ${PKG_GOT_VERSION[$pkg]})"
done <<< "$PHOTOS"

# ---------------------------------------------------------------- 2. crops
cropdir="$out/${CROP_W}x${CROP_H}"
while read -r name where; do
  [ -n "$name" ] || continue
  dest="$cropdir/$name-$where.jpg"
  if [ -f "$dest" ] && [ "$(dims "$dest")" = "${CROP_W}x${CROP_H}" ] \
      && [ "$(jpeg_mode "$dest")" = baseline ]; then
    continue
  fi
  src=$(large_of "$name") || die "no large image $name for crop"
  w=$(vipsheader -f width "$src"); h=$(vipsheader -f height "$src")
  [ "$w" -ge "$CROP_W" ] && [ "$h" -ge "$CROP_H" ] || die "$name is ${w}x$h, too small for a ${CROP_W}x${CROP_H} crop"
  cx=$(( (w - CROP_W) / 2 )); cy=$(( (h - CROP_H) / 2 ))
  case $where in
    left)        x=0;               y=$cy ;;
    right)       x=$((w - CROP_W)); y=$cy ;;
    centre)      x=$cx;             y=$cy ;;
    topleft)     x=0;               y=0 ;;
    bottomright) x=$((w - CROP_W)); y=$((h - CROP_H)) ;;
    *) die "unknown crop position $where" ;;
  esac
  vips extract_area "$src" "$work/crop.v" "$x" "$y" "$CROP_W" "$CROP_H"
  # Baseline (interlace is off by default), Q90, 4:2:0.
  vips jpegsave "$work/crop.v" "$work/crop.jpg" --Q "$CROP_Q" --subsample-mode "$CROP_SUBSAMPLE"
  rm -f "$work/crop.v"
  [ "$(jpeg_mode "$work/crop.jpg")" = baseline ] || die "crop of $name came out progressive"
  mv "$work/crop.jpg" "$dest"
  log "crop:  $(basename "$dest")  (${x},${y} of ${w}x${h})"
done <<< "$CROPS"

# ---------------------------------------------------------------- 3. PNG with alpha
ALPHA_FROM=Dragonfly_by_Bolly-centre
alphadir="$out/alpha"
mkdir -p "$alphadir"
dest="$alphadir/$ALPHA_FROM.png"
if ! { [ -f "$dest" ] && [ "$(dims "$dest")" = "${CROP_W}x${CROP_H}" ] \
    && [ "$(vipsheader -f bands "$dest")" = 4 ]; }; then
  vips grey "$work/ramp.v" "$CROP_W" "$CROP_H" --uchar
  vips bandjoin "$cropdir/$ALPHA_FROM.jpg $work/ramp.v" "$work/alpha.v"
  vips pngsave "$work/alpha.v" "$work/alpha.png"
  rm -f "$work/ramp.v" "$work/alpha.v"
  mv "$work/alpha.png" "$dest"
  log "alpha: $(basename "$dest")  (RGBA, alpha ramp left to right)"
fi

# ---------------------------------------------------------------- 3b. 18-24 MP progressive JPEGs
# The memory benchmark's inputs (issue 16): the largest photo re-saved progressive, and two enlarged with lanczos3
# (no photo in the packages reaches 18 MP progressive), Q90, 4:2:0, progressive.
# name of a large photo | scale
BIG=$(cat <<'EOF2'
Kleiber_by_Lukas_Baubkus 1
seeding_by_Clements_Engelhardt 1.2
sunset_by_Aitzol_Berasategi 1.35
EOF2
)
bigdir="$out/progressive-20mp"
mkdir -p "$bigdir"
while read -r name scale; do
  [ -n "$name" ] || continue
  dest="$bigdir/$name.jpg"
  src=$(large_of "$name")
  if [ -f "$dest" ] && [ "$(jpeg_mode "$dest")" = progressive ]; then continue; fi
  vips resize "$src" "$work/big.v" "$scale" --kernel lanczos3
  vips jpegsave "$work/big.v" "$work/big.jpg" --Q "$CROP_Q" --subsample-mode on --interlace
  rm -f "$work/big.v"
  [ "$(jpeg_mode "$work/big.jpg")" = progressive ] || die "$name came out baseline"
  mv "$work/big.jpg" "$dest"
  log "big:   $(basename "$dest")  ($(dims "$dest"), progressive)"
done <<< "$BIG"

# ---------------------------------------------------------------- SOURCES.txt
{
  echo "# Benchmark corpus, built by benchmarks/make-corpus.sh from Debian 12 (bookworm) packages."
  echo "# Originals in large/ are byte-for-byte copies of the files in the packages."
  echo "# Each package's copyright file is in licenses/. Attribution is required for CC-BY*"
  echo "# images; CC-BY-SA images and derived crops stay under the same licence."
  echo "#"
  echo "# large/: file | package | version | path in package | licence | sha256"
  while IFS='|' read -r name pkg ver path licence sha mode; do
    printf 'large/%s.%s.jpg | %s | %s | %s | %s | %s\n' "$name" "$mode" "$pkg" "$ver" "$path" "$licence" "$sha"
  done < <(sort "$prov")
  echo "#"
  echo "# ${CROP_W}x${CROP_H}/: baseline crops (vips extract_area + jpegsave Q=$CROP_Q subsample-mode=$CROP_SUBSAMPLE),"
  echo "# same licence as their original: file | from | offset"
  while read -r name where; do
    [ -n "$name" ] || continue
    f="$cropdir/$name-$where.jpg"
    [ -f "$f" ] || continue
    src=$(large_of "$name")
    printf '%s | %s | %s\n' "${CROP_W}x${CROP_H}/$name-$where.jpg" "large/$(basename "$src")" "$where"
  done <<< "$CROPS"
  echo "#"
  echo "# alpha/: RGBA PNG (vips grey --uchar as the alpha band, bandjoin, pngsave), same licence as its crop"
  echo "alpha/$ALPHA_FROM.png | ${CROP_W}x${CROP_H}/$ALPHA_FROM.jpg | alpha 0 (left) to 255 (right)"
  echo "#"
  echo "# progressive-20mp/: vips resize SCALE --kernel lanczos3 + jpegsave Q=$CROP_Q subsample-mode=on interlace,"
  echo "# same licence as their original: file | from | scale"
  while read -r name scale; do
    [ -n "$name" ] || continue
    printf '%s | %s | %s\n' "progressive-20mp/$name.jpg" "large/$(basename "$(large_of "$name")")" "$scale"
  done <<< "$BIG"
} > "$work/SOURCES.txt"
mv "$work/SOURCES.txt" "$out/SOURCES.txt"

# ---------------------------------------------------------------- 4. summary
log "done in $((SECONDS - t0)) s"
printf '%-58s %11s %6s %-11s %10s\n' file WxH MP mode bytes
total=0
for f in "$out"/large/*.jpg "$cropdir"/*.jpg "$alphadir"/*.png "$bigdir"/*.jpg; do
  w=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f")
  b=$(stat -c %s "$f"); total=$((total + b))
  printf '%-58s %11s %6s %-11s %10d\n' "${f#"$out"/}" "${w}x$h" \
    "$(awk -v p=$((w * h)) 'BEGIN{printf "%.1f", p/1e6}')" "$(case $f in *.png) echo png-rgba ;; *) jpeg_mode "$f" ;; esac)" "$b"
done
printf '%-58s %11s %6s %-11s %10d\n' "total ($(ls "$out"/large/*.jpg "$cropdir"/*.jpg "$alphadir"/*.png "$bigdir"/*.jpg | wc -l) files)" "" "" "" "$total"

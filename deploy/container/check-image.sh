#!/usr/bin/env bash
# Builds the container image from a release binary and checks it without running a container (no registry and no
# container runtime work here): podman builds it with chroot isolation on a Debian 12 base made locally with
# debootstrap, then the image is mounted and its binary run with chroot on a read-only root, as the image's user
# with the image's environment.
#
#   deploy/container/check-image.sh [BINARY]     (as root; BINARY: a thumbworker built with --static-swift-stdlib)
#
# Without BINARY it builds one (swift build -c release --static-swift-stdlib). The base image
# (THUMBWORKER_CHECK_BASE_IMAGE, default localhost/debian-base:bookworm) is made once, from the mirror in the machine's
# apt sources, and kept; the image built here is removed at the end. Prints how long each step took; exits non-zero
# with the reason when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

base_image=${THUMBWORKER_CHECK_BASE_IMAGE:-localhost/debian-base:bookworm}
image=localhost/thumbworker-check:$$
runtime_cache=localhost/thumbworker-check-runtime:cache
containerfile=deploy/container/Containerfile
# What the image must set (the Containerfile's promises to its users).
image_user=10001:10001
image_entrypoint='["/usr/local/bin/thumbworker", "run"]'
image_health='thumbworker health'
image_environment=(THUMBWORKER_IMAGING_PROCESSES=0 THUMBWORKER_METRICS_HOST=0.0.0.0)

# Reports a failed check and exits (the trap cleans up).
fail() {
    echo "check-image: FAILED: $*" >&2
    exit 1
}

step_started=$SECONDS
# Prints the time the step that just ended took, and starts the next.
step() {
    echo "check-image: $1 took $((SECONDS - step_started)) s" >&2
    step_started=$SECONDS
}

[ "$(id -u)" -eq 0 ] || fail "run as root: debootstrap, podman image mount and chroot need it"
for tool in podman debootstrap unshare chroot python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh --tests installs it)"
done

work=$(mktemp -d /tmp/thumbworker-check-image.XXXXXX)
mountpoint=""
cleanup() {
    if [ -n "$mountpoint" ]; then podman image unmount "$image" >/dev/null || true; fi
    podman image rm --force "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- the binary -------------------------------------------------------------------------------------------------

binary=${1:-}
if [ -z "$binary" ]; then
    swift build -c release --static-swift-stdlib --product thumbworker
    binary="$(swift build -c release --show-bin-path)/thumbworker"
    step "building the release binary"
fi
[ -x "$binary" ] || fail "$binary is not an executable"
if readelf -d "$binary" | grep -q 'NEEDED.*libswiftCore'; then
    fail "$binary links the Swift runtime dynamically; build it with --static-swift-stdlib"
fi

# --- the base image, made once ----------------------------------------------------------------------------------

# Prints the first Debian mirror the machine's apt sources name for bookworm itself (deb822 files, then one-line).
debian_mirror() {
    local file
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -r "$file" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
            {
                uris = ""; suites = ""
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/) uris = $i
                    if ($i ~ /^Suites:/) suites = $i
                }
                if (suites ~ /[[:space:]]bookworm([[:space:]]|$)/) {
                    sub(/^URIs:[[:space:]]*/, "", uris); split(uris, first, " "); print first[1]; exit
                }
            }' "$file"
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$file" ] || continue
        awk '$1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == "bookworm") { print $i; exit }
            }' "$file"
    done
}

# One check at a time makes the base and the runtime stage; the others wait for them and then find them.
exec 9>/tmp/thumbworker-check-image-base.lock
flock 9
if ! podman image exists "$base_image"; then
    mirror=$(debian_mirror | head -n 1)
    [ -n "$mirror" ] || fail "no bookworm mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/"
    echo "check-image: making $base_image with debootstrap from $mirror (once)" >&2
    debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || fail "debootstrap failed: $(tail -n 5 "$work/debootstrap.log")"
    rm -rf "$work"/base/var/cache/apt/archives/*.deb "$work"/base/var/lib/apt/lists/*
    tar -C "$work/base" -c . | podman import --quiet - "$base_image" >/dev/null
    rm -rf "$work/base"
    step "making the Debian 12 base image"
fi

# --- the image --------------------------------------------------------------------------------------------------

mkdir "$work/context"
cp "$binary" "$work/context/thumbworker"
build=(podman build --isolation=chroot --format docker --pull=never --build-arg RUNTIME_IMAGE="$base_image"
    -f "$containerfile")
# The stage below the binary (Debian with libvips) is kept under a tag of its own, so its layers stay cached and
# the next check builds only the binary's layer; a stale one is removed when the Containerfile changed.
previous_runtime=$(podman image inspect --format '{{.Id}}' "$runtime_cache" 2>/dev/null || true)
"${build[@]}" --target runtime-base -t "$runtime_cache" "$work/context" >"$work/build.log" 2>&1 \
    || fail "podman build of the runtime stage failed: $(tail -n 20 "$work/build.log")"
if [ -n "$previous_runtime" ] && [ "$previous_runtime" != "$(podman image inspect --format '{{.Id}}' "$runtime_cache")" ]
then
    podman image rm "$previous_runtime" >/dev/null 2>&1 || true
fi
flock -u 9
"${build[@]}" --target prebuilt -t "$image" "$work/context" >"$work/build.log" 2>&1 \
    || fail "podman build failed: $(tail -n 20 "$work/build.log")"
size=$(podman image inspect --format '{{.Size}}' "$image")
echo "check-image: built $image, $((size / 1000000)) MB (the base: $(($(podman image inspect --format '{{.Size}}' \
    "$base_image") / 1000000)) MB)" >&2
step "building the image from the binary"

# The metadata a runtime acts on: user, entrypoint, health check, environment, volume.
podman image inspect "$image" >"$work/inspect.json"
python3 - "$work/inspect.json" "$image_user" "$image_entrypoint" "$image_health" "${image_environment[@]}" <<'EOF' \
    || fail "the image's metadata is not what the Containerfile promises"
import json, sys

path, user, entrypoint, health, *environment = sys.argv[1:]
image = json.load(open(path))[0]
config = image["Config"]
problems = []
if config.get("User") != user:
    problems.append(f"User is {config.get('User')!r}, not {user!r} (a non-root user)")
if config.get("Entrypoint") != json.loads(entrypoint):
    problems.append(f"Entrypoint is {config.get('Entrypoint')}, not {entrypoint}")
test = (image.get("Healthcheck") or {}).get("Test") or []
if not test or health not in " ".join(test).replace("/usr/local/bin/", ""):
    problems.append(f"HEALTHCHECK is {test or 'missing'}, not one running `{health}` (built without --format docker?)")
missing = [variable for variable in environment if variable not in config.get("Env", [])]
if missing:
    problems.append(f"Env lacks {missing}")
if "/var/lib/thumbworker" not in (config.get("Volumes") or {}):
    problems.append("no VOLUME /var/lib/thumbworker for the local backends")
for problem in problems:
    print(f"check-image: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
# The image's environment and working directory, for the runs below.
podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | grep . >"$work/env"
workdir=$(podman image inspect --format '{{.Config.WorkingDir}}' "$image")
podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" | grep . >"$work/entrypoint"

# --- the binary inside the image, on a read-only root -----------------------------------------------------------

mountpoint=$(podman image mount "$image")
# One input of every format the image must decode.
inputs="landscape.jpg alpha.png alpha.webp photo.gif photo.heic photo.avif"
mkdir "$work/in"
for input in $inputs; do cp "testdata/$input" "$work/in/"; done
printf 'logging:\n  level: debug\nrenditions:\n  - name: small\n    size: 64x64\n    fit: cover\n' \
    >"$work/worker.conf"
metrics_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export mountpoint work workdir image_user metrics_port inputs

# Runs in a mount namespace of its own, so every mount below vanishes with it: the image's root bound read-only,
# a tmpfs on /tmp and on the volume (as a runtime gives them), /proc and /dev from the host.
unshare --mount --propagation private bash -euo pipefail <<'EOF' || fail "the binary does not work in the image"
root=$work/root
mkdir "$root"
mount --bind "$mountpoint" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o "mode=0750,uid=${image_user%:*},gid=${image_user#*:}" tmpfs "$root/var/lib/thumbworker"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
cp -R "$work/in" "$root/tmp/in"
if chroot "$root" /usr/bin/touch /written 2>/dev/null; then
    echo "check-image: the image's root is writable in the chroot, so the checks below would prove nothing" >&2
    exit 1
fi

mapfile -t environment <"$work/env"
failed() {
    echo "check-image: $*" >&2
    exit 1
}
# Runs a command of the image as its user, in its working directory, with its environment and nothing else.
in_image() {
    chroot --userspec="$image_user" "$root" /usr/bin/env -i -C "$workdir" "${environment[@]}" "$@"
}

# The version names the libvips the image's packages provide, so the binary found its libraries.
in_image thumbworker --version >"$work/version" 2>&1 || failed "thumbworker --version: $(cat "$work/version")"
grep -qE '^thumbworker [0-9]+\.[0-9]+\.[0-9]+ \(libvips [0-9]+\.[0-9]+' "$work/version" \
    || failed "thumbworker --version printed: $(cat "$work/version")"

in_image thumbworker config >"$work/config" 2>&1 || failed "thumbworker config: $(cat "$work/config")"
for line in 'processes: 0' 'host: "0.0.0.0"' 'local_path: "/var/lib/thumbworker/queue.sqlite"'; do
    grep -qF "$line" "$work/config" || failed "thumbworker config does not say $line: $(cat "$work/config")"
done

# A worker.conf mounted in the working directory is read (the variables still win).
mount -t tmpfs tmpfs "$root$workdir"
cp "$work/worker.conf" "$root$workdir/"
in_image thumbworker config >"$work/config" 2>&1 || failed "thumbworker config with worker.conf: $(cat "$work/config")"
grep -qF 'name: small' "$work/config" && grep -qF 'level: debug' "$work/config" && grep -qF 'processes: 0' \
    "$work/config" || failed "a mounted worker.conf was not applied: $(cat "$work/config")"
umount "$root$workdir"

# One real run of the pipeline on every input format the image must decode, writing only into /tmp.
read -ra names <<<"$inputs"
in_image thumbworker process --json -o /tmp/out "${names[@]/#//tmp/in/}" >"$work/process" 2>"$work/process.log" \
    || failed "thumbworker process: $(cat "$work/process.log")"
ready=$(grep -c '"thumbnails.ready"' "$work/process" || true)
[ "$ready" = "${#names[@]}" ] \
    || failed "thumbworker process made $ready of ${#names[@]} thumbnails: $(cat "$work/process" "$work/process.log")"
magic=$(od -An -tx1 -N3 "$root/tmp/out/landscape.jpg.jpeg" | tr -d ' ')
[ "$magic" = ffd8ff ] || failed "tmp/out/landscape.jpg.jpeg is not a JPEG (starts with $magic)"

# The entrypoint with the local backends in the volume: an upload becomes a thumbnail, `thumbworker health` (the
# HEALTHCHECK) answers 0 while it runs, SIGTERM stops it cleanly. Its metrics listen on a free loopback port here
# (tests bind 127.0.0.1 only), not on the image's 0.0.0.0:9464.
mapfile -t entrypoint <"$work/entrypoint"
local_metrics=("THUMBWORKER_METRICS_HOST=127.0.0.1" "THUMBWORKER_METRICS_PORT=$metrics_port")
in_image thumbworker upload /tmp/in/landscape.jpg >"$work/upload" 2>&1 || failed "thumbworker upload: $(cat "$work/upload")"
(exec chroot --userspec="$image_user" "$root" /usr/bin/env -i -C "$workdir" "${environment[@]}" "${local_metrics[@]}" \
    "${entrypoint[@]}" >"$work/run.out" 2>"$work/run.log") &
worker=$!
trap 'kill -KILL "$worker" 2>/dev/null || true' EXIT
thumbnail=$root/var/lib/thumbworker/buckets/thumbnails/landscape.jpg.jpeg
healthy=no
for _ in $(seq 1 240); do
    kill -0 "$worker" 2>/dev/null || failed "${entrypoint[*]} exited early: $(cat "$work/run.log")"
    if [ -s "$thumbnail" ] && in_image env "${local_metrics[@]}" thumbworker health >"$work/health" 2>&1; then
        healthy=yes
        break
    fi
    sleep 0.5
done
[ "$healthy" = yes ] || failed "after 2 minutes of ${entrypoint[*]}: thumbnail $([ -s "$thumbnail" ] || echo "not ")made," \
    "thumbworker health said: $(cat "$work/health"); the worker logged: $(cat "$work/run.log")"
grep -q 'supervisor started' "$work/run.log" \
    || failed "imaging.processes 0 did not start a supervisor: $(cat "$work/run.log")"
kill -TERM "$worker"
status=0
wait "$worker" || status=$?
[ "$status" = 0 ] || failed "${entrypoint[*]} exited with $status after SIGTERM: $(cat "$work/run.log")"
EOF
step "checking the binary in the image"

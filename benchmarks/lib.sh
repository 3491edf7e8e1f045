#!/usr/bin/env bash
# Helpers shared by the benchmark scripts; sourced, not run:  . "$(dirname "$0")/lib.sh"
#
#   ensure_venv VENV CHECK PACKAGE==VERSION...   create the Python venv VENV if needed and pip-install the pinned
#                                                packages unless the Python statement CHECK already succeeds in it
#   machine_description                          the lines every results block starts with: date and load, CPU,
#                                                OS and kernel, Swift, libvips, libjpeg-turbo
#   build_contestants NAME                       release-build thumbworker and compile the C libvips loop
#                                                (benchmarks/c/thumbnail_loop.c) into a new folder /tmp/NAME.*;
#                                                sets $thumbworker and $work (the folder, removed on exit)
#   release_thumbworker NAME                     $thumbworker: RELEASE_BINARY when set (a release binary already
#                                                built, e.g. by before-after.sh), else a release build; and $work, a
#                                                new folder /tmp/NAME.*, removed on exit

ensure_venv() {
    local venv=$1 check=$2
    shift 2
    if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
        echo "benchmarks: setting up $venv ($*)" >&2
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "$@"
    fi
}

machine_description() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "cpu: $(getconf _NPROCESSORS_ONLN) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "swift: $(swift --version 2>&1 | head -1)"
    echo "libvips: $(pkg-config --modversion vips)"
    echo "libjpeg-turbo: $(dpkg-query -W -f='${Version}' libjpeg62-turbo 2>/dev/null)"
}

build_contestants() {
    echo "benchmarks: building thumbworker (release) and benchmarks/c/thumbnail_loop.c" >&2
    swift build -c release --product thumbworker >&2
    thumbworker="$PWD/.build/release/thumbworker"
    work="$(mktemp -d "/tmp/$1.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    # shellcheck disable=SC2046
    cc -O2 -Wall -o "$work/thumbnail_loop" benchmarks/c/thumbnail_loop.c $(pkg-config --cflags --libs vips) -lpthread
}

release_thumbworker() {
    if [ -n "${RELEASE_BINARY:-}" ]; then
        thumbworker=$RELEASE_BINARY
    else
        swift build -c release --product thumbworker >&2
        thumbworker="$PWD/.build/release/thumbworker"
    fi
    work="$(mktemp -d "/tmp/$1.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
}

#!/usr/bin/env bash
# Installs the Debian packages thumbworker needs to build and run (the Swift toolchain is the one
# prerequisite installed by hand). Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(libvips-dev libturbojpeg0-dev libsqlite3-dev pkg-config)
if [ "${1:-}" = "--tests" ]; then
    # podman and debootstrap build and check the container image (deploy/container/check-image.sh).
    packages+=(libvips-tools python3 python3-venv curl systemd podman debootstrap binutils)
    # chromium and chromium-driver run the page's browser test (Tests/Browser/page_test.py) headless, offline.
    packages+=(chromium chromium-driver)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "thumbworker: installing ${missing[*]}" >&2
    sudo_prefix=()
    [ "$(id -u)" -eq 0 ] || sudo_prefix=(sudo)
    "${sudo_prefix[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "thumbworker: the Swift toolchain (6.1 or newer) is not on PATH; install it from swift.org first" >&2
    exit 1
fi

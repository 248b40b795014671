#!/bin/sh
# The system packages the tests need beyond Python, on Debian: Chromium for the browser
# tests and Noto fonts, so that its screenshots draw Arabic script and Devanagari. Installs
# the missing ones with apt-get, as root directly (a container's root shell has no sudo) or
# else through sudo. Installs nothing when they are there. Nothing else needs a system
# package: ICU comes inside the pyicu-wheels wheel.
set -eu

packages="chromium fonts-noto-core"

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/setup-system.sh: not a Debian system: install Chromium and Noto fonts by hand" \
        "and point \$CHROMIUM at the browser (default /usr/bin/chromium)" >&2
    exit 1
fi

missing=""
for pkg in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "tests/setup-system.sh: installing$missing needs root: run this as root, or install sudo" >&2
    exit 1
fi

echo "installing$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086  # one word a package
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null

#!/bin/sh
# tools/sysroot.sh ARCH DIR PACKAGES... — a Debian bookworm root for ARCH (arm64, armhf) in DIR,
# holding the target's libraries, headers and OCR data for cross builds (gcc --sysroot, pkg-config)
# and for running the cross-built programs under qemu-user (-L DIR).
#
# Why not multiarch in the build machine's own root (apt-get install libfoo-dev:arm64): Debian 12's
# libtesseract-dev and libleptonica-dev are not Multi-Arch: same, so installing the arm64 ones
# removes the build machine's own and breaks `make`. debootstrap --foreign only downloads and
# unpacks Debian's packages (no target code runs), which is all a sysroot needs.
set -eu
arch=$1 dir=$2
shift 2
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
stamp="$dir/.faxgate-sysroot"
want="$arch $*"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
command -v debootstrap >/dev/null || { echo "sysroot: debootstrap is missing (make deps BOARD=...)" >&2; exit 1; }
echo "sysroot: Debian bookworm $arch in $dir (downloads about 300 MB the first time)"
rm -rf "$dir.tmp"
mkdir -p "$(dirname "$dir")"
include=$(echo "$*" | tr ' ' ',')
if ! debootstrap --foreign --variant=minbase --arch="$arch" --include="$include" bookworm "$dir.tmp" "$mirror" \
        >"$dir.log" 2>&1; then
    echo "sysroot: debootstrap failed; its log: $dir.log" >&2
    tail -5 "$dir.log" >&2
    exit 1
fi
# --foreign unpacks only the essential packages and leaves the rest downloaded: unpack them all
# (their maintainer scripts would run target code, and a sysroot needs none of them).
for deb in "$dir.tmp"/var/cache/apt/archives/*.deb; do
    dpkg-deb -x "$deb" "$dir.tmp"
done
# Library symlinks that point to absolute paths would escape the sysroot: make them relative.
find "$dir.tmp/usr/lib" "$dir.tmp/lib" -type l 2>/dev/null | while read -r l; do
    t=$(readlink "$l")
    case $t in
    /*) ln -sf "$(realpath -m --relative-to="$(dirname "$l")" "$dir.tmp$t")" "$l" ;;
    esac
done
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$want" >"$stamp"
echo "sysroot: ready ($(du -sh "$dir" | cut -f1))"

#!/usr/bin/env bash
# tests/bench_durable.sh BUILD — the cost per page of "durable before confirmed" (tests/bench/durable.c):
# on the file system of TMPDIR, then (as root) on a freshly made ext4 file system on a loop device,
# the kind of file system a board's SD card carries. Needs BUILD/lib*.a (make tests-build).
set -eu
build=${1:-build/host}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-durable-XXXXXX")
mnt="" loop=""
cleanup() { [ -n "$mnt" ] && umount "$mnt"; [ -n "$loop" ] && losetup -d "$loop"; rm -rf "$tmp"; }
trap cleanup EXIT
pkgs="spandsp libtiff-4 tesseract lept sqlite3 inih cairo jansson nettle sndfile libpcap"
# shellcheck disable=SC2046
cflags="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iinclude -Ifirmware/core -Ihost/common $(pkg-config --cflags $pkgs 2>/dev/null)"
libs="-Wl,--start-group $build/libfaxhost.a $build/libfaxgate.a $build/libboard.a -Wl,--end-group $(pkg-config --libs $pkgs 2>/dev/null) $(cups-config --libs 2>/dev/null) -lgomp -lpthread -lm"
# shellcheck disable=SC2086
cc $cflags -o "$tmp/durable" tests/bench/durable.c $libs
pages=${BENCH_DURABLE_PAGES:-50}
echo "command: tests/bench_durable.sh $build   (BENCH_DURABLE_PAGES=$pages)"
echo "file system of $tmp: $(df -T "$tmp" | awk 'NR == 2 { print $2 " on " $1 }')"
"$tmp/durable" "$tmp" "$pages"
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
    truncate -s 128M "$tmp/disk.img"
    mkfs.ext4 -q -F "$tmp/disk.img"
    if loop=$(losetup -f --show "$tmp/disk.img" 2>/dev/null) && mkdir -p "$tmp/mnt" && mount "$loop" "$tmp/mnt"; then
        mnt=$tmp/mnt
        echo "ext4 on a loop device ($loop, backed by a file on the disk above):"
        "$tmp/durable" "$mnt" "$pages"
    else
        loop=""
        echo "(no loop device here: the ext4 figure is not measured)"
    fi
fi

#!/usr/bin/env bash
# tests/board.sh BUILD QEMU SYSROOT BOARD_CONF — make test-board: a cross-built board on this
# machine under qemu-user. Runs every unit test of BUILD (tests/run.sh with FG_RUNNER), then real
# calls into the board's faxgated, started with the board's own defaults (BOARD_CONF, embedded)
# and only the paths moved into a temporary folder: a business fax and an ad, placed over
# AudioSocket on loopback by this machine's faxsim (the far end is another device), each judged,
# filed, and the business fax printed (spool printer). Then the figures: binary sizes, start-up
# time, and faxgated's memory — under qemu the resident size includes the emulator and its code
# cache, so the same configuration is also measured on this machine's own build for comparison.
# Prints TAP for the calls and one closing line "N passed, N failed".
set -u
build=${1:?BUILD}
qemu=${2:?QEMU}
sysroot=${3:?SYSROOT}
board_conf=${4:?BOARD_CONF}
build=$(cd "$build" && pwd)
host=${HOST_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build/host}   # this machine's build: faxsim, the far end
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
command -v "$qemu" >/dev/null || { echo "make test-board: $qemu is missing (make deps BOARD=...)" >&2; exit 2; }
[ -d "$sysroot/usr/lib" ] || { echo "make test-board: no sysroot at $sysroot (make deps BOARD=...)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-board-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
run="$qemu -L $sysroot"
board=$(basename "$(dirname "$board_conf")")

# SpanDSP alone first: a modem that fails here without faxgate's code is the platform's fault
# (the library's build or the emulator), and the tests that use it will fail for that reason.
ad=$(awk -F'\t' '$2 == "ad" && $3 == "en" { print $1; exit }' tests/data/texts/LABELS.tsv)
biz=$(awk -F'\t' '$2 == "legit" && $3 == "en" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$host/faxsim" render --res fine "tests/data/texts/$biz" "$tmp/biz.tif" >/dev/null
"$host/faxsim" render --res fine "tests/data/texts/$ad" "$tmp/ad.tif" >/dev/null
echo "== $board: SpanDSP's own modems, back to back under $qemu (no faxgate code) =="
modems=""
for m in v17 v29 v27ter; do
    if $run "$build/tools/spandsp_b2b" "$m" ecm "$tmp/biz.tif" "$tmp/b2b.tif"; then
        modems=${modems:+$modems,}$m
    fi
done
echo "modems that work here: ${modems:-none}"

echo
echo "== $board: unit tests under $qemu =="
FAXGATE_TESTS=unit FG_RUNNER="$run" tests/run.sh "$build" >"$tmp/unit.out" 2>&1
unit_rc=$?
cat "$tmp/unit.out"
unit_line=$(tail -1 "$tmp/unit.out")

echo
echo "== $board: real calls into faxgated under $qemu =="
FG_TAP_N=0 FG_TAP_FAILED=0
mkdir -p "$tmp/out"
# the far end offers only the modems SpanDSP carries on this platform
send_modems=()
[ -n "$modems" ] && [ "$modems" != v17,v29,v27ter ] && send_modems=(--modems "$modems") &&
    echo "# the calls use $modems only: the other modems failed in SpanDSP alone above"
# the board's own defaults, with only the line, the store, the spool and the printer moved here
cat >"$tmp/faxgate.conf" <<CONF
[line]
listen = audiosocket://127.0.0.1:0
[store]
db = $tmp/faxgate.db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = spool:$tmp/out
CONF
# fg_start_gateway runs BUILD/faxgated: a folder whose faxgated is the board's, under qemu
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexec %s %s/faxgated "$@"\n' "$run" "$build" >"$tmp/bin/faxgated"
chmod +x "$tmp/bin/faxgated"
t0=$(date +%s.%N)
fg_check "faxgated ($board) starts under $qemu with the board's defaults" \
    fg_start_gateway "$tmp/bin" "$tmp/faxgate.conf" "$tmp/faxgated.log"
t1=$(date +%s.%N)
sleep 1
idle=$(awk '/VmRSS/ { print $2 }' "/proc/$FG_GATEWAY_PID/status" 2>/dev/null)
version=$($run "$build/faxgated" --version 2>&1)
fg_check "…and says which board it is: $version" grep -q "(board $board)" <<<"$version"
db=$tmp/faxgate.db
c0=$(date +%s.%N)
id=$(fg_send_judged "$host" "$db" "$tmp/send-biz.log" BOARD-BIZ +15145550101 "${send_modems[@]}" "$tmp/biz.tif")
c1=$(date +%s.%N)
fg_check "a business fax is received and judged (call $id)" [ -n "$id" ]
v=$(fg_sql "$db" "SELECT verdict || ' ' || deliver_state || ' ' || pages FROM calls WHERE id = ${id:-0}")
fg_check "…delivered to the printer: $v" [ "${v%% *}" = deliver ]
for _ in $(seq 120); do [ -n "$(ls "$tmp/out"/*.pdf 2>/dev/null)" ] && break; sleep 0.5; done
fg_check "…and printed (a PDF in the spool printer's folder)" [ -n "$(ls "$tmp/out"/*.pdf 2>/dev/null)" ]
words=$(fg_sql "$db" "SELECT length(text) FROM calls WHERE id = ${id:-0}" 2>/dev/null)
id2=$(fg_send_judged "$host" "$db" "$tmp/send-ad.log" BOARD-AD +15145550102 "${send_modems[@]}" "$tmp/ad.tif")
fg_check "an ad is received and judged (call $id2)" [ -n "$id2" ]
v2=$(fg_sql "$db" "SELECT verdict || ' (' || score || ')' FROM calls WHERE id = ${id2:-0}")
fg_check "…and kept off the printer: $v2" grep -qE '^(hold|drop) ' <<<"$v2"
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$FG_GATEWAY_PID/status" 2>/dev/null)
lat=$(fg_sql "$db" "SELECT ms_total FROM calls WHERE id = ${id:-0}")
fg_check "faxgated is still running after both calls" kill -0 "$FG_GATEWAY_PID"
fg_cleanup

# the same configuration on this machine's own build, for the emulator's share of the memory: the
# board's defaults given as a file (this build embeds the host's), the test's paths after them
cat "$board_conf" "$tmp/faxgate.conf" >"$tmp/native.conf"
fg_start_gateway "$host" "$tmp/native.conf" "$tmp/native.log" >/dev/null 2>&1 || true
sleep 1
native_idle=$(awk '/VmRSS/ { print $2 }' "/proc/$FG_GATEWAY_PID/status" 2>/dev/null)
fg_cleanup

echo
echo "== $board: figures =="
printf '%-12s %10s %10s %10s %10s\n' program file text data bss
for p in faxgated faxgatectl faxsim; do
    read -r text data bss _ < <(size "$build/$p" | tail -1)
    printf '%-12s %9sK %9sK %9sK %9sK\n' "$p" $(($(stat -c %s "$build/$p") / 1024)) $((text / 1024)) $((data / 1024)) $((bss / 1024))
done
stripped=$(mktemp "$tmp/strip-XXXXXX")
objcopy --strip-all "$build/faxgated" "$stripped" 2>/dev/null && echo "faxgated stripped: $(($(stat -c %s "$stripped") / 1024)) KiB"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "start-up under qemu (exec -> ready line):   %.0f ms\n", (b - a) * 1000 }'
echo "faxgated RSS under qemu, idle:              ${idle:-?} KiB (emulator included)"
echo "faxgated peak RSS under qemu (2 calls):     ${hwm:-?} KiB (emulator included)"
echo "same configuration, this machine's build:   ${native_idle:-?} KiB idle"
awk -v a="$c0" -v b="$c1" -v l="${lat:-0}" 'BEGIN { printf "business call under qemu: %.1f s end to end; end of page 1 -> verdict %d ms\n", b - a, l }'
echo "unit tests under qemu: $unit_line"
[ "$unit_rc" -eq 0 ] || echo "not ok - unit tests under qemu failed"
p=$((FG_TAP_N - FG_TAP_FAILED))
f=$FG_TAP_FAILED
set -- $unit_line
p=$((p + ${1:-0})); f=$((f + ${3:-0}))
[ "$unit_rc" -ne 0 ] && [ "${3:-0}" -eq 0 ] && f=$((f + 1))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]

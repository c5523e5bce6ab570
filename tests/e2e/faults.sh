#!/usr/bin/env bash
# The gateway's own storage failing under it (#14 item 6): a full disk under the spool or the
# store, a read-only store, the spool folder removed while it runs. Each time a legitimate fax is
# delivered (fail open) or the call is refused before it is answered, the gateway says so at
# error level, and no fax its sender was told arrived is lost. Needs root (tmpfs and read-only
# bind mounts, made and removed here). Printer: spool:DIR. Prints TAP.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-faults-XXXXXX")
MNTS=()
cleanup() {
    local i
    fg_cleanup
    for ((i = ${#MNTS[@]} - 1; i >= 0; i--)); do umount "${MNTS[i]}" 2>/dev/null; done
    if [ "$FG_TAP_FAILED" -eq 0 ] && [ -z "${FAXGATE_KEEP:-}" ]; then rm -rf "$tmp"; else echo "# kept for inspection: $tmp"; fi
}
trap cleanup EXIT
faxsim=$build/faxsim
ctl=$build/faxgatectl

if [ "$(id -u)" != 0 ]; then
    fg_skip "storage faults (full disk, read-only store, spool removed)" "needs root for tmpfs and bind mounts"
    fg_tap_end
    exit $?
fi

mkdir -p "$tmp/probe"
if ! mount -t tmpfs -o size=1m faxgate-test "$tmp/probe" 2>"$tmp/probe.err"; then
    fg_skip "storage faults (full disk, read-only store, spool removed)" "cannot mount a tmpfs here: $(head -1 "$tmp/probe.err")"
    fg_tap_end
    exit $?
fi
umount "$tmp/probe"

# --- fixtures: two business fax pages rendered from the labelled texts ---
n=0
for f in $(awk -F'\t' '$1 !~ /^#/ && $2 == "legit" && $3 == "en" && $7 == "tune" { print $1 }' \
    tests/data/texts/LABELS.tsv | sort | head -n 2); do
    "$faxsim" render --seed "$n" "tests/data/texts/$f" "$tmp/page$n.tif" >"$tmp/render-$n.log" 2>&1 && n=$((n + 1))
done
fg_check "rendered 2 business fax pages ($n)" [ "$n" -eq 2 ]

# conf DIR STORE SPOOL MIN_FREE_MB: a configuration in DIR with the store and spool where given
conf() {
    cat >"$1/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
max_calls = 8
stop_grace_seconds = 5
[store]
db = $2/faxgate.db
[spool]
dir = $3
min_free_mb = $4
[printer]
uri = spool:$1/out
retry_seconds = 1
[ocr]
workers = 1
[control]
socket = $1/control.sock
EOF
    mkdir -p "$1/out"
}

# tmpfs DIR SIZE: a small file system of its own, removed at the end
tmpfs() {
    mkdir -p "$1" && mount -t tmpfs -o "size=$2" faxgate-test "$1" && MNTS+=("$1")
}

# fill DIR [KEEP_KB]: fills DIR's file system, leaving about KEEP_KB free (0)
fill() {
    [ "${2:-0}" -gt 0 ] && head -c "$(($2 * 1024))" /dev/zero >"$1/.keep"
    dd if=/dev/zero of="$1/.fill" bs=4k status=none 2>/dev/null
    rm -f "$1/.keep"
}

# send TSI LOG FILE...: one call into the running gateway; faxsim's last line in LOG
send() {
    local tsi=$1 log=$2
    shift 2
    "$faxsim" send --line "$FG_LINE" --tsi "$tsi" --caller-id "+15550100" "$@" >"$log" 2>&1
}

# told LOG: how many pages the sender was told arrived
told() { sed -n 's/.*sent \([0-9]*\) of [0-9]* page.*/\1/p' "$1" | tail -1; }

# sound DIR: integrity_check and the evidence chain, every page file read back against its hash
sound() {
    [ "$(fg_sql "$2" "PRAGMA integrity_check")" = ok ] && "$ctl" --config "$1/faxgate.conf" evidence verify >"$1/verify.out" 2>&1
}

# pdfs DIR ID: PDFs the spool printer holds for call ID
pdfs() { ls "$1/out" 2>/dev/null | grep -cE "^faxgate_call_$2(-[0-9]+)?\.pdf$"; }

# ---------------------------------------------------------------------------------------------
# 1. The spool's file system full: below min_free_mb the call is refused before it is answered;
#    with min_free_mb = 0 a page that cannot be written is not confirmed to its sender.
a=$tmp/spoolfull
mkdir -p "$a/store"
tmpfs "$a/spool" 8m || { fg_not_ok "mount a tmpfs for the spool"; fg_tap_end; exit 1; }
conf "$a" "$a/store" "$a/spool" 1
fg_start_gateway "$build" "$a/faxgate.conf" "$a/gw.log" || { fg_not_ok "faxgated starts"; fg_tap_end; exit 1; }
fill "$a/spool"
send "FULL SPOOL" "$a/send-1.log" "$tmp/page0.tif"
fg_check "spool full: the call is refused ($(tail -1 "$a/send-1.log"))" [ "$(told "$a/send-1.log")" = 0 ]
fg_wait_sql "$a/store/faxgate.db" 10 "SELECT count(*) FROM calls WHERE state = 'rejected' AND deliver_state = 'refused' AND result LIKE '%refused before answer: spool has 0 MiB free%'" 1
fg_check "…before it is answered, recorded with the reason: $(fg_sql "$a/store/faxgate.db" "SELECT result FROM calls ORDER BY id DESC LIMIT 1")" \
    [ "$(fg_sql "$a/store/faxgate.db" "SELECT count(*) FROM calls WHERE state = 'rejected' AND tsi IS NULL AND pages = 0")" = 1 ]
fg_check "…and logged at error level" grep -q "faxgated error: refusing a call from .* before answering it: spool has 0 MiB free" "$a/gw.log"
# a page refused by the disk in the middle of a call: nothing confirmed that is not in the file
rm -f "$a/spool/.fill"
fg_stop_pid "$FG_GATEWAY_PID"
conf "$a" "$a/store" "$a/spool" 0
fg_start_gateway "$build" "$a/faxgate.conf" "$a/gw-2.log" || fg_not_ok "faxgated restarts with min_free_mb = 0"
fill "$a/spool" 12
send "SPOOL FILLS" "$a/send-2.log" "$tmp/page0.tif" "$tmp/page1.tif"
fg_wait_sql "$a/store/faxgate.db" 30 "SELECT count(*) FROM calls WHERE tsi = 'SPOOL FILLS' AND state <> 'receiving'" 1
row=$(fg_sql "$a/store/faxgate.db" "SELECT state || '|' || confirmed || '|' || coalesce(deliver_state, '-') FROM calls WHERE tsi = 'SPOOL FILLS'")
fg_check "spool filling during a call: the sender was not told both pages arrived ($(tail -1 "$a/send-2.log"); store: $row)" \
    [ "$(told "$a/send-2.log")" -lt 2 ] 2>/dev/null
fg_check "…the store confirmed exactly what the sender was told ($(told "$a/send-2.log"))" \
    [ "$(echo "$row" | cut -d'|' -f2)" = "$(told "$a/send-2.log")" ]
fg_check "…and recorded the call failed, what was received kept, not printed (the sender sends it again): $(fg_sql "$a/store/faxgate.db" "SELECT result FROM calls WHERE tsi = 'SPOOL FILLS'")" \
    bash -c "echo '$row' | grep -qE '^failed\|[0-9]\|(kept|none)$'"
fg_check "…the unwritten page was refused at error level: $(grep -o 'page [0-9] could not be made durable: .*' "$a/gw-2.log" | head -1 | cut -c1-150)" \
    grep -q "faxgated error: .*page [0-9]* could not be made durable" "$a/gw-2.log"
rm -f "$a/spool/.fill"
send "SPACE AGAIN" "$a/send-3.log" "$tmp/page0.tif"
fg_wait_sql "$a/store/faxgate.db" 30 "SELECT printed FROM calls WHERE tsi = 'SPACE AGAIN'" 1
fg_check "…with space again the next fax is received and printed ($(tail -1 "$a/send-3.log"))" \
    [ "$(fg_sql "$a/store/faxgate.db" "SELECT printed FROM calls WHERE tsi = 'SPACE AGAIN'")" = 1 ]
fg_check "…and the store is sound: integrity_check ok, every page file read back against its hash" sound "$a" "$a/store/faxgate.db"
fg_stop_pid "$FG_GATEWAY_PID"

# ---------------------------------------------------------------------------------------------
# 2. The store's file system full: refused before answering below min_free_mb; a fax confirmed
#    to its sender whose end the store cannot record is printed all the same (fail open) and
#    recorded, printed once, when the store has space again.
b=$tmp/storefull
mkdir -p "$b/spool"
tmpfs "$b/store" 16m || fg_not_ok "mount a tmpfs for the store"
conf "$b" "$b/store" "$b/spool" 1
fg_start_gateway "$build" "$b/faxgate.conf" "$b/gw.log" || fg_not_ok "faxgated starts"
fill "$b/store"
send "FULL STORE" "$b/send-1.log" "$tmp/page0.tif"
fg_check "store full: the call is refused ($(tail -1 "$b/send-1.log"))" [ "$(told "$b/send-1.log")" = 0 ]
for _ in $(seq 50); do grep -q "before answering it: the store's folder has 0 MiB free" "$b/gw.log" && break; sleep 0.1; done
fg_check "…before it is answered, logged at error level: $(grep -o 'refusing a call.*' "$b/gw.log" | head -1 | cut -c1-140)" \
    grep -q "faxgated error: refusing a call from .* before answering it: the store's folder has 0 MiB free" "$b/gw.log"
fg_check "…and no page of it was received (nothing in the spool)" [ -z "$(ls "$b/spool/rx")" ]
rm -f "$b/store/.fill"
fg_stop_pid "$FG_GATEWAY_PID"
conf "$b" "$b/store" "$b/spool" 0
fg_start_gateway "$build" "$b/faxgate.conf" "$b/gw-2.log" || fg_not_ok "faxgated restarts with min_free_mb = 0"
# four faxes at once with one OCR worker: the last verdicts come a second or more after the
# senders hang up; the disk fills meanwhile, so the store cannot record those calls' ends
senders=()
for k in 1 2 3 4; do
    send "FAIL OPEN $k" "$b/send-fo-$k.log" "$tmp/page$((k % 2)).tif" &
    senders+=($!)
done
wait "${senders[@]}"
fill "$b/store"
for _ in $(seq 100); do grep -q "outside the print queue" "$b/gw-2.log" && break; sleep 0.1; done
told_all=$(cat "$b"/send-fo-*.log | grep -cE 'sent 1 of 1')
fg_check "fail open: the 4 senders were told their fax arrived ($told_all)" [ "$told_all" = 4 ]
fg_check "…the store could not record the end of at least one: $(grep -o 'call [0-9]*: cannot record the call: store .*: disk full' "$b/gw-2.log" | head -1)" \
    grep -q "faxgated error: call [0-9]*: cannot record the call: .*disk full" "$b/gw-2.log"
fg_check "…which was printed outside the print queue all the same, said at error level: $(grep -o 'call [0-9]* printed on .* outside the print queue' "$b/gw-2.log" | head -1)" \
    bash -c "grep -q 'faxgated error: call [0-9]*: the store cannot queue it for printing: printing it now' '$b/gw-2.log' &&
        grep -q 'printed on spool:.* outside the print queue' '$b/gw-2.log'"
sleep 1
rm -f "$b/store/.fill"
fg_wait_sql "$b/store/faxgate.db" 30 "SELECT count(*) FROM calls WHERE tsi LIKE 'FAIL OPEN %' AND state = 'received' AND printed = 1" 4
fg_check "…with space again every one is recorded received and printed: $(fg_sql "$b/store/faxgate.db" "SELECT group_concat(id || ' ' || state || ' ' || deliver_state, ', ') FROM calls WHERE tsi LIKE 'FAIL OPEN %'")" \
    [ "$(fg_sql "$b/store/faxgate.db" "SELECT count(*) FROM calls WHERE tsi LIKE 'FAIL OPEN %' AND state = 'received' AND printed = 1")" = 4 ]
fg_check "…the late ones said so: $(grep -o 'call [0-9]* recorded in the store at last.*' "$b/gw-2.log" | head -1)" \
    grep -q "recorded in the store at last (try [0-9]*), as printed" "$b/gw-2.log"
once=0
for id in $(fg_sql "$b/store/faxgate.db" "SELECT id FROM calls WHERE tsi LIKE 'FAIL OPEN %'"); do [ "$(pdfs "$b" "$id")" = 1 ] && once=$((once + 1)); done
sleep 2   # a print job queued by mistake would be printed by now
fg_check "…each printed exactly once ($once of 4 with one PDF, $(ls "$b/out" | wc -l) PDFs; print jobs left: $(fg_sql "$b/store/faxgate.db" "SELECT count(*) FROM deliveries WHERE state <> 'done'"))" \
    [ "$once|$(ls "$b/out" | wc -l)|$(fg_sql "$b/store/faxgate.db" "SELECT count(*) FROM deliveries WHERE state <> 'done'")" = "4|4|0" ]
fg_check "…and the store is sound (integrity_check, evidence chain, page files)" sound "$b" "$b/store/faxgate.db"
fg_stop_pid "$FG_GATEWAY_PID"

# ---------------------------------------------------------------------------------------------
# 3. A read-only store (its folder bind-mounted read-only: chmod does not stop root). Made
#    read-only under a running faxgated (whose open files keep writing to the file system beneath)
#    and then restarted, SQLite opens it read-only: said at start, and every call refused before
#    it is answered, no page received for nothing. A read-only store SQLite cannot open at all
#    (no write-ahead log left to read from): faxgated does not start, and says why.
c=$tmp/readonly
mkdir -p "$c/store" "$c/spool"
conf "$c" "$c/store" "$c/spool" 1
fg_start_gateway "$build" "$c/faxgate.conf" "$c/gw.log" && send "BEFORE RO" "$c/send-0.log" "$tmp/page0.tif"
fg_wait_sql "$c/store/faxgate.db" 30 "SELECT printed FROM calls WHERE tsi = 'BEFORE RO'" 1
if mount --bind "$c/store" "$c/store" && MNTS+=("$c/store") && mount -o remount,ro,bind "$c/store"; then
    fg_check "the store's folder is read-only, even for root" bash -c "! touch '$c/store/x' 2>/dev/null"
    fg_stop_pid "$FG_GATEWAY_PID"   # its write-ahead log stays: it cannot remove it through the mount
    if fg_start_gateway "$build" "$c/faxgate.conf" "$c/gw-ro.log"; then
        fg_check "read-only store: faxgated says so at start, at error level" \
            grep -q "faxgated error: store .*: opened read-only .*every call will be refused before it is answered" "$c/gw-ro.log"
        send "READ ONLY" "$c/send-1.log" "$tmp/page0.tif"
        fg_check "…a call is refused ($(tail -1 "$c/send-1.log"))" [ "$(told "$c/send-1.log")" = 0 ]
        for _ in $(seq 50); do grep -q "the store cannot record it" "$c/gw-ro.log" && break; sleep 0.1; done
        fg_check "…before it is answered, at error level: $(grep -o 'refusing a call.*' "$c/gw-ro.log" | head -1 | cut -c1-160)" \
            grep -q "faxgated error: refusing a call from .* before answering it: the store cannot record it" "$c/gw-ro.log"
        fg_check "…no page of it received or left in the spool (rx: $(ls "$c/spool/rx" | wc -l) files)" [ -z "$(ls "$c/spool/rx")" ]
        fg_stop_pid "$FG_GATEWAY_PID"
    else
        fg_not_ok "faxgated starts on a read-only store it can read (and refuses calls)"
    fi
    umount "$c/store" && unset 'MNTS[${#MNTS[@]}-1]'
    # the same store cleanly closed (no write-ahead log), then read-only
    fg_start_gateway "$build" "$c/faxgate.conf" "$c/gw-rw.log" && fg_stop_pid "$FG_GATEWAY_PID"
    mount --bind "$c/store" "$c/store" && MNTS+=("$c/store") && mount -o remount,ro,bind "$c/store"
    "$build/faxgated" --config "$c/faxgate.conf" >"$c/gw-ro2.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { fg_stop_pid "$pid"; rc=running; } || { wait "$pid"; rc=$?; }
    fg_check "read-only store SQLite cannot open: faxgated does not start (exit $rc) and says why: $(grep -o 'store: .* read-only file system' "$c/gw-ro2.log" | head -1)" \
        bash -c "[ '$rc' = 1 ] && grep -q 'faxgated error: store: .* is on a read-only file system: faxgated answers no call' '$c/gw-ro2.log'"
    umount "$c/store" && unset 'MNTS[${#MNTS[@]}-1]'
    fg_start_gateway "$build" "$c/faxgate.conf" "$c/gw-rw2.log" && send "WRITABLE AGAIN" "$c/send-2.log" "$tmp/page0.tif"
    fg_wait_sql "$c/store/faxgate.db" 30 "SELECT printed FROM calls WHERE tsi = 'WRITABLE AGAIN'" 1
    fg_check "…writable again, the next fax is received and printed" \
        [ "$(fg_sql "$c/store/faxgate.db" "SELECT printed FROM calls WHERE tsi = 'WRITABLE AGAIN'")" = 1 ]
    fg_check "…and the store is sound (integrity_check, evidence chain, page files)" sound "$c" "$c/store/faxgate.db"
    fg_stop_pid "$FG_GATEWAY_PID"
else
    fg_stop_pid "$FG_GATEWAY_PID"
    fg_skip "a read-only store" "cannot bind-mount read-only here"
fi

# ---------------------------------------------------------------------------------------------
# 4. The spool folder removed while faxgated runs: made again before the next call (said at
#    error level), which is received and printed; removed during a call, the page whose file is
#    gone is not confirmed to its sender.
s=$tmp/vanish
mkdir -p "$s"
conf "$s" "$s" "$s/spool" 1
fg_start_gateway "$build" "$s/faxgate.conf" "$s/gw.log" || fg_not_ok "faxgated starts"
send "FIRST" "$s/send-1.log" "$tmp/page0.tif"
fg_wait_sql "$s/faxgate.db" 30 "SELECT printed FROM calls WHERE tsi = 'FIRST'" 1
rm -rf "$s/spool"
send "AFTER RM" "$s/send-2.log" "$tmp/page0.tif"
fg_wait_sql "$s/faxgate.db" 30 "SELECT printed FROM calls WHERE tsi = 'AFTER RM'" 1
fg_check "spool removed: the next fax is received and printed ($(tail -1 "$s/send-2.log"); $(fg_sql "$s/faxgate.db" "SELECT state || ', ' || deliver_state FROM calls WHERE tsi = 'AFTER RM'"))" \
    [ "$(fg_sql "$s/faxgate.db" "SELECT printed FROM calls WHERE tsi = 'AFTER RM'")" = 1 ]
fg_check "…the spool made again and said at error level" \
    bash -c "[ -d '$s/spool/rx' ] && grep -q 'faxgated error: spool .*: a folder of it had vanished' '$s/gw.log'"
# during a call at line pace (about 10 s to page 1's end, 8 more for page 2)
"$faxsim" send --realtime --line "$FG_LINE" --tsi "RM DURING" "$tmp/page0.tif" "$tmp/page1.tif" >"$s/send-3.log" 2>&1 &
sp=$!
fg_wait_sql "$s/faxgate.db" 40 "SELECT confirmed FROM calls WHERE tsi = 'RM DURING'" 1
rm -rf "$s/spool"
wait "$sp"
fg_wait_sql "$s/faxgate.db" 30 "SELECT count(*) FROM calls WHERE tsi = 'RM DURING' AND state <> 'receiving'" 1
fg_check "spool removed during a call: the page written to the removed file is not confirmed ($(tail -1 "$s/send-3.log"))" \
    [ "$(told "$s/send-3.log")" = 1 ]
fg_check "…said at error level: $(grep -o 'page 2 could not be made durable: [^(]*' "$s/gw.log" | head -1)" \
    grep -qE "faxgated error: .*page 2 could not be made durable: .*(is gone|No such file)" "$s/gw.log"
fg_check "…and the call is recorded failed with what is known: $(fg_sql "$s/faxgate.db" "SELECT state || ', ' || confirmed || ' confirmed: ' || result FROM calls WHERE tsi = 'RM DURING'")" \
    [ "$(fg_sql "$s/faxgate.db" "SELECT state || confirmed FROM calls WHERE tsi = 'RM DURING'")" = failed1 ]
fg_check "faxgated kept running" kill -0 "$FG_GATEWAY_PID"
fg_stop_pid "$FG_GATEWAY_PID"
fg_tap_end

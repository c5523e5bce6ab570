#!/usr/bin/env bash
# Bad input against the real programs: each gets a clear error, nothing is lost, the gateway
# keeps answering. Prints TAP.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-robust-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db

# --- a corrupt configuration is refused with file:line, before anything starts ---
printf '[line]\nlisten = audiosocket://127.0.0.1:9092\nmax_calls = many\n' >"$tmp/bad.conf"
"$build/faxgated" --config "$tmp/bad.conf" >"$tmp/bad.out" 2>&1
rc=$?
fg_check "faxgated refuses a corrupt config (exit $rc)" [ "$rc" -eq 2 ]
fg_check "…saying where and what: $(head -1 "$tmp/bad.out")" grep -q "bad.conf:3: \[line\] max_calls = 'many': expected a whole number" "$tmp/bad.out"
head -c 3000 /dev/urandom >"$tmp/binary.conf"
"$build/faxgated" --config "$tmp/binary.conf" >"$tmp/bin.out" 2>&1
rc=$?
fg_check "faxgated refuses a binary file as config (exit $rc): $(head -1 "$tmp/bin.out")" [ "$rc" -eq 2 ]

# --- hostile files to faxgatectl scan ---
printf 'II*\0\x08\0\0\0' >"$tmp/truncated.tif"
head -c 100000 /dev/urandom >"$tmp/random.tif"
legit=$(awk -F'\t' '$2 == "legit" && $3 == "en" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$faxsim" render "tests/data/texts/$legit" "$tmp/good.tif" >"$tmp/render.log" 2>&1
fg_check "rendered a business fax fixture ($legit)" [ -s "$tmp/good.tif" ]
head -c 3000 "$tmp/good.tif" >"$tmp/cut.tif"
printf '[store]\ndb = %s/scan.db\n' "$tmp" >"$tmp/scan.conf"
for f in truncated random cut; do
    "$build/faxgatectl" --config "$tmp/scan.conf" scan "$tmp/$f.tif" >"$tmp/$f.out" 2>&1
    rc=$?
    fg_check "scan of a $f TIFF fails cleanly (exit $rc): $(head -1 "$tmp/$f.out")" \
        [ "$rc" -ne 0 -a "$rc" -lt 128 ]
done
fg_check "…and a scan creates no store as a side effect" [ ! -e "$tmp/scan.db" ]
head -c 200000 /dev/urandom | tr -c 'A-Za-z0-9 \n' ' ' >"$tmp/absurd.txt"
"$build/faxgatectl" --config "$tmp/scan.conf" --json classify --text "$tmp/absurd.txt" >"$tmp/absurd.json" 2>&1
fg_check "classify of 200 kB of absurd text gives a verdict" grep -q '"verdict"' "$tmp/absurd.json"

# --- the gateway: garbage on the line, a call over capacity, a full spool ---
{
    fg_local_conf "$db" "$tmp" "$tmp/out"
    cat <<EOF
[line]
listen = audiosocket://127.0.0.1:0
max_calls = 4
[screen]
reject_empty_tsi = yes
EOF
} >"$tmp/faxgate.conf"
mkdir -p "$tmp/out"
if ! fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"; then
    fg_not_ok "faxgated starts"
    fg_tap_end
    exit 1
fi
port=${FG_LINE##*:}
# Garbage on the line, each payload a file (a child shell cannot open the parent's process
# substitutions), each with the reason faxgated must give for dropping it:
#   an audio header announcing 65535 bytes (odd: not slin), a UUID then an audio message of 3 bytes,
#   a UUID message of 3 bytes, an error message from the far end, and random bytes.
printf '\x10\xff\xff\x01\x02' >"$tmp/p1.bin"
printf '\x01\x00\x10AAAAAAAAAAAAAAAA\x10\x00\x03abc' >"$tmp/p2.bin"
printf '\x01\x00\x03abc' >"$tmp/p3.bin"
printf '\xff\x00\x01\x05' >"$tmp/p4.bin"
head -c 5000 /dev/urandom >"$tmp/p5.bin"
reasons=("audio message of 65535 bytes: slin samples are 2 bytes" "audio message of 3 bytes: slin samples are 2 bytes"
    "UUID message of 3 bytes" "the far end reported an error (code 0x05)" "")
sent=0
for k in 1 2 3 4 5; do
    before=$(grep -c "closed before any audio\|AudioSocket" "$tmp/faxgated.log")
    if timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat '$tmp/p$k.bin' >&3; sleep 0.3" 2>"$tmp/p$k.err"; then
        sent=$((sent + 1))
    else
        echo "# payload $k not sent: $(cat "$tmp/p$k.err")"
    fi
    want=${reasons[k - 1]}
    [ -n "$want" ] || continue
    for _ in $(seq 20); do grep -qF "$want" "$tmp/faxgated.log" && break; sleep 0.1; done
    fg_check "garbage payload $k is dropped with its reason: $want" grep -qF "$want" "$tmp/faxgated.log"
done
fg_check "all 5 garbage payloads reached faxgated ($sent sent)" [ "$sent" -eq 5 ]
# payload 2 named a call (its UUID) before its broken audio: a call, recorded as failed with the
# reason; the others named none (a probe, not a call) and leave no row
broken_call() {
    for _ in $(seq 30); do
        [ "$(fg_sql "$db" "SELECT count(*) || '|' || sum(state = 'failed' AND pages = 0 AND result LIKE 'ended before any audio, no page received: %slin samples are 2 bytes%') FROM calls")" = "1|1" ] && return 0
        sleep 0.1
    done
    return 1
}
fg_check "…the one that named a call is recorded as failed before any audio, the 4 others leave no row" broken_call
sleep 0.5
fg_check "faxgated survives garbage AudioSocket frames" kill -0 "$FG_GATEWAY_PID"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "AFTER GARBAGE" "$tmp/good.tif" >"$tmp/send.log" 2>&1
fg_check "…and a real call afterwards is received" [ $? -eq 0 ]
for _ in $(seq 200); do [ "$(fg_sql "$db" "SELECT printed FROM calls WHERE tsi = 'AFTER GARBAGE'")" = 1 ] && break; sleep 0.2; done
fg_check "…judged and delivered to the spool printer (spool:DIR)" [ -n "$(ls "$tmp/out"/*.pdf 2>/dev/null)" ]

# [screen] reject_empty_tsi: a sender without a TSI is refused in phase B, before any page
"$faxsim" send --quiet --line "$FG_LINE" "$tmp/good.tif" >"$tmp/send-notsi.log" 2>&1
fg_check "a call without TSI is refused (reject_empty_tsi = yes)" [ $? -ne 0 ]
for _ in $(seq 100); do [ -n "$(fg_sql "$db" "SELECT id FROM calls WHERE state = 'rejected'")" ] && break; sleep 0.1; done
fg_check "…recorded as rejected, no page, with the reason" \
    [ "$(fg_sql "$db" "SELECT pages || ',' || (result LIKE '%empty TSI%') FROM calls WHERE state = 'rejected'")" = "0,1" ]

# Over capacity: with max_calls = 1 and one call in progress, a second call is refused before
# it is answered, and the refusal is recorded; the first call goes on.
fg_stop_pid "$FG_GATEWAY_PID"
sed -i 's/^max_calls = 4$/max_calls = 1/' "$tmp/faxgate.conf"
fg_check "faxgated restarts with max_calls = 1" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated-cap.log"
"$faxsim" send --realtime --line "$FG_LINE" --tsi "FIRST CALL" "$tmp/good.tif" >"$tmp/send-first.log" 2>&1 &
first=$!
for _ in $(seq 100); do [ "$(fg_sql "$db" "SELECT count(*) FROM calls WHERE state = 'receiving'")" = 1 ] && break; sleep 0.1; done
"$faxsim" send --line "$FG_LINE" --tsi "OVER CAPACITY" "$tmp/good.tif" >"$tmp/send-over.log" 2>&1
rc=$?
fg_check "a call over max_calls is refused (faxsim exit $rc: $(tail -1 "$tmp/send-over.log"))" [ "$rc" -ne 0 ]
over() { [ "$(fg_sql "$db" "SELECT count(*) FROM calls WHERE state = 'rejected' AND deliver_state = 'refused' AND pages = 0 AND result LIKE '%[line] max_calls%'")" = 1 ]; }
for _ in $(seq 50); do over && break; sleep 0.1; done
fg_check "…before answering, recorded with the reason: $(fg_sql "$db" "SELECT result FROM calls WHERE result LIKE '%max_calls%'")" over
wait "$first"
rc=$?
fg_check "…while the call in progress goes on and is received (exit $rc: $(tail -1 "$tmp/send-first.log"))" [ "$rc" -eq 0 ]

# A full spool: calls are refused (the sender retries later) and the refusal is recorded.
fg_stop_pid "$FG_GATEWAY_PID"
sed -i 's/^min_free_mb = 1$/min_free_mb = 1048576/' "$tmp/faxgate.conf"
fg_check "faxgated restarts with min_free_mb above the free space" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated2.log"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "DISK FULL" "$tmp/good.tif" >"$tmp/send-full.log" 2>&1
fg_check "with the spool below min_free_mb the call is refused (sender sees a failure)" [ $? -ne 0 ]
# the gateway records a refusal just after hanging up: the sender may see the hang-up first
refused() { [ "$(fg_sql "$db" "SELECT count(*) FROM calls WHERE deliver_state = 'refused' AND state = 'rejected' AND result LIKE '%min_free_mb%'")" -ge 1 ]; }
for _ in $(seq 50); do refused && break; sleep 0.1; done
fg_check "…and the refusal is logged with the reason" grep -q "below \[spool\] min_free_mb" "$tmp/faxgated2.log"
fg_check "…and recorded in the store with the reason" refused
fg_tap_end

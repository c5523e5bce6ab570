#!/usr/bin/env bash
# The print queue against a real IPP Everywhere printer (ippeveprinter), with the real daemon:
#   1. a printer that refuses every job for good (it takes neither PDF nor PWG raster) is retried
#      ten times more slowly than one that is down; the job is kept, and printed exactly once
#      when the printer is fixed;
#   2. a print claim left by a process that died (older than 10 minutes) is taken back and the
#      fax printed once; a young claim (its owner may still be printing) is left alone.
# Prints TAP.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-delivery-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db

legit=$(awk -F'\t' '$2 == "legit" && $3 == "en" && $7 == "tune" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$faxsim" render "tests/data/texts/$legit" "$tmp/good.tif" >"$tmp/render.log" 2>&1
fg_check "rendered a business fax ($legit)" [ -s "$tmp/good.tif" ]
if ! fg_start_dnssd; then
    fg_skip "the print queue against a real IPP printer" "DNS-SD (D-Bus + avahi) unavailable: run as root"
    fg_tap_end
    exit $?
fi
pport=$(fg_free_port)
fg_check "ippeveprinter answers, taking only JPEG (no PDF, no PWG raster)" \
    fg_start_printer "$pport" "$tmp/printer" image/jpeg
cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
[store]
db = $db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = ipp://localhost:$pport/ipp/print
retry_seconds = 1
[ocr]
workers = 1
EOF
copies() { ls "$tmp/printer" | grep -v '\.prn$' | grep -c -- "-faxgate_call_$1\.[a-z]*$"; }
wait_sql() { fg_wait_sql "$db" "$@"; }   # wait_sql SECONDS SQL EXPECTED

# --- 1. refused for good ---
fg_check "faxgated starts" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
"$faxsim" send --line "$FG_LINE" --tsi "REFUSED" "$tmp/good.tif" >"$tmp/send1.log" 2>&1
fg_check "the fax is received ($(tail -1 "$tmp/send1.log"))" grep -q "sent 1 of 1" "$tmp/send1.log"
fg_check "the printer refuses the job, for good" wait_sql 60 \
    "SELECT d.attempts >= 1 AND d.last_error LIKE '%takes neither PDF nor PWG raster%' FROM deliveries d JOIN calls c ON c.id = d.call_id WHERE c.tsi = 'REFUSED'" 1
id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'REFUSED'")
sleep 6
attempts=$(fg_sql "$db" "SELECT attempts FROM deliveries WHERE call_id = $id")
fg_check "…and is retried 10x more slowly than a printer that is down: $attempts attempt(s) in 6 s at retry_seconds = 1" \
    [ "$attempts" -eq 1 ]
fg_check "…the job is kept: queued, not printed, its pages in the inbox" \
    [ "$(fg_sql "$db" "SELECT d.state || ',' || c.printed FROM deliveries d JOIN calls c ON c.id = d.call_id WHERE c.id = $id")" = "pending,0" -a -s "$tmp/spool/inbox/call-$id.tif" ]
fg_check "…and the log says the printer refused it" grep -q "printer refused the job" "$tmp/faxgated.log"
fg_stop_pid "$FG_PRINTER_PID"
fg_check "the printer is fixed (PDF and PWG raster)" fg_start_printer "$pport" "$tmp/printer"
fg_check "the fax is printed at the next try" wait_sql 30 "SELECT printed FROM calls WHERE id = $id" 1
sleep 2
fg_check "…exactly once ($(copies "$id") copy)" [ "$(copies "$id")" -eq 1 ]

# --- 2. claims left by a process that died ---
fg_stop_pid "$FG_PRINTER_PID"   # down: the next faxes wait in the queue
for t in STALE YOUNG; do
    "$faxsim" send --line "$FG_LINE" --tsi "$t" "$tmp/good.tif" >"$tmp/send-$t.log" 2>&1
done
fg_check "two more faxes received and queued while the printer is off" wait_sql 60 \
    "SELECT count(*) FROM deliveries d JOIN calls c ON c.id = d.call_id WHERE c.tsi IN ('STALE','YOUNG') AND d.state = 'pending'" 2
fg_stop_pid "$FG_GATEWAY_PID"
# `faxgatectl release` processes that died while printing: one 11 minutes ago, one a minute ago
fg_sql "$db" "UPDATE deliveries SET state = 'printing', attempts = attempts + 1, claimed_by = 'faxgatectl:99999',
    claimed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-660 seconds')
    WHERE call_id = (SELECT id FROM calls WHERE tsi = 'STALE')"
fg_sql "$db" "UPDATE deliveries SET state = 'printing', attempts = attempts + 1, claimed_by = 'faxgatectl:99998',
    claimed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-60 seconds')
    WHERE call_id = (SELECT id FROM calls WHERE tsi = 'YOUNG')"
fg_check "the printer is back" fg_start_printer "$pport" "$tmp/printer"
fg_check "faxgated restarts" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated2.log"
stale=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'STALE'")
young=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'YOUNG'")
fg_check "a claim abandoned 11 minutes ago is taken back and the fax printed" wait_sql 30 \
    "SELECT printed FROM calls WHERE id = $stale" 1
fg_check "…once ($(copies "$stale") copy), the abandoned claim logged" \
    bash -c "[ $(copies "$stale") -eq 1 ] && [ \$(sqlite3 '$db' \"SELECT count(*) FROM events WHERE call_id = $stale AND what LIKE '%faxgatectl:99999%abandoned%'\") -eq 1 ]"
sleep 3
fg_check "a claim a minute old is left to its owner: not printed by faxgated ($(copies "$young") copies)" \
    [ "$(fg_sql "$db" "SELECT state || ',' || claimed_by FROM deliveries WHERE call_id = $young")|$(copies "$young")" = "printing,faxgatectl:99998|0" ]
fg_stop_pid "$FG_GATEWAY_PID"
fg_tap_end

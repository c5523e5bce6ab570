#!/usr/bin/env bash
# Printing that real MFPs accept, with the real daemon and real printers on loopback:
#   1. a busy IPP Everywhere printer (ippeveprinter printing someone else's long job): three
#      business faxes wait for it, are sent when it is idle (not after a 30 s retry), each
#      followed to job-state completed and recorded, each printed once, every busy answer logged;
#      the paper follows the fax (Letter and A4 pages; PDF MediaBox and IPP media);
#   2. a job the printer aborts is sent again, logged, and recorded once completed;
#   3. a printer that is down: every attempt logged, retried at retry_seconds, printed once back;
#   4. a raw socket printer (socket://, port 9100 style) getting PDF, then PCL 5: the bytes a
#      real listening socket received are a valid PDF (pdfinfo) and well-formed PCL raster.
# Prints TAP.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-printing-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
labels=tests/data/texts/LABELS.tsv

# --- fixtures: three business faxes, two on Letter paper and one on A4 ---
mapfile -t legit < <(awk -F'\t' '$2 == "legit" && $3 == "en" && $7 == "tune" { print $1 }' "$labels" | sort | head -3)
papers=(letter a4 letter)
rendered=0
for i in 0 1 2; do
    "$faxsim" render --paper "${papers[i]}" --seed "$i" "tests/data/texts/${legit[i]}" "$tmp/fax-$i.tif" \
        >"$tmp/render-$i.log" 2>&1 && [ -s "$tmp/fax-$i.tif" ] && rendered=$((rendered + 1))
done
fg_check "rendered three business faxes, Letter, A4 and Letter ($rendered of 3)" [ "$rendered" -eq 3 ]

if ! fg_start_dnssd; then
    fg_skip "printing to a real IPP printer" "DNS-SD (D-Bus + avahi) unavailable: run as root"
    fg_tap_end
    exit $?
fi

# The printer's "engine": each job runs this command; a job lasts while $tmp/hold exists, and
# fails (ippeveprinter aborts it) once if $tmp/abort exists. While a job runs, ippeveprinter is
# processing and answers every new Print-Job server-error-busy, as an MFP printing a copy job.
cat >"$tmp/engine.sh" <<EOF
#!/bin/sh
while [ -e '$tmp/hold' ]; do sleep 0.05; done
if [ -e '$tmp/abort' ]; then rm -f '$tmp/abort'; exit 3; fi
exit 0
EOF
chmod +x "$tmp/engine.sh"
pport=$(fg_free_port)
start_printer() {
    mkdir -p "$tmp/printer"
    ippeveprinter -p "$pport" -n localhost -d "$tmp/printer" -k -c "$tmp/engine.sh" \
        -f application/pdf,image/pwg-raster "faxgate-busy-$pport" >>"$tmp/ippeveprinter.log" 2>&1 &
    FG_PRINTER_PID=$!
    FG_PIDS+=("$FG_PRINTER_PID")
    fg_wait_port "$pport" 20
}
fg_check "ippeveprinter answers on localhost:$pport" start_printer

conf() {   # conf URI RETRY [EXTRA]: the gateway's configuration
    cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
[store]
db = $db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = $1
retry_seconds = $2
${3:-}
[ocr]
workers = 1
EOF
}
wait_sql() { fg_wait_sql "$db" "$@"; }   # wait_sql SECONDS SQL EXPECTED
copies() { ls "$tmp/printer" | grep -c -- "-faxgate_call_$1\.pdf$"; }
now() { date +%s.%N; }

# --- 1. a busy printer ---
# someone's copy job keeps the printer busy
: >"$tmp/hold"
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >"$tmp/copy.pdf"
ipptool -tf "$tmp/copy.pdf" -d filetype=application/pdf "ipp://localhost:$pport/ipp/print" \
    /usr/share/cups/ipptool/print-job.test >"$tmp/ipptool.log" 2>&1
fg_check "someone else's job keeps the printer busy (ipptool Print-Job accepted)" grep -q PASS "$tmp/ipptool.log"
# default retry_seconds (30): a busy answer must not cost it
conf "ipp://localhost:$pport/ipp/print" 30
fg_check "faxgated starts (retry_seconds = 30)" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
for i in 0 1 2; do
    "$faxsim" send --quiet --line "$FG_LINE" --tsi "BUSY-$i" "$tmp/fax-$i.tif" >"$tmp/send-$i.log" 2>&1
done
fg_check "three business faxes received and judged deliver" wait_sql 120 \
    "SELECT count(*) FROM calls WHERE tsi LIKE 'BUSY-%' AND verdict = 'deliver'" 3
fg_check "…the printer answers busy, and that is logged with the call and attempt" \
    bash -c "for _ in \$(seq 100); do grep -q 'printer busy (attempt 1)' '$tmp/faxgated.log' && exit 0; sleep 0.1; done; exit 1"
sleep 3   # busy for a while longer: nothing may be printed or given up meanwhile
fg_check "…nothing printed while it is busy, all three still queued" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM calls c JOIN deliveries d ON d.call_id = c.id WHERE c.tsi LIKE 'BUSY-%' AND c.printed = 0 AND d.state <> 'done'")" = 3 ]
grep 'printer busy\|waiting for printer' "$tmp/faxgated.log" | head -3 | sed 's/^/# log: /'
idle_at=$(now)
rm -f "$tmp/hold"   # the copy job ends: the printer is idle
if wait_sql 60 "SELECT count(*) FROM calls WHERE tsi LIKE 'BUSY-%' AND printed = 1" 3; then
    secs=$(awk -v a="$idle_at" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    fg_ok "3 busy-printer faxes printed $secs s after the printer became idle"
else
    secs=999
    fg_not_ok "3 busy-printer faxes printed after the printer became idle"
fi
fg_check "…within a few seconds, not after a 30 s retry (< 15 s: $secs s)" \
    awk -v s="$secs" 'BEGIN { exit !(s < 15) }'
sleep 1
once=0
for i in 0 1 2; do
    id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'BUSY-$i'")
    n=$(copies "$id")
    [ "$n" -eq 1 ] && once=$((once + 1)) || echo "# call $id printed $n times"
done
fg_check "…each exactly once ($once of 3)" [ "$once" -eq 3 ]
fg_check "…each followed to job-state completed and recorded with its job id and time" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM deliveries d JOIN calls c ON c.id = d.call_id WHERE c.tsi LIKE 'BUSY-%' AND d.state = 'done' AND d.job_state = 'completed' AND d.job_id > 0 AND d.done_at IS NOT NULL")" = 3 ]
fg_check "…every busy answer is an attempt in the store and the log" \
    bash -c "[ \$(sqlite3 '$db' \"SELECT count(*) FROM events e JOIN calls c ON c.id = e.call_id WHERE c.tsi LIKE 'BUSY-%' AND e.what LIKE 'print attempt % put off: printer % is busy%'\") -eq \$(grep -c 'printer busy (attempt' '$tmp/faxgated.log') ]"
grep -E "call [0-9]+ (sent to|printed on)" "$tmp/faxgated.log" | head -6 | sed 's/^/# log: /'
sizes=""
for i in 0 1 2; do
    id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'BUSY-$i'")
    f=$(ls "$tmp/printer"/*-faxgate_call_"$id".pdf 2>/dev/null | head -1)
    sizes="$sizes $(pdfinfo "$f" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\).*/\1x\2/p')"
done
fg_check "the paper follows the fax: Letter, A4, Letter PDFs (${sizes# })" \
    [ "${sizes# }" = "612x792 595.276x841.89 612x792" ]
fg_stop_pid "$FG_GATEWAY_PID"

# --- 2. a job the printer aborts is sent again ---
conf "ipp://localhost:$pport/ipp/print" 2
fg_check "faxgated restarts (retry_seconds = 2)" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated2.log"
: >"$tmp/abort"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "ABORT" "$tmp/fax-1.tif" >"$tmp/send-abort.log" 2>&1
fg_check "a job the printer aborts is sent again and completes" wait_sql 60 \
    "SELECT c.printed || ',' || d.job_state || ',' || (d.attempts >= 2) FROM calls c JOIN deliveries d ON d.call_id = c.id WHERE c.tsi = 'ABORT'" "1,completed,1"
fg_check "…the abort is logged with its attempt" grep -q "was aborted by the printer.*(attempt 1); printing it again in 2 s" "$tmp/faxgated2.log"
id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'ABORT'")
fg_check "…and the job recorded is the completed one" \
    [ "$(fg_sql "$db" "SELECT job_id FROM deliveries WHERE call_id = $id")" = "$(ls "$tmp/printer" | sed -n "s/^0*\([0-9]*\)-faxgate_call_$id\.pdf$/\1/p" | sort -n | tail -1)" ]

# --- 3. a printer that is down ---
fg_stop_pid "$FG_PRINTER_PID"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "DOWN" "$tmp/fax-0.tif" >"$tmp/send-down.log" 2>&1
id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'DOWN'")
fg_check "a fax for a printer that is down waits, each attempt logged (attempts 1 and 2)" \
    bash -c "for _ in \$(seq 300); do grep -q 'call $id not printed yet (attempt 2)' '$tmp/faxgated2.log' && grep -q 'call $id not printed yet (attempt 1)' '$tmp/faxgated2.log' && exit 0; sleep 0.1; done; exit 1"
fg_check "the printer is back" start_printer
fg_check "…the fax is printed, completed" wait_sql 30 \
    "SELECT c.printed || ',' || d.job_state FROM calls c JOIN deliveries d ON d.call_id = c.id WHERE c.id = $id" "1,completed"
sleep 1
fg_check "…exactly one copy ($(copies "$id"))" [ "$(copies "$id")" -eq 1 ]
fg_stop_pid "$FG_GATEWAY_PID"

# --- 4. a raw socket printer (AppSocket / JetDirect) ---
sport=$(fg_free_port)
mkdir -p "$tmp/socket"
# a listening socket that keeps each connection's bytes in a file, as a 9100 port takes them
python3 -u - "$sport" "$tmp/socket" >"$tmp/socket.log" 2>&1 <<'EOF' &
import socket, sys
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(1)
print("listening", flush=True)
n = 0
while True:
    c, _ = s.accept()
    n += 1
    with open("%s/job-%d.part" % (out, n), "wb") as f:
        while True:
            b = c.recv(65536)
            if not b:
                break
            f.write(b)
    c.close()
    import os
    os.rename("%s/job-%d.part" % (out, n), "%s/job-%d.bin" % (out, n))
    print("job", n, flush=True)
EOF
FG_PIDS+=($!)
fg_check "a raw socket printer listens on 127.0.0.1:$sport" \
    bash -c "for _ in \$(seq 100); do grep -q listening '$tmp/socket.log' && exit 0; sleep 0.1; done; exit 1"
conf "socket://127.0.0.1:$sport" 2 "format = pdf"
fg_check "faxgated starts with socket://127.0.0.1:$sport, format = pdf" \
    fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated3.log"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "RAW-PDF" "$tmp/fax-0.tif" >"$tmp/send-raw1.log" 2>&1
fg_check "…the fax is printed and recorded as sent" wait_sql 60 \
    "SELECT c.printed || ',' || d.job_state FROM calls c JOIN deliveries d ON d.call_id = c.id WHERE c.tsi = 'RAW-PDF'" "1,sent"
pdf=$(ls -t "$tmp/socket"/job-*.bin 2>/dev/null | head -1)
fg_check "…the socket received a valid Letter PDF ($(pdfinfo "$pdf" 2>&1 | grep -E '^(Pages|Page size)' | tr -s ' ' | tr '\n' ' '))" \
    bash -c "pdfinfo '$pdf' | grep -q '^Page size: *612 x 792'"
fg_stop_pid "$FG_GATEWAY_PID"
rm -f "$tmp/socket"/job-*
conf "socket://127.0.0.1:$sport" 2 "format = pcl"
fg_check "faxgated restarts with format = pcl" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated4.log"
"$faxsim" send --quiet --line "$FG_LINE" --tsi "RAW-PCL" "$tmp/fax-1.tif" >"$tmp/send-raw2.log" 2>&1
fg_check "…the fax is printed and recorded as sent" wait_sql 60 \
    "SELECT c.printed || ',' || d.job_state FROM calls c JOIN deliveries d ON d.call_id = c.id WHERE c.tsi = 'RAW-PCL'" "1,sent"
pcl=$(ls -t "$tmp/socket"/job-*.bin 2>/dev/null | head -1)
# the structure a PCL 5 printer needs: reset, A4, 300 dpi raster rows in mode 2, form feed, reset
check=$(python3 - "$pcl" <<'EOF'
import re, sys
d = open(sys.argv[1], "rb").read()
ok = d.startswith(b"\x1b%-12345X\x1bE") and d.endswith(b"\x1bE\x1b%-12345X")
ok = ok and b"\x1b&l26A" in d and b"\x1b*t300R" in d and b"\x1b*b2M" in d and b"\x1b*r1A" in d
h = re.search(rb"\x1b\*r(\d+)T", d)
rows, i = 0, 0
for m in re.finditer(rb"\x1b\*b(\d+)W", d):
    if m.start() < i:
        continue
    rows += 1
    i = m.end() + int(m.group(1))
print("%s rows=%d height=%s ff=%d" % ("ok" if ok and h and rows == int(h.group(1)) else "bad", rows,
      h.group(1).decode() if h else "?", d.count(b"\x1b*rC\x0c")))
EOF
)
fg_check "…the socket received PCL 5 raster on A4, every row there ($check)" bash -c "[[ '$check' == ok* ]]"
fg_stop_pid "$FG_GATEWAY_PID"
errors=$(cat "$tmp"/faxgated*.log | grep ' faxgated error: ')
[ -n "$errors" ] && echo "$errors" | head -10 | sed 's/^/# /'
fg_check "no error in the gateway logs" [ -z "$errors" ]
fg_tap_end

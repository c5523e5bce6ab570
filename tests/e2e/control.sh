#!/usr/bin/env bash
# The control socket with the real daemon and a real fax call at line pace (faxsim --realtime),
# on loopback. Prints TAP.
#   1. `faxgatectl status` while a two-page call is in progress: the call with its line type,
#      phase, pages so far, TSI and caller ID; the print queue, the outgoing queue, the printer
#   2. `faxgatectl reload` and SIGHUP during that call: what was applied and what needs a restart
#      is said, a bad file changes nothing, and the call still completes and is printed
#   3. one gateway per store (a second faxgated refuses to start), a clear error when faxgated is
#      not running or left a stale socket
#   4. the printer's state from a real IPP printer (ippeveprinter): idle, then down
#   5. logging for the journal ("<6>" prefixes, chosen by $JOURNAL_STREAM) and sd_notify
#      (READY=1, STOPPING=1) as systemd's Type=notify expects them
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-control-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
ctl="$build/faxgatectl --config $tmp/faxgate.conf"
db=$tmp/faxgate.db
sock=$tmp/faxgate.db.sock

legit=$(awk -F'\t' '$2 == "legit" && $3 == "en" && $7 == "tune" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$faxsim" render "tests/data/texts/$legit" "$tmp/good.tif" >"$tmp/render.log" 2>&1
fg_check "rendered a business fax ($legit)" [ -s "$tmp/good.tif" ]
mkdir -p "$tmp/printed"
write_conf() {   # write_conf EXTRA-INI: the test's configuration, plus EXTRA-INI
    cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
[store]
db = $db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = spool:$tmp/printed
[ocr]
workers = 1
$1
EOF
}
write_conf ""
# jget JSON-FILE FILTER: one value from a saved answer (jq -r)
jget() { jq -r "$2" "$1" 2>/dev/null; }

# --- 1. status during a call ---
fg_check "faxgated starts" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
fg_check "it says where its control socket is ($sock, mode $(stat -c %a "$sock" 2>/dev/null))" \
    bash -c "grep -q 'control socket $sock' '$tmp/faxgated.log' && [ \"\$(stat -c %a '$sock')\" = 660 ]"
$ctl status >"$tmp/status0.txt" 2>&1
fg_check "faxgatectl status with no call: $(sed -n 3p "$tmp/status0.txt")" \
    bash -c "grep -q '^calls in progress: none' '$tmp/status0.txt' && grep -q '^outgoing queue: empty' '$tmp/status0.txt'"
$ctl status --json >"$tmp/status0.json" 2>&1
fg_check "status --json: the listener's real port, an empty outgoing list, the printer ready" \
    [ "$(jget "$tmp/status0.json" '[.daemon.listen, (.outgoing|length), .printer.state] | join(",")')" = "$FG_LINE,0,ready" ]

"$faxsim" send --realtime --line "$FG_LINE" --tsi "SLOW CALL" --caller-id "+13125550199" \
    "$tmp/good.tif" "$tmp/good.tif" >"$tmp/send.log" 2>&1 &
sender=$!
FG_PIDS+=("$sender")
# waits_for SECONDS JQ-CONDITION: polls status --json until the condition holds; keeps the answer
waits_for() {
    for _ in $(seq $(($1 * 2))); do
        $ctl status --json >"$tmp/status.json" 2>"$tmp/status.err"
        [ "$(jget "$tmp/status.json" "$2")" = true ] && return 0
        sleep 0.5
    done
    echo "# waited $1 s for $2; last answer:"; sed 's/^/#   /' "$tmp/status.json" "$tmp/status.err" | head -40
    return 1
}
call='.calls[] | select(.tsi == "SLOW CALL")'
fg_check "the call appears while in progress, receiving page 1 in phase C" \
    waits_for 40 "[$call | .phase == \"C\" and .activity == \"receiving page 1\" and .pages == 0] | any"
fg_check "…with its line type, caller ID and a call id from the store: $(jget "$tmp/status.json" "$call | \"\(.line_type) \(.caller_id) call \(.id)\"")" \
    [ "$(jget "$tmp/status.json" "$call | .line_type == \"audiosocket\" and .caller_id == \"+13125550199\" and .id > 0")" = true ]
fg_check "after page 1, pages so far = 1 and it is receiving page 2" \
    waits_for 60 "[$call | .pages == 1 and .activity == \"receiving page 2\"] | any"
$ctl status >"$tmp/status1.txt" 2>&1
row=$(grep 'SLOW CALL' "$tmp/status1.txt")
echo "# $row"
fg_check "the human table shows it: line, phase, pages, caller, TSI, what it does" \
    bash -c "echo '$row' | grep -qE '^ +[0-9]+ +audiosocket +C +1 +[0-9.]+ +\+13125550199 +SLOW CALL +receiving page 2'"
fg_check "the status shows the print queue and the printer" \
    bash -c "grep -q '^print queue: empty' '$tmp/status1.txt' && grep -q '^printer spool:$tmp/printed: ready' '$tmp/status1.txt'"

# --- 2. reload during the call ---
write_conf "[classify]
hold = 4.5"
sed -i 's/^\[line\]$/[line]\ncsi = RELOADED\nmax_calls = 1/' "$tmp/faxgate.conf"
$ctl reload >"$tmp/reload.txt" 2>&1
rc=$?
sed 's/^/#   /' "$tmp/reload.txt"
fg_check "faxgatectl reload during the call succeeds (exit $rc)" [ "$rc" -eq 0 ]
fg_check "…applies the judging threshold and the call limit" \
    bash -c "grep -q \"\\[classify\\] hold: '5' -> '4.5'\" '$tmp/reload.txt' && grep -q \"\\[line\\] max_calls: '32' -> '1'\" '$tmp/reload.txt'"
fg_check "…says the line's station id needs a restart, and nothing else does" \
    bash -c "[ \"\$(sed -n '/NOT applied/,\$p' '$tmp/reload.txt' | tail -n +2)\" = \"  [line] csi: 'faxgate' -> 'RELOADED'\" ]"
fg_check "…and says that lists need no reload (read from the store at every call)" grep -q "block and consent lists" "$tmp/reload.txt"
"$faxsim" send --line "$FG_LINE" --tsi "SECOND" "$tmp/good.tif" >"$tmp/send2.log" 2>&1
rc=$?
fg_check "the reloaded limit counts at once: a second call is refused, 1 in progress (exit $rc)" \
    bash -c "[ $rc -ne 0 ] && grep -q 'refusing a call .*1 calls in progress (\[line\] max_calls)' '$tmp/faxgated.log'"
$ctl status --json >"$tmp/status2.json" 2>&1
fg_check "the call is still there after the reload ($(jget "$tmp/status2.json" "$call | .activity"))" \
    [ "$(jget "$tmp/status2.json" "[$call] | length")" = 1 ]
kill -HUP "$FG_GATEWAY_PID"
fg_check "SIGHUP reloads too, with nothing more to apply" \
    bash -c "for i in \$(seq 50); do grep -q 'reload requested by SIGHUP' '$tmp/faxgated.log' && grep -q 'reloaded .*: 0 change(s) applied, 1 need a restart' '$tmp/faxgated.log' && exit 0; sleep 0.1; done; exit 1"
cp "$tmp/faxgate.conf" "$tmp/good.conf"
echo "[classify]
hold = plenty" >>"$tmp/faxgate.conf"
# faxgatectl reads the good copy (it would refuse the bad file itself); the daemon re-reads its own
"$build/faxgatectl" --config "$tmp/good.conf" reload >"$tmp/reload-bad.txt" 2>&1
rc=$?
fg_check "a bad file is refused and changes nothing (exit $rc: $(head -1 "$tmp/reload-bad.txt"))" \
    bash -c "[ $rc -eq 1 ] && grep -q 'faxgate.conf:[0-9]*' '$tmp/reload-bad.txt' && grep -q 'reload refused, nothing changed' '$tmp/faxgated.log'"
cp "$tmp/good.conf" "$tmp/faxgate.conf"
wait "$sender"
rc=$?
fg_check "the call completes after the reloads: $(tail -1 "$tmp/send.log")" \
    bash -c "[ $rc -eq 0 ] && grep -q 'sent 2 of 2' '$tmp/send.log'"
id=$(fg_sql "$db" "SELECT id FROM calls WHERE tsi = 'SLOW CALL'")
fg_check "it is recorded received with 2 pages and printed" \
    bash -c "for i in \$(seq 120); do [ \"\$(sqlite3 '$db' \"SELECT state || ',' || pages || ',' || printed FROM calls WHERE id = '$id'\")\" = received,2,1 ] && exit 0; sleep 0.5; done; exit 1"
$ctl status --json >"$tmp/status3.json" 2>&1
fg_check "afterwards: no call in progress, the print queue empty" \
    [ "$(jget "$tmp/status3.json" '(.calls|length|tostring) + "," + (.print_queue|length|tostring)')" = "0,0" ]

# --- 3. one gateway per store; faxgated not running ---
"$build/faxgated" --config "$tmp/faxgate.conf" >"$tmp/second.log" 2>&1
rc=$?
fg_check "a second faxgated on the same store refuses to start (exit $rc)" \
    bash -c "[ $rc -ne 0 ] && grep -q 'another faxgated answers on the control socket' '$tmp/second.log'"
kill -KILL "$FG_GATEWAY_PID"
wait "$FG_GATEWAY_PID" 2>/dev/null
$ctl status >"$tmp/stale.txt" 2>&1
rc=$?
fg_check "killed: status says the socket is left from a daemon that stopped (exit $rc)" \
    bash -c "[ $rc -eq 1 ] && grep -q 'faxgated is not running (the control socket .* is left' '$tmp/stale.txt'"
fg_check "a new faxgated replaces the stale socket" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated2.log"
fg_check "…and answers on it" bash -c "$ctl status >/dev/null"
kill -TERM "$FG_GATEWAY_PID"
wait "$FG_GATEWAY_PID"
rc=$?
fg_check "stopped cleanly (exit $rc), the socket is removed" bash -c "[ $rc -eq 0 ] && [ ! -e '$sock' ]"
$ctl status >"$tmp/gone.txt" 2>&1
rc=$?
fg_check "status without faxgated: $(head -1 "$tmp/gone.txt")" \
    bash -c "[ $rc -eq 1 ] && grep -q 'faxgated is not running (no control socket at $sock)' '$tmp/gone.txt'"

# --- 4. the state of a real IPP printer ---
if fg_start_dnssd; then
    pport=$(fg_free_port)
    fg_check "ippeveprinter answers on localhost:$pport" fg_start_printer "$pport" "$tmp/ipp"
    sed -i "s|^uri = .*|uri = ipp://localhost:$pport/ipp/print|" "$tmp/faxgate.conf"
    fg_check "faxgated starts with it" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated3.log"
    $ctl status --json >"$tmp/ipp.json" 2>&1
    fg_check "the printer's state from Get-Printer-Attributes: $(jget "$tmp/ipp.json" '.printer | "\(.state) (\(.reasons))"')" \
        [ "$(jget "$tmp/ipp.json" '.printer | .state == "idle" and .accepting')" = true ]
    fg_stop_pid "$FG_PRINTER_PID"
    $ctl status --json >"$tmp/ipp-down.json" 2>&1
    fg_check "a printer that is off is down, with why: $(jget "$tmp/ipp-down.json" '.printer.message' | cut -c1-90)" \
        [ "$(jget "$tmp/ipp-down.json" '.printer.state')" = down ]
    fg_stop_pid "$FG_GATEWAY_PID"
else
    fg_skip "the state of a real IPP printer" "DNS-SD (D-Bus + avahi) unavailable: run as root"
fi

# --- 5. systemd: the journal and sd_notify ---
write_conf ""
: >"$tmp/journal.log"
# what systemd sets when it connects stderr to journald: the device and inode of that stream
export JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/journal.log")
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "w") as out:
    for _ in range(2):
        out.write(s.recv(4096).decode() + "\n---\n")
        out.flush()
' "$tmp/notify.sock" "$tmp/notify.txt" &
listener=$!
FG_PIDS+=("$listener")
for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$tmp/notify.sock "$build/faxgated" --config "$tmp/faxgate.conf" >>"$tmp/journal.log" 2>&1 &
pid=$!
FG_PIDS+=("$pid")
unset JOURNAL_STREAM
for _ in $(seq 300); do grep -q 'READY=1' "$tmp/notify.txt" 2>/dev/null && break; sleep 0.1; done
fg_check "sd_notify: READY=1 with a status line once calls are answered" \
    bash -c "grep -q '^READY=1' '$tmp/notify.txt' && grep -q '^STATUS=answering fax calls on audiosocket://127.0.0.1:' '$tmp/notify.txt'"
fg_check "auto logging picks the journal when \$JOURNAL_STREAM is stderr: '$(grep -m1 'ready' "$tmp/journal.log" | cut -c1-40)…'" \
    bash -c "grep -q '^<6>ready: answering fax calls' '$tmp/journal.log' && ! grep -q 'faxgated info' '$tmp/journal.log'"
$ctl status --json >"$tmp/status-j.json" 2>&1
fg_check "status reports the journal as the log target" [ "$(jget "$tmp/status-j.json" .daemon.log)" = journal ]
kill -TERM "$pid"
wait "$pid"
wait "$listener"
fg_check "sd_notify: STOPPING=1 on SIGTERM" grep -q '^STOPPING=1' "$tmp/notify.txt"
"$build/faxgated" --config "$tmp/faxgate.conf" >"$tmp/plain.log" 2>&1 &
pid=$!
FG_PIDS+=("$pid")
for _ in $(seq 300); do grep -q 'ready' "$tmp/plain.log" && break; sleep 0.1; done
fg_stop_pid "$pid"
fg_check "without \$JOURNAL_STREAM, time-stamped lines on stderr" grep -qE '^[0-9T:.-]+Z faxgated info: ready' "$tmp/plain.log"

echo "# $((FG_TAP_N - FG_TAP_FAILED)) passed, $FG_TAP_FAILED failed"
fg_tap_end

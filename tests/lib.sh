# tests/lib.sh — starts and stops the real components of an end-to-end run, on loopback only.
# Sourced by tests/e2e/*.sh and tests/demo.sh. Everything started here is stopped by fg_cleanup,
# which callers run from an EXIT trap, so a failing test leaves no server behind.

FG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FG_PIDS=()          # processes to stop, newest last
FG_DNSSD_STATE=""   # what tests/dnssd.sh started, to stop it again
FG_GATEWAY_LOGS=()  # each faxgated's log, read for sanitizer reports by fg_tap_end

fg_cleanup() {
    local i pid
    for ((i = ${#FG_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${FG_PIDS[i]}
        kill "$pid" 2>/dev/null && { for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; }
        kill -9 "$pid" 2>/dev/null
    done
    FG_PIDS=()
    if [ -n "$FG_DNSSD_STATE" ]; then
        "$FG_ROOT/tests/dnssd.sh" stop "$FG_DNSSD_STATE"
        rm -f "$FG_DNSSD_STATE"
        FG_DNSSD_STATE=""
    fi
}

# fg_free_port: prints a TCP port nobody listens on (loopback).
fg_free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

# fg_wait_port PORT SECONDS: waits until something accepts on 127.0.0.1:PORT.
fg_wait_port() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# fg_start_dnssd: ippeveprinter needs DNS-SD, i.e. a system D-Bus and avahi-daemon. Starts what is
# missing (root only) through tests/dnssd.sh; returns 1, saying why, if that is impossible or if
# FAXGATE_NO_DNSSD is set (a machine where avahi must not be started).
fg_start_dnssd() {
    local why
    if [ -n "${FAXGATE_NO_DNSSD:-}" ]; then
        echo "# DNS-SD: not started (FAXGATE_NO_DNSSD is set)"
        return 1
    fi
    FG_DNSSD_STATE=$(mktemp "${TMPDIR:-/tmp}/faxgate-dnssd-XXXXXX")
    if ! why=$("$FG_ROOT/tests/dnssd.sh" start "$FG_DNSSD_STATE"); then
        echo "# DNS-SD: $why"
        return 1
    fi
    return 0
}

# fg_start_printer PORT DIR [FORMATS]: an IPP Everywhere printer (ippeveprinter) on loopback,
# keeping every job's document in DIR. Sets FG_PRINTER_PID.
fg_start_printer() {
    local port=$1 dir=$2 formats=${3:-application/pdf,image/pwg-raster}
    mkdir -p "$dir"
    # -n localhost: listens on 127.0.0.1 and ::1 only (-n 127.0.0.1 fails on the IPv6 listener).
    # -c /bin/true: "print" at once; without a command ippeveprinter simulates 5-15 s of printing
    # per job and answers server-error-busy meanwhile. -k keeps each job's document (NNN-NAME.pdf).
    ippeveprinter -p "$port" -n localhost -d "$dir" -k -c /bin/true -f "$formats" "faxgate-test-$port" \
        >>"$dir/../ippeveprinter-$port.log" 2>&1 &
    FG_PRINTER_PID=$!
    FG_PIDS+=("$FG_PRINTER_PID")
    fg_wait_port "$port" 20
}

# fg_stop_pid PID: stops one process started here.
fg_stop_pid() {
    kill "$1" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# fg_start_gateway BUILD CONF LOG: runs faxgated and waits for its "ready" line.
# Sets FG_GATEWAY_PID and FG_LINE (the audiosocket URI it answers on).
fg_start_gateway() {
    local build=$1 conf=$2 log=$3
    "$build/faxgated" --config "$conf" >"$log" 2>&1 &
    FG_GATEWAY_PID=$!
    FG_PIDS+=("$FG_GATEWAY_PID")
    FG_GATEWAY_LOGS+=("$log")
    for _ in $(seq 300); do
        FG_LINE=$(sed -n 's/.*ready: answering fax calls on \([^;]*\);.*/\1/p' "$log" | head -1)
        [ -n "$FG_LINE" ] && return 0
        kill -0 "$FG_GATEWAY_PID" 2>/dev/null || { echo "# faxgated exited:"; sed 's/^/#   /' "$log"; return 1; }
        sleep 0.1
    done
    echo "# faxgated did not become ready:"; sed 's/^/#   /' "$log"
    return 1
}

# fg_send_judged BUILD DB LOG TSI CALLER TIF...: one real call into the running gateway (FG_LINE),
# placed by faxsim; prints the new call's id once it is judged and filed (verdict and delivery state
# recorded). Says why on stderr and returns 1 if that does not happen within 60 s.
fg_send_judged() {
    local build=$1 db=$2 log=$3 tsi=$4 caller=$5 id last
    shift 5
    last=$(fg_sql "$db" "SELECT coalesce(max(id), 0) FROM calls" 2>/dev/null)
    "$build/faxsim" send --quiet --line "$FG_LINE" --tsi "$tsi" --caller-id "$caller" "$@" >"$log" 2>&1 ||
        { echo "# faxsim send $* failed:"; sed 's/^/#   /' "$log"; } >&2
    for _ in $(seq 240); do
        id=$(fg_sql "$db" "SELECT id FROM calls WHERE id > ${last:-0} AND tsi = '$tsi' AND deliver_state IS NOT NULL AND verdict IS NOT NULL ORDER BY id DESC LIMIT 1" 2>/dev/null)
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 0.25
    done
    echo "# the call from TSI $tsi was not judged and filed within 60 s" >&2
    return 1
}

# fg_local_conf DB DIR PRINTED: the part of a test's faxgate.conf that keeps everything in the test's
# folder: the store DB, the spool DIR/spool (1 MB free is enough), printed faxes as PDF files in
# the folder PRINTED, one OCR worker.
fg_local_conf() {
    printf '[store]\ndb = %s\n[spool]\ndir = %s/spool\nmin_free_mb = 1\n[printer]\nuri = spool:%s\n[ocr]\nworkers = 1\n' \
        "$1" "$2" "$3"
}

# fg_sql DB QUERY: one SQLite query, values separated by |.
fg_sql() {
    sqlite3 -batch -noheader "$1" "$2"
}

# fg_wait_sql DB SECONDS SQL EXPECTED: polls the store until the query gives EXPECTED; says what it
# got instead when the time is up.
fg_wait_sql() {
    local db=$1 secs=$2 sql=$3 want=$4 got
    for _ in $(seq $((secs * 10))); do
        got=$(fg_sql "$db" "$sql" 2>/dev/null)
        [ "$got" = "$want" ] && return 0
        sleep 0.1
    done
    echo "# waited $secs s for [$sql] = $want, got '$got'"
    return 1
}

# TAP helpers: ok/not ok lines, counted.
FG_TAP_N=0
FG_TAP_FAILED=0
fg_ok() { FG_TAP_N=$((FG_TAP_N + 1)); echo "ok $FG_TAP_N - $*"; }
fg_not_ok() { FG_TAP_N=$((FG_TAP_N + 1)); FG_TAP_FAILED=$((FG_TAP_FAILED + 1)); echo "not ok $FG_TAP_N - $*"; }
fg_skip() { FG_TAP_N=$((FG_TAP_N + 1)); echo "ok $FG_TAP_N - $1 # SKIP $2"; }
# fg_check DESCRIPTION COMMAND...: ok if the command succeeds.
fg_check() { local d=$1; shift; if "$@"; then fg_ok "$d"; else fg_not_ok "$d"; fi; }
# Under a sanitizer build (make check-asan sets ASAN_OPTIONS): every process stopped first (the
# leak checker reports at exit), then each faxgated log read for a report. A report in a thread
# that does not end the daemon, or a leak, would otherwise pass unseen.
fg_sanitizer_check() {
    local log bad=()
    [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ] && [ ${#FG_GATEWAY_LOGS[@]} -gt 0 ] || return 0
    fg_cleanup
    for log in "${FG_GATEWAY_LOGS[@]}"; do
        [ -f "$log" ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" && bad+=("$log")
    done
    if [ ${#bad[@]} -eq 0 ]; then
        fg_ok "no sanitizer report in the logs of ${#FG_GATEWAY_LOGS[@]} faxgated run(s)"
        return 0
    fi
    fg_not_ok "sanitizer reports in ${#bad[@]} of ${#FG_GATEWAY_LOGS[@]} faxgated log(s)"
    for log in "${bad[@]}"; do
        echo "# $log:"
        grep -m1 -A12 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" | sed 's/^/#   /'
    done
}
fg_tap_end() { fg_sanitizer_check; echo "1..$FG_TAP_N"; [ "$FG_TAP_FAILED" -eq 0 ]; }

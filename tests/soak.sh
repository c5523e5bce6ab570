#!/usr/bin/env bash
# tests/soak.sh BUILD [CALLS] — `make soak` (#14 item 8): CALLS calls (10000) in a row, unpaced,
# into one faxgated (spool printer, AudioSocket on loopback), in SOAK_STREAMS (3) concurrent
# streams. faxgated's VmRSS, open descriptors and threads are sampled along the way; at the end:
# no growth of RSS (beyond SOAK_RSS_MB, 8 MiB), descriptors or threads from after the warm-up to
# the end (both taken idle), nor of RSS while the calls run (SOAK_RUN_RSS_MB, 16 MiB, between the
# halves of the run), every call placed is in the store once, received, judged and filed,
# every one to print printed, and the store sound. Prints a table, verdict lines and
# "N passed, N failed"; exits 1 if any failed.
#   A call refused over [line] max_calls (the streams outrun the OCR) is placed again after a
#   short pause, as a fax machine would; those refusals are counted, not lost.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
calls=${2:-10000}
streams=${SOAK_STREAMS:-3}
rss_limit_mb=${SOAK_RSS_MB:-8}
run_limit_mb=${SOAK_RUN_RSS_MB:-16}   # RSS while the calls run: second half's largest over the first half's
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-soak-XXXXXX")
passed=0 failed=0
verdict() {   # verdict OK? TEXT
    if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "PASS  $2"; else failed=$((failed + 1)); echo "FAIL  $2"; fi
}
trap 'fg_cleanup; [ "$failed" -eq 0 ] && [ -z "${FAXGATE_KEEP:-}" ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
warm=$((calls / 3 < 200 ? calls / 3 : 200))   # the warm-up: caches, arenas, the OCR engines' first pages
every=$((calls / 20 < 50 ? 50 : calls / 20))   # a sample every this many calls

# one short business page, rendered once: little for the OCR to read
cat >"$tmp/page.txt" <<'EOF'
ACME Supplies Ltd. - Purchase order 4711
To: Accounts payable

Please ship 20 boxes of A4 paper to our Leeds office.
Invoice to the usual address. Thank you.
EOF
"$faxsim" render "$tmp/page.txt" "$tmp/page.tif" >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; exit 1; }
mkdir -p "$tmp/out"
{
    fg_local_conf "$db" "$tmp" "$tmp/out"
    printf '[line]\nlisten = audiosocket://127.0.0.1:0\nmax_calls = 8\n[printer]\nretry_seconds = 1\n[control]\nsocket = %s/control.sock\n' "$tmp"
} | sed 's/^workers = 1$/workers = 2/' >"$tmp/faxgate.conf"
fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log" || exit 1
pid=$FG_GATEWAY_PID

# sample LABEL: one line "label calls rss_kib fds threads rows" into samples
sample() {
    local rss fds thr
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    thr=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    echo "$1 $(cat "$tmp"/placed-* 2>/dev/null | wc -l) ${rss:-0} $fds ${thr:-0} $(fg_sql "$db" "SELECT count(*) FROM calls" 2>/dev/null)" >>"$tmp/samples"
}

# settle: waits until no call is in progress and no print job waits; the printed PDFs removed
settle() {
    for _ in $(seq 600); do
        [ "$(fg_sql "$db" "SELECT (SELECT count(*) FROM calls WHERE state IN ('new','receiving'))
            + (SELECT count(*) FROM deliveries WHERE state <> 'done')" 2>/dev/null)" = 0 ] && break
        sleep 0.2
    done
    sleep 1   # call threads end just after their save
    find "$tmp/out" -name '*.pdf' -delete
}

# stream S FROM TO: places calls FROM..TO-1, one after the other; a refused call is placed again
stream() {
    local s=$1 i try
    for ((i = $2; i < $3; i++)); do
        for try in $(seq 100); do
            if "$faxsim" send --line "$FG_LINE" --tsi "SOAK $i" --caller-id "+1555$(printf %07d "$i")" "$tmp/page.tif" \
                >"$tmp/send-$s.log" 2>&1 && grep -q 'sent 1 of 1' "$tmp/send-$s.log"; then
                echo "$i" >>"$tmp/placed-$s"
                break
            fi
            echo "$i" >>"$tmp/refused-$s"
            sleep 0.2
        done
        [ "$try" = 100 ] && echo "$i" >>"$tmp/gave-up-$s"
    done
}

# run FROM TO: the streams share the calls FROM..TO-1; a sample every $every calls meanwhile
run() {
    local from=$1 to=$2 n=$(($2 - $1)) s pids=() next
    for ((s = 0; s < streams; s++)); do
        stream "$s" $((from + n * s / streams)) $((from + n * (s + 1) / streams)) &
        pids+=($!)
    done
    next=$(((from / every + 1) * every))
    while kill -0 "${pids[@]}" 2>/dev/null; do
        if [ "$(cat "$tmp"/placed-* 2>/dev/null | wc -l)" -ge "$next" ]; then
            sample run
            next=$((next + every))
        fi
        # the spool printer's PDFs are not what is measured: removed as they come
        find "$tmp/out" -name '*.pdf' -mmin +0.1 -delete 2>/dev/null
        sleep 0.5
    done
    wait "${pids[@]}"
}

sample start
t0=$(date +%s.%N)
run 0 "$warm"
settle
sample warm
t1=$(date +%s.%N)
run "$warm" "$calls"
t2=$(date +%s.%N)
settle
sample end
t3=$(date +%s.%N)

# --- the table ---
printf '%-6s %7s %10s %5s %8s %7s\n' when calls "RSS KiB" fds threads rows
while read -r label n rss fds thr rows; do
    printf '%-6s %7s %10s %5s %8s %7s\n' "$label" "$n" "$rss" "$fds" "$thr" "$rows"
done <"$tmp/samples"
read -r _ _ rss_w fds_w thr_w _ < <(grep '^warm ' "$tmp/samples")
read -r _ _ rss_e fds_e thr_e _ < <(grep '^end ' "$tmp/samples")
placed=$(cat "$tmp"/placed-* 2>/dev/null | wc -l)
refused=$(cat "$tmp"/refused-* 2>/dev/null | wc -l)
gaveup=$(cat "$tmp"/gave-up-* 2>/dev/null | wc -l)
secs=$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')
rate=$(awk -v n="$placed" -v a="$t0" -v b="$t2" 'BEGIN { printf "%.2f", n / (b - a) }')
rate_after=$(awk -v n="$((placed - warm))" -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", n / (b - a) }')
echo "# $placed calls placed in $secs s: $rate calls/s ($rate_after calls/s after the warm-up), $streams streams;" \
    "$refused refusals over [line] max_calls placed again; settled $(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", b - a }') s later"

# --- verdicts ---
growth=$((rss_e - rss_w))
[ "$growth" -le $((rss_limit_mb * 1024)) ]
verdict $? "RSS from after the warm-up (call $warm, idle) to the end (idle): $rss_w -> $rss_e KiB, $((growth / 1024)) MiB growth (limit $rss_limit_mb MiB; $(awk -v g="$growth" -v n="$((calls - warm))" 'BEGIN { printf "%.2f", n ? g / n : 0 }') KiB a call)"
# while the calls run, too: memory held only while they run is given back once they stop, and an
# idle sample does not see it (band jobs left queued under steady load did just that)
read -r run_a run_b nrun < <(awk '$1 == "run" { r[++n] = $3 } END { h = int(n / 2); a = b = 0
    for (i = 1; i <= h; i++) if (r[i] > a) a = r[i]; for (i = h + 1; i <= n; i++) if (r[i] > b) b = r[i]
    print a, b, n }' "$tmp/samples")
[ "$nrun" -ge 2 ] && [ $((run_b - run_a)) -le $((run_limit_mb * 1024)) ]
verdict $? "RSS while the calls run, the largest of the first and of the second half of the $nrun samples: $run_a -> $run_b KiB (limit +$run_limit_mb MiB)"
[ "$fds_e" = "$fds_w" ]
verdict $? "open descriptors after the warm-up vs the end, both idle: $fds_w -> $fds_e"
[ "$thr_e" = "$thr_w" ]
verdict $? "threads after the warm-up vs the end, both idle: $thr_w -> $thr_e"
stored=$(fg_sql "$db" "SELECT count(DISTINCT tsi) FROM calls WHERE tsi LIKE 'SOAK %' AND state = 'received'")
[ "$placed" = "$calls" ] && [ "$stored" = "$calls" ] && [ "$gaveup" = 0 ]
verdict $? "calls received in the store == calls placed: $stored received, $placed placed of $calls ($gaveup given up)"
dupes=$(fg_sql "$db" "SELECT count(*) - count(DISTINCT tsi) FROM calls WHERE tsi LIKE 'SOAK %'")
[ "$dupes" = 0 ]
verdict $? "each call in the store once ($dupes twice)"
unjudged=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE tsi LIKE 'SOAK %' AND (verdict IS NULL OR deliver_state IS NULL OR deliver_state = 'queued')")
open=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE state IN ('new','receiving')")
[ "$unjudged" = 0 ] && [ "$open" = 0 ]
verdict $? "every call judged and filed ($unjudged not, $open unfinished): $(fg_sql "$db" "SELECT group_concat(n || ' ' || v || '/' || d, ', ') FROM (SELECT count(*) n, verdict v, deliver_state d FROM calls WHERE tsi LIKE 'SOAK %' GROUP BY v, d)")"
toprint=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE tsi LIKE 'SOAK %' AND verdict = 'deliver'")
printed=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE tsi LIKE 'SOAK %' AND verdict = 'deliver' AND printed = 1")
[ "$toprint" = "$printed" ]
verdict $? "every fax to print printed: $printed of $toprint"
rejected=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE state = 'rejected'")
[ "$rejected" = "$refused" ]
verdict $? "every refusal recorded: $rejected refused calls in the store, $refused seen by the senders"
[ "$(fg_sql "$db" "PRAGMA integrity_check")" = ok ] && "$build/faxgatectl" --config "$tmp/faxgate.conf" evidence verify >"$tmp/verify.out" 2>&1
verdict $? "the store is sound: integrity_check ok, evidence chain and every page file verify ($(tail -1 "$tmp/verify.out" | cut -c1-100))"
errors=$(grep -c 'faxgated error' "$tmp/faxgated.log")
[ "$errors" = 0 ]
verdict $? "faxgated logged no error ($errors)"
kill -0 "$pid" 2>/dev/null
verdict $? "faxgated is still running"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

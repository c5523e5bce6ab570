#!/usr/bin/env bash
# make bench, part 4 — how many simultaneous REAL-TIME calls this machine carries with zero failed
# calls: a ladder of N calls placed at once (BENCH_CAPACITY_LADDER, default 10 25 50 100 200) over
# AudioSocket, SIP G.711 and SIP T.38, each call one standard-resolution page at line pace
# (faxsim send --realtime: 20 ms audio frames, T.38 paced like its modem). A step passes when every
# sender saw its page confirmed and every call is judged in the store with its page; a transport's
# ladder stops at its first failing step. Per step: faxgated's CPU per call (OCR of page 1
# included), its RSS per call (peak minus idle, over the calls in progress), the senders' CPU
# (faxsim runs a modem per call on this same machine: in the field the far ends are elsewhere), and
# the load. Figures, not assertions.
#
# RSS per call is given two ways. "peak/call" is (peak - idle) / N: it also holds what is paid once
# (library code first run, malloc arenas, a spare OCR engine loaded for the backlog) and the pages
# waiting for OCR at the end. "marginal" is the RSS 5 s into the calls (every call in progress,
# no page ended yet) less that of the previous step, over the calls added: what one more call in
# progress costs. BENCH_CAPACITY_KINDS chooses the transports (default: audiosocket g711 t38);
# BENCH_CAPACITY_PAGES the pages per call (default 1: the same page sent that many times) and
# BENCH_CAPACITY_RES their resolution (standard, the default, or fine).
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-cap-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
ladder=${BENCH_CAPACITY_LADDER:-10 25 50 100 200}
kinds=${BENCH_CAPACITY_KINDS:-audiosocket g711 t38}
npages=${BENCH_CAPACITY_PAGES:-1}
res=${BENCH_CAPACITY_RES:-standard}
hz=$(getconf CLK_TCK)
ulimit -n 8192 2>/dev/null

text=$(awk -F'\t' '$1 !~ /^#/ && $2 == "legit" && $3 == "en" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$build/faxsim" render --res "$res" "tests/data/texts/$text" "$tmp/page.tif" >/dev/null
pages=()
for ((k = 0; k < npages; k++)); do pages+=("$tmp/page.tif"); done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
# CPU seconds of this shell's finished children (bash's times, second line: user then system;
# run in this shell, not in a $(...) subshell, which has children of its own)
children_cpu() {
    times >"$tmp/times"
    tail -1 "$tmp/times" | sed 's/m/ /g; s/s//g' | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }'
}

# marginal KIND N RSS: "marginal X KiB" against KIND's previous step (RSS 5 s in), and keeps this one
marginal() {
    local prev
    prev=$(cat "$tmp/mid-$1" 2>/dev/null)
    echo "$2 $3" >"$tmp/mid-$1"
    [ -n "$prev" ] && awk -v p="$prev" -v n="$2" -v r="$3" 'BEGIN { split(p, a, " "); if (n > a[1]) printf "marginal %.0f KiB", (r - a[2]) / (n - a[1]); else printf "marginal -" }' && return
    echo "marginal -"
}

# step KIND N: N real-time calls at once through a fresh gateway; KIND audiosocket, g711 or t38.
# Returns 0 if no call failed.
step() {
    local kind=$1 n=$2 k ok=0 judged start end t0 t1 base hwm listen line s0 s1 args=() load mid
    case $kind in
    audiosocket) listen=audiosocket://127.0.0.1:0 ;;
    *) listen=sip:fax@127.0.0.1:0 ;;
    esac
    [ "$kind" = t38 ] && args=(--t38)
    cat >"$tmp/$kind-$n.conf" <<CONF
[line]
listen = $listen
max_calls = 512
[store]
db = $tmp/$kind-$n.db
[spool]
dir = $tmp/spool-$kind-$n
min_free_mb = 1
[printer]
uri = spool:$tmp/out-$kind-$n
CONF
    mkdir -p "$tmp/out-$kind-$n"   # the spool printer's folder (one that is missing is a printer that is down)
    fg_start_gateway "$build" "$tmp/$kind-$n.conf" "$tmp/$kind-$n.log" || return 1
    sleep 1
    line=$FG_LINE
    [ "$kind" != audiosocket ] && line="sip:fax@127.0.0.1:${FG_LINE##*:}"
    base=$(kib "$FG_GATEWAY_PID" VmRSS)
    t0=$(cpu_ticks "$FG_GATEWAY_PID")
    start=$(date +%s.%N)
    children_cpu >"$tmp/s0"; s0=$(cat "$tmp/s0")
    local pids=()
    for ((k = 0; k < n; k++)); do
        "$build/faxsim" send --quiet --realtime "${args[@]}" --line "$line" --tsi "CAP-$k" --timeout 600 \
            "${pages[@]}" >"$tmp/$kind-$n-$k.log" 2>&1 &
        pids+=($!)
    done
    sleep 5
    load=$(cut -d' ' -f1 /proc/loadavg)
    mid=$(kib "$FG_GATEWAY_PID" VmRSS)
    for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
    children_cpu >"$tmp/s1"; s1=$(cat "$tmp/s1")
    for _ in $(seq 1200); do
        judged=$(fg_sql "$tmp/$kind-$n.db" "SELECT count(*) FROM calls WHERE verdict IS NOT NULL AND pages >= $npages")
        [ "$judged" -ge "$n" ] && break
        sleep 0.25
    done
    end=$(date +%s.%N)
    t1=$(cpu_ticks "$FG_GATEWAY_PID")
    hwm=$(kib "$FG_GATEWAY_PID" VmHWM)
    awk -v kind="$kind" -v n="$n" -v ok="$ok" -v j="$judged" -v s="$start" -v e="$end" -v c="$((t1 - t0))" -v hz="$hz" \
        -v base="$base" -v hwm="$hwm" -v mid="$mid" -v marg="$(marginal "$kind" "$n" "$mid")" -v sc="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" -v load="$load" 'BEGIN {
        printf "%-12s %4d at once: %4d sent, %4d judged  wall %6.1f s  faxgated CPU/call %5.0f ms  RSS/call peak %6.0f KiB, %s  (idle %d MiB, 5 s in %d MiB, peak %d MiB)  sender CPU/call %5.0f ms  load %s\n",
               kind, n, ok, j, e - s, 1000 * c / hz / n, (hwm - base) / n, marg, base / 1024, mid / 1024, hwm / 1024, 1000 * sc / n, load }'
    fg_stop_pid "$FG_GATEWAY_PID"
    [ "$ok" -eq "$n" ] && [ "$judged" -ge "$n" ]
}

echo "== 4. simultaneous real-time calls with zero failures (ladder: $ladder; $npages $res page(s) each) =="
for kind in $kinds; do
    best=0
    for n in $ladder; do
        if step "$kind" "$n"; then best=$n; else break; fi
    done
    echo "$kind: most simultaneous real-time calls with zero failures: $best (ladder $ladder)"
done

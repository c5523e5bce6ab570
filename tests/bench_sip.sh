#!/usr/bin/env bash
# make bench, part 3 — SIP calls through faxgated: G.711 and T.38, unpaced (as fast as both
# ends go: lockstep RTP, T.38 without modem pacing) and at real-time pace (20 ms RTP packets, T.38
# paced like the modem it stands for). Figures per call: faxgated's CPU (user + system, OCR of
# page 1 included) and its resident memory (peak during the run minus the idle baseline, divided
# by the calls in progress at once). Figures, not assertions.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-sip-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
fast=${BENCH_SIP_CALLS:-10}
slow=${BENCH_SIP_REALTIME_CALLS:-4}
hz=$(getconf CLK_TCK)

mkdir -p "$tmp/pages"
i=0
for f in $(awk -F'\t' '$1 !~ /^#/ && $3 == "en" && $7 == "tune" { print $1 }' tests/data/texts/LABELS.tsv | sort | head -n "$fast"); do
    "$build/faxsim" render --res fine --seed "$i" "tests/data/texts/$f" "$tmp/pages/$i.tif" >/dev/null
    i=$((i + 1))
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

# run NAME PACING N FAXSIM-ARGS...: N calls at once through a fresh gateway
run() {
    local name=$1 pacing=$2 n=$3 k start end t0 t1 base hwm ok=0
    shift 3
    cat >"$tmp/$name.conf" <<EOF
[line]
listen = sip:fax@127.0.0.1:0
max_calls = 64
[sip]
t38_pacing = $pacing
[store]
db = $tmp/$name.db
[spool]
dir = $tmp/spool-$name
min_free_mb = 1
[printer]
uri = spool:$tmp/out-$name
[ocr]
workers = 1
EOF
    fg_start_gateway "$build" "$tmp/$name.conf" "$tmp/$name.log" || return 1
    sleep 1
    base=$(kib "$FG_GATEWAY_PID" VmRSS)
    t0=$(cpu_ticks "$FG_GATEWAY_PID")
    start=$(date +%s.%N)
    local pids=()
    for ((k = 0; k < n; k++)); do
        "$build/faxsim" send --quiet "$@" --line "sip:fax@127.0.0.1:${FG_LINE##*:}" --tsi "B-$k" "$tmp/pages/$k.tif" \
            >"$tmp/$name-$k.log" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
    for _ in $(seq 1200); do
        [ "$(fg_sql "$tmp/$name.db" "SELECT count(*) FROM calls WHERE verdict IS NOT NULL")" -ge "$n" ] && break
        sleep 0.1
    done
    end=$(date +%s.%N)
    t1=$(cpu_ticks "$FG_GATEWAY_PID")
    hwm=$(kib "$FG_GATEWAY_PID" VmHWM)
    awk -v name="$name" -v n="$n" -v ok="$ok" -v s="$start" -v e="$end" -v c="$((t1 - t0))" -v hz="$hz" \
        -v base="$base" -v hwm="$hwm" 'BEGIN {
        printf "%-22s %2d/%-2d calls  wall %6.1f s  CPU/call %6.0f ms  RSS/call %5.1f MiB  (idle %d MiB, peak %d MiB)\n",
               name, ok, n, e - s, 1000 * c / hz / n, (hwm - base) / 1024 / n, base / 1024, hwm / 1024 }'
    fg_stop_pid "$FG_GATEWAY_PID"
}

echo "== 3. SIP calls: G.711 and T.38, unpaced and at real-time pace (1 fine page each, OCR included) =="
run "G.711 unpaced" no "$fast"
run "T.38 unpaced" no "$fast" --t38
run "G.711 real time" yes "$slow" --realtime
run "T.38 real time" yes "$slow" --realtime --t38

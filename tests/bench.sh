#!/usr/bin/env bash
# make bench — figures, not assertions:
#   1. OCR per page: Tesseract C API (as faxgate uses it) vs the tesseract CLI, same pages
#   1a. page 1 in bands while it arrives vs whole at its end: recall, advertiser, latency at real-time pace
#   1b. durable receipt: page write, file sync, store commit per page (this disk; an ext4 loop device)
#   2. the gateway: start-up time and idle memory, then under 20 concurrent calls: wall time, end
#      of page 1 → verdict, OCR per call, and faxgated's peak resident memory (VmHWM)
#   3. SIP calls, G.711 and T.38, unpaced and at real-time pace: CPU and memory per call
#   4. the most simultaneous real-time calls with zero failures, per transport (a ladder)
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
calls=${BENCH_CALLS:-20}

echo "== 1. OCR per page: Tesseract API vs CLI =="
if [ -x tests/bench_ocr.sh ]; then
    tests/bench_ocr.sh "$build"
else
    echo "tests/bench_ocr.sh missing"
fi

tests/bench_prep.sh "$build" || echo "tests/bench_prep.sh failed"
echo
echo "== 1a. page 1 read in bands while it arrives vs read whole at its end ([ocr] bands) =="
tests/bench_bands.sh "$build" || echo "tests/bench_bands.sh failed"
echo
echo "== 1b. durable before confirmed: what syncing a page and committing it costs before its MCF =="
tests/bench_durable.sh "$build" || echo "tests/bench_durable.sh failed"
echo
echo "== 2. faxgated under $calls concurrent calls (lockstep audio, as fast as the CPU allows) =="
mkdir -p "$tmp/pages" "$tmp/out"
labels=tests/data/texts/LABELS.tsv
i=0
for f in $(awk -F'\t' '$1 !~ /^#/ && $1 != "file" && ($3 == "en" || $3 == "fr") { print $1 }' "$labels" | sort | head -n "$calls"); do
    "$build/faxsim" render --res fine --seed "$i" "tests/data/texts/$f" "$tmp/pages/$i.tif" >/dev/null
    i=$((i + 1))
done
cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
max_calls = 64
[store]
db = $tmp/faxgate.db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = spool:$tmp/out
[ocr]
spare_idle_seconds = 5
EOF
t0=$(date +%s.%N)
fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log" || exit 1
t1=$(date +%s.%N)
sleep 1   # what it holds once started, before any call: the first OCR worker's engine (spares load theirs when pages wait)
idle=$(awk '/VmRSS/ { print $2 }' "/proc/$FG_GATEWAY_PID/status")
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "start-up (exec -> ready line): %.0f ms (faxgated --config, %s)\n", (b - a) * 1000, "polled every 0.1 s" }'
echo "idle RSS after start:         $((idle / 1024)) MiB (no call yet)"
start=$(date +%s.%N)
senders=()
for ((k = 0; k < i; k++)); do
    "$build/faxsim" send --quiet --line "$FG_LINE" --tsi "BENCH-$k" "$tmp/pages/$k.tif" >/dev/null 2>&1 &
    senders+=($!)
done
wait "${senders[@]}"
for _ in $(seq 1200); do
    [ "$(fg_sql "$tmp/faxgate.db" "SELECT count(*) FROM calls WHERE verdict IN ('deliver','hold','drop')")" -ge "$i" ] && break
    sleep 0.1
done
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$FG_GATEWAY_PID/status")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$FG_GATEWAY_PID/status")
fg_sql "$tmp/faxgate.db" "
SELECT printf('calls judged:                 %d of $i', count(*)),
       printf('end of page 1 -> verdict:     mean %.0f ms, min %.0f ms, max %.0f ms', avg(ms_total), min(ms_total), max(ms_total)),
       printf('OCR of page 1 (in that):      mean %.0f ms, min %.0f ms, max %.0f ms', avg(ms_ocr), min(ms_ocr), max(ms_ocr))
FROM calls WHERE tsi LIKE 'BENCH-%' AND verdict != ''" | tr '|' '\n'
awk -v s="$start" -v e="$end" -v n="$i" 'BEGIN { printf "wall time for %d calls:       %.1f s (%.2f s per call)\n", n, e - s, (e - s) / n }'
echo "faxgated peak RSS (VmHWM):    $((hwm / 1024)) MiB (now $((rss / 1024)) MiB)"
sleep 7
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$FG_GATEWAY_PID/status")
engines=$("$build/faxgatectl" --config "$tmp/faxgate.conf" status --json 2>/dev/null | jq -r .daemon.ocr_engines)
echo "RSS idle again:               $((rss / 1024)) MiB ($engines OCR engine(s) loaded: spares unload after [ocr] spare_idle_seconds, 5 here)"
echo
tests/bench_sip.sh "$build" || echo "tests/bench_sip.sh failed"
echo
tests/bench_capacity.sh "$build" || echo "tests/bench_capacity.sh failed"

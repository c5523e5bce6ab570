#!/usr/bin/env bash
# tests/fuzz/long.sh FUZZBUILD HOSTBUILD EXECS [MAX_SECONDS] [TARGET…] — the long fuzzing run
# (make fuzz-long): each libFuzzer target (ASan + UBSan, FUZZBUILD/bin) in turn, one process at a
# time, for EXECS executions (-runs) on its seeds (tests/fuzz/seeds.sh) and the corpus earlier
# runs kept (FUZZBUILD/corpus/TARGET), stopped after MAX_SECONDS if that comes first (0: no cap).
# TARGETs (sdp, fuzz_sdp…) choose and order them; by default the fast ones first.
#
# Prints per target: executions, seconds, exec/s, crashes, coverage after the seeds and at the
# end (new = the difference), and corpus inputs added; and, for a target stopped by the cap, how
# long EXECS would take at the rate it ran. The table also goes to FUZZBUILD/long.tsv; each log
# to FUZZBUILD/TARGET.long.log, a crash to FUZZBUILD/crashes/TARGET-long-*. Exit 1 if any crashed.
#
# FUZZ_MAX_LEN (environment), if above 0, caps the inputs' length (libFuzzer -max_len); the table
# then says so in the note column.
#
# Run it beside other work with one core: nice -n 15 make fuzz-long FUZZ_EXECS=… FUZZ_MAX_SECONDS=…
set -u
fz=${1:-build/fuzz}
host=${2:-build/host}
execs=${3:-10000000}
cap=${4:-0}
shift $(($# < 4 ? $# : 4))
cd "$(dirname "$0")/../.." || exit 2
order="sdp udptl rtp audiosocket webform sip webreq config extract tiff pcap wav learn"
targets=${*:-$order}
# every target built, the default order first, any other after it
if [ $# -eq 0 ]; then
    for bin in "$fz"/bin/fuzz_*; do
        k=${bin##*/fuzz_}
        case " $order " in *" $k "*) ;; *) targets="$targets $k" ;; esac
    done
fi

if ! ls "$fz"/bin/fuzz_* >/dev/null 2>&1; then
    echo "long.sh: no fuzz targets in $fz/bin (make fuzz-build)" >&2
    exit 2
fi
tests/fuzz/seeds.sh "$fz" "$host" | sed 's/^/long.sh: seeds: /' >&2
mkdir -p "$fz/corpus" "$fz/crashes"
tsv=$fz/long.tsv
printf 'target\texecs\tseconds\texec_per_s\tcrashes\tcov_seeds\tcov_end\tcov_new\tcorpus_added\tdone\n' >"$tsv"
printf '%-18s %11s %8s %8s %7s %9s %8s %5s %7s  %s\n' target execs seconds exec/s crashes "cov seeds" "cov end" new "corpus+" note
failed=0
for k in $targets; do
    k=${k#fuzz_}
    t=fuzz_$k
    bin=$fz/bin/$t
    if [ ! -x "$bin" ]; then
        echo "long.sh: no target $t" >&2
        failed=1
        continue
    fi
    corpus=$fz/corpus/$t
    mkdir -p "$corpus"
    log=$fz/$t.long.log
    before=$(ls "$corpus" | wc -l)
    ncrash0=$(ls "$fz/crashes" | grep -c "^$t-long-")
    opts=(-runs="$execs" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 -artifact_prefix="$fz/crashes/$t-long-")
    [ "$cap" -gt 0 ] && opts+=(-max_total_time="$cap")
    [ "${FUZZ_MAX_LEN:-0}" -gt 0 ] && opts+=(-max_len="$FUZZ_MAX_LEN")
    start=$(date +%s.%N)
    "$bin" "${opts[@]}" "$corpus" "$fz/seeds/$k" >"$log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    n=${n:-0}
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
    rate=$(awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b > a) ? n / (b - a) : 0 }')
    cov0=$(grep -m1 -oE 'INITED cov: [0-9]+' "$log" | grep -oE '[0-9]+$')
    cov1=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    added=$(($(ls "$corpus" | wc -l) - before))
    crashes=$(($(ls "$fz/crashes" | grep -c "^$t-long-") - ncrash0))
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1   # a leak or an out-of-memory leaves no input named crash
    note=""
    [ "${FUZZ_MAX_LEN:-0}" -gt 0 ] && note="inputs of at most $FUZZ_MAX_LEN bytes; "
    if [ "$rc" -ne 0 ]; then
        failed=1
        note="${note}FAILED (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY' "$log" | cut -c1-80)"
    elif [ "$n" -lt "$execs" ]; then
        need=$(awk -v e="$execs" -v r="$rate" 'BEGIN { if (r > 0) printf "%.1f h", e / r / 3600; else print "?" }')
        note="${note}stopped by the ${cap} s cap: $execs would take $need"
    fi
    printf '%-18s %11s %8s %8s %7s %9s %8s %5s %7s  %s\n' "$t" "$n" "$secs" "$rate" "$crashes" "${cov0:-?}" \
        "${cov1:-?}" "$(( ${cov1:-0} - ${cov0:-0} ))" "$added" "$note"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$n" "$secs" "$rate" "$crashes" "${cov0:-}" "${cov1:-}" \
        "$(( ${cov1:-0} - ${cov0:-0} ))" "$added" "$([ "$n" -ge "$execs" ] && echo yes || echo no)" >>"$tsv"
done
exit $failed

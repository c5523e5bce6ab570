#!/usr/bin/env bash
# tests/fuzz/run.sh FUZZBUILD HOSTBUILD SECONDS — every libFuzzer target (ASan + UBSan) over its
# seeds, then SECONDS more of fuzzing each; prints the coverage each reached and TAP.
#
# Seeds are made by the project (tests/fuzz/seeds.sh says which), into FUZZBUILD/seeds/TARGET.
# New inputs the fuzzer finds go to FUZZBUILD/corpus/TARGET; a crash to FUZZBUILD/crashes/.
set -u
fz=${1:-build/fuzz}
host=${2:-build/host}
seconds=${3:-60}
cd "$(dirname "$0")/../.." || exit 2
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

seeds=$fz/seeds
while read -r why; do
    [ -n "$why" ] && not_ok "seeds: $why"
done < <(tests/fuzz/seeds.sh "$fz" "$host")

printf '%-18s %6s %10s %12s %10s\n' target seeds "cov seeds" "cov +${seconds}s" execs
for bin in "$fz"/bin/fuzz_*; do
    t=$(basename "$bin")
    kind=${t#fuzz_}
    dir=$seeds/$kind
    nseeds=$(ls "$dir" 2>/dev/null | wc -l)
    if [ "$nseeds" -eq 0 ]; then
        not_ok "$t: has seeds (none in $dir)"
        continue
    fi
    log=$fz/$t.log
    mkdir -p "$fz/corpus/$t"
    # one pass over the seeds, then the fuzzing (inputs up to the largest seed: a whole call)
    "$bin" -runs=0 -rss_limit_mb=2048 -artifact_prefix="$fz/crashes/$t-" "$dir" >"$log.seeds" 2>&1
    rc_seeds=$?
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$fz/crashes/$t-" "$fz/corpus/$t" "$dir" >"$log" 2>&1
    rc=$?
    cov_seeds=$(grep -oE 'cov: [0-9]+' "$log.seeds" | tail -1 | grep -oE '[0-9]+')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    printf '%-18s %6d %10s %12s %10s\n' "$t" "$nseeds" "${cov_seeds:-?}" "${cov:-?}" "${execs:-?}"
    if [ "$rc_seeds" -ne 0 ]; then
        not_ok "$t: its $nseeds seeds run clean (exit $rc_seeds; see $log.seeds)"
        grep -E 'ERROR|SUMMARY' "$log.seeds" | head -5 | sed 's/^/#   /'
    else
        ok "$t: its $nseeds seeds run clean under ASan/UBSan (coverage $cov_seeds)"
    fi
    if [ "$rc" -ne 0 ]; then
        not_ok "$t: $seconds s of fuzzing without a crash, leak or hang (exit $rc; see $log, $fz/crashes)"
        grep -E 'ERROR|SUMMARY' "$log" | head -5 | sed 's/^/#   /'
    else
        ok "$t: $seconds s of fuzzing without a crash, leak or hang (coverage $cov, ${execs:-?} runs)"
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

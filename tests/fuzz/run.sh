#!/usr/bin/env bash
# tests/fuzz/run.sh FUZZBUILD HOSTBUILD SECONDS — every libFuzzer target (ASan + UBSan) over its
# seeds, then SECONDS more of fuzzing each; prints the coverage each reached and TAP.
#
# Seeds are made by the project, into FUZZBUILD/seeds/TARGET (nothing from ../shared/corpus):
#   pcap, wav, audiosocket  a real fax call placed in memory (HOSTBUILD/tools/mkseeds)
#   tiff                    tests/fuzz/seeds/tiff and a page rendered by faxsim render
#   config                  the boards' faxgate.conf and faxgated --print-config
#   extract, learn          labelled texts of tests/data/texts (ads and business faxes, en/fr/de)
#   sdp, udptl, rtp         tests/fuzz/seeds/KIND: SDP as Asterisk and phones write it, UDPTL with
#                           redundancy and FEC, RTP reordered with CSRC/extension/padding
#   webform                 tests/fuzz/seeds/webform: the web admin's forms, with hostile values
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
rm -rf "$seeds"
mkdir -p "$seeds"/{tiff,config,extract,learn} "$fz/corpus" "$fz/crashes"
if ! "$host/tools/mkseeds" "$seeds" >"$fz/mkseeds.log" 2>&1; then
    not_ok "seeds: mkseeds made a fax call ($(tail -1 "$fz/mkseeds.log"))"
fi
cp tests/fuzz/seeds/tiff/* "$seeds/tiff/"
for kind in sdp udptl rtp webform; do mkdir -p "$seeds/$kind" && cp tests/fuzz/seeds/$kind/* "$seeds/$kind/"; done
text=$(awk -F'\t' '$2 == "legit" && $3 == "fr" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$host/faxsim" render --res standard "tests/data/texts/$text" "$seeds/tiff/rendered.tif" >/dev/null 2>&1 ||
    not_ok "seeds: faxsim render"
for b in boards/*/faxgate.conf; do cp "$b" "$seeds/config/$(basename "$(dirname "$b")").conf"; done
"$host/faxgated" --print-config >"$seeds/config/effective.conf" 2>/dev/null
for spec in "ad en" "ad fr" "ad de" "legit en" "legit fr" "legit de"; do
    set -- $spec
    for f in $(awk -F'\t' -v l="$1" -v g="$2" '$2 == l && $3 == g { print $1 }' tests/data/texts/LABELS.tsv | sort | head -4); do
        cp "tests/data/texts/$f" "$seeds/extract/$(echo "$f" | tr / _)"
        cp "tests/data/texts/$f" "$seeds/learn/$(echo "$f" | tr / _)"
    done
done

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

#!/usr/bin/env bash
# tests/bench_prep.sh BUILD [ocr_prep options] — what cleaning a fax page before OCR buys (docs/ocr.md).
#
# Renders eight texts of the tune split (never report) in twelve degradations at 204x196 and 204x98
# and reads every page with each set of cleaning steps: word, phone and address recall, and wall/cpu
# time per page on one thread. Then the real pages of ../shared/corpus (no reference text except a
# few words of ITU chart 1: words found, mean confidence, time) and hostile pages of random noise.
# BENCH_PREP_CONFIGS overrides the step sets compared (see tests/bench/ocr_prep.c for the names).
# Needs BUILD/lib*.a (make tests-build); compiles tests/bench/ocr_prep.c itself.
set -eu
build=${1:-build/host}
shift || true
cd "$(dirname "$0")/.."
for f in "$build/libfaxgate.a" "$build/libfaxhost.a" "$build/libboard.a"; do
    [ -e "$f" ] || { echo "bench_prep: $f is missing: run make tests-build BUILD=$build first" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-prep-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pkgs="spandsp libtiff-4 tesseract lept sqlite3 inih cairo jansson nettle sndfile libpcap"
# shellcheck disable=SC2046
cflags="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iinclude -Ifirmware/core -Ihost/common $(pkg-config --cflags $pkgs 2>/dev/null)"
libs="-Wl,--start-group $build/libfaxhost.a $build/libfaxgate.a $build/libboard.a -Wl,--end-group $(pkg-config --libs $pkgs 2>/dev/null) $(cups-config --libs 2>/dev/null) -lgomp -lpthread -lm"
# shellcheck disable=SC2086
cc $cflags -o "$tmp/ocr_prep" tests/bench/ocr_prep.c $libs

# A fixed set: two ads and two business texts in English, two of each in French, German for fonts'
# sake (the engine reads eng+fra, as shipped). All of them must stay in the tune split.
texts="ad/en_cruise_caribbean.txt ad/en_medical_supplies.txt legit/en_invoice.txt legit/en_prescription.txt
ad/fr_grossiste_toner.txt legit/fr_bon_de_commande.txt ad/de_sonderangebot_toner.txt legit/de_bestellung.txt"
paths=()
for t in $texts; do
    split=$(awk -F'\t' -v f="$t" '$1 == f { print $7 }' tests/data/texts/LABELS.tsv)
    [ "$split" = tune ] || { echo "bench_prep: $t is not in the tune split (split '$split')" >&2; exit 2; }
    paths+=("tests/data/texts/$t")
done
corpus=${FAXGATE_CORPUS:-../shared/corpus}
extra=()
[ -d "$corpus" ] && extra+=(--corpus "$corpus")
echo
echo "== 1b. OCR of degraded pages: what cleaning them first buys (docs/ocr.md) =="
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$tmp/ocr_prep" --configs "${BENCH_PREP_CONFIGS:-none,default}" "${extra[@]}" --hostile "$@" "${paths[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

#!/usr/bin/env bash
# tests/bench_bands.sh BUILD — page 1 read in bands while it arrives ([ocr] bands = yes) against
# read whole when it has ended (bands = no), on the same pages. Figures, not assertions:
#   1. OCR alone (tests/bench/ocr_bands.c, one engine): word recall against the source text, the
#      advertiser as labelled and whether both readings give the same identity, OCR time.
#   2. faxgated at real-time pace (faxsim send --realtime, BENCH_BANDS_CALLS calls at once, bands
#      then whole, in ECM and without): end of page 1 -> verdict (ms_total) and OCR in that
#      (ms_ocr), and each call's verdict and advertiser compared between the two runs.
# BENCH_BANDS_PAGES labelled texts (en, fr) are rendered with faxsim render, fine and standard.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-bands-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
npages=${BENCH_BANDS_PAGES:-12}
ncalls=${BENCH_BANDS_CALLS:-4}

pkgs="spandsp libtiff-4 tesseract lept sqlite3 inih cairo jansson nettle sndfile libpcap libre libarchive libmicrohttpd libsodium gnutls"
# shellcheck disable=SC2046
cflags="-std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -Ifirmware/core -Ihost/common $(pkg-config --cflags $pkgs 2>/dev/null)"
libs="-Wl,--start-group $build/libfaxhost.a $build/libfaxgate.a $build/libboard.a -Wl,--end-group $(pkg-config --libs $pkgs 2>/dev/null) $(cups-config --libs 2>/dev/null) -lgomp -lpthread -lm"
# shellcheck disable=SC2086
cc $cflags -o "$tmp/ocr_bands" tests/bench/ocr_bands.c $libs || { echo "bench_bands: cannot build tests/bench/ocr_bands.c"; exit 1; }

labels=tests/data/texts/LABELS.tsv
i=0
: >"$tmp/pages.tsv"
awk -F'\t' '$1 !~ /^#/ && $1 != "file" && ($3 == "en" || $3 == "fr") { print $1 "\t" $3 "\t" $4 "\t" $5 }' "$labels" |
    sort | head -n "$npages" >"$tmp/texts.tsv"
while IFS=$'\t' read -r f lang adv cb; do
    res=fine
    [ $((i % 3)) = 2 ] && res=standard
    "$build/faxsim" render --res "$res" --seed "$i" "tests/data/texts/$f" "$tmp/$i.tif" >/dev/null
    printf '%s/%s.tif\ttests/data/texts/%s\t%s\t%s\t%s\n' "$tmp" "$i" "$f" "$lang" "$adv" "$cb" >>"$tmp/pages.tsv"
    i=$((i + 1))
done <"$tmp/texts.tsv"

echo "-- OCR alone, one engine: whole page (w) vs bands (b) on the same $i pages (2 of 3 fine, 1 of 3 standard)"
"$tmp/ocr_bands" <"$tmp/pages.tsv" | tee "$tmp/ocr_bands.out"

# #14 item 3, side by side in this run: the tesseract CLI on one thread (OMP_THREAD_LIMIT=1), same
# pages, same languages; its user + system CPU per page, and the same less its start-up (the CLI
# on a 1x1 white page: loading eng+fra), against faxgate's CPU per page whole and in bands.
if command -v tesseract >/dev/null; then
    cli_cpu() {   # cli_cpu FILE: user + system ms of one CLI run
        local t
        t=$( { TIMEFORMAT='%U %S'; time OMP_THREAD_LIMIT=1 tesseract "$1" - -l eng+fra >/dev/null 2>&1; } 2>&1 )
        awk -v t="$t" 'BEGIN { split(t, x, " "); printf "%.0f", (x[1] + x[2]) * 1000 }'
    }
    printf 'P1\n1 1\n0\n' >"$tmp/blank.pbm"
    start=0
    for _ in 1 2 3; do start=$((start + $(cli_cpu "$tmp/blank.pbm"))); done
    start=$((start / 3))
    sum=0
    while IFS=$'\t' read -r tif _; do sum=$((sum + $(cli_cpu "$tif"))); done <"$tmp/pages.tsv"
    cli=$((sum / i))
    awk -v cli="$cli" -v st="$start" -v line="$(grep '^OCR CPU per page' "$tmp/ocr_bands.out")" 'BEGIN {
        match(line, /whole [0-9]+/); w = substr(line, RSTART + 6, RLENGTH - 6)
        match(line, /all bands [0-9]+/); b = substr(line, RSTART + 10, RLENGTH - 10)
        printf "tesseract CLI, OMP_THREAD_LIMIT=1, eng+fra, same pages: %d ms CPU a page (%d ms of it start-up: models loaded)\n", cli, st
        printf "CPU a page, CLI / faxgate: whole page %.1fx (%.1fx without the CLI start-up), bands %.1fx (%.1fx); goal 5x\n",
               cli / w, (cli - st) / w, cli / b, (cli - st) / b }'
fi

run_calls() {   # run_calls yes|no ecm|no-ecm
    local bands=$1 mode=$2 dir="$tmp/gw-$1-$2" senders=() k ecm=()
    [ "$mode" = no-ecm ] && ecm=(--no-ecm)
    mkdir -p "$dir"
    cat >"$dir/faxgate.conf" <<CONF
[line]
listen = audiosocket://127.0.0.1:0
max_calls = 64
[store]
db = $dir/faxgate.db
[spool]
dir = $dir/spool
min_free_mb = 1
[printer]
uri = spool:$dir/out
[ocr]
bands = $bands
CONF
    fg_start_gateway "$build" "$dir/faxgate.conf" "$dir/faxgated.log" || return 1
    for ((k = 0; k < ncalls && k < i; k++)); do
        "$build/faxsim" send --quiet --realtime "${ecm[@]}" --line "$FG_LINE" --tsi "BANDS-$k" "$tmp/$k.tif" >/dev/null 2>&1 &
        senders+=($!)
    done
    wait "${senders[@]}"
    for _ in $(seq 600); do
        [ "$(fg_sql "$dir/faxgate.db" "SELECT count(*) FROM calls WHERE verdict IN ('deliver','hold','drop')")" -ge "$k" ] && break
        sleep 0.1
    done
    fg_stop_pid "$FG_GATEWAY_PID"
    grep -o "call [0-9]*: page 1 read in .*" "$dir/faxgated.log" | sed 's/^/   /'
    if grep -q "its bands could not be used" "$dir/faxgated.log"; then
        echo "   bands = $bands: fell back to the whole page:"
        grep "its bands could not be used" "$dir/faxgated.log" | sed 's/^/     /'
    fi
}

for mode in ecm no-ecm; do
    echo
    echo "-- faxgated, $ncalls calls at once at real-time pace (faxsim send --realtime, $mode), bands then whole page"
    run_calls yes "$mode" || exit 1
    run_calls no "$mode" || exit 1
    printf '%-10s %-26s %-26s %10s %10s %9s %9s\n' "call" "verdict/advertiser bands" "verdict/advertiser whole" "total-b" "total-w" "ocr-b" "ocr-w"
    q="SELECT tsi, verdict || '/' || coalesce(advertiser, '-'), printf('%.0f', ms_total), printf('%.0f', ms_ocr) FROM calls WHERE tsi LIKE 'BANDS-%' ORDER BY tsi"
    join -t '|' <(fg_sql "$tmp/gw-yes-$mode/faxgate.db" "$q" | sort) <(fg_sql "$tmp/gw-no-$mode/faxgate.db" "$q" | sort) |
        awk -F'|' '{ printf "%-10s %-26.26s %-26.26s %10s %10s %9s %9s%s\n", $1, $2, $5, $3, $6, $4, $7, ($2 == $5 ? "" : "   differs") }'
    for b in yes no; do
        fg_sql "$tmp/gw-$b-$mode/faxgate.db" "SELECT printf('$mode, bands = %-3s end of page 1 -> verdict: mean %.0f ms, min %.0f, max %.0f; OCR in that: mean %.0f ms (%d calls)', '$b', avg(ms_total), min(ms_total), max(ms_total), avg(ms_ocr), count(*)) FROM calls WHERE tsi LIKE 'BANDS-%' AND verdict != ''"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

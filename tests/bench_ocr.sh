#!/usr/bin/env bash
# tests/bench_ocr.sh BUILD — OCR time per page: the library (fg_ocr_page) against the tesseract CLI.
#
# Renders six pages with `faxsim render` (fonts, fine and standard resolution, noise, skew), then
# prints per-page and average milliseconds for:
#   api          fg_ocr_page on the main thread, OpenMP switched off by ocr.c (what faxgated does)
#   api-thread   the same on a plain pthread (a worker)
#   api-openmp   ocr.c built with -DFG_OCR_KEEP_OPENMP: Tesseract's OpenMP threads left on
#   api-noscale  standard pages OCR'd without doubling their rows (the 204x98 pixels stay tall)
#   workers      2 engines on 2 threads at once: the parallelism faxgated uses instead of OpenMP
#   cli          `tesseract PAGE.tif - -l eng+fra`, one process per page (includes loading models)
# Recall is the share of each source text's words (3+ letters) found in the OCR text.
# BENCH_SCALING=1 adds 50 standard-resolution pages (3 texts, 5 fonts, 9 and 11 pt, two margins,
# every third one noisy) read with and without doubling their rows.
# Needs BUILD/faxsim and BUILD/lib*.a (make tests-build); compiles tests/bench/ocr_api.c itself.
set -eu
build=${1:-build/host}
cd "$(dirname "$0")/.."
for f in "$build/faxsim" "$build/libfaxgate.a" "$build/libfaxhost.a" "$build/libboard.a"; do
    [ -e "$f" ] || { echo "bench_ocr: $f is missing: run make tests-build BUILD=$build first" >&2; exit 2; }
done
command -v tesseract >/dev/null || { echo "bench_ocr: the tesseract CLI is missing (apt-get install tesseract-ocr)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pkgs="spandsp libtiff-4 tesseract lept sqlite3 inih cairo jansson nettle sndfile libpcap"
# shellcheck disable=SC2046
cflags="-std=c11 -D_GNU_SOURCE -O2 -g -DFG_HAVE_AUDIOSOCKET -DFG_HAVE_IPP -Iinclude -Ifirmware/core -Ihost/common $(pkg-config --cflags $pkgs 2>/dev/null)"
libs="-Wl,--start-group $build/libfaxhost.a $build/libfaxgate.a $build/libboard.a -Wl,--end-group $(pkg-config --libs $pkgs 2>/dev/null) $(cups-config --libs 2>/dev/null) -lgomp -lpthread -lm"
# shellcheck disable=SC2086
cc $cflags -o "$tmp/ocr_api" tests/bench/ocr_api.c $libs
# The variant object comes first on the line, so the archive's ocr.o is not pulled in.
# shellcheck disable=SC2086
cc $cflags -DFG_OCR_KEEP_OPENMP -c -o "$tmp/ocr_keep.o" firmware/core/ocr.c
# shellcheck disable=SC2086
cc $cflags -o "$tmp/ocr_api_openmp" tests/bench/ocr_api.c "$tmp/ocr_keep.o" $libs

cat > "$tmp/ad.txt" <<'EOF'
# HUGE TONER SALE!
## Save up to 70% on all printer supplies

Dear Office Manager,

We are pleased to offer your business our lowest prices ever on laser toner cartridges, inkjet
refills and copy paper. All brands: Canon, Brother, Xerox, Lexmark. Free delivery on orders
over $99 within the continental United States. Quantities are limited, order now.

^ ! CALL TOLL FREE 1-877-555-0142 TODAY
^ or visit www.acme-toner.example

> ACME Office Supply Inc.
> 120 Industrial Parkway, Chicago IL 60601
---
To be removed from our fax list, call 1-800-555-0199 or fax 1-800-555-0198.
EOF
cat > "$tmp/lettre.txt" <<'EOF'
> Lyon, le 12 novembre 2026

Objet : confirmation de votre commande numéro 4471

Madame, Monsieur,

Nous avons bien reçu votre commande du 8 novembre et nous vous en remercions. Les articles
seront expédiés depuis notre entrepôt de Villeurbanne dès réception de votre règlement.
Le délai de livraison habituel est de cinq jours ouvrés.

Pour toute question, notre service clientèle reste à votre disposition du lundi au vendredi,
de neuf heures à dix-huit heures, au 04 78 55 01 42.

Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.

> Hélène Dupré, responsable commerciale
EOF
cat > "$tmp/memo.txt" <<'EOF'
## MEMORANDUM
TO:      All branch managers
FROM:    Regional operations
DATE:    November 27, 2026
SUBJECT: Quarterly inventory count
---
The quarterly inventory count will take place on Saturday, December 5. Each branch must
close its stockroom at noon on Friday and send the signed count sheets to the regional
office by Monday evening. Please confirm the names of two counters for your branch.
Questions about the procedure should go to the operations desk, extension 2214.
EOF
hdr="NOV-27-2026 14:02  FROM: ACME SUPPLY  +1 312 555 0142  P.1/1"
render() {   # render NAME TEXT OPTIONS...
    local name=$1 text=$2
    shift 2
    "$build/faxsim" render "$@" "$tmp/$text.txt" "$tmp/$name.tif"
    cp "$tmp/$text.txt" "$tmp/$name.txt"
}
render p1-ad-fine ad --header "$hdr"
render p2-ad-std ad --res standard --font "Liberation Sans" --header "$hdr"
render p3-lettre-fine lettre --font "DejaVu Serif" --header "$hdr"
render p4-lettre-std lettre --res standard --font "Liberation Serif" --noise light --seed 7
render p5-memo-fine memo --font "Liberation Mono" --size 10 --skew 1 --logo
render p6-memo-std memo --res standard --size 12 --noise medium --seed 3 --stripes
pages=("$tmp"/p*.tif)
std_pages=("$tmp"/p*-std.tif)

run() {   # run LABEL PROGRAM ARGS...
    local label=$1
    shift
    echo "== $label"
    "$@"
}
run "api (main thread, OpenMP off)" "$tmp/ocr_api" "${pages[@]}"
run "api-thread (plain pthread, OpenMP off)" "$tmp/ocr_api" --thread "${pages[@]}"
run "api-openmp (main thread, Tesseract's OpenMP left on)" "$tmp/ocr_api_openmp" "${pages[@]}"
run "api-openmp-thread (plain pthread, OpenMP left on)" "$tmp/ocr_api_openmp" --thread "${pages[@]}"
run "api, standard pages with rows doubled (default)" "$tmp/ocr_api" "${std_pages[@]}"
run "api-noscale, standard pages as they are" "$tmp/ocr_api" --no-square "${std_pages[@]}"
run "workers, OpenMP off" "$tmp/ocr_api" --workers 2 "${pages[@]}"
run "workers, OpenMP left on" "$tmp/ocr_api_openmp" --workers 2 "${pages[@]}"

cli() {   # cli LABEL [ENV=VALUE]
    local label=$1 env=${2:-} sum_w=0 sum_c=0 n=0 t wall cpu
    echo "== $label"
    for p in "${pages[@]}"; do
        t=$( { TIMEFORMAT='%R %U %S'; time env $env tesseract "$p" - -l eng+fra >/dev/null 2>&1; } 2>&1 )
        read -r r u s <<<"$t"
        wall=$(awk -v r="$r" 'BEGIN { printf "%.0f", r * 1000 }')
        cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.0f", (u + s) * 1000 }')
        printf '%-24s wall %6d ms  cpu %6d ms\n' "$(basename "$p")" "$wall" "$cpu"
        sum_w=$((sum_w + wall)); sum_c=$((sum_c + cpu)); n=$((n + 1))
    done
    echo "average over $n pages: wall $((sum_w / n)) ms  cpu $((sum_c / n)) ms"
}
if [ "${BENCH_SCALING:-0}" = 1 ]; then
    mkdir -p "$tmp/scaling"
    i=0
    for t in ad lettre memo; do
        for f in "DejaVu Sans" "DejaVu Serif" "Liberation Sans" "Liberation Serif" "Liberation Mono"; do
            for s in 9 11; do
                for seed in 0 1; do
                    [ "$t" = memo ] && [ "$seed" = 1 ] && continue
                    i=$((i + 1))
                    noise=()
                    [ $((i % 3)) = 0 ] && noise=(--noise light --seed "$i")
                    "$build/faxsim" render --res standard --font "$f" --size "$s" --margin $((15 + 5 * seed)) \
                        "${noise[@]}" "$tmp/$t.txt" "$tmp/scaling/s$i.tif"
                    cp "$tmp/$t.txt" "$tmp/scaling/s$i.txt"
                done
            done
        done
    done
    echo "== scaling: $i standard pages, rows doubled (default)"
    "$tmp/ocr_api" "$tmp"/scaling/*.tif | tail -n 1
    echo "== scaling: the same pages as they are"
    "$tmp/ocr_api" --no-square "$tmp"/scaling/*.tif | tail -n 1
fi

cli "cli: tesseract PAGE.tif - -l eng+fra (process per page)"
cli "cli with OMP_THREAD_LIMIT=1" OMP_THREAD_LIMIT=1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

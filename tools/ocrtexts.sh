#!/usr/bin/env bash
# tools/ocrtexts.sh BUILD OUT-DIR [SPLIT...]: each labelled text of the given splits (default tune and
# campaign) rendered as a fax page by faxsim render (four fonts, fine or standard resolution, noise 4)
# and read back by faxgatectl scan; OUT-DIR/<file> holds the OCR text, for learncv/campaigncv --ocr.
# Texts already read are kept (delete OUT-DIR to start again).
set -u
build=${1:?usage: tools/ocrtexts.sh BUILD OUT-DIR [SPLIT...]}
out=${2:?usage: tools/ocrtexts.sh BUILD OUT-DIR [SPLIT...]}
shift 2
splits=${*:-tune campaign}
cd "$(dirname "$0")/.." || exit 2
mkdir -p "$out"
fonts=("DejaVu Sans" "Liberation Serif" "DejaVu Serif" "Liberation Sans")
i=0
awk -F'\t' -v s=" $splits " '$1 !~ /^#/ && $1 != "file" && index(s, " " $7 " ") { print $1 "\t" $3 }' \
    tests/data/texts/LABELS.tsv tests/data/texts/labels-*.tsv | sort -u |
while IFS=$'\t' read -r f lang; do
    i=$((i + 1))
    [ -s "$out/$f" ] && continue
    mkdir -p "$out/$(dirname "$f")"
    res=$([ $((i % 3)) = 2 ] && echo standard || echo fine)
    country=$(case $lang in fr) echo FR ;; de) echo DE ;; *) echo US ;; esac)
    printf '[store]\ndb = %s/none.db\n[site]\ncountry = %s\n' "$out" "$country" >"$out/scan.conf"
    "$build/faxsim" render --font "${fonts[i % 4]}" --res "$res" --seed "$i" --noise 4 "tests/data/texts/$f" \
        "$out/page.tif" >/dev/null 2>&1 || { echo "render failed: $f" >&2; continue; }
    "$build/faxgatectl" --config "$out/scan.conf" --json scan --res "$res" "$out/page.tif" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["text"])' >"$out/$f" ||
        { echo "scan failed: $f" >&2; rm -f "$out/$f"; }
done
rm -f "$out/page.tif" "$out/scan.conf"

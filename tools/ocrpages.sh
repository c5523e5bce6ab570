#!/usr/bin/env bash
# tools/ocrpages.sh BUILD OUT-DIR [SPLIT...]: the OCR texts tools/lrcv reads, made once and kept.
#   OUT-DIR/funsd/<page>.txt  each FUNSD page of the corpus ($FAXGATE_CORPUS, default ../shared/corpus)
#                             read as `faxgatectl scan` and `make eval` read it (lrcv --funsd)
#   OUT-DIR/texts/<file>      each labelled text of the splits (default: none) rendered as a fax page
#                             and read back exactly as `faxgatectl eval --pages` does in make eval
#                             (lrcv --ocr); one Tesseract engine, about 1 s a page
# What is already there is kept (delete OUT-DIR to start again). Nothing here is tuned: lrcv chooses.
set -u
build=${1:?usage: tools/ocrpages.sh BUILD OUT-DIR [SPLIT...]}
out=${2:?usage: tools/ocrpages.sh BUILD OUT-DIR [SPLIT...]}
shift 2
cd "$(dirname "$0")/.." || exit 2
ctl=$build/faxgatectl
corpus=${FAXGATE_CORPUS:-../shared/corpus}
[ -x "$ctl" ] || { echo "ocrpages: $ctl is missing: build first" >&2; exit 2; }
mkdir -p "$out/funsd" "$out/texts"
# a store that does not exist: eval and scan then judge without one (and create none)
printf '[store]\ndb = %s/none.db\n' "$(cd "$out" && pwd)" >"$out/scan.conf"
if [ -d "$corpus/funsd" ]; then
    for f in "$corpus"/funsd/*.png; do
        b=$(basename "$f" .png)
        [ -s "$out/funsd/$b.txt" ] && continue
        "$ctl" --config "$out/scan.conf" --json scan "$f" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["text"])' >"$out/funsd/$b.txt" ||
            { echo "ocrpages: scan failed: $f" >&2; rm -f "$out/funsd/$b.txt"; }
    done
else
    echo "ocrpages: no corpus at $corpus (set FAXGATE_CORPUS): no FUNSD texts" >&2
fi
for split in "$@"; do
    raw=$out/raw-$split
    if [ ! -f "$raw/rows.tsv" ]; then
        "$ctl" --config "$out/scan.conf" eval tests/data/texts --split "$split" --pages --texts "$raw" \
            >"$out/eval-$split.txt" 2>"$out/eval-$split.err"
        [ $? -le 1 ] && [ -f "$raw/rows.tsv" ] || { echo "ocrpages: eval of $split failed: $(tail -1 "$out/eval-$split.err")" >&2; exit 1; }
    fi
    awk -F'\t' '$1 !~ /^#/ { print $1 "\t" $2 }' "$raw/rows.tsv" | while IFS=$'\t' read -r n f; do
        src=$raw/$(printf %04d "$n").txt
        [ -f "$src" ] || continue
        mkdir -p "$out/texts/$(dirname "$f")"
        cp "$src" "$out/texts/$f"
    done
done
rm -f "$out/scan.conf"

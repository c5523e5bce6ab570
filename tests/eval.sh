#!/usr/bin/env bash
# make eval — faxgate against bogofilter, on data neither was trained on. One table, then one
# PASS/FAIL line per "Done when" criterion of issue 3. Protocol and definitions: docs/evaluation.md.
#
#   tests/eval.sh [BUILD] [--strict]     --strict (or FAXGATE_EVAL_STRICT=1 make eval): exit non-zero
#                                        when a criterion fails or could not be measured
#   FAXGATE_CORPUS=DIR (default ../shared/corpus), FAXGATE_EVAL_KEEP=1 (keep the work directory)
#
# Every evaluation gets a fresh store (faxgate) and a fresh -d directory (bogofilter), both trained
# on exactly the same texts, and both score exactly the same test texts: for pages, the OCR text
# faxgate read (from `faxgatectl eval --texts`). Nothing is tuned here; the report split and the
# corpus are only counted.
#   own set     train on split tune; report split as texts, and as rendered fax pages read by OCR
#   FUNSD, ITU  legitimate pages through OCR (trained on own tune)
#   Tobacco     stratified 5-fold cross-validation: own tune + 4 folds → the 5th; aggregated
set -u
strict=${FAXGATE_EVAL_STRICT:-0}
build=build/host
for a in "$@"; do
    case $a in
    --strict) strict=1 ;;
    -*) echo "usage: tests/eval.sh [BUILD] [--strict]" >&2; exit 2 ;;
    *) build=$a ;;
    esac
done
build=$(cd "$build" && pwd) || exit 2
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
ctl=$build/faxgatectl
texts=$root/tests/data/texts
corpus=${FAXGATE_CORPUS:-$root/../shared/corpus}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-eval-XXXXXX")
# FAXGATE_EVAL_KEEP=1 keeps the stores, detail files and judged texts for a closer look
if [ "${FAXGATE_EVAL_KEEP:-0}" = 1 ]; then
    trap 'echo "make eval: kept $tmp (remove it when done)"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM
results=$tmp/results.tsv      # one line per judged row of every evaluation, see eval_row below
: >"$results"
export LC_ALL=C               # file order, sort and number formats must not depend on the locale
t_start=$SECONDS

for tool in bogofilter bogoutil; do
    command -v $tool >/dev/null || { echo "make eval: $tool is missing (Debian package bogofilter; make deps)" >&2; exit 2; }
done
[ -x "$ctl" ] || { echo "make eval: $ctl is missing: build first" >&2; exit 2; }

# The learned part exists once `faxgatectl train` does (it is in the command list of --help);
# until then faxgate runs on its rules alone.
if "$ctl" --help 2>/dev/null | grep -q '^ *faxgatectl train '; then learned=1; else learned=0; fi

# new_model NAME: a directory with a faxgate configuration (empty store, no starter model) and an
# empty bogofilter word list. Prints the directory. faxgate-LANG.conf (same store) trains the texts
# of one language with its country, as `faxgatectl eval` judges them.
new_model() {
    local d=$tmp/$1 lang country
    mkdir -p "$d/bogo" "$d/msg"
    cat >"$d/faxgate.conf" <<EOF
[store]
db = $d/faxgate.db
[spool]
dir = $d/spool
[classify]
starter_model = no
EOF
    for lang in en:US fr:FR de:DE; do
        country=${lang#*:} lang=${lang%%:*}
        { cat "$d/faxgate.conf"; printf '[site]\ncountry = %s\n' "$country"; } >"$d/faxgate-$lang.conf"
    done
    echo "$d"
}

# as_messages DIR LIST: each file of LIST (lines "lang<TAB>path") as a mail message for bogofilter
# (an empty header, then the text as body); prints the message paths.
as_messages() {
    local d=$1 list=$2 lang f n=0
    while IFS=$'\t' read -r lang f; do
        n=$((n + 1))
        { echo; cat "$f"; } >"$d/$(basename "$list" .list)-$n.msg"
        echo "$d/$(basename "$list" .list)-$n.msg"
    done <"$list"
}

# train DIR ADS.list LEGIT.list: both classifiers learn exactly these files (lines "lang<TAB>path").
train() {
    local d=$1 ads=$2 legit=$3 n_ads n_legit counts lang list opt
    n_ads=$(wc -l <"$ads"); n_legit=$(wc -l <"$legit")
    if [ "$learned" = 1 ]; then
        for list in "$ads:--ad" "$legit:--legit"; do
            opt=${list##*:} list=${list%:*}
            for lang in en fr de; do
                awk -F'\t' -v l=$lang '$1 == l { print $2 }' "$list" >"$d/train.files"
                [ -s "$d/train.files" ] || continue
                xargs -d '\n' "$ctl" --config "$d/faxgate-$lang.conf" train "$opt" <"$d/train.files" >>"$d/train.log" 2>&1 ||
                    { echo "  faxgate train $opt FAILED ($(basename "$d"), $lang): $(tail -1 "$d/train.log")"; train_failed=1; }
            done
        done
    fi
    as_messages "$d/msg" "$ads" | xargs -d '\n' bogofilter -C -d "$d/bogo" -s -B
    as_messages "$d/msg" "$legit" | xargs -d '\n' bogofilter -C -d "$d/bogo" -n -B
    counts=$(bogoutil -d "$d/bogo/wordlist.db" 2>/dev/null | awk '$1 == ".MSG_COUNT" { print $2 "/" $3 }')
    [ "$counts" = "$n_ads/$n_legit" ] ||
        echo "  bogofilter learned $counts messages (spam/ham), expected $n_ads/$n_legit ($(basename "$d"))"
}

# evaluate SOURCE DIR ARGS...: `faxgatectl eval` with the model in DIR, then bogofilter on the very
# texts faxgate judged; appends one line per row to $results:
#   source lang label verdict adv_expected adv_ok optout_expected optout_ok ocr ocr_ms error bogo_class bogo_spamicity
#   faxgate_score
evaluate() {
    local src=$1 d=$2 out rc n file label lang verdict rest class spam
    shift 2
    out=$d/out-$src
    "$ctl" --config "$d/faxgate.conf" eval "$@" --texts "$out" --detail "$out.jsonl" >"$out.txt" 2>"$out.err"
    rc=$?
    if [ "$rc" -gt 1 ] || [ ! -f "$out/rows.tsv" ]; then
        echo "  $src: faxgatectl eval failed (exit $rc): $(tail -3 "$out.err")"
        eval_failed=1
        return
    fi
    [ -s "$out.err" ] && sed "s/^/  $src: /" "$out.err"
    grep -q '"BAYES_' "$out.jsonl" && bayes_rows=$((bayes_rows + $(grep -c '"BAYES_' "$out.jsonl")))
    while IFS=$'\t' read -r n file label lang verdict rest; do
        case $n in '#'*) continue ;; esac
        class= spam=
        if [ "$verdict" != error ] && [ -f "$out/$(printf %04d "$n").txt" ]; then
            { echo; cat "$out/$(printf %04d "$n").txt"; } >"$out/msg"
            read -r class spam < <(bogofilter -C -d "$d/bogo" -t --terse-format='%1.1c %p' \
                --spamicity-formats='%0.9e, %0.9e, %0.9e' -I "$out/msg")
        fi
        # rest: adv_expected adv_ok optout_expected optout_ok ocr ocr_ms error score
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$src" "$lang" "$label" "$verdict" \
            "$(cut -f1-7 <<<"$rest")" "${class:--}" "${spam:--}" "$(cut -f8 <<<"$rest")" >>"$results"
    done <"$out/rows.tsv"
}

lap() { echo "  … $(($SECONDS - $1)) s"; }
train_failed=0 eval_failed=0 bayes_rows=0

echo "== make eval: faxgate $(basename "$build") vs bogofilter $(bogofilter -V 2>&1 | awk 'NR == 1 { print $3 }') =="
if [ "$learned" = 1 ]; then
    echo "learned part: trained per evaluation with faxgatectl train (fresh store, [classify] starter_model = no)"
else
    echo "learned part: ABSENT (faxgatectl train is not in this build): faxgate's figures are its named rules alone"
fi

# ---- own labelled set: train on tune, report on report ----
t=$SECONDS
own=$(new_model own)
"$ctl" eval "$texts" --split tune --list >"$tmp/tune.tsv" || { echo "make eval: the label files are broken" >&2; exit 2; }
awk -F'\t' '$1 == "ad" { print $2 "\t" $3 }' "$tmp/tune.tsv" >"$own/ads.list"
awk -F'\t' '$1 == "legit" { print $2 "\t" $3 }' "$tmp/tune.tsv" >"$own/legit.list"
echo "own set ($(ls "$texts"/LABELS.tsv "$texts"/labels-*.tsv 2>/dev/null | wc -l) label file(s)), training on split tune:" \
    "$(wc -l <"$own/ads.list") ads, $(wc -l <"$own/legit.list") legit"
train "$own" "$own/ads.list" "$own/legit.list"
evaluate own-text "$own" "$texts" --split report
echo "own set, split report, texts: $(grep -c '^own-text' "$results") rows$(lap $t)"
t=$SECONDS
evaluate own-pages "$own" "$texts" --split report --pages
echo "own set, split report, rendered fax pages through OCR: $(grep -c '^own-pages' "$results") rows$(lap $t)"

# ---- ../shared/corpus ----
if [ -f "$corpus/MANIFEST.tsv" ]; then
    corpus=$(cd "$corpus" && pwd)
    t=$SECONDS
    # FUNSD and ITU: legitimate pages (label file written from the corpus's own manifest)
    for set in funsd itu; do
        awk -F'\t' -v s="$set/" 'index($1, s) == 1 && $2 == "legit" { print $1 "\tlegit\ten\t-\t-\tno\treport" }' \
            "$corpus/MANIFEST.tsv" | sort >"$tmp/$set.tsv"
        evaluate "$set" "$own" "$tmp/$set.tsv" --base "$corpus"
    done
    echo "corpus: FUNSD $(grep -c '^funsd' "$results") and ITU $(grep -c '^itu' "$results") pages through OCR$(lap $t)"
    # Tobacco3482: stratified 5-fold cross-validation, the i-th file of each class (name order) in fold i mod 5
    t=$SECONDS
    ls "$corpus"/tobacco3482/ADVE_*.txt | sort >"$tmp/tob-ads.all"
    ls "$corpus"/tobacco3482/*.txt | grep -v '/ADVE_' | sort >"$tmp/tob-legit.all"
    for k in 0 1 2 3 4; do
        fold=$(new_model "tobacco-$k")
        awk -v k=$k '(NR - 1) % 5 != k { print "en\t" $0 }' "$tmp/tob-ads.all" | cat "$own/ads.list" - >"$fold/ads.list"
        awk -v k=$k '(NR - 1) % 5 != k { print "en\t" $0 }' "$tmp/tob-legit.all" | cat "$own/legit.list" - >"$fold/legit.list"
        { awk -v k=$k '(NR - 1) % 5 == k { print $0 "\tad" }' "$tmp/tob-ads.all"
          awk -v k=$k '(NR - 1) % 5 == k { print $0 "\tlegit" }' "$tmp/tob-legit.all"; } |
            awk -F'\t' '{ print $1 "\t" $2 "\ten\t-\t-\tno\treport" }' >"$fold/test.tsv"
        train "$fold" "$fold/ads.list" "$fold/legit.list"
        evaluate tobacco "$fold" "$fold/test.tsv"
    done
    echo "corpus: Tobacco3482, 5 folds, $(grep -c '^tobacco' "$results") texts scored once each$(lap $t)"
    have_corpus=1
else
    echo "corpus: ABSENT at $corpus (set FAXGATE_CORPUS): FUNSD, ITU and Tobacco rows and criteria are not measured"
    have_corpus=0
fi

echo
awk -F'\t' -v have_corpus=$have_corpus -v learned=$learned -v strict=$strict \
    -v errors_extra=$((train_failed + eval_failed)) -f tests/eval_table.awk "$results"
status=$?
[ "$learned" = 1 ] && echo "learned score (BAYES_*) present in $bayes_rows of $(wc -l <"$results") records"
echo
echo "Definitions (faxgatectl eval):"
sed -n '/^not printed = /,/^$/p' "$tmp/own/out-own-text.txt" 2>/dev/null | sed 's/^/  /'
echo "bogofilter: -C (compiled-in defaults), spam = S (spamicity >= 0.99), spam+unsure = S or U (>= 0.45); see docs/evaluation.md"
echo "make eval: $((SECONDS - t_start)) s"
[ "$strict" = 1 ] && exit "$status"
exit 0

#!/usr/bin/env bash
# faxgatectl eval on the project's held-out texts (split report, text mode, no training), asserting
# only what must never happen: a legitimate fax dropped, a row not judged, a broken label file
# accepted. The figures themselves are make eval's job. Prints TAP.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-e2e-eval-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# no store: the named rules alone, and nothing created outside tmp
printf '[store]\ndb = %s/none.db\n' "$tmp" >"$tmp/eval.conf"
ctl=("$build/faxgatectl" --config "$tmp/eval.conf")
texts=tests/data/texts

"${ctl[@]}" eval "$texts" --split report --texts "$tmp/out" --detail "$tmp/detail.jsonl" >"$tmp/eval.txt" 2>"$tmp/eval.err"
rc=$?
fg_check "faxgatectl eval runs on the report split (exit $rc)" [ "$rc" -eq 0 ]
sed 's/^/# /' "$tmp/eval.txt" | head -8
want=$("${ctl[@]}" eval "$texts" --split report --list | wc -l)
got=$(grep -vc '^#' "$tmp/out/rows.tsv" 2>/dev/null)
fg_check "every report row judged and listed ($got of $want)" [ "$want" -gt 0 -a "$got" = "$want" ]
fg_check "one detail object per row" [ "$(wc -l <"$tmp/detail.jsonl")" = "$want" ]
# (a missing rows.tsv must fail these too, not pass them for want of rows)
errors=$(awk -F'\t' '$1 !~ /^#/ && $12 != 0' "$tmp/out/rows.tsv" 2>/dev/null | wc -l)
fg_check "no row errors ($errors)" [ -f "$tmp/out/rows.tsv" -a "$errors" -eq 0 ]
dropped=$(awk -F'\t' '$3 == "legit" && $5 == "drop" { print $2 }' "$tmp/out/rows.tsv" 2>/dev/null)
[ -n "$dropped" ] && echo "# dropped: $dropped"
fg_check "no legitimate text dropped" [ -f "$tmp/out/rows.tsv" -a -z "$dropped" ]
fg_check "the JSON totals parse with the same row count" \
    bash -c "'${ctl[0]}' --config '$tmp/eval.conf' --json eval '$texts' --split report | grep -q '\"n\": $want,'"

# a broken label file is refused, saying where, before anything is judged
printf 'file\tlabel\tlang\tadvertiser\tcallback\toptout\tsplit\nad/en_debt_relief.txt\tspam\ten\t-\t-\tno\treport\n' >"$tmp/bad.tsv"
"${ctl[@]}" eval "$tmp/bad.tsv" --base "$texts" >"$tmp/bad.out" 2>&1
rc=$?
said=$(grep -c "bad.tsv:2: label 'spam' is neither ad nor legit" "$tmp/bad.out")
fg_check "a label file with an unknown label is refused (exit $rc): $(head -1 "$tmp/bad.out")" \
    [ "$rc" -eq 2 -a "$said" -ge 1 ]
# a missing text is a counted row error, not a silent skip
printf 'ad/no_such_file.txt\tad\ten\t-\t-\tno\treport\nlegit/en_court_notice.txt\tlegit\ten\t-\t-\tno\treport\n' >"$tmp/missing.tsv"
"${ctl[@]}" eval "$tmp/missing.tsv" --base "$texts" >"$tmp/missing.out" 2>&1
rc=$?
said=$(grep -c "no_such_file.txt: .*cannot open" "$tmp/missing.out")
fg_check "a missing text is reported as a row error, the other row still judged (exit $rc)" \
    [ "$rc" -eq 1 -a "$said" -ge 1 ]
fg_tap_end

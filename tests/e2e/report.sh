#!/usr/bin/env bash
# End to end: complaint reports (faxgatectl report). Real fax calls (faxsim over an AudioSocket line
# on loopback: no printer, no DNS-SD, no root) into a faxgated that records them; then, without the
# daemon, reports read back with poppler's pdfinfo / pdftotext / pdftoppm. Prints TAP.
#   1. a 2-page advertisement, marked junk: its report (us) has 1 + 2 sheets; the facts name its
#      caller ID, TSI, advertiser and the rule broken; each page's SHA-256 is the stored one and is
#      re-verified; the time is printed in the site's time zone; page 2 is the fax, not a blank
#   2. a fax held for review: its violations are pending, under that heading
#   3. --profile fr words the facts as the CNIL's form does; --json gives the same facts
#   4. --advertiser: a summary of the advertiser's faxes (by name, any case, or a number it gave)
#   5. --bundle (tar and zip): the PDF, the JSON, the TIFF and SHA256SUMS, which sha256sum -c checks
#   6. errors: an unknown call or profile, an output that cannot be written, a deleted TIFF (the
#      report is still written, says so, exits 1), a page hash altered in the store (DOES NOT MATCH)
# The PNG of the facts sheet stays in the test's folder (its path is printed).
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-report-XXXXXX")
# on success only the rendered PNGs are kept (their paths are printed); on failure everything
trap 'fg_cleanup; if [ "$FG_TAP_FAILED" -eq 0 ]; then find "$tmp" -mindepth 1 -depth ! -name "*.png" -exec rm -rf {} +; else echo "# kept for inspection: $tmp"; fi' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"

for tool in pdfinfo pdftotext pdftoppm sqlite3 jq; do
    if ! command -v "$tool" >/dev/null; then
        fg_skip "complaint reports" "$tool is not installed (make deps installs poppler-utils, sqlite3 and jq)"
        fg_tap_end
        exit 0
    fi
done

# --- fixtures: the two variants of one campaign, a second page, a supplier's price list (held) ---
camp1=tests/data/texts/ad/en_camp1_v1.txt
camp2=tests/data/texts/ad/en_camp1_v2.txt
cat >"$tmp/page2.txt" <<'EOF'
# Island Breeze Vacations - Reservation Form
Name: ______________________________  Phone: ____________________
Travel dates: ______________________  Number of guests: _________
Fax this form back to 1-888-555-0144 or call toll free 1-888-555-0141.
EOF
cat >"$tmp/pricelist.txt" <<'EOF'
11/20/2026 14:05 FROM: HARBOR DENTAL SUPPLY 312-555-0120 P.1/1
HARBOR DENTAL SUPPLY - WINTER PRICE LIST
Special pricing on gloves, masks and prophy paste, this month only!
Nitrile gloves, box of 100: only $7.95 - save 20% on cases of 10!
Prophy paste, 200 cups: $39.00. FREE shipping on orders over $150!
Call toll free 1-800-555-0131 to order today, or fax your order to 1-800-555-0132.
EOF
ok_render=0
"$faxsim" render --seed 1 --noise 1 "$camp1" "$tmp/camp1.tif" >"$tmp/render.log" 2>&1 && ok_render=$((ok_render + 1))
"$faxsim" render --seed 4 "$tmp/page2.txt" "$tmp/page2.tif" >>"$tmp/render.log" 2>&1 && ok_render=$((ok_render + 1))
"$faxsim" render --seed 2 --noise 1 --font "Liberation Serif" "$camp2" "$tmp/camp2.tif" >>"$tmp/render.log" 2>&1 &&
    ok_render=$((ok_render + 1))
"$faxsim" render --seed 3 "$tmp/pricelist.txt" "$tmp/price.tif" >>"$tmp/render.log" 2>&1 && ok_render=$((ok_render + 1))
fg_check "rendered the fixture pages with faxsim render" [ "$ok_render" -eq 4 ]

{
    fg_local_conf "$db" "$tmp" "$tmp/out"
    cat <<EOF
[site]
country = US
number = +13125550100
timezone = Europe/Paris
[line]
listen = audiosocket://127.0.0.1:0
[classify]
bayes = yes
starter_model = yes
campaigns = yes
; this site has every advertisement the rules alone would not drop reviewed (the learned model's
; "sure" drop would take the supplier's price list, whose held violations part 2 needs pending)
model_drop = 10
[policy]
profiles = us,fr,de
EOF
} >"$tmp/faxgate.conf"
mkdir -p "$tmp/out"
if ! fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"; then
    fg_not_ok "faxgated starts"
    fg_tap_end
    exit 1
fi
fg_ok "faxgated answers on $FG_LINE"

# send TSI CALLER TIF...: one real call; prints the call's id once it is judged and filed.
send() {
    fg_send_judged "$build" "$db" "$tmp/send.log" "$@"
}

id1=$(send "BLAST ONE" "+17025550104" "$tmp/camp1.tif" "$tmp/page2.tif")
fg_check "a 2-page advertisement received (call $id1: $(fg_sql "$db" "SELECT verdict || ', ' || pages || ' pages' FROM calls WHERE id = '$id1'"))" \
    [ "$(fg_sql "$db" "SELECT pages FROM calls WHERE id = '$id1'")" = 2 ]
$ctl junk "$id1" >"$tmp/junk.log" 2>&1
fg_check "…marked junk by the operator" [ "$(fg_sql "$db" "SELECT verdict || ',' || verdict_by FROM calls WHERE id = '$id1'")" = "drop,operator" ]
id2=$(send "OTHER BLASTER" "+14155550199" "$tmp/camp2.tif")
fg_check "its second variant from another sender received (call $id2: $(fg_sql "$db" "SELECT verdict || ', ad ' || is_ad FROM calls WHERE id = '$id2'"))" \
    [ "$(fg_sql "$db" "SELECT verdict || is_ad FROM calls WHERE id = '$id2'")" = drop1 ]
id3=$(send "HARBOR DENTAL" "+13125550120" "$tmp/price.tif")
fg_check "a supplier's price list is held (call $id3: $(fg_sql "$db" "SELECT verdict || ', ' || (SELECT count(*) FROM violations WHERE call_id = calls.id) || ' violations' FROM calls WHERE id = '$id3'"))" \
    [ "$(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$id3'")" = hold ]
id4=$(send "BLAST AGAIN" "+17025550177" "$tmp/camp1.tif")
fg_check "the first variant again from another number (call $id4: $(fg_sql "$db" "SELECT verdict || ', callback ' || callback FROM calls WHERE id = '$id4'"))" \
    [ "$(fg_sql "$db" "SELECT verdict || callback FROM calls WHERE id = '$id4'")" = drop+18885550141 ]
fg_stop_pid "$FG_GATEWAY_PID"
fg_ok "faxgated stopped: the reports below need no daemon"

sql() { fg_sql "$db" "$1"; }
# has FILE TEXT: FILE contains TEXT (fixed string)
has() { grep -qF -- "$2" "$1"; }
# jqe ARGS...: jq -e, its output (true or false) kept off the TAP stream
jqe() { jq -e "$@" >/dev/null; }
# pages PDF: the number of pages pdfinfo counts
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
# dark PDF PAGE: pixels darker than mid-grey on that page rendered at 50 dpi in grey (PGM)
dark() {
    local base=$tmp/dark-$RANDOM f hdr
    pdftoppm -gray -r 50 -f "$2" -l "$2" "$1" "$base" || return 1
    f=$(ls "$base"*.pgm | head -1)
    hdr=$(head -n 3 "$f" | wc -c)   # P5, width height, 255 (pdftoppm writes no comments)
    tail -c +$((hdr + 1)) "$f" | od -An -v -tu1 | awk '{ for (i = 1; i <= NF; i++) if ($i < 128) d++ } END { print d + 0 }'
}
# stencil_sha PDF PAGE: SHA-256 of the raster of the 1-bit image on that page as pdfimages
# extracts it (PBM: 1 = black, rows padded to bytes, first pixel in the top bit: the very layout
# whose hash the store records for a page)
stencil_sha() {
    local base=$tmp/img-$RANDOM f hdr
    pdfimages -f "$2" -l "$2" "$1" "$base" || return 1
    f=$(ls "$base"*.pbm 2>/dev/null | head -1)
    [ -n "$f" ] || return 1
    hdr=$(head -n 2 "$f" | wc -c)
    tail -c +$((hdr + 1)) "$f" | sha256sum | cut -d' ' -f1
}

# --- 1. the junked 2-page advertisement, profile us ---
$ctl report "$id1" --profile us --out "$tmp/r1.pdf" >"$tmp/r1.out" 2>"$tmp/r1.err"
rc=$?
sed 's/^/# /' "$tmp/r1.out" "$tmp/r1.err"
fg_check "report $id1 --profile us writes a PDF and exits 0" [ "$rc" = 0 -a -s "$tmp/r1.pdf" ]
fg_check "pdfinfo: a PDF of 1 facts sheet + 2 fax pages ($(pages "$tmp/r1.pdf") pages)" [ "$(pages "$tmp/r1.pdf")" = 3 ]
pdftotext -layout "$tmp/r1.pdf" "$tmp/r1.txt"
pdftotext -layout -f 1 -l 1 "$tmp/r1.pdf" "$tmp/r1-facts.txt"
fg_check "the facts sheet is the FCC form's: its heading and 'Number that received the fax'" \
    bash -c "grep -q 'facts for the FCC consumer complaint form' '$tmp/r1-facts.txt' && grep -q 'Number that received the fax' '$tmp/r1-facts.txt'"
caller=$(sql "SELECT caller_id FROM calls WHERE id = $id1")
fg_check "…names the caller ID as recorded ($caller)" grep -qE "Fax number of sender \(caller ID\) +\\$caller\$" "$tmp/r1-facts.txt"
fg_check "…and the TSI ($(sql "SELECT tsi FROM calls WHERE id = $id1"))" grep -qE "\(sender's +TSI\) +BLAST ONE$|TSI\) +BLAST ONE$|BLAST ONE$" "$tmp/r1-facts.txt"
cb=$(sql "SELECT callback FROM calls WHERE id = $id1")
fg_check "…and the advertiser's number to call back ($cb), apart from the broadcaster's" \
    grep -qE "Numbers to call back +\\$cb\$" "$tmp/r1-facts.txt"
fg_check "…and what it advertised, as OCR read it" grep -qE "^What the fax advertised .*Island Breeze" "$tmp/r1-facts.txt"
fg_check "…and the header line sent with the fax" has "$tmp/r1-facts.txt" "FROM: FAXBLAST SVC"
fg_check "…the rule 47 USC 227(b)(1)(C) under 'Rules broken' (junked: standing)" \
    bash -c "sed -n '/^Rules broken/,/^Earlier/p' '$tmp/r1-facts.txt' | grep -q '^47 USC 227(b)(1)(C) '"
fg_check "…with the law's source" has "$tmp/r1-facts.txt" "https://www.law.cornell.edu/cfr/text/47/64.1200"
fg_check "…and no pending heading" bash -c "! grep -q 'Pending violations' '$tmp/r1-facts.txt'"
fg_check "…the receiving number the call recorded ([site] number, as the rules applied it)" \
    grep -qE "Number that received the fax +\+13125550100\$" "$tmp/r1-facts.txt"
started=$(sql "SELECT started FROM calls WHERE id = $id1")
want=$(TZ=Europe/Paris date -d "$started" '+%Y-%m-%d %H:%M:%S %Z (UTC%:z)')
fg_check "…received at $want: $started in [site] timezone Europe/Paris" has "$tmp/r1-facts.txt" "$want"
fg_check "…'no opt-out request on record' (report_optouts, until the opt-out log is wired)" \
    has "$tmp/r1-facts.txt" "no opt-out request on record"
for n in 1 2; do
    h=$(sql "SELECT sha256 FROM pages WHERE call_id = $id1 AND page_no = $n")
    fg_check "page $n's SHA-256 is the one in the store (${h:0:16}…), re-verified: 'matches the log'" \
        bash -c "grep -A1 -E 'SHA-256 of page $n +$h\$' '$tmp/r1-facts.txt' | tail -1 | grep -q 'matches the log'"
    fg_check "PDF page $((n + 1)) holds page $n's image bit for bit (pdfimages raster SHA-256 = the stored hash)" \
        [ "$(stencil_sha "$tmp/r1.pdf" $((n + 1)))" = "$h" ]
done
h=$(sql "SELECT tiff_sha256 FROM calls WHERE id = $id1")
fg_check "the TIFF's SHA-256 as stored (${h:0:16}…), re-verified" \
    bash -c "grep -A1 -E 'SHA-256 of the received file +$h\$' '$tmp/r1-facts.txt' | tail -1 | grep -q 'matches the log'"
h=$(sql "SELECT chain FROM calls WHERE id = $id1")
fg_check "the call's chain link as stored (${h:0:16}…), re-verified" \
    bash -c "grep -A1 -E 'Hash chain link of this call +$h\$' '$tmp/r1-facts.txt' | tail -1 | grep -q 'matches the log'"
d2=$(dark "$tmp/r1.pdf" 2)
fg_check "PDF page 2 rendered by pdftoppm is a fax page, not a blank ($d2 dark pixels at 50 dpi)" [ "${d2:-0}" -gt 2000 ]
pdftoppm -png -r 50 -f 1 -l 1 "$tmp/r1.pdf" "$tmp/facts-us"
png=$(ls "$tmp"/facts-us*.png 2>/dev/null | head -1)
fg_check "the facts sheet rendered to PNG" [ -s "$png" ]
# kept with the test logs for a person to look at (the temporary folder goes when the test passes)
mkdir -p "$build/test-logs" && cp "$png" "$build/test-logs/report-facts-us.png" && png=$build/test-logs/report-facts-us.png
echo "# facts sheet (profile us) rendered: $png"

# --- 2. a held fax: its violations are pending ---
$ctl report "$id3" --profile us --out "$tmp/r3.pdf" >/dev/null 2>"$tmp/r3.err"
rc=$?
pdftotext -layout -f 1 -l 1 "$tmp/r3.pdf" "$tmp/r3.txt"
fg_check "report on the held fax $id3 exits 0 with 1 + 1 pages" [ "$rc" = 0 -a "$(pages "$tmp/r3.pdf")" = 2 ]
fg_check "…lists its violations as pending, under that heading" \
    bash -c "sed -n '/^Pending violations (candidate, not yet an accusation)/,/^Earlier/p' '$tmp/r3.txt' | grep -q '^47 USC 227(b)(1)(C) '"
fg_check "…and never under 'Rules broken'" bash -c "! grep -q '^Rules broken' '$tmp/r3.txt'"
fg_check "…names the advertiser ($(sql "SELECT advertiser FROM calls WHERE id = $id3"))" \
    grep -qE "Company advertised +HARBOR DENTAL SUPPLY" "$tmp/r3.txt"

# --- 3. French wording; the JSON ---
$ctl report "$id1" --profile fr --out "$tmp/r1fr.pdf" >/dev/null 2>&1
pdftotext -layout -f 1 -l 1 "$tmp/r1fr.pdf" "$tmp/r1fr.txt"
fg_check "--profile fr: the CNIL form's labels" bash -c "grep -q 'Date et heure de réception' '$tmp/r1fr.txt' &&
    grep -q 'Numéro destinataire' '$tmp/r1fr.txt' && grep -q \"Identité de l'annonceur\" '$tmp/r1fr.txt' &&
    grep -q \"Moyen d'opposition\" '$tmp/r1fr.txt' && grep -q 'correspond au journal' '$tmp/r1fr.txt'"
fg_check "…only the fr profile's rules (CPCE L34-5), none of the US ones" \
    bash -c "grep -q '^CPCE L34-5' '$tmp/r1fr.txt' && ! grep -q '47 USC' '$tmp/r1fr.txt' && ! grep -q 'Number that received' '$tmp/r1fr.txt'"
$ctl report "$id1" --profile us --json >"$tmp/r1.json" 2>/dev/null
p1=$(sql "SELECT sha256 FROM pages WHERE call_id = $id1 AND page_no = 1")
fg_check "--json: the same facts (status standing, us rules only, page 1 re-verified against $(echo "${p1:0:16}")…)" \
    jqe --arg p1 "$p1" --arg caller "$caller" --arg want "$want" \
    '.status == "standing" and (.violations | length > 0) and all(.violations[]; .profile == "us")
     and any(.violations[]; .rule == "47 USC 227(b)(1)(C)") and .verification.pages[0].recorded == $p1
     and .verification.pages[0].recomputed == $p1 and .verification.pages[0].matches
     and .call.caller_id == $caller and .received_local == $want and .chain.intact
     and (.profile_info.law | contains("227")) and .optout_requests == []' "$tmp/r1.json"

# --- 4. one advertiser's faxes ---
$ctl report --advertiser "1-888-555-0141" --profile us --out "$tmp/adv.pdf" --json >"$tmp/adv.json" 2>"$tmp/adv.err"
rc=$?
pdftotext -layout -f 1 -l 1 "$tmp/adv.pdf" "$tmp/adv.txt"
fg_check "--advertiser by the number it gave: calls $id1 and $id4 (JSON total $(jq -c '[.total, [.calls[].call_id]]' "$tmp/adv.json"))" \
    [ "$rc" = 0 -a "$(jq -c '[.total, [.calls[].call_id]]' "$tmp/adv.json")" = "[2,[$id1,$id4]]" ]
fg_check "…a summary sheet first: 'Total faxes 2 (2 standing…)'" grep -qE "^Total faxes +2 \(2 standing, 0 pending" "$tmp/adv.txt"
fg_check "…one row per fax with its caller ID" \
    bash -c "grep -qE '^$id1 .*\\$caller' '$tmp/adv.txt' && grep -qE '^$id4 .*\\$(sql "SELECT caller_id FROM calls WHERE id = $id4")' '$tmp/adv.txt'"
fg_check "…then each fax's facts and pages: 1 + (1 + 2) + (1 + 1) = 6 pages ($(pages "$tmp/adv.pdf"))" [ "$(pages "$tmp/adv.pdf")" = 6 ]
$ctl report --advertiser "harbor DENTAL supply" --profile us --json >"$tmp/adv3.json" 2>/dev/null
fg_check "--advertiser by name in any case finds the held fax, pending" \
    jqe --argjson id "$id3" '.total == 1 and .calls[0].call_id == $id and .calls[0].status == "pending"' "$tmp/adv3.json"

# --- 5. bundles ---
for kind in tar zip; do
    b=$tmp/bundle.$kind
    $ctl report "$id1" --profile us --bundle "$b" >/dev/null 2>"$tmp/bundle.err"
    rc=$?
    mkdir -p "$tmp/x-$kind"
    if [ $kind = tar ]; then
        members=$(tar tf "$b" | sort | tr '\n' ' ')
        tar xf "$b" -C "$tmp/x-$kind"
    else
        members=$(unzip -Z1 "$b" | sort | tr '\n' ' ')
        unzip -q "$b" -d "$tmp/x-$kind"
    fi
    fg_check "--bundle .$kind: exits 0 with the 4 members (${members})" \
        [ "$rc" = 0 -a "$members" = "SHA256SUMS call-$id1.tif report.json report.pdf " ]
    fg_check "…sha256sum -c SHA256SUMS passes inside it" bash -c "cd '$tmp/x-$kind' && sha256sum --quiet -c SHA256SUMS"
    fg_check "…its TIFF is the one received (SHA-256 as stored)" \
        [ "$(sha256sum <"$tmp/x-$kind/call-$id1.tif" | cut -d' ' -f1)" = "$(sql "SELECT tiff_sha256 FROM calls WHERE id = $id1")" ]
    fg_check "…its PDF has the 3 pages, its JSON the call" \
        bash -c "[ \"\$(pdfinfo '$tmp/x-$kind/report.pdf' | sed -n 's/^Pages: *//p')\" = 3 ] && jq -e '.call_id == $id1' '$tmp/x-$kind/report.json' >/dev/null"
done

# --- 6. errors ---
expect_fail() {   # DESCRIPTION STATUS MESSAGE COMMAND...
    local d=$1 want=$2 msg=$3 rc
    shift 3
    "$@" >"$tmp/err.out" 2>"$tmp/err.txt"
    rc=$?
    sed 's/^/#   /' "$tmp/err.txt"
    fg_check "$d: exit $want, saying '$msg'" bash -c "[ $rc = $want ] && grep -qF -- \"\$1\" '$tmp/err.txt'" _ "$msg"
}
expect_fail "an unknown call" 3 "there is no call 9999" $ctl report 9999 --profile us --out "$tmp/x.pdf"
expect_fail "an unknown profile" 2 "unknown profile 'xx': the known profiles are us, fr" $ctl report "$id1" --profile xx --out "$tmp/x.pdf"
expect_fail "an output that cannot be written" 1 "cannot write the report $tmp/no/such/folder.pdf: No such file or directory" \
    $ctl report "$id1" --profile us --out "$tmp/no/such/folder.pdf"
expect_fail "a bundle that cannot be written" 1 "cannot write the bundle $tmp/no/b.tar: Failed to open '$tmp/no/b.tar': No such file or directory" \
    $ctl report "$id1" --profile us --bundle "$tmp/no/b.tar"
expect_fail "a bundle neither .tar nor .zip, before anything is written" 2 "--bundle takes a file name ending in .tar or .zip" \
    $ctl report "$id1" --profile us --out "$tmp/not-written.pdf" --bundle "$tmp/b.rar"
fg_check "…and no PDF written for it" [ ! -e "$tmp/not-written.pdf" ]
expect_fail "an advertiser with no faxes" 3 "names the advertiser 'Nobody Ltd'" $ctl report --advertiser "Nobody Ltd" --profile us --out "$tmp/x.pdf"
sed 's|^timezone = .*|timezone = Mars/Olympus_Mons|' "$tmp/faxgate.conf" >"$tmp/badtz.conf"
expect_fail "a [site] timezone that is no zone" 2 "[site] timezone = 'Mars/Olympus_Mons': expected a time zone of the system's database" \
    "$build/faxgatectl" --config "$tmp/badtz.conf" report "$id1" --profile us --out "$tmp/x.pdf"

# a page hash altered in the store behind its back: the report says so and exits 1
p4=$(sql "SELECT sha256 FROM pages WHERE call_id = $id4 AND page_no = 1")
sql "UPDATE pages SET sha256 = '$(printf '%064d' 0)' WHERE call_id = $id4 AND page_no = 1"
$ctl report "$id4" --profile us --out "$tmp/r4.pdf" >/dev/null 2>"$tmp/r4.err"
rc=$?
pdftotext -layout -f 1 -l 1 "$tmp/r4.pdf" "$tmp/r4.txt"
fg_check "a page hash altered in the store: exit 1, the report written, page 1 'DOES NOT MATCH' (recomputed shown)" \
    bash -c "[ $rc = 1 ] && grep -A2 -E 'SHA-256 of page 1 +0{64}\$' '$tmp/r4.txt' | tail -2 | tr -s ' \n' ' ' |
        grep -qE '^ ?DOES NOT MATCH; recomputed now: $p4 ?\$'"
fg_check "…and the chain link and the whole chain do not match either" \
    bash -c "grep -A1 'Hash chain link of this call' '$tmp/r4.txt' | tail -1 | grep -q 'DOES NOT MATCH' && grep -qE 'Hash chain of the whole log +DOES NOT MATCH: Call $id4\$' '$tmp/r4.txt'"

# call 2's TIFF overwritten: no page can be read, the file's own hash differs; still a report
tiff2=$(sql "SELECT tiff FROM calls WHERE id = $id2")
head -c 4096 /dev/urandom >"$tiff2"
$ctl report "$id2" --profile us --out "$tmp/r2.pdf" >/dev/null 2>"$tmp/r2.err"
rc=$?
sed 's/^/#   /' "$tmp/r2.err"
pdftotext -layout -f 1 -l 1 "$tmp/r2.pdf" "$tmp/r2.txt"
fg_check "a TIFF overwritten with noise: exit 1, its page 'missing' as not a TIFF, the file's hash DOES NOT MATCH" \
    bash -c "[ $rc = 1 ] && grep -qF 'page image missing: $tiff2: not a readable TIFF' '$tmp/r2.err' &&
        grep -A1 'SHA-256 of the received file' '$tmp/r2.txt' | tail -1 | grep -q 'DOES NOT MATCH; recomputed now:'"

# the held fax's TIFF deleted: the report is still written, says so on the page, exits 1
tiff3=$(sql "SELECT tiff FROM calls WHERE id = $id3")
rm -f "$tiff3"
$ctl report "$id3" --profile us --out "$tmp/r3b.pdf" >/dev/null 2>"$tmp/r3b.err"
rc=$?
sed 's/^/#   /' "$tmp/r3b.err"
pdftotext -layout "$tmp/r3b.pdf" "$tmp/r3b.txt"
fg_check "a deleted TIFF: exit 1, saying 'page image missing: $tiff3 (No such file or directory)'" \
    bash -c "[ $rc = 1 ] && grep -qF 'page image missing: $tiff3 (No such file or directory)' '$tmp/r3b.err'"
fg_check "…the report still written (1 + 1 pages), the page's sheet saying so" \
    bash -c "[ \"\$(pdfinfo '$tmp/r3b.pdf' | sed -n 's/^Pages: *//p')\" = 2 ] && pdftotext -f 2 -l 2 '$tmp/r3b.pdf' - | tr '\n' ' ' | grep -qF 'page image missing: $tiff3 (No such file or directory)'"
$ctl report "$id3" --profile us --bundle "$tmp/b3.tar" >/dev/null 2>"$tmp/b3.err"
rc=$?
fg_check "…its bundle is written without the TIFF, exit 1, saying so" \
    bash -c "[ $rc = 1 ] && [ \"\$(tar tf '$tmp/b3.tar' | sort | tr '\n' ' ')\" = 'SHA256SUMS report.json report.pdf ' ] && grep -q 'its TIFF is not in the bundle' '$tmp/b3.err'"

fg_tap_end

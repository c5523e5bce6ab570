#!/usr/bin/env bash
# The web admin (#13) in a real browser: headless Chromium driven over the DevTools protocol
# (tests/web/admin.mjs, cdp.mjs), the real daemon, real fax calls placed by faxsim, a real IPP
# printer (ippeveprinter), all on loopback and stopped by the test. Prints TAP.
#   1. log in (a wrong password first); the held ad is in the quarantine with its thumbnail
#   2. a fax carrying <script>, "><img onerror=…> and a javascript: URL shows as text and runs
#      nothing (no dialog, no page error, no CSP report) on the call list and on its page
#   3. release a held business fax from its page: the printer receives it
#   4. mark a delivered ad junk from its page: its campaign is junk, and the next copy from
#      another sender is dropped for it
#   5. add a block on a TSI on the lists page: the next call from that TSI is refused before
#      page 1, and the call list shows it screened
#   6. a complaint PDF downloaded from the violations page opens
#   7. a form posted from another origin while logged in changes nothing
# Screenshots of the call list, a call's page and the quarantine: $BUILD/test-logs/web-*.png.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-webui-XXXXXX")
trap 'pkill -f -- "--user-data-dir=$tmp/" 2>/dev/null; fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"
shots=$build/test-logs
mkdir -p "$shots"
node_ok() { node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' 2>/dev/null; }
if ! node_ok || [ ! -x /usr/lib/chromium/chromium ]; then
    fg_not_ok "headless Chromium and Node.js >= 20.10 are here (make test installs Debian's chromium)"
    fg_tap_end
    exit 1
fi
if ! fg_start_dnssd; then
    fg_skip "the web admin in a browser, printing on ippeveprinter" "DNS-SD (D-Bus + avahi) unavailable: run as root"
    fg_tap_end
    exit 0
fi
pport=$(fg_free_port)
fg_check "ippeveprinter answers on localhost:$pport" fg_start_printer "$pport" "$tmp/printer"
{
    fg_local_conf "$db" "$tmp" "$tmp/printed"
    cat <<EOF
[printer]
uri = ipp://localhost:$pport/ipp/print
retry_seconds = 1
[line]
listen = audiosocket://127.0.0.1:0
[web]
listen = http://127.0.0.1:0
[classify]
; look-alikes and ads wait for a person here: nothing is dropped by score
drop = 100
model_drop = 100
EOF
} >"$tmp/faxgate.conf"

cat >"$tmp/ad.txt" <<'EOF'
# HUGE SAVINGS ON OFFICE SUPPLIES - THIS WEEK ONLY!
Toner cartridges from $19.99, copy paper $24.99 a case, free shipping on orders over $99.
Call 1-800-555-0147 now or visit www.officedealsdirect.example to order. Limited time offer!
To be removed from our list fax 1-800-555-0148.
EOF
cat >"$tmp/price.txt" <<'EOF'
11/20/2026 14:05 FROM: HARBOR DENTAL SUPPLY 312-555-0120 P.1/1
HARBOR DENTAL SUPPLY - WINTER PRICE LIST
Special pricing on gloves, masks and prophy paste, this month only!
Nitrile gloves, box of 100: only $7.95 - save 20% on cases of 10!
Prophy paste, 200 cups: $39.00. FREE shipping on orders over $150!
Call toll free 1-800-555-0131 to order today, or fax your order to 1-800-555-0132.
EOF
# an ad in the clothes of a memo: delivered by the rules (its cover-sheet look), the operator's call
cat >"$tmp/memo.txt" <<'EOF'
MEMORANDUM

TO:     Accounts Payable / Controller
FROM:   Telecom Cost Review Group
DATE:   11/24/2026
RE:     Telephone and internet billing errors

Industry studies find that most business telecom invoices contain
billing errors, duplicate charges or lines that are no longer in use.

Our analysts review 12 months of your phone, internet, wireless and
long distance invoices and recover overcharges on your behalf. We work
on contingency: we are paid only from the refunds and savings we
obtain. If we find nothing, you owe nothing.

Average first-year recovery for a company with 20-100 lines: $6,400.

To start a review, fax your most recent invoices to 470-555-0109 or
call 470-555-0104 and ask for the audit desk.

If you received this in error and wish to be removed, call
1-877-555-0181.
EOF
cat >"$tmp/xss.txt" <<'EOF'
# <script>alert(1)</script> WHOLESALE TONER SALE
"><img src=x onerror=alert(1)> Inc. - best prices on toner and paper, this week only!
Order now at javascript:alert(1) or call 1-888-555-0190. Free shipping on orders over $99.
To be removed from our list fax 1-888-555-0191.
EOF
for f in ad price memo xss; do "$faxsim" render "$tmp/$f.txt" "$tmp/$f.tif" >>"$tmp/render.log" 2>&1; done
fg_check "rendered an ad, a supplier's price list, an ad dressed as a memo, and a hostile page" \
    test -s "$tmp/ad.tif" -a -s "$tmp/price.tif" -a -s "$tmp/memo.tif" -a -s "$tmp/xss.tif"
printf 'browser test password\n' | $ctl user add olga --role operator >/dev/null
fg_check "faxgated starts with the web admin" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
web=$(sed -n 's/.*web admin on \(http:[^ ]*\) .*/\1/p' "$tmp/faxgated.log" | head -1)

ad=$(fg_send_judged "$build" "$db" "$tmp/send1.log" "BLASTER" +13125550999 "$tmp/ad.tif")
price=$(fg_send_judged "$build" "$db" "$tmp/send2.log" "HARBOR DENTAL" +13125550120 "$tmp/price.tif")
memo=$(fg_send_judged "$build" "$db" "$tmp/send3.log" "TELECOM REVIEW" +14705550104 "$tmp/memo.tif")
xss=$(fg_send_judged "$build" "$db" "$tmp/send4.log" '<script>x</script>' +13125550666 "$tmp/xss.tif")
fg_check "four calls received and judged ($ad $price $memo $xss)" [ -n "$ad" -a -n "$price" -a -n "$memo" -a -n "$xss" ]
fg_check "the ad and the price list are held, the memo-ad delivered ($(fg_sql "$db" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM calls ORDER BY id)"))" \
    [ "$(fg_sql "$db" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM calls WHERE id IN ('$ad', '$price', '$memo') ORDER BY id)")" = "hold,hold,deliver" ]
jobs0=$(ls "$tmp/printer" | wc -l)
held_ad() { fg_sql "$db" "SELECT verdict || ',' || printed || ',' || coalesce(verdict_by, '') || ',' || (SELECT count(*) FROM audit WHERE target = 'call $ad') FROM calls WHERE id = '$ad'"; }
held_before=$(held_ad)

# --- in the browser ---
node --experimental-websocket --no-warnings tests/web/admin.mjs act --web "$web" --user olga \
    --password 'browser test password' --profile "$tmp/profile" --shots "$shots" --from $((FG_TAP_N + 1)) \
    --held-ad "$ad" --held-biz "$price" --delivered-ad "$memo" --hostile "$xss" --block-tsi BLOCKME \
    >"$tmp/act.tap" 2>"$tmp/act.err"
cat "$tmp/act.tap"
FG_TAP_N=$((FG_TAP_N + $(grep -c '^\(not \)\?ok ' "$tmp/act.tap")))
FG_TAP_FAILED=$((FG_TAP_FAILED + $(grep -c '^not ok ' "$tmp/act.tap")))
[ -s "$tmp/act.err" ] && sed 's/^/# /' "$tmp/act.err"

# --- what the clicks did, seen from the store, the printer and the line ---
fg_check "the released price list reached the printer (a job on ippeveprinter, printed = 1)" \
    fg_wait_sql "$db" 30 "SELECT printed FROM calls WHERE id = $price" 1
fg_check "…ippeveprinter kept its document" bash -c "[ \$(ls '$tmp/printer' | wc -l) -gt $jobs0 ]"
fg_check "the memo-ad is junk by the operator, and its campaign is junk" \
    [ "$(fg_sql "$db" "SELECT c.verdict || ',' || c.verdict_by || ',' || p.state FROM calls c JOIN campaigns p ON p.id = c.campaign_id WHERE c.id = '$memo'")" = "drop,operator,junk" ]
copy=$(fg_send_judged "$build" "$db" "$tmp/send5.log" "OTHER NUMBER" +14705550199 "$tmp/memo.tif")
fg_check "the next copy of the memo-ad from another sender is dropped for its junk campaign ($(fg_sql "$db" "SELECT verdict || ': ' || verdict_reason FROM calls WHERE id = '${copy:-0}'"))" \
    bash -c "[ \"\$(sqlite3 '$db' \"SELECT verdict FROM calls WHERE id = '${copy:-0}'\")\" = drop ] &&
             sqlite3 '$db' \"SELECT verdict_reason FROM calls WHERE id = '${copy:-0}'\" | grep -q 'junk campaign'"
fg_check "the block added and edited in the browser is in the store, with its note and who changed it" \
    [ "$(fg_sql "$db" "SELECT note || ',' || added_by FROM blocks WHERE value = 'BLOCKME'")" = "edited in the browser,olga" ]
fg_check "faxgatectl block edit changes the same entry (the same core call), and says so" \
    bash -c "$ctl block edit broadcaster tsi BLOCKME --note 'edited by the CLI' | grep -q 'block edited' &&
             [ \"\$(sqlite3 '$db' \"SELECT note || ',' || added_by FROM blocks WHERE value = 'BLOCKME'\")\" = 'edited by the CLI,faxgatectl' ]"
fg_check "editing an entry that is not there fails and names it" \
    bash -c "! $ctl block edit broadcaster tsi NOSUCHTSI --note x 2>'$tmp/edit.err' && grep -q 'there is no block on broadcaster tsi NOSUCHTSI to edit' '$tmp/edit.err'"
last=$(fg_sql "$db" "SELECT max(id) FROM calls")
"$faxsim" send --quiet --line "$FG_LINE" --tsi BLOCKME --caller-id +13125550777 "$tmp/ad.tif" >"$tmp/send6.log" 2>&1
fg_check "the next call from TSI BLOCKME is refused before page 1 and recorded" \
    fg_wait_sql "$db" 20 "SELECT state || ',' || pages FROM calls WHERE id > $last AND tsi = 'BLOCKME'" "rejected,0"
screened=$(fg_sql "$db" "SELECT id FROM calls WHERE id > $last AND tsi = 'BLOCKME'")
fg_check "the form posted from another origin changed nothing: the held ad is still held, not printed ($held_before)" \
    [ "$(held_ad)" = "$held_before" -a "${held_before%%,*}" = hold ]

node --experimental-websocket --no-warnings tests/web/admin.mjs check --web "$web" --user olga \
    --password 'browser test password' --profile "$tmp/profile2" --shots "$shots" --from $((FG_TAP_N + 1)) \
    --screened "${screened:-0}" >"$tmp/check.tap" 2>"$tmp/check.err"
cat "$tmp/check.tap"
FG_TAP_N=$((FG_TAP_N + $(grep -c '^\(not \)\?ok ' "$tmp/check.tap")))
FG_TAP_FAILED=$((FG_TAP_FAILED + $(grep -c '^not ok ' "$tmp/check.tap")))
[ -s "$tmp/check.err" ] && sed 's/^/# /' "$tmp/check.err"
fg_check "the complaint PDF downloaded in the browser opens (pdfinfo: $(pdfinfo "$shots/web-complaint.pdf" 2>/dev/null | sed -n 's/^Pages: *//p') pages) and names the advertiser" \
    bash -c "pdfinfo '$shots/web-complaint.pdf' >/dev/null 2>&1 && pdftotext '$shots/web-complaint.pdf' - | grep -qi 'office supplies\|officedealsdirect\|1-800-555-0147\|18005550147'"
fg_check "screenshots of the call list, a call's page and the quarantine are written ($shots/web-*.png)" \
    bash -c "for f in calls call quarantine; do python3 -c 'import sys; d = open(sys.argv[1], \"rb\").read(); sys.exit(not (d[:8] == b\"\\x89PNG\\r\\n\\x1a\\n\" and len(d) > 5000))' '$shots/web-'\$f.png || exit 1; done"
fg_check "faxgated is still up" kill -0 "$FG_GATEWAY_PID"
fg_tap_end

#!/usr/bin/env bash
# The web admin (#13) with the real daemon, real fax calls over AudioSocket and curl, on loopback.
# Prints TAP. Needs no IPP printer and no avahi: printed faxes go to a spool folder.
#   1. [web] listen off loopback is refused; a port already taken is said so
#   2. anonymous requests to every route are refused (303 to /login for a page, 401 else) and
#      change nothing; the security headers are on every answer
#   3. login: a wrong password fails, the right one gives an HttpOnly SameSite=Strict cookie
#   4. the call list shows the calls, with page-1 thumbnails that are real PNGs; a call's page
#      shows its pages as PNG and its OCR text; hostile text from a fax (TSI and page text with
#      <script>, "><img onerror>, javascript:) appears only escaped, never as markup or a link
#   5. a POST without or with a wrong CSRF token, or from another origin, or by a viewer, changes
#      nothing
#   6. release of a held fax prints it into the spool folder (the delivery thread's queue); junk
#      (in bulk from the quarantine) marks it dropped by the operator; both are in the audit log
#   7. faxgatectl release and junk, which share the core functions, work on the same calls
#   8. a block added on the web is listed by faxgatectl block list, with its audit row
#   9. accounts on the web: admins only; one added there logs in and is in faxgatectl users; one's
#      own password changes with the current one, and every session of the account ends
#  10. violations by advertiser and by campaign with the counts faxgatectl violations gives, names
#      escaped; complaint PDFs per call and per advertiser, the same pages as faxgatectl report
#      writes; an unknown profile (400, the list), call (404) or advertiser (404); the opt-out
#      requests as faxgatectl optouts lists them
#  11. /status (viewers): a call in progress while faxsim sends in real time, its TSI escaped; the
#      printer's state, the queue counts, the spool's free space and the ledger's head as faxgatectl
#      status and faxgatectl evidence head say; an operator's verify of the whole ledger says
#      verified, and BROKEN once a page file is changed behind the store's back
#  12. failed logins are rate-limited per user and per address; logout ends the session
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-web-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"
mkdir -p "$tmp/printed"
conf() {   # conf DIR WEB-LISTEN [MORE]: a loopback gateway's configuration in DIR
    fg_local_conf "$1/faxgate.db" "$1" "$1/printed"
    printf '[line]\nlisten = audiosocket://127.0.0.1:0\n[web]\nlisten = %s\n%s\n' "$2" "${3:-}"
    # ads are held for review, never dropped, by the rules or the learned model: the quarantine needs them
    printf '[classify]\ndrop = 100\nmodel_drop = 100\n'
}
conf "$tmp" "http://127.0.0.1:0" >"$tmp/faxgate.conf"

cat >"$tmp/order.txt" <<'EOF2'
PURCHASE ORDER 4471
Harbor Street Dental Clinic, 12 Harbor Street, Springfield
To: Midwest Dental Supply, attn. order desk
Please ship 4 boxes of nitrile gloves (size M) and 2 cases of sterilization pouches,
as quoted on 11/28. Deliver to the back entrance before Friday.
Questions: call Anna at the front desk.
EOF2
cat >"$tmp/ad.txt" <<'EOF2'
# HUGE SAVINGS ON OFFICE SUPPLIES - THIS WEEK ONLY!
Toner cartridges from $19.99, copy paper $24.99 a case, free shipping on orders over $99.
Call 1-800-555-0147 now or visit www.officedealsdirect.example to order. Limited time offer!
To be removed from our list fax 1-800-555-0148.
EOF2
cat >"$tmp/xss.txt" <<'EOF2'
# <script>alert(1)</script> WHOLESALE TONER SALE
"><img src=x onerror=alert(1)> Inc. - best prices on toner and paper, this week only!
Order now at javascript:alert(1) or call 1-888-555-0190. Free shipping on orders over $99.
To be removed from our list fax 1-888-555-0191.
EOF2
for f in order ad xss; do "$faxsim" render "$tmp/$f.txt" "$tmp/$f.tif" >>"$tmp/render.log" 2>&1; done
fg_check "rendered a business fax, an ad, and an ad carrying script, an onerror image and a javascript: URL" \
    test -s "$tmp/order.tif" -a -s "$tmp/ad.tif" -a -s "$tmp/xss.tif"

# --- 1. where it may listen ---
mkdir -p "$tmp/remote"
conf "$tmp/remote" "http://0.0.0.0:0" >"$tmp/remote/faxgate.conf"
fg_check "[web] listen = http://0.0.0.0:0 is refused without allow_remote, saying why" \
    bash -c "! timeout 20 '$build/faxgated' --config '$tmp/remote/faxgate.conf' >'$tmp/remote/log' 2>&1 &&
             grep -q 'is not a loopback address.*allow_remote' '$tmp/remote/log'"

printf 'operator password\n' | $ctl user add olga --role operator >/dev/null
printf 'viewer password\n' | $ctl user add vera --role viewer >/dev/null
printf 'admin password\n' | $ctl user add ada --role admin >/dev/null
fg_check "faxgatectl users lists the accounts" bash -c "$ctl users | grep -q '^olga  *operator' && $ctl users | grep -q '^vera  *viewer'"
fg_check "the store keeps argon2id hashes, not passwords" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM users WHERE pwhash LIKE '\$argon2id\$%' AND pwhash NOT LIKE '%password%'")" = 3 ]

fg_check "faxgated starts with the web admin" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
web=$(sed -n 's/.*web admin on \(http:[^ ]*\) .*/\1/p' "$tmp/faxgated.log" | head -1)
fg_check "it logs its address with the port resolved ($web)" bash -c "[[ '$web' =~ ^http://127\.0\.0\.1:[1-9][0-9]*$ ]]"

mkdir -p "$tmp/taken"
conf "$tmp/taken" "$web" >"$tmp/taken/faxgate.conf"
fg_check "a second gateway on the same web port says the port is taken" \
    bash -c "! timeout 20 '$build/faxgated' --config '$tmp/taken/faxgate.conf' >'$tmp/taken/log' 2>&1 &&
             grep -q 'the port is taken' '$tmp/taken/log'"

# --- the calls ---
order=$(fg_send_judged "$build" "$db" "$tmp/send1.log" "OFFICE ONE" +13125550101 "$tmp/order.tif")
ad=$(fg_send_judged "$build" "$db" "$tmp/send2.log" "BLASTER" +13125550999 "$tmp/ad.tif")
xss=$(fg_send_judged "$build" "$db" "$tmp/send3.log" '<script>x</script>' +13125550666 "$tmp/xss.tif")
ad2=$(fg_send_judged "$build" "$db" "$tmp/send4.log" '"><img src=x>' +13125550667 "$tmp/ad.tif")
fg_check "four calls received and judged ($order $ad $xss $ad2)" [ -n "$order" -a -n "$ad" -a -n "$xss" -a -n "$ad2" ]
fg_check "the ads are held for review, the order is delivered" \
    [ "$(fg_sql "$db" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM calls ORDER BY id)")" = "deliver,hold,hold,hold" ]
printed0=$(ls "$tmp/printed" | wc -l)

# --- 2. anonymous ---
snapshot() { fg_sql "$db" "SELECT group_concat(id || verdict || printed || coalesce(verdict_by, ''), ';') FROM calls; SELECT count(*) FROM blocks; SELECT count(*) FROM consent; SELECT count(*) FROM deliveries; SELECT count(*) FROM audit WHERE action NOT IN ('login', 'logout')"; }
before=$(snapshot)
# code METHOD PATH [curl options]: the HTTP status
code() { local m=$1 p=$2; shift 2; curl -s -o /dev/null -w '%{http_code}' -X "$m" "$@" "$web$p"; }
bad=""
for p in / /calls "/calls/$ad" "/calls/$ad/thumb.png" "/calls/$ad/page/1.png" /quarantine /lists /status /users /account /nowhere \
    /violations "/violations?by=campaign" /optouts "/calls/$ad/report.pdf?profile=us" "/advertisers/report.pdf?name=x&profile=us"; do
    c=$(code GET "$p" -H 'Accept: text/html')
    loc=$(curl -s -o /dev/null -w '%{redirect_url}' -H 'Accept: text/html' "$web$p")
    [ "$c" = 303 ] && [ "$loc" = "$web/login" ] || bad="$bad GET $p: $c $loc;"
    c=$(code GET "$p")
    [ "$c" = 401 ] || bad="$bad GET $p (no Accept: text/html): $c;"
done
for p in "/calls/$ad/release" "/calls/$ad/junk" /quarantine /lists/block /lists/consent /status/verify /users /account /logout; do
    c=$(code POST "$p" -d "action=release&id=$ad&op=add&role=broadcaster&kind=tsi&value=X&csrf=0")
    [ "$c" = 401 ] || bad="$bad POST $p: $c;"
done
fg_check "anonymous requests to every route are refused: 303 to /login for a page, 401 otherwise${bad:+ ($bad)}" [ -z "$bad" ]
fg_check "…and changed nothing in the store" [ "$(snapshot)" = "$before" ]
fg_check "a request naming another host (DNS rebinding) is refused before any route (421)" \
    [ "$(code GET /login -H 'Host: evil.example')$(code GET /login -H "Host: localhost:${web##*:}")" = 421200 ]
fg_check "the login page and the stylesheet are served anonymously" \
    [ "$(code GET /login)$(code GET /static/style.css)" = 200200 ]
hdrs=$(curl -s -D - -o /dev/null "$web/calls")
fg_check "every answer carries the Content-Security-Policy that forbids inline script, and nosniff" \
    bash -c "grep -qi \"^Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'\" <<<\"\$1\" &&
             grep -qi '^X-Content-Type-Options: nosniff' <<<\"\$1\"" _ "$hdrs"

# --- 3. login ---
fg_check "a wrong password fails (401, no cookie)" \
    bash -c "[ \"\$(curl -s -c '$tmp/nojar' -o /dev/null -w '%{http_code}' -d 'name=olga&password=wrong+password' '$web/login')\" = 401 ] &&
             ! grep -q fg_session '$tmp/nojar'"
fg_check "an unknown name fails the same way" [ "$(code POST /login -d 'name=nobody&password=operator+password')" = 401 ]
login=$(curl -s -D - -o /dev/null -c "$tmp/olga.jar" -d 'name=olga&password=operator+password' "$web/login")
fg_check "the right password logs in: 303 to /calls with an HttpOnly SameSite=Strict session cookie, not Secure over http" \
    bash -c "grep -q '^HTTP/1.1 303' <<<\"\$1\" && grep -qi '^Set-Cookie: fg_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict' <<<\"\$1\" &&
             ! grep -qi '^Set-Cookie:.*Secure' <<<\"\$1\"" _ "$login"
fg_check "the store holds the session's hash, not its id" \
    bash -c "tok=\$(awk '\$6 == \"fg_session\" {print \$7}' '$tmp/olga.jar'); [ -n \"\$tok\" ] &&
             [ \"\$(sqlite3 '$db' \"SELECT count(*) FROM sessions WHERE id_hash = '\$tok'\")\" = 0 ] &&
             [ \"\$(sqlite3 '$db' 'SELECT count(*) FROM sessions')\" = 1 ]"
olga() { curl -s -b "$tmp/olga.jar" "$@"; }
csrf=$(olga "$web/calls" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\(.*\)"/\1/')
fg_check "pages carry the session's CSRF token in their forms" [ ${#csrf} = 64 ]

# --- 4. the pages ---
olga "$web/calls" >"$tmp/calls.html"
olga "$web/calls/$xss" >"$tmp/call-xss.html"
olga "$web/calls/$ad2" >"$tmp/call-ad2.html"
olga "$web/quarantine" >"$tmp/quarantine.html"
ok=1
for id in $order $ad $xss $ad2; do grep -q "href=\"/calls/$id\"" "$tmp/calls.html" && grep -q "src=\"/calls/$id/thumb.png\"" "$tmp/calls.html" || ok=0; done
fg_check "the call list shows the four calls, each with its page-1 thumbnail" [ $ok = 1 ]
fg_check "newest first" bash -c "grep -o 'href=\"/calls/[0-9]*\"' '$tmp/calls.html' | awk -F/ '!seen[\$3]++' | tr -dc '0-9\n' | paste -sd' ' | grep -qx '$ad2 $xss $ad $order'"
olga -o "$tmp/thumb.png" "$web/calls/$ad/thumb.png"
fg_check "a thumbnail is a real PNG ($(file -b "$tmp/thumb.png" | cut -c1-40))" bash -c "file -b '$tmp/thumb.png' | grep -q '^PNG image data, 240 x'"
olga -o "$tmp/page1.png" "$web/calls/$xss/page/1.png"
fg_check "a call's page 1 at reading size is a real PNG ($(file -b "$tmp/page1.png" | cut -c1-40))" \
    bash -c "file -b '$tmp/page1.png' | grep -q '^PNG image data, 864 x'"
fg_check "the thumbnail is cached beside the spool" test -s "$tmp/spool/.webcache/call-$ad-thumb1.png"
fg_check "a page that does not exist is 404" [ "$(code GET "/calls/$ad/page/9.png" -b "$tmp/olga.jar")" = 404 ]
fg_check "the call's page shows its OCR text and its scores rule by rule" \
    bash -c "grep -q '<pre class=\"ocr\">' '$tmp/call-xss.html' && grep -q 'WHOLESALE' '$tmp/call-xss.html' &&
             grep -q '<h2>Scores, rule by rule</h2><table>' '$tmp/call-xss.html'"
hostile=""
for f in calls call-xss call-ad2 quarantine; do
    grep -qi '<script' "$tmp/$f.html" && hostile="$hostile $f:<script"
    grep -qi '<img src=x' "$tmp/$f.html" && hostile="$hostile $f:<img"
    grep -qi 'onerror=alert(1)>' "$tmp/$f.html" && hostile="$hostile $f:onerror>"
    grep -qi 'href="javascript' "$tmp/$f.html" && hostile="$hostile $f:javascript-link"
    grep -q 'href="[^/]' "$tmp/$f.html" && hostile="$hostile $f:foreign-link"
done
fg_check "no hostile string appears as markup or a link in any page${hostile:+ ($hostile)}" [ -z "$hostile" ]
fg_check "…they are shown escaped: the TSIs in the list" \
    bash -c "grep -q '&lt;script&gt;x&lt;/script&gt;' '$tmp/calls.html' && grep -q '&quot;&gt;&lt;img src=x&gt;' '$tmp/calls.html'"
fg_check "…and the page's text as read ($(grep -o '&lt;script&gt;alert(1)&lt;/script&gt;\|onerror=alert(1)&gt;\|javascript:alert(1)' "$tmp/call-xss.html" | sort -u | paste -sd' '))" \
    bash -c "grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' '$tmp/call-xss.html' && grep -q 'javascript:alert(1)' '$tmp/call-xss.html'"
fg_check "the quarantine lists the three held ads with release and junk, not the delivered order" \
    bash -c "grep -q 'formaction=\"/calls/$ad/release\"' '$tmp/quarantine.html' && grep -q 'formaction=\"/calls/$xss/junk\"' '$tmp/quarantine.html' &&
             ! grep -q 'href=\"/calls/$order\"' '$tmp/quarantine.html'"
fg_check "the verdict filter keeps only what it names" \
    bash -c "h=\$(curl -s -b '$tmp/olga.jar' '$web/calls?verdict=deliver'); grep -q 'href=\"/calls/$order\"' <<<\"\$h\" && ! grep -q 'href=\"/calls/$ad\"' <<<\"\$h\""
fg_check "keyset paging: before=ID lists only older calls" \
    bash -c "h=\$(curl -s -b '$tmp/olga.jar' '$web/calls?before=$xss'); grep -q 'href=\"/calls/$ad\"' <<<\"\$h\" && ! grep -q 'href=\"/calls/$ad2\"' <<<\"\$h\""
fg_check "a malformed filter is refused (400)" [ "$(code GET '/calls?verdict=%3Cx%3E' -b "$tmp/olga.jar")" = 400 ]

# --- 5. CSRF and roles ---
before=$(snapshot)
fg_check "a release without a CSRF token is refused (403)" [ "$(code POST "/calls/$ad/release" -b "$tmp/olga.jar" -d x=1)" = 403 ]
fg_check "with a wrong token too" [ "$(code POST "/calls/$ad/release" -b "$tmp/olga.jar" -d "csrf=${csrf//[0-9]/a}")" = 403 ]
fg_check "a block without a token is refused" [ "$(code POST /lists/block -b "$tmp/olga.jar" -d 'op=add&role=broadcaster&kind=tsi&value=EVIL')" = 403 ]
fg_check "the right token from another site's page (Origin) is refused" \
    [ "$(code POST "/calls/$ad/junk" -b "$tmp/olga.jar" -H 'Origin: http://evil.example' -d "csrf=$csrf")" = 403 ]
curl -s -c "$tmp/vera.jar" -o /dev/null -d 'name=vera&password=viewer+password' "$web/login"
vcsrf=$(curl -s -b "$tmp/vera.jar" "$web/calls" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\(.*\)"/\1/')
fg_check "a viewer sees the calls but may not release, even with her own token (403)" \
    [ "$(code GET /calls -b "$tmp/vera.jar")$(code POST "/calls/$ad/release" -b "$tmp/vera.jar" -d "csrf=$vcsrf")" = 200403 ]
fg_check "a viewer's pages have no release or junk buttons" bash -c "! curl -s -b '$tmp/vera.jar' '$web/quarantine' | grep -q formaction"
fg_check "none of these changed the store" [ "$(snapshot)" = "$before" ]

# --- 6. release and junk ---
out=$(olga -w '%{http_code}' -d "csrf=$csrf" "$web/calls/$ad/release")
fg_check "release of held ad $ad answers 200" [ "${out: -3}" = 200 ]
fg_check "…it is printed into the spool folder by the delivery thread" \
    fg_wait_sql "$db" 30 "SELECT verdict || ',' || verdict_by || ',' || printed FROM calls WHERE id = $ad" "deliver,operator,1"
fg_check "…one more PDF in the printer's folder" bash -c "[ \$(ls '$tmp/printed' | wc -l) -eq $((printed0 + 1)) ]"
fg_check "…its pages moved to the inbox, as faxgatectl release moves them" \
    [ "$(fg_sql "$db" "SELECT tiff FROM calls WHERE id = $ad")" = "$tmp/spool/inbox/call-$ad.tif" ]
out=$(olga -w '%{http_code}' -d "csrf=$csrf&action=junk&id=$xss&id=$ad2" "$web/quarantine")
fg_check "junk of two checked calls in bulk answers 200" [ "${out: -3}" = 200 ]
fg_check "…both are dropped by the operator, not printed, kept in junk/" \
    [ "$(fg_sql "$db" "SELECT group_concat(verdict || ',' || verdict_by || ',' || printed || ',' || (tiff LIKE '%/junk/%'), ';') FROM calls WHERE id IN ($xss, $ad2)")" = "drop,operator,0,1;drop,operator,0,1" ]
fg_check "the audit log has the release and the two junks, by olga, with the call" \
    [ "$(fg_sql "$db" "SELECT group_concat(who || ' ' || action || ' ' || target, ';') FROM audit WHERE action IN ('release', 'junk') ORDER BY id")" = "olga release call $ad;olga junk call $xss;olga junk call $ad2" ]
fg_check "the quarantine is empty now" bash -c "curl -s -b '$tmp/olga.jar' '$web/quarantine' | grep -q 'No calls.'"
# --- 10. violations, complaint PDFs, opt-out requests (the junked ads' violations stand now) ---
# an ad whose advertiser, as read from the page, is markup, in a campaign of its own: pending while
# it is held, standing once junked
cat >"$tmp/hostile.txt" <<'EOF2'
# ACME <b>TONER</b> & "SONS" SUPPLY CO
WE BUY USED INK AND LASER CARTRIDGES FOR CASH! Send us your empties, we pay up to $25 each.
Call 1-877-555-0123 today for a free prepaid shipping label. Offer ends Friday!
To be removed from our list call 1-877-555-0124.
EOF2
"$faxsim" render "$tmp/hostile.txt" "$tmp/hostile.tif" >>"$tmp/render.log" 2>&1
hcall=$(fg_send_judged "$build" "$db" "$tmp/send5.log" "ACME" +13125550668 "$tmp/hostile.tif")
olga "$web/violations" >"$tmp/viol-held.html"
$ctl junk "$hcall" >/dev/null 2>&1
hostile=$(fg_sql "$db" "SELECT advertiser FROM violations WHERE call_id = $hcall LIMIT 1")
fg_check "an ad whose advertiser reads as markup ($hostile) received and junked (call $hcall)" \
    bash -c "[ -n '$hcall' ] && grep -q '<b>' <<<\"\$1\" && [ \"\$(sqlite3 '$db' 'SELECT verdict FROM calls WHERE id = $hcall')\" = drop ]" _ "$hostile"
esc() { python3 -c 'import html, sys; print(html.escape(sys.argv[1]).replace("&#x27;", "&#39;"))' "$1"; }
olga -w '%{http_code}' "$web/violations" >"$tmp/violations.html"
$ctl --json violations --by advertiser >"$tmp/viol-adv.json"
ngroups=$(jq length "$tmp/viol-adv.json")
missing=""
for i in $(seq 0 $((ngroups - 1))); do
    name=$(jq -r ".[$i] | if .ticker then .ticker + \": \" else \"\" end + .advertiser" "$tmp/viol-adv.json")
    row="$(esc "$name")</td><td>$(jq -r ".[$i].calls" "$tmp/viol-adv.json")</td><td>$(jq -r ".[$i].violations" "$tmp/viol-adv.json")</td>"
    grep -qF -- "$row" "$tmp/violations.html" || missing="$missing [$row]"
done
fg_check "/violations (200) lists the $ngroups advertiser(s) faxgatectl violations --by advertiser gives, with their faxes and violations${missing:+ (missing:$missing)}" \
    [ "$(tail -c 3 "$tmp/violations.html")" = 200 -a "$ngroups" -ge 1 -a -z "$missing" ]
fg_check "…each call of the groups links to its page, each group to its complaint PDF" \
    bash -c "grep -q 'href=\"/calls/$xss\"' '$tmp/violations.html' && grep -q 'href=\"/calls/$ad2\"' '$tmp/violations.html' &&
             [ \$(grep -o 'href=\"/advertisers/report.pdf?name=[^\"]*&amp;profile=us\"' '$tmp/violations.html' | wc -l) = $ngroups ]"
fg_check "…and to the call list filtered by its name, which shows the call ($hcall)" \
    bash -c "grep -q 'href=\"/calls?advertiser=ACME%20%3Cb%3ETONER%3C%2Fb%3E%20%26%20%22SONS%22\">its calls</a>' '$tmp/violations.html' &&
             curl -s -b '$tmp/olga.jar' '$web/calls?advertiser=ACME%20%3Cb%3ETONER%3C%2Fb%3E%20%26%20%22SONS%22' | grep -q 'href=\"/calls/$hcall\"'"
fg_check "…each call row offers its own complaint PDF" \
    bash -c "grep -q 'href=\"/calls/$xss/report.pdf?profile=us\"' '$tmp/violations.html' && grep -q 'href=\"/calls/$ad2/report.pdf?profile=us\"' '$tmp/violations.html'"
fg_check "…standing, pending or not as the store says: held, $hcall was pending; junked, standing; $xss standing; released, $ad not" \
    bash -c "grep -q '<a href=\"/calls/$hcall\">$hcall</a></td><td>[^<]*</td><td>pending</td>' '$tmp/viol-held.html' &&
             grep -q '<a href=\"/calls/$hcall\">$hcall</a></td><td>[^<]*</td><td>standing</td>' '$tmp/violations.html' &&
             grep -q '<a href=\"/calls/$xss\">$xss</a></td><td>[^<]*</td><td>standing</td>' '$tmp/violations.html' &&
             grep -q '<a href=\"/calls/$ad\">$ad</a></td><td>[^<]*</td><td>not standing</td>' '$tmp/violations.html'"
bad=""
for u in $(grep -o 'href="/advertisers/report.pdf?[^"]*"' "$tmp/violations.html" | sed 's/^href="//; s/"$//; s/&amp;/\&/g'); do
    t=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' -b "$tmp/olga.jar" "$web$u")
    [ "$t" = "200 application/pdf" ] || bad="$bad $u: $t;"
done
fg_check "every advertiser's complaint link on the page gives a PDF (one named by a number it gave when it has no name)${bad:+ ($bad)}" [ -z "$bad" ]
fg_check "a hostile advertiser name ($hostile) appears escaped on /violations, never as markup" \
    bash -c "[ -n \"\$1\" ] && grep -qF -- \"\$(python3 -c 'import html,sys; print(html.escape(sys.argv[1]).replace(\"&#x27;\", \"&#39;\"))' \"\$1\")\" '$tmp/violations.html' &&
             ! grep -qF -- \"\$1\" '$tmp/violations.html' && ! grep -qi '<script\|<img\|<b>' '$tmp/violations.html'" _ "$hostile"
olga "$web/violations?by=campaign&profile=fr" >"$tmp/viol-camp.html"
camps=$($ctl --json violations --by campaign | jq -r '.[].campaign // empty' | paste -sd' ')
bad=""
for c in $camps; do grep -q ">campaign $c <small>" "$tmp/viol-camp.html" || bad="$bad $c"; done
fg_check "?by=campaign&profile=fr groups by the campaigns faxgatectl gives ($camps), links under fr${bad:+ (missing$bad)}" \
    bash -c "[ -n '$camps' -a -z '$bad' ] && grep -q 'href=\"/calls/$xss/report.pdf?profile=fr\"' '$tmp/viol-camp.html' &&
             grep -q '<option selected>fr</option>' '$tmp/viol-camp.html'"
fg_check "…each campaign links to the call list filtered by it" \
    bash -c "for c in $camps; do grep -q \"href=\\\"/calls?campaign=\$c\\\">its calls</a>\" '$tmp/viol-camp.html' || exit 1; done"
fg_check "?by=anything else is refused (400)" [ "$(code GET '/violations?by=tsi' -b "$tmp/olga.jar")" = 400 ]

# a call's complaint, from the web and from faxgatectl report
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
hdr=$(curl -s -D - -o "$tmp/web-call.pdf" -b "$tmp/vera.jar" "$web/calls/$xss/report.pdf?profile=us")
$ctl report "$xss" --profile us --out "$tmp/cli-call.pdf" >/dev/null 2>&1
fg_check "a call's complaint PDF downloads for a viewer: 200, application/pdf, an attachment named complaint-call-$xss-us.pdf, not cached" \
    bash -c "grep -q '^HTTP/1.1 200' <<<\"\$1\" && grep -qi '^Content-Type: application/pdf' <<<\"\$1\" &&
             grep -qi '^Content-Disposition: attachment; filename=\"complaint-call-$xss-us.pdf\"' <<<\"\$1\" &&
             grep -qi '^Cache-Control: no-store' <<<\"\$1\"" _ "$hdr"
fg_check "…pdfinfo opens it: $(pages "$tmp/web-call.pdf") pages, as faxgatectl report writes ($(pages "$tmp/cli-call.pdf"))" \
    bash -c "[ -n \"\$(pdfinfo '$tmp/web-call.pdf' 2>/dev/null | sed -n 's/^Pages: *//p')\" ] &&
             [ \"\$(pdfinfo '$tmp/web-call.pdf' | sed -n 's/^Pages: *//p')\" = \"\$(pdfinfo '$tmp/cli-call.pdf' | sed -n 's/^Pages: *//p')\" ]"
fg_check "…with the same facts (the text of its pages but the time it was made)" \
    bash -c "diff <(pdftotext -layout '$tmp/web-call.pdf' - | grep -v 'Report made\|Rapport établi\|made on') <(pdftotext -layout '$tmp/cli-call.pdf' - | grep -v 'Report made\|Rapport établi\|made on')"
# an advertiser's complaint: the first group's, by the name the page links with
adv=$(jq -r '.[0] | .ticker // .advertiser' "$tmp/viol-adv.json")
hdr=$(curl -s -D - -o "$tmp/web-adv.pdf" -b "$tmp/vera.jar" -G --data-urlencode "name=$adv" -d profile=us "$web/advertisers/report.pdf")
$ctl report --advertiser "$adv" --profile us --out "$tmp/cli-adv.pdf" >/dev/null 2>&1
fg_check "an advertiser's complaint PDF ($adv) downloads: 200, application/pdf, a file name of letters, digits and dashes only" \
    bash -c "grep -q '^HTTP/1.1 200' <<<\"\$1\" && grep -qi '^Content-Type: application/pdf' <<<\"\$1\" &&
             grep -qiE '^Content-Disposition: attachment; filename=\"complaint-[a-z0-9-]+-us\\.pdf\"'\$'\\r''?\$' <<<\"\$1\"" _ "$hdr"
fg_check "…pdfinfo opens it: $(pages "$tmp/web-adv.pdf") pages, as faxgatectl report --advertiser writes ($(pages "$tmp/cli-adv.pdf"))" \
    bash -c "[ -n \"\$(pdfinfo '$tmp/web-adv.pdf' 2>/dev/null | sed -n 's/^Pages: *//p')\" ] &&
             [ \"\$(pdfinfo '$tmp/web-adv.pdf' | sed -n 's/^Pages: *//p')\" = \"\$(pdfinfo '$tmp/cli-adv.pdf' | sed -n 's/^Pages: *//p')\" ]"
hdr=$(curl -s -D - -o /dev/null -b "$tmp/olga.jar" -G --data-urlencode "name=$hostile" -d profile=us "$web/advertisers/report.pdf")
fg_check "the hostile advertiser's PDF gets a file name made safe ($(grep -i '^Content-Disposition' <<<"$hdr" | tr -d '\r'))" \
    bash -c "grep -q '^HTTP/1.1 200' <<<\"\$1\" && grep -qiE '^Content-Disposition: attachment; filename=\"complaint-[a-z0-9-]+-us\\.pdf\"'\$'\\r''?\$' <<<\"\$1\"" _ "$hdr"
out=$(olga -w '%{http_code}' "$web/calls/$xss/report.pdf?profile=xx")
fg_check "an unknown profile is refused (400) with the list of profiles" \
    bash -c "[ \"\${1: -3}\" = 400 ] && grep -q 'The known profiles are us, fr, de, eu, uk, ca, au' <<<\"\$1\"" _ "$out"
fg_check "a call that does not exist is 404, its advertiser too ($(code GET '/advertisers/report.pdf?name=Nobody+Ltd&profile=us' -b "$tmp/olga.jar")), no name 400" \
    [ "$(code GET '/calls/99999/report.pdf?profile=us' -b "$tmp/olga.jar")$(code GET '/advertisers/report.pdf?name=Nobody+Ltd&profile=us' -b "$tmp/olga.jar")$(code GET '/advertisers/report.pdf?profile=us' -b "$tmp/olga.jar")" = 404404400 ]
fg_check "no report file is left behind in the cache" bash -c "! ls '$tmp/spool/.webcache' | grep -q '^report-'"
# an opt-out request for it: its notice gives a telephone number, so the request is the operator's
# to make (nothing is sent); faxgatectl needs [optout] enabled, the daemon is left as it is
{ cat "$tmp/faxgate.conf"; printf '[site]\nnumber = +13125550100\n[optout]\nenabled = yes\n'; } >"$tmp/optout.conf"
"$build/faxgatectl" --config "$tmp/optout.conf" optout "$hcall" >"$tmp/optout.out" 2>&1
olga -w '%{http_code}' "$web/optouts" >"$tmp/optouts.html"
$ctl optouts >"$tmp/optouts.json"
nopt=$(jq length "$tmp/optouts.json")
orow=$(jq -r '.[0] | "<tr><td>\(.id)</td><td>\(.created)</td><td><a href=\"/calls/\(.call_id)\">\(.call_id)</a></td><td>" + (.advertiser|@html) + "</td><td>\(.channel)</td><td>\(.dest)</td><td>\(.profile)</td><td>\(.state)</td>"' "$tmp/optouts.json" | sed 's/&#39;/\&#39;/g')
fg_check "/optouts (200) shows the $nopt request faxgatectl optouts lists ($(jq -c '.[0] | [.id, .state, .channel, .dest]' "$tmp/optouts.json")), its advertiser escaped" \
    bash -c "[ \"\$(tail -c 3 '$tmp/optouts.html')\" = 200 ] && [ $nopt = 1 ] && grep -qF -- \"\$1\" '$tmp/optouts.html' &&
             ! grep -q '<b>' '$tmp/optouts.html'" _ "$orow"
fg_check "the navigation links both pages" bash -c "grep -q '<a href=\"/violations\">Violations</a><a href=\"/optouts\">Opt-outs</a>' '$tmp/optouts.html'"

# --- 7. faxgatectl goes through the same core functions (firmware/core/operator.c): it still works after the move
out=$($ctl release "$xss" 2>&1)
fg_check "faxgatectl release of the call junked on the web prints it (${out%%$'\n'*})" \
    fg_wait_sql "$db" 30 "SELECT verdict || ',' || verdict_by || ',' || printed || ',' || (tiff LIKE '%/inbox/%') FROM calls WHERE id = $xss" "deliver,operator,1,1"
out=$($ctl junk "$ad" 2>&1)
fg_check "faxgatectl junk of the call released on the web marks it, already printed (${out%%$'\n'*})" \
    bash -c "grep -q 'marked junk (it had already been printed)' <<<\"\$1\" && [ \"\$(sqlite3 '$db' 'SELECT verdict || verdict_by FROM calls WHERE id = $ad')\" = dropoperator ]" _ "$out"

# --- 8. the lists ---
out=$(olga -w '%{http_code}' -o /dev/null -d "csrf=$csrf&op=add&role=broadcaster&kind=number&value=1-312-555-0999&note=web+%3Cb%3Etest%3C%2Fb%3E" "$web/lists/block")
fg_check "a block added on the web answers 303 back to the lists" [ "$out" = 303 ]
fg_check "faxgatectl block list shows it, normalised as the CLI would ($($ctl block list | grep 13125550999 | tr -s ' '))" \
    bash -c "$ctl block list | grep -q '^broadcaster  *number  *+13125550999  *web <b>test</b>'"
fg_check "…with its audit row" \
    [ "$(fg_sql "$db" "SELECT who || '|' || action || '|' || target || '|' || detail FROM audit WHERE action = 'block add'")" = "olga|block add|broadcaster number 1-312-555-0999|web <b>test</b>" ]
$ctl block add advertiser domain cli-added.example --note "from the shell" >/dev/null
fg_check "the store says who added each entry: olga on the web, faxgatectl on the machine" \
    [ "$($ctl --json block list | jq -r '.[] | .value + "=" + .added_by' | sort | paste -sd' ')" = "+13125550999=olga cli-added.example=faxgatectl" ]
fg_check "the lists page shows it with its note escaped (in its edit field) and who added it" \
    bash -c "curl -s -b '$tmp/olga.jar' '$web/lists' | grep -q '+13125550999</td><td><form[^>]*action=\"/lists/block\">.*<input name=\"note\" aria-label=\"note\" value=\"web &lt;b&gt;test&lt;/b&gt;\"> <button>Save</button></form></td><td>[^<]*</td><td>olga</td>'"
fg_check "a bad number is refused with the CLI's reason (400)" \
    bash -c "h=\$(curl -s -w '%{http_code}' -b '$tmp/olga.jar' -d 'csrf=$csrf&op=add&role=advertiser&kind=number&value=abc' '$web/lists/block'); [ \"\${h: -3}\" = 400 ] && grep -q 'is not a phone number' <<<\"\$h\""
olga -o /dev/null -d "csrf=$csrf&op=add&kind=domain&value=%40Harbor-Dental.example&basis=ebr" "$web/lists/consent"
fg_check "a consent entry added on the web is in faxgatectl consent list" bash -c "$ctl consent list | grep -q '^domain  *harbor-dental.example  *ebr'"
olga -o /dev/null -d "csrf=$csrf&op=remove&kind=domain&value=harbor-dental.example" "$web/lists/consent"
fg_check "…and removed again" bash -c "$ctl consent list | grep -q '(empty)'"

# --- 9. accounts ---
fg_check "an operator may not see or change the accounts (403)" \
    [ "$(code GET /users -b "$tmp/olga.jar")$(code POST /users -b "$tmp/olga.jar" -d "csrf=$csrf&op=add&name=x&role=admin&password=12345678")" = 403403 ]
curl -s -c "$tmp/ada.jar" -o /dev/null -d 'name=ada&password=admin+password' "$web/login"
acsrf=$(curl -s -b "$tmp/ada.jar" "$web/users" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="\(.*\)"/\1/')
out=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/ada.jar" -d "csrf=$acsrf&op=add&name=newbie&role=viewer&password=newbie+password" "$web/users")
fg_check "an admin adds an account on the web (303), and faxgatectl users lists it" \
    bash -c "[ '$out' = 303 ] && $ctl users | grep -q '^newbie  *viewer'"
fg_check "…it logs in with its password" [ "$(code POST /login -d 'name=newbie&password=newbie+password')" = 303 ]
fg_check "…a short password is refused (400)" \
    [ "$(code POST /users -b "$tmp/ada.jar" -d "csrf=$acsrf&op=add&name=shorty&role=viewer&password=short")" = 400 ]
fg_check "an admin cannot remove her own account on the web (400)" \
    [ "$(code POST /users -b "$tmp/ada.jar" -d "csrf=$acsrf&op=remove&name=ada")" = 400 ]
curl -s -o /dev/null -b "$tmp/ada.jar" -d "csrf=$acsrf&op=remove&name=newbie" "$web/users"
fg_check "…but removes another, in the audit log ($(fg_sql "$db" "SELECT group_concat(action, ',') FROM audit WHERE who = 'ada' AND action LIKE 'user %'"))" \
    bash -c "! $ctl users | grep -q newbie && [ \"\$(sqlite3 '$db' \"SELECT group_concat(action || ' ' || target, ',') FROM audit WHERE who = 'ada' AND action LIKE 'user %'\")\" = 'user add newbie,user remove newbie' ]"
fg_check "the users page shows the audit log, escaped" \
    bash -c "curl -s -b '$tmp/ada.jar' '$web/users' | grep -q '<td>block add</td><td>broadcaster number 1-312-555-0999</td><td>web &lt;b&gt;test&lt;/b&gt;</td>'"

curl -s -c "$tmp/ada2.jar" -o /dev/null -d 'name=ada&password=admin+password' "$web/login"
fg_check "changing one's password needs the current one (403), and the token" \
    [ "$(code POST /account -b "$tmp/ada.jar" -d "csrf=$acsrf&current=wrong+password&password=new+admin+password")$(code POST /account -b "$tmp/ada.jar" -d "current=admin+password&password=new+admin+password")" = 403403 ]
fg_check "with it, the password changes and every session of the account ends" \
    bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$tmp/ada.jar' -d 'csrf=$acsrf&current=admin+password&password=new+admin+password' '$web/account')\" = 303 ] &&
             [ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$tmp/ada2.jar' '$web/calls')\" = 401 ] &&
             [ \"\$(curl -s -o /dev/null -w '%{http_code}' -d 'name=ada&password=new+admin+password' '$web/login')\" = 303 ]"

# --- 11. status ---
vera() { curl -s -b "$tmp/vera.jar" "$@"; }
lastv() { sed -n 's/.*<p id="last-verify">//p' <<<"$1" | sed 's#</p>.*##; s/<[^>]*>//g' | cut -c1-160; }
live="LIVE<b>$RANDOM</b>"
"$faxsim" send --quiet --realtime --line "$FG_LINE" --tsi "$live" --caller-id +13125550777 "$tmp/order.tif" >"$tmp/send-live.log" 2>&1 &
livepid=$!
seen=""
for _ in $(seq 120); do
    vera "$web/status" >"$tmp/status-live.html"
    grep -q "<td>${live//[<>]/.}</td>" "$tmp/status-live.html" && { seen=raw; break; }
    grep -q "<td>$(sed 's/</\&lt;/g; s/>/\&gt;/g' <<<"$live")</td>" "$tmp/status-live.html" && { seen=escaped; break; }
    kill -0 $livepid 2>/dev/null || break
    sleep 0.25
done
fg_check "while faxsim sends in real time, /status shows the call in progress with its TSI, escaped ($seen; $(grep -o '[0-9]* call(s) in progress' "$tmp/status-live.html"))" \
    bash -c "[ '$seen' = escaped ] && grep -q '<p id=\"live-calls\">1 call(s) in progress' '$tmp/status-live.html' && grep -q '<td>+13125550777</td>' '$tmp/status-live.html'"
wait $livepid
fg_check "…and none once it has ended" \
    bash -c "for i in \$(seq 40); do curl -s -b '$tmp/vera.jar' '$web/status' | grep -q '<p id=\"live-calls\">0 call(s)' && exit 0; sleep 0.25; done; exit 1"
# a fax to a line where nothing answers: it stays in the outgoing queue, retried later
$ctl send --to audiosocket://127.0.0.1:9 --attempts 5 "$tmp/order.tif" >"$tmp/send-out.log" 2>&1
fg_wait_sql "$db" 20 "SELECT count(*) FROM outgoing WHERE attempts > 0" 1 >/dev/null
vera "$web/status" >"$tmp/status.html"
st=$($ctl --json status)
head=$($ctl --json evidence head)
fg_check "a viewer sees /status (200), linked from every page's header" \
    bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$tmp/vera.jar' '$web/status')\" = 200 ] && grep -q '<a href=\"/status\">Status</a>' '$tmp/calls.html'"
fg_check "it shows the printer's state as faxgatectl status does ($(jq -r .printer.state <<<"$st"))" \
    grep -q "<td id=\"printer-state\">$(jq -r .printer.state <<<"$st")</td>" "$tmp/status.html"
pq=$(fg_sql "$db" "SELECT count(*) FROM deliveries WHERE state <> 'done'")
fg_check "the print queue count, as faxgatectl status and the store say ($(jq '.print_queue | length' <<<"$st"), $pq)" \
    bash -c "[ \"\$(jq '.print_queue | length' <<<\"\$1\")\" = '$pq' ] && grep -q '<p id=\"print-queue\">$pq job(s) not printed yet' '$tmp/status.html'" _ "$st"
fg_check "the outgoing queue: the fax to a dead line, as faxgatectl status says ($(jq '[.outgoing[] | select(.state == "queued" or .state == "sending")] | length' <<<"$st") to send)" \
    bash -c "[ \"\$(jq '[.outgoing[] | select(.state == \"queued\" or .state == \"sending\")] | length' <<<\"\$1\")\" = 1 ] &&
             grep -q '<p id=\"outgoing-queue\">1 fax(es) to send' '$tmp/status.html' && grep -q '<td>audiosocket://127.0.0.1:9</td>' '$tmp/status.html'" _ "$st"
free=$(df -Pm "$tmp/spool" | awk 'NR == 2 {print $4}')
shown=$(sed -n 's/.*<p id="disk">The spool [^<]* has \([0-9]*\) MiB free.*/\1/p' "$tmp/status.html")
fg_check "the spool's free space, within 50 MiB of df's ($shown, $free MiB)" \
    bash -c "[ -n '$shown' ] && [ \$(( $shown - ${free:-0} )) -le 50 ] && [ \$(( ${free:-0} - $shown )) -le 50 ]"
fg_check "the ledger's head as faxgatectl evidence head says ($(jq -r '"\(.entries) entries, seq \(.seq)"' <<<"$head"))" \
    bash -c "grep -q '<td id=\"ledger-entries\">$(jq .entries <<<"$head")</td>' '$tmp/status.html' &&
             grep -q '<td id=\"ledger-seq\">$(jq .seq <<<"$head")</td>' '$tmp/status.html' &&
             grep -q '<code id=\"ledger-head\">$(jq -r .chain <<<"$head")</code>' '$tmp/status.html' && [ $(jq .entries <<<"$head") -ge 5 ]"
fg_check "faxgatectl status prints the spool's free space and the ledger too" \
    bash -c "$ctl status | grep -q '^spool .*: [0-9]* MiB free' && $ctl status | grep -q '^evidence ledger: $(jq .entries <<<"$head") entries'"
fg_check "a viewer has no verify button and may not verify (403)" \
    bash -c "! grep -q 'action=\"/status/verify\"' '$tmp/status.html' && [ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$tmp/vera.jar' -d 'csrf=$vcsrf' '$web/status/verify')\" = 403 ]"
fg_check "an operator's verify needs the CSRF token (403)" [ "$(code POST /status/verify -b "$tmp/olga.jar")" = 403 ]
out=$(olga -L -w '%{http_code}' -d "csrf=$csrf" "$web/status/verify")
fg_check "an operator verifies the whole ledger: verified, with the counts ($(lastv "$out"))" \
    bash -c "[ '${out: -3}' = 200 ] && grep -q '<p id=\"last-verify\"><span class=\"v-deliver\">Verified</span> at .* (by olga): [0-9]* ledger entries chained, [0-9]* calls match their latest record; [1-9][0-9]* page files' <<<\"\$1\"" _ "$out"
printf 'X' >>"$(fg_sql "$db" "SELECT tiff FROM calls WHERE id = $order")"
out=$(olga -L -d "csrf=$csrf" "$web/status/verify")
fg_check "once a page file is changed behind the store's back, the verify says BROKEN and names the call ($(lastv "$out"))" \
    bash -c "grep -q '<p id=\"last-verify\"><span class=\"v-drop\">BROKEN</span> at .* (by olga): at call $order: the file .*call-$order.tif differs' <<<\"\$1\"" _ "$out"
fg_check "…which every viewer sees on /status" bash -c "curl -s -b '$tmp/vera.jar' '$web/status' | grep -q 'BROKEN</span> at .* (by olga)'"

# --- 12. rate limiting and logout ---
for i in 1 2 3 4 5; do code POST /login -d 'name=vera&password=not+hers' >/dev/null; done
fg_check "after 5 failed logins the right password is refused too (429)" \
    [ "$(code POST /login -d 'name=vera&password=viewer+password')" = 429 ]
fg_check "…and from that address any account (429)" [ "$(code POST /login -d 'name=olga&password=operator+password')" = 429 ]
fg_check "the session in hand still works" [ "$(code GET /calls -b "$tmp/olga.jar")" = 200 ]
fg_check "logout without the token is refused" [ "$(code POST /logout -b "$tmp/olga.jar")" = 403 ]
out=$(curl -s -D - -o /dev/null -b "$tmp/olga.jar" -d "csrf=$csrf" "$web/logout")
fg_check "logout answers 303 to /login and clears the cookie" \
    bash -c "grep -q '^Location: /login' <<<\"\$1\" && grep -qi '^Set-Cookie: fg_session=;.*Max-Age=0' <<<\"\$1\"" _ "$out"
fg_check "…the old cookie opens nothing any more" [ "$(code GET /calls -b "$tmp/olga.jar")" = 401 ]
fg_check "…and its session is gone from the store" [ "$(fg_sql "$db" "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'olga'")" = 0 ]
fg_check "faxgated is still up" kill -0 "$FG_GATEWAY_PID"
fg_tap_end

#!/usr/bin/env bash
# End to end: the gateway learns from its operator. Real fax calls (faxsim) into a running faxgated
# that prints to a spool folder (no printer, no root needed). Prints TAP.
#   1. campaign: variant 1 of an ad arrives, the operator junks it; variant 2 (other numbers,
#      date and price) from another number and TSI is dropped, the campaign named as the reason
#   2. a business fax (a supplier's price list) is held or dropped; the operator releases it; the next one
#      from that supplier scores lower (the learning classifier learned it as a business fax, its
#      campaign is released) and is delivered
#   3. faxgatectl train learns a text and a TIFF page, once each; campaigns and the violation log
#      grouped by campaign and by advertiser
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-learning-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"

# --- fixtures: two variants of one campaign (the labelled ones, or our own if they are absent) ---
camp1=tests/data/texts/ad/en_camp1_v1.txt
camp2=tests/data/texts/ad/en_camp1_v2.txt
if [ ! -f "$camp1" ] || [ ! -f "$camp2" ]; then
    camp1=$tmp/camp_v1.txt camp2=$tmp/camp_v2.txt
    cat >"$camp1" <<'EOF'
Island Breeze Vacations
4-Day Bahamas Cruise for Two - Only $299!
Sail from Fort Lauderdale or Port Canaveral to Grand Bahama Island.
Includes all meals, Las Vegas-style shows, casino and pool deck. Port taxes additional.
BONUS: 2 nights hotel in Orlando AND 1 night in Fort Lauderdale at no extra charge!
Only 50 certificates remain for this region. Call before Friday to reserve yours.
Call toll free 1-888-555-0141, Monday - Saturday, 9 am to 8 pm ET.
To be removed from our fax list call toll free 1-800-555-0142.
EOF
    sed -e 's/299/249/; s/0141/0168/; s/888/877/; s/0142/0111/; s/50 cert/20 cert/' "$camp1" >"$camp2"
fi
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
"$faxsim" render --seed 2 --noise 1 --font "Liberation Serif" "$camp2" "$tmp/camp2.tif" >>"$tmp/render.log" 2>&1 &&
    ok_render=$((ok_render + 1))
"$faxsim" render --seed 3 "$tmp/pricelist.txt" "$tmp/price.tif" >>"$tmp/render.log" 2>&1 && ok_render=$((ok_render + 1))
fg_check "rendered the campaign variants and the price list with faxsim render" [ "$ok_render" -eq 3 ]

{
    fg_local_conf "$db" "$tmp" "$tmp/out"
    cat <<EOF
[line]
listen = audiosocket://127.0.0.1:0
[classify]
bayes = yes
starter_model = yes
campaigns = yes
EOF
} >"$tmp/faxgate.conf"
mkdir -p "$tmp/out"
if ! fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"; then
    fg_not_ok "faxgated starts"
    fg_tap_end
    exit 1
fi
fg_ok "faxgated answers on $FG_LINE, printing to spool:$tmp/out"

# send TIF TSI CALLER: one real call; prints the call's id once it is judged and filed.
send() {
    fg_send_judged "$build" "$db" "$tmp/send-$2.log" "$2" "$3" "$1"
}

# --- 1. one junk mark stops the campaign ---
id1=$(send "$tmp/camp1.tif" "BLAST ONE" "+17025550104")
fg_check "variant 1 received and judged (call $id1: $(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$id1'"))" [ -n "$id1" ]
c1=$(fg_sql "$db" "SELECT campaign_id FROM calls WHERE id = '$id1'")
fg_check "…filed in a new campaign ($c1)" [ -n "$c1" ]
out=$($ctl junk "$id1" 2>&1)
echo "$out" | sed 's/^/# /'
fg_check "faxgatectl junk $id1 marks its campaign junk" bash -c "echo '$out' | grep -q 'campaign $c1 marked junk'"
fg_check "…and learns it as an advertisement" \
    [ "$(fg_sql "$db" "SELECT class FROM bayes_learned WHERE key = 'call:$id1'")" = ad ]
id2=$(send "$tmp/camp2.tif" "OTHER BLASTER" "+14155550199")
fg_check "variant 2 from another number and TSI received (call $id2)" [ -n "$id2" ]
fg_check "…dropped: $(fg_sql "$db" "SELECT verdict_reason FROM calls WHERE id = '$id2'")" \
    [ "$(fg_sql "$db" "SELECT verdict || ',' || (verdict_reason LIKE '%junk campaign: campaign $c1 %') FROM calls WHERE id = '$id2'")" = "drop,1" ]
fg_check "…with the named score CAMPAIGN_JUNK" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM scores WHERE call_id = '$id2' AND name = 'CAMPAIGN_JUNK' AND weight > 0")" = 1 ]
fg_check "…filed in the same campaign, which now counts 2 faxes" \
    [ "$(fg_sql "$db" "SELECT c.campaign_id || ',' || p.count FROM calls c JOIN campaigns p ON p.id = c.campaign_id WHERE c.id = '$id2'")" = "$c1,2" ]
fg_check "…and never printed" [ "$(fg_sql "$db" "SELECT printed FROM calls WHERE id = '$id2'")" = 0 ]

# --- 2. a held business fax, released, teaches the learning classifier ---
p1=$(send "$tmp/price.tif" "HARBOR DENTAL" "+13125550120")
v1=$(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$p1'")
b1=$(fg_sql "$db" "SELECT coalesce(bayes, -1) FROM calls WHERE id = '$p1'")
# held, or dropped when the rules (7 and more) and the learned model agree (docs/learning.md): either
# way kept off the printer and released by the operator below
fg_check "the supplier's price list is kept off the printer as an ad look-alike (call $p1: $v1, bayes $b1)" \
    [ "$v1" = hold -o "$v1" = drop ]
out=$($ctl release "$p1" 2>&1)
echo "$out" | sed 's/^/# /'
fg_check "faxgatectl release $p1 learns it as a business fax" \
    [ "$(fg_sql "$db" "SELECT class FROM bayes_learned WHERE key = 'call:$p1'")" = legit ]
fg_check "…and it is printed" bash -c "for _ in \$(seq 100); do [ \"\$(sqlite3 '$db' \"SELECT printed FROM calls WHERE id = $p1\")\" = 1 ] && exit 0; sleep 0.2; done; exit 1"
p2=$(send "$tmp/price.tif" "HARBOR DENTAL" "+13125550120")
b2=$(fg_sql "$db" "SELECT coalesce(bayes, -1) FROM calls WHERE id = '$p2'")
s1=$(fg_sql "$db" "SELECT score FROM calls WHERE id = '$p1'")
s2=$(fg_sql "$db" "SELECT score FROM calls WHERE id = '$p2'")
fg_check "the next price list scores lower: bayes $b1 -> $b2, score $s1 -> $s2" \
    awk -v a="$b1" -v b="$b2" -v s="$s1" -v t="$s2" 'BEGIN { exit !(b >= 0 && a >= 0 && b < a && t < s) }'
fg_check "…and is delivered: $(fg_sql "$db" "SELECT verdict_reason FROM calls WHERE id = '$p2'")" \
    [ "$(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$p2'")" = deliver ]
out=$($ctl junk "$p1" 2>&1)
fg_check "junk after release moves what was learned, never counts twice" \
    [ "$(fg_sql "$db" "SELECT class || ',' || (SELECT count(*) FROM bayes_learned WHERE key = 'call:$p1') FROM bayes_learned WHERE key = 'call:$p1'")" = "ad,1" ]

# --- 3. listings ---
fg_check "faxgatectl campaigns --json lists campaign $c1 as junk" \
    bash -c "$ctl campaigns --json | grep -q '\"id\":$c1,.*\"state\":\"junk\"'"
fg_check "faxgatectl violations --by campaign groups the log" \
    bash -c "$ctl --json violations --by campaign | grep -q '\"campaign\":$c1,'"
fg_check "faxgatectl violations --by advertiser groups the log" \
    bash -c "$ctl --json violations --by advertiser | grep -q '\"campaigns\":\\[$c1'"
fg_check "the text form of violations --by campaign names it" bash -c "$ctl violations --by campaign | grep -q 'campaign $c1 '"

# --- 4. faxgatectl train, as the evaluation harness calls it ---
printf '[store]\ndb = %s/train.db\n[classify]\nstarter_model = no\n' "$tmp" >"$tmp/train.conf"
tctl="$build/faxgatectl --config $tmp/train.conf"
$tctl train --ad "$camp1" >"$tmp/train1.out" 2>&1
rc=$?   # kept before anything else runs: $(…) in a check's text would overwrite $?
fg_check "train --ad TEXT exits 0 (exit $rc): $(head -1 "$tmp/train1.out")" [ "$rc" -eq 0 ]
$tctl train --ad "$camp1" >"$tmp/train2.out" 2>&1
fg_check "training it again counts once: $(head -1 "$tmp/train2.out")" grep -q "already learned" "$tmp/train2.out"
$tctl train --legit "$tmp/price.tif" >"$tmp/train3.out" 2>&1
rc=$?
fg_check "train --legit PAGE.tif (OCR) exits 0 (exit $rc): $(head -1 "$tmp/train3.out")" [ "$rc" -eq 0 ]
fg_check "…the store counts 1 ad and 1 business fax" [ "$(fg_sql "$tmp/train.db" "SELECT ad || ',' || legit FROM bayes_totals")" = "1,1" ]
$tctl train --ad "$tmp/no-such-file.txt" >"$tmp/train4.out" 2>&1
rc=$?
fg_check "a missing file fails (exit $rc) with a message: $(head -1 "$tmp/train4.out")" \
    bash -c "[ $rc -ne 0 ] && grep -q no-such-file '$tmp/train4.out'"
$tctl train "$camp1" >/dev/null 2>&1
rc=$?
fg_check "train without --ad or --legit is a usage error (exit $rc)" [ "$rc" -eq 2 ]

fg_tap_end

#!/usr/bin/env bash
# Screening before page 1 (#12), with the real daemon and real fax calls on loopback. Prints TAP.
# Every refused call must cost no page: refused in phase B (DCN) or, over SIP, before the answer
# (603), and recorded as rejected with its reason.
#   1. the sending machine: a broadcaster block on its NSF maker (faxsim --nss) and on its DCS
#      (the modem it chose); another maker and another modem get through
#   2. an all-space TSI with [screen] reject_empty_tsi
#   3. [screen] junk_senders: once an operator marks a fax junk, the next call from its caller ID is
#      refused in phase B (AudioSocket) and before the answer (SIP 603)
#   4. [screen] offender_faxes: a TSI with two standing violations in the window is refused, one
#      whose faxes were only held (pending) is not
#   5. the number dialled over AudioSocket (faxsim --line audiosocket://HOST:PORT/NUMBER) picks the
#      [number] section's rules
# Needs no IPP printer: printed faxes go to a spool folder.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-screen-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"
mkdir -p "$tmp/printed"
{
    fg_local_conf "$db" "$tmp" "$tmp/printed"
    cat <<EOF
[line]
listen = audiosocket://127.0.0.1:0, sip:fax@127.0.0.1:0
[sip]
peers = 127.0.0.1
[screen]
reject_empty_tsi = yes
junk_senders = yes
offender_faxes = 2
offender_days = 30
[classify]
; part 4 needs advertisements held for review (pending violations): no drop by the learned model's
; agreement with the rules on this site
model_drop = 10
[number +14165550100]
profiles = ca
owner = person
EOF
} >"$tmp/faxgate.conf"
cat >"$tmp/order.txt" <<'EOF'
PURCHASE ORDER 4471
Harbor Street Dental Clinic, 12 Harbor Street, Springfield
To: Midwest Dental Supply, attn. order desk
Please ship 4 boxes of nitrile gloves (size M) and 2 cases of sterilization pouches,
as quoted on 11/28. Deliver to the back entrance before Friday.
Questions: call Anna at the front desk.
EOF
cat >"$tmp/ad.txt" <<'EOF'
# HUGE SAVINGS ON OFFICE SUPPLIES - THIS WEEK ONLY!
Toner cartridges from $19.99, copy paper $24.99 a case, free shipping on orders over $99.
Call 1-800-555-0147 now or visit www.officedealsdirect.example to order. Limited time offer!
To be removed from our list fax 1-800-555-0148.
EOF
"$faxsim" render "$tmp/order.txt" "$tmp/order.tif" >"$tmp/render.log" 2>&1
cat >"$tmp/ad2.txt" <<'EOF'
# 5 NIGHTS IN ORLANDO FOR $299 - FAMILY VACATION SPECIAL!
Theme park tickets, hotel and rental car included. Book before Sunday and kids stay free.
Call our travel desk at 1-888-555-0172 or visit www.sunnytripsdeals.example today!
To opt out of future faxes call 1-888-555-0173.
EOF
"$faxsim" render "$tmp/ad.txt" "$tmp/ad.tif" >>"$tmp/render.log" 2>&1
"$faxsim" render "$tmp/ad2.txt" "$tmp/ad2.tif" >>"$tmp/render.log" 2>&1
fg_check "rendered a business fax and two advertisements" test -s "$tmp/order.tif" -a -s "$tmp/ad.tif" -a -s "$tmp/ad2.tif"

fg_check "faxgated starts" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
as=$(echo "$FG_LINE" | grep -o 'audiosocket://[^ ,]*')
sip=$(echo "$FG_LINE" | grep -o 'sip://[^ ,]*')
sip="sip:${sip#sip://}"

# call TSI CALLER [faxsim options...] -- FILE: one AudioSocket call; prints "EXIT ID STATE PAGES RESULT"
# once the call is recorded as ended
call() {
    local tsi=$1 caller=$2 last id rc
    shift 2
    last=$(fg_sql "$db" "SELECT coalesce(max(id), 0) FROM calls" 2>/dev/null)
    "$faxsim" send --quiet --line "${LINE:-$as}" --tsi "$tsi" --caller-id "$caller" "$@" >>"$tmp/send.log" 2>&1
    rc=$?
    for _ in $(seq 200); do
        id=$(fg_sql "$db" "SELECT id FROM calls WHERE id > ${last:-0} AND state IN ('received', 'failed', 'rejected')
                           AND (state = 'rejected' OR deliver_state IS NOT NULL) ORDER BY id DESC LIMIT 1" 2>/dev/null)
        [ -n "$id" ] && break
        sleep 0.1
    done
    echo "$rc ${id:-none} $(fg_sql "$db" "SELECT state || ' ' || pages || ' ' || coalesce(result, '') FROM calls WHERE id = '${id:-0}'")"
}
# refused OUT WHY: faxsim failed, the call is recorded rejected with no page, and its result says WHY
refused() {
    local rc id state pages
    read -r rc id state pages _ <<<"$1"
    [ "$rc" -ne 0 ] && [ "$state" = rejected ] && [ "$pages" = 0 ] && [[ $1 == *"$2"* ]] &&
        [ -z "$(fg_sql "$db" "SELECT tiff FROM calls WHERE id = $id AND tiff IS NOT NULL")" ]
}
accepted() {
    local rc id state
    read -r rc id state _ <<<"$1"
    [ "$rc" -eq 0 ] && [ "$state" = received ]
}

# --- 1. the sending machine ---
$ctl block add broadcaster nsf Kyocera --note "the blaster's modem bank" >/dev/null
$ctl block add broadcaster dcs "V.27ter" --note "only old junk machines still use it" >/dev/null
out=$(call "OFFICE ONE" +13125550101 --nss 007000 "$tmp/order.tif")
fg_check "a call whose NSS names Kyocera is refused in phase B, no page ($out)" \
    refused "$out" "broadcaster nsf 'Kyocera' is blocked"
out=$(call "OFFICE TWO" +13125550102 --nss 00b000 "$tmp/order.tif")
fg_check "one from a Minolta gets through ($out)" accepted "$out"
fg_check "…and its maker is recorded" \
    [ "$(fg_sql "$db" "SELECT nsf_vendor FROM calls WHERE tsi = 'OFFICE TWO'")" = Minolta ]
out=$(call "OFFICE THREE" +13125550103 --modems v27ter "$tmp/order.tif")
fg_check "a call that chose V.27ter is refused by the dcs block ($out)" refused "$out" "DCS (V.27ter 4800 bps"
out=$(call "OFFICE FOUR" +13125550104 --modems v29 "$tmp/order.tif")
fg_check "one on V.29 gets through ($out)" accepted "$out"

# --- 2. an all-space TSI ---
out=$(call "     " +13125550105 "$tmp/order.tif")
fg_check "an all-space TSI is refused with [screen] reject_empty_tsi ($out)" refused "$out" "TSI ([screen] reject_empty_tsi = yes)"

# --- 3. junk senders ---
out=$(call "BLASTER ONE" +13125550999 "$tmp/ad.tif")
junk_id=$(echo "$out" | cut -d' ' -f2)
fg_check "an advertisement from +13125550999 is received ($out)" accepted "$out"
$ctl junk "$junk_id" >"$tmp/junk.out" 2>&1
fg_check "the operator marks it junk" [ "$(fg_sql "$db" "SELECT verdict || ' ' || verdict_by FROM calls WHERE id = '$junk_id'")" = "drop operator" ]
out=$(call "BLASTER TWO" +13125550999 "$tmp/order.tif")
fg_check "the next call from that caller ID is refused in phase B, even with a new TSI ($out)" \
    refused "$out" "junk sender: this sender sent call $junk_id"
out=$(LINE=$sip call "BLASTER SIP" +13125550999 "$tmp/order.tif")
fg_check "over SIP it is declined before the answer (603), recorded, no page ($out)" \
    refused "$out" "declined before answer (SIP 603)"

# --- 4. repeat offenders ---
# (another advertisement: the first one's campaign is junk now, and junk_senders would answer first)
for n in 1 2; do call "OFFENDER" +13125550777 "$tmp/ad2.tif" >/dev/null; done
held=$(fg_sql "$db" "SELECT group_concat(verdict) FROM calls WHERE tsi = 'OFFENDER'")
fg_check "the offender's two advertisements are held for review ($held)" [ "$held" = "hold,hold" ]
out=$(call "OFFENDER" +13125550777 "$tmp/order.tif")
fg_check "held faxes' violations are pending: the sender is not refused for them ($out)" accepted "$out"
# two of its faxes dropped as advertisements (the test's way to make the verdict without a third fax)
fg_sql "$db" "UPDATE calls SET verdict = 'drop', is_ad = 1 WHERE tsi = 'OFFENDER' AND id IN (SELECT id FROM calls WHERE tsi = 'OFFENDER' ORDER BY id LIMIT 2)"
out=$(call "OFFENDER" +13125550778 "$tmp/order.tif")
fg_check "with two standing violations in 30 days the TSI is refused in phase B ($out)" \
    refused "$out" "repeat offender: TSI 'OFFENDER' sent 2 faxes with violations"

# --- 5. the number dialled over AudioSocket (called=, as Asterisk's ${EXTEN}) picks its [number] rules ---
out=$(LINE="$as/4165550100" call "ONTARIO CALL" +14165550199 "$tmp/order.tif")
read -r _ id _ <<<"$out"
fg_check "a call to $as/4165550100 is judged by its [number +14165550100] rules ($(fg_sql "$db" "SELECT called || ' ' || line_type || ' ' || profiles FROM calls WHERE id = '$id'"))" \
    [ "$(fg_sql "$db" "SELECT called || ' ' || line_type || ' ' || profiles FROM calls WHERE id = '$id'")" = "+14165550100 person ca" ]
fg_check "faxsim refuses a number dialled that is not digits, saying so" \
    bash -c "out=\$('$faxsim' send --quiet --line '$as/fax-desk' '$tmp/order.tif' 2>&1); [ \$? -ne 0 ] && echo \"\$out\" | grep -q 'must be digits'"

fg_check "no refused call was printed" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM calls WHERE state = 'rejected' AND printed = 1")" = 0 ]
fg_check "faxgated is still up" kill -0 "$FG_GATEWAY_PID"
fg_tap_end

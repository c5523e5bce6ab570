#!/usr/bin/env bash
# Managed opt-out (#12) with the real daemon and real fax calls over SIP, on loopback. Prints TAP.
#   1. an advertisement whose notice names an opt-out fax number is received by faxgated over SIP
#   2. faxgatectl optout refuses while [optout] enabled = no, and explains why
#   3. with faxgated stopped the request is queued in the store and the command says it waits;
#      started again, faxgated sends it over [optout] via to `faxsim receive` (another fax
#      machine): one page arrives there with faxgate's CSI as TSI; the request follows its
#      outgoing entry to sent, and `faxgatectl optouts` shows it
#   4. a notice with only a phone number makes a manual request with the operator's instructions
#   5. a later fax from the same advertiser inside the 30 days is not a repeat; once the request is
#      41 days old (its sent_at moved back with sqlite3: the test's way to age it), it is flagged
#      as a wilful repeat, and `optouts` counts it
# Needs no IPP printer: printed faxes go to a spool folder.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-optout-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
db=$tmp/faxgate.db
ctl="$build/faxgatectl --config $tmp/faxgate.conf"
gw_port=$(fg_free_port)
far_port=$(fg_free_port)
while [ "$far_port" = "$gw_port" ]; do far_port=$(fg_free_port); done
mkdir -p "$tmp/printed"

write_conf() {   # write_conf FILE ENABLED
    {
        fg_local_conf "$db" "$tmp" "$tmp/printed"
        cat <<EOF
[site]
number = +15551230000
[line]
listen = sip:fax@127.0.0.1:$gw_port
csi = FAXGATE TEST
[outgoing]
retry_seconds = 2
max_attempts = 3
[optout]
enabled = $2
via = sip:127.0.0.1:$far_port
EOF
    } >"$1"
}
write_conf "$tmp/faxgate.conf" yes
write_conf "$tmp/disabled.conf" no

# the same advertiser (SunWave Cruise Club, opt-out fax +18885550199) twice, and another whose
# notice gives only a telephone number
cat >"$tmp/ad-fax.txt" <<'EOF'
12/02/2026 09:15 FROM: SUNWAVE TRAVEL 305-555-0177 P.1/1
# 7 NIGHTS IN CANCUN FROM $499!
## SunWave Cruise Club - exclusive offer for business owners
All-inclusive resort, airfare and transfers included. Limited time only.
Call now to reserve your vacation: 1-305-555-0177
Visit www.sunwavecruiseclub.com for more special deals and discounts.

To be removed from our list, fax your fax number to 1-888-555-0199 or call 1-888-555-0142,
24 hours a day, 7 days a week. Failure to comply with an opt-out request within 30 days is unlawful.
EOF
sed -e 's/CANCUN FROM \$499/JAMAICA FROM $599/' -e 's/305-555-0177/786-555-0123/g' "$tmp/ad-fax.txt" >"$tmp/ad-again.txt"
cat >"$tmp/ad-phone.txt" <<'EOF'
12/03/2026 11:40 FROM: PRINTPRO 214-555-0160 P.1/1
# BUSINESS CARDS 50% OFF THIS WEEK ONLY!
## PrintPro Express - full colour, free shipping, no minimum order
Letterhead, envelopes, flyers and banners at wholesale prices. Order today and save!
Call 1-214-555-0160 for your free quote.

To be removed from our list, call 1-800-555-0186. Requests are honored within 30 days.
Failure to comply within 30 days is unlawful.
EOF
for f in ad-fax ad-again ad-phone; do
    "$faxsim" render "$tmp/$f.txt" "$tmp/$f.tif" >>"$tmp/render.log" 2>&1
done
fg_check "rendered three advertisements" test -s "$tmp/ad-fax.tif" -a -s "$tmp/ad-again.tif" -a -s "$tmp/ad-phone.tif"

# send_ad FILE TSI: one call into faxgated; prints the call's id once it is judged and saved
send_ad() {
    local n
    n=$(fg_sql "$db" "SELECT count(*) FROM calls" 2>/dev/null || echo 0)
    "$faxsim" send --line "sip:fax@127.0.0.1:$gw_port" --tsi "$2" --caller-id "+13055550177" "$tmp/$1.tif" \
        >>"$tmp/send.log" 2>&1 || return 1
    fg_wait_sql "$db" 60 "SELECT count(*) FROM calls WHERE id > $n AND verdict IS NOT NULL" 1 >&2 || return 1
    fg_sql "$db" "SELECT max(id) FROM calls"
}

# --- 1. the advertisement arrives ---
fg_check "faxgated starts, answering SIP on 127.0.0.1:$gw_port" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"
ad=$(send_ad ad-fax "SUNWAVE")
fg_check "the advertisement is received and judged (call $ad: $(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$ad'"))" \
    [ "$(fg_sql "$db" "SELECT is_ad FROM calls WHERE id = '$ad'")" = 1 ]
fg_check "its notice's opt-out fax number is recorded" \
    [ "$(fg_sql "$db" "SELECT value FROM identities WHERE call_id = '$ad' AND role = 'optout' AND kind = 'fax'")" = +18885550199 ]
phone_ad=$(send_ad ad-phone "PRINTPRO")
fg_check "a second advertisement, whose notice gives only a phone number (call $phone_ad)" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM identities WHERE call_id = '$phone_ad' AND role = 'optout' AND kind = 'fax'")" = 0 ]

# --- 2. off by default ---
"$build/faxgatectl" --config "$tmp/disabled.conf" optout "$ad" >"$tmp/disabled.out" 2>&1
rc=$?
fg_check "with [optout] enabled = no the request is refused (exit $rc) and says why" \
    bash -c "[ $rc -eq 2 ] && grep -q 'managed opt-out is off' '$tmp/disabled.out' && grep -q 'number is live' '$tmp/disabled.out'"
fg_check "…and nothing is recorded" [ "$(fg_sql "$db" "SELECT count(*) FROM optouts")" = 0 ]
$ctl optout "$ad" --dry-run --out "$tmp/dry.tif" >"$tmp/dry.out" 2>&1
rc=$?
fg_check "--dry-run composes the page (exit $rc): the number to remove, the TSI, the law, the destination" \
    bash -c "[ $rc -eq 0 ] && grep -q '^## +15551230000' '$tmp/dry.out' && grep -q 'TSI): SUNWAVE' '$tmp/dry.out' \
        && grep -q '64.1200(a)(4)(iii)-(v)' '$tmp/dry.out' && grep -q 'sip:+18885550199@127.0.0.1:$far_port' '$tmp/dry.out' \
        && [ -s '$tmp/dry.tif' ]"
fg_check "…and records nothing" [ "$(fg_sql "$db" "SELECT count(*) FROM optouts") $(fg_sql "$db" "SELECT count(*) FROM outgoing")" = "0 0" ]

# --- 3. queued while faxgated is stopped, sent when it runs ---
fg_stop_pid "$FG_GATEWAY_PID"
$ctl optout "$ad" >"$tmp/optout.out" 2>&1
rc=$?
sed 's/^/#   /' "$tmp/optout.out"
fg_check "faxgatectl optout queues the request (exit $rc) and says faxgated will send it when it runs" \
    bash -c "[ $rc -eq 0 ] && grep -q 'queued as outgoing fax' '$tmp/optout.out' && grep -q 'sent when faxgated runs' '$tmp/optout.out'"
fg_check "the request is recorded queued, riding outgoing entry $(fg_sql "$db" "SELECT outgoing_id FROM optouts")" \
    [ "$(fg_sql "$db" "SELECT o.state || ' ' || o.channel || ' ' || o.dest || ' ' || q.purpose || ' ' || q.dest || ' ' || q.call_id FROM optouts o JOIN outgoing q ON q.id = o.outgoing_id")" \
        = "queued fax +18885550199 optout sip:+18885550199@127.0.0.1:$far_port $ad" ]
fg_check "…with the advertiser's keys: callback and opt-out numbers, domain, name" \
    [ "$(fg_sql "$db" "SELECT group_concat(kind || ' ' || key, ', ') FROM (SELECT * FROM optout_keys ORDER BY kind, key)")" \
        = "domain sunwavecruiseclub.com, name sunwave cruise club, number 13055550177, number 18885550142, number 18885550199" ]
$ctl optout "$ad" >"$tmp/optout-twice.out" 2>&1
rc=$?
fg_check "the same request is not made twice (exit $rc: $(head -1 "$tmp/optout-twice.out"))" \
    bash -c "[ $rc -ne 0 ] && grep -q 'already queued' '$tmp/optout-twice.out'"

"$faxsim" receive --listen "sip:optout@127.0.0.1:$far_port" --out "$tmp/far" --csi "OPTOUT DESK" --timeout 180 \
    >"$tmp/far.out" 2>"$tmp/far.err" &
far=$!
FG_PIDS+=("$far")
for _ in $(seq 50); do grep -q '^listening' "$tmp/far.out" && break; sleep 0.1; done
fg_check "faxsim receive listens on 127.0.0.1:$far_port" grep -q '^listening on sip://optout@127.0.0.1:' "$tmp/far.out"
fg_check "faxgated starts again" fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated2.log"
for _ in $(seq 1800); do kill -0 "$far" 2>/dev/null || break; sleep 0.1; done
wait "$far"
rc=$?
sed 's/^/#   /' "$tmp/far.out" "$tmp/far.err"
got=$(sed -n 's/^received: \(.*\); file \(.*\)$/\1|\2/p' "$tmp/far.out")
fg_check "the far end received the request in full (exit $rc): $got" [ "$rc" -eq 0 ]
fg_check "…one page, from TSI 'FAXGATE TEST' (faxgate's [line] csi)" \
    [ "${got%%;*}" = "1 page from TSI 'FAXGATE TEST' over G.711" ]
fg_check "…written to a TIFF file" [ -s "${got##*|}" ]
fg_check "the request follows its outgoing entry to sent" \
    fg_wait_sql "$db" 20 "SELECT o.state || ' ' || q.state || ' ' || (o.sent_at IS NOT NULL) || ' ' || q.far_csi FROM optouts o JOIN outgoing q ON q.id = o.outgoing_id WHERE o.call_id = $ad" \
    "sent sent 1 OPTOUT DESK"
$ctl optouts >"$tmp/optouts.json" 2>&1
fg_check "faxgatectl optouts lists it: $(jq -c '.[0] | {id, state, outgoing_id, outgoing_state, dest}' "$tmp/optouts.json" 2>/dev/null)" \
    [ "$(jq -r '.[0] | [.state, .outgoing_state, .channel, .dest, .profile, (.outgoing_id|tostring), (.repeats|tostring)] | join(" ")' "$tmp/optouts.json")" \
        = "sent sent fax +18885550199 us $(fg_sql "$db" "SELECT outgoing_id FROM optouts WHERE call_id = $ad") 0" ]
fg_check "the received fax's events say so" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM events WHERE call_id = $ad AND what LIKE 'opt-out request #% sent to +18885550199%'")" = 1 ]

# --- 4. only a phone number: the operator's work ---
$ctl optout "$phone_ad" >"$tmp/manual.out" 2>&1
rc=$?
sed 's/^/#   /' "$tmp/manual.out"
fg_check "a notice with only a phone number makes a manual request (exit $rc)" \
    [ "$(fg_sql "$db" "SELECT state || ' ' || channel || ' ' || dest || ' ' || (outgoing_id IS NULL) FROM optouts WHERE call_id = $phone_ad")" = "manual phone +18005550186 1" ]
fg_check "…and says exactly what to do: phone the number, give ours, quote the fax" \
    bash -c "grep -q '^to do: phone +18005550186 and ask to be removed' '$tmp/manual.out' && grep -q 'the number(s) to remove: +15551230000' '$tmp/manual.out' \
        && grep -q \"reference: faxgate call $phone_ad, the fax received .* from TSI 'PRINTPRO'\" '$tmp/manual.out'"

# --- 5. repeats ---
again=$(send_ad ad-again "SUNWAVE 2")
fg_check "a fax from the same advertiser (another number) inside 30 days is not a repeat (call $again)" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM violations WHERE call_id = '$again' AND rule LIKE '%opt-out%'")" = 0 ]
fg_sql "$db" "UPDATE optouts SET sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-41 days') WHERE call_id = $ad"
late=$(send_ad ad-again "SUNWAVE 3")
detail=$(fg_sql "$db" "SELECT detail FROM violations WHERE call_id = '$late' AND profile = 'us' AND rule = '47 USC 227(b)(3) (wilful: repeat after opt-out)'")
fg_check "41 days after the request it is flagged a wilful repeat: $detail" \
    bash -c "echo '$detail' | grep -qE '^sent 41 days after opt-out request #[0-9]+ of [0-9-]{10} to \+18885550199 \(the profile allows 30\)$'"
fg_check "…for every enabled profile (us, fr)" \
    [ "$(fg_sql "$db" "SELECT group_concat(profile) FROM (SELECT profile FROM violations WHERE call_id = '$late' AND detail LIKE '%after opt-out request%' ORDER BY profile)")" = "fr,us" ]
$ctl optouts >"$tmp/optouts2.json" 2>&1
fg_check "faxgatectl optouts counts the repeat" \
    [ "$(jq -r ".[] | select(.call_id == $ad) | .repeats" "$tmp/optouts2.json")" = 1 ]
# the complaint report of the repeat names the request it came after
oid=$(fg_sql "$db" "SELECT id FROM optouts WHERE call_id = $ad")
$ctl report "$late" --profile us --json >"$tmp/late.json" 2>"$tmp/late.err"
fg_check "faxgatectl report of the repeat lists request #$oid, marked as the one it came after" \
    [ "$(jq -r ".optout_requests[] | select(.id == $oid) | [.state, .channel, .dest, (.repeat|tostring)] | join(\" \")" "$tmp/late.json")" = "sent fax +18885550199 true" ]
if $ctl report "$late" --profile us --out "$tmp/late.pdf" >/dev/null 2>&1 && command -v pdftotext >/dev/null; then
    fg_check "…and its PDF says so" bash -c "pdftotext -layout '$tmp/late.pdf' - | grep -q 'THIS FAX CAME AFTER IT'"
else
    fg_not_ok "…and its PDF says so (faxgatectl report or pdftotext failed)"
fi
$ctl report "$again" --profile us --json >"$tmp/again.json" 2>&1
fg_check "…while the fax inside the 30 days lists it without the repeat mark" \
    [ "$(jq -r ".optout_requests[] | select(.id == $oid) | .repeat" "$tmp/again.json")" = "false" ]
$ctl optouts --done "$(fg_sql "$db" "SELECT id FROM optouts WHERE call_id = $phone_ad")" --note "phoned, Mary took it" >"$tmp/done.out" 2>&1
fg_check "the operator records the phoned request as made; it counts as sent from now" \
    [ "$(fg_sql "$db" "SELECT state || ' ' || (sent_at IS NOT NULL) || ' ' || (note LIKE '%Mary took it') FROM optouts WHERE call_id = $phone_ad")" = "sent 1 1" ]

fg_tap_end

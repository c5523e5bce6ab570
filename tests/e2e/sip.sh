#!/usr/bin/env bash
# e2e/sip — fax over SIP through faxgated to a real IPP printer: faxsim calls in G.711 and in
# T.38 (re-INVITE and T.38 in the INVITE), a call broken mid-page, then peers nobody here wrote:
# sipp scenarios for the signalling cases (tests/sip/*.xml) and baresip as a telephone.
# Everything listens on loopback and is stopped by the test.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-sip-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
labels=tests/data/texts/LABELS.tsv
faxsim=$build/faxsim
db=$tmp/faxgate.db

pick() {   # pick LABEL: the first tune-split English text of a label
    awk -F'\t' -v l="$1" '$1 !~ /^#/ && $2 == l && $3 == "en" && $7 == "tune" { print $1 }' "$labels" | sort | head -n 4
}
mkdir -p "$tmp/pages"
n=0
for f in $(pick legit) $(pick ad); do
    "$faxsim" render --res fine --seed "$n" "tests/data/texts/$f" "$tmp/pages/$n.tif" >/dev/null 2>&1 && n=$((n + 1))
done
fg_check "rendered 8 pages (4 business, 4 ads)" [ "$n" -eq 8 ]

if ! fg_start_dnssd; then
    fg_skip "SIP to an IPP printer" "DNS-SD (D-Bus + avahi) unavailable: run as root"
    fg_tap_end
    exit $?
fi
pport=$(fg_free_port)
fg_check "ippeveprinter answers on localhost:$pport" fg_start_printer "$pport" "$tmp/printer"
cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0, sip:fax@127.0.0.1:0
csi = +1 555 0100
no_fax_seconds = 12
[sip]
peers = 127.0.0.1
ring_ms = 400
[store]
db = $db
[spool]
dir = $tmp/spool
min_free_mb = 1
[printer]
uri = ipp://localhost:$pport/ipp/print
retry_seconds = 1
[ocr]
workers = 2
[number +14165550100]
profiles = ca
owner = person
EOF
if ! fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"; then
    fg_not_ok "faxgated starts"
    fg_tap_end
    exit 1
fi
sip=$(echo "$FG_LINE" | grep -o 'sip://[^ ,]*')
sip_port=${sip##*:}
fg_check "faxgated answers SIP and AudioSocket ($FG_LINE)" [ -n "$sip" ]

wait_for() { fg_wait_sql "$db" "$@"; }   # wait_for SECONDS SQL EXPECTED
printed_copies() { ls "$tmp/printer" | grep -v '\.prn$' | grep -c -- "-faxgate_call_$1\.[a-z]*$"; }
printed_once() { [ -n "$1" ] && [ "$(printed_copies "$1")" -eq 1 ]; }
kept_off() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != deliver ] && [ "$(printed_copies "$1")" -eq 0 ]; }
id_of() { fg_sql "$db" "SELECT id FROM calls WHERE tsi = '$1' ORDER BY id DESC LIMIT 1"; }

# --- 1. faxsim over SIP: G.711 (lockstep), T.38 after a re-INVITE, T.38 in the INVITE, TCP ---
# (all at once; --realtime paces a sender as its modem would, ~25 s a page: a T.38 sender without
# it sends a page as one burst, as no real gateway does)
declare -A how=(
    [0]="--line sip:fax@127.0.0.1:$sip_port"
    [4]="--line sip:4165550100@127.0.0.1:$sip_port"
    [1]="--t38 --line sip:fax@127.0.0.1:$sip_port"
    [5]="--realtime --line sip:fax@127.0.0.1:$sip_port;t38=initial"
    [3]="--realtime --no-ecm --t38 --line sip:fax@127.0.0.1:$sip_port"
    [2]="--line sip:fax@127.0.0.1:$sip_port;transport=tcp"
    [6]="--realtime --line sip:fax@127.0.0.1:$sip_port;transport=tcp"
)
declare -A pid
for i in "${!how[@]}"; do
    # shellcheck disable=SC2086
    "$faxsim" send --quiet ${how[$i]} --tsi "SIP-$i" --caller-id "+1312555010$i" "$tmp/pages/$i.tif" \
        >"$tmp/send-$i.log" 2>&1 &
    pid[$i]=$!
done
for i in "${!how[@]}"; do
    if wait "${pid[$i]}"; then fg_ok "faxsim ${how[$i]}: every page accepted"
    else fg_not_ok "faxsim ${how[$i]}: every page accepted"; sed 's/^/#   /' "$tmp/send-$i.log"; fi
done
fg_check "every SIP call is recorded once, received and judged" \
    wait_for 120 "SELECT count(*) FROM calls WHERE tsi LIKE 'SIP-%' AND state = 'received' AND verdict IS NOT NULL" 7
fg_check "the line each came on is recorded (sip://)" \
    wait_for 5 "SELECT count(*) FROM calls WHERE tsi LIKE 'SIP-%' AND line LIKE 'sip://%'" 7
fg_check "caller ID comes from the SIP From header" \
    wait_for 5 "SELECT caller_id FROM calls WHERE tsi = 'SIP-1'" "+13125550101"
# the number dialled (Request-URI, national form from the trunk) picks its [number] section's rules
fg_check "a call to 4165550100 is judged by its [number +14165550100] rules (ca, a person's line)" \
    wait_for 5 "SELECT called || ' ' || profiles || ' ' || line_type FROM calls WHERE tsi = 'SIP-4'" \
    "+14165550100 ca person"
fg_check "... and only by them: no violation under the site's us/fr profiles" \
    wait_for 5 "SELECT count(*) FROM violations v JOIN calls c ON c.id = v.call_id WHERE c.tsi = 'SIP-4'
                AND v.profile != 'ca'" 0
fg_check "a call to sip:fax@ keeps the site's rules (us,fr, business)" \
    wait_for 5 "SELECT coalesce(called, '') || ' ' || profiles || ' ' || line_type FROM calls WHERE tsi = 'SIP-0'" \
    " us,fr business"
fg_check "all print jobs done" wait_for 120 "SELECT count(*) FROM deliveries WHERE state != 'done'" 0
for i in 0 1 2 3; do
    id=$(id_of "SIP-$i")
    fg_check "business fax SIP-$i (${how[$i]}) printed once on ippeveprinter" \
        printed_once "$id"
done
for i in 4 5 6; do
    id=$(id_of "SIP-$i")
    verdict=$(fg_sql "$db" "SELECT verdict FROM calls WHERE id = '$id'")
    fg_check "ad SIP-$i (${how[$i]}) judged and kept off the printer (${verdict:-no verdict})" \
        kept_off "$id" "$verdict"
done
fg_check "the T.38 calls ran in T.38 (log)" \
    [ "$(grep -c 'T.38 (version' "$tmp/faxgated.log")" -ge 2 ]
# [ocr] bands: page 1 of a T.38 call at line pace is read in bands while it arrives, as over audio,
# with ECM (the shadow decoder's rows) and without (SpanDSP's)
for i in 5 3; do
    id=$(id_of "SIP-$i")
    fg_check "T.38 call SIP-$i (${how[$i]}): page 1 read in bands while it arrived ($(grep -o "call $id: page 1 read in [0-9]* bands: [^(]*" "$tmp/faxgated.log"))" \
        grep -qE "call $id: page 1 read in [0-9]+ bands: [0-9]+ blank, [1-9][0-9]* read while it arrived" "$tmp/faxgated.log"
done

# --- 1b. T.38 as different peers offer it: the smallest datagram, FEC (answered with redundancy),
#         no error correction with local TCF; each a real fax through to the end ---
declare -A variant=([72]="t38_datagram=72;t38_ec=redundancy" [1440]="t38_datagram=1440;t38_ec=fec"
                    [316]="t38_datagram=316;t38_ec=none;t38_tcf=local")
declare -A vpid
for d in "${!variant[@]}"; do
    "$faxsim" send --quiet --t38 --line "sip:fax@127.0.0.1:$sip_port;${variant[$d]}" --tsi "T38-$d" "$tmp/pages/0.tif" \
        >"$tmp/send-t38-$d.log" 2>&1 &
    vpid[$d]=$!
done
for d in 72 1440 316; do
    if wait "${vpid[$d]}"; then fg_ok "T.38 offered with ${variant[$d]}: every page accepted"
    else fg_not_ok "T.38 offered with ${variant[$d]}: every page accepted"; sed 's/^/#   /' "$tmp/send-t38-$d.log"; fi
done
t38_kept() {
    grep -q "T.38 (version 0, datagram 72, redundancy, transferredTCF)" "$tmp/faxgated.log" &&
        grep -q "T.38 (version 0, datagram 1440, redundancy, transferredTCF)" "$tmp/faxgated.log" &&
        grep -q "T.38 (version 0, datagram 316, no EC, localTCF)" "$tmp/faxgated.log"
}
fg_check "the gateway kept to each: datagram 72 with redundancy, FEC answered with redundancy, no EC with local TCF" \
    t38_kept

# --- 2. BYE in the middle of a page: the rows so far are kept, the call is failed ---
"$faxsim" send --quiet --line "sip:fax@127.0.0.1:$sip_port" --tsi "SIP-BYE" --hangup-in-page 1 \
    "$tmp/pages/3.tif" >"$tmp/send-bye.log" 2>&1
fg_check "BYE mid-page: recorded failed with a partial page kept" \
    wait_for 60 "SELECT state || ' ' || pages FROM calls WHERE tsi = 'SIP-BYE'" "failed 1"

# --- 3. sipp: the signalling cases, from a SIP stack nobody here wrote ---
corpus=${FAXGATE_CORPUS:-$FG_ROOT/../shared/corpus}
# run_sipp NAME PORT [IP] [SCENARIO-FILE]: one call of tests/sip/NAME.xml; 0 if sipp saw it through
run_sipp() {
    local name=$1 port=$2 ip=${3:-127.0.0.1} sf=${4:-$FG_ROOT/tests/sip/$1.xml} rc
    local mp=$((30000 + RANDOM % 15000 * 2))
    (cd "$tmp" && timeout 90 sipp -sf "$sf" -m "${sipp_calls:-1}" -r "${sipp_rate:-10}" -i "$ip" -p "$(fg_free_port)" -mi "$ip" -mp "$mp" \
        -s fax "127.0.0.1:$port" -nostdin -timeout 60s -timeout_error -trace_err >"$tmp/sipp-$name.log" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || { echo "# sipp $name: exit $rc"; cat "$tmp"/*"$name"*_errors.log 2>/dev/null | head -20 | sed -e 's/^/#   /' -e '$a\'; }
    return $rc
}
calls_before=$(fg_sql "$db" "SELECT count(*) FROM calls")
fg_check "OPTIONS (a proxy's ping) is answered 200" run_sipp options "$sip_port"
fg_check "CANCEL while ringing: 200 to the CANCEL, 487 to the INVITE" run_sipp cancel "$sip_port"
fg_check "an offer with no G.711 and no T.38 is answered 488" run_sipp codec488 "$sip_port"
fg_check "an INVITE whose body is not SDP is answered 400" run_sipp badsdp "$sip_port"
fg_check "an INVITE from an address not in [sip] peers is answered 403" run_sipp forbidden "$sip_port" 127.0.0.2
fg_check "none of these left a call record" \
    [ "$(fg_sql "$db" "SELECT count(*) FROM calls")" -eq "$calls_before" ]
fg_check "the refused ones are in the log, each with its reason" \
    [ "$(grep -ac 'refused: not in \[sip\] peers\|refused: no G.711\|refused: SDP line' "$tmp/faxgated.log")" -ge 3 ]
fg_check "session timer: UPDATE (with and without SDP) and a re-INVITE refresh mid-call are answered 200" \
    run_sipp refresh "$sip_port"

# a caller ID on the block list is declined before the answer (603): no page, recorded
"$build/faxgatectl" --config "$tmp/faxgate.conf" block add broadcaster number +13125550199 >/dev/null
"$faxsim" send --quiet --line "sip:fax@127.0.0.1:$sip_port" --caller-id +13125550199 --tsi "SIP-BLOCKED" \
    "$tmp/pages/4.tif" >"$tmp/send-blocked.log" 2>&1
fg_check "a blocked caller ID is declined before the answer (SIP 603)" grep -q "603 Decline" "$tmp/send-blocked.log"
fg_check "and recorded: rejected, no page, the reason" \
    wait_for 10 "SELECT state || '|' || pages || '|' || (result LIKE 'declined before answer (SIP 603)%blocked%') FROM calls WHERE caller_id = '+13125550199'" "rejected|0|1"

# every call [line] max_calls allows in progress: a new INVITE is answered 503 with Retry-After
# and the reason before anything is answered (not answered and hung up on), and recorded
sed -i 's/^\[line\]$/[line]\nmax_calls = 1/' "$tmp/faxgate.conf"
"$build/faxgatectl" --config "$tmp/faxgate.conf" reload >"$tmp/reload-busy.txt" 2>&1
fg_check "[line] max_calls = 1 reloaded" grep -q "max_calls: '32' -> '1'" "$tmp/reload-busy.txt"
"$faxsim" send --quiet --realtime --line "sip:fax@127.0.0.1:$sip_port" --tsi "SIP-HOLDS-LINE" "$tmp/pages/4.tif" \
    >"$tmp/send-holder.log" 2>&1 &
holder=$!
in_progress() {
    for _ in $(seq 100); do
        "$build/faxgatectl" --config "$tmp/faxgate.conf" status --json 2>/dev/null | jq -e '.daemon.active_calls == 1' \
            >/dev/null && return 0
        sleep 0.1
    done
    return 1
}
fg_check "one call in progress" in_progress
fg_check "a second INVITE is answered 503 with Retry-After and a Warning naming max_calls" run_sipp busy503 "$sip_port"
fg_check "…recorded once, as refused before answer with no page and the reason, never answered" \
    wait_for 10 "SELECT count(*) || '|' || group_concat(state || '|' || pages || '|' || (result LIKE 'busy before answer (SIP 503), no page received: 1 calls in progress ([line] max_calls)%')) FROM calls WHERE caller_id LIKE '%15557770503'" "1|rejected|0|1"
fg_check "the call that held the line went through ($(tail -1 "$tmp/send-holder.log"))" wait "$holder"
race_for_one_place() {   # run_sipp sees these locals: two calls of the scenario, 10 ms apart
    local sipp_calls=2 sipp_rate=100
    run_sipp race503 "$1"
}
# a call cancelled while ringing gives its place back; two INVITEs 10 ms apart for the one place
# (the second arrives while the first rings, ring_ms): one is answered, the other gets 503 before
# any answer, never both answered and one hung up on
fg_check "CANCEL while ringing, with max_calls = 1" run_sipp cancel "$sip_port"
fg_check "two INVITEs for the last place: one 180 + 200, the other 503, none hung up on after the answer" \
    race_for_one_place "$sip_port"
fg_check "…both recorded: the refused one as busy before answer, the answered one (no audio sent) as failed, no page" \
    wait_for 10 "SELECT count(*) || '|' || sum(state = 'rejected' AND result LIKE 'busy before answer (SIP 503)%') || '|' || sum(state = 'failed' AND pages = 0 AND deliver_state = 'none') FROM calls WHERE caller_id LIKE '%15557770504'" "2|1|1"
places_back() {   # every place given back once the calls are over: none in progress, none ringing
    for _ in $(seq 50); do
        "$build/faxgatectl" --config "$tmp/faxgate.conf" status --json 2>/dev/null |
            jq -e '.daemon.active_calls == 0 and .daemon.calls_ringing == 0' >/dev/null && return 0
        sleep 0.1
    done
    return 1
}
fg_check "…and every place is free again: 0 calls in progress, 0 ringing" places_back
sed -i '/^max_calls = 1$/d' "$tmp/faxgate.conf"
"$build/faxgatectl" --config "$tmp/faxgate.conf" reload >/dev/null 2>&1

# --- 4. the Asterisk test suite's captures, replayed at the gateway ---
if [ -r "$corpus/asterisk/CARRIER_G711U.pcap" ]; then
    sed "s|@PCAP@|$corpus/asterisk/CARRIER_G711U.pcap|" tests/sip/pcap_audio.xml >"$tmp/pcap_audio.xml"
    sed "s|@PCAP@|$corpus/asterisk/ast-2016-003_crash.pcap|" tests/sip/pcap_t38_crash.xml >"$tmp/pcap_t38_crash.xml"
    last=$(fg_sql "$db" "SELECT max(id) FROM calls")
    fg_check "sipp replays the recorded G.711 fax call (CARRIER_G711U.pcap) as RTP" \
        run_sipp pcap_audio "$sip_port" 127.0.0.1 "$tmp/pcap_audio.xml"
    fg_check "the gateway heard it: TSI frame seen, DCS V.29 9600 recorded, call failed (no page in the capture)" \
        wait_for 30 "SELECT state || '|' || tsi_seen || '|' || substr(dcs, 1, 13) FROM calls WHERE id > $last" "failed|1|V.29 9600 bps"
    fg_check "AST-2016-003's hostile UDPTL packets after a T.38 INVITE (sipp play_pcap_image)" \
        run_sipp pcap_t38_crash "$sip_port" 127.0.0.1 "$tmp/pcap_t38_crash.xml"
    fg_check "faxgated is still up and answering after them" run_sipp options "$sip_port"
else
    fg_skip "replays of the Asterisk captures" "corpus absent ($corpus/asterisk): ../shared is not beside the clone"
fi

# --- 5. hostile datagrams and streams: ignored or 400, never a crash ---
python3 tests/sip/hostile.py "$sip_port" >"$tmp/hostile.log" 2>&1
fg_check "200 malformed, truncated and oversized SIP messages (UDP and TCP) sent" grep -q "^sent" "$tmp/hostile.log"
fg_check "faxgated is still up and answering OPTIONS" run_sipp options "$sip_port"

# --- 6. baresip as an ordinary telephone: a voice call is released and recorded as such ---
mkdir -p "$tmp/baresip"
bport=$(fg_free_port)
{
    echo "poll_method epoll"
    echo "sip_listen 127.0.0.1:$bport"
    echo "audio_player aufile,$tmp/baresip/heard.wav"
    echo "audio_source ausine,440"   # ausine makes 48 kHz stereo only
    echo "ausrc_srate 48000"
    echo "auplay_srate 48000"
    echo "ausrc_channels 2"
    echo "auplay_channels 1"
    echo "rtp_ports $((bport + 2))-$((bport + 40))"
    echo "module_path /usr/lib/baresip/modules"
    for m in g711 ausine aufile; do echo "module $m.so"; done
    for m in account menu; do echo "module_app $m.so"; done
} >"$tmp/baresip/config"
echo "<sip:phone@127.0.0.1>;regint=0;audio_codecs=PCMU" >"$tmp/baresip/accounts"
last=$(fg_sql "$db" "SELECT max(id) FROM calls")
timeout 60 baresip -f "$tmp/baresip" -e "/dial sip:fax@127.0.0.1:$sip_port" -t 25 >"$tmp/baresip.log" 2>&1
fg_check "baresip's call (a 440 Hz tone, no fax) was answered, then released after [line] no_fax_seconds" \
    grep -aq "Call with sip:fax@127.0.0.1:$sip_port terminated (duration: 1[2-4] secs)" "$tmp/baresip.log"
fg_check "and recorded as a voice call, from 'phone'" \
    wait_for 10 "SELECT caller_id || '|' || state || '|' || (result LIKE '%no fax signal%') FROM calls WHERE id > $last" "phone|failed|1"

# --- 7. T.38 the other way: the gateway re-INVITEs ([sip] t38 = reinvite) ---
# (this one also takes digest-authenticated callers and registers with a registrar: sipp as UAS)
regport=$(fg_free_port)
sed -e 's/^listen = .*/listen = sip:fax@127.0.0.1:0/' \
    -e "s/^ring_ms = .*/ring_ms = 0\nt38 = reinvite\npassword = s3cret\nregister = sip:fax@127.0.0.1:$regport\nregister_expires = 10/" \
    -e "s|^db = .*|db = $tmp/reinvite.db|" -e "s|^dir = .*|dir = $tmp/spool2|" "$tmp/faxgate.conf" >"$tmp/reinvite.conf"
for f in auth_invite auth_wrong register_uas; do sed "s|@PASSWORD@|s3cret|" "tests/sip/$f.xml" >"$tmp/$f.xml"; done
(cd "$tmp" && timeout 60 sipp -sf "$tmp/register_uas.xml" -m 1 -i 127.0.0.1 -p "$regport" -nostdin -timeout 45s \
    -timeout_error -trace_err >"$tmp/sipp-register.log" 2>&1; echo $? >"$tmp/register.rc") &
sleep 0.5
glare_fax() {   # real glare: faxsim re-INVITEs as soon as it is answered, the gateway too
    "$faxsim" send --quiet --t38 --line "sip:fax@127.0.0.1:$rport" --tsi "SIP-GLARE" "$tmp/pages/0.tif" \
        >"$tmp/send-glare.log" 2>&1 && grep -q "T.38 (version" "$tmp/reinvite.log"
}
if fg_start_gateway "$build" "$tmp/reinvite.conf" "$tmp/reinvite.log"; then
    rport=${FG_LINE##*:}
    fg_check "t38 = reinvite: our re-INVITE refused 488 leaves the call up; the caller's own re-INVITE to T.38 is then taken" \
        run_sipp t38_refused "$rport"
    fg_check "t38 = reinvite: our re-INVITE answered 491 is retried and the call switches" run_sipp reinvite491 "$rport"
    fg_check "faxsim --t38 against t38 = reinvite (both re-INVITE at once, 491 both ways): the fax goes through in T.38" \
        glare_fax
    fg_check "digest: a caller outside [sip] peers answers the 401 challenge and its call is taken" \
        run_sipp auth_invite "$rport" 127.0.0.2 "$tmp/auth_invite.xml"
    fg_check "digest: a wrong password is answered 403" run_sipp auth_wrong "$rport" 127.0.0.2 "$tmp/auth_wrong.xml"
    registered() {
        for _ in $(seq 60); do [ -s "$tmp/register.rc" ] && break; sleep 0.5; done
        [ "$(cat "$tmp/register.rc" 2>/dev/null)" = 0 ] || { cat "$tmp"/register_uas*errors.log 2>/dev/null | head | sed 's/^/#   /'; return 1; }
    }
    fg_check "REGISTER: answers the registrar's challenge (digest checked by sipp) and refreshes before the 10 s expire" \
        registered
    stops_soon() {   # SIGTERM with no call: out within 5 s even though the registrar is gone
        kill "$FG_GATEWAY_PID"
        for _ in $(seq 50); do kill -0 "$FG_GATEWAY_PID" 2>/dev/null || return 0; sleep 0.1; done
        return 1
    }
    fg_check "faxgated stops within 5 s of SIGTERM though its registrar no longer answers the un-REGISTER" stops_soon
else
    fg_not_ok "a second faxgated with [sip] t38 = reinvite starts"
fi

# --- 8. forward by fax: [printer] uri = sip:MFP, for an MFP that only takes faxes ---
# the "MFP" is another faxgated, keeping what it receives in a folder
mfpconf=$tmp/mfp.conf
printf '[line]\nlisten = sip:mfp@127.0.0.1:0\n[sip]\npeers = 127.0.0.1\n[store]\ndb = %s\n[spool]\ndir = %s\nmin_free_mb = 1\n[printer]\nuri = spool:%s\n[policy]\non_error = deliver\n[ocr]\nworkers = 1\n' \
    "$tmp/mfp.db" "$tmp/mfp-spool" "$tmp/mfp-printed" >"$mfpconf"
if fg_start_gateway "$build" "$mfpconf" "$tmp/mfp.log"; then
    mport=${FG_LINE##*:}
    printf '[line]\nlisten = sip:fax@127.0.0.1:0\n[sip]\npeers = 127.0.0.1\n[store]\ndb = %s\n[spool]\ndir = %s\nmin_free_mb = 1\n[printer]\nuri = sip:mfp@127.0.0.1:%s;tsi=FAXGATE FWD\nretry_seconds = 2\n[outgoing]\nretry_seconds = 1\n[screen]\nearly_hangup = yes\n[ocr]\nworkers = 1\n' \
        "$tmp/front.db" "$tmp/front-spool" "$mport" >"$tmp/front.conf"
    if fg_start_gateway "$build" "$tmp/front.conf" "$tmp/front.log"; then
        fport=${FG_LINE##*:}
        "$faxsim" send --quiet --line "sip:fax@127.0.0.1:$fport" --tsi "FWD-BIZ" "$tmp/pages/1.tif" >/dev/null 2>&1
        "$faxsim" send --quiet --line "sip:fax@127.0.0.1:$fport" --tsi "FWD-AD" "$tmp/pages/5.tif" >/dev/null 2>&1
        fwd_db() { sqlite3 -batch -noheader "$tmp/front.db" "$1" 2>/dev/null; }
        forwarded() {
            for _ in $(seq 240); do
                [ "$(fwd_db "SELECT count(*) FROM deliveries WHERE state = 'done'")" = 1 ] && break
                sleep 0.5
            done
            [ "$(fwd_db "SELECT verdict FROM calls WHERE tsi = 'FWD-BIZ'")" = deliver ] &&
                [ "$(sqlite3 -batch -noheader "$tmp/mfp.db" "SELECT count(*) || '|' || group_concat(tsi) || '|' || min(state) || '|' || sum(pages) FROM calls" 2>/dev/null)" = "1|FAXGATE FWD|received|1" ]
        }
        fg_check "the business fax is forwarded by fax to the MFP (one call, TSI 'FAXGATE FWD', its page received there)" forwarded
        fg_check "the ad is never forwarded ($(fwd_db "SELECT verdict FROM calls WHERE tsi = 'FWD-AD'"); the MFP got one call in all)" \
            [ "$(fwd_db "SELECT count(*) FROM deliveries WHERE call_id = (SELECT id FROM calls WHERE tsi = 'FWD-AD')")" = 0 ]
        # the outgoing queue: faxgatectl send queues, faxgated sends (at line pace) and records
        fctl="$build/faxgatectl --config $tmp/front.conf"
        $fctl send --to "sip:mfp@127.0.0.1:$mport" --purpose test "$tmp/pages/3.tif" >"$tmp/send-out.log" 2>&1
        $fctl send --to "sip:nobody@127.0.0.1:1;transport=tcp" --attempts 2 "$tmp/pages/3.tif" >>"$tmp/send-out.log" 2>&1
        out_state() { fwd_db "SELECT group_concat(state || ':' || attempts || ':' || pages_sent, ',') FROM outgoing ORDER BY id"; }
        outgoing_done() {
            for _ in $(seq 120); do [ "$(out_state)" = "sent:1:1,failed:2:0" ] && return 0; sleep 0.5; done
            echo "# outgoing: $(out_state)"; sed 's/^/#   /' "$tmp/send-out.log"; return 1
        }
        fg_check "faxgatectl send: the fax is sent by faxgated (1 attempt, 1 page confirmed); one to a dead line is given up after its 2 attempts" \
            outgoing_done
        fg_check "the MFP received the sent fax as a second call" \
            [ "$(sqlite3 -batch -noheader "$tmp/mfp.db" "SELECT count(*) FROM calls WHERE state = 'received'")" = 2 ]
        fg_check "every attempt is in the log" \
            [ "$(grep -ac 'outgoing fax [0-9]* .*attempt\|outgoing fax [0-9]* .*given up' "$tmp/front.log")" -ge 4 ]
        # [screen] early_hangup: a three-page ad is cut once page 1 is judged drop (after the
        # sender heard page 1's MCF), the rows of page 2 kept as evidence
        "$faxsim" render --res fine tests/data/texts/ad/en_hotel_meetings.txt "$tmp/drop.tif" >/dev/null 2>&1
        "$faxsim" send --realtime --line "sip:fax@127.0.0.1:$fport" --tsi "EARLY" "$tmp/drop.tif" "$tmp/drop.tif" \
            "$tmp/drop.tif" >"$tmp/send-early.log" 2>&1
        fg_check "early hang-up: the sender had page 1 confirmed and not the rest ($(tail -1 "$tmp/send-early.log"))" \
            grep -q "sent 1 of 3 pages" "$tmp/send-early.log"
        fg_check "…and the call is recorded dropped, cut in page 2, saying why" \
            [ "$(fwd_db "SELECT verdict || '|' || deliver_state || '|' || (result LIKE 'line lost in page 2%early hang-up%') FROM calls WHERE tsi = 'EARLY'")" = "drop|dropped|1" ]
        # graceful stop over SIP: a call at line pace goes on, new INVITEs get 503 meanwhile
        "$faxsim" send --quiet --realtime --line "sip:mfp@127.0.0.1:$mport" --tsi "LAST-CALL" "$tmp/pages/2.tif" \
            >"$tmp/send-last.log" 2>&1 &
        last_pid=$!
        sleep 3
        mfp_pid=$(pgrep -f "faxgated --config $mfpconf")
        kill "$mfp_pid"
        sleep 0.5
        fg_check "a stopping gateway answers a new INVITE 503 (Retry-After) instead of taking it" run_sipp stopping503 "$mport"
        fg_check "while the call it was taking goes on to the end" wait "$last_pid"
    else
        fg_not_ok "a faxgated forwarding by fax starts"
    fi
else
    fg_not_ok "a faxgated standing in for a fax-only MFP starts"
fi

fg_tap_end

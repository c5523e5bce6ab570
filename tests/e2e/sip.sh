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
no_fax_seconds = 8
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
EOF
if ! fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log"; then
    fg_not_ok "faxgated starts"
    fg_tap_end
    exit 1
fi
sip=$(echo "$FG_LINE" | grep -o 'sip://[^ ,]*')
sip_port=${sip##*:}
fg_check "faxgated answers SIP and AudioSocket ($FG_LINE)" [ -n "$sip" ]

wait_for() {   # wait_for SECONDS SQL EXPECTED
    local got
    for _ in $(seq $(($1 * 4))); do
        got=$(fg_sql "$db" "$2" 2>/dev/null)
        [ "$got" = "$3" ] && return 0
        sleep 0.25
    done
    echo "# waited $1 s for [$2] = $3, got '$got'"
    return 1
}
printed_copies() { ls "$tmp/printer" | grep -v '\.prn$' | grep -c -- "-faxgate_call_$1\.[a-z]*$"; }
printed_once() { [ -n "$1" ] && [ "$(printed_copies "$1")" -eq 1 ]; }
kept_off() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != deliver ] && [ "$(printed_copies "$1")" -eq 0 ]; }
id_of() { fg_sql "$db" "SELECT id FROM calls WHERE tsi = '$1' ORDER BY id DESC LIMIT 1"; }

# --- 1. faxsim over SIP: G.711 (lockstep), T.38 after a re-INVITE, T.38 in the INVITE, TCP ---
# (the T.38 calls run at line pace, ~25 s each: all at once)
declare -A how=(
    [0]="--line sip:fax@127.0.0.1:$sip_port"
    [4]="--line sip:fax@127.0.0.1:$sip_port"
    [1]="--t38 --line sip:fax@127.0.0.1:$sip_port"
    [5]="--line sip:fax@127.0.0.1:$sip_port;t38=initial"
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
    wait_for 120 "SELECT count(*) FROM calls WHERE tsi LIKE 'SIP-%' AND state = 'received' AND verdict IS NOT NULL" 6
fg_check "the line each came on is recorded (sip://)" \
    wait_for 5 "SELECT count(*) FROM calls WHERE tsi LIKE 'SIP-%' AND line LIKE 'sip://%'" 6
fg_check "caller ID comes from the SIP From header" \
    wait_for 5 "SELECT caller_id FROM calls WHERE tsi = 'SIP-1'" "+13125550101"
fg_check "all print jobs done" wait_for 120 "SELECT count(*) FROM deliveries WHERE state != 'done'" 0
for i in 0 1 2; do
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

# --- 2. BYE in the middle of a page: the rows so far are kept, the call is failed ---
"$faxsim" send --quiet --line "sip:fax@127.0.0.1:$sip_port" --tsi "SIP-BYE" --hangup-in-page 1 \
    "$tmp/pages/3.tif" >"$tmp/send-bye.log" 2>&1
fg_check "BYE mid-page: recorded failed with a partial page kept" \
    wait_for 60 "SELECT state || ' ' || pages FROM calls WHERE tsi = 'SIP-BYE'" "failed 1"

fg_tap_end

#!/usr/bin/env bash
# e2e/dispatch — more than one box: Kamailio's dispatcher (Debian kamailio) in front of two
# faxgated instances; 40 fax calls from faxsim go to Kamailio and are shared between them, each
# judged and recorded exactly once. docs/deploy.md describes the same setup for a site.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-dispatch-XXXXXX")
trap 'fg_cleanup; [ "$FG_TAP_FAILED" -eq 0 ] && rm -rf "$tmp" || echo "# kept for inspection: $tmp"' EXIT
faxsim=$build/faxsim
ncalls=${FAXGATE_DISPATCH_CALLS:-40}

if ! command -v kamailio >/dev/null; then
    fg_not_ok "kamailio is installed (make deps installs it)"
    fg_tap_end
    exit 1
fi
labels=tests/data/texts/LABELS.tsv
texts=($(awk -F'\t' '$1 !~ /^#/ && $3 == "en" && $7 == "tune" { print $1 }' "$labels" | sort | head -n 8))
mkdir -p "$tmp/pages"
for i in "${!texts[@]}"; do
    "$faxsim" render --seed "$i" "tests/data/texts/${texts[i]}" "$tmp/pages/$i.tif" >/dev/null 2>&1
done
fg_check "rendered ${#texts[@]} pages" [ "$(ls "$tmp/pages" | wc -l)" -eq 8 ]

# two gateways, each with its own store and spool, as on two boxes
for g in a b; do
    cat >"$tmp/$g.conf" <<EOF
[line]
listen = sip:fax@127.0.0.1:0
csi = faxgate-$g
max_calls = 40
[sip]
peers = 127.0.0.1
[store]
db = $tmp/$g.db
[spool]
dir = $tmp/spool-$g
min_free_mb = 1
[printer]
uri = spool:$tmp/printed-$g
[ocr]
workers = 1
EOF
    if fg_start_gateway "$build" "$tmp/$g.conf" "$tmp/$g.log"; then
        declare "port_$g=${FG_LINE##*:}"
        fg_ok "faxgated $g answers on $FG_LINE"
    else
        fg_not_ok "faxgated $g starts"
        fg_tap_end
        exit 1
    fi
done

kport=$(fg_free_port)
mkdir -p "$tmp/kamailio"
echo "1 sip:127.0.0.1:$port_a" >"$tmp/dispatcher.list"
echo "1 sip:127.0.0.1:$port_b" >>"$tmp/dispatcher.list"
sed -e "s|@LISTEN@|127.0.0.1:$kport|" -e "s|@LIST@|$tmp/dispatcher.list|" tests/kamailio/dispatcher.cfg \
    >"$tmp/kamailio.cfg"
kamcheck() { kamailio -c -f "$tmp/kamailio.cfg" >"$tmp/kamailio-check.log" 2>&1 || { sed 's/^/#   /' "$tmp/kamailio-check.log"; return 1; }; }
fg_check "Kamailio accepts the dispatcher configuration (kamailio -c)" kamcheck
kamailio -DD -E -f "$tmp/kamailio.cfg" -Y "$tmp/kamailio" -P "$tmp/kamailio.pid" -w "$tmp" -m 64 -M 8 \
    >"$tmp/kamailio.log" 2>&1 &
FG_PIDS+=($!)
for _ in $(seq 50); do grep -q "INFO.*init_tcp\|pinging\|udp_rcv_loop\|ready" "$tmp/kamailio.log" 2>/dev/null && break; sleep 0.1; done
sleep 1
fg_check "Kamailio is running on 127.0.0.1:$kport" kill -0 "${FG_PIDS[-1]}"

# 40 calls, 10 at a time, all to Kamailio
start=$(date +%s)
ok=0
for ((i = 0; i < ncalls; i++)); do
    "$faxsim" send --quiet --line "sip:fax@127.0.0.1:$kport" --tsi "DISP-$i" --caller-id "+1555010$(printf %04d $i)" \
        "$tmp/pages/$((i % 8)).tif" >"$tmp/send-$i.log" 2>&1 &
    pids[i]=$!
    if (((i + 1) % 10 == 0)); then
        for ((k = i - 9; k <= i; k++)); do wait "${pids[k]}" && ok=$((ok + 1)) || sed 's/^/#   /' "$tmp/send-$k.log"; done
    fi
done
echo "# $ncalls calls through Kamailio in $(($(date +%s) - start)) s"
fg_check "$ncalls fax calls through Kamailio: every page accepted ($ok/$ncalls)" [ "$ok" -eq "$ncalls" ]

count() { sqlite3 -batch -noheader "$1" "$2" 2>/dev/null; }
judged() {
    local a b
    for _ in $(seq 240); do
        a=$(count "$tmp/a.db" "SELECT count(*) FROM calls WHERE tsi LIKE 'DISP-%' AND verdict IS NOT NULL")
        b=$(count "$tmp/b.db" "SELECT count(*) FROM calls WHERE tsi LIKE 'DISP-%' AND verdict IS NOT NULL")
        [ $((a + b)) -ge "$ncalls" ] && break
        sleep 0.5
    done
    echo "# gateway a judged $a calls, gateway b $b"
    [ $((a + b)) -eq "$ncalls" ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ]
}
fg_check "the calls were shared between the two gateways, every one judged" judged
dups=$( (count "$tmp/a.db" "SELECT tsi FROM calls"; count "$tmp/b.db" "SELECT tsi FROM calls") | sort | uniq -d | wc -l)
all=$( (count "$tmp/a.db" "SELECT tsi FROM calls"; count "$tmp/b.db" "SELECT tsi FROM calls") | sort -u | grep -c '^DISP-')
once() { [ "$all" -eq "$ncalls" ] && [ "$dups" -eq 0 ]; }
fg_check "each call recorded exactly once across both stores ($all distinct, $dups twice)" once

# a box that goes away: Kamailio's OPTIONS pings (or the INVITE's timeout) move calls to the other
fg_stop_pid "$(pgrep -f "faxgated --config $tmp/b.conf")"
sleep 5
before=$(count "$tmp/a.db" "SELECT count(*) FROM calls")
ok=0
for i in 1 2 3 4; do
    "$faxsim" send --quiet --line "sip:fax@127.0.0.1:$kport" --tsi "FAILOVER-$i" "$tmp/pages/$i.tif" \
        >"$tmp/failover-$i.log" 2>&1 && ok=$((ok + 1))
done
failover() { [ "$ok" -eq 4 ] && [ "$(count "$tmp/a.db" "SELECT count(*) FROM calls")" -eq $((before + 4)) ]; }
fg_check "gateway b stopped: 4 more calls all answered by gateway a ($ok/4)" failover
fg_tap_end

#!/usr/bin/env bash
# make demo — an office in a box, on loopback: an IPP Everywhere MFP (ippeveprinter), faxgated on
# its embedded default configuration, and a few fax machines (faxsim) calling at the same time
# with business faxes and junk ads, in English and French. Prints what the gateway decided.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"

demo=$FG_ROOT/build/demo
rm -rf "$demo"
mkdir -p "$demo/pages"
trap 'fg_cleanup' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

# The embedded defaults, except where the store and spool live (the demo must leave nothing in
# /var), and the web admin on loopback, which an installed faxgate leaves off until configured.
wport=8080
(exec 3<>/dev/tcp/127.0.0.1/$wport) 2>/dev/null && wport=$(fg_free_port)
cat >"$demo/faxgate.conf" <<EOF
[store]
db = $demo/faxgate.db
[spool]
dir = $demo/spool
[web]
listen = http://127.0.0.1:$wport
EOF
demo_user=demo
demo_password=faxgate-demo
printf '%s\n' "$demo_password" | "$build/faxgatectl" --config "$demo/faxgate.conf" user add "$demo_user" --role admin >/dev/null ||
    die "could not create the web admin's demo account"

listen=$("$build/faxgated" --print-config | sed -n 's/^listen = //p')
as_uri=$(echo "$listen" | grep -o 'audiosocket://[^ ,]*')
sip_uri=$(echo "$listen" | grep -o 'sip:[^ ,]*')
printer=$("$build/faxgated" --print-config | sed -n 's/^uri = \([^ ]*\).*/\1/p')
pport=$(echo "$printer" | sed -n 's|^ipp://[^:/]*:\([0-9]*\)/.*|\1|p')
lport=${as_uri##*:}
sport=${sip_uri##*:}
say "faxgated's embedded defaults (faxgated --print-config; store and spool moved to build/demo)"
"$build/faxgated" --config "$demo/faxgate.conf" --print-config | grep -E '^(\[|listen|csi|country|profiles|languages|hold|drop|uri|db|dir) '

[ -n "$pport" ] || die "the default printer URI '$printer' is not ipp://HOST:PORT/PATH"
(exec 3<>/dev/tcp/127.0.0.1/"$pport") 2>/dev/null && die "port $pport (the default printer) is in use: stop what listens there"
(exec 3<>/dev/tcp/127.0.0.1/"$lport") 2>/dev/null && die "port $lport (the default AudioSocket line) is in use: stop what listens there"
[ -n "$sip_uri" ] || die "the default [line] listen '$listen' has no SIP line"
(exec 3<>/dev/tcp/127.0.0.1/"$sport") 2>/dev/null && die "port $sport (the default SIP line) is in use: stop what listens there"

say "Starting the office MFP: ippeveprinter (IPP Everywhere) at $printer"
fg_start_dnssd || die "ippeveprinter needs DNS-SD (a system D-Bus and avahi-daemon): run make demo as root"
fg_start_printer "$pport" "$demo/printer" || die "ippeveprinter did not start (see $demo/ippeveprinter-$pport.log)"
echo "ready; it keeps every printed document in build/demo/printer/"

say "Starting faxgated"
fg_start_gateway "$build" "$demo/faxgate.conf" "$demo/faxgated.log" || die "faxgated did not start"
sed -n 's/.*info: \(ready: .*\)/\1/p' "$demo/faxgated.log"

# Sample faxes: the project's own labelled texts, rendered as fax pages.
labels=tests/data/texts/LABELS.tsv
pick() { awk -F'\t' -v l="$1" -v g="$2" '$1 !~ /^#/ && $1 != "file" && $2 == l && $3 == g && $7 == "report" { print $1 }' "$labels" | sort | head -n "$3"; }
say "Rendering sample faxes with faxsim render"
n=0
declare -a file tsi cid
senders=("ACME SUPPLY" "+1 312 555 0142" "CABINET DURAND" "+33 1 44 55 66 77" "" "FAXBLAST" "+1 900 555 0100" "PROMO FAX")
for spec in "legit en 2" "legit fr 2" "ad en 2" "ad fr 2"; do
    set -- $spec
    for f in $(pick "$1" "$2" "$3"); do
        "$build/faxsim" render --res fine --noise 1 --seed "$n" "tests/data/texts/$f" "$demo/pages/$n.tif" \
            >/dev/null || die "cannot render $f"
        file[n]=$f
        tsi[n]=${senders[n % 8]}
        cid[n]="+1646555$(printf %04d $((n * 37)))"
        printf '  %-40s -> %s\n' "$f" "build/demo/pages/$n.tif"
        n=$((n + 1))
    done
done

say "Placing $n fax calls at once with faxsim (SpanDSP senders): half over AudioSocket, half over SIP, one of those in T.38"
declare -a pids how
for ((i = 0; i < n; i++)); do
    case $((i % 4)) in
    1) how[i]="SIP, T.38 after a re-INVITE"; args=(--t38 --line "$sip_uri") ;;
    3) how[i]="SIP, G.711 over RTP"; args=(--line "$sip_uri") ;;
    *) how[i]="AudioSocket"; args=(--line "$as_uri") ;;
    esac
    [ "$i" -gt 1 ] && [ $((i % 4)) = 1 ] && { how[i]="SIP, G.711 over RTP"; args=(--line "$sip_uri"); }
    "$build/faxsim" send "${args[@]}" --tsi "${tsi[i]}" --caller-id "${cid[i]}" "$demo/pages/$i.tif" \
        >"$demo/send-$i.log" 2>&1 &
    pids[i]=$!
done
for ((i = 0; i < n; i++)); do
    wait "${pids[i]}"
    printf '  call %d (%s, %s): %s\n' "$((i + 1))" "${file[i]}" "${how[i]}" "$(tail -1 "$demo/send-$i.log")"
done

db=$demo/faxgate.db
for _ in $(seq 600); do
    done_n=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE verdict IN ('deliver','hold','drop')" 2>/dev/null)
    pend=$(fg_sql "$db" "SELECT count(*) FROM deliveries WHERE state != 'done'" 2>/dev/null)
    [ "${done_n:-0}" -ge "$n" ] && [ "${pend:-1}" -eq 0 ] && break
    sleep 0.2
done

say "What the gateway decided"
# caller ID -> sample, to show what each call really carried
declare -A sample_of label_of
for ((i = 0; i < n; i++)); do
    sample_of[${cid[i]}]=$(basename "${file[i]}" .txt)
    label_of[${cid[i]}]=${file[i]%%/*}
done
printf '%-4s %-11s %-24s %-18s %-26s %-12s %-46s %-28s %s\n' CALL LINE "SAMPLE (truth)" "BROADCASTER (TSI)" "ADVERTISER (ads)" VERDICT \
    "RULES (strongest)" VIOLATIONS PAGES
caught=0 ads=0 printed_ok=0 legit=0
while IFS='|' read -r id line b cidv adv isad verdict rules viol state; do
    truth=${label_of[$cidv]:-?}
    [ "$isad" = 1 ] || adv=-
    printf '%-4s %-11s %-24.24s %-18.18s %-26.26s %-12s %-46.46s %-28.28s %s\n' "$id" "$line" "${sample_of[$cidv]:-?} ($truth)" "$b" "$adv" \
        "$verdict" "$rules" "$viol" "$state"
    if [ "$truth" = ad ]; then ads=$((ads + 1)); [ "$state" != printed ] && caught=$((caught + 1)); fi
    if [ "$truth" = legit ]; then legit=$((legit + 1)); [ "$state" = printed ] && printed_ok=$((printed_ok + 1)); fi
done < <(fg_sql "$db" "
SELECT c.id, CASE WHEN c.line LIKE '%(T.38)%' THEN 'SIP T.38' WHEN c.line LIKE 'sip%' THEN 'SIP G.711'
                  ELSE 'AudioSocket' END, coalesce(nullif(c.tsi,''),'(none)'), coalesce(c.caller_id,'-'), coalesce(c.advertiser,'-'), c.is_ad,
       c.verdict || ' ' || printf('%.1f', c.score),
       coalesce((SELECT group_concat(name || printf(' %+.1f', weight), ', ')
                 FROM (SELECT name, weight FROM scores WHERE call_id = c.id ORDER BY abs(weight) DESC LIMIT 3)), '-'),
       coalesce((SELECT group_concat(profile || ' ' || rule, '; ') FROM violations WHERE call_id = c.id), '-'),
       CASE WHEN c.printed THEN 'printed' ELSE c.deliver_state END
FROM calls c ORDER BY c.id")
echo
echo "business faxes printed: $printed_ok of $legit; ads kept off the printer: $caught of $ads"
echo "(samples come from the report split of the project's labelled texts, which the rules are not adjusted on)"

say "On the printer (build/demo/printer)"
ls "$demo/printer" | grep -vE '\.(log|prn)$' | sed 's/^/  /'
say "One violation in detail (faxgatectl violations)"
"$build/faxgatectl" --config "$demo/faxgate.conf" violations | head -4
say "Try it yourself"
web=$(sed -n 's/.*web admin on \(http:[^ ]*\) .*/\1/p' "$demo/faxgated.log" | head -1)
cat <<EOF
  the web admin:  $web   (log in as $demo_user, password $demo_password)
  build/host/faxgatectl --config build/demo/faxgate.conf calls
  build/host/faxgatectl --config build/demo/faxgate.conf show 1
  build/host/faxgatectl scan build/demo/pages/4.tif
EOF
if [ "${CI:-}" = true ] || [ ! -t 0 ]; then
    echo "(not waiting: CI=true or no terminal; the gateway and the printer are stopped now, their logs are in build/demo/)"
else
    read -r -p "The gateway, its web admin and the printer keep running: press Enter to stop them. " _
    echo "(stopped; their logs are in build/demo/)"
fi

#!/usr/bin/env bash
# make impair (#14 item 6) — faxes through faxgated over an impaired line: for each level of a
# ladder, N one-page calls placed by faxsim send with its impairments (faxsim send --help), and
# how many of them got through: faxsim's exit (every page confirmed by the gateway's MCF) and the
# store (the call recorded received, its pages complete). Figures, not assertions.
#
# Audio impairments run over AudioSocket in lockstep (as fast as the CPU goes: the models count
# samples, not seconds); IP impairments (loss, jitter) need a clock and run over SIP at line pace,
# G.711 over RTP and T.38 over UDPTL, N calls at once. SpanDSP's own back-to-back figures on the
# same levels, and how they were made, are in docs/impairments.md.
#
#   tests/bench_impair.sh BUILD [SECTION...]    SECTION: noise level echo band rtp t38 (default: all)
#   IMPAIR_CALLS=N (default 10)
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
shift || true
sections=${*:-noise level echo band rtp t38}
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-bench-impair-XXXXXX")
# the rtp and t38 sections run in subshells, whose gateways fg_cleanup does not know: each gateway's
# pid also goes to a file, and the exit stops whatever of them still runs (a pid whose command line
# names our folder: not another process that got the number since)
stop_gateways() {
    local p
    for p in $(cat "$tmp/gateways" 2>/dev/null); do
        grep -qsa -- "$tmp/" "/proc/$p/cmdline" && fg_stop_pid "$p"
    done
}
# and the sections running in the background, with the calls they are placing
stop_sections() {
    local p
    for p in "${pids[@]}"; do
        kill $(pgrep -P "$p") "$p" 2>/dev/null
    done
}
pids=()
trap 'stop_sections; fg_cleanup; stop_gateways; rm -rf "$tmp"' EXIT
n=${IMPAIR_CALLS:-10}

# the same pages as make bench's SIP section: English tune-split texts, fine resolution, one each
mkdir -p "$tmp/pages"
i=0
for f in $(awk -F'\t' '$1 !~ /^#/ && $3 == "en" && $7 == "tune" { print $1 }' tests/data/texts/LABELS.tsv | sort | head -n "$n"); do
    "$build/faxsim" render --res fine --seed "$i" "tests/data/texts/$f" "$tmp/pages/$i.tif" >/dev/null
    i=$((i + 1))
done
n=$i

# gateway NAME LISTEN-URI [PACING]: a fresh faxgated (own store, spool, spool: printer)
gateway() {
    cat >"$tmp/$1.conf" <<EOF
[line]
listen = $2
max_calls = 64
# a one-page fax takes under a minute: a call still going after 3 minutes (of line time, which in
# lockstep passes in seconds) is one T.30 will not finish
max_seconds = 180
[sip]
t38_pacing = ${3:-no}
[store]
db = $tmp/$1.db
[spool]
dir = $tmp/spool-$1
min_free_mb = 1
[printer]
uri = spool:$tmp/out-$1
[ocr]
workers = 1
EOF
    fg_start_gateway "$build" "$tmp/$1.conf" "$tmp/$1.log"
    local rc=$?
    echo "$FG_GATEWAY_PID" >>"$tmp/gateways"
    return $rc
}

printf '%-34s %5s %9s %9s %8s  %s\n' "impairment" "calls" "faxsim OK" "store OK" "success" "failures (T.30 result)"

# ladder DB URI PARALLEL LABEL FAXSIM-ARGS...: N calls with these impairments, each its own seed;
# PARALLEL=yes places them at once, else one after another
ladder() {
    local db=$1 uri=$2 par=$3 label=$4 k ok=0 stored tag last pids=()
    shift 4
    tag="L$RANDOM"
    last=$(fg_sql "$db" "SELECT coalesce(max(id), 0) FROM calls")
    for ((k = 0; k < n; k++)); do
        if [ "$par" = yes ]; then
            nice -n 10 "$build/faxsim" send "$@" --seed "$((k + 1))" --timeout 300 --line "$uri" --tsi "$tag-$k" \
                "$tmp/pages/$k.tif" >"$tmp/$tag-$k.log" 2>&1 &
            pids+=($!)
        else
            nice -n 10 "$build/faxsim" send "$@" --seed "$((k + 1))" --timeout 300 --line "$uri" --tsi "$tag-$k" \
                "$tmp/pages/$k.tif" >"$tmp/$tag-$k.log" 2>&1 && ok=$((ok + 1))
        fi
    done
    for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
    # the store's view: the calls of this level (rows after $last; not by TSI, which a bad line may
    # lose) that ended received with their pages, once the gateway has filed them; a call faxsim
    # saw confirmed may still be being filed, so the store gets a moment to say so too
    fg_wait_sql "$db" 60 "SELECT count(*) FROM calls WHERE id > $last AND state IN ('new', 'receiving')" 0 >/dev/null
    fg_wait_sql "$db" 30 "SELECT count(*) >= $ok FROM calls WHERE id > $last AND state = 'received' AND pages >= 1" 1 \
        >/dev/null
    stored=$(fg_sql "$db" "SELECT count(*) FROM calls WHERE id > $last AND state = 'received' AND pages >= 1")
    # the store's verdicts wait for OCR: let it catch up before the next level loads it again
    fg_wait_sql "$db" 120 "SELECT count(*) FROM calls WHERE state = 'received' AND verdict IS NULL" 0 >/dev/null
    printf '%-34s %5d %9d %9d %7.0f%%  %s\n' "$label" "$n" "$ok" "$stored" "$(awk -v a="$ok" -v b="$n" 'BEGIN { print 100 * a / b }')" \
        "$(cat "$tmp/$tag"-*.log | sed -n 's/^not accepted: .*T\.30: \(.*\) ([0-9]*).*/\1/p; s/^faxsim send: //p' |
           sort | uniq -c | sort -rn | awk '{ c = $1; $1 = ""; printf "%s%d×%s", (NR > 1 ? "; " : ""), c, $0 }' | cut -c1-90)"
}

# section NAME: its ladder, printed when done (rtp and t38 run side by side)
section() {
    local s=$1 l e uri extra
    case $s in
    noise | level | echo | band)
        gateway "as-$s" "audiosocket://127.0.0.1:0" || return 1
        uri=$FG_LINE
        ;;
    esac
    case $s in
    noise)
        echo "-- AudioSocket, white noise both ways (dBm0; SpanDSP's modems send at -14 dBm0)"
        ladder "$tmp/as-$s.db" "$uri" yes "none"
        for l in -50 -48 -46 -45 -40 -35 -30 -25; do ladder "$tmp/as-$s.db" "$uri" yes "noise $l dBm0" --noise "$l"; done
        ;;
    level)
        echo "-- AudioSocket, faxsim's send level (dBm0)"
        for l in -10 -20 -30 -40 -45; do ladder "$tmp/as-$s.db" "$uri" yes "level $l dBm0" --level "$l"; done
        ladder "$tmp/as-$s.db" "$uri" yes "level -30 dBm0, noise -50 dBm0" --level -30 --noise -50
        ;;
    echo)
        echo "-- AudioSocket, echo (delay ms : level dB)"
        for e in 20:-20 20:-10 80:-6 300:-10; do ladder "$tmp/as-$s.db" "$uri" yes "gateway's own echo $e" --echo "$e"; done
        ladder "$tmp/as-$s.db" "$uri" yes "faxsim's own echo 20:-10" --echo-far 20:-10
        ;;
    band)
        echo "-- AudioSocket, a 300-3400 Hz channel"
        ladder "$tmp/as-$s.db" "$uri" yes "band" --band
        ladder "$tmp/as-$s.db" "$uri" yes "band, level -30, noise -50" --band --level -30 --noise -50
        ;;
    rtp | t38)
        gateway "$s" "sip:fax@127.0.0.1:0" yes || return 1
        uri="sip:fax@127.0.0.1:${FG_LINE##*:}"
        if [ "$s" = rtp ]; then
            echo "-- SIP G.711 over RTP at line pace; datagrams lost both ways unless said (Gilbert-Elliott)"
            extra=(--realtime)
            for l in 0 0.2 0.5 1 2 5 10; do ladder "$tmp/$s.db" "$uri" yes "rtp loss $l %" "${extra[@]}" --loss "$l"; done
            ladder "$tmp/$s.db" "$uri" yes "rtp loss 1 %, to the gateway only" "${extra[@]}" --loss 1 --loss-dir out
            ladder "$tmp/$s.db" "$uri" yes "rtp loss 1 %, from the gateway only" "${extra[@]}" --loss 1 --loss-dir in
        else
            echo "-- SIP T.38 over UDPTL at line pace; datagrams lost both ways (Gilbert-Elliott)"
            extra=(--realtime --t38)
            for l in 0 1 2 5 10; do ladder "$tmp/$s.db" "$uri" yes "t38 loss $l %" "${extra[@]}" --loss "$l"; done
            ladder "$tmp/$s.db" "$uri" yes "t38 loss 5 %, bursts of 3" "${extra[@]}" --loss 5 --burst 3
        fi
        ladder "$tmp/$s.db" "$uri" yes "$s jitter 0-40 ms" "${extra[@]}" --jitter 40
        ;;
    *) echo "bench_impair.sh: unknown section '$s' (noise level echo band rtp t38)" >&2; return 2 ;;
    esac
    fg_stop_pid "$FG_GATEWAY_PID"
}

for s in $sections; do
    if [ "$s" = rtp ] || [ "$s" = t38 ]; then
        section "$s" >"$tmp/section-$s" 2>&1 &
        pids+=($!)
    else
        section "$s"
    fi
done
for p in "${pids[@]}"; do wait "$p"; done
pids=()
for s in $sections; do [ -f "$tmp/section-$s" ] && cat "$tmp/section-$s"; done

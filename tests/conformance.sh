#!/usr/bin/env bash
# make conformance — the TSB-85 receive tests (Annexes A to D of SpanDSP's tsb85.xml in
# ../shared/corpus/spandsp: the procedures where the tester calls and the device receives)
# played against a real faxgated by build/host/tsb85, as the calling terminal over AudioSocket.
# Prints the runner's TAP, then a table: test, result, why.
# What the tests are and why each passes or fails: docs/conformance.md.
#
#   tests/conformance.sh [BUILD] [--strict] [--tap FILE]
#     --strict (or FAXGATE_CONFORMANCE_STRICT=1): exit 1 when a test fails
#     --tap FILE: also keep the runner's TAP in FILE (tests/e2e/conformance.sh reads it)
#   FAXGATE_CORPUS=DIR (default ../shared/corpus), TSB85_SCRIPT (another script file),
#   TSB85_GROUPS (default "Annex A;Annex B;Annex C;Annex D": test groups by the start of their
#   names, separated by ';'), TSB85_ARGS
#   (more runner options, e.g. "--images DIR" for SpanDSP's ETSI charts, "-v")
set -u
strict=${FAXGATE_CONFORMANCE_STRICT:-0}
build=build/host
tapfile=
while [ $# -gt 0 ]; do
    case $1 in
    --strict) strict=1 ;;
    --tap) tapfile=${2:?--tap needs a file}; shift ;;
    -*) echo "usage: tests/conformance.sh [BUILD] [--strict] [--tap FILE]" >&2; exit 2 ;;
    *) build=$1 ;;
    esac
    shift
done
build=$(cd "$build" && pwd) || exit 2
. "$(dirname "$0")/lib.sh"
cd "$FG_ROOT" || exit 2
corpus=${FAXGATE_CORPUS:-$FG_ROOT/../shared/corpus}
script=${TSB85_SCRIPT:-$corpus/spandsp/tsb85.xml}
IFS=';' read -r -a groups <<<"${TSB85_GROUPS:-Annex A;Annex B;Annex C;Annex D}"
group_args=()
for g in "${groups[@]}"; do group_args+=(--group "$g"); done

if [ ! -f "$script" ]; then
    echo "make conformance: skipped: no TSB-85 scripts at $script" \
        "(the corpus is absent; set FAXGATE_CORPUS or place ../shared/corpus)"
    [ -n "$tapfile" ] && printf '1..0 # SKIP the corpus is absent: no %s\n' "$script" >"$tapfile"
    exit 0
fi
for b in faxgated tsb85; do
    [ -x "$build/$b" ] || { echo "make conformance: $build/$b is missing: build first (make)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-conformance-XXXXXX")
trap 'fg_cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/out"
# The device under test as shipped (embedded defaults), on loopback, everything in $tmp. Its CSI
# is the identity MRGN01 has the tester configure in the DUT (SET IDENT +0123456789) and then
# checks in the CSI frame; no other receive test looks at it.
cat >"$tmp/faxgate.conf" <<EOF
[line]
listen = audiosocket://127.0.0.1:0
csi = +0123456789
$(fg_local_conf "$tmp/faxgate.db" "$tmp" "$tmp/out")
EOF
fg_start_gateway "$build" "$tmp/faxgate.conf" "$tmp/faxgated.log" || exit 2

t0=$SECONDS
# shellcheck disable=SC2086 # TSB85_ARGS is a list of options
"$build/tsb85" --line "$FG_LINE" --store "$tmp/faxgate.db" "${group_args[@]}" ${TSB85_ARGS:-} "$script" \
    >"$tmp/tap" 2>"$tmp/runner.log"
rc=$?
cat "$tmp/tap"
[ -n "$tapfile" ] && cp "$tmp/tap" "$tapfile"
if [ "$rc" -ge 2 ]; then
    echo "make conformance: the runner could not run (status $rc):"
    sed 's/^/  /' "$tmp/runner.log"
    exit 2
fi

echo
echo "TSB-85 receive procedures, faxgated as the receiving terminal ($((SECONDS - t0)) s)"
printf '%-9s %-8s %s\n' test result "why"
sed -nE 's/^# (Annex .*)$/\1/p;
         s/^ok [0-9]+ - ([^ ]+) # SKIP not run: (.*)$/\1\tnot run\t\2/p;
         s/^ok [0-9]+ - ([^ ]+)$/\1\tpassed\t/p;
         s/^not ok [0-9]+ - ([^:]+): (.*)$/\1\tFAILED\t\2/p' "$tmp/tap" |
    awk -F'\t' 'NF == 1 { print "-- " $1; next } { printf "%-9s %-8s %s\n", $1, $2, $3 }'
sed -n 's/^# \([0-9]* passed.*\)/\1/p' "$tmp/tap"
# gone, or a zombie (it is our child, not yet reaped): faxgated stopped during the run
if ! kill -0 "$FG_GATEWAY_PID" 2>/dev/null || [[ $(ps -o stat= -p "$FG_GATEWAY_PID" 2>/dev/null) == Z* ]]; then
    echo "make conformance: faxgated died during the run:"; tail -20 "$tmp/faxgated.log" | sed 's/^/  /'
    exit 1
fi
[ "$strict" = 1 ] && [ "$rc" -ne 0 ] && exit 1
exit 0

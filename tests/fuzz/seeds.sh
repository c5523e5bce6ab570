#!/usr/bin/env bash
# tests/fuzz/seeds.sh FUZZBUILD HOSTBUILD — makes every fuzz target's seeds in FUZZBUILD/seeds/KIND
# (afresh), for tests/fuzz/run.sh and tests/fuzz/long.sh. Nothing from ../shared/corpus:
#   pcap, wav, audiosocket  a real fax call placed in memory (HOSTBUILD/tools/mkseeds)
#   tiff                    tests/fuzz/seeds/tiff and a page rendered by faxsim render
#   config                  the boards' faxgate.conf and faxgated --print-config
#   extract, learn          labelled texts of tests/data/texts (ads and business faxes, en/fr/de)
#   sdp, udptl, rtp         tests/fuzz/seeds/KIND: SDP as Asterisk and phones write it, UDPTL with
#                           redundancy and FEC, RTP reordered with CSRC/extension/padding
#   webform                 tests/fuzz/seeds/webform: the web admin's forms, with hostile values
#   sip                     tests/fuzz/seeds/sip: INVITEs and re-INVITEs (G.711, T.38, both), 401/407
#                           challenges, BYE, OPTIONS, UPDATE as Asterisk, FreeSWITCH and Kamailio
#                           write them, digest answers ("@NONCE@": a fresh nonce), and what fuzzing
#                           found (a bad SDP line quoted into our Warning header)
#   webreq                  tests/fuzz/seeds/webreq: requests to the web admin (routes, query
#                           strings, Host, Origin, session cookie, forms), what fuzzing found
# Prints one line per seed it could not make and exits 1 then.
set -u
fz=${1:-build/fuzz}
host=${2:-build/host}
cd "$(dirname "$0")/../.." || exit 2
failed=0
problem() { echo "$*"; failed=1; }

seeds=$fz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{tiff,config,extract,learn} "$fz/corpus" "$fz/crashes"
if ! "$host/tools/mkseeds" "$seeds" >"$fz/mkseeds.log" 2>&1; then
    problem "mkseeds made a fax call ($(tail -1 "$fz/mkseeds.log"))"
fi
cp tests/fuzz/seeds/tiff/* "$seeds/tiff/"
for kind in sdp udptl rtp webform sip webreq; do mkdir -p "$seeds/$kind" && cp tests/fuzz/seeds/$kind/* "$seeds/$kind/"; done
text=$(awk -F'\t' '$2 == "legit" && $3 == "fr" { print $1; exit }' tests/data/texts/LABELS.tsv)
"$host/faxsim" render --res standard "tests/data/texts/$text" "$seeds/tiff/rendered.tif" >/dev/null 2>&1 ||
    problem "faxsim render"
for b in boards/*/faxgate.conf; do cp "$b" "$seeds/config/$(basename "$(dirname "$b")").conf"; done
"$host/faxgated" --print-config >"$seeds/config/effective.conf" 2>/dev/null
for spec in "ad en" "ad fr" "ad de" "legit en" "legit fr" "legit de"; do
    set -- $spec
    for f in $(awk -F'\t' -v l="$1" -v g="$2" '$2 == l && $3 == g { print $1 }' tests/data/texts/LABELS.tsv | sort | head -4); do
        cp "tests/data/texts/$f" "$seeds/extract/$(echo "$f" | tr / _)"
        cp "tests/data/texts/$f" "$seeds/learn/$(echo "$f" | tr / _)"
    done
done
exit $failed

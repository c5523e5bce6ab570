#!/usr/bin/env bash
# Real material from outside the project (../shared/corpus), through the real pipeline. Prints TAP.
#   - the recorded call between two real fax machines decodes into its T.30 frames and its page
#   - no FUNSD business document and no ITU test chart is dropped (binarised and scaled to fax
#     resolution, as received), and the Asterisk test-suite pages too
#   - the Tobacco3482 texts: every text judged (an error or an empty verdict is a failure, never
#     "caught"), no business document dropped, at most 2 of 35 flagged, and at least
#     TOBACCO_ADS_FLOOR of the 35 print adverts kept off the printer as shipped (untrained: a
#     regression floor; how faxgate compares with bogofilter trained on them is make eval's)
# Skips, saying so, when the corpus is absent.
set -u
build=${1:-build/host}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/../lib.sh"
cd "$FG_ROOT"
corpus=${FAXGATE_CORPUS:-$FG_ROOT/../shared/corpus}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faxgate-corpus-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$corpus/MANIFEST.tsv" ]; then
    fg_skip "corpus checks" "no corpus at $corpus (set FAXGATE_CORPUS or place ../shared/corpus)"
    fg_tap_end
    exit 0
fi
# A configuration with no store: scans must not depend on (or create) a site database.
printf '[store]\ndb = %s/none.db\n' "$tmp" >"$tmp/scan.conf"
ctl=("$build/faxgatectl" --config "$tmp/scan.conf")

# --- the recorded call ---
wav=$corpus/recordings/faxstf3_to_officejet8620.wav
if "${ctl[@]}" decode "$wav" --out "$tmp/decoded" --no-judge >"$tmp/decode.txt" 2>&1; then
    frames=$(grep -oE '\b(NSF|CSI|DIS|TSI|DCS|CFR|MCF|EOP|DCN)\b' "$tmp/decode.txt" | sort -u | tr '\n' ' ')
    fg_check "recorded call: T.30 frames decoded ($frames)" \
        bash -c "for f in NSF CSI DIS TSI DCS CFR EOP MCF DCN; do echo '$frames' | grep -qw \$f || exit 1; done"
    page=$(ls "$tmp/decoded"/*.tif 2>/dev/null | head -1)
    fg_check "recorded call: its page is decoded ($page)" [ -n "$page" ]
    if [ -n "$page" ]; then
        "${ctl[@]}" --json scan "$page" >"$tmp/recorded.json" 2>&1
        v=$(sed -n 's/^ *"verdict": "\([a-z]*\)".*/\1/p' "$tmp/recorded.json" | head -1)
        fg_check "recorded call: its page runs through the pipeline (verdict $v)" [ -n "$v" ]
    fi
else
    fg_not_ok "faxgatectl decode $wav"
    sed 's/^/#   /' "$tmp/decode.txt" | tail -20
fi

# --- pages that must never be dropped ---
scan_all() {   # scan_all LABEL FILES...: scans each page; counts verdicts; lists any dropped
    local label=$1 f v deliver=0 hold=0 drop=0 fail=0
    shift
    for f in "$@"; do
        if ! "${ctl[@]}" --json scan --res fine "$f" >"$tmp/scan.json" 2>"$tmp/scan.err"; then
            fail=$((fail + 1)); echo "# $label $(basename "$f"): $(cat "$tmp/scan.err")"; continue
        fi
        v=$(sed -n 's/^ *"verdict": "\([a-z]*\)".*/\1/p' "$tmp/scan.json" | head -1)
        case $v in
        deliver) deliver=$((deliver + 1)) ;;
        hold) hold=$((hold + 1)); echo "# $label $(basename "$f"): held ($(sed -n 's/^ *"reason": "\(.*\)".*/\1/p' "$tmp/scan.json" | head -1))" ;;
        drop) drop=$((drop + 1)); echo "# $label $(basename "$f"): DROPPED ($(sed -n 's/^ *"reason": "\(.*\)".*/\1/p' "$tmp/scan.json" | head -1))" ;;
        *) fail=$((fail + 1)) ;;
        esac
    done
    echo "# $label: $# pages: $deliver delivered, $hold held, $drop dropped, $fail failed to scan"
    fg_check "$label: none of $# dropped ($deliver delivered, $hold held)" [ "$drop" -eq 0 -a "$fail" -eq 0 ]
}
scan_all "FUNSD documents" "$corpus"/funsd/*.png
scan_all "ITU T.24 charts" "$corpus"/itu/*.tif
scan_all "Asterisk test pages" "$corpus"/asterisk/*.tif "$corpus"/asterisk/*.tiff

# --- Tobacco3482 texts (text level: the OCR was done by the dataset) ---
# A regression floor for print adverts (not fax ads: the criterion for them is make eval's comparison
# with bogofilter trained on the same texts). As shipped at 9574f55: 2 of 35; since tune10 taught the
# starter model ordinary office paper (news clippings about products and prices among it), 1 of 35,
# with business documents flagged 2 -> 1 of 35 (docs/evaluation.md, "tune10"). Raise it when the
# classifier does better.
TOBACCO_ADS_FLOOR=1
ads=0 ads_caught=0 docs=0 docs_flagged=0 docs_dropped=0 errors=0
for f in "$corpus"/tobacco3482/*.txt; do
    if ! "${ctl[@]}" --json classify --text "$f" >"$tmp/tobacco.json" 2>"$tmp/tobacco.err"; then
        errors=$((errors + 1)); echo "# Tobacco $(basename "$f"): classify failed: $(head -1 "$tmp/tobacco.err")"; continue
    fi
    v=$(sed -n 's/^ *"verdict": "\([a-z]*\)".*/\1/p' "$tmp/tobacco.json" | head -1)
    case $v in
    deliver | hold | drop) ;;
    *) errors=$((errors + 1)); echo "# Tobacco $(basename "$f"): no verdict in classify's record"; continue ;;
    esac
    case $(basename "$f") in
    ADVE_*) ads=$((ads + 1)); [ "$v" != deliver ] && ads_caught=$((ads_caught + 1)) ;;
    *) docs=$((docs + 1)); [ "$v" != deliver ] && { docs_flagged=$((docs_flagged + 1)); echo "# Tobacco $(basename "$f"): $v"; }
       [ "$v" = drop ] && docs_dropped=$((docs_dropped + 1)) ;;
    esac
done
echo "# Tobacco3482: ads caught $ads_caught/$ads, documents flagged $docs_flagged/$docs ($docs_dropped dropped), $errors errors"
fg_check "Tobacco3482: all 70 texts judged ($((ads + docs)) judged, $errors errors)" [ "$((ads + docs))" -eq 70 -a "$errors" -eq 0 ]
fg_check "Tobacco3482: no business document dropped, at most 2 of $docs flagged ($docs_flagged flagged, $docs_dropped dropped)" \
    [ "$docs_dropped" -eq 0 -a "$docs_flagged" -le 2 ]
fg_check "Tobacco3482: at least $TOBACCO_ADS_FLOOR of $ads print adverts kept off the printer as shipped ($ads_caught)" \
    [ "$ads_caught" -ge "$TOBACCO_ADS_FLOOR" ]
fg_tap_end

#!/usr/bin/env bash
# The parsers under libFuzzer with ASan and UBSan (build/fuzz, made by make test): every target
# runs over seeds the project makes (a real fax call as pcap, WAV and AudioSocket stream, a
# rendered page, the configuration, labelled texts) and then FAXGATE_FUZZ_SECONDS (3) more.
# Prints TAP (tests/fuzz/run.sh's).
set -u
build=${1:-build/host}
cd "$(dirname "$0")/../.." || exit 2
fz=build/fuzz
if ! ls "$fz"/bin/fuzz_* >/dev/null 2>&1; then
    echo "ok 1 - fuzz targets # SKIP not built: $fz/bin is empty (make fuzz-build needs clang and libclang-rt-14-dev)"
    echo "1..1"
    exit 0
fi
exec tests/fuzz/run.sh "$fz" "$build" "${FAXGATE_FUZZ_SECONDS:-3}"

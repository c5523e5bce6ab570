#!/usr/bin/env bash
# tests/run.sh BUILD — runs every unit test (cmocka, TAP output) and every end-to-end script,
# then prints one closing line: "N passed, N failed, N skipped".
set -u
build=${1:-build/host}
export FG_BUILD=$build
export CMOCKA_MESSAGE_OUTPUT=TAP
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skipped=0
failed_names=()
logdir=$build/test-logs
mkdir -p "$logdir"

# count_tap NAME LOG RC: adds a suite's TAP results to the totals.
count_tap() {
    local name=$1 log=$2 rc=$3 p f s
    # cmocka 1.1 reports a skipped test as "not ok N # SKIP": a skip, not a failure
    s=$(grep -cE '^(not )?ok [0-9]+.*# (SKIP|skip)' "$log" | head -1)
    f=$(grep -E '^not ok [0-9]+' "$log" | grep -cvE '# (SKIP|skip)' | head -1)
    p=$(grep -E '^ok [0-9]+' "$log" | grep -cvE '# (SKIP|skip)' | head -1)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # crashed, timed out or failed before reporting: that is a failure too
        f=1
        echo "not ok - $name exited with status $rc (see $log)"
    fi
    pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failed_names+=("$name")
    printf '%-28s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
}

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    log=$logdir/$name.log
    timeout 900 "$t" > "$log" 2>&1
    rc=$?
    grep -E '^(not ok|# SKIP)' "$log" | sed 's/^/    /'
    count_tap "$name" "$log" "$rc"
done

for t in tests/e2e/*.sh; do
    [ -x "$t" ] || continue
    name=e2e/$(basename "$t" .sh)
    log=$logdir/$(basename "$t" .sh).log
    timeout 1800 "$t" "$build" > "$log" 2>&1
    rc=$?
    grep -E '^(not ok|ok .*# SKIP|# )' "$log" | sed 's/^/    /'
    count_tap "$name" "$log" "$rc"
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed suites: ${failed_names[*]} (logs in $logdir)"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]

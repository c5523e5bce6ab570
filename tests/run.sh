#!/usr/bin/env bash
# tests/run.sh BUILD — runs every unit test (cmocka, TAP output) and every end-to-end script,
# then lists what was skipped and why, and prints one closing line: "N passed, N failed, N skipped".
#
# A suite fails if its binary or script is missing or not executable, if it crashes or exits
# non-zero, if it prints no TAP plan ("1..N") or reports a different number of results than
# planned, or if any of its checks fails. Under CI=true a skip fails too, unless its reason
# matches a line of tests/skips-allowed.tsv, which says why CI may skip it.
# FAXGATE_TESTS=unit or e2e runs only that half (default: both).
# FG_RUNNER runs each unit test binary through a command, e.g. "qemu-aarch64 -L SYSROOT" for a
# cross-built board (tests/board.sh).
set -u
build=${1:-build/host}
export FG_BUILD=$build
export CMOCKA_MESSAGE_OUTPUT=TAP
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skipped=0
failed_names=() skip_list=()
logdir=$build/test-logs
allowed=tests/skips-allowed.tsv
strict=false
[ "${CI:-}" = true ] && strict=true
mkdir -p "$logdir"

# allowed_skip REASON: true if the reason matches a pattern of the allow-list
allowed_skip() {
    local pat why
    while IFS=$'\t' read -r pat why; do
        case $pat in '' | '#'*) continue ;; esac
        printf '%s\n' "$1" | grep -qE -- "$pat" && return 0
    done <"$allowed"
    return 1
}

# count_tap NAME LOG RC: adds a suite's TAP results to the totals, checking it against its plan.
count_tap() {
    local name=$1 log=$2 rc=$3 p=0 f=0 s=0 plan results line reason what k=0 problems=() reasons=()
    # cmocka prints a skip's reason ("# SKIP: why", testutil.h) on stderr and its result
    # ("not ok N # SKIP test_name") on stdout: pair them in order, whatever the interleaving
    mapfile -t reasons < <(sed -n 's/^# SKIP: //p' "$log")
    while IFS= read -r line; do
        case $line in
        'ok '[0-9]* | 'not ok '[0-9]*)
            if [[ $line =~ \#\ (SKIP|skip)(.*)$ ]]; then
                # cmocka 1.1 reports a skipped test as "not ok N # SKIP": a skip, not a failure
                if [[ $line == 'not ok '* ]] && [ "$k" -lt "${#reasons[@]}" ]; then
                    what=${BASH_REMATCH[2]# }   # cmocka: "not ok N # SKIP test_name"
                    reason=${reasons[k]}
                    k=$((k + 1))
                else
                    what=${line%%' # '[Ss][Kk][Ii][Pp]*}   # "ok N - what # SKIP why"
                    what=${what#*' - '}
                    reason=${BASH_REMATCH[2]# }
                fi
                [ -z "$reason" ] && reason="no reason given"
                s=$((s + 1))
                skip_list+=("$name: $what — $reason")
                if $strict && ! allowed_skip "$reason"; then
                    f=$((f + 1))
                    problems+=("skipped under CI=true and not allowed by $allowed: $reason")
                fi
            elif [[ $line == 'not ok'* ]]; then
                f=$((f + 1))
            else
                p=$((p + 1))
            fi ;;
        esac
    done <"$log"
    plan=$(grep -oE '^1\.\.[0-9]+' "$log" | tail -1)
    results=$(grep -cE '^(not )?ok [0-9]+' "$log")
    if [ -z "$plan" ]; then
        problems+=("no TAP plan (1..N): it stopped before the end")
    elif [ "${plan#1..}" -ne "$results" ]; then
        problems+=("planned ${plan#1..} results, reported $results")
    fi
    if [ "$rc" -ge 124 ]; then
        problems+=("exited with status $rc ($( [ "$rc" = 124 ] && echo "timed out" || echo "killed by signal $((rc - 128))"))")
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        problems+=("exited with status $rc with no failed check")
    fi
    for line in "${problems[@]}"; do
        echo "    not ok - $name: $line (see $log)"
        # a suite-level problem counts once, on top of the checks that failed
        [[ $line == skipped* ]] || f=$((f + 1))
    done
    pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failed_names+=("$name")
    printf '%-28s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
}

# missing NAME WHY: a suite that cannot run is a failure, never silence
missing() {
    echo "    not ok - $1: $2"
    fail=$((fail + 1))
    failed_names+=("$1")
    printf '%-28s %3d passed, %d failed, %d skipped\n' "$1" 0 1 0
}

only=${FAXGATE_TESTS:-all}
for src in tests/unit/test_*.c; do
    [ "$only" = e2e ] && break
    name=$(basename "$src" .c)
    t=$build/tests/$name
    if [ ! -e "$t" ]; then missing "$name" "$t was not built"; continue; fi
    if [ ! -x "$t" ]; then missing "$name" "$t is not executable"; continue; fi
    log=$logdir/$name.log
    timeout 900 ${FG_RUNNER:-} "$t" >"$log" 2>&1
    rc=$?
    grep -E '^(not ok|# SKIP)' "$log" | sed 's/^/    /'
    count_tap "$name" "$log" "$rc"
done

for t in tests/e2e/*.sh; do
    [ "$only" = unit ] && break
    name=e2e/$(basename "$t" .sh)
    if [ ! -x "$t" ]; then missing "$name" "$t is not executable (chmod +x)"; continue; fi
    log=$logdir/$(basename "$t" .sh).log
    timeout 1800 "$t" "$build" >"$log" 2>&1
    rc=$?
    grep -E '^(not ok|ok .*# SKIP|# )' "$log" | sed 's/^/    /'
    count_tap "$name" "$log" "$rc"
done

if [ ${#skip_list[@]} -gt 0 ]; then
    echo "skipped ($([ "$strict" = true ] && echo "CI=true: only what $allowed allows" || echo "set CI=true to make these failures")):"
    printf '  %s\n' "${skip_list[@]}"
fi
[ ${#failed_names[@]} -gt 0 ] && echo "failed suites: ${failed_names[*]} (logs in $logdir)"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]

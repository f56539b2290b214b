#!/bin/bash
# The README's test command: install what is missing, build, and run the
# whole suite twice: the default build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build; then a short libFuzzer run of the
# collector's targets (fuzz/, clang; 60 s in all, FUZZ_SECONDS to change),
# counted as one more result. Ends with one line "N passed, N failed".
# Under CI=true a skipped test counts as failed.
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
count() {   # count results of one meson test log (testlog.json)
    local log=$1 p f s
    p=$(grep -c '"result": "OK"' "$log")
    f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
    s=$(grep -c '"result": "SKIP"' "$log")
    if [ "${CI:-}" = "true" ] && [ "$s" -gt 0 ]; then
        echo "test.sh: $s skipped test(s) count as failed under CI=true"
        f=$((f + s))
        s=0
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

run_pass() {   # run_pass BUILD_DIR [meson setup options...]
    local dir=$1
    shift
    if [ ! -d "$dir" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 \
            || { cat "$dir.setup.log"; failed=$((failed + 1)); return; }
    fi
    if ! ninja -C "$dir"; then
        echo "test.sh: build failed in $dir"
        failed=$((failed + 1))
        return
    fi
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-}
    if [ -f "$dir/meson-logs/testlog.json" ]; then
        count "$dir/meson-logs/testlog.json"
    else
        failed=$((failed + 1))
    fi
}

fuzz_step() {   # one counted result: each libFuzzer target for FUZZ_SECONDS / 3
    local total=${FUZZ_SECONDS:-60} t ok=1
    if ! command -v clang >/dev/null; then
        if [ "${CI:-}" = "true" ]; then
            echo "test.sh: clang is missing, so the fuzz step cannot run (counts as failed under CI=true)"
            failed=$((failed + 1))
        else
            echo "test.sh: clang is missing; fuzz step skipped"
        fi
        return
    fi
    for t in fuzz_scan fuzz_csv fuzz_firewall fuzz_xlsx; do
        echo "test.sh: fuzzing $t for $((total / 4)) s"
        if ! fuzz/run.sh "$t" $((total / 4)) build-fuzz >"build-fuzz.$t.log" 2>&1; then
            echo "test.sh: $t found a problem:"
            tail -40 "build-fuzz.$t.log"
            ok=0
        else
            grep -E "^Done|stat::number_of_executed_units" "build-fuzz.$t.log"
        fi
    done
    if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_pass build
run_pass build-asan -Db_sanitize=address,undefined -Dbuildtype=debug
# libFuzzer reports leaks and aborts its own way.
ASAN_OPTIONS= UBSAN_OPTIONS= fuzz_step
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

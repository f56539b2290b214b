#!/bin/bash
# The README's test command: install what is missing, build, and run the
# whole suite twice: the default build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build. Ends with one line "N passed, N failed".
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

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_pass build
run_pass build-asan -Db_sanitize=address,undefined -Dbuildtype=debug
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/bash
# prevalence report on the sample data, checked file by file
# (check_report_files.py: the tables agree with each other and with
# estimates.json, and no small count can be read or worked out), plus the
# all-or-nothing write. Runs under tests/harness/with-cluster.sh.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
status=0
check() {   # check NAME MIN_CELL REPORT-ARGS...
    local name=$1 m=$2
    shift 2
    if ! "$PREVALENCE_BIN" -q report --out "$work/$name" --min-cell "$m" "$@"; then
        echo "FAIL: prevalence report $* exited $?"
        status=1
        return
    fi
    python3 "$report_tests/check_report_files.py" "$work/$name" "$m" || status=1
}

for y in 2023 2024 2025; do
    load_year "$y" || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
check r2025 10 --year 2025
check r2024 10 --year 2024 --lonely-psu certainty
check r2023 10 --year 2023 --measure any --method wilson
check r2025m5 5 --year 2025 --method logit --level 0.9
check r2025m1 1 --year 2025
check r2025m40 40 --year 2025
# Byte-identical when run again (SOURCE_DATE_EPOCH fixes the time), on
# the same data: the 2025 report also shows 2023 and 2024 (its trend), so
# this comes before the 2023 frame is dropped below.
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/again" || status=1
if ! diff -r "$work/r2025" "$work/again" >/dev/null; then
    echo "FAIL: two runs of the same report differ"
    diff -r "$work/r2025" "$work/again" | head -20
    status=1
fi

# Without a frame: no officers, coverage or estimated totals to publish.
drop_frame 2023 || { echo "FAIL: cannot drop the 2023 frame"; exit 1; }
check r2023nf 10 --year 2023

# A folder that cannot be completed leaves nothing behind: "tables" is a
# file, so tables/*.csv cannot be written; report.html must not appear.
mkdir -p "$work/blocked" && : >"$work/blocked/tables"
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/blocked" 2>"$work/blocked.err"
rc=$?
if [ $rc -ne 73 ]; then
    echo "FAIL: report into a blocked folder exited $rc, want 73"; cat "$work/blocked.err"
    status=1
fi
if [ -n "$(ls -A "$work/blocked" | grep -v '^tables$')" ]; then
    echo "FAIL: a failed report left files: $(ls -A "$work/blocked")"
    status=1
fi
grep -q "blocked/tables" "$work/blocked.err" || { echo "FAIL: error does not name the folder"; status=1; }

[ $status -eq 0 ] && echo "report files: all checks passed"
exit $status

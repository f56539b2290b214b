#!/bin/bash
# valgrind memcheck over `prevalence load` and `prevalence estimate` (and
# `check` and `report`) on the sample data, against a throw-away embedded
# cluster (run under tests/harness/with-cluster.sh). Fails on any memcheck
# error and on any definite or indirect leak.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
sample="$PREVALENCE_SOURCE_DIR/sample-data"
work="$PREVALENCE_TEST_TMP/valgrind"
mkdir -p "$work"
# The cluster is created and started outside valgrind: initdb and the
# server are not ours to check, and it keeps the runs below short.
"$PREVALENCE_BIN" --quiet db start >/dev/null || exit 1

failed=0
vg() {   # vg NAME ARGS...: run the binary under memcheck
    local name=$1 rc
    shift
    valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 --track-origins=yes --log-file="$work/$name.vg" \
        "$PREVALENCE_BIN" --quiet "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    if [ "$rc" -eq 99 ] || ! grep -q "ERROR SUMMARY: 0 errors" "$work/$name.vg"; then
        echo "--- memcheck found problems in: prevalence $*"
        cat "$work/$name.vg"
        failed=1
    elif [ "$rc" -ne "${WANT_RC:-0}" ]; then
        echo "--- prevalence $* exited $rc (want ${WANT_RC:-0}):"
        cat "$work/$name.err"
        failed=1
    else
        echo "ok: $name: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$work/$name.vg")," \
             "$(grep -oE 'definitely lost: [0-9,]+ bytes|All heap blocks were freed' \
                "$work/$name.vg" | head -1)"
    fi
}

vg load_responses load responses "$sample"/2025/responses-*.csv
vg load_frame load frame "$sample/2025/frame.csv"
vg load_already load responses "$sample/2025/responses-pima.csv"
WANT_RC=65 vg load_bad load --rejects "$work/rejects.csv" responses "$sample"/bad/*.csv
vg check check responses "$sample"/2024/responses-*.csv
vg estimate estimate --year 2025 --format csv --measure all
vg estimate_sae estimate --year 2025 --format json --small-area
vg report report --year 2025 --out "$work/report"
exit $failed

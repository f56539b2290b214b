#!/bin/bash
# curl-style CLI test: run one case against the built binary and compare
# stdout, stderr and the exit code with the expected files.
#   run_case.sh CASE_DIR
# CASE_DIR/cmd       bash snippet; $PREVALENCE is the binary, $SAMPLE the
#                    sample-data folder, $CASE the case folder, $WORK a
#                    scratch folder (cwd); runs under with-cluster.sh
# CASE_DIR/stdout    expected standard output   (optional: absent = not compared)
# CASE_DIR/stderr    expected standard error    (optional)
# CASE_DIR/rc        expected exit code         (default 0)
# In the actual outputs the scratch folder is replaced by <WORK> and the
# cluster home by <HOME>, so expected files hold no temporary paths.
set -u
case_dir=$(cd "$1" && pwd) || exit 70
export CASE="$case_dir"
export PREVALENCE="$PREVALENCE_BIN"
export SAMPLE="$PREVALENCE_SOURCE_DIR/sample-data"
here=$(cd "$(dirname "$0")" && pwd)

run() {
    export WORK="$PREVALENCE_TEST_TMP/work"
    mkdir -p "$WORK" && cd "$WORK" || exit 70
    bash -e "$CASE/cmd" >"$PREVALENCE_TEST_TMP/out" 2>"$PREVALENCE_TEST_TMP/err"
    echo $? >"$PREVALENCE_TEST_TMP/rc"
    for f in out err; do
        sed -i -e "s#$WORK#<WORK>#g" -e "s#$PREVALENCE_HOME#<HOME>#g" "$PREVALENCE_TEST_TMP/$f"
    done
    status=0
    want_rc=0
    [ -f "$CASE/rc" ] && want_rc=$(cat "$CASE/rc")
    got_rc=$(cat "$PREVALENCE_TEST_TMP/rc")
    if [ "$got_rc" != "$want_rc" ]; then
        echo "exit code: want $want_rc, got $got_rc"
        status=1
    fi
    if [ -f "$CASE/stdout" ] && ! diff -u "$CASE/stdout" "$PREVALENCE_TEST_TMP/out"; then
        echo "stdout differs (above)"
        status=1
    fi
    if [ -f "$CASE/stderr" ] && ! diff -u "$CASE/stderr" "$PREVALENCE_TEST_TMP/err"; then
        echo "stderr differs (above)"
        status=1
    fi
    if [ $status -ne 0 ]; then
        echo "--- stderr was:"; cat "$PREVALENCE_TEST_TMP/err"
    fi
    return $status
}
export -f run
exec "$here/../harness/with-cluster.sh" bash -c run

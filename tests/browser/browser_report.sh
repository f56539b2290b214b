#!/bin/bash
# The sample-data report in headless Chromium (check_browser.py); the
# screenshot goes to the path given (the build folder).
#   browser_report.sh SCREENSHOT.png      (under tests/harness/with-cluster.sh)
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
shot=$1
python3 "$PREVALENCE_SOURCE_DIR/tests/browser/check_browser.py" --probe || exit $?
load_year 2025 || { echo "FAIL: cannot load sample year 2025"; exit 1; }
"$PREVALENCE_BIN" -q report --year 2025 --out "$PREVALENCE_TEST_TMP/report" || exit 1
exec python3 "$PREVALENCE_SOURCE_DIR/tests/browser/check_browser.py" \
    "$PREVALENCE_TEST_TMP/report" "$shot"

#!/bin/bash
# The sample-data report over three survey years in headless Chromium
# (check_browser.py --trend): one trend line per series chosen with
# --trend-counties, and the county table's change column.
#   browser_trend.sh SCREENSHOT.png      (under tests/harness/with-cluster.sh)
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
shot=$1
series=Arizona,Maricopa,Pima,Yuma,Graham
python3 "$PREVALENCE_SOURCE_DIR/tests/browser/check_browser.py" --probe || exit $?
for y in 2023 2024 2025; do
    load_year $y || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
"$PREVALENCE_BIN" -q report --year 2025 --out "$PREVALENCE_TEST_TMP/report" \
    --trend-counties "$series" || exit 1
exec python3 "$PREVALENCE_SOURCE_DIR/tests/browser/check_browser.py" \
    "$PREVALENCE_TEST_TMP/report" "$shot" --trend "$series"

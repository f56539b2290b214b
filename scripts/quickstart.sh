#!/bin/bash
# The README's first command: install, build, start the embedded database,
# load the sample data and write the Council report.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
prev=build/cli/prevalence
"$prev" init
# the sample data: frames first, then every county's responses (a second
# run finds them already loaded and changes nothing)
"$prev" load frame sample-data/*/frame.csv
"$prev" load responses sample-data/*/responses-*.csv
"$prev" status --year 2025 --format table
# the Council report for the latest sample year
year=$(ls -d sample-data/20[0-9][0-9] | sort | tail -n 1 | xargs basename)
"$prev" estimate --year "$year" --format table
"$prev" report --year "$year" --out "out/report-$year"
echo "report: $(pwd)/out/report-$year/report.html"

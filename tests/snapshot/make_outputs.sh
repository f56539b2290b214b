#!/bin/bash
# Write every published and machine output of the sample data into OUT:
# the report (HTML, tables, published.json), the partner bundle, and
# estimate/trend in each format. Generation times are fixed by
# SOURCE_DATE_EPOCH and load times are pinned in the database, so two runs
# of the same code give the same bytes. Runs under with-cluster.sh.
#   make_outputs.sh OUT
set -eu
out=$1
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
p=$PREVALENCE_BIN
mkdir -p "$out"
"$p" -q init >/dev/null
"$p" -q load frame "$PREVALENCE_SOURCE_DIR"/sample-data/*/frame.csv >/dev/null
"$p" -q load responses "$PREVALENCE_SOURCE_DIR"/sample-data/*/responses-*.csv >/dev/null
# load times are the only clock the outputs read from the database
"$p" -q db psql -q -v ON_ERROR_STOP=1 \
    -c "UPDATE batches SET loaded_at = timestamptz '2025-07-01 00:00:00+00' + batch_id * interval '1 minute'" >/dev/null
for y in 2024 2025; do
    for f in csv json table md; do
        "$p" -q estimate --year "$y" --measure all --small-area --format "$f" >"$out/estimate-$y.$f"
    done
    "$p" -q report --year "$y" --out "$out/report-$y" >/dev/null
    "$p" -q export --year "$y" --out "$out/export-$y" >/dev/null
done
for f in csv json table; do
    "$p" -q trend --from 2023 --to 2025 --format "$f" >"$out/trend.$f"
done

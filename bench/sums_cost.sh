#!/bin/bash
# What keeping batch_sums costs the writers (issue #21, sql/008_batch_sums.sql).
#
#   bench/sums_cost.sh [ROWS] [RUNS]      (default 1000000 and 5)
#   bench/sums_cost.sh --help
#
# On one throw-away embedded cluster, with a responses file of ROWS rows
# (bench/ingest.sh's generator) and a corrected copy (one caseload changed,
# so another sha256), times alternately in each run (medians):
#   load        prevalence load responses FILE        into emptied tables
#   replace     prevalence load --replace responses CORRECTED   (supersedes it)
# once with 008's triggers, once with 004's row trigger put back (batch_scope
# only, no sums) and the UPDATE trigger that moves a superseded batch's sums
# disabled: the difference is what the sums cost a load and a --replace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"
rows=${1:-1000000}
runs=${2:-5}
if [ -n "${PREVALENCE_BIN:-}" ]; then bin=$PREVALENCE_BIN; else bench_build; fi
bench_cluster ""
src=$(dirname "$here")
data=$BENCH_DIR/responses.csv
awk -v n="$rows" 'BEGIN {
    split("Apache Cochise Coconino Gila Graham Greenlee La_Paz Maricopa Mohave Navajo Pima Pinal Santa_Cruz Yavapai Yuma", c, " ");
    srand(20250101);
    print "survey_year,county,respondent_id,role,caseload,confirmed,suspected";
    for (i = 1; i <= n; i++) {
        county = c[1 + (i % 15)]; gsub("_", " ", county);
        r = rand(); role = r < 0.90 ? "" : (r < 0.97 ? "supervisor" : "other");
        load = 5 + int(rand() * 56); conf = int(rand() * 3); susp = int(rand() * 3);
        printf "2025,%s,R%07d,%s,%d,%d,%d\n", county, i, role, load, conf, susp;
    }
}' >"$data"
sed '2s/,\([0-9]*\),\([0-9]*\),\([0-9]*\)$/,61,\2,\3/' "$data" >"$BENCH_DIR/corrected.csv"
cmp -s "$data" "$BENCH_DIR/corrected.csv" && { echo "sums_cost.sh: the corrected file is the same" >&2; exit 1; }

# 004's trigger function, as 004 wrote it: from the migration file itself.
old_fn=$(awk '/^CREATE FUNCTION prevalence_rows_check\(\)/,/^\$\$;/' "$src/sql/004_collector_rules.sql" |
         sed 's/^CREATE FUNCTION/CREATE OR REPLACE FUNCTION/')
new_fn=$(awk '/^CREATE OR REPLACE FUNCTION prevalence_rows_check\(\)/,/^\$\$;/' "$src/sql/008_batch_sums.sql")

timed() { local t0; t0=$(now); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
          awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }
round() { # round NAME
    for ((run = 1; run <= runs; run++)); do
        pg -c "TRUNCATE responses, frames, batch_scope, batch_content, batches" -c "CHECKPOINT"
        timed "$bin" --quiet load responses "$data" >>"$BENCH_DIR/$1-load"
        pg -c "CHECKPOINT"
        timed "$bin" --quiet load --replace responses "$BENCH_DIR/corrected.csv" >>"$BENCH_DIR/$1-replace"
    done
}
round with_sums
pg -c "$old_fn" -c "ALTER TABLE responses DISABLE TRIGGER responses_batch_sums_update"
round without_sums
pg -c "$new_fn" -c "ALTER TABLE responses ENABLE TRIGGER responses_batch_sums_update"

printf '%s rows, medians of %s runs, seconds\n' "$rows" "$runs"
for op in load replace; do
    w=$(median <"$BENCH_DIR/with_sums-$op") wo=$(median <"$BENCH_DIR/without_sums-$op")
    printf '  %-8s with sums %7.3f   without %7.3f   cost %+.3f s (%+.0f%%)\n' "$op" "$w" "$wo" \
        "$(awk -v a="$w" -v b="$wo" 'BEGIN { print a - b }')" \
        "$(awk -v a="$w" -v b="$wo" 'BEGIN { print 100 * (a - b) / b }')"
done

#!/bin/bash
# Verify and backup benchmark (issue #20): one responses file of ROWS rows
# (the same rows as bench/ingest.sh) loaded with `prevalence load`, then
# timed: the load itself (its content digest is computed in the load's
# transaction), `db verify` (every row re-read and digested), `db backup`
# (pg_dump -Fc + manifest), `db restore` into an empty cluster (checks,
# pg_restore, digests compared, verify). Prints medians of RUNS runs.
#
#   bench/verify.sh [ROWS] [RUNS]        (defaults 1000000 and 3)
# Environment: BUILD (default build-bench, release), BENCH_DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"
rows=${1:-1000000}
runs=${2:-3}
bench_build
bench_cluster "${BENCH_DIR:-}"
data=$BENCH_DIR/responses-$rows.csv
awk -v n="$rows" 'BEGIN {
    split("Apache Cochise Coconino Gila Graham Greenlee La_Paz Maricopa Mohave Navajo Pima Pinal Santa_Cruz Yavapai Yuma", c, " ");
    srand(20250101);
    print "survey_year,county,respondent_id,role,caseload,confirmed,suspected";
    for (i = 1; i <= n; i++) {
        county = c[1 + int(rand() * 15)]; gsub("_", " ", county);
        r = rand(); role = r < 0.90 ? "" : (r < 0.97 ? "supervisor" : "other");
        load = 5 + int(rand() * 56); conf = int(rand() * 3); susp = int(rand() * 3);
        printf "2025,%s,R%07d,%s,%d,%d,%d\n", county, i, role, load, conf, susp;
    }
}' >"$data"
t0=$(now); "$bin" -q load responses "$data"; t1=$(now)
echo "load (with digest): $(echo "$t1 - $t0" | bc -l) s"
t0=$(now); "$bin" -q db psql -qAt -c "SELECT count(*) FROM prevalence_content_digests(NULL)" >/dev/null; t1=$(now)
echo "digest query alone: $(echo "$t1 - $t0" | bc -l) s"
v=() b=() r=()
for ((run = 1; run <= runs; run++)); do
    t0=$(now); "$bin" db verify >/dev/null; t1=$(now); v+=("$(echo "$t1 - $t0" | bc -l)")
    rm -f "$BENCH_DIR/b.backup"
    t0=$(now); "$bin" -q db backup --out "$BENCH_DIR/b.backup"; t1=$(now); b+=("$(echo "$t1 - $t0" | bc -l)")
done
echo "backup size: $(stat -c %s "$BENCH_DIR/b.backup") bytes"
"$bin" -q db stop
mv "$PREVALENCE_HOME" "$BENCH_DIR/home.old"
t0=$(now); "$bin" -q db restore "$BENCH_DIR/b.backup"; t1=$(now); r+=("$(echo "$t1 - $t0" | bc -l)")
printf 'rows %s: db verify median %.2f s, db backup median %.2f s, db restore %.2f s (runs: verify %s; backup %s)\n' \
    "$rows" "$(median "${v[@]}")" "$(median "${b[@]}")" "${r[0]}" "${v[*]}" "${b[*]}"
rm -rf "$BENCH_DIR/home.old"

#!/bin/bash
# Ingest benchmark: `prevalence load responses` against a bare
#   psql -c "\copy responses_staging FROM file CSV HEADER"
# of the same rows into an unconstrained table, on the same embedded
# database. Prints medians of several runs; docs/performance.md records
# the figures. Not a test: timings depend on the machine.
#
#   bench/ingest.sh [ROWS] [RUNS]        (defaults 1000000 and 5)
#   bench/ingest.sh --help
# Environment: BUILD (build folder, default build-bench, created with
# --buildtype=release), BENCH_DIR (scratch folder, default a temporary one,
# removed afterwards), PREVALENCE_PG_BINDIR as for prevalence itself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_args "$@"

rows=${1:-1000000}
runs=${2:-5}
bench_build
bench_cluster "${BENCH_DIR:-}"

# The rows: a responses file as a county would send it (county names,
# role mostly left empty), unique respondent codes.
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

pg -c "CREATE TABLE IF NOT EXISTS responses_staging (survey_year integer, county text,
        respondent_id text, role text, caseload integer, confirmed integer, suspected integer)"

baseline=() ours=()
for ((run = 1; run <= runs; run++)); do
    pg -c "TRUNCATE responses_staging" -c "CHECKPOINT"
    t0=$(now)
    pg -c "\\copy responses_staging FROM '$data' CSV HEADER"
    t1=$(now)
    baseline+=("$(echo "$t1 - $t0" | bc -l)")

    pg -c "TRUNCATE responses, frames, batch_scope, batch_content, batches" -c "CHECKPOINT"
    t0=$(now)
    "$bin" --quiet load responses "$data"
    t1=$(now)
    ours+=("$(echo "$t1 - $t0" | bc -l)")
    loaded=$(pg -At -c "SELECT count(*) FROM responses WHERE active")
    if [ "$loaded" != "$rows" ]; then
        echo "ingest.sh: run $run loaded $loaded rows, not $rows" >&2
        exit 1
    fi
done

b=$(median "${baseline[@]}")
o=$(median "${ours[@]}")
printf '%-32s %10s %9s %12s %7s\n' method rows seconds rows/s ratio
printf '%-32s %10d %9.3f %12.0f %7s\n' 'psql \copy (unconstrained)' "$rows" "$b" \
    "$(echo "$rows / $b" | bc -l)" 1.00
printf '%-32s %10d %9.3f %12.0f %7.2f\n' 'prevalence load responses' "$rows" "$o" \
    "$(echo "$rows / $o" | bc -l)" "$(echo "$b / $o" | bc -l)"
echo "(medians of $runs runs; each run: baseline, then load, into emptied tables)"
echo "baseline runs: ${baseline[*]}"
echo "load runs:     ${ours[*]}"

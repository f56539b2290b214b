#!/bin/bash
# Which COPY path could beat the baseline of bench/ingest.sh (issue #21)?
#
#   bench/ingest_paths.sh [ROWS] [RUNS]      (default 1000000 and 5)
#   bench/ingest_paths.sh --help
#
# On one throw-away embedded cluster, a responses file as a county sends it
# (the awk generator of bench/ingest.sh), timed alternately in each run
# (medians), once with the cluster's default settings (wal_level replica,
# as a shared server has) and once with wal_level = minimal and
# max_wal_senders = 0 (ALTER SYSTEM, restart):
#   copy:    psql \copy into an existing unconstrained table (the baseline)
#   new+freeze: BEGIN; CREATE TABLE (the same columns); \copy ... FREEZE;
#            COMMIT: a table created and filled in one transaction, which is
#            what a table (or partition) per batch would let the loader do
#   load:    prevalence load responses (every check, batch_sums included)
# and the WAL each wrote (pg_current_wal_lsn before and after). Results go
# in docs/performance.md, "Faster ingest: what was tried".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"
rows=${1:-1000000}
runs=${2:-5}
if [ -n "${PREVALENCE_BIN:-}" ]; then bin=$PREVALENCE_BIN; else bench_build; fi
bench_cluster ""
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
cols="survey_year integer, county text, respondent_id text, role text, caseload integer,
      confirmed integer, suspected integer"

lsn() { pg -At -c "SELECT pg_current_wal_lsn()"; }
wal_mb() { pg -At -c "SELECT round(pg_wal_lsn_diff('$2', '$1') / 1e6, 1)"; }
timed() { # timed LOG CMD...: wall seconds and WAL MB of CMD appended to LOG
    local log=$1 t0 t1 l0 l1; shift
    l0=$(lsn); t0=$(now)
    "$@" >/dev/null
    t1=$(now); l1=$(lsn)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(wal_mb "$l0" "$l1")" >>"$log"
}
copy_existing() { pg -c "\\copy staging FROM '$data' CSV HEADER"; }
copy_new_freeze() {
    pg -c "BEGIN" -c "CREATE TABLE staging_new ($cols)" \
       -c "\\copy staging_new FROM '$data' WITH (FORMAT csv, HEADER, FREEZE)" -c "COMMIT"
}
load() { "$bin" --quiet load responses "$data"; }

round() { # round NAME: RUNS alternating runs of the three paths
    local name=$1
    pg -At -c "SELECT 'wal_level ' || current_setting('wal_level') || ', max_wal_senders '
                      || current_setting('max_wal_senders')" >"$BENCH_DIR/$name-settings"
    pg -c "CREATE TABLE IF NOT EXISTS staging ($cols)" 2>/dev/null
    for ((run = 1; run <= runs; run++)); do
        pg -c "TRUNCATE staging" -c "DROP TABLE IF EXISTS staging_new" -c "CHECKPOINT"
        timed "$BENCH_DIR/$name-copy" copy_existing
        pg -c "CHECKPOINT"
        timed "$BENCH_DIR/$name-freeze" copy_new_freeze
        pg -c "TRUNCATE responses, frames, batch_scope, batch_content, batches" -c "CHECKPOINT"
        timed "$BENCH_DIR/$name-load" load
    done
}
report() { # report NAME TITLE
    local c f l
    c=$(awk '{ print $1 }' "$BENCH_DIR/$1-copy" | median)
    printf '%s (%s)\n' "$2" "$(cat "$BENCH_DIR/$1-settings")"
    for p in copy freeze load; do
        l=$(awk '{ print $1 }' "$BENCH_DIR/$1-$p" | median)
        f=$(awk '{ print $2 }' "$BENCH_DIR/$1-$p" | median)
        printf '  %-8s %8.3f s  %8s MB WAL  copy/this %.2f   runs: %s\n' "$p" "$l" "$f" \
            "$(awk -v a="$c" -v b="$l" 'BEGIN { print a / b }')" \
            "$(awk '{ printf "%s ", $1 }' "$BENCH_DIR/$1-$p")"
    done
}

round default
report default "default settings"
pg -c "ALTER SYSTEM SET wal_level = minimal" -c "ALTER SYSTEM SET max_wal_senders = 0"
"$bin" --quiet db stop && "$bin" --quiet db start
round minimal
report default "default settings"
report minimal "embedded, no replicas"

#!/bin/bash
# Would a narrower stored row make COPY faster? (issue #21)
#
#   bench/row_width.sh [ROWS] [RUNS]      (default 1000000 and 5)
#   bench/row_width.sh --help
#
# On one throw-away embedded cluster, the rows the loader sends (batch_id,
# survey_year, fips, respondent_id, role, caseload, confirmed, suspected) are
# COPYed, alternately in each run (medians), into
#   wide:   a table with responses' column types and its CHECK
#           (bigint, integer, text FIPS, text role, integers, boolean active)
#   narrow: the same facts in smaller types (integer batch, smallint year,
#           smallint county code, "char" role, smallint counts) and the same
#           CHECK
# with no trigger on either, and prints time, heap size and WAL. Results go
# in docs/performance.md, "Faster ingest: what was tried".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"
rows=${1:-1000000}
runs=${2:-5}
if [ -n "${PREVALENCE_BIN:-}" ]; then bin=$PREVALENCE_BIN; else bench_build; fi
bench_cluster ""
awk -v n="$rows" -v w="$BENCH_DIR/wide.txt" -v s="$BENCH_DIR/narrow.txt" 'BEGIN {
    srand(20250101);
    for (i = 1; i <= n; i++) {
        k = 1 + int(rand() * 15); fips = sprintf("04%03d", 2 * k - 1);
        r = rand(); role = r < 0.90 ? "probation_officer" : (r < 0.97 ? "supervisor" : "other");
        load = 5 + int(rand() * 56); conf = int(rand() * 3); susp = int(rand() * 3);
        printf "1\t2025\t%s\tR%07d\t%s\t%d\t%d\t%d\n", fips, i, role, load, conf, susp > w;
        printf "1\t2025\t%d\tR%07d\t%s\t%d\t%d\t%d\n", 2 * k - 1, i, substr(role, 1, 1), load, conf, susp > s;
    }
}'
pg -c "CREATE TABLE wide (batch_id bigint NOT NULL, survey_year integer NOT NULL,
         fips text NOT NULL, respondent_id text NOT NULL, role text NOT NULL,
         caseload integer NOT NULL, confirmed integer NOT NULL, suspected integer NOT NULL,
         active boolean NOT NULL DEFAULT true,
         CHECK (survey_year BETWEEN 2000 AND 2100 AND caseload BETWEEN 0 AND 1000
                AND confirmed >= 0 AND suspected >= 0 AND confirmed + suspected <= caseload))" \
   -c "CREATE TABLE narrow (batch_id integer NOT NULL, survey_year smallint NOT NULL,
         county smallint NOT NULL, respondent_id text NOT NULL, role \"char\" NOT NULL,
         caseload smallint NOT NULL, confirmed smallint NOT NULL, suspected smallint NOT NULL,
         active boolean NOT NULL DEFAULT true,
         CHECK (survey_year BETWEEN 2000 AND 2100 AND caseload BETWEEN 0 AND 1000
                AND confirmed >= 0 AND suspected >= 0 AND confirmed + suspected <= caseload))"
cols="(batch_id, survey_year, %s, respondent_id, role, caseload, confirmed, suspected)"
for ((run = 1; run <= runs; run++)); do
    for t in wide narrow; do
        pg -c "TRUNCATE $t" -c "CHECKPOINT"
        c=fips; [ $t = narrow ] && c=county
        l0=$(pg -At -c "SELECT pg_current_wal_lsn()"); t0=$(now)
        pg -c "\\copy $t $(printf "$cols" $c) FROM '$BENCH_DIR/$t.txt'"
        t1=$(now); l1=$(pg -At -c "SELECT pg_current_wal_lsn()")
        echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
             "$(pg -At -c "SELECT round(pg_wal_lsn_diff('$l1', '$l0') / 1e6, 1)")" >>"$BENCH_DIR/$t.log"
    done
done
for t in wide narrow; do
    printf '%-7s %7.3f s  %6s MB WAL  heap %s   runs: %s\n' "$t" \
        "$(awk '{ print $1 }' "$BENCH_DIR/$t.log" | median)" \
        "$(awk '{ print $2 }' "$BENCH_DIR/$t.log" | median)" \
        "$(pg -At -c "SELECT pg_size_pretty(pg_relation_size('$t'))")" \
        "$(awk '{ printf "%s ", $1 }' "$BENCH_DIR/$t.log")"
done

#!/bin/bash
# Concurrency benchmark: 8 `prevalence load` processes on 8 different county
# files of one survey year, and 4 `prevalence estimate` runs of another
# year, all at once against one embedded cluster.
#
#   bench/concurrent.sh [ROWS]     (default 2000000 respondent rows in the year;
#                                   the 8 files hold their counties' share)
#
# Environment: PREVALENCE_BIN (default build/cli/prevalence), RUNS (default 3).
# Prints, per run, the wall time of the whole batch of 12 processes and of
# the same 8 loads one after the other, and checks that every process
# succeeded and that the rows in the database are the sum of the files'.
# tests/db/test_concurrency_db.c checks the same things at a small scale
# (correctness only). Results go in docs/performance.md ("Concurrency").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rows=${1:-2000000}
runs=${RUNS:-3}
bin=${PREVALENCE_BIN:-$root/build/cli/prevalence}
counties=(maricopa pima pinal yavapai mohave yuma coconino cochise)
year=2040

[ -x "$bin" ] || { echo "bench: build first (ninja -C build), or set PREVALENCE_BIN" >&2; exit 66; }
work=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-bench.XXXXXX")
chmod 755 "$work"
export PREVALENCE_HOME=$work/home
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL
cleanup() {
    "$bin" -q db stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }

"$bin" -q synth --seed 8 --out "$work/data" --year "$year" --scale "$rows"
files=()
expected=0
for c in "${counties[@]}"; do
    f="$work/data/$year/responses-$c.csv"
    files+=("$f")
    expected=$((expected + $(wc -l <"$f") - 1))
done
"$bin" -q load responses "$root"/sample-data/2025/responses-*.csv
"$bin" -q load frame "$root/sample-data/2025/frame.csv"
"$bin" estimate --year 2025 --format csv >"$work/baseline.csv"
echo "bench: $expected rows in ${#files[@]} files ($(du -ch "${files[@]}" | tail -1 | cut -f1)), $(nproc) cores"

reset_year() {
    "$bin" db psql -q -c "BEGIN; DELETE FROM batch_scope WHERE survey_year = $year;
        DELETE FROM responses WHERE survey_year = $year;
        DELETE FROM batches b WHERE NOT EXISTS (SELECT 1 FROM batch_scope s WHERE s.batch_id = b.batch_id)
          AND NOT EXISTS (SELECT 1 FROM frames f WHERE f.batch_id = b.batch_id); COMMIT;" >/dev/null
}

check() {
    local got
    got=$("$bin" db psql -At -c "SELECT count(*) FROM responses WHERE survey_year = $year AND active")
    [ "$got" -eq "$expected" ] || { echo "bench: $got rows loaded, want $expected" >&2; exit 1; }
}

for run in $(seq "$runs"); do
    reset_year
    pids=()
    t0=$(now)
    for i in "${!files[@]}"; do
        "$bin" -q load responses "${files[$i]}" >"$work/load$i.out" 2>&1 & pids+=($!)
    done
    for i in 1 2 3 4; do
        "$bin" estimate --year 2025 --format csv >"$work/est$i.csv" 2>"$work/est$i.err" & pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p" || { echo "bench: a process failed:" >&2; cat "$work"/load*.out "$work"/est*.err >&2; exit 1; }
    done
    t1=$(now)
    check
    for i in 1 2 3 4; do cmp -s "$work/baseline.csv" "$work/est$i.csv" || { echo "bench: estimate $i differs" >&2; exit 1; }; done

    reset_year
    t2=$(now)
    for f in "${files[@]}"; do "$bin" -q load responses "$f"; done
    t3=$(now)
    check
    awk -v r="$run" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
        printf "run %d: 8 loads + 4 estimates concurrently %.2f s; the 8 loads one after the other %.2f s\n", r, b - a, d - c }'
done

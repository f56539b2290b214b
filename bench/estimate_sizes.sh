#!/bin/bash
# `prevalence estimate` and `report` time against the number of respondents,
# all sizes in one database (issue #21).
#
#   bench/estimate_sizes.sh              (sizes 10^4 10^5 10^6 10^7)
#   bench/estimate_sizes.sh --help
#
# Environment: SIZES (respondents per survey year, default
# "10000 100000 1000000 10000000"), RUNS (default 7), PREVALENCE_BIN
# (default: a release build in build-bench/).
#
# One throw-away embedded cluster holds every size at once, one survey year
# each (2021 the smallest, then 2022, ...), loaded with psql \copy straight
# into responses (one batch per year; the database writes batch_sums from
# the rows, sql/008_batch_sums.sql). For each year it times, as whole
# processes (median of RUNS after one warm-up):
#   prevalence estimate --year Y --measure all --format csv   (the sums)
#   psql -c "<the estimate query of before 008, over the rows>"
# and, at the largest year, `prevalence report --year Y` (with its trend over
# every earlier year). The estimate output is checked to equal the one
# computed from the rows (prevalence_batch_sums_refresh then a second
# estimate). Results go in docs/performance.md, "Estimates from the sums".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"
sizes=${SIZES:-"10000 100000 1000000 10000000"}
runs=${RUNS:-7}
if [ -n "${PREVALENCE_BIN:-}" ]; then bin=$PREVALENCE_BIN; else bench_build; fi
bench_cluster ""
work=$BENCH_DIR

# The query `estimate` ran before 008: one GROUP BY over the year's rows.
rows_sql="WITH r AS (SELECT fips, count(*) AS n, sum(caseload) AS sx,
  sum(caseload * caseload) AS sxx, sum(confirmed) AS c, sum(confirmed * confirmed) AS cc,
  sum(confirmed * caseload) AS cx, sum(confirmed + suspected) AS a,
  sum((confirmed + suspected) * (confirmed + suspected)) AS aa,
  sum((confirmed + suspected) * caseload) AS ax, count(*) FILTER (WHERE confirmed > 0) AS o
  FROM responses WHERE active AND survey_year = YEAR GROUP BY fips)
SELECT k.fips, f.officers_total, r.* FROM counties k
  LEFT JOIN frames f ON f.fips = k.fips AND f.active AND f.survey_year = YEAR
  LEFT JOIN r ON r.fips = k.fips ORDER BY k.fips"

year=2020
batch=0
for n in $sizes; do
    year=$((year + 1))
    echo "bench: $n respondents for $year" >&2
    mkdir -p "$work/$year"
    /usr/bin/python3 "$here/make_respondents.py" "$n" "$work/$year" "$year"
    rb=$((batch + 1)); fb=$((batch + 2)); batch=$fb
    sed "s/\$/,$rb/" "$work/$year/responses.csv" >"$work/$year/r.csv"
    sed "s/\$/,$fb/" "$work/$year/frame.csv" >"$work/$year/f.csv"
    rm "$work/$year/responses.csv"
    t0=$(now)
    (cd "$work/$year" && "$bin" db psql -q -v ON_ERROR_STOP=1 \
        -c "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES ('responses', repeat('$((rb % 10))', 63) || 'a', 'r$year.csv', $n, 'bench'), ('frame', repeat('$((fb % 10))', 63) || 'b', 'f$year.csv', 15, 'bench')" \
        -c "\\copy responses (survey_year, fips, respondent_id, role, caseload, confirmed, suspected, batch_id) FROM 'r.csv' WITH (FORMAT csv)" \
        -c "\\copy frames (survey_year, fips, officers_total, youth_total, batch_id) FROM 'f.csv' WITH (FORMAT csv)" >/dev/null)
    echo "bench:   loaded in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s" >&2
    rm "$work/$year/r.csv"
done
"$bin" db psql -q -c "VACUUM ANALYZE" >/dev/null
total=$("$bin" db psql -At -c "SELECT count(*) FROM responses")
sums_rows=$("$bin" db psql -At -c "SELECT count(*) FROM batch_sums")

time_runs() { # time_runs FILE CMD... : RUNS wall times of CMD into FILE, after a
    # warm-up that must succeed; the median into FILE.median
    local file=$1; shift
    "$@" >/dev/null 2>"$file.err" || { echo "bench: failed: $*" >&2; cat "$file.err" >&2; exit 1; }
    : >"$file"
    TIMEFORMAT='%R'
    for _ in $(seq "$runs"); do
        { time "$@" >/dev/null 2>&1; } 2>>"$file"
    done
    median <"$file" >"$file.median"
}

printf '\n%d respondents in all, %d batch_sums rows; median of %d runs, seconds\n' \
    "$total" "$sums_rows" "$runs"
printf '%-12s %-6s %14s %18s %10s\n' respondents year "estimate (sums)" "row query (psql)" ratio
year=2020
for n in $sizes; do
    year=$((year + 1))
    time_runs "$work/e$year" "$bin" -q estimate --year $year --measure all --format csv
    time_runs "$work/q$year" psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "${rows_sql//YEAR/$year}"
    e=$(cat "$work/e$year.median") q=$(cat "$work/q$year.median")
    printf '%-12s %-6s %14.3f %18.3f %10.1f\n' "$n" "$year" "$e" "$q" \
        "$(awk -v a="$q" -v b="$e" 'BEGIN { print a / b }')"
done

# The largest year: report (estimate, officer measure, trend over every
# year) and the equality of the sums' estimate with the rows'.
time_runs "$work/t_report" sh -c 'rm -rf "$1"; exec "$2" -q report --year "$3" --out "$1"' sh \
    "$work/report" "$bin" "$year"
r=$(cat "$work/t_report.median")
printf 'report --year %s (%s respondents, trend over %s years): %.3f s\n' \
    "$year" "$n" "$((year - 2020))" "$r"
"$bin" -q estimate --year $year --measure all --format csv >"$work/before.csv"
"$bin" db psql -q -c "SELECT prevalence_batch_sums_refresh(batch_id) FROM batches" >/dev/null
"$bin" -q estimate --year $year --measure all --format csv >"$work/after.csv"
cmp -s "$work/before.csv" "$work/after.csv" \
    || { echo "bench: the estimate from the stored sums differs from the rows'" >&2; exit 1; }
echo "estimate from the stored sums equals the one from sums recomputed from the rows"

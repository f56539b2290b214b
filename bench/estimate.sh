#!/bin/bash
# Benchmark of `prevalence estimate` against R survey's svyby(svyratio).
#
#   bench/estimate.sh [ROWS]            (default 1000000 respondent rows)
#   bench/estimate.sh --help
#
# Environment: PREVALENCE_BIN (default build/cli/prevalence), RUNS (runs of
# prevalence, default 7), R_RUNS (runs of R, default 3).
#
# Generates ROWS synthetic respondents (bench/make_respondents.py), loads
# them with psql \copy straight into the responses table (one batch row) of
# a throw-away embedded cluster, then times
#   prevalence estimate --measure all   (every county and the state, 3 measures)
#   R: svydesign + svyby(svyratio) for the same 3 measures + the state
# and prints the medians, the wall-time ratio and the largest difference of
# estimates and standard errors. Results go in docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"
root=$(dirname "$here")
rows=${1:-1000000}
runs=${RUNS:-7}
r_runs=${R_RUNS:-3}
bin=${PREVALENCE_BIN:-$root/build/cli/prevalence}
year=2025

[ -x "$bin" ] || { echo "bench: build first (ninja -C build), or set PREVALENCE_BIN" >&2; exit 66; }
bench_cluster ""
work=$BENCH_DIR

echo "bench: generating $rows respondent rows" >&2
/usr/bin/python3 "$here/make_respondents.py" "$rows" "$work" "$year"
sed 's/$/,1/' "$work/responses.csv" >"$work/responses_batch.csv"
sed 's/$/,2/' "$work/frame.csv" >"$work/frame_batch.csv"

echo "bench: loading into the embedded cluster" >&2
(cd "$work" && "$bin" db psql -q -v ON_ERROR_STOP=1 \
    -c "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES ('responses', repeat('a', 64), 'bench.csv', $rows, 'bench'), ('frame', repeat('b', 64), 'frame.csv', 15, 'bench')" \
    -c "\\copy responses (survey_year, fips, respondent_id, role, caseload, confirmed, suspected, batch_id) FROM 'responses_batch.csv' WITH (FORMAT csv)" \
    -c "\\copy frames (survey_year, fips, officers_total, youth_total, batch_id) FROM 'frame_batch.csv' WITH (FORMAT csv)" \
    -c "VACUUM ANALYZE responses" >/dev/null)

echo "bench: prevalence estimate x $runs (after one warm-up run)" >&2
"$bin" -q estimate --year $year --measure all --format csv >/dev/null
TIMEFORMAT='%R %U %S'
: >"$work/prev_times"
for _ in $(seq "$runs"); do
    { time "$bin" -q estimate --year $year --measure all --format csv >"$work/prev.csv"; } \
        2>>"$work/prev_times"
done

echo "bench: R svyby(svyratio) x $r_runs" >&2
Rscript "$here/estimate_svyby.R" "$work/responses.csv" "$work/frame.csv" "$r_runs" \
    "$work/r.csv" >"$work/r_times"

prev_wall=$(awk '{ print $1 }' "$work/prev_times" | median)
prev_cpu=$(awk '{ print $2 + $3 }' "$work/prev_times" | median)
r_wall=$(median <"$work/r_times")

# Agreement: every county and state row, three measures.
read -r nrows max_est max_se max_rel_se < <(bench_compare_r "$work/r.csv" "$work/prev.csv")

printf '\n%-44s %12s\n' "rows (respondents)" "$rows"
printf '%-44s %12.3f\n' "prevalence estimate, wall s (median of $runs)" "$prev_wall"
printf '%-44s %12.3f\n' "prevalence estimate, client CPU s (median)" "$prev_cpu"
printf '%-44s %12.3f\n' "R svyby(svyratio), elapsed s (median of $r_runs)" "$r_wall"
printf '%-44s %12.1f\n' "wall-time ratio R / prevalence" "$(awk -v a="$r_wall" -v b="$prev_wall" 'BEGIN { print a / b }')"
printf '%-44s %12s\n' "rows compared (counties + state, 3 measures)" "$nrows"
printf '%-44s %12s\n' "max |estimate difference|" "$max_est"
printf '%-44s %12s\n' "max |se difference|" "$max_se"
printf '%-44s %12s\n' "max relative se difference" "$max_rel_se"

ok=$(awk -v e="$max_est" -v s="$max_rel_se" -v n="$nrows" 'BEGIN { print (n == 48 && e <= 1e-9 && s <= 1e-9) ? 1 : 0 }')
if [ "$ok" != 1 ]; then
    echo "bench: prevalence and R disagree (or rows are missing)" >&2
    exit 1
fi

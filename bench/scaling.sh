#!/bin/bash
# Scaling benchmark: how `prevalence load responses` and `prevalence
# estimate` grow from 10^4 to 10^7 respondent rows. Not a test: timings
# depend on the machine; docs/performance.md ("Scaling") records a run.
#
#   bench/scaling.sh [ROWS...]      (default 10000 100000 1000000 10000000)
#   bench/scaling.sh --help
#
# For each ROWS (10000 to 10000000, synth's --scale range) it writes the data
# with `prevalence synth --seed S --year 2025 --scale ROWS --single-file`
# (responses.csv and its frame.csv), then on a throw-away embedded cluster
# times, into emptied tables after a CHECKPOINT, alternately in each run:
#   psql \copy of the file into an unconstrained staging table (reference);
#   prevalence load responses (as in bench/ingest.sh);
# then inserts the frame with SQL (from about 1.2 x 10^5 rows synth's
# officers_total exceeds the codebook's 100000, which `load frame` refuses)
# and, after VACUUM ANALYZE and one warm-up run, times
#   prevalence estimate --year 2025 --measure all --format csv;
# and, up to R_MAX_ROWS rows, R svydesign + svyby(svyratio)
# (bench/estimate_svyby.R) on the same loaded rows, checking that every
# estimate and standard error agrees. Wall seconds, client CPU (user + sys)
# and peak resident memory (/usr/bin/time -f %M, from Debian's `time`) are
# medians over the runs. Each size's files are deleted before the next
# (10^7 rows are 0.5 GB of CSV). Prints the machine, the load average, two
# markdown tables and every run's figures.
#
# Environment: RUNS (runs per size, default 5), RUNS_LARGE (runs from 10^7
# rows on, default 3), R_MAX_ROWS (largest size given to R, default 100000;
# 0 for none), R_RUNS (default 3), SEED (default 4242), BUILD (build folder,
# default build-bench, release), BENCH_DIR (scratch folder, default a
# temporary one under $TMPDIR or /tmp, removed afterwards),
# PREVALENCE_PG_BINDIR as for prevalence itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_args "$@"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000 10000000)
for rows in "${sizes[@]}"; do
    if ! [[ $rows =~ ^[0-9]+$ ]] || [ "$rows" -lt 10000 ] || [ "$rows" -gt 10000000 ]; then
        echo "scaling.sh: '$rows' is not a row count from 10000 to 10000000; try 'bench/scaling.sh --help'" >&2
        exit 64
    fi
done
runs=${RUNS:-5}
runs_large=${RUNS_LARGE:-3}
r_max=${R_MAX_ROWS:-100000}
r_runs=${R_RUNS:-3}
seed=${SEED:-4242}
year=2025
[ -x /usr/bin/time ] || { echo "scaling.sh: /usr/bin/time is missing: apt-get install time (scripts/install-deps.sh)" >&2; exit 69; }

bench_build
bench_cluster "${BENCH_DIR:-}"
scratch=$BENCH_DIR/scratch
mkdir -p "$scratch"
chmod 0755 "$scratch"

pg -c "CREATE TABLE IF NOT EXISTS responses_staging (survey_year integer, county text,
        respondent_id text, role text, caseload integer, confirmed integer, suspected integer)"

# Runs "$@" with stdout to $scratch/out and appends "wall user sys maxrss_kb"
# to the file $1. bash's `time` gives milliseconds (GNU time only
# centiseconds, too coarse for 10^4 rows); its CPU includes /usr/bin/time's
# own, well under a millisecond. %M is the peak RSS of the command itself.
measure() {
    local log=$1 TIMEFORMAT='%3R %3U %3S'
    shift
    if ! { time /usr/bin/time -f %M -o "$scratch/rss" "$@" >"$scratch/out" 2>"$scratch/err"; } \
            2>"$scratch/time"; then
        cat "$scratch/err" >&2
        echo "scaling.sh: failed: $*" >&2
        exit 1
    fi
    echo "$(cat "$scratch/time") $(tail -n 1 "$scratch/rss")" >>"$log"
}
col() { awk -v c="$1" '{ print $c }' "$2" | median; }
cpu() { awk '{ print $2 + $3 }' "$1" | median; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)," \
    "PostgreSQL $(pg -At -c 'SHOW server_version')"
echo "load average at start: $(loadavg)"

ingest_rows=() estimate_rows=()
for rows in "${sizes[@]}"; do
    n=$runs
    [ "$rows" -lt 10000000 ] || n=$runs_large
    data=$BENCH_DIR/data-$rows
    resp=$data/$year/responses.csv
    frame=$data/$year/frame.csv
    echo "scaling: $rows rows: synth" >&2
    "$bin" --quiet synth --seed "$seed" --year "$year" --scale "$rows" --single-file --out "$data"
    mb=$(calc %.1f "$(stat -c %s "$resp") / 1e6")
    la=$(loadavg)

    for ((run = 1; run <= n; run++)); do
        echo "scaling: $rows rows: load run $run of $n" >&2
        pg -c "TRUNCATE responses_staging" -c "CHECKPOINT"
        measure "$scratch/copy-$rows.log" psql -X -q -v ON_ERROR_STOP=1 "$uri" \
            -c "\\copy responses_staging FROM '$resp' CSV HEADER"
        pg -c "TRUNCATE responses, frames, batch_scope, batch_content, batches" -c "CHECKPOINT"
        measure "$scratch/load-$rows.log" "$bin" --quiet load responses "$resp"
        loaded=$(pg -At -c "SELECT count(*) FROM responses WHERE active")
        if [ "$loaded" != "$rows" ]; then
            echo "scaling.sh: run $run loaded $loaded rows, not $rows" >&2
            exit 1
        fi
    done
    # Scaled frames break the codebook's bounds (officers_total at most
    # 100000: Maricopa has 0.85 officers per row), so the frame goes in as
    # bench/estimate.sh puts it, by SQL, county names turned into FIPS codes.
    pg -c "CREATE TEMP TABLE frame_in (survey_year integer, county text,
                                       officers_total integer, youth_total integer)" \
       -c "\\copy frame_in FROM '$frame' CSV HEADER" \
       -c "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version)
           VALUES ('frame', repeat('b', 64), 'frame.csv', 15, 'bench')" \
       -c "INSERT INTO frames (batch_id, survey_year, fips, officers_total, youth_total)
           SELECT (SELECT max(batch_id) FROM batches), f.survey_year, c.fips,
                  f.officers_total, f.youth_total
             FROM frame_in f JOIN counties c ON c.name = f.county"
    if [ "$(pg -At -c "SELECT count(*) FROM frames WHERE active")" != 15 ]; then
        echo "scaling.sh: the frame of $frame did not give 15 counties" >&2
        exit 1
    fi
    pg -c "TRUNCATE responses_staging" -c "VACUUM ANALYZE responses"

    echo "scaling: $rows rows: estimate x $n (after one warm-up run)" >&2
    "$bin" --quiet estimate --year "$year" --measure all --format csv >/dev/null
    for ((run = 1; run <= n; run++)); do
        measure "$scratch/estimate-$rows.log" "$bin" --quiet estimate --year "$year" --measure all --format csv
    done
    cp "$scratch/out" "$scratch/prev.csv"
    if [ "$(wc -l <"$scratch/prev.csv")" != 49 ]; then
        echo "scaling.sh: estimate printed $(wc -l <"$scratch/prev.csv") lines, not a header and 48 rows" >&2
        exit 1
    fi

    r_wall="" r_ratio="" r_agree=""
    if [ "$rows" -le "$r_max" ]; then
        echo "scaling: $rows rows: R svyby(svyratio) x $r_runs" >&2
        pg -c "\\copy (SELECT survey_year, fips, respondent_id, role, caseload, confirmed, suspected
                      FROM responses WHERE active) TO '$scratch/r_responses.csv' CSV" \
           -c "\\copy (SELECT survey_year, fips, officers_total, youth_total
                      FROM frames WHERE active ORDER BY fips) TO '$scratch/r_frame.csv' CSV"
        Rscript "$here/estimate_svyby.R" "$scratch/r_responses.csv" "$scratch/r_frame.csv" \
            "$r_runs" "$scratch/r.csv" >"$scratch/r_times"
        read -r nr max_est max_se max_rel_se < <(bench_compare_r "$scratch/r.csv" "$scratch/prev.csv")
        ok=$(awk -v e="$max_est" -v s="$max_rel_se" -v n="$nr" 'BEGIN { print (n == 48 && e <= 1e-9 && s <= 1e-9) ? 1 : 0 }')
        if [ "$ok" != 1 ]; then
            echo "scaling.sh: prevalence and R disagree at $rows rows (or rows are missing)" >&2
            exit 1
        fi
        r_wall=$(median <"$scratch/r_times")
        r_ratio=$(calc %.0f "$r_wall / $(col 1 "$scratch/estimate-$rows.log")")
        r_agree="$max_rel_se"
        rm -f "$scratch"/r_*.csv "$scratch/r.csv"
    fi

    c=$(col 1 "$scratch/copy-$rows.log")
    l=$(col 1 "$scratch/load-$rows.log")
    e=$(col 1 "$scratch/estimate-$rows.log")
    ingest_rows+=("$(printf '| %s | %s | %d | %.3f | %.3f | %s | %.2f | %.2f | %.3f | %.1f | %s |' \
        "$rows" "$mb" "$n" "$c" "$l" "$(calc %.0f "$rows / $l")" \
        "$(calc %.4f "$l * 1e6 / $rows")" "$(calc %.4f "$c / $l")" \
        "$(cpu "$scratch/load-$rows.log")" "$(calc %.4f "$(col 4 "$scratch/load-$rows.log") / 1024")" "$la")")
    estimate_rows+=("$(printf '| %s | %d | %.3f | %.3f | %.3f | %.1f | %s | %s | %s |' \
        "$rows" "$n" "$e" "$(calc %.4f "$e * 1e6 / $rows")" "$(cpu "$scratch/estimate-$rows.log")" \
        "$(calc %.4f "$(col 4 "$scratch/estimate-$rows.log") / 1024")" \
        "${r_wall:-}" "${r_ratio:-}" "${r_agree:-}")")

    pg -c "TRUNCATE responses, frames, batch_scope, batch_content, batches" -c "CHECKPOINT"
    rm -rf "$data"
done

echo "load average at end: $(loadavg)"
echo
echo "Ingest (medians; each run: psql \\copy, then load, into emptied tables)"
echo
echo "| rows | CSV MB | runs | psql \\copy s | load s | load rows/s | load µs/row | \\copy s / load s | load CPU s | load peak MiB | load average (1, 5, 15 min) |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
printf '%s\n' "${ingest_rows[@]}"
echo
if [ "$r_max" -gt 0 ]; then r_note="R up to $r_max rows, medians of $r_runs"; else r_note="no R"; fi
echo "Estimation (medians after a warm-up run; $r_note)"
echo
echo "| rows | runs | estimate s | µs/row | client CPU s | peak MiB | R svyby s | R / estimate | max rel. se diff |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
printf '%s\n' "${estimate_rows[@]}"
echo
echo "Every run: wall s, user s, sys s, peak KiB"
for rows in "${sizes[@]}"; do
    for kind in copy load estimate; do
        printf '%-8s %8s rows:' "$kind" "$rows"
        awk '{ printf "  %s/%s/%s/%s", $1, $2, $3, $4 }' "$scratch/$kind-$rows.log"
        echo
    done
done

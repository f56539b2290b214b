#!/bin/bash
# Shell functions shared by the benchmark scripts bench/ingest.sh,
# bench/estimate.sh and bench/scaling.sh; they source it:
#   . "$(dirname "$0")/lib.sh"
# It is not a benchmark itself: run, it only prints this (--help).
#
# bench_args "$@"       --help prints the script's opening comment (exit 0);
#                       any other option is a usage error (exit 64)
# bench_build           release build of prevalence in $BUILD (default
#                       build-bench/); sets bin
# bench_cluster DIR     throw-away embedded cluster under DIR (a new temporary
#                       folder, removed at exit, when DIR is empty); sets
#                       BENCH_DIR, uri and pg (psql on it); needs bin
# median [X...]         median of the arguments, or of stdin's lines
# now                   seconds since the epoch, with nanoseconds
# bench_compare_r R.csv PREV.csv
#                       agreement of estimate_svyby.R's output with
#                       `prevalence estimate --measure all --format csv`:
#                       prints "rows max|est diff| max|se diff| max rel se diff"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Run rather than sourced: only the usage.
    case "${1:-}" in
    -h|--help)
        awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
        exit 0 ;;
    *)
        echo "lib.sh: functions for bench/*.sh, to be sourced, not run; try 'bench/lib.sh --help'" >&2
        exit 64 ;;
    esac
fi

bench_args() {
    local name
    name=$(basename "$0")
    for a in "$@"; do
        case "$a" in
        -h|--help)
            awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
            exit 0 ;;
        -*)
            echo "$name: unknown option '$a'; try 'bench/$name --help'" >&2
            exit 64 ;;
        esac
    done
}

bench_build() {
    local src
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    BUILD=${BUILD:-$src/build-bench}
    if [ ! -f "$BUILD/build.ninja" ]; then
        meson setup "$BUILD" "$src" --buildtype=release -Dtests=disabled >/dev/null
    fi
    ninja -C "$BUILD" -j2 cli/prevalence >/dev/null
    bin=$BUILD/cli/prevalence
}

# The cluster lives in BENCH_DIR/home and is stopped at exit, so nothing
# outlives the benchmark; the connection variables a user may have set are
# cleared so that every command goes to this cluster, not theirs.
bench_cluster() {
    BENCH_DIR=$1
    bench_own_dir=false
    if [ -z "$BENCH_DIR" ]; then
        BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-bench.XXXXXX")
        bench_own_dir=true
    fi
    # The embedded cluster runs as another user when we are root.
    chmod 0755 "$BENCH_DIR"
    export PREVALENCE_HOME=$BENCH_DIR/home
    unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL
    trap bench_cleanup EXIT
    "$bin" --quiet init
    uri=$("$bin" db url)
}

bench_cleanup() {
    "$bin" --quiet db stop >/dev/null 2>&1 || true
    if $bench_own_dir; then rm -rf "$BENCH_DIR"; fi
}

pg() { psql -X -q -v ON_ERROR_STOP=1 "$uri" "$@"; }

median() {
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi |
        sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

now() { date +%s.%N; }

# Every county and state row of the three measures: R's fips,measure,
# estimate,se against prevalence's csv (fips in column 3, measure in 4,
# estimate in 11, se in 12).
bench_compare_r() {
    awk -F, '
        FNR == 1 { next }
        FILENAME == ARGV[1] { est[$1 "," $2] = $3; se[$1 "," $2] = $4; next }
        $11 != "" { k = $3 "," $4
            if (!(k in est)) { print "missing R row " k > "/dev/stderr"; exit 1 }
            d = $11 - est[k]; if (d < 0) d = -d; if (d > me) me = d
            d = $12 - se[k]; if (d < 0) d = -d; if (d > ms) ms = d
            if (se[k] > 0 && d / se[k] > mr) mr = d / se[k]
            n++ }
        END { printf "%d %.3g %.3g %.3g\n", n, me, ms, mr }' "$1" "$2"
}

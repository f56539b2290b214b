#!/bin/bash
# Run one libFuzzer target for a while:   fuzz/run.sh TARGET SECONDS [BUILD_DIR]
# TARGET is fuzz_scan, fuzz_csv, fuzz_firewall or fuzz_xlsx. Builds BUILD_DIR
# (default build-fuzz, clang, -Dfuzz=true) when missing, seeds the corpus
# from sample-data/ and sample-data/bad/, and runs one process (one job:
# the machine is shared). New inputs go to BUILD_DIR/corpus/TARGET, a
# crasher to BUILD_DIR/artifacts/TARGET/; copy a crasher into
# fuzz/regressions/ with the fix (tests/unit/test_fuzz_regressions.c
# replays that folder). Exit status: 0 when nothing was found.
set -u
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET SECONDS [BUILD_DIR]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [BUILD_DIR]}
build=${3:-build-fuzz}
if [ ! -d "$build" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Dtests=disabled >"$build.setup.log" 2>&1 \
        || { cat "$build.setup.log"; exit 70; }
fi
ninja -C "$build" "fuzz/$target" >/dev/null || exit 70
corpus="$build/corpus/$target"
artifacts="$build/artifacts/$target/"
mkdir -p "$corpus" "$artifacts"
seeds=(sample-data/bad)
for y in sample-data/[0-9]*; do seeds+=("$y"); done
[ -d fuzz/regressions ] && seeds+=(fuzz/regressions)
# the workbook reader starts from real workbooks (stored, not deflated, so
# that mutations reach the sheet XML rather than a checksum)
[ "$target" = fuzz_xlsx ] && seeds+=(fuzz/seeds/xlsx)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
exec "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict=fuzz/csv.dict -artifact_prefix="$artifacts" -print_final_stats=1 \
    "$corpus" "${seeds[@]}"

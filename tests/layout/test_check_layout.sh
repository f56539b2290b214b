#!/bin/bash
# The layering checker fails on planted mistakes (a test of the test): a
# copy of the product's folders, one wrong include planted at a time.
set -u
src=${PREVALENCE_SOURCE_DIR:?}
check=$src/tests/layout/check_layout.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layout-test.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT
status=0
fresh() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    for d in common db collector analysis report synth cli web; do
        [ -d "$src/$d" ] && cp -r "$src/$d" "$tmp/tree/$d"
    done
}
expect_fail() {   # expect_fail NAME PATTERN: the checker must fail and say PATTERN
    local out
    if out=$(python3 "$check" "$tmp/tree"); then
        echo "FAIL: $1: the checker passed a planted mistake"
        status=1
    elif ! grep -q -- "$2" <<<"$out"; then
        echo "FAIL: $1: the checker failed without saying '$2':"
        echo "$out"
        status=1
    else
        echo "ok: $1: $(grep -- "$2" <<<"$out" | head -1)"
    fi
}
plant() {   # plant FILE LINE: add an include after the file's first line
    sed -i "1a $2" "$tmp/tree/$1"
}

fresh
python3 "$check" "$tmp/tree" >/dev/null || { echo "FAIL: the unchanged copy does not pass"; status=1; }

fresh; plant cli/cmd_estimate.c '#include "design.h"'
expect_fail "front end includes a private header" 'cli/cmd_estimate.c:2: includes analysis/design.h, a private header'
fresh; plant analysis/nchs.c '#include "report.h"'
expect_fail "analysis includes report (upwards)" 'analysis/nchs.c:2: analysis/ includes report/report.h'
fresh; plant db/connect.c '#include "collector.h"'
expect_fail "db includes collector (upwards)" 'db/connect.c:2: db/ includes collector/collector.h'
fresh; plant collector/scan.c '#include "analysis.h"'
expect_fail "collector includes analysis (sideways)" 'collector/scan.c:2: collector/ includes analysis/analysis.h'
fresh; plant synth/rng.c '#include "db.h"'
expect_fail "synth includes db" 'synth/rng.c:2: synth/ includes db/db.h'
fresh; plant report/suppress.h '#include "report_model.h"'
expect_fail "include cycle inside a module" 'include cycle'
fresh; plant cli/main.c '#include "../analysis/design.h"'
expect_fail "include by path" 'which no product folder has'
fresh; cp "$tmp/tree/analysis/nchs.h" "$tmp/tree/report/nchs.h"
expect_fail "one header name in two folders" 'header name also used by'
fresh; sed -i '$a void an_leak(FILE *out) { fprintf(out, "<svg/>"); }' "$tmp/tree/analysis/nchs.c"
expect_fail "analysis writes SVG" 'analysis/nchs.c:[0-9]*: analysis/ computes and does not write'
exit $status

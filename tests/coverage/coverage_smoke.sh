#!/bin/bash
# A few fixed-seed replicates of the coverage study (bench/coverage/coverage.py):
# guards its code path (population, loading many survey years, estimate and
# trend for every method, calibrated weights, model-based estimates, the
# truth of levels, changes, ratios and slopes, the table). Not a
# statistical test: 4 replicates say nothing about coverage.
# Fails if the script fails or a row of the table is missing.
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$PREVALENCE_SOURCE_DIR/bench/coverage/coverage.py" --reps 4 --years 3 --seed 1 \
    --icc 0.15 --out "$out" || { echo "FAIL: coverage.py exited $?"; exit 1; }
status=0
for kind in "level confirmed korn-graubard after-fpc" "level officer_any korn-graubard before-fpc" "level any wilson" "level officer_any logit" \
            "level confirmed wald" "level any korn-graubard calibrated" \
            "change confirmed" "change officer_any" "ratio any" "model confirmed" "slope any"; do
    if ! grep -q "^| $kind | " "$out"; then
        echo "FAIL: no row '$kind' in the coverage table"
        status=1
    fi
done
# Every level row has a census column with full coverage: [p, p] is the truth.
if ! grep "^| level confirmed korn-graubard after-fpc | " "$out" | awk -F'|' '{ exit !($9 ~ /^ 100\.0 /) }'; then
    echo "FAIL: census counties' intervals do not cover their (known) value"
    status=1
fi
[ $status -eq 0 ] && echo "coverage smoke: $(grep -c '^| ' "$out") table rows"
cat "$out" >&2
exit $status

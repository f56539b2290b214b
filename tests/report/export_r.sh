#!/bin/bash
# prevalence export, then the partner's steps: sha256sum -c MANIFEST.sha256
# and Rscript reproduce.R, which recomputes every published family (direct
# estimates, NCHS flags, published tables, changes, slopes, model-based
# estimates) and must print "N of N agree" for each and exit 0; its
# estimates are compared again here, independently (compare_r.py). Then a
# planted disagreement (one expected value edited in a copy) must make it
# exit non-zero naming the family. Skips (77) without R and its survey
# package.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survey)' >/dev/null 2>&1; then
    echo "SKIP: R with the survey package is not installed (apt-get install r-cran-survey);"
    echo "      the export bundle was not reproduced"
    exit 77
fi
status=0
bundle() {   # bundle NAME FAMILIES EXPORT-ARGS...: FAMILIES the lines reproduce.R must print
    local name=$1 families=$2
    shift 2
    "$PREVALENCE_BIN" -q export --out "$work/$name" "$@" || { echo "FAIL: export $*"; status=1; return; }
    (cd "$work/$name" && sha256sum --quiet -c MANIFEST.sha256) || { echo "FAIL: $name: manifest"; status=1; }
    (cd "$work/$name" && Rscript reproduce.R >"$work/$name.out" 2>&1) \
        || { echo "FAIL: $name: reproduce.R"; cat "$work/$name.out"; status=1; return; }
    for f in $families; do
        grep -Eq "^$f: ([0-9]+) of \\1 agree to 1e-6\$" "$work/$name.out" \
            || { echo "FAIL: $name: no '$f: N of N agree' line"; cat "$work/$name.out"; status=1; }
    done
    python3 "$PREVALENCE_SOURCE_DIR/tests/report/compare_r.py" "$work/$name" || status=1
}
# plant NAME FILE COLUMN FAMILY: change one number of expected/FILE in a copy;
# reproduce.R must fail and name FAMILY.
plant() {
    local name=$1 file=$2 col=$3 family=$4
    rm -rf "$work/$name-planted"
    cp -r "$work/$name" "$work/$name-planted"
    python3 - "$work/$name-planted/expected/$file" "$col" <<'PY' || { echo "FAIL: cannot plant"; status=1; return; }
import csv, sys
path, col = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(path, newline='')))
i = rows[0].index(col)
for r in rows[1:]:
    if r[i] not in ('', '-', 'x', '*') and not r[i].startswith('<'):
        r[i] = repr(float(r[i]) + 0.01) if col != 'cases' else str(int(r[i]) + 1)
        break
csv.writer(open(path, 'w', newline=''), lineterminator='\n').writerows(rows)
PY
    if (cd "$work/$name-planted" && Rscript reproduce.R >"$work/$name-planted.out" 2>&1); then
        echo "FAIL: $name: reproduce.R accepted a planted difference in $file ($col)"; status=1
    elif ! grep -q "DISAGREEMENT in .*$family" "$work/$name-planted.out" ||
         ! grep -q "^DIFFERS $family: " "$work/$name-planted.out"; then
        echo "FAIL: $name: the planted difference in $file is not named '$family'"
        cat "$work/$name-planted.out"; status=1
    fi
}
all="estimates flags tables changes slopes model"
for y in 2023 2024 2025; do
    load_year "$y" || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
bundle b2025 "$all" --year 2025
bundle b2024 "$all" --year 2024 --lonely-psu certainty --method wilson
bundle b2023 "estimates flags tables model" --year 2023 --measure any --method logit --level 0.9
bundle b2025w "$all" --year 2025 --method wald --min-cell 5
plant b2025 estimates.csv ci_high estimates
plant b2025 model.csv mse model
plant b2025 changes.csv se changes
plant b2025 slopes.csv slope slopes
plant b2025 table_county_estimates.csv estimate_pct tables
# A generated year with lonely-PSU counties (Cochise, Graham: one respondent
# of two officers) and census counties (Apache, Coconino, Gila, ...).
"$PREVALENCE_BIN" -q synth --seed 7 --out "$work/synth" --year 2031 >/dev/null \
    || { echo "FAIL: synth"; exit 1; }
python3 "$report_tests/load_sample.py" "$work/synth" 2031 \
    | "$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 -f - >/dev/null \
    || { echo "FAIL: cannot load the generated year"; exit 1; }
bundle b2031 "$all" --year 2031
grep -q "Cochise has a single respondent" "$work/b2031/README.md" \
    || { echo "FAIL: b2031 has no lonely-PSU county"; status=1; }
grep -q "^- census: " "$work/b2031.out" || { echo "FAIL: b2031: no census county"; status=1; }
# Maricopa sent nothing in 2025: the statewide coverage rule (the state's
# rows suppressed, the total only for the responding counties' youth) must
# be reproduced too.
"$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 \
    -c "DELETE FROM responses WHERE survey_year = 2025 AND fips = '04013'" >/dev/null \
    || { echo "FAIL: cannot remove Maricopa 2025"; exit 1; }
bundle b2025nomari "$all" --year 2025
grep -q "responding counties cover only" "$work/b2025nomari/expected/estimates.csv" \
    || { echo "FAIL: b2025nomari: the coverage rule did not apply"; status=1; }
# Without a frame: equal weights, no fpc, no totals.
drop_frame 2023 || { echo "FAIL: cannot drop the 2023 frame"; exit 1; }
bundle b2023nf "estimates flags tables model" --year 2023
[ $status -eq 0 ] && echo "export bundles: reproduced in R; planted differences caught"
exit $status

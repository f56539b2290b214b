#!/bin/bash
# prevalence report on the sample data, checked file by file
# (check_report_files.py: the tables agree with each other and with
# estimates.json, and no small count can be read or worked out), plus the
# all-or-nothing write. Runs under tests/harness/with-cluster.sh.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
status=0
check() {   # check NAME MIN_CELL REPORT-ARGS...
    local name=$1 m=$2
    shift 2
    if ! "$PREVALENCE_BIN" -q report --out "$work/$name" --internal "$work/$name.internal" \
        --min-cell "$m" "$@"; then
        echo "FAIL: prevalence report $* exited $?"
        status=1
        return
    fi
    /usr/bin/python3 "$report_tests/check_report_files.py" "$work/$name" "$m" "$work/$name.internal" ||
        status=1
}

for y in 2023 2024 2025; do
    load_year "$y" || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
check r2025 10 --year 2025
check r2025mapm 10 --year 2025 --map model
# The map's values as asked: by default no county is coloured by a model
# value (Yuma's direct estimate is suppressed: hatched); --map model dots it.
grep -q 'class="county model"' "$work/r2025/report.html" &&
    { echo "FAIL: the default map colours a county by its model-based value"; status=1; }
grep -q 'class="county hidden" data-fips="04027"' "$work/r2025/report.html" ||
    { echo "FAIL: the default map does not hatch Yuma"; status=1; }
grep -q 'class="county model" data-fips="04027"' "$work/r2025mapm/report.html" ||
    { echo "FAIL: --map model does not dot Yuma's model-based value"; status=1; }
check r2024 10 --year 2024 --lonely-psu certainty
check r2023 10 --year 2023 --measure any --method wilson
check r2025m5 5 --year 2025 --method logit --level 0.9
check r2025m1 1 --year 2025
check r2025m40 40 --year 2025
# Model-based estimates: the default; the other fits; a covariate; off.
check r2025arc 10 --year 2025 --sae-transform arcsine
check r2024ml 10 --year 2024 --sae-fit ml --measure any
cat >"$work/cov.csv" <<'COV'
county,metro
Apache,0
Cochise,0.4
Coconino,0.5
Gila,0.1
Graham,0
Greenlee,0
La Paz,0
Maricopa,1
Mohave,0.3
Navajo,0.1
Pima,0.9
Pinal,0.6
Santa Cruz,0.2
Yavapai,0.4
Yuma,0.7
COV
check r2025cov 10 --year 2025 --covariates "$work/cov.csv"
python3 - "$work/r2025cov.internal/estimates.json" "$work/cov.csv" <<'PY' || status=1
import hashlib, json, sys
p = json.load(open(sys.argv[1]))['manifest']['parameters']
sha = hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest()
want = {'file_name': 'cov.csv', 'sha256': sha}
if p.get('sae_covariates') != ['metro'] or p.get('sae_covariates_file') != want:
    sys.exit(f'FAIL: manifest covariates {p.get("sae_covariates")} '
             f'{p.get("sae_covariates_file")}, want ["metro"] {want}')
PY
check r2025off 10 --year 2025 --no-small-area
if grep -q "sae_" "$work/r2025off/tables/county_estimates_2025.csv" "$work/r2025off/published.json" "$work/r2025off.internal/estimates.json" ||
   grep -q "ci-model\|Model-based" "$work/r2025off/report.html"; then
    echo "FAIL: --no-small-area still shows model-based estimates"
    status=1
fi
# Byte-identical when run again (SOURCE_DATE_EPOCH fixes the time), on
# the same data: the 2025 report also shows 2023 and 2024 (its trend), so
# this comes before the 2023 frame is dropped below.
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/again" || status=1
if ! diff -r "$work/r2025" "$work/again" >/dev/null; then
    echo "FAIL: two runs of the same report differ"
    diff -r "$work/r2025" "$work/again" | head -20
    status=1
fi

# Without a frame: no officers, coverage or estimated totals to publish.
drop_frame 2023 || { echo "FAIL: cannot drop the 2023 frame"; exit 1; }
check r2023nf 10 --year 2023

# A folder that cannot be completed leaves nothing behind: "tables" is a
# file, so tables/*.csv cannot be written; report.html must not appear.
mkdir -p "$work/blocked" && : >"$work/blocked/tables"
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/blocked" 2>"$work/blocked.err"
rc=$?
if [ $rc -ne 73 ]; then
    echo "FAIL: report into a blocked folder exited $rc, want 73"; cat "$work/blocked.err"
    status=1
fi
if [ -n "$(ls -A "$work/blocked" | grep -v '^tables$')" ]; then
    echo "FAIL: a failed report left files: $(ls -A "$work/blocked")"
    status=1
fi
grep -q "blocked/tables" "$work/blocked.err" || { echo "FAIL: error does not name the folder"; status=1; }

# A year where the model cannot be fitted (two counties with respondents):
# by default the report goes on without it and says why; asked for with
# --small-area, that is an error (65).
"$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 -c "UPDATE responses SET active = false
    WHERE survey_year = 2024 AND fips NOT IN ('04013', '04019')" >/dev/null ||
    { echo "FAIL: cannot deactivate 2024 responses"; exit 1; }
"$PREVALENCE_BIN" report --year 2024 --out "$work/r2024two" --internal "$work/r2024two.internal" \
    2>"$work/two.err" ||
    { echo "FAIL: the report without a model exited $?"; status=1; }
grep -q "note: no model-based estimates: small-area model: 2 counties with respondents" \
    "$work/two.err" || { echo "FAIL: no note on stderr:"; cat "$work/two.err"; status=1; }
grep -q '"small_area_note"' "$work/r2024two.internal/estimates.json" ||
    { echo "FAIL: the manifest does not say why there is no model"; status=1; }
grep -q "were asked for but not made" "$work/r2024two/report.html" ||
    { echo "FAIL: the page does not say why there is no model"; status=1; }
/usr/bin/python3 "$report_tests/check_report_files.py" "$work/r2024two" 10 "$work/r2024two.internal" ||
    status=1
"$PREVALENCE_BIN" -q report --year 2024 --out "$work/r2024ask" --small-area 2>"$work/ask.err"
rc=$?
if [ $rc -ne 65 ] || ! grep -q "2 counties with respondents" "$work/ask.err"; then
    echo "FAIL: --small-area without a model exited $rc:"; cat "$work/ask.err"
    status=1
fi

# What is counted and how to cite it: the federal definition, confirmed and
# suspected, the reference date, the citation and the contact line (as
# text: --contact is never markup).
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/r2025about" \
    --contact 'JJSD research <jjsd@example.org> & partners' ||
    { echo "FAIL: report --contact exited $?"; status=1; }
page=$work/r2025about/report.html
for want in 'id="about"' '22 U.S.C. 7102' '<dt>Confirmed victims</dt>' \
            '<dt>Suspected victims</dt>' 'survey date of survey year 2025' \
            'Suggested citation' 'survey year 2025</cite>' \
            'JJSD research &lt;jjsd@example.org&gt; &amp; partners'; do
    grep -qF -- "$want" "$page" || { echo "FAIL: the page lacks: $want"; status=1; }
done
grep -qF '<jjsd@example.org>' "$page" && { echo "FAIL: --contact printed as markup"; status=1; }
grep -qF 'the Juvenile Justice Services Division of the Arizona courts.' \
    "$work/r2025/report.html" || { echo "FAIL: no default contact line"; status=1; }
out=$("$PREVALENCE_BIN" -q publish --year 2025 --contact x 2>&1)
[ $? -eq 64 ] || { echo "FAIL: publish accepted --contact: $out"; status=1; }

[ $status -eq 0 ] && echo "report files: all checks passed"
exit $status

#!/bin/bash
# The coverage rule for statewide figures (docs/methods.md, "Coverage of the
# statewide figures"): 2025 of the sample data without Maricopa's responses.
# estimate flags the Arizona row (suppress, the reason, coverage columns),
# says on stderr which county sent nothing; the report's headline has no
# statewide estimate and says why, naming Maricopa. With --min-coverage 0.3
# the statewide figures describe the responding counties and say so, their
# number of victims over those counties' youth only. Runs under
# tests/harness/with-cluster.sh.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
status=0
fail() { echo "FAIL: $*"; status=1; }
src=$PREVALENCE_SOURCE_DIR/sample-data/2025
"$PREVALENCE_BIN" -q init >/dev/null || exit 1
"$PREVALENCE_BIN" -q load frame "$src/frame.csv" >/dev/null || exit 1
"$PREVALENCE_BIN" -q load responses $(ls "$src"/responses-*.csv | grep -v maricopa) \
    >/dev/null || exit 1

"$PREVALENCE_BIN" estimate --year 2025 --format csv >"$work/est.csv" 2>"$work/est.err" ||
    fail "estimate exits $?"
grep -q "note: no responses from Maricopa" "$work/est.err" ||
    fail "estimate does not name Maricopa on stderr: $(cat "$work/est.err")"
/usr/bin/python3 - "$work/est.csv" <<'PY' || status=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
hdr = list(rows[0].keys())
ok = True
def fail(m):
    global ok; ok = False; print('FAIL:', m)
if hdr[-2:] != ['coverage_youth', 'coverage_officers']:
    fail(f'coverage columns not appended last: {hdr[-3:]}')
az = rows[-1]
if az['flag'] != 'suppress' or not az['reasons'].startswith(
        'responding counties cover only 34% of youth on probation'):
    fail(f"Arizona row flag {az['flag']!r}, reasons {az['reasons']!r}")
if not 0.34 < float(az['coverage_youth']) < 0.35:
    fail(f"coverage_youth {az['coverage_youth']}")
if any(r['coverage_youth'] for r in rows[:-1]):
    fail('county rows carry a coverage')
sys.exit(0 if ok else 1)
PY

"$PREVALENCE_BIN" report --year 2025 --out "$work/low" 2>"$work/low.err" ||
    fail "report exits $?: $(cat "$work/low.err")"
grep -q "note: no responses from Maricopa" "$work/low.err" || fail "report: no note on stderr"
head=$(sed -n '/<section id="headline"/,/<\/section>/p' "$work/low/report.html")
grep -q 'id="headline-estimate">not available<' <<<"$head" ||
    fail "headline shows a statewide estimate: $head"
grep -q 'responding counties cover only 34% of youth on probation' <<<"$head" ||
    fail "headline does not say why"
grep -q 'No responses were received from Maricopa' <<<"$head" ||
    fail "headline does not name Maricopa"
grep -q 'id="headline-total"' <<<"$head" && fail "headline has a statewide number of victims"
kf=$(sed -n '/<section id="key-findings"/,/<\/section>/p' "$work/low/report.html")
grep -q 'There is no statewide estimate this year: responding counties cover only 34%' <<<"$kf" ||
    fail "Key findings do not say why there is no statewide estimate: $kf"
grep -q 'no responses came from Maricopa' <<<"$kf" || fail "Key findings do not name Maricopa"

# Below 100% but above --min-coverage: what the number describes.
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/part" --min-coverage 0.3 ||
    fail "report --min-coverage 0.3 exits $?"
head=$(sed -n '/<section id="headline"/,/<\/section>/p' "$work/part/report.html")
grep -q 'among the 1,669 youth on probation in the counties that responded' <<<"$head" ||
    fail "partial headline: no denominator of the responding counties: $head"
grep -q 'they are not an estimate for Maricopa' <<<"$head" ||
    fail "partial headline does not name Maricopa"
/usr/bin/python3 - "$work/part" <<'PY' || status=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + '/tables/county_estimates_2025.csv')))
az = rows[-1]
# 6.1% of the responding counties' 1669 youth, not of the state's.
if az['total_estimate'] != '102':
    print('FAIL: statewide total', az['total_estimate'], 'is not over the responding counties')
    sys.exit(1)
PY
/usr/bin/python3 "$report_tests/attacker.py" "$work/part" 10 || fail "attacker on the partial report"
/usr/bin/python3 "$report_tests/attacker.py" "$work/low" 10 || fail "attacker on the low report"
[ $status -eq 0 ] && echo "coverage rule: all checks passed"
exit $status

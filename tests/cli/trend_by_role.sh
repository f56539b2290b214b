#!/bin/bash
# prevalence trend --by role (issue #14, point 4): each role's year rows are
# exactly `estimate --year Y --by role`'s rows of that role (the domain with
# the design kept whole), every change is the difference of those two
# estimates, the CSV has one header and a role column, JSON one document
# per role, and --by other than role is a usage error.
# Runs under with-cluster.sh.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
S=$PREVALENCE_SOURCE_DIR/sample-data
T=$PREVALENCE_TEST_TMP
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$P" -q init || exit 1
for y in 2023 2024 2025; do
    "$P" -q load frame "$S/$y/frame.csv" && "$P" -q load responses "$S/$y"/responses-*.csv \
        || { echo "FAIL: loading $y"; exit 1; }
done
"$P" -q trend --from 2023 --to 2025 --by role --rows years --format csv >years.csv \
    || fail "trend --by role --rows years"
for y in 2023 2024 2025; do
    "$P" -q estimate --year $y --by role --format csv >est-$y.csv || fail "estimate --by role $y"
done
/usr/bin/python3 - years.csv est-2023.csv est-2024.csv est-2025.csv <<'PY' || fails=$((fails + 1))
import csv, sys
trend = list(csv.DictReader(open(sys.argv[1])))
est = [r for f in sys.argv[2:] for r in csv.DictReader(open(f))]
key = lambda r: (r['survey_year'], r['role'], r['fips'])
t, e = {key(r): r for r in trend}, {key(r): r for r in est}
if len(t) != len(trend) or not trend:
    sys.exit('FAIL: trend year rows are not one per year, role and county')
missing = [k for k in t if k not in e]
if missing:
    sys.exit(f'FAIL: trend rows without an estimate --by role row: {missing[:3]}')
for k, r in t.items():
    for col in r:
        if col in e[k] and r[col] != e[k][col]:
            sys.exit(f'FAIL: {k} {col}: trend {r[col]!r}, estimate --by role {e[k][col]!r}')
roles = {r['role'] for r in trend}
if roles != {'probation_officer', 'supervisor', 'other'}:
    sys.exit(f'FAIL: roles {roles}')
print(f'trend --by role years: {len(trend)} rows equal estimate --by role')
PY
"$P" -q trend --from 2023 --to 2025 --by role --rows changes --format csv >changes.csv \
    || fail "trend --by role --rows changes"
/usr/bin/python3 - changes.csv years.csv <<'PY' || fails=$((fails + 1))
import csv, sys
lines = open(sys.argv[1]).read().splitlines()
if sum(1 for l in lines if l.startswith('county,')) != 1 or not lines[0].endswith(',role'):
    sys.exit('FAIL: the changes CSV has not exactly one header ending in role')
years = {(r['survey_year'], r['role'], r['fips']): r for r in csv.DictReader(open(sys.argv[2]))}
n = 0
for r in csv.DictReader(open(sys.argv[1])):
    a, b = years[(r['from_year'], r['role'], r['fips'])], years[(r['to_year'], r['role'], r['fips'])]
    if a['estimate'] and b['estimate']:
        if abs(float(r['difference']) - (float(b['estimate']) - float(a['estimate']))) > 1e-12:
            sys.exit(f'FAIL: change {r["fips"]} {r["role"]} {r["from_year"]}-{r["to_year"]}')
        n += 1
print(f'trend --by role changes: {n} differences of the role\'s own estimates')
PY
"$P" -q trend --from 2023 --to 2025 --by role --format json >t.json || fail "json"
/usr/bin/python3 -c "
import json, sys
d = json.load(open('t.json'))
assert d['by'] == 'role' and [r['role'] for r in d['roles']] == ['probation_officer', 'supervisor', 'other'], d.keys()
assert all('changes' in r and 'slopes' in r and 'years' in r for r in d['roles'])
" || fail "the JSON is not one document per role"
"$P" -q trend --from 2023 --to 2025 --by county >/dev/null 2>err.txt
[ $? = 64 ] && grep -q -- "--by expects role" err.txt || fail "--by county is not a usage error"
[ $fails -eq 0 ] && echo "trend_by_role: all checks passed"
exit $((fails > 0))

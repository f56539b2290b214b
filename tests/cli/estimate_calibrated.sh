#!/bin/bash
# prevalence estimate --weights calibrated (issue #14, point 5), end to end
# through the database: the Arizona row equals R's calibrate() golden
# (tests/reference/calibration_goldens.csv) to 1e-6, whole and by role; the
# county rows are the design's, byte for byte; JSON says which weights; and
# what calibration cannot do is refused with an exit code: officer_any or
# --measure all (64), a year without a frame (65); trend --weights calibrated
# gives the same year rows.
# Runs under with-cluster.sh.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
S=$PREVALENCE_SOURCE_DIR/sample-data
G=$PREVALENCE_SOURCE_DIR/tests/reference/calibration_goldens.csv
T=$PREVALENCE_TEST_TMP
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$P" -q init || exit 1
for y in 2023 2024 2025; do
    "$P" -q load frame "$S/$y/frame.csv" && "$P" -q load responses "$S/$y"/responses-*.csv \
        || { echo "FAIL: loading $y"; exit 1; }
done
for y in 2023 2024 2025; do
    for m in confirmed any; do
        "$P" -q estimate --year $y --measure $m --weights calibrated --format csv \
            >cal-$y-$m.csv || fail "calibrated $y $m"
        "$P" -q estimate --year $y --measure $m --format csv >des-$y-$m.csv || fail "design $y $m"
        "$P" -q estimate --year $y --measure $m --weights calibrated --by role --format csv \
            >calrole-$y-$m.csv || fail "calibrated --by role $y $m"
    done
done
/usr/bin/python3 - "$G" <<'PY' || fails=$((fails + 1))
import csv, sys
gold = {}
for g in csv.DictReader(open(sys.argv[1])):
    if g['data'].startswith('sample-') and g['lonely_psu'] == 'adjust':
        gold[(g['data'][7:], g['measure'], g['role'], g['county'])] = g
n = moved = 0
for y in ('2023', '2024', '2025'):
    for m in ('confirmed', 'any'):
        cal = list(csv.DictReader(open(f'cal-{y}-{m}.csv')))
        des = list(csv.DictReader(open(f'des-{y}-{m}.csv')))
        role = list(csv.DictReader(open(f'calrole-{y}-{m}.csv')))
        for c, d in zip(cal[:-1], des[:-1]):
            if c != d:
                sys.exit(f'FAIL: {y} {m} {c["county"]}: the county row differs from the design\'s')
        for r in [dict(cal[-1], role='')] + role:
            g = gold.get((y, m, r['role'], r['county']))
            if g is None:
                if r['estimate']:
                    sys.exit(f'FAIL: {y} {m} {r["role"]} {r["county"]}: no golden but an estimate')
                continue
            for col in ('estimate', 'se', 'df'):
                if abs(float(r[col]) - float(g[col])) > 1e-6:
                    sys.exit(f'FAIL: {y} {m} {r["role"]} {r["county"]} {col}: {r[col]} != R {g[col]}')
            n += 1
        moved += cal[-1]['estimate'] != des[-1]['estimate']
if n < 100 or moved != 6:
    sys.exit(f'FAIL: {n} rows compared, {moved} Arizona rows moved')
print(f'estimate --weights calibrated: {n} rows equal R, every Arizona row moved, counties as design')
PY
"$P" -q estimate --year 2024 --weights calibrated --format json >cal.json || fail "json"
/usr/bin/python3 -c "
import json
d = json.load(open('cal.json'))
assert d['weights'] == 'calibrated' and any('calibrated' in n for n in d['notes']), d
" || fail "the JSON does not say the weights are calibrated"
"$P" -q estimate --year 2024 --format json | /usr/bin/python3 -c "
import json, sys
assert json.load(sys.stdin)['weights'] == 'design'" || fail "the JSON does not say design"
# trend --weights calibrated: its year rows are estimate --weights calibrated's.
"$P" -q trend --from 2023 --to 2025 --weights calibrated --rows years --format csv \
    >trend-cal.csv || fail "trend --weights calibrated"
/usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import csv
trend = list(csv.DictReader(open('trend-cal.csv')))
n = 0
for y in ('2023', '2024', '2025'):
    est = {r['fips']: r for r in csv.DictReader(open(f'cal-{y}-confirmed.csv'))}
    for r in trend:
        if r['survey_year'] == y:
            for col in ('estimate', 'se', 'ci_low', 'ci_high', 'df', 'flag'):
                if r[col] != est[r['fips']][col]:
                    raise SystemExit(f'FAIL: trend {y} {r["county"]} {col}: {r[col]} != {est[r["fips"]][col]}')
            n += 1
if n != 48:
    raise SystemExit(f'FAIL: {n} trend year rows')
print('trend --weights calibrated: year rows equal estimate --weights calibrated')
PY
"$P" -q trend --from 2023 --to 2025 --weights calibrated --format json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert any('calibrated' in n for n in d['notes']), d['notes']" || fail "trend JSON has no calibrated note"
"$P" -q trend --from 2023 --to 2025 --measure officer_any --weights calibrated >/dev/null 2>err.txt
[ $? = 64 ] && grep -q "youth measures" err.txt || fail "trend officer_any --weights calibrated is not 64"
for m in officer_any all; do
    "$P" -q estimate --year 2024 --measure $m --weights calibrated >/dev/null 2>err.txt
    [ $? = 64 ] && grep -q "youth measures" err.txt || fail "--measure $m --weights calibrated is not 64"
done
"$P" -q estimate --year 2024 --weights raked >/dev/null 2>err.txt
[ $? = 64 ] && grep -q -- "--weights expects design or calibrated" err.txt || fail "--weights raked"
# A year without a frame: responses of 2025 relabelled 2026.
mkdir -p noframe
for f in "$S"/2025/responses-*.csv; do
    sed '2,$s/^2025,/2026,/' "$f" >noframe/$(basename "$f")
done
"$P" -q load responses noframe/*.csv || fail "loading 2026"
"$P" -q estimate --year 2026 --weights calibrated >/dev/null 2>err.txt
[ $? = 65 ] && grep -q "no frame" err.txt || fail "no frame: not 65 with a message"
[ $fails -eq 0 ] && echo "estimate_calibrated: all checks passed"
exit $((fails > 0))

#!/usr/bin/env python3
"""compare_r.py BUNDLE: r_estimates.csv (written by reproduce.R) against
expected/estimates.csv (this tool), to 1e-6 on every number, row for row,
independently of the script's own check."""
import csv
import math
import os
import sys

folder = sys.argv[1]
with open(os.path.join(folder, 'expected', 'estimates.csv'), newline='') as f:
    expected = [r for r in csv.DictReader(f) if r['estimate'] != '']
with open(os.path.join(folder, 'r_estimates.csv'), newline='') as f:
    got = {(r['survey_year'], r['county'], r['measure']): r for r in csv.DictReader(f)}
bad = []
for e in expected:
    r = got.pop((e['survey_year'], e['county'], e['measure']), None)
    if r is None:
        bad.append(f'{e["county"]}/{e["measure"]}: no R estimate')
        continue
    for col in ('respondents', 'youth_n', 'cases'):
        if int(r[col]) != int(e[col]):
            bad.append(f'{e["county"]}/{e["measure"]}: {col} R {r[col]}, ours {e[col]}')
    for col in ('estimate', 'se', 'df', 'ci_low', 'ci_high', 'total_estimate', 'total_ci_low',
                'total_ci_high'):
        a, b = r[col], e[col]
        if (a == '' or a == 'NA') != (b == ''):
            bad.append(f'{e["county"]}/{e["measure"]}: {col} R {a!r}, ours {b!r}')
        elif b != '' and not math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6):
            bad.append(f'{e["county"]}/{e["measure"]}: {col} R {a}, ours {b}')
if got:
    bad.append(f'R estimated domains we did not: {sorted(got)}')
for b in bad:
    print('FAIL:', b)
if bad:
    sys.exit(1)
print(f'{os.path.basename(folder)}: {len(expected)} estimates equal in R and prevalence (1e-6)')

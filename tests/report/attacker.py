#!/usr/bin/python3
"""An attacker on a published report folder, written apart from the
disclosure audit (report/disclosure_audit.c) and sharing no code with it:

  attacker.py REPORT_DIR MIN_CELL [PROTECTION]

It reads only what is published: report.html (tables, reasons, the SVG
coordinates of every figure), tables/*.csv and, if present, any JSON in
the folder. With what a member of the public knows (docs/methods.md: the
design weights officers/respondents, Clopper-Pearson intervals for rows
without sampling variance, the NCHS rules) it lists, for every hidden
count, the values consistent with everything read, and fails when one is
pinned to a single value from 1 to MIN_CELL - 1 or keeps fewer than
PROTECTION (default 3) values where its denominator allows that many.
Channels: the count symbols and denominators; the NCHS flag and reasons of
rows without sampling variance; the Arizona count; the statewide rate as a
ratio of weighted sums, bounded by the printed rate, the printed total and
the figures' coordinates and the statewide change since the previous
survey (tables/change_YEAR.csv) with that year's charted rate; figure
coordinates finer than their labels; a full-precision JSON; file names. Exit 0 safe, 1 with each finding."""
import csv
import html
import json
import os
import re
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import beta

findings = []


def find(msg):
    findings.append(msg)


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def half_unit(text):
    """Half the last printed digit of a percentage, as a proportion."""
    digits = len(text.split('.')[1]) if '.' in text else 0
    return 0.5 * 10 ** -digits / 100


def change_channel(folder, page, state_bounds):
    """tables/change_YEAR.csv: the statewide change since the previous
    survey, with that year's Arizona rate as the trend chart labels it,
    bounds this year's statewide rate (as the audit's change relation)."""
    d = os.path.join(folder, 'tables')
    found = [f for f in os.listdir(d) if re.fullmatch(r'change_\d{4}\.csv', f)]
    if not found:
        return
    rows = read_csv(os.path.join(d, found[0]))
    if not rows or pct(rows[-1]['change_pp']) is None:
        return
    d_text, from_year = rows[-1]['change_pp'], rows[-1]['from_year']
    prev = re.search(r'<circle class="trend-point"[^>]*><title>Arizona %s: ([\d.]+)%%'
                     % re.escape(from_year), page)
    if not prev:
        return
    pv, change = float(prev.group(1)) / 100, float(d_text) / 100
    tol = half_unit(prev.group(1)) + half_unit(d_text)
    state_bounds.append((f'the change table\'s statewide change since {from_year} '
                         f'({d_text})', pv + change - tol, pv + change + tol))


def table_file(folder, name):
    """tables/NAME_YEAR.csv (the report puts the year in the name)."""
    d = os.path.join(folder, 'tables')
    found = [f for f in os.listdir(d) if re.fullmatch(re.escape(name) + r'_\d{4}\.csv', f)]
    if len(found) != 1:
        raise SystemExit(f'attacker: expected one tables/{name}_YEAR.csv, found {found}')
    return os.path.join(d, found[0])


def num(s):
    try:
        return int(s)
    except (TypeError, ValueError):
        return None


def pct(s):
    try:
        return float(s) / 100
    except (TypeError, ValueError):
        return None


# ---- NCHS rules on a Clopper-Pearson interval (docs/methods.md) ------------
def cp(c, n, level):
    a = 1 - level
    lo = 0.0 if c == 0 else beta.ppf(a / 2, c, n - c + 1)
    hi = 1.0 if c == n else beta.ppf(1 - a / 2, c + 1, n - c)
    return lo, hi


def nchs(c, n, df, level):
    p = c / n
    lo, hi = cp(c, n, level)
    w = hi - lo
    reasons, flag = [], 'present'
    if n < 30:
        reasons.append('effective sample size below 30')
    if w >= 0.30:
        reasons.append('absolute CI width 0.30 or more')
    if w > 0.05 and w > 1.30 * p:
        reasons.append('relative CI width above 130%')
    if reasons:
        flag = 'suppress'
    rv = []
    if df < 8:
        rv.append('degrees of freedom below 8')
    if p in (0, 1):
        rv.append('estimate is 0 or 100%')
    if rv and flag != 'suppress':
        flag = 'review'
    reasons += rv
    if flag != 'suppress' and w > 0.05 and w > 1.30 * (1 - p):
        reasons.append('complement unreliable')
    return flag, reasons


# ---- the page ---------------------------------------------------------------
def table_rows(page, table_id):
    m = re.search(r'<table id="%s">(.*?)</table>' % table_id, page, re.S)
    return m.group(1) if m else ''


def reasons_of(page, table_id):
    """County -> the NCHS reasons listed under a table (b and d notes)."""
    m = re.search(r'<table id="%s">.*?</table></div>\s*<ul class="notes">(.*?)</ul>' % table_id,
                  page, re.S)
    out = {}
    # One line per kind of reason: the rule's phrase in data-reason, the
    # counties it applies to after the last ": " (model-based lines apart).
    for reason, text in re.findall(r'<li class="reason" data-reason="([^"]*)"><sup>[bd]</sup> '
                                   r'([^<]*)</li>', m.group(1) if m else ''):
        for county in html.unescape(text).rsplit(': ', 1)[-1].split(', '):
            out.setdefault(county, []).append(html.unescape(reason))
    return out


def trend_axis(page):
    """Proportion per pixel of the trend chart (y), from its tick labels."""
    svg = re.search(r'<svg[^>]*class="trend-chart".*?</svg>', page, re.S)
    if not svg:
        return None, None
    ticks = [(float(y) - 4, float(v) / 100) for y, v in
             re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end">([\d.]+)%</text>',
                        svg.group(0))]
    if len(ticks) < 2:
        return None, None
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    return (lambda cy: v0 + (y0 - cy) * (v1 - v0) / (y0 - y1)), abs((v1 - v0) / (y0 - y1))


def forest_axis(page):
    svg = re.search(r'<svg[^>]*class="forest".*?</svg>', page, re.S)
    if not svg:
        return None, None, ''
    ticks = [(float(x), float(v) / 100) for x, v in
             re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="1[12]" text-anchor="middle" '
                        r'fill="#333">([\d.]+)%</text>', svg.group(0))]
    if len(ticks) < 2:
        return None, None, svg.group(0)
    (x0, v0), (x1, v1) = ticks[0], ticks[-1]
    per = (v1 - v0) / (x1 - x0)
    return (lambda x: v0 + (x - x0) * per), abs(per), svg.group(0)


def figure_channels(page, state_bounds):
    """Coordinates against their labels; the state's value bounds."""
    inv, per_px = trend_axis(page)
    if inv:
        pts = re.findall(r'<circle class="trend-point" cx="[\d.]+" cy="([\d.]+)"[^>]*><title>'
                         r'([^<]*?) (\d{4}): ([\d.]+)%', page)
        last = max((int(y) for _, _, y, _ in pts), default=None)
        for cy, name, year, label in pts:
            v, lab = inv(float(cy)), float(label) / 100
            tol = 0.005 * per_px + 1e-12    # %.2f pixels
            if abs(v - lab) > 0.0005 + tol:
                find(f'trend chart: {html.unescape(name)} {year} plotted at {v * 100:.5f}%, '
                     f'label {label}%')
            elif abs(v - lab) > tol * 2 and abs(v - lab) < 0.0005:
                find(f'trend chart: {html.unescape(name)} {year} point carries more precision '
                     f'({v * 100:.5f}%) than its label {label}%')
            if html.unescape(name) == 'Arizona' and int(year) == last:
                # Drawn at its label: the label's rounding is all it says.
                if abs(v - lab) <= 2 * tol:
                    state_bounds.append(('the trend chart\'s Arizona point', lab - 0.0005,
                                         lab + 0.0005))
                else:
                    state_bounds.append(('the trend chart\'s Arizona point', v - tol, v + tol))
    finv, fper, svg = forest_axis(page)
    if finv:
        tol = 0.05 * fper + 1e-12           # %.1f pixels
        for fips, county, e, lo, hi, x1, x2, px in re.findall(
                r'<g class="ci-model" data-fips="(\d+)"><title>([^<]*), model-based: ([\d.]+)% '
                r'\(([\d.]+)% to ([\d.]+)%\)</title>\s*<line x1="([\d.]+)" y1="[\d.]+" '
                r'x2="([\d.]+)"[^>]*/>\s*<path d="M([\d.]+),', svg):
            for what, coord, label in (('estimate', float(px), e), ('low', float(x1), lo),
                                       ('high', float(x2), hi)):
                if abs(finv(coord) - float(label) / 100) > tol * 1.5:
                    find(f'forest plot: {html.unescape(county)} model-based {what} drawn at '
                         f'{finv(coord) * 100:.4f}%, label {label}%')
        m = re.search(r'<line class="state-line" x1="([\d.]+)"', svg)
        lab = re.search(r'<g class="ci state" data-fips="\d+"><title>[^<]*: ([\d.]+)%', svg)
        if m:
            v = finv(float(m.group(1)))
            if lab and abs(v - float(lab.group(1)) / 100) <= 2 * tol:
                v = float(lab.group(1)) / 100
                state_bounds.append(('the forest plot\'s statewide line', v - 0.0005,
                                     v + 0.0005))
            else:
                state_bounds.append(('the forest plot\'s statewide line', v - tol, v + tol))


# ---- the integer program ----------------------------------------------------
def feasible(domains, relations, target, want):
    """Up to `want` values of unknown `target` under relations
    [(coefs, lo, hi)], each unknown in a union of integer intervals."""
    names = list(domains)
    idx = {k: i for i, k in enumerate(names)}
    found, floor = [], min(domains[target][0][0], 10**9)
    while len(found) < want:
        ncols = len(names) + sum(len(domains[k]) for k in names if len(domains[k]) > 1)
        lb, ub, integ = np.zeros(ncols), np.zeros(ncols), np.ones(ncols)
        rows, rlo, rhi = [], [], []
        extra = len(names)
        for k in names:
            i = idx[k]
            ivs = domains[k]
            lb[i], ub[i] = ivs[0][0], ivs[-1][1]
            if k == target:
                lb[i] = max(lb[i], floor)
            if lb[i] > ub[i]:
                return found
            if len(ivs) > 1:
                z = list(range(extra, extra + len(ivs)))
                extra += len(ivs)
                for j in z:
                    lb[j], ub[j] = 0, 1
                r = np.zeros(ncols); r[z] = 1; rows.append(r); rlo.append(1); rhi.append(1)
                r = np.zeros(ncols); r[i] = 1
                for j, (a, b) in zip(z, ivs):
                    r[j] = -a
                rows.append(r); rlo.append(0); rhi.append(np.inf)
                r = np.zeros(ncols); r[i] = 1
                for j, (a, b) in zip(z, ivs):
                    r[j] = -b
                rows.append(r); rlo.append(-np.inf); rhi.append(0)
        for coefs, lo, hi in relations:
            r = np.zeros(ncols)
            for k, c in coefs.items():
                r[idx[k]] = c
            slack = 1e-7 * (1 + max(abs(lo), abs(hi)))
            rows.append(r); rlo.append(lo - slack); rhi.append(hi + slack)
        c = np.zeros(ncols); c[idx[target]] = 1
        cons = [LinearConstraint(np.array(rows), rlo, rhi)] if rows else []
        res = milp(c, constraints=cons, integrality=integ, bounds=Bounds(lb, ub),
                   options={'presolve': False})
        if res.status != 0:
            return found
        v = int(round(res.x[idx[target]]))
        found.append(v)
        floor = v + 1
    return found


def intervals(values):
    out = []
    for v in sorted(values):
        if out and v == out[-1][1] + 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return [tuple(x) for x in out]


def attack_table(name, rows, reasons, level, m, protection, zero_small, state_bounds,
                 base_total):
    counties, state = rows[:-1], rows[-1]
    domains, weights, den, known_w, known_c, prior, sym_of = {}, {}, 0.0, 0.0, 0, {}, {}
    for r in counties:
        resp, offi, n = num(r['respondents']), num(r['officers_total']), num(r['youth_n'])
        if not resp or n is None:
            continue
        w = offi / resp if offi else 1.0
        den += w * n
        c = num(r['cases'])
        if c is not None:
            known_c += c
            known_w += w * c
            continue
        sym = r['cases']
        if sym == f'<{m}':
            lo = 0 if (zero_small and n < m) else 1
            vals = list(range(lo, min(m - 1, n) + 1))
        elif sym == '*':
            vals = [0] + list(range(m, n + 1))
        elif sym == 'x':
            vals = list(range(m, n + 1))
        else:
            continue
        # Rows without sampling variance: every officer answered, or one.
        census = offi is not None and (resp == offi or resp == 1)
        shown_reasons = reasons.get(r['county'])
        flag = r['flag']
        if census and n > 0 and (shown_reasons is not None or flag in
                                 ('present', 'review', 'suppress')):
            keep = []
            for c in vals:
                f, rs = nchs(c, n, resp - 1, level)
                if flag in ('present', 'review', 'suppress') and f != flag:
                    continue
                if shown_reasons is not None and sorted(x for x in rs if x != 'estimate is 0 or 100%') \
                        != sorted(x for x in shown_reasons if x != 'estimate is 0 or 100%'):
                    continue
                keep.append(c)
            if keep:
                vals = keep
        if not vals:
            continue
        key = r['county']
        sym_of[key] = sym
        domains[key] = intervals(vals)
        weights[key] = w
        prior[key] = n
    rel = []
    channels = []
    sc = num(state['cases'])
    if sc is not None and domains:
        rel.append(({k: 1.0 for k in domains}, sc - known_c, sc - known_c))
        channels.append('the Arizona count')
    p = pct(state['estimate_pct'])
    bounds = []
    if p is not None:
        bounds.append(('the printed statewide rate', p - 0.0005, p + 0.0005))
        t = num(state['total_estimate'])
        if t is not None and base_total:
            bounds.append(('the printed statewide total', (t - 0.5) / base_total,
                           (t + 0.5) / base_total))
        bounds += state_bounds
    if bounds and domains:
        lo = max(b[1] for b in bounds)
        hi = min(b[2] for b in bounds)
        rel.append(({k: weights[k] for k in domains}, lo * den - known_w, hi * den - known_w))
        channels.append('the statewide rate (' + ', '.join(b[0] for b in bounds) + ')')
    for k in domains:
        need = max(2, min(protection, prior[k] + 1))
        vals = feasible(domains, rel, k, need)
        # Protected: a count that reads <m, or any hidden count out of
        # fewer than m (a 0 there is as telling as a 1).
        protected = sym_of[k] == f'<{m}' or prior[k] < m
        small_single = len(vals) == 1 and 1 <= vals[0] < m
        if small_single or (protected and len(vals) < need and prior[k] > 0):
            # Which channel: the row alone, then each relation added.
            why = 'its own row'
            for j in range(len(rel) + 1):
                vj = feasible(domains, rel[:j], k, need)
                if len(vj) < need:
                    why = 'its own row (symbol, denominator, flag, reasons)' if j == 0 \
                        else channels[j - 1]
                    break
            find(f'{name}: {k} count narrowed to {vals} by {why}')


def attack_folder(folder, m, protection):
    page = open(os.path.join(folder, 'report.html'), encoding='utf-8').read()
    level = 0.95
    lm = re.search(r'level ([\d.]+), minimum cell', page)
    if lm:
        level = float(lm.group(1))
    # What the methods text says about zeros behind "<10".
    zero_small = 'zero and non-zero alike' in page
    # Full precision or file names in the public folder.
    for f in os.listdir(folder):
        if f.endswith('.json'):
            doc = json.load(open(os.path.join(folder, f), encoding='utf-8'))
            text = json.dumps(doc)
            if '"se"' in text or '"ci_low"' in text:
                find(f'{f}: full-precision estimates of every row (cases, se, intervals)')
            if 'file_name' in text:
                find(f'{f}: names the loaded files')
    batches = re.search(r'<table id="batches">(.*?)</table>', page, re.S)
    if batches and re.search(r'\.csv|\.txt|\.xlsx', batches.group(1)):
        find('report.html: "Data behind this report" names the loaded files')
    state_bounds = []
    figure_channels(page, state_bounds)
    change_channel(folder, page, state_bounds)
    county = read_csv(table_file(folder, 'county_estimates'))
    officers = read_csv(table_file(folder, 'officer_measure'))
    # The statewide total's base, as the headline prints it: all youth on
    # probation, or (some counties sent nothing) the youth of the counties
    # that responded; thousands separated.
    ym = re.search(r'among (?:all youth on probation \(([\d,]+)\)|the ([\d,]+) youth on '
                   r'probation in the counties that responded)', page)
    youth_total = int((ym.group(1) or ym.group(2)).replace(',', '')) if ym else None
    # The officers' total likewise covers the responding counties only.
    officer_base = sum(num(r['officers_total']) or 0 for r in officers[:-1]
                       if num(r['respondents']))
    attack_table('county table', county, reasons_of(page, 'county-table'), level, m,
                 protection, zero_small, state_bounds, youth_total)
    attack_table('officer table', officers, reasons_of(page, 'officer-table'), level, m,
                 protection, zero_small, [], officer_base)


def main():
    """attacker.py DIR MIN_CELL [PROTECTION], or --many MIN_CELL DIR...
    (one process for many folders: scipy loads once)."""
    if sys.argv[1] == '--many':
        m, folders, protection = int(sys.argv[2]), sys.argv[3:], 3
    else:
        folders, m = [sys.argv[1]], int(sys.argv[2])
        protection = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    bad = 0
    for folder in folders:
        findings.clear()
        attack_folder(folder, m, protection)
        if findings:
            bad += 1
            for f in findings:
                print(f'FOUND: {folder}: {f}')
    if bad:
        sys.exit(1)
    print(f'attacker: nothing recovered in {len(folders)} folder(s)')


if __name__ == '__main__':
    main()

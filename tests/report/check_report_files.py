#!/usr/bin/env python3
"""Check a report folder written by `prevalence report`:

  check_report_files.py REPORT_DIR MIN_CELL INTERNAL_DIR

INTERNAL_DIR holds estimates.json (`report --internal`), which must not be
in REPORT_DIR; REPORT_DIR's published.json must hold the tables' cells.

1. The HTML page, the CSV tables and the Markdown tables show the same value
   wherever a value is published, and each agrees with estimates.json
   (rounded the way the tables round).
2. Small-cell protection from the published files alone: no count of
   victims from 1 to MIN_CELL - 1 is shown, none follows from a shown rate
   times a shown denominator, and none follows by subtracting the shown
   counties from the Arizona total (a single hidden county, or hidden
   counties that add up to a small count).
3. Model-based (small-area) columns, when the report has them: the same
   cells in the page, the CSV and the Markdown, equal to the sae_* fields
   of estimates.json where published ("*" only where that says suppress),
   the forest plot and the map drawing exactly those; a shown model-based
   estimate counts as giving its county's count away, so that count must
   not be small and the subtraction of item 2 must still reveal none.
4. The page loads nothing from elsewhere.
Exits 0 when all holds, 1 with the reasons otherwise."""
import csv
import decimal
import html.parser
import json
import os
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)


def round_half_away(x):
    return int(decimal.Decimal(repr(x)).quantize(decimal.Decimal('1'),
                                                  rounding=decimal.ROUND_HALF_UP))


def pct1(p):
    """Percent with one decimal, as the tables print it."""
    s = '%.1f' % (p * 100)
    return '0.0' if s == '-0.0' else s


def is_int(s):
    return re.fullmatch(r'-?\d+', s) is not None


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


STANDALONE = ('survey_year', 'measure', 'level')


def table_path(folder, name, ext='csv'):
    """tables/NAME_YEAR.EXT: exactly one, the year in its name."""
    found = [f for f in os.listdir(os.path.join(folder, 'tables'))
             if re.fullmatch(re.escape(name) + r'_(\d{4})\.' + ext, f)]
    if len(found) != 1:
        fail(f'tables/{name}_YEAR.{ext}: found {found}')
        sys.exit(1)
    return os.path.join(folder, 'tables', found[0])


def read_table(folder, name):
    """A published table's rows without the stand-alone columns (checked
    here: the file's year, one measure, one level on every row)."""
    path = table_path(folder, name)
    year = re.search(r'_(\d{4})\.csv$', path).group(1)
    rows = read_csv(path)
    for r in rows:
        if any(k not in r for k in STANDALONE):
            fail(f'{path}: no {STANDALONE} columns')
            return rows
        if r['survey_year'] != year or r['level'] != rows[0]['level'] \
                or r['measure'] != rows[0]['measure']:
            fail(f'{path}: survey_year/measure/level not constant or not the file name\'s year')
    return [{k: v for k, v in r.items() if k not in STANDALONE} for r in rows]


def read_md(path):
    """The table rows of a Markdown file as lists of unescaped cells."""
    rows = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.startswith('|') or line.startswith('| ---'):
                continue
            cells = [c.strip() for c in re.split(r'(?<!\\)\|', line.strip())[1:-1]]
            rows.append([re.sub(r'\\(.)', r'\1', c) for c in cells])
    return rows


class Tables(html.parser.HTMLParser):
    """Cells of every <table id=...> and text of elements with an id."""

    def __init__(self):
        super().__init__()
        self.tables, self.ids, self.refs = {}, {}, []
        self.table = None
        self.row = None
        self.cell = None
        self.sup = 0
        self.id_stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('src', 'href'):
            if k in a:
                self.refs.append(a[k])
        if tag == 'table' and 'id' in a:
            self.table = self.tables.setdefault(a['id'], [])
        elif tag == 'tr' and self.table is not None:
            self.row = []
        elif tag in ('td', 'th') and self.row is not None:
            # The "change since" column (several survey years) is not in
            # tables/*.csv: the trend tests check it.
            self.cell = None if 'change' in (a.get('class') or '').split() else ''
        elif tag == 'sup':
            self.sup += 1
        if 'id' in a and tag not in ('table', 'svg', 'title'):
            self.id_stack.append((tag, a['id'], []))

    def handle_endtag(self, tag):
        if tag == 'table':
            self.table = None
        elif tag == 'tr' and self.row is not None:
            if self.row and self.table is not None:
                self.table.append(self.row)
            self.row = None
        elif tag in ('td', 'th') and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == 'sup':
            self.sup -= 1
        if self.id_stack and self.id_stack[-1][0] == tag:
            _, ident, text = self.id_stack.pop()
            self.ids[ident] = ''.join(text).strip()

    def handle_data(self, data):
        if self.cell is not None and self.sup == 0:
            self.cell += data
        for _, _, text in self.id_stack:
            text.append(data)


def is_pct(s):
    return re.fullmatch(r'\d+\.\d', s) is not None


def check_model_cells(where, c, e, m):
    """A county's model-based cells against estimates.json."""
    cells = [c['sae_estimate_pct'], c['sae_ci_low_pct'], c['sae_ci_high_pct']]
    if e['fips'] == '04':
        if cells + [c['sae_flag']] != ['-'] * 4:
            fail(f'{where}: the state shows model-based cells {cells}')
        return
    if is_pct(cells[0]):
        for shown, key in zip(cells, ('sae_estimate', 'sae_ci_low', 'sae_ci_high')):
            if e.get(key) is None or shown != pct1(e[key]):
                fail(f'{where}: {key} {shown}, estimates.json {e.get(key)}')
        if c['sae_flag'] != e['sae_flag'] or e['sae_flag'] == 'suppress':
            fail(f'{where}: model-based flag {c["sae_flag"]}, estimates.json {e["sae_flag"]}')
    elif cells == ['*'] * 3:
        if c['sae_flag'] != 'suppress' or e['sae_flag'] != 'suppress':
            fail(f'{where}: model-based * but estimates.json says {e["sae_flag"]}')
    elif cells == ['x'] * 3:
        if c['sae_flag'] != 'x':
            fail(f'{where}: model-based x with flag {c["sae_flag"]}')
    else:
        fail(f'{where}: model-based cells {cells}')


def check_agreement(name, rows_csv, md_rows, html_rows, est, m, model_rows=None):
    """One published table against its estimate rows (same order)."""
    if len(rows_csv) != len(est):
        fail(f'{name}.csv: {len(rows_csv)} rows, estimates.json has {len(est)}')
        return
    officers = name == 'officer_measure'
    md_head, md_body = md_rows[0], md_rows[1:]
    if len(md_body) != len(rows_csv) or len(html_rows) != len(rows_csv) + 1:
        fail(f'{name}: {len(rows_csv)} CSV rows, {len(md_body)} Markdown, '
             f'{len(html_rows) - 1} HTML')
        return
    for i, (c, e) in enumerate(zip(rows_csv, est)):
        where = f'{name}.csv row {i + 2} ({c["county"]})'
        if c['county'] != e['county'] or c['fips'] != e['fips']:
            fail(f'{where}: county {c["county"]}/{c["fips"]} but estimates.json has '
                 f'{e["county"]}/{e["fips"]}')
        for col in ('respondents', 'youth_n'):
            if c[col] != str(e[col]):
                fail(f'{where}: {col} {c[col]}, estimates.json {e[col]}')
        if e['officers_total'] not in (None, -1):
            if c['officers_total'] != str(e['officers_total']):
                fail(f'{where}: officers_total {c["officers_total"]}, json {e["officers_total"]}')
            cov = round_half_away(100 * e['respondents'] / e['officers_total'])
            if c['coverage_pct'] != str(cov):
                fail(f'{where}: coverage {c["coverage_pct"]}, expected {cov}')
        # Victim counts: published exactly, or a symbol whose meaning holds.
        count_cells = [('cases', e['cases'])]
        if e.get('total_estimate') is not None:
            count_cells.append(('total_estimate', round_half_away(e['total_estimate'])))
        for col, value in count_cells:
            shown = c[col]
            if is_int(shown):
                if int(shown) != value:
                    fail(f'{where}: {col} {shown}, estimates.json {value}')
            elif shown == f'<{m}':
                # A 0 out of fewer than MIN_CELL reads <MIN_CELL too.
                low = 0 if e['youth_n'] < m else 1
                if not low <= value < m:
                    fail(f'{where}: {col} reads <{m} but is {value}')
            elif shown == '*':
                if e['flag'] != 'suppress':
                    fail(f'{where}: {col} reads * but the flag is {e["flag"]}')
            elif shown not in ('x', '-'):
                fail(f'{where}: {col} reads {shown!r}')
        if is_int(c['estimate_pct'].replace('.', '')):
            for col, key in (('estimate_pct', 'estimate'), ('ci_low_pct', 'ci_low'),
                             ('ci_high_pct', 'ci_high')):
                if c[col] != pct1(e[key]):
                    fail(f'{where}: {col} {c[col]}, estimates.json {pct1(e[key])}')
        if is_int(c['total_estimate']):
            for col, key in (('total_ci_low', 'total_ci_low'), ('total_ci_high', 'total_ci_high')):
                v = round_half_away(e[key])
                want = f'<{m}' if 1 <= v < m else str(v)
                if c[col] != want:
                    fail(f'{where}: {col} {c[col]}, expected {want}')
        if 'sae_estimate_pct' in c:
            check_model_cells(where, c, e, m)
        # A row hidden for a small count or as a complement does not show
        # its NCHS flag (a function of the count).
        want_flag = ('no data' if e['respondents'] == 0 else
                     'hidden' if c['estimate_pct'] == 'x' else e['flag'])
        if c['flag'] != want_flag:
            fail(f'{where}: flag {c["flag"]}, estimates.json {want_flag}')
        # Markdown: the same cells under their headings.
        md = dict(zip(md_head, md_body[i]))
        pairs = [('County', 'county'), ('Respondents', 'respondents'), ('Officers', 'officers_total'),
                 ('Coverage %', 'coverage_pct'), ('Estimate %' if not officers else 'Share %',
                                                  'estimate_pct'),
                 ('95% CI low %', 'ci_low_pct'), ('95% CI high %', 'ci_high_pct'),
                 ('CI low', 'total_ci_low'), ('CI high', 'total_ci_high'),
                 ('Reliability', 'flag'), ('Notes', 'notes')]
        pairs.append(('Officers with a confirmed victim', 'cases') if officers
                     else ('Victims identified', 'cases'))
        pairs.append(('Estimated officers', 'total_estimate') if officers
                     else ('Estimated victims', 'total_estimate'))
        if not officers:
            pairs.append(('Youth on responding caseloads', 'youth_n'))
        if 'sae_estimate_pct' in c:
            pairs += [('Model-based estimate %', 'sae_estimate_pct'),
                      ('Model-based 95% CI low %', 'sae_ci_low_pct'),
                      ('Model-based 95% CI high %', 'sae_ci_high_pct'),
                      ('Model-based reliability', 'sae_flag')]
        for head, col in pairs:
            if md.get(head) != c[col]:
                fail(f'{name}.md row {c["county"]}: {head} {md.get(head)!r}, CSV {c[col]!r}')
        # HTML: the same cells, joined for people: each interval under its
        # estimate, counts with thousands separators (compared without).
        h = [x.replace(',', '') for x in html_rows[i + 1]]
        exp = [c['county'], f'{c["respondents"]} of {c["officers_total"]}' +
               (f' ({c["coverage_pct"]}%)' if is_int(c['coverage_pct']) else '')]
        if not officers:
            exp.append(c['youth_n'])
        exp.append(c['cases'])
        if is_int(c['estimate_pct'].replace('.', '')):
            exp.append(f'{c["estimate_pct"]}% ({c["ci_low_pct"]}% to {c["ci_high_pct"]}%)')
        else:
            exp.append(c['estimate_pct'])
        exp.append(f'{c["total_estimate"]} ({c["total_ci_low"]} to {c["total_ci_high"]})'
                   if is_int(c['total_estimate']) else c['total_estimate'])
        # The flag in words on the page (the CSV keeps the code).
        exp.append({'present': 'reliable', 'review': 'use with caution',
                    'suppress': 'not shown: too uncertain', 'hidden': 'not shown: small numbers',
                    'no data': 'no responses'}.get(c['flag'], c['flag']))
        if 'sae_estimate_pct' in c and (not model_rows or len(model_rows) != len(rows_csv) + 1):
            fail(f'report.html: the model-based table has {len(model_rows or []) - 1} rows')
        elif 'sae_estimate_pct' in c and model_rows is not None:
            m_row = model_rows[i + 1]
            m_exp = [c['county'],
                     f'{c["sae_estimate_pct"]}% ({c["sae_ci_low_pct"]}% to {c["sae_ci_high_pct"]}%)'
                     if is_pct(c['sae_estimate_pct']) else c['sae_estimate_pct'],
                     c['sae_flag']]
            if m_row != m_exp:
                fail(f'report.html model-table row {c["county"]}: {m_row} but the CSV gives '
                     f'{m_exp}')
        if h != exp:
            fail(f'report.html {name} row {c["county"]}: {h} but the CSV gives {exp}')


def check_protection(name, rows_csv, m, est=None):
    """What a reader can work out from the published table alone."""
    def num(s):
        return int(s) if is_int(s) else None

    counties, state = rows_csv[:-1], rows_csv[-1]
    for r in rows_csv:
        for col in ('cases', 'total_estimate'):
            v = num(r[col])
            if v is not None and 1 <= v < m:
                fail(f'{name}: {r["county"]} publishes {col} {v}')
        # A rate times its denominator gives the count back (one stratum,
        # equal weights; youth_n and respondents are published): a shown
        # rate needs a shown count, which is then not small.
        rate_shown = is_int(r['estimate_pct'].replace('.', ''))
        if rate_shown and (num(r['cases']) is None or
                           (r['total_estimate'] != '-' and num(r['total_estimate']) is None)):
            fail(f'{name}: {r["county"]} shows its rate {r["estimate_pct"]}% but hides its '
                 f'count: {r["estimate_pct"]}% of {r["youth_n"]} gives it back')
    # A shown model-based estimate gives its county's count back (with the
    # model rebuilt from what is published): it counts as shown.
    revealed = {}
    if est is not None and 'sae_estimate_pct' in rows_csv[0]:
        for r, e in zip(counties, est):
            if is_pct(r['sae_estimate_pct']) and num(r['cases']) is None:
                revealed[r['fips']] = e['cases']
                if 1 <= e['cases'] < m:
                    fail(f'{name}: {r["county"]} shows a model-based estimate '
                         f'{r["sae_estimate_pct"]}% but hides a small count')
    for col in ('cases', 'total_estimate'):
        s = num(state[col])
        if s is None:
            continue
        hidden = [r for r in counties if num(r[col]) is None and r[col] != '-'
                  and not (col == 'cases' and r['fips'] in revealed)]
        if not hidden:
            continue
        # "-": a county without respondents holds no case, but its share of
        # the state's estimated total is unknown.
        unknown = [r for r in counties if r[col] == '-' and col == 'total_estimate']
        rest = s - sum(num(r[col]) for r in counties if num(r[col]) is not None)
        if col == 'cases':
            rest -= sum(revealed.values())
        if len(hidden) == 1 and not unknown:
            fail(f'{name}: {col} of {hidden[0]["county"]} = {rest} by subtraction')
        if 1 <= rest < m and not unknown:
            fail(f'{name}: the hidden counties\' {col} add up to {rest}')


def check_standalone(folder, page, m):
    """Point 7 of issue #15: the tables stand alone. notes_YEAR.csv explains
    every note code the tables use; change_YEAR.csv has the page's change
    cells; tables_YEAR.xlsx holds the CSVs' cells, read back by openpyxl
    (an independent reader): numbers as numbers, everything else as text."""
    import openpyxl
    tables = {n: read_csv(table_path(folder, n))
              for n in ('county_estimates', 'officer_measure')}
    year = tables['county_estimates'][0]['survey_year']
    notes = read_csv(os.path.join(folder, 'tables', f'notes_{year}.csv'))
    explained = {(r['table'], r['code']) for r in notes}
    for n, rows in tables.items():
        for r in rows:
            for code in r['notes'].split():
                if (f'{n}_{year}.csv', code) not in explained:
                    fail(f'notes_{year}.csv does not explain note {code!r} of {n}')
            if ('all', 'flag=' + r['flag']) not in explained:
                fail(f'notes_{year}.csv does not explain the flag {r["flag"]!r}')
    change_path = os.path.join(folder, 'tables', f'change_{year}.csv')
    sheets = [('County estimates', table_path(folder, 'county_estimates')),
              ('Officer measure', table_path(folder, 'officer_measure'))]
    block = re.search(r'<table id="change-table">(.*?)</table>', page, re.S)
    page_change = re.findall(r'<td class="change(?: marked)?">(.*?)</td>', block.group(1)) \
        if block else None
    if os.path.exists(change_path):
        change = read_csv(change_path)
        if not page_change:
            fail('change_YEAR.csv without a change table on the page')
        else:
            cells = [c.replace(' \u25b2', '').replace(' \u25bc', '') for c in page_change]
            if [r['change_pp'] for r in change] != cells:
                fail(f'change_{year}.csv {[r["change_pp"] for r in change]} is not the page\'s '
                     f'change column {cells}')
        for r in change:
            hidden = r['change_pp'] == '-'
            if hidden != (r['significant'] == ''):
                fail(f'change_{year}.csv: significant {r["significant"]!r} for {r["change_pp"]}')
        sheets.append(('Change', change_path))
    elif page_change:
        fail('the page shows a change table but no change_YEAR.csv was written')
    sheets.append(('Notes', os.path.join(folder, 'tables', f'notes_{year}.csv')))
    wb = openpyxl.load_workbook(os.path.join(folder, 'tables', f'tables_{year}.xlsx'))
    if wb.sheetnames != [s for s, _ in sheets] + ['About']:
        fail(f'tables_{year}.xlsx sheets {wb.sheetnames}')
        return
    for sheet, path in sheets:
        with open(path, newline='', encoding='utf-8') as f:
            want = list(csv.reader(f))
        got = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
        if len(got) != len(want):
            fail(f'{sheet}: {len(got)} rows, the CSV has {len(want)}')
            continue
        for i, (g, w) in enumerate(zip(got, want)):
            g = g + [None] * (len(w) - len(g))
            for j, (gc, wc) in enumerate(zip(g, w)):
                if re.fullmatch(r'[+-]?\d+(\.\d+)?', wc) and want[0][j] != 'fips' and i > 0:
                    ok = isinstance(gc, (int, float)) and not isinstance(gc, bool) \
                        and abs(gc - float(wc)) < 1e-12
                else:
                    ok = (gc if gc is not None else '') == wc and not isinstance(gc, (int, float))
                if not ok:
                    fail(f'{sheet}!{openpyxl.utils.get_column_letter(j + 1)}{i + 1}: '
                         f'{gc!r}, the CSV has {wc!r}')
    about = {r[0]: r[1] for r in wb['About'].iter_rows(values_only=True)}
    if about.get('Survey year') != year or f'from 1 to {m - 1}' not in about.get(
            'Suppression threshold', '') or not about.get('Tool version'):
        fail(f'tables_{year}.xlsx About: {about}')


def main():
    folder, m, internal = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if os.path.exists(os.path.join(folder, 'estimates.json')):
        fail('estimates.json (full precision) is in the public folder')
    with open(os.path.join(internal, 'estimates.json'), encoding='utf-8') as f:
        doc = json.load(f)
    with open(os.path.join(folder, 'published.json'), encoding='utf-8') as f:
        pub = json.load(f)
    for name in ('county_estimates', 'officer_measure'):
        if pub.get(name) != read_table(folder, name):
            fail(f'published.json: {name} differs from tables/{name}_YEAR.csv')
    if 'file_name' in json.dumps(pub):
        fail('published.json names a file')
    measure = doc['manifest']['parameters']['measure']
    est = {k: [r for r in doc['rows'] if r['measure'] == k] for k in (measure, 'officer_any')}
    page = open(os.path.join(folder, 'report.html'), encoding='utf-8').read()
    parser = Tables()
    parser.feed(page)
    for name, key, table in (('county_estimates', measure, 'county-table'),
                             ('officer_measure', 'officer_any', 'officer-table')):
        rows_csv = read_table(folder, name)
        md_rows = read_md(table_path(folder, name, 'md'))
        check_agreement(name, rows_csv, md_rows, parser.tables.get(table, []), est[key], m,
                        parser.tables.get('model-table') if table == 'county-table' else None)
        check_protection(name, rows_csv, m, est[key][:-1])
    county = read_table(folder, 'county_estimates')
    state = county[-1]
    if is_int(state['estimate_pct'].replace('.', '')):
        if parser.ids.get('headline-estimate') != state['estimate_pct'] + '%':
            fail(f'headline {parser.ids.get("headline-estimate")!r}, table '
                 f'{state["estimate_pct"]}%')
    if is_int(state['total_estimate']) and \
            (parser.ids.get('headline-total') or '').replace(',', '') != state['total_estimate']:
        fail(f'headline total {parser.ids.get("headline-total")!r}, table {state["total_estimate"]}')
    # Plain words (issue #15 point 4): statistical terms only in Methods,
    # where they are explained; each kind of reason once per table and
    # footnote, with its counties, not once per county.
    body = page[page.index('<body'):]
    before = re.sub(r'<[^>]+>', ' ', body[:body.find('<section id="methods"')])
    for word in ('lonely PSU', 'PSU', 'degrees of freedom', 'relative CI width',
                 'effective sample size', 'mean squared error', 'standardized residual'):
        if re.search(r'\b' + re.escape(word) + r'\b', before, re.I):
            fail(f'report.html: "{word}" outside the Methods section')
    for table in re.findall(r'<table id="[^"]*">.*?</table></div>\s*<ul class="notes">(.*?)</ul>',
                            page, re.S):
        kinds = re.findall(r'<li class="(reason[^"]*)" data-reason="([^"]*)"><sup>(\w)</sup>',
                           table)
        for k in set(kinds):
            if kinds.count(k) > 1:
                fail(f'report.html: the reason {k[1]!r} ({k[2]}) is listed {kinds.count(k)} '
                     'times under one table')
    # Key findings come first and repeat the published statewide cells.
    kf = re.search(r'<section id="key-findings".*?</section>', page, re.S)
    if not kf or page.index('id="key-findings"') > page.index('id="headline"'):
        fail('report.html: no "Key findings" box before the headline')
    else:
        text = re.sub(r'<[^>]+>', '', kf.group(0)).replace(',', '')
        n = len(re.findall(r'<li>', kf.group(0)))
        if not 3 <= n <= 5:
            fail(f'Key findings: {n} sentences, want 3 to 5')
        if is_int(state['estimate_pct'].replace('.', '')) and \
                f"{state['estimate_pct']}% of youth" not in text:
            fail(f'Key findings do not give the statewide {state["estimate_pct"]}%')
        if is_int(state['total_estimate']) and f"about {state['total_estimate']} youth" not in text:
            fail(f'Key findings do not give the statewide total {state["total_estimate"]}')
        shown = sum(1 for r in county[:-1] if is_int(r['estimate_pct'].replace('.', '')))
        if f'shown for {shown} of the {len(county) - 1} counties' not in text:
            fail(f'Key findings do not say {shown} of {len(county) - 1} counties are shown')
    # Figures draw exactly the published rates.
    shown = {r['fips'] for r in county[:-1] if is_int(r['estimate_pct'].replace('.', ''))}
    forest = set(re.findall(r'<g class="ci" data-fips="(\d+)"', page))
    mapped = set(re.findall(r'<path class="county shown" data-fips="(\d+)"', page))
    if forest != shown or mapped != shown:
        fail(f'figures draw {sorted(forest)} (forest) and {sorted(mapped)} (map), the table '
             f'publishes {sorted(shown)}')
    # Model-based: forest marks exactly where published; the map dots the
    # counties where the model stands in for a hidden direct estimate.
    params = doc['manifest']['parameters']
    has_model = 'sae_estimate_pct' in county[0]
    if has_model != params.get('small_area', False):
        fail(f'tables {"have" if has_model else "lack"} model-based columns, manifest '
             f'small_area is {params.get("small_area")}')
    model = {r['fips'] for r in county[:-1] if has_model and is_pct(r['sae_estimate_pct'])}
    forest_model = set(re.findall(r'<g class="ci-model" data-fips="(\d+)"', page))
    mapped_model = set(re.findall(r'<path class="county model" data-fips="(\d+)"', page))
    if forest_model != model:
        fail(f'forest plot: model-based marks for {sorted(forest_model)}, the table publishes '
             f'{sorted(model)}')
    # By default the map shows direct estimates only (a hidden county is
    # hatched, never coloured by its model value); with --map model, dotted
    # model values where the direct one is not shown, and the title says so.
    map_svg = re.search(r'<svg[^>]*class="map".*?</svg>', page, re.S).group(0)
    map_model = 'model-based estimates (dotted)' in map_svg
    want_model = model - shown if map_model else set()
    if mapped_model != want_model:
        fail(f'map: model-based fill for {sorted(mapped_model)}, want {sorted(want_model)}')
    legend = re.sub(r'<[^>]+>', ' ', re.search(r'<g class="legend">.*?</g>', map_svg,
                                               re.S).group(0))
    for words in ('percent of youth on probation', str(params['survey_year']),
                  'direct or model-based' if map_model else 'direct estimates'):
        if words not in legend:
            fail(f'map legend does not say {words!r}: {" ".join(legend.split())[:200]}')
    width = re.search(r'<svg[^>]*class="map"[^>]*width="(\d+)"', page)
    if not width or int(width.group(1)) < 600:
        fail(f'map: {width.group(1) if width else "no"} px wide, want at least 600')
    if has_model and not all(k in params for k in ('sae_fit', 'sae_transform', 'sae_covariates')):
        fail(f'manifest: small-area parameters missing: {params}')
    if has_model and 'sae_estimate' not in doc['rows'][0]:
        fail('estimates.json: no sae_* fields although the tables have model-based columns')
    check_standalone(folder, page, m)
    forest = re.search(r'<svg[^>]*class="forest".*?</svg>', page, re.S)
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', forest.group(0))] if forest else []
    if not sizes or min(sizes) < 12:
        fail(f'forest plot: text below 12 px ({sorted(set(sizes))})')
    if forest and not all(w in forest.group(0) for w in ('Arizona</text>', 'statewide estimate')):
        fail('forest plot: the legend does not name Arizona and the statewide line')
    # Nothing from elsewhere.
    if parser.refs or re.search(r'url\((?!#)|@import|<script|<link|<img', page):
        fail(f'report.html refers to outside resources: {parser.refs}')
    if failures:
        for f in failures:
            print('FAIL:', f)
        sys.exit(1)
    print(f'report files agree ({len(county)} county rows, {len(shown)} published rates, '
          f'{len(model)} model-based, min cell {m})')


if __name__ == '__main__':
    main()

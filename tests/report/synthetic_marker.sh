#!/bin/bash
# The synthetic-data marker (issue #15 point 6; rule in report/synthetic.c):
# a report from the sample files, even renamed, says "SYNTHETIC DATA – NOT
# REAL SURVEY RESULTS" at the top of the page, on every printed page, in
# the Markdown tables, notes_YEAR.csv, the workbook's About sheet and
# published.json; a report from other files (the same rows with CRLF line
# ends: other sha256) says none of it. Runs under with-cluster.sh.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
status=0
p=$PREVALENCE_BIN
fail() { echo "FAIL: $*"; status=1; }
marks() {   # marks DIR yes|no
    /usr/bin/python3 - "$1" "$2" <<'PY'
import glob, json, os, re, sys
import openpyxl
d, want = sys.argv[1], sys.argv[2] == 'yes'
banner = 'SYNTHETIC DATA \u2013 NOT REAL SURVEY RESULTS'
page = open(os.path.join(d, 'report.html'), encoding='utf-8').read()
found = {
    'page top': re.search(r'<body>\s*<p class="synthetic" id="synthetic"[^>]*>' + banner,
                          page) is not None,
    'every printed page': re.search(r'@page\{@top-center\{content:"' + banner + '"',
                                    page) is not None,
    'published.json': json.load(open(os.path.join(d, 'published.json')))['manifest']
    .get('synthetic') is True,
    'notes csv': open(glob.glob(os.path.join(d, 'tables', 'notes_*.csv'))[0],
                      encoding='utf-8').read().split('\n')[1].startswith('all,synthetic,"' + banner),
    'workbook About': any(r[0] == 'Data' and r[1] == banner for r in
                          openpyxl.load_workbook(glob.glob(os.path.join(d, 'tables', '*.xlsx'))[0])
                          ['About'].iter_rows(values_only=True)),
}
for md in glob.glob(os.path.join(d, 'tables', '*.md')):
    found['Markdown ' + os.path.basename(md)] = \
        open(md, encoding='utf-8').readline().strip() == f'**{banner}**'
bad = [k for k, v in found.items() if v != want]
# Without the mark, the words appear nowhere.
if not want:
    for f in glob.glob(os.path.join(d, '**', '*'), recursive=True):
        if os.path.isfile(f) and not f.endswith('.xlsx') and \
                'SYNTHETIC' in open(f, encoding='utf-8').read():
            bad.append(f)
for k in bad:
    print(f'FAIL: {d}: {k} {"lacks" if want else "has"} the synthetic-data mark')
sys.exit(1 if bad else 0)
PY
}

# The sample files under other names: still the sample's bytes.
mkdir -p "$work/renamed/2025" "$work/other/2025"
for f in "$PREVALENCE_SOURCE_DIR"/sample-data/2025/responses-*.csv; do
    cp "$f" "$work/renamed/2025/responses-copy-of-$(basename "$f" .csv | cut -d- -f2-).csv"
done
cp "$PREVALENCE_SOURCE_DIR/sample-data/2025/frame.csv" "$work/renamed/2025/"
"$p" -q init >/dev/null || fail "init"
python3 "$report_tests/load_sample.py" "$work/renamed" 2025 |
    "$p" -q db psql -q -v ON_ERROR_STOP=1 -f - >/dev/null || fail "cannot load the renamed files"
"$p" -q report --year 2025 --out "$work/syn" || fail "report on the sample exits $?"
marks "$work/syn" yes || status=1

# The same rows with CRLF line ends: other files (other sha256), not the sample's.
for f in "$PREVALENCE_SOURCE_DIR"/sample-data/2025/*.csv; do
    sed 's/$/\r/' "$f" >"$work/other/2025/$(basename "$f")"
done
{ echo "UPDATE responses SET active = false; UPDATE frames SET active = false;"
  python3 "$report_tests/load_sample.py" "$work/other" 2025; } |
    "$p" -q db psql -q -v ON_ERROR_STOP=1 -f - >/dev/null || fail "cannot load the other files"
"$p" -q report --year 2025 --out "$work/real" || fail "report on other files exits $?"
marks "$work/real" no || status=1
cmp -s "$work/syn/tables/county_estimates_2025.csv" "$work/real/tables/county_estimates_2025.csv" ||
    fail "the same respondents gave other numbers"
[ $status -eq 0 ] && echo "synthetic marker: all checks passed"
exit $status

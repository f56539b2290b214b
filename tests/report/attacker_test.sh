#!/bin/bash
# The disclosure suite: tests/report/attacker.py, written apart from the
# audit, attacks every report it can make (the sample data's three years,
# 51 generated years from three seeds with missing counties) and must find
# nothing; and, to test the test, it must catch each channel planted into a
# copy of a good report. Runs under tests/harness/with-cluster.sh.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
status=0
# Debian's python3 has scipy (scripts/install-deps.sh: python3-scipy).
py=/usr/bin/python3
attack() { "$py" "$report_tests/attacker.py" "$@"; }
refused=0
made=0
folders=()
report_and_attack() {   # YEAR
    local out=$work/r$1
    if "$PREVALENCE_BIN" -q report --year "$1" --out "$out" 2>"$work/err$1"; then
        made=$((made + 1))
        folders+=("$out")
    elif [ $? -eq 65 ] && grep -q "disclosure audit" "$work/err$1"; then
        refused=$((refused + 1))    # nothing published: safe, but counted
        cat "$work/err$1"
    else
        echo "FAIL: report --year $1:"; cat "$work/err$1"; status=1
    fi
}

for y in 2023 2024 2025; do
    load_year "$y" || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
for y in 2023 2024 2025; do report_and_attack "$y"; done

# Test the test: each channel planted into a copy of the 2025 report.
"$PREVALENCE_BIN" -q report --year 2025 --out "$work/good" --internal "$work/internal" ||
    { echo "FAIL: cannot make the 2025 report"; exit 1; }
plant() {   # NAME SED-SCRIPT-or-'json'  -- the attacker must fail on the copy
    rm -rf "$work/p-$1" && cp -r "$work/good" "$work/p-$1"
    case $2 in
        json) cp "$work/internal/estimates.json" "$work/p-$1/" ;;
        change) "$py" - "$work/p-$1" <<'PY' || { echo "FAIL: cannot plant the change"; status=1; }
# The statewide change printed to 1e-6 points and placed so that, with the
# charted 2024 rate, it leaves a sliver of the printed 2025 rate.
import csv, re, sys
d = sys.argv[1]
page = open(d + '/report.html', encoding='utf-8').read()
pv = float(re.search(r'<title>Arizona 2024: ([\d.]+)%', page).group(1))
cur = float(re.search(r'<title>Arizona 2025: ([\d.]+)%', page).group(1))
path = d + '/tables/change_2025.csv'
rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
rows[-1]['change_pp'] = '%+.6f' % (cur - pv - 0.1 + 0.0001)
with open(path, 'w', newline='', encoding='utf-8') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
PY
        ;;
        *) sed -i -E "$2" "$work/p-$1/report.html" ;;
    esac
    if attack "$work/p-$1" 10 >"$work/p-$1.out"; then
        echo "FAIL: the attacker misses the planted channel '$1'"; status=1
    fi
}
plant full-precision-json json
plant file-name 's|<tr><td>[0-9]+</td><td>responses</td>|<tr><td>responses-gila.csv</td><td>responses</td>|'
# The Arizona point drawn 0.3 px off its label: more precision than printed.
plant coordinate 's|(<circle class="trend-point" cx="[0-9.]+" cy=")([0-9]+)\.([0-9]+)("[^>]*><title>Arizona 2025)|\1\2.99\4|'
# Without the zero rule a <10 out of one respondent can only be 1.
plant denominator 's/zero and non-zero alike/zero is shown/'
# The change table's statewide change printed finer than the rates.
plant change change

# Generated years: three seeds, 17 years each, some counties missing.
for seed in 11 22 33; do
    case $seed in 11) y0=2030 ;; 22) y0=2050 ;; *) y0=2070 ;; esac
    "$PREVALENCE_BIN" -q synth --seed "$seed" --years "$y0-$((y0 + 16))" --out "$work/syn" \
        2>/dev/null || { echo "FAIL: synth"; exit 1; }
    for y in $(seq "$y0" $((y0 + 16))); do
        # Every third year a county sent nothing.
        if [ $((y % 3)) -eq 0 ]; then
            rm -f "$(ls "$work/syn/$y"/responses-*.csv | sed -n "$((y % 15 + 1))p")"
        fi
        # Years before the last two retired: each report keeps a short
        # trend (a change column and a chart), and the suite stays quick.
        { echo "UPDATE responses SET active = false WHERE survey_year < $((y - 2));"
          echo "UPDATE frames SET active = false WHERE survey_year < $((y - 2));"
          "$py" "$report_tests/load_sample.py" "$work/syn" "$y"; } |
            "$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 -f - >/dev/null ||
            { echo "FAIL: cannot load generated year $y"; exit 1; }
        report_and_attack "$y"
    done
done
# One attacker process for every folder made (scipy loads once).
attack --many 10 "${folders[@]}" >"$work/att.out" || { cat "$work/att.out"; status=1; }
tail -1 "$work/att.out"
echo "disclosure: $made reports attacked, $refused refused by the audit"
if [ "$refused" -gt 5 ]; then
    echo "FAIL: the audit refused $refused years: the rules should protect them"; status=1
fi
[ $status -eq 0 ] && echo "disclosure: all checks passed"
exit $status

#!/bin/bash
# Peak memory of checking and loading an .xlsx responses workbook against
# the same rows as CSV: bench/xlsx.sh [ROWS...] (default 20000 200000).
# Needs GNU time and python3-openpyxl; uses a throw-away cluster.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PREVALENCE_BIN:-$here/build/cli/prevalence}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-xlsx.XXXXXX")
chmod 0755 "$tmp"   # as root the embedded server runs as postgres
stop_all() {
    for h in "$tmp"/home-*; do
        [ -d "$h" ] && PREVALENCE_HOME=$h "$bin" -q db stop >/dev/null 2>&1
    done
    rm -rf "$tmp"
}
trap stop_all EXIT
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL
rows=("${@:-20000 200000}")
for n in ${rows[@]}; do
    /usr/bin/python3 - "$tmp/r$n" "$n" <<'PY'
import sys, openpyxl
out, n = sys.argv[1], int(sys.argv[2])
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet('Responses')
ws.append(['survey_year', 'county', 'respondent_id', 'role', 'caseload', 'confirmed', 'suspected'])
with open(out + '.csv', 'w') as f:
    f.write('survey_year,county,respondent_id,role,caseload,confirmed,suspected\n')
    for i in range(n):
        row = [2025, 'Maricopa', 'MAR-2025-%07d' % i, 'probation_officer', 40, i % 3, i % 2]
        ws.append(row)
        f.write(','.join(map(str, row)) + '\n')
wb.save(out + '.xlsx')
PY
    for ext in csv xlsx; do
        f=$tmp/r$n.$ext
        /usr/bin/time -v "$bin" -q check --offline responses "$f" 2>"$tmp/t" >/dev/null || true
        rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$tmp/t")
        secs=$(awk -F': ' '/Elapsed/ {print $2}' "$tmp/t")
        printf '%-5s %8d rows  %10d bytes  check: peak RSS %7d KiB  %s\n' "$ext" "$n" \
            "$(stat -c %s "$f")" "$rss" "$secs"
        # the whole load into a fresh embedded cluster (no frame, so the
        # officers_total bound does not apply to these made-up rows)
        home=$tmp/home-$ext-$n
        PREVALENCE_HOME=$home "$bin" -q init >/dev/null
        /usr/bin/time -v env PREVALENCE_HOME="$home" "$bin" -q load responses "$f" \
            2>"$tmp/t" >/dev/null || { cat "$tmp/t"; exit 1; }
        rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$tmp/t")
        secs=$(awk -F': ' '/Elapsed/ {print $2}' "$tmp/t")
        printf '%-5s %8d rows  %10s        load:  peak RSS %7d KiB  %s\n' "$ext" "$n" "" \
            "$rss" "$secs"
        PREVALENCE_HOME=$home "$bin" -q db stop >/dev/null 2>&1
    done
done

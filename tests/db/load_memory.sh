#!/bin/bash
# Ingest memory does not follow the rows (issue #21; collector/idset.h):
#  - `load` of a 200,000-row responses file peaks (maximum resident set
#    size, /usr/bin/time) at most 8 MiB above the load of a 2,000-row file;
#    the set of respondents held in memory whole (about 60 bytes each,
#    before #21) added some 13 MiB at 200,000 rows;
#  - in that file, a respondent repeated past the exact part of the set is
#    still named with its line, column and first line, nothing is loaded,
#    and the rejects file lists the row;
#  - without the repeat the 200,000 rows load, and the batch's sums equal
#    its rows (db verify).
# Runs under with-cluster.sh.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
T=$PREVALENCE_TEST_TMP
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# Under ASan/UBSan the resident size is the sanitizer's (shadow memory, a
# quarantine of freed blocks), not the program's: the bounds are checked in
# the plain build, the behaviour in both.
bound() { # bound ACTUAL LIMIT MESSAGE
    if [ "${PREVALENCE_SANITIZED:-0}" = 1 ]; then
        return 0
    fi
    [ "$1" -le "$2" ] || fail "$3"
}

make_file() { # make_file ROWS FILE YEAR [REPEAT_AT]: unique codes; row REPEAT_AT repeats row 100,000
    awk -v n="$1" -v y="$3" -v rep="${4:-0}" 'BEGIN {
        split("Apache Cochise Coconino Gila Graham Greenlee La_Paz Maricopa Mohave Navajo Pima Pinal Santa_Cruz Yavapai Yuma", c, " ");
        print "survey_year,county,respondent_id,role,caseload,confirmed,suspected";
        for (i = 1; i <= n; i++) {
            county = c[1 + i % 15]; gsub("_", " ", county);
            id = (i == rep) ? 100000 : i;
            printf "%d,%s,R%07d,,%d,%d,%d\n", y, county, id, 5 + i % 50, i % 3, i % 2;
        }
    }' >"$2"
}
peak_kib() { # peak_kib CMD...: runs CMD, prints its maximum resident set size in KiB
    /usr/bin/time -f '%M' -o "$T/time.out" "$@" >"$T/out" 2>"$T/err"
    echo "$? $(tail -n 1 "$T/time.out")"
}

"$P" -q init || fail "init"
make_file 2000 small.csv 2025
make_file 200000 large.csv 2025
make_file 200000 repeat.csv 2024 150000

read -r rc small < <(peak_kib "$P" -q check responses small.csv)
[ "$rc" = 0 ] || fail "check of 2,000 rows: exit $rc"
read -r rc large < <(peak_kib "$P" -q check responses large.csv)
[ "$rc" = 0 ] || fail "check of 200,000 rows: exit $rc"
echo "check: peak RSS $small KiB at 2,000 rows, $large KiB at 200,000"
bound "$large" $((small + 8192)) \
    "check of 200,000 rows peaks at $large KiB, more than 8 MiB above 2,000 rows ($small KiB)"

read -r rc loaded < <(peak_kib "$P" -q load responses large.csv)
[ "$rc" = 0 ] || { fail "load of 200,000 rows: exit $rc"; cat "$T/err"; }
echo "load: peak RSS $loaded KiB at 200,000 rows"
bound "$loaded" $((small + 8192)) \
    "load of 200,000 rows peaks at $loaded KiB, more than 8 MiB above a check of 2,000 rows ($small KiB)"
[ "$("$P" -q db psql -At -c "SELECT sum(respondents) FROM batch_sums WHERE active")" = 200000 ] \
    || fail "batch_sums do not count 200,000 respondents"
"$P" -q db verify >/dev/null 2>"$T/verify.err" || { fail "db verify after the load"; cat "$T/verify.err"; }

# The repeat on line 150,001 (row 150,000) of a code first on line 100,001.
"$P" load responses --rejects rejects.csv repeat.csv >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 65 ] || fail "load of a file with a late repeat: exit $rc, want 65"
grep -qx "repeat.csv:150001:respondent_id: respondent 'R0100000' appears twice for 2024 (first on line 100001)" "$T/err" \
    || { fail "the late repeat is not named with its line and first line"; head -5 "$T/err"; }
grep -qx "repeat.csv,150001,respondent_id: respondent 'R0100000' appears twice for 2024 (first on line 100001)" <(tr -d '\r' <rejects.csv) \
    || { fail "the rejects file does not list the late repeat"; cat rejects.csv; }
[ "$("$P" -q db psql -At -c "SELECT count(*) FROM batches")" = 1 ] \
    || fail "a file with a repeat left a batch"

# The same rows as .xlsx workbooks (written by openpyxl, an independent
# writer): the archive is read from the file a part at a time (issue #17),
# so a 200,000-row workbook (some 5 MB compressed) stays within 8 MiB of a
# 2,000-row one and within 2 MiB of the same rows as CSV, for check and for
# load (a reader holding the compressed workbook whole adds its 5 MB).
csv_check=$large csv_load=$loaded
/usr/bin/python3 - small.csv large.csv <<'PY' || fail "openpyxl could not write the workbooks"
import csv, sys, openpyxl
for path in sys.argv[1:]:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet('Responses')
    with open(path, newline='') as f:
        for i, row in enumerate(csv.reader(f)):
            ws.append(row if i == 0 else [int(row[0]), row[1], row[2].replace('R', 'X'), row[3],
                                          int(row[4]), int(row[5]), int(row[6])])
    wb.save(path.replace('.csv', '.xlsx'))
PY
read -r rc small < <(peak_kib "$P" -q check responses small.xlsx)
[ "$rc" = 0 ] || { fail "check of a 2,000-row workbook: exit $rc"; cat "$T/err"; }
read -r rc large < <(peak_kib "$P" -q check responses large.xlsx)
[ "$rc" = 0 ] || { fail "check of a 200,000-row workbook: exit $rc"; cat "$T/err"; }
echo "check .xlsx: peak RSS $small KiB at 2,000 rows, $large KiB at 200,000"
bound "$large" $((csv_check + 2048)) \
    "check of a 200,000-row workbook peaks at $large KiB, more than 2 MiB above the same rows as CSV ($csv_check KiB)"
bound "$large" $((small + 8192)) \
    "check of a 200,000-row workbook peaks at $large KiB, more than 8 MiB above 2,000 rows ($small KiB)"
read -r rc loaded < <(peak_kib "$P" -q load --replace responses large.xlsx)
[ "$rc" = 0 ] || { fail "load of a 200,000-row workbook: exit $rc"; cat "$T/err"; }
echo "load .xlsx: peak RSS $loaded KiB at 200,000 rows"
bound "$loaded" $((csv_load + 2048)) \
    "load of a 200,000-row workbook peaks at $loaded KiB, more than 2 MiB above the same rows as CSV ($csv_load KiB)"
bound "$loaded" $((small + 8192)) \
    "load of a 200,000-row workbook peaks at $loaded KiB, more than 8 MiB above a check of 2,000 rows ($small KiB)"
[ "$("$P" -q db psql -At -c "SELECT count(*) FROM responses WHERE active AND respondent_id LIKE 'X%'")" = 200000 ] \
    || fail "the workbook's 200,000 rows are not the active ones"
exit $((fails > 0))

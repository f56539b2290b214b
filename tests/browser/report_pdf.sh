#!/bin/bash
# prevalence report --pdf on the 2025 sample data: report.pdf exists, is
# US Letter or A4 portrait, and its text (pdftotext) has the headline and
# all 15 counties; the first two pages are saved as PNG (pdftoppm) next to
# the given path. Without Chromium on PATH, --pdf exits 69 naming the
# package, before writing anything.
#   report_pdf.sh OUT_PREFIX      (under tests/harness/with-cluster.sh)
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
prefix=$1
work=$PREVALENCE_TEST_TMP
status=0
fail() { echo "FAIL: $*"; status=1; }
python3 "$PREVALENCE_SOURCE_DIR/tests/browser/check_browser.py" --probe || exit $?
for t in pdftotext pdftoppm pdfinfo; do
    command -v $t >/dev/null || { echo "SKIP: $t missing (apt-get install poppler-utils)"; exit 77; }
done
load_year 2025 || { echo "FAIL: cannot load sample year 2025"; exit 1; }

# No Chromium: 69, the package named, nothing written.
PREVALENCE_CHROMIUM= PATH=/nonexistent "$PREVALENCE_BIN" -q report --year 2025 \
    --out "$work/nochrome" --pdf 2>"$work/nochrome.err"
rc=$?
[ $rc -eq 69 ] || fail "--pdf without Chromium exits $rc, want 69"
grep -q "apt-get install chromium" "$work/nochrome.err" ||
    fail "--pdf without Chromium does not name the package: $(cat "$work/nochrome.err")"
[ -e "$work/nochrome" ] && fail "--pdf without Chromium wrote $work/nochrome"

"$PREVALENCE_BIN" -q report --year 2025 --out "$work/r" --pdf || { echo "FAIL: report --pdf"; exit 1; }
pdf=$work/r/report.pdf
[ -s "$pdf" ] || { echo "FAIL: no report.pdf"; exit 1; }
size=$(pdfinfo "$pdf" | sed -n 's/^Page size: *//p')
case $size in
    "612 x 792 pts"*|"595"*" x 841"*" pts"*) ;;
    *) fail "page size $size: not US Letter or A4 portrait" ;;
esac
pdftotext -layout "$pdf" "$work/report.txt" || fail "pdftotext"
grep -q "Share of youth on juvenile probation who are confirmed" "$work/report.txt" ||
    fail "the headline is not in the PDF"
state=$(sed -n 's/.*id="headline-estimate">\([^<]*\)<.*/\1/p' "$work/r/report.html")
grep -qF "$state" "$work/report.txt" || fail "the headline estimate $state is not in the PDF"
for c in Apache Cochise Coconino Gila Graham Greenlee "La Paz" Maricopa Mohave Navajo Pima \
         Pinal "Santa Cruz" Yavapai Yuma; do
    grep -q "$c" "$work/report.txt" || fail "county $c is not in the PDF"
done
grep -q "Page 1 of" "$work/report.txt" || fail "no page number in the footer"
grep -q "survey year 2025" "$work/report.txt" || fail "no survey year in the footer"
mkdir -p "$(dirname "$prefix")"
pdftoppm -png -r 80 -f 1 -l 2 "$pdf" "$prefix" || fail "pdftoppm"
ls "$prefix"-*1.png "$prefix"-*2.png >/dev/null 2>&1 || fail "no page images"
[ $status -eq 0 ] && echo "report --pdf: $(pdfinfo "$pdf" | sed -n 's/^Pages: *//p') pages, headline and 15 counties in the text; pages 1-2 at $prefix-*.png"
exit $status

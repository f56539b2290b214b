#!/bin/bash
# prevalence export on the sample data, then the partner's steps:
# sha256sum -c MANIFEST.sha256 and Rscript reproduce.R, whose estimates must
# equal expected.csv to 1e-6 (compared again here, independently of the
# script's own check). Skips (77) without R and its survey package.
set -u
. "$PREVALENCE_SOURCE_DIR/tests/report/lib.sh"
work=$PREVALENCE_TEST_TMP
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survey)' >/dev/null 2>&1; then
    echo "SKIP: R with the survey package is not installed (apt-get install r-cran-survey);"
    echo "      the export bundle was not reproduced"
    exit 77
fi
status=0
bundle() {   # bundle NAME EXPORT-ARGS...
    local name=$1
    shift
    "$PREVALENCE_BIN" -q export --out "$work/$name" "$@" || { echo "FAIL: export $*"; status=1; return; }
    (cd "$work/$name" && sha256sum --quiet -c MANIFEST.sha256) || { echo "FAIL: $name: manifest"; status=1; }
    files=$(cd "$work/$name" && ls -A | LC_ALL=C sort | tr '\n' ' ')
    [ "$files" = "MANIFEST.sha256 README.md expected.csv frame.csv reproduce.R responses.csv " ] \
        || { echo "FAIL: $name: files $files"; status=1; }
    (cd "$work/$name" && Rscript reproduce.R) || { echo "FAIL: $name: reproduce.R"; status=1; return; }
    python3 "$PREVALENCE_SOURCE_DIR/tests/report/compare_r.py" "$work/$name" || status=1
}
for y in 2023 2024 2025; do
    load_year "$y" || { echo "FAIL: cannot load sample year $y"; exit 1; }
done
bundle b2025 --year 2025
bundle b2024 --year 2024 --lonely-psu certainty --method wilson
bundle b2023 --year 2023 --measure any --method logit --level 0.9
bundle b2025w --year 2025 --method wald
# Without a frame: equal weights, no fpc, no totals; frame.csv is a header.
drop_frame 2023 || { echo "FAIL: cannot drop the 2023 frame"; exit 1; }
bundle b2023nf --year 2023
[ $status -eq 0 ] && echo "export bundles: reproduced in R"
exit $status

# Shared by the report and export tests (sourced inside with-cluster.sh):
# load one sample-data year straight into the fresh cluster's database.
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}"
report_tests=$PREVALENCE_SOURCE_DIR/tests/report
# Outputs carry this time instead of now, so that two runs are identical.
export SOURCE_DATE_EPOCH=1751328000

load_year() {   # load_year YEAR
    "$PREVALENCE_BIN" -q init >/dev/null || return 1
    python3 "$report_tests/load_sample.py" "$PREVALENCE_SOURCE_DIR/sample-data" "$1" \
        | "$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 -f - >/dev/null
}

drop_frame() {   # drop_frame YEAR: as if the year had no frame loaded
    "$PREVALENCE_BIN" -q db psql -q -v ON_ERROR_STOP=1 \
        -c "UPDATE frames SET active = false WHERE survey_year = $1" >/dev/null
}

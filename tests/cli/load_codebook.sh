# Sourced by CLI cases that need data before the collector is involved:
#   load_codebook DIR
# loads every DIR/YEAR/responses*.csv and DIR/YEAR/frame.csv (codebook v1
# columns, counties by name) straight into the tables, as one responses
# batch and one frame batch, through `prevalence db psql`.
load_codebook() {
    local dir=$1 f args=()
    args+=(-c "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES ('responses', md5('r' || '$dir') || md5('r'), 'r.csv', 0, 'test'), ('frame', md5('f' || '$dir') || md5('f'), 'f.csv', 0, 'test')")
    args+=(-c "CREATE TEMP TABLE r (survey_year int, county text, respondent_id text, role text, caseload int, confirmed int, suspected int)")
    args+=(-c "CREATE TEMP TABLE f (survey_year int, county text, officers_total int, youth_total int)")
    for f in "$dir"/*/responses*.csv; do
        args+=(-c "\\copy r FROM '$f' WITH (FORMAT csv, HEADER true)")
    done
    for f in "$dir"/*/frame.csv; do
        args+=(-c "\\copy f FROM '$f' WITH (FORMAT csv, HEADER true)")
    done
    args+=(-c "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, role, caseload, confirmed, suspected) SELECT (SELECT max(batch_id) - 1 FROM batches), survey_year, c.fips, respondent_id, role, caseload, confirmed, suspected FROM r JOIN counties c ON c.name = r.county")
    args+=(-c "INSERT INTO frames (batch_id, survey_year, fips, officers_total, youth_total) SELECT (SELECT max(batch_id) FROM batches), survey_year, c.fips, officers_total, youth_total FROM f JOIN counties c ON c.name = f.county")
    $PREVALENCE -q init
    $PREVALENCE db psql -q -v ON_ERROR_STOP=1 "${args[@]}" >/dev/null
}

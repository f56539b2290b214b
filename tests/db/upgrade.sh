#!/bin/bash
# Upgrades from what users have (issue #20): the database of the release
# before this wave (tests/data/upgrade/prewave.sql, made by that release,
# see make_prewave_dump.sh) is restored, upgraded by `init`, which backs it
# up first, and then gives the same estimate, trend and report outputs as
# the same files freshly loaded by this version. Every later migration must
# keep this green. Also: init keeps the newest five pre-upgrade backups,
# and a failed backup stops the upgrade. Runs under with-cluster.sh.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
SRC=$PREVALENCE_SOURCE_DIR
S=$SRC/sample-data
T=$PREVALENCE_TEST_TMP
export SOURCE_DATE_EPOCH=1751328000
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
sql() { "$P" -q db psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
fresh_cluster() {
    "$P" -q db stop >/dev/null 2>&1
    rm -rf "$PREVALENCE_HOME"
    "$P" -q db start >/dev/null 2>&1 || fail "db start"
}
# Load times are the only clock the outputs read from the database.
pin_times() {
    sql "UPDATE batches SET loaded_at = timestamptz '2025-07-01 00:00:00+00' + batch_id * interval '1 minute'" >/dev/null
}
outputs() { # outputs DIR
    mkdir -p "$1"
    for y in 2023 2024 2025; do
        "$P" -q estimate --year "$y" --measure all --format csv >"$1/estimate-$y.csv" || fail "estimate $y ($1)"
    done
    "$P" -q trend --from 2023 --to 2025 --format csv >"$1/trend.csv" || fail "trend ($1)"
    "$P" -q report --year 2025 --out "$1/report-2025" >/dev/null || fail "report ($1)"
    "$P" -q batches --format csv >"$1/batches.csv" 2>/dev/null
}

# ---- the released database, upgraded --------------------------------------------
fresh_cluster
sql "CREATE ROLE prevalence_owner NOLOGIN; CREATE ROLE prevalence_collector NOLOGIN;
     CREATE ROLE prevalence_analyst NOLOGIN; CREATE ROLE prevalence_reader NOLOGIN" >/dev/null
"$P" -q db psql -qX -v ON_ERROR_STOP=1 -f "$SRC/tests/data/upgrade/prewave.sql" >/dev/null 2>"$T/restore.err" \
    || { fail "prewave.sql does not restore"; cat "$T/restore.err"; }
[ "$(sql "SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations")" = \
  "001_init.sql,002_collector.sql,003_roles.sql" ] || fail "prewave.sql is not the 001-003 schema"
"$P" init 2>"$T/init.err" || { fail "init on the released database"; cat "$T/init.err"; }
grep -q "backed up the database first to .*/backups/pre-migrate-" "$T/init.err" \
    || fail "init did not back up before upgrading: $(cat "$T/init.err")"
[ "$(ls "$PREVALENCE_HOME/backups" | wc -l)" = 1 ] || fail "not one backup in backups/"
grep -q "applied migration 006_content_digests.sql" "$T/init.err" || fail "006 not applied"
"$P" db verify >"$T/verify.out" 2>&1 || { fail "verify after upgrade"; cat "$T/verify.out"; }
grep -q "loaded before digests existed" "$T/verify.out" || fail "verify does not say which digests came at upgrade"
# The pre-upgrade backup restores (schema 003) and upgrades again.
pre=$(ls "$PREVALENCE_HOME"/backups/pre-migrate-*.backup)
cp "$pre" "$T/pre.backup"
pin_times
outputs "$T/upgraded"
# A load into the upgraded database works and is verified.
"$P" -q load --replace responses "$S/2025/responses-gila.csv" >/dev/null 2>&1
"$P" -q db verify >/dev/null || fail "verify after a load into the upgraded database"

# ---- the same files, freshly loaded by this version --------------------------------
fresh_cluster
"$P" -q init
for y in 2023 2024 2025; do
    "$P" -q load responses "$S/$y"/responses-*.csv || fail "load $y"
    "$P" -q load frame "$S/$y/frame.csv" || fail "load frame $y"
done
"$P" -q load --replace responses "$S/2025/responses-pima.csv" >/dev/null 2>&1
pin_times
outputs "$T/fresh"
python3 "$SRC/tests/snapshot/compare.py" "$T/fresh" "$T/upgraded" || fail "outputs of the upgraded database differ from a fresh load"

# ---- the pre-upgrade backup: restore (schema 003), then upgrade ----------------------
fresh_cluster
"$P" db restore "$T/pre.backup" 2>"$T/r.err" || { fail "restore of the pre-upgrade backup"; cat "$T/r.err"; }
[ "$(sql "SELECT max(version) FROM schema_migrations")" = 3 ] || fail "pre-upgrade backup is not schema 3"
"$P" -q init 2>/dev/null || fail "init after restoring the pre-upgrade backup"
pin_times
outputs "$T/pre"
python3 "$SRC/tests/snapshot/compare.py" "$T/fresh" "$T/pre" || fail "outputs after restore+upgrade differ"

# ---- five backups kept; a failed backup stops the upgrade --------------------------
cp -r "$SRC/sql" "$T/sql"
export PREVALENCE_SQL_DIR=$T/sql
for i in 1 2 3 4 5 6 7; do
    echo "SELECT 1;" >"$T/sql/90${i}_noop.sql"
    "$P" -q init || fail "init with noop migration $i"
    sleep 1
done
[ "$(ls "$PREVALENCE_HOME"/backups/pre-migrate-*.backup | wc -l)" = 5 ] \
    || fail "not the newest five backups kept: $(ls "$PREVALENCE_HOME/backups")"
real_bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$T/fakebin"
for f in "$real_bindir"/*; do ln -sf "$f" "$T/fakebin/"; done
rm -f "$T/fakebin/pg_dump"
printf '#!/bin/bash\n[ "$1" = --version ] && exec %s/pg_dump --version\necho "pg_dump: error: disk full" >&2\nexit 1\n' "$real_bindir" >"$T/fakebin/pg_dump"
chmod +x "$T/fakebin/pg_dump"
echo "SELECT 1;" >"$T/sql/908_noop.sql"
PREVALENCE_PG_BINDIR=$T/fakebin "$P" -q init 2>"$T/fail.err" && fail "init upgraded although its backup failed"
grep -q "the schema was not upgraded" "$T/fail.err" || fail "failed-backup message: $(cat "$T/fail.err")"
[ "$(sql "SELECT count(*) FROM schema_migrations WHERE version = 908")" = 0 ] || fail "908 applied without a backup"

[ $fails -eq 0 ] && echo "upgrade: all checks passed"
exit $((fails > 0))

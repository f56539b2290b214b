#!/bin/bash
# db verify, db backup, db restore on the embedded cluster (issue #20):
#  - verify: 0 on loaded data; 65 naming the batch after a row is changed,
#    deleted or added behind the loader's back; --year limits it
#  - backup + restore into an empty cluster gives the same estimate, the
#    same batches and digests, and the same privileges for every role
#  - restore refuses a non-empty target (73) unless --force
#  - a truncated, altered or re-signed-but-wrong backup is refused before
#    anything is written (the target stays empty), and a restore whose rows
#    differ from the manifest leaves the target marked unusable
#  - an interrupted backup leaves no file that looks complete, and the
#    next backup to the same name removes its temporary
# Runs under with-cluster.sh (a fresh data home).
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
S=$PREVALENCE_SOURCE_DIR/sample-data
T=$PREVALENCE_TEST_TMP
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() { # expect_rc WANT WHAT CMD...
    local want=$1 what=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; local got=$?
    [ "$got" = "$want" ] || { fail "$what: exit $got, want $want"; cat "$T/err"; }
}
sql() { "$P" -q db psql -qAtX -c "$1"; }
# What every role may do, as one text: table, column and function
# privileges of the four roles on every object in public, and the
# database's own. Compared before and after a restore.
privileges() {
    sql "SELECT r, c.relname, p, has_table_privilege(r, c.oid, p)
           FROM unnest(ARRAY['prevalence_owner','prevalence_collector','prevalence_analyst','prevalence_reader']) r,
                pg_class c, unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r','v')
         UNION ALL
         SELECT r, c.relname || '.' || a.attname, 'SELECT', has_column_privilege(r, c.oid, a.attnum, 'SELECT')
           FROM unnest(ARRAY['prevalence_collector','prevalence_reader']) r, pg_class c
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r','v')
         UNION ALL
         SELECT r, f.oid::regprocedure::text, 'EXECUTE', has_function_privilege(r, f.oid, 'EXECUTE')
           FROM unnest(ARRAY['prevalence_collector','prevalence_analyst','prevalence_reader']) r, pg_proc f
          WHERE f.pronamespace = 'public'::regnamespace OR f.proname IN ('lo_creat', 'lo_from_bytea')
         UNION ALL
         SELECT r, 'database', p, has_database_privilege(r, current_database(), p)
           FROM unnest(ARRAY['prevalence_owner','prevalence_collector','prevalence_analyst','prevalence_reader']) r,
                unnest(ARRAY['CONNECT','TEMPORARY','CREATE']) p
         UNION ALL
         SELECT r, 'schema public', 'CREATE', has_schema_privilege(r, 'public', 'CREATE')
           FROM unnest(ARRAY['prevalence_collector','prevalence_analyst','prevalence_reader']) r
         UNION ALL
         SELECT c.relname, t.tgname, 'trigger', true FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE NOT t.tgisinternal
         ORDER BY 1, 2, 3"
}
fresh_cluster() {
    "$P" -q db stop >/dev/null 2>&1
    rm -rf "$PREVALENCE_HOME"
    "$P" -q db start >/dev/null 2>&1 || fail "db start"
}

"$P" -q init
for y in 2024 2025; do
    "$P" -q load responses "$S/$y"/responses-*.csv || fail "load $y"
    "$P" -q load frame "$S/$y/frame.csv" || fail "load frame $y"
done
# a superseded batch too
"$P" -q load --replace responses "$S/2025/responses-pima.csv" 2>/dev/null

# ---- verify --------------------------------------------------------------------
expect_rc 0 "verify on loaded data" "$P" db verify
grep -q "^verified 3[0-9] batches" "$T/out" || fail "verify summary: $(cat "$T/out")"
expect_rc 0 "verify --year 2024" "$P" db verify --year 2024
grep -q "^verified 16 batches of that year" "$T/out" || fail "verify --year: $(cat "$T/out")"
expect_rc 64 "verify --year 1999" "$P" db verify --year 1999

"$P" -q estimate --year 2025 --format csv >"$T/estimate.before" || fail "estimate"
"$P" -q batches --format csv >"$T/batches.before" 2>/dev/null
privileges >"$T/privileges.before"
[ -s "$T/privileges.before" ] || fail "no privileges listed"

# ---- backup --------------------------------------------------------------------
expect_rc 0 "backup" "$P" db backup --out "$T/good.backup"
[ -f "$T/good.backup" ] || fail "no backup file"
[ "$(stat -c %a "$T/good.backup")" = 600 ] || fail "backup is not private (0600)"
want_version=$(ls "$PREVALENCE_SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql | sed -n '$s|.*/0*\([0-9]*\)_.*|\1|p')
grep -aq "^schema_version $want_version$" "$T/good.backup" || fail "manifest lacks schema_version $want_version"
grep -aq "^tool_version " "$T/good.backup" || fail "manifest lacks tool_version"
[ "$(grep -ac '^batch ' "$T/good.backup")" -ge 30 ] || fail "manifest lacks batch lines"
ls -a "$T" | grep -q '^\.good\.backup\.' && fail "temporary file left after a backup"

# A changed, a deleted and an added row: verify names the batch, exit 65.
b=$(sql "SELECT batch_id FROM batches WHERE file_name = 'responses-gila.csv' AND NOT superseded LIMIT 1")
sql "UPDATE responses SET confirmed = confirmed + 1 WHERE batch_id = $b AND confirmed + suspected < caseload AND ctid = (SELECT min(ctid) FROM responses WHERE batch_id = $b AND confirmed + suspected < caseload)"
expect_rc 65 "verify after an UPDATE" "$P" db verify
grep -q "batch $b (responses, responses-gila.csv): its .* rows changed since it was loaded" "$T/err" \
    || { fail "verify does not name batch $b"; cat "$T/err"; }
f=$(sql "SELECT batch_id FROM batches WHERE kind = 'frame' AND NOT superseded ORDER BY batch_id LIMIT 1")
sql "DELETE FROM frames WHERE ctid = (SELECT min(ctid) FROM frames WHERE batch_id = $f)"
expect_rc 65 "verify after a DELETE" "$P" db verify
grep -q "batch $f (frame, frame.csv): 15 rows when it was loaded, 14 now; rows were lost" "$T/err" \
    || { fail "verify does not name the frame batch"; cat "$T/err"; }
# --year 2099 holds no batch: nothing to find
expect_rc 0 "verify --year 2099" "$P" db verify --year 2099

# ---- restore -------------------------------------------------------------------
expect_rc 73 "restore into a non-empty database" "$P" db restore "$T/good.backup"
grep -q "not empty.*--force" "$T/err" || fail "non-empty message: $(cat "$T/err")"
expect_rc 0 "restore --force over the damaged database" "$P" db restore --force "$T/good.backup"
expect_rc 0 "verify after restore --force" "$P" db verify

fresh_cluster
expect_rc 0 "restore into an empty cluster" "$P" db restore "$T/good.backup"
expect_rc 0 "verify after restore" "$P" db verify
"$P" -q estimate --year 2025 --format csv >"$T/estimate.after" || fail "estimate after restore"
cmp -s "$T/estimate.before" "$T/estimate.after" || fail "estimate differs after restore"
"$P" -q batches --format csv >"$T/batches.after" 2>/dev/null
cmp -s "$T/batches.before" "$T/batches.after" || fail "batches differ after restore"
privileges >"$T/privileges.after"
diff "$T/privileges.before" "$T/privileges.after" >"$T/priv.diff" \
    || { fail "role privileges differ after restore"; head -20 "$T/priv.diff"; }
# A load after the restore: the identity sequence and the rules work.
"$P" -q load responses "$S/2023"/responses-*.csv || fail "load after restore"
expect_rc 0 "verify after a load following restore" "$P" db verify

# ---- the batch sums every estimate reads (sql/008_batch_sums.sql) -----------------
# Rows changed behind the loader's back keep their sums in step (triggers);
# a changed sums row is found by verify (65, naming batch and county-year)
# and status --verify, changes the estimate, and refresh repairs it.
b=$(sql "SELECT batch_id FROM batches WHERE file_name = 'responses-gila.csv' AND NOT superseded
          AND batch_id IN (SELECT batch_id FROM batch_scope WHERE survey_year = 2025)")
sums_differ() {
    sql "SELECT count(*) FROM batch_sums s FULL JOIN prevalence_batch_sums_from_rows(NULL) d
           ON (d.batch_id, d.survey_year, d.fips, d.role, d.active)
            = (s.batch_id, s.survey_year, s.fips, s.role, s.active)
          WHERE row_to_json(s)::text IS DISTINCT FROM row_to_json(d)::text"
}
[ "$(sums_differ)" = 0 ] || fail "batch_sums differ from the rows after load, restore and load"
[ "$(sql "SELECT count(*) FROM batch_sums")" -gt 30 ] || fail "batch_sums nearly empty"
"$P" -q estimate --year 2025 --measure all --format csv >"$T/sums.before" || fail "estimate"
sql "UPDATE responses SET caseload = caseload + 1 WHERE batch_id = $b AND caseload < 1000
        AND ctid = (SELECT min(ctid) FROM responses WHERE batch_id = $b AND caseload < 1000);
     DELETE FROM responses WHERE ctid = (SELECT max(ctid) FROM responses WHERE batch_id = $b);
     UPDATE responses SET active = false WHERE batch_id = $b AND role = 'supervisor'" >/dev/null
[ "$(sums_differ)" = 0 ] || fail "batch_sums do not follow an UPDATE and a DELETE of rows"
"$P" -q estimate --year 2025 --measure all --format csv >"$T/sums.changed" || fail "estimate"
cmp -s "$T/sums.before" "$T/sums.changed" && fail "estimate did not follow rows changed in place"
expect_rc 0 "restore --force before the sums checks" "$P" db restore --force "$T/good.backup"
"$P" -q load responses "$S/2023"/responses-*.csv || fail "load after restore"
b=$(sql "SELECT batch_id FROM batches WHERE file_name = 'responses-gila.csv' AND NOT superseded
          AND batch_id IN (SELECT batch_id FROM batch_scope WHERE survey_year = 2025)")
"$P" -q estimate --year 2025 --measure all --format csv >"$T/sums.before" || fail "estimate"
sql "UPDATE batch_sums SET confirmed = confirmed + 1
      WHERE ctid = (SELECT min(ctid) FROM batch_sums WHERE batch_id = $b AND active)" >/dev/null
expect_rc 65 "verify after a sums row is changed" "$P" db verify
grep -q "batch $b (responses, responses-gila.csv): its stored sums for Gila 2025 .*differ from what its rows add up to" "$T/err" \
    || { fail "verify does not name the batch whose sums changed"; cat "$T/err"; }
expect_rc 0 "verify --year 2024 does not see a 2025 sums row" "$P" db verify --year 2024
"$P" -q estimate --year 2025 --measure all --format csv >"$T/sums.changed" || fail "estimate"
cmp -s "$T/sums.before" "$T/sums.changed" && fail "estimate does not read batch_sums"
"$P" status --year 2025 --verify >/dev/null 2>"$T/status.err"
grep -q "warning: batch $b, Gila 2025: its stored sums (batch_sums) differ" "$T/status.err" \
    || { fail "status --verify does not report the changed sums"; cat "$T/status.err"; }
[ "$(sql "SELECT prevalence_batch_sums_refresh($b)")" -ge 1 ] || fail "refresh wrote no group"
expect_rc 0 "verify after prevalence_batch_sums_refresh" "$P" db verify
"$P" -q estimate --year 2025 --measure all --format csv >"$T/sums.changed" || fail "estimate"
cmp -s "$T/sums.before" "$T/sums.changed" || fail "estimate differs after the refresh"

# ---- damaged backups: refused before anything is written -------------------------
head -c 30000 "$T/good.backup" >"$T/cut.backup"
cp "$T/good.backup" "$T/flip.backup"
printf 'X' | dd of="$T/flip.backup" bs=1 seek=20000 conv=notrunc 2>/dev/null
# The manifest altered (a batch's digest) without re-signing it.
python3 - "$T/good.backup" "$T/manifest.backup" "$T/resigned.backup" <<'EOF'
import hashlib, re, sys
data = open(sys.argv[1], 'rb').read()
n = int(data[-13:-1])
dump, man = data[:-39 - n], data[-39 - n:-39]
bad = re.sub(rb'(\nbatch 2 responses active \d+ )([0-9a-f])', lambda m: m.group(1) + (b'0' if m.group(2) != b'0' else b'1'), man, count=1)
assert bad != man
open(sys.argv[2], 'wb').write(dump + bad + data[-39:])
# the same alteration, re-signed: the file is self-consistent, the rows are not what it says
head = bad[:bad.index(b'\nmanifest_sha256 ') + 1]
signed = head + b'manifest_sha256 ' + hashlib.sha256(head).hexdigest().encode() + b'\n'
open(sys.argv[3], 'wb').write(dump + signed + b'prevalence-backup-trailer %012d\n' % len(signed))
EOF
fresh_cluster
for bad in cut flip manifest; do
    expect_rc 65 "restore of the $bad backup" "$P" db restore "$T/$bad.backup"
    grep -q "nothing was restored" "$T/err" || fail "$bad: message: $(cat "$T/err")"
    [ "$(sql "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" = 0 ] \
        || fail "restore of the $bad backup wrote to the target"
done
grep -q "altered" "$T/err" || fail "manifest alteration not named"
expect_rc 65 "restore of a re-signed backup whose rows differ" "$P" db restore "$T/resigned.backup"
grep -q "differ from the backup's manifest.*marked unusable" "$T/err" || fail "resigned: $(cat "$T/err")"
expect_rc 69 "estimate on a database marked unusable" "$P" estimate --year 2025
grep -q "marked unusable" "$T/err" || fail "unusable message: $(cat "$T/err")"
expect_rc 69 "verify on a database marked unusable" "$P" db verify
expect_rc 0 "restore --force of the good backup clears it" "$P" db restore --force "$T/good.backup"
expect_rc 0 "estimate after the good restore" "$P" -q estimate --year 2025 --format csv

# ---- an interrupted backup ---------------------------------------------------------
# A pg_dump that writes part of the dump and then the whole tool is killed
# (SIGKILL: no clean-up handler runs).
real_bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$T/fakebin"
for f in "$real_bindir"/*; do ln -sf "$f" "$T/fakebin/"; done
rm -f "$T/fakebin/pg_dump"
cat >"$T/fakebin/pg_dump" <<EOF
#!/bin/bash
[ "\$1" = --version ] && exec "$real_bindir/pg_dump" --version
"$real_bindir/pg_dump" "\$@" | head -c 20000
sleep 0.5
kill -9 \$PPID
EOF
chmod +x "$T/fakebin/pg_dump"
PREVALENCE_PG_BINDIR=$T/fakebin "$P" db backup --out "$T/interrupted.backup" >/dev/null 2>&1
[ -e "$T/interrupted.backup" ] && fail "an interrupted backup left the named file"
left=0
for f in "$T"/.interrupted.backup.*; do
    [ -e "$f" ] || continue
    left=$((left + 1))
    expect_rc 65 "restore of an interrupted backup's temporary" "$P" db restore --force "$f"
done
[ $left -ge 1 ] || fail "the killed backup left no temporary: the clean-up below tests nothing"
# The next backup to the same name writes it whole and removes what the
# killed one left (nobody holds its lock any more).
expect_rc 0 "backup after an interrupted one" "$P" -q db backup --out "$T/interrupted.backup"
for f in "$T"/.interrupted.backup.*; do
    [ -e "$f" ] && fail "the interrupted backup's temporary $f is still there"
done
expect_rc 0 "the backup after an interrupted one restores" "$P" db restore --force "$T/interrupted.backup"

[ $fails -eq 0 ] && echo "backup_restore: all checks passed"
exit $((fails > 0))

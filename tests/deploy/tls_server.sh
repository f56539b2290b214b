#!/bin/bash
# A shared server as JJSD would run one (docs/deploy.md, "A shared
# PostgreSQL server"): a separate PostgreSQL 15 cluster listening on
# 127.0.0.1 only, ssl = on with a certificate from a CA made here,
# scram-sha-256 passwords, and a pg_hba.conf that allows hostssl only. One
# login user per role of sql/003_roles.sql; every command runs over
#   --db "host=127.0.0.1 port=P sslmode=verify-full sslrootcert=CA user=U"
# with the passwords in a PGPASSFILE. Checks that each role can do what
# docs/security.md says and no more, that a connection without TLS and a
# wrong password are refused with a clear message that never prints the
# password, and that backup -> restore -> verify -> estimate gives the same
# numbers. As root the server runs as the 'postgres' user.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}"
p=$PREVALENCE_BIN
src=$PREVALENCE_SOURCE_DIR
bindir=/usr/lib/postgresql/15/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-tls.XXXXXX") || exit 70
chmod 0755 "$tmp"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
    run_as=(setpriv --reuid=postgres --regid=postgres --clear-groups)
fi
pgdata=$tmp/pgdata
cleanup() {
    "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }
ok() { echo "ok: $*"; }

unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER PGPASSWORD DATABASE_URL
export PREVALENCE_HOME=$tmp/home     # never used: every command gets --db
export SOURCE_DATE_EPOCH=1751328000

# ---- certificates: a CA, and a server certificate for 127.0.0.1 ----------
mkdir "$tmp/tls"
(
    cd "$tmp/tls" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=prevalence test CA" \
        -keyout ca.key -out ca.crt 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout server.key -out server.csr 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out server.crt 2>/dev/null
) || { echo "FAIL: openssl could not make the certificates"; exit 1; }
chmod 0600 "$tmp/tls/server.key"

# ---- the cluster ---------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
super_pw="su-$(openssl rand -hex 12)"
printf '%s\n' "$super_pw" >"$tmp/superpw"
mkdir "$pgdata" "$tmp/run"
: >"$tmp/server.log"
if [ ${#run_as[@]} -gt 0 ]; then
    chown postgres:postgres "$pgdata" "$tmp/run" "$tmp/superpw" "$tmp/server.log" \
        "$tmp/tls/server.key" "$tmp/tls/server.crt"
fi
"${run_as[@]}" "$bindir/initdb" -D "$pgdata" -U postgres --pwfile="$tmp/superpw" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log"; echo "FAIL: initdb"; exit 1; }
cat >>"$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$tmp/run'
ssl = on
ssl_cert_file = '$tmp/tls/server.crt'
ssl_key_file = '$tmp/tls/server.key'
password_encryption = 'scram-sha-256'
CONF
# TLS with a password, from loopback, and nothing else: no local socket,
# no plain TCP
printf 'hostssl all all 127.0.0.1/32 scram-sha-256\n' >"$pgdata/pg_hba.conf"
"${run_as[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$tmp/server.log" -w start >/dev/null 2>&1 \
    || { cat "$tmp/server.log"; echo "FAIL: the server did not start"; exit 1; }

# ---- users and their passwords (PGPASSFILE) ------------------------------
declare -A pw
for u in postgres jjsd_owner county_loader analyst council; do
    [ "$u" = postgres ] && pw[$u]=$super_pw || pw[$u]="$u-$(openssl rand -hex 12)"
done
: >"$tmp/pgpass"
for u in "${!pw[@]}"; do
    printf '127.0.0.1:%s:*:%s:%s\n' "$port" "$u" "${pw[$u]}" >>"$tmp/pgpass"
done
chmod 0600 "$tmp/pgpass"
export PGPASSFILE=$tmp/pgpass
conn() {   # conn USER [DB]: the connection string every command gets
    echo "host=127.0.0.1 port=$port dbname=${2:-prevalence} sslmode=verify-full sslrootcert=$tmp/tls/ca.crt user=$1"
}
sql() {    # sql USER SQL...: psql over the same TLS connection
    local u=$1
    shift
    psql -X -q -A -t -v ON_ERROR_STOP=1 "$(conn "$u" "${DB:-prevalence}")" "$@"
}
never_prints_passwords() {   # never_prints_passwords TEXT WHAT
    for u in "${!pw[@]}"; do
        if grep -qF -- "${pw[$u]}" <<<"$1"; then
            fail "$2 printed the password of $u"
            return
        fi
    done
}

DB=postgres sql postgres -c "CREATE DATABASE prevalence" -c "CREATE DATABASE restored" \
    || { echo "FAIL: cannot create the databases over TLS"; exit 1; }
# the first init, by the database's owner: creates the prevalence_* roles
out=$("$p" -q --db "$(conn postgres)" init 2>&1) || fail "init as the superuser: $out"
DB=postgres sql postgres \
    -c "CREATE ROLE jjsd_owner LOGIN PASSWORD '${pw[jjsd_owner]}' IN ROLE prevalence_owner" \
    -c "CREATE ROLE county_loader LOGIN PASSWORD '${pw[county_loader]}' IN ROLE prevalence_collector" \
    -c "CREATE ROLE analyst LOGIN PASSWORD '${pw[analyst]}' IN ROLE prevalence_analyst" \
    -c "CREATE ROLE council LOGIN PASSWORD '${pw[council]}' IN ROLE prevalence_reader" \
    || { echo "FAIL: cannot create the login users"; exit 1; }
hash=$(DB=postgres sql postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'analyst'")
[[ $hash == SCRAM-SHA-256* ]] && ok "passwords are stored as SCRAM-SHA-256" \
    || fail "the analyst's password is not a SCRAM verifier"

# ---- what each role may do ------------------------------------------------
out=$("$p" -q --db "$(conn jjsd_owner)" init 2>&1) && ok "init as the owner (nothing to do)" \
    || fail "init as a member of prevalence_owner: $out"
out=$("$p" -q --db "$(conn county_loader)" load frame "$src"/sample-data/*/frame.csv 2>&1) \
    && ok "the collector loads the frames" || fail "collector load frame: $out"
out=$("$p" -q --db "$(conn county_loader)" load responses "$src"/sample-data/*/responses-*.csv 2>&1) \
    && ok "the collector loads every county's responses" || fail "collector load responses: $out"
out=$("$p" -q --db "$(conn county_loader)" estimate --year 2025 --format csv 2>&1)
rc=$?
[ $rc -eq 77 ] && ok "the collector cannot read the answers (estimate: exit 77)" \
    || fail "collector estimate: exit $rc, want 77: $out"
"$p" -q --db "$(conn analyst)" estimate --year 2025 --format csv >"$tmp/estimate.csv" 2>"$tmp/err" \
    && ok "the analyst estimates" || fail "analyst estimate: $(cat "$tmp/err")"
out=$("$p" -q --db "$(conn analyst)" report --year 2025 --out "$tmp/report" 2>&1) \
    && [ -s "$tmp/report/report.html" ] && ok "the analyst writes the report" \
    || fail "analyst report: $out"
out=$("$p" -q --db "$(conn analyst)" export --year 2025 --out "$tmp/export" 2>&1) \
    && [ -s "$tmp/export/responses.csv" ] && ok "the analyst writes the partner bundle" \
    || fail "analyst export: $out"
out=$("$p" -q --db "$(conn analyst)" publish --year 2025 2>&1)
rc=$?
[ $rc -eq 77 ] && ok "the analyst cannot publish (exit 77)" || fail "analyst publish: exit $rc, want 77"
out=$("$p" -q --db "$(conn jjsd_owner)" publish --year 2025 2>&1) \
    && ok "the owner publishes" || fail "owner publish: $out"
n=$(sql council -c "SELECT count(*) FROM published_county_estimates WHERE survey_year = 2025")
[ "${n:-0}" -gt 0 ] && ok "the Council reads the published tables ($n rows)" \
    || fail "reader cannot read published_county_estimates"
out=$(sql council -c "SELECT count(*) FROM responses" 2>&1)
grep -q "permission denied" <<<"$out" && ok "the Council cannot read the answers" \
    || fail "reader read responses: $out"
out=$("$p" -q --db "$(conn council)" estimate --year 2025 2>&1)
[ $? -eq 77 ] && ok "the Council cannot estimate (exit 77)" || fail "reader estimate: $out"

# ---- refused connections: no TLS, a wrong password -------------------------
out=$("$p" -q --db "host=127.0.0.1 port=$port dbname=prevalence sslmode=disable user=analyst" \
      estimate --year 2025 2>&1)
rc=$?
if [ $rc -eq 69 ] && grep -q "pg_hba.conf\|no encryption" <<<"$out"; then
    ok "a connection without TLS is refused (exit 69)"
else
    fail "without TLS: exit $rc, want 69 with the server's reason: $out"
fi
never_prints_passwords "$out" "the refused plain connection"
out=$("$p" -q --db "$(conn analyst) password=Wrong-$(openssl rand -hex 6)" estimate --year 2025 2>&1)
rc=$?
if [ $rc -eq 69 ] && grep -q "password authentication failed" <<<"$out"; then
    ok "a wrong password is refused (exit 69), the password not printed"
else
    fail "wrong password: exit $rc, want 69: $out"
fi
grep -q "Wrong-" <<<"$out" && fail "the wrong password was printed"
out=$("$p" -q --db "$(conn analyst) sslrootcert=/dev/null" estimate --year 2025 2>&1)
[ $? -eq 69 ] && ok "a server certificate the CA did not sign is refused" \
    || fail "verify-full accepted a server without the CA: $out"
never_prints_passwords "$out" "the refused certificate"

# ---- backup, restore into an empty database, verify, the same numbers ----
out=$("$p" -q --db "$(conn postgres)" db backup --out "$tmp/jjsd.backup" 2>&1) \
    && [ -s "$tmp/jjsd.backup" ] && ok "db backup over TLS" || fail "db backup: $out"
out=$("$p" -q --db "$(conn postgres restored)" db restore "$tmp/jjsd.backup" 2>&1) \
    && ok "db restore into an empty database over TLS" || fail "db restore: $out"
out=$("$p" -q --db "$(conn postgres restored)" db verify 2>&1) \
    && ok "db verify after the restore" || fail "db verify: $out"
"$p" -q --db "$(conn analyst restored)" estimate --year 2025 --format csv >"$tmp/estimate2.csv" 2>"$tmp/err" \
    || fail "the analyst cannot estimate on the restored database: $(cat "$tmp/err")"
cmp -s "$tmp/estimate.csv" "$tmp/estimate2.csv" \
    && ok "the restored database gives the same estimates, digit for digit" \
    || fail "the restored database's estimates differ"
never_prints_passwords "$(cat "$tmp/server.log" 2>/dev/null)" "the server log"
exit $status

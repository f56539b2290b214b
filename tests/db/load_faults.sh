#!/bin/bash
# Faults during a load (issue #20, point 5), each followed by the same
# load again, which must load the file exactly once:
#  - the embedded cluster's disk fills up in the middle of the load (its
#    data home on a small tmpfs): exit 69 with a message that says the
#    disk is full and what to do, no batch and no row left
#  - the TCP connection to the server is cut in the middle of COPY (a
#    proxy between the tool and the server, killed): exit 69, nothing left
# Runs under with-cluster.sh. The tmpfs needs root (CI runs as root):
# without it this test fails under CI=true and is skipped (77) elsewhere.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}" "${PREVALENCE_TEST_TMP:?}"
P=$PREVALENCE_BIN
T=$PREVALENCE_TEST_TMP
cd "$T" || exit 70
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
small=$T/small
proxy_pid=
cleanup() {
    [ -n "$proxy_pid" ] && kill -9 "$proxy_pid" 2>/dev/null
    PREVALENCE_HOME=$small/home "$P" -q db stop >/dev/null 2>&1
    mountpoint -q "$small" && umount "$small"
}
trap cleanup EXIT

# ---- the disk fills during a load ---------------------------------------------
mkdir -p "$small"
if ! mount -t tmpfs -o size=80m,mode=0755 tmpfs "$small" 2>/dev/null; then
    [ "${CI:-}" = true ] && { echo "FAIL: cannot mount a tmpfs (run as root)"; exit 1; }
    echo "cannot mount a tmpfs: skipped"; exit 77
fi
(
    export PREVALENCE_HOME=$small/home
    sql() { "$P" -q db psql -qAtX -c "$1"; }
    "$P" -q init || { echo "FAIL: init on the small disk"; exit 1; }
    "$P" -q synth --seed 20 --out "$T/data" --year 2032 --scale 400000 --single-file \
        || { echo "FAIL: synth"; exit 1; }
    f=$T/data/2032/responses.csv
    n=$(($(wc -l <"$f") - 1))
    bad=0
    "$P" load responses "$f" >out 2>err; rc=$?
    [ $rc = 69 ] || { echo "FAIL: a load onto a full disk exited $rc, want 69"; cat err; bad=1; }
    grep -q "disk is full" err && grep -q "make room there, then run the same command again" err \
        || { echo "FAIL: no clear message about the full disk:"; cat err; bad=1; }
    # the server may have restarted after a PANIC: let it come back
    for _ in $(seq 50); do sql "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
    [ "$(sql "SELECT count(*) FROM batches")" = 0 ] || { echo "FAIL: a batch was left"; bad=1; }
    [ "$(sql "SELECT count(*) FROM responses")" = 0 ] || { echo "FAIL: rows were left"; bad=1; }
    # room is made: the same command loads the file, once
    mount -o remount,size=1g "$small" || { echo "FAIL: remount"; exit 1; }
    "$P" load responses "$f" >out 2>err || { echo "FAIL: the load after making room"; cat err; bad=1; }
    grep -q "loaded $n rows as batch" err || { echo "FAIL: not loaded whole:"; cat err; bad=1; }
    "$P" load responses "$f" >out 2>err || { echo "FAIL: the load again"; cat err; bad=1; }
    grep -q "already loaded as batch" err || { echo "FAIL: loaded twice?"; cat err; bad=1; }
    [ "$(sql "SELECT count(*) FROM batches")" = 1 ] || { echo "FAIL: not one batch"; bad=1; }
    [ "$(sql "SELECT count(*) FROM responses")" = "$n" ] || { echo "FAIL: not $n rows"; bad=1; }
    exit $bad
) || fails=$((fails + 1))
PREVALENCE_HOME=$small/home "$P" -q db stop >/dev/null 2>&1
umount "$small"

# ---- the TCP connection is cut in the middle of COPY -------------------------
sql() { "$P" -q db psql -qAtX -c "$1"; }
"$P" -q init || { echo "FAIL: init"; exit 1; }
"$P" -q synth --seed 21 --out "$T/big" --year 2033 --scale 1000000 --single-file \
    || { echo "FAIL: synth"; exit 1; }
big=$T/big/2033/responses.csv
sock=$("$P" db status | sed -n 's/^socket: //p')
start_proxy() { # a TCP port on loopback in front of the embedded server's Unix socket
    rm -f "$T/port"
    /usr/bin/python3 - "$sock/.s.PGSQL.5432" "$T/port" <<'PY' &
import socket, sys, threading
target, portfile = sys.argv[1], sys.argv[2]
lsn = socket.socket(); lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsn.bind(('127.0.0.1', 0)); lsn.listen(8)
open(portfile + '.tmp', 'w').write(str(lsn.getsockname()[1]))
import os; os.rename(portfile + '.tmp', portfile)
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
while True:
    c, _ = lsn.accept()
    u = socket.socket(socket.AF_UNIX); u.connect(target)
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
    proxy_pid=$!
    disown "$proxy_pid"
    for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    port=$(cat "$T/port")
}
start_proxy
db="host=127.0.0.1 port=$port dbname=prevalence user=postgres sslmode=disable"
"$P" --db "$db" load responses "$big" >out 2>err &
load=$!
seen=0
for _ in $(seq 1200); do
    seen=$(sql "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy")
    [ "$seen" -ge 200000 ] && break
    kill -0 $load 2>/dev/null || break
    sleep 0.05
done
[ "$seen" -ge 200000 ] || fail "COPY never got going through the proxy ($seen rows)"
kill -9 "$proxy_pid"; proxy_pid=
wait $load; rc=$?
[ "$seen" -lt 1000000 ] || fail "the connection was cut after COPY had finished"
[ $rc = 69 ] || { fail "a load whose connection was cut exited $rc, want 69"; cat err; }
grep -q "sending rows (not committed: nothing of the file is kept): .*\(connection\|server closed\)" err \
    || { fail "no clear message:"; cat err; }
# the server notices the lost client and rolls the transaction back
for _ in $(seq 100); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%' AND pid <> pg_backend_pid()")" = 0 ] && break
    sleep 0.1
done
[ "$(sql "SELECT count(*) FROM batches")" = 0 ] || fail "a batch was left after the cut"
[ "$(sql "SELECT count(*) FROM responses")" = 0 ] || fail "rows were left after the cut"
start_proxy
db="host=127.0.0.1 port=$port dbname=prevalence user=postgres sslmode=disable"
"$P" --db "$db" load responses "$big" >out 2>err || { fail "the load again through the proxy"; cat err; }
grep -q "loaded 1000000 rows as batch" err || { fail "not loaded whole:"; cat err; }
"$P" --db "$db" load responses "$big" >out 2>err || fail "the third load"
grep -q "already loaded as batch" err || { fail "loaded twice?"; cat err; }
[ "$(sql "SELECT count(*) FROM batches")" = 1 ] || fail "not one batch"
[ "$(sql "SELECT count(*) FROM responses")" = 1000000 ] || fail "not 1000000 rows"

[ $fails -eq 0 ] && echo "load_faults: all checks passed"
exit $((fails > 0))

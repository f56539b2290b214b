#!/bin/bash
# One data home per user (docs/commands/db.md): the embedded cluster lives
# in ${XDG_DATA_HOME:-$HOME/.local/share}/prevalence whatever the current
# folder, --home and PREVALENCE_HOME override it, and an old ./.prevalence
# next to an empty default home is named instead of a new empty cluster.
set -u
: "${PREVALENCE_BIN:?}"
p=$PREVALENCE_BIN
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-home.XXXXXX") || exit 70
chmod 0755 "$tmp"
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL PREVALENCE_HOME XDG_DATA_HOME
export HOME=$tmp/user
mkdir -p "$HOME" "$tmp/a" "$tmp/b" "$tmp/old"
chmod 0755 "$HOME" "$tmp/a" "$tmp/b" "$tmp/old"
cleanup() {
    "$p" -q --home "$HOME/.local/share/prevalence" db stop >/dev/null 2>&1
    "$p" -q --home "$tmp/old/.prevalence" db stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

out=$(cd "$tmp/a" && "$p" db status)
grep -qx "home: $HOME/.local/share/prevalence (default)" <<<"$out" \
    || fail "default home is not \$HOME/.local/share/prevalence: $out"
out=$(cd "$tmp/a" && XDG_DATA_HOME=$tmp/xdg "$p" db status)
grep -qx "home: $tmp/xdg/prevalence (default)" <<<"$out" || fail "XDG_DATA_HOME ignored: $out"
out=$(cd "$tmp/a" && PREVALENCE_HOME=$tmp/env "$p" --home "$tmp/opt" db status)
grep -qx "home: $tmp/opt" <<<"$out" || fail "--home does not beat PREVALENCE_HOME: $out"
out=$(cd "$tmp/a" && PREVALENCE_HOME=$tmp/env "$p" db --home "$tmp/opt2" status)
grep -qx "home: $tmp/opt2" <<<"$out" || fail "--home after the command is ignored: $out"

# the first command that creates the cluster says where, and every folder sees it
err=$(cd "$tmp/a" && "$p" init 2>&1 >/dev/null) || fail "init in the default home failed: $err"
grep -q "new data home $HOME/.local/share/prevalence" <<<"$err" \
    || fail "creating the cluster does not say where: $err"
grep -q "db stop" <<<"$err" || fail "creating the cluster does not say how to stop it: $err"
out=$(cd "$tmp/b" && "$p" db status) || fail "from another folder the cluster is not running: $out"
grep -qx "running" <<<"$out" || fail "from another folder: $out"
"$p" -q db stop >/dev/null 2>&1

# an old ./.prevalence beside an empty default home
rm -rf "$HOME/.local"
(cd "$tmp/old" && "$p" -q --home .prevalence init >/dev/null 2>&1) || fail "cannot make an old-style home"
"$p" -q --home "$tmp/old/.prevalence" db stop >/dev/null 2>&1
err=$(cd "$tmp/old" && "$p" status --year 2025 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 78 ] || fail "beside an old ./.prevalence: exit $rc, expected 78"
grep -q -- "--home $tmp/old/.prevalence" <<<"$err" || fail "the old home is not named: $err"
[ ! -e "$HOME/.local/share/prevalence/pgdata" ] || fail "an empty cluster was created beside the old one"
out=$(cd "$tmp/old" && "$p" --home .prevalence db status)
grep -qx "home: $tmp/old/.prevalence" <<<"$out" || fail "--home with a relative folder: $out"
[ $status -eq 0 ] && echo "data home: all checks passed"
exit $status

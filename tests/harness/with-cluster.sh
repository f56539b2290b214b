#!/bin/bash
# Run a command against a throw-away embedded PostgreSQL cluster:
#   with-cluster.sh CMD [ARGS...]
# Sets PREVALENCE_HOME to a fresh temporary folder (the binary creates and
# starts the cluster there on first use), clears the libpq environment so
# nothing reaches another server, and on exit stops the cluster and
# removes the folder. Needs PREVALENCE_BIN (the built binary).
set -u
: "${PREVALENCE_BIN:?PREVALENCE_BIN must name the built prevalence binary}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-test.XXXXXX") || exit 70
# As root the server runs as 'postgres', which must be able to enter it.
chmod 0755 "$tmp"
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL
export PREVALENCE_HOME="$tmp/home"
export PREVALENCE_TEST_TMP="$tmp"
cleanup() {
    "$PREVALENCE_BIN" --quiet db stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$@"

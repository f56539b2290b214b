#!/bin/bash
# Make prewave.sql: a database as users of the release before issue #20
# have it (commit 7c79b3a: migrations 001-003), holding the sample data
# loaded by that release's own binary, dumped as plain SQL by pg_dump.
#
#   git worktree add /tmp/prewave 7c79b3a
#   (cd /tmp/prewave && meson setup build && ninja -C build cli/prevalence)
#   tests/data/upgrade/make_prewave_dump.sh /tmp/prewave/build/cli/prevalence
#
# tests/db/upgrade.sh restores it, upgrades it with `init` and compares
# estimate, trend and report with freshly loaded data. Regenerate it never:
# it stands for what exists in the field.
set -eu
old=${1:?usage: make_prewave_dump.sh PREWAVE-PREVALENCE-BINARY}
here=$(cd "$(dirname "$0")" && pwd)
sample=$(cd "$here/../../../sample-data" && pwd)
tmp=$(mktemp -d /tmp/prewave-dump.XXXXXX)
chmod 0755 "$tmp"
export PREVALENCE_HOME=$tmp/home
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL
trap '"$old" -q db stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$old" -q init
for y in 2023 2024 2025; do
    "$old" -q load responses "$sample/$y"/responses-*.csv
    "$old" -q load frame "$sample/$y/frame.csv"
done
# A corrected file too, so superseded batches are part of what is upgraded.
"$old" -q load --replace responses "$sample/2025/responses-pima.csv" || true
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
"$bindir/pg_dump" --dbname="$("$old" db url)" --no-password --file="$here/prewave.sql"
echo "wrote $here/prewave.sql ($("$old" --version))"

#!/bin/bash
# scripts/install-deps.sh for an account that can neither install packages
# nor use sudo: it prints the exact apt-get line for an administrator and
# exits 69. dpkg-query and sudo are replaced by stand-ins on PATH (every
# package missing; sudo refuses), so nothing is installed; as root the
# script runs as the unprivileged user nobody.
set -u
: "${PREVALENCE_SOURCE_DIR:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prevalence-deps.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
mkdir "$tmp/bin"
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
printf '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n' >"$tmp/bin/sudo"
chmod 0755 "$tmp/bin/dpkg-query" "$tmp/bin/sudo"
cp "$PREVALENCE_SOURCE_DIR/scripts/install-deps.sh" "$tmp/install-deps.sh"
chmod 0755 "$tmp/install-deps.sh"
run=(env "PATH=$tmp/bin:/usr/bin:/bin" bash "$tmp/install-deps.sh")
if [ "$(id -u)" -eq 0 ]; then
    run=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${run[@]}")
fi
err=$("${run[@]}" </dev/null 2>&1 >/dev/null)
rc=$?
status=0
[ "$rc" -eq 69 ] || { echo "FAIL: exit $rc, expected 69"; status=1; }
grep -q "apt-get install -y --no-install-recommends .*libpq-dev" <<<"$err" \
    || { echo "FAIL: no apt-get line for an administrator:"; echo "$err"; status=1; }
grep -q "command not found" <<<"$err" && { echo "FAIL: 'command not found' reached the user"; status=1; }
[ $status -eq 0 ] && echo "install-deps without root or sudo: exit 69 with the apt-get line"
exit $status

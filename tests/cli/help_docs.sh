#!/bin/bash
# Every command's --help names the options of its page in docs/commands
# (help_matches_docs.py), and the check fails on a planted difference.
set -u
: "${PREVALENCE_BIN:?}" "${PREVALENCE_SOURCE_DIR:?}"
check=$PREVALENCE_SOURCE_DIR/tests/cli/help_matches_docs.py
status=0
python3 "$check" "$PREVALENCE_BIN" "$PREVALENCE_SOURCE_DIR" || status=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/help-docs.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs"
cp -r "$PREVALENCE_SOURCE_DIR/docs/commands" "$tmp/docs/commands"
sed -i '/^## Options/a - `--planted-option`: documented, but no such option exists.' "$tmp/docs/commands/load.md"
if out=$(python3 "$check" "$PREVALENCE_BIN" "$tmp"); then
    echo "FAIL: a documented option that --help lacks was not found"
    status=1
elif ! grep -q "load: --planted-option is in docs/commands/load.md but not in --help" <<<"$out"; then
    echo "FAIL: the planted difference is not named:"; echo "$out"; status=1
fi
cp "$PREVALENCE_SOURCE_DIR/docs/commands/load.md" "$tmp/docs/commands/load.md"
rm "$tmp/docs/commands/trend.md"
if python3 "$check" "$PREVALENCE_BIN" "$tmp" >/dev/null; then
    echo "FAIL: a command without a page was not found"; status=1
fi
exit $status

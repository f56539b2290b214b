#!/bin/bash
# The README's first command: install what is missing, build, install the
# program (/usr/local as root, ~/.local otherwise), start the embedded
# database in the user's data home, load the sample data and write the
# Council report. Ends by saying where the program is, how to put it on
# PATH if needed, and that the database server keeps running.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
if [ -d build ]; then
    meson configure build -Dprefix="$prefix" >/dev/null
else
    meson setup build --prefix "$prefix"
fi
ninja -C build
meson install -C build --quiet
prev=$prefix/bin/prevalence
"$prev" init
# the sample data: frames first, then every county's responses (a second
# run finds them already loaded and changes nothing)
"$prev" load frame sample-data/*/frame.csv
"$prev" load responses sample-data/*/responses-*.csv
"$prev" status --year 2025 --format table
# the Council report for the latest sample year
year=$(ls -d sample-data/20[0-9][0-9] | sort | tail -n 1 | xargs basename)
"$prev" estimate --year "$year" --format table
"$prev" report --year "$year" --out "out/report-$year"
home=$("$prev" db status | sed -n 's/^home: //; s/ (default)$//p')
cat <<MSG

report: $(pwd)/out/report-$year/report.html
installed: $prev
MSG
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "$prefix/bin is not on your PATH; add it with:"
       echo "    echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.profile && . ~/.profile" ;;
esac
cat <<MSG
data home: $home
The embedded PostgreSQL server keeps running in the background for the next
command; stop it with 'prevalence db stop' (any command starts it again).
MSG

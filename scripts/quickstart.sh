#!/bin/bash
# The README's first command: install, build, start the embedded database,
# load the sample data and write the Council report.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
prev=build/cli/prevalence
"$prev" init
"$prev" db status

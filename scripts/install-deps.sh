#!/bin/bash
# Install what prevalence needs on Debian 12 (as root, or via sudo).
# Installs only what is missing, so a second run is quick and offline.
#   scripts/install-deps.sh            build + run + test dependencies
set -eu
packages=(
    # build
    gcc meson ninja-build pkg-config
    # libraries (the README's install line names each)
    libpq-dev libgsl-dev libcsv-dev libcmocka-dev libjansson-dev libssl-dev libglpk-dev
    # the embedded database: PostgreSQL server binaries (initdb, pg_ctl, postgres)
    postgresql postgresql-client
    # tests: R survey (reproduction bundle), headless browser, valgrind, clang (fuzzing)
    r-cran-survey r-cran-nlme chromium valgrind clang libclang-rt-14-dev
    # tests' helpers
    iproute2 procps python3
    # the disclosure suite's independent attacker (tests/report/attacker.py)
    python3-scipy
    # benchmarks: GNU time for peak memory (bench/scaling.sh)
    time
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/bin/bash
# Install what prevalence needs on Debian 12 (as root, or via sudo). Without
# either, prints the exact apt-get line for an administrator and exits 69.
# Installs only what is missing, so a second run is quick and offline.
#   scripts/install-deps.sh            build + run + test dependencies
set -eu
packages=(
    # build
    gcc meson ninja-build pkg-config
    # libraries (the README's install line names each)
    libpq-dev libgsl-dev libcsv-dev libcmocka-dev libjansson-dev libssl-dev libglpk-dev
    # .xlsx: write templates (libxlsxwriter), open archives (libzip), read XML (expat)
    libxlsxwriter-dev libzip-dev libexpat1-dev
    # the web service: HTTP server, Argon2id passwords, the export .tar.gz
    libmicrohttpd-dev libsodium-dev libarchive-dev
    # the embedded database: PostgreSQL server binaries (initdb, pg_ctl, postgres)
    postgresql postgresql-client
    # tests: R survey (reproduction bundle), headless browser, valgrind, clang (fuzzing)
    r-cran-survey r-cran-nlme chromium valgrind clang libclang-rt-14-dev
    # tests of the web service: Selenium with chromedriver, HTTP checks
    chromium-driver python3-selenium python3-requests
    # tests' helpers; pdftotext and pdftoppm for the printed report (report --pdf)
    iproute2 procps python3 poppler-utils
    # tests: an independent .xlsx reader and writer
    python3-openpyxl
    # the disclosure suite's independent attacker (tests/report/attacker.py)
    python3-scipy
    # benchmarks: GNU time for peak memory (bench/scaling.sh)
    time
)
# tests: npm fetches axe-core (the questionnaire's accessibility check) from
# npm's registry; a Node.js that already brings its own npm is enough
command -v npm >/dev/null 2>&1 || packages+=(npm)
here=$(cd "$(dirname "$0")/.." && pwd)
# axe-core at the version and sha512 of tests/browser/package-lock.json,
# into tests/browser/node_modules (not tracked): after the packages, and on
# every run until it is there.
axe() {
    [ -f "$here/tests/browser/node_modules/axe-core/axe.min.js" ] && return 0
    echo "install-deps: fetching axe-core for the browser tests (npm ci)"
    (cd "$here/tests/browser" && npm ci --no-audit --no-fund --no-update-notifier --loglevel=error) \
        || { echo "install-deps: warning: npm ci failed (no access to npm's registry?): the questionnaire's accessibility test cannot run until it succeeds" >&2; return 1; }
}
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    axe || true
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    # Without root, sudo must exist and be allowed; otherwise say exactly
    # what to ask an administrator for, and stop (69: a service we need is
    # unavailable).
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
        sudo="sudo"
    else
        echo "install-deps: ${#missing[@]} package(s) are missing, and this account can neither" >&2
        echo "install them (not root) nor use sudo. Ask an administrator to run, as root:" >&2
        echo "" >&2
        echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        echo "" >&2
        echo "then run this command again." >&2
        exit 69
    fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
axe || true   # only the accessibility test needs it; it says so when it is missing

#!/usr/bin/env bash
# e2e.sh - the browser tests of tests/e2e (Node.js, playwright-core and
# Debian's headless Chromium) for tests/run-all: their TAP lines pass through.
#
#   ALMANAC=/abs/path/to/almanac [BUILD=build|build-asan] bash tests/cli/e2e.sh
#
# The normal build runs every test file; the sanitized build runs only the
# XSS one (hostile feed content through the parser and the pages, the part
# where a memory error matters most, and small enough to stay quick). The
# axe-core audit of every page kind (axe.test.js) runs on its own after the
# others, with its own time limit.
# Without node, npm or chromium it prints a SKIP line, except in CI
# (CI=true), where they are installed and their absence is a failure.
# `npm ci` runs when tests/e2e/node_modules lacks a package of package.json.

. "$(dirname "$0")/lib.bash"
skip_on_pg "the browser tests make their own SQLite databases (tests/e2e/*.test.js); pg-same.sh compares the served pages on PostgreSQL with SQLite's"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
E2E=$ROOT/tests/e2e
export ALMANAC CHROMIUM

missing() {
    if [ "${CI:-}" = true ]; then
        echo "not ok - e2e: $1 (CI installs it: scripts/install-deps test)"
        exit 1
    fi
    skip "e2e browser tests" "$1"
    exit 0
}

command -v node >/dev/null || missing "node is not installed"
command -v npm >/dev/null || missing "npm is not installed"
[ -x "$CHROMIUM" ] || missing "$CHROMIUM is not installed"

if [ ! -d "$E2E/node_modules/playwright-core" ] || [ ! -d "$E2E/node_modules/axe-core" ]; then
    if ! npm ci --prefix "$E2E" --no-audit --no-fund >"$T/npm.out" 2>&1; then
        [ "${CI:-}" = true ] ||
            missing "npm ci failed (offline?): $(tail -n 3 "$T/npm.out" | tr '\n' ' ')"
        echo "not ok - e2e: npm ci --prefix tests/e2e failed:" \
             "$(tail -n 5 "$T/npm.out" | tr '\n' ' ')"
        exit 1
    fi
fi

files=("$E2E/pages.test.js" "$E2E/xss.test.js")
[ "${BUILD:-build}" = build ] || files=("$E2E/xss.test.js")

# The whole run stays under 3 minutes; node's runner gives each file its
# own process, one at a time (two cores: a browser and a server each).
TMPDIR=$T timeout 170 node --test --test-reporter=tap --test-concurrency=1 \
    --test-timeout=150000 "${files[@]}"
rc=$?
[ "$rc" -eq 124 ] && echo "not ok - e2e: the browser tests took longer than 170 s"
[ "${BUILD:-build}" = build ] || exit "$rc"

# The audit: about 30 pages, each checked by axe-core in light and dark.
TMPDIR=$T timeout 170 node --test --test-reporter=tap --test-timeout=150000 \
    "$E2E/axe.test.js"
arc=$?
[ "$arc" -eq 124 ] && echo "not ok - e2e: the axe-core audit took longer than 170 s"
[ "$rc" -ne 0 ] && exit "$rc"
exit "$arc"

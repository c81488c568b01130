#!/usr/bin/env bash
# conformance.sh - the parser conformance suite: runs tests/conformance/compare.py against
# the binary named by $ALMANAC, passing its TAP lines ("ok - NAME" / "not ok - NAME: ...")
# through. Exit status is compare.py's: 0 only when every case passes. Run from the repo
# root, as tests/run-all does.
set -u
if [ -n "${ALMANAC_TEST_PG:-}" ]; then   # tests/run-all's PostgreSQL pass
    echo "ok - conformance on PostgreSQL # SKIP opens no database: the parser alone"
    exit 0
fi
: "${ALMANAC:?set ALMANAC to the almanac binary under test}"
exec python3 tests/conformance/compare.py "$ALMANAC"

#!/usr/bin/env bash
# pg-workers.sh - tests/cli/workers.sh on PostgreSQL: four workers sharing
# one database's sources by leases (FOR UPDATE SKIP LOCKED), one killed with
# SIGKILL mid-lease, in a throwaway cluster (tests/pg/cluster.sh).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/pg-workers.sh

cd "$(dirname "$0")/../.." || exit 1
if [ -n "${ALMANAC_TEST_PG:-}" ]; then   # tests/run-all's PostgreSQL pass
    echo "ok - pg-workers on PostgreSQL # SKIP workers.sh itself runs on PostgreSQL in this pass"
    exit 0
fi
dir=$(bash tests/pg/cluster.sh start 2>"${TMPDIR:-/tmp}/pg-workers.err")
rc=$?
if [ "$rc" -eq 3 ]; then
    echo "ok - workers on PostgreSQL # SKIP no PostgreSQL server programs"
    exit 0
elif [ "$rc" -ne 0 ]; then
    echo "not ok - a PostgreSQL cluster starts: $(head -c 300 "${TMPDIR:-/tmp}/pg-workers.err")"
    exit 1
fi
trap 'bash tests/pg/cluster.sh stop "$dir" >/dev/null 2>&1' EXIT
dsn=$(bash tests/pg/cluster.sh url "$dir" workers) || {
    echo "not ok - a database for the workers: createdb failed"
    exit 1
}
ALMANAC_TEST_DB=$dsn bash tests/cli/workers.sh | sed 's/^\(\(not \)\?ok - \)/\1PostgreSQL: /'
exit "${PIPESTATUS[0]}"

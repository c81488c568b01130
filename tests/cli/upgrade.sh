#!/usr/bin/env bash
# upgrade.sh - a database written by an older almanac opens with this one:
# migrated forward to the current schema, nothing lost, the same items still
# recognised (re-ingesting them changes nothing), the full-text index whole.
#
# tests/data/schema/v6.sql is a database of schema version 6 (session 1's
# almanac) as `sqlite3 .dump` wrote it; see the comment at its top.
source "$(dirname "$0")/lib.bash"
skip_on_pg "SQLite files of older schemas (tests/data/schema/v6.sql) upgraded on open; PostgreSQL's migrations start at its schema 1, made by every other test here"

export ALMANAC_NOW=2026-11-01T00:00:00Z
old=$T/v6.db
sqlite3 "$old" < tests/data/schema/v6.sql
count() { sqlite3 "$1" "$2" 2>&1; }
items=$(count "$old" "SELECT count(*) FROM items")
events=$(count "$old" "SELECT count(*) FROM events")
related=$(count "$old" "SELECT count(*) FROM related")
hits=$(count "$old" "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'model'")

begin
[ "$(count "$old" "PRAGMA user_version")" = 6 ] || fail "the fixture is not at version 6"
[ "$items" -gt 0 ] && [ "$events" = "$items" ] || fail "fixture: $items items, $events events"
# the version a new database gets from this binary
"$ALMANAC" --db "$T/new.db" sources >/dev/null 2>&1
want=$(count "$T/new.db" "PRAGMA user_version")
out=$("$ALMANAC" --db "$old" events --limit 3 2>&1) || fail "events on the v6 database: $out"
got=$(count "$old" "PRAGMA user_version")
[ "$got" = "$want" ] || fail "schema version $got after opening, a new database has $want"
[ "$(count "$old" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after migrating"
end "a schema-6 database migrates to the current version ($want) on open"

begin
[ "$(count "$old" "SELECT count(*) FROM items")" = "$items" ] || fail "items changed"
[ "$(count "$old" "SELECT count(*) FROM events")" = "$events" ] || fail "events changed"
[ "$(count "$old" "SELECT count(*) FROM related")" = "$related" ] || fail "related lists changed"
fts=$(count "$old" "INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
[ -z "$fts" ] || fail "FTS integrity-check: $fts"
[ "$(count "$old" "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'model'")" = "$hits" ] ||
    fail "search finds other items after migrating"
end "nothing lost: $items items, $events events, $related related rows, FTS whole ($hits hits)"

begin
out=$("$ALMANAC" --db "$old" ingest --snapshot anthropic-red-team ai2 2>&1) ||
    fail "ingest exited non-zero: $out"
echo "$out" | grep -q "0 new items, 0 updated" || fail "re-ingest changed items: $(echo "$out" | tail -1)"
[ "$(count "$old" "SELECT count(*) FROM items")" = "$items" ] || fail "items count moved"
end "the same snapshot ingested again by this almanac adds and changes nothing"

finish

#!/usr/bin/env bash
# ops-commands.sh - the operator's commands on a real database: `almanac
# backup FILE` (SQLite's online backup: a consistent copy taken while
# another process writes or holds a write transaction, FILE.tmp renamed,
# FILE never overwritten without --force) and `almanac doctor` (one line per
# check, exit 1 when one is not ok: a missing database, an older schema left
# unmigrated, a corrupt file, failing sources, a clock behind the data).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/ops-commands.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
conf=tests/data/judgment/judgment.conf
db=$(new_db a)

begin
run "$T/ingest" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ingest")"
nitems=$(stored_items "$db" --config "$conf")
nevents=$(stored_events "$db" --config "$conf" | wc -l)
[ "$nevents" -gt 100 ] || fail "only $nevents events"
end "the judgment corpus ($nitems items, $nevents events)"

# ---- backup ----

# On PostgreSQL, backup is pg_dump's (almanac backup says so: pg-ingest.sh);
# the checks below that start from the backup's copy start from a copy of
# the database instead (copy_db), and those about SQLite's file say so.
if on_pg; then
    skip "backup FILE and its refusals, beside a writer and during commits (3 checks)" \
         "SQLite's online backup of the file; on PostgreSQL almanac backup points to pg_dump (pg-ingest.sh)"
    copy=$db
else
copy=$T/copy.db
begin
run "$T/b" "$ALMANAC" --config "$conf" --db "$db" backup "$T/copy.db"
[ "$rc" -eq 0 ] || fail "backup: exit $rc: $(errtext "$T/b")"
[ -f "$T/copy.db" ] || fail "no copy"
[ -e "$T/copy.db.tmp" ] && fail "copy.db.tmp left behind"
# What the copy holds, asked of almanac.
[ "$(stored_items "$T/copy.db" --config "$conf")" = "$nitems" ] || fail "items differ"
[ "$(stored_events "$T/copy.db" --config "$conf" | wc -l)" = "$nevents" ] || fail "events differ"
# SQLite-engine checks: the backup is SQLite's online backup of the file.
[ "$(sql "$T/copy.db" "PRAGMA integrity_check")" = ok ] || fail "the copy's integrity_check"
[ "$(sql "$T/copy.db" "PRAGMA user_version")" = "$(sql "$db" "PRAGMA user_version")" ] ||
    fail "schema version differs"
run "$T/e1" "$ALMANAC" --db "$db" events --limit 1 --json
run "$T/e2" "$ALMANAC" --db "$T/copy.db" events --limit 1 --json
[ "$rc" -eq 0 ] || fail "events on the copy: exit $rc: $(errtext "$T/e2")"
grep -q '"id"' "$T/e2" || fail "events on the copy printed no event: $(head -c 200 "$T/e2")"
cmp -s "$T/e1" "$T/e2" || fail "the copy's newest event differs from the original's"
hits=$(sql "$T/copy.db" "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'model'")
[ "$hits" = "$(sql "$db" "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'model'")" ] ||
    fail "the copy's full-text index differs ($hits hits)"
end "backup FILE: a whole copy that almanac --db FILE reads"

begin
before=$(cksum <"$T/copy.db")
run "$T/b" "$ALMANAC" --db "$db" backup "$T/copy.db"
[ "$rc" -eq 1 ] || fail "over an existing FILE: exit $rc"
grep -q -- "--force" "$T/b.err" || fail "the refusal does not mention --force: $(errtext "$T/b")"
[ "$(cksum <"$T/copy.db")" = "$before" ] || fail "the existing FILE changed"
echo "not a database" >"$T/old.db"
run "$T/b" "$ALMANAC" --db "$db" backup --force "$T/old.db"
[ "$rc" -eq 0 ] || fail "--force: exit $rc: $(errtext "$T/b")"
[ "$(stored_items "$T/old.db" --config "$conf")" = "$nitems" ] || fail "--force did not replace"
run "$T/b" "$ALMANAC" --db "$db" backup
[ "$rc" -eq 2 ] || fail "no FILE: exit $rc"
run "$T/b" "$ALMANAC" --db "$db" backup "$T/x.db" --frobnicate
[ "$rc" -eq 2 ] && grep -q -- --frobnicate "$T/b.err" || fail "--frobnicate: exit $rc"
run "$T/b" "$ALMANAC" --db "$T/none.db" backup "$T/y.db"
[ "$rc" -eq 1 ] || fail "no database: exit $rc"
[ -e "$T/none.db" ] && fail "backup created the database it was to copy"
[ -e "$T/y.db" ] && fail "a copy of nothing"
run "$T/b" "$ALMANAC" --db "$db" backup "$T/no/such/dir/c.db"
[ "$rc" -eq 1 ] || fail "into a missing directory: exit $rc"
end "backup refuses an existing FILE without --force, replaces it with --force; usage errors exit 2"

# A second process holds a write transaction open (rows inserted, not
# committed) while the backup runs, then commits more in a loop: the backup
# neither waits for it nor copies what it had not committed.
begin
python3 - "$db" "$T/locked" "$T/release" <<'PY' &
import os, sqlite3, sys, time
db, locked, release = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO fetch_log (source_id, started, status, error) "
          "SELECT id, 1, 599, 'uncommitted' FROM sources")
open(locked, "w").close()
while not os.path.exists(release):
    time.sleep(0.05)
c.execute("COMMIT")
PY
writer=$!
while [ ! -e "$T/locked" ] && kill -0 "$writer" 2>/dev/null; do sleep 0.1; done
run "$T/b" "$ALMANAC" --db "$db" backup "$T/during.db"
touch "$T/release"
wait "$writer" || fail "the writer failed"
[ "$rc" -eq 0 ] || fail "backup beside an open write transaction: exit $rc: $(errtext "$T/b")"
[ "$(sql "$T/during.db" "SELECT count(*) FROM fetch_log WHERE error = 'uncommitted'")" = 0 ] ||
    fail "the copy holds rows that were not committed"
[ "$(sql "$db" "SELECT count(*) FROM fetch_log WHERE error = 'uncommitted'")" -gt 0 ] ||
    fail "the writer's rows did not commit after the backup"
[ "$(sql "$T/during.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"
end "backup beside another process's open write transaction: done, without its uncommitted rows"

begin
python3 - "$db" "$T/stop" <<'PY' &
import os, sqlite3, sys
db, stop = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None, timeout=30)
n = 0
while not os.path.exists(stop) and n < 200000:
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO fetch_log (source_id, started, status, error) "
              "SELECT min(id), 2, 200, 'busy writer' FROM sources")
    c.execute("COMMIT")
    n += 1
PY
writer=$!
sleep 0.3
for k in 1 2 3; do
    run "$T/b" "$ALMANAC" --db "$db" backup --force "$T/busy.db"
    [ "$rc" -eq 0 ] || fail "backup $k during commits: exit $rc: $(errtext "$T/b")"
    # SQLite-engine check: a consistent file while another connection commits
    [ "$(sql "$T/busy.db" "PRAGMA integrity_check")" = ok ] || fail "copy $k: integrity_check"
    [ "$(stored_items "$T/busy.db" --config "$conf")" = "$nitems" ] || fail "copy $k: items"
done
touch "$T/stop"
wait "$writer" || fail "the writer failed"
copied=$(sql "$T/busy.db" "SELECT count(*) FROM fetch_log WHERE error = 'busy writer'")
total=$(sql "$db" "SELECT count(*) FROM fetch_log WHERE error = 'busy writer'")
[ "$copied" -le "$total" ] || fail "copied $copied of $total commits"
end "backup while another process commits continually: consistent copies" "($copied of $total commits in the last)"
fi

# ---- doctor ----

begin
run "$T/d" "$ALMANAC" --config "$conf" --db "$db" doctor
[ "$rc" -eq 0 ] || fail "exit $rc: $(cat "$T/d") $(errtext "$T/d")"
for check in config database disk sources clock; do
    grep -Eq "^ok +$check " "$T/d" || fail "no ok line for $check: $(cat "$T/d")"
done
grep -q "118 sources" "$T/d" || fail "the sources are not counted: $(grep config "$T/d")"
if on_pg; then
    version=$(sql "$db" "SELECT version FROM schema_version")
else
    version=$(sql "$db" "PRAGMA user_version")
fi
grep -q "schema $version (current)" "$T/d" || fail "no schema version"
grep -q "quick_check ok" "$T/d" || fail "no quick_check"
run "$T/dj" "$ALMANAC" --config "$conf" --db "$db" doctor --json
[ "$rc" -eq 0 ] || fail "--json: exit $rc"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True, d
assert [c["check"] for c in d["checks"]] == ["config", "database", "disk", "sources", "clock"], d
assert all(c["status"] == "ok" for c in d["checks"]), d
' "$T/dj" 2>"$T/dj.py" || fail "--json: $(tail -1 "$T/dj.py")"
end "doctor on a sound installation: five ok lines, exit 0 (and --json)"

begin
missing=$T/missing.db
on_pg && missing=$(pg_dsn "$(pg_name missing)")
run "$T/d" "$ALMANAC" --config "$conf" --db "$missing" doctor
[ "$rc" -eq 1 ] || fail "missing database: exit $rc"
grep -Eq "^fail +database .*does not exist" "$T/d" || fail "missing database: $(cat "$T/d")"
if on_pg; then
    [ -n "$(pg_admin "SELECT 1 FROM pg_database WHERE datname = '$(pg_name missing)'")" ] &&
        fail "doctor created the database"
else
    [ -e "$T/missing.db" ] && fail "doctor created the database"
fi
run "$T/d" "$ALMANAC" --config "$T/nope.conf" --db "$db" doctor
[ "$rc" -eq 1 ] || fail "missing config: exit $rc"
grep -Eq "^fail +config " "$T/d" || fail "missing config: $(cat "$T/d")"
grep -Eq "^ok +database " "$T/d" || fail "the database is still checked: $(cat "$T/d")"
run "$T/d" "$ALMANAC" --db "$db" doctor --frobnicate
[ "$rc" -eq 2 ] || fail "--frobnicate: exit $rc"
end "doctor: a missing database or configuration fails (exit 1), creating nothing"

begin
ALMANAC_NOW=2026-11-29T00:00:00Z run "$T/d" "$ALMANAC" --config "$conf" --db "$db" doctor
[ "$rc" -eq 1 ] || fail "clock two days behind: exit $rc"
grep -Eq "^fail +clock .*more than a day before" "$T/d" || fail "clock: $(grep clock "$T/d")"
ALMANAC_NOW=2026-11-30T12:00:00Z run "$T/d" "$ALMANAC" --config "$conf" --db "$db" doctor
[ "$rc" -eq 0 ] || fail "clock half a day behind: exit $rc: $(grep -v '^ok' "$T/d")"
end "doctor: a clock more than a day before the newest first sighting fails"

begin
sick=$(copy_db "$copy" sick)
sql "$sick" "UPDATE sources SET failures = 7, last_error = 'HTTP 503 from the test'
                  WHERE slug = (SELECT slug FROM sources ORDER BY id LIMIT 1 OFFSET 3);
                  UPDATE sources SET failures = 2, last_error = 'timeout'
                  WHERE id = (SELECT id FROM sources ORDER BY id LIMIT 1)"
slug=$(sql "$sick" "SELECT slug FROM sources WHERE failures = 7")
run "$T/d" "$ALMANAC" --config "$conf" --db "$sick" doctor
[ "$rc" -eq 1 ] || fail "a failing source: exit $rc"
grep -Eq "^warn +sources +1 of [0-9]+ failing.*1 retrying.*$slug, 7 failures: HTTP 503 from the test" "$T/d" ||
    fail "sources: $(grep sources "$T/d")"
end "doctor: a source failing 5 times in a row is a warning naming the worst, exit 1"

begin
olddb=$(copy_db "$copy" old)
if on_pg; then   # PostgreSQL's schema version is a row (pg.c)
    oldv=$((version - 1))
    sql "$olddb" "UPDATE schema_version SET version = $oldv"
    getv="SELECT version FROM schema_version"
else
    oldv=12
    sql "$olddb" "PRAGMA user_version = 12"
    getv="PRAGMA user_version"
fi
run "$T/d" "$ALMANAC" --config "$conf" --db "$olddb" doctor
[ "$rc" -eq 1 ] || fail "an older schema: exit $rc"
grep -Eq "^fail +database .*schema $oldv" "$T/d" || fail "database: $(grep database "$T/d")"
[ "$(sql "$olddb" "$getv")" = "$oldv" ] || fail "doctor migrated the database"
end "doctor: an older schema fails and is left as it was"

if on_pg; then
    skip "doctor: a corrupt database fails its check" \
         "garbage written over the SQLite file's pages; PostgreSQL's files are the server's"
else
begin
cp "$T/copy.db" "$T/bad.db"
pages=$(sql "$T/bad.db" "PRAGMA page_count")
psize=$(sql "$T/bad.db" "PRAGMA page_size")
# garbage over a quarter of the pages past the first (the header stays)
python3 - "$T/bad.db" "$pages" "$psize" <<'PY'
import sys
path, pages, psize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    for p in range(2, pages, 4):
        f.seek(p * psize + 100)
        f.write(b"\xa5" * 200)
PY
run "$T/d" "$ALMANAC" --config "$conf" --db "$T/bad.db" doctor
[ "$rc" -eq 1 ] || fail "a corrupt database: exit $rc: $(cat "$T/d")"
grep -Eq "^fail +database " "$T/d" || fail "database: $(grep database "$T/d")"
end "doctor: a corrupt database fails its check"
fi

# ---- prune ----

# kept_ids DB CUTOFF: the items a prune at CUTOFF must keep, worked out here
# in Python by walking stories (not the store's SQL): every item published
# at or after CUTOFF, and every item of a story one of whose events is that
# new or joined a guide.
kept_ids() {
    python3 - "$1" "$2" <<'PY'
import sys
sys.path.insert(0, "tools")
import dbrows
db, cutoff = sys.argv[1], int(sys.argv[2])
c = dbrows.connect(db)
items = {i: (p if p is not None else f) for i, p, f in
         c.execute("SELECT id, published, first_seen FROM items")}
story = {e: (s if s is not None else e) for e, s in c.execute("SELECT id, story_id FROM events")}
guided = {e for (e,) in c.execute("SELECT DISTINCT event_id FROM event_guides")}
cited = set()
for e, s in story.items():
    if items[e] >= cutoff or e in guided:
        cited.add(s)
keep = [i for i, p in items.items()
        if p >= cutoff or (i in story and story[i] in cited)]
print("\n".join(str(i) for i in sorted(keep)))
PY
}

begin
pdb=$(copy_db "$copy" prune)
cutoff=$(date -u -d 2025-12-01T00:00:00Z +%s)
kept_ids "$pdb" "$cutoff" >"$T/want"
all=$(stored_items "$pdb" --config "$conf")
want=$(wc -l <"$T/want")
old=$(sql "$pdb" "SELECT count(*) FROM items WHERE published < $cutoff")
guided=$(sql "$pdb" "SELECT count(*) FROM items i JOIN event_guides g ON g.event_id = i.id
                     WHERE i.published < $cutoff")
[ "$want" -lt "$all" ] && [ "$guided" -gt 0 ] ||
    fail "the fixture prunes nothing or keeps nothing: $want of $all kept, $guided guided"
run "$T/p" "$ALMANAC" --db "$pdb" prune --older-than 1y --dry-run
[ "$rc" -eq 0 ] || fail "--dry-run: exit $rc: $(errtext "$T/p")"
grep -q "^would remove $((all - want)) items ($((all - want)) events) published before 2025-12-01T00:00:00Z; kept $((old - all + want)) " "$T/p" ||
    fail "--dry-run says: $(cat "$T/p"), want $((all - want)) removed"
[ "$(stored_items "$pdb" --config "$conf")" = "$all" ] || fail "--dry-run removed items"
run "$T/p" "$ALMANAC" --db "$pdb" prune --older-than 1y
[ "$rc" -eq 0 ] || fail "prune: exit $rc: $(errtext "$T/p")"
grep -q "^removed $((all - want)) items" "$T/p" || fail "prune says: $(cat "$T/p")"
# what is left, asked of almanac (every item is an event here: the
# corpus is analysed); kept_ids and the checks below read the SQLite store
stored_event_ids "$pdb" --config "$conf" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "kept items differ from the stories' walk: $(diff "$T/want" "$T/got" | head -3)"
[ "$(sql "$pdb" "SELECT count(*) FROM items i JOIN event_guides g ON g.event_id = i.id
                 WHERE i.published < $cutoff")" = "$guided" ] || fail "an event in a guide went"
end "prune --older-than 1y: removes the old stories nothing newer and no guide cites ($((all - want)) of $all); --dry-run counts the same, removes nothing"

begin
if ! on_pg; then   # SQLite-engine checks (PostgreSQL keeps its foreign keys itself)
    [ "$(sql "$pdb" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"
    [ "$(sql "$pdb" "PRAGMA foreign_key_check" | wc -l)" = 0 ] || fail "foreign_key_check"
    sql "$pdb" "INSERT INTO items_fts(items_fts) VALUES ('integrity-check')" 2>"$T/fts" ||
        fail "the full-text index: $(cat "$T/fts")"
fi
[ "$(sql "$pdb" "SELECT count(*) FROM related WHERE related_id NOT IN (SELECT id FROM events)")" = 0 ] ||
    fail "related lists name removed events"
[ "$(sql "$pdb" "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM events)")" = 0 ] ||
    fail "stories without events"
[ "$(sql "$pdb" "SELECT count(*) FROM events e WHERE e.story_id IS NOT NULL AND e.story_id NOT IN
                 (SELECT id FROM events)")" = 0 ] || fail "a kept story lost its first event"
[ "$(sql "$pdb" "SELECT count(*) FROM event_entities WHERE event_id NOT IN (SELECT id FROM events)")" = 0 ] ||
    fail "entities of removed events"
run "$T/a" "$ALMANAC" --config "$conf" --db "$pdb" analyze
[ "$rc" -eq 0 ] || fail "analyze after prune: exit $rc: $(errtext "$T/a")"
run "$T/e" "$ALMANAC" --db "$pdb" events --limit 1
[ "$rc" -eq 0 ] && [ -s "$T/e" ] || fail "events after prune: exit $rc"
run "$T/d" "$ALMANAC" --config "$conf" --db "$pdb" doctor
[ "$rc" -eq 0 ] || fail "doctor after prune: $(grep -v '^ok' "$T/d")"
end "after prune: integrity, full-text index, related lists and stories whole; analyze, events, doctor ok"

begin
run "$T/p" "$ALMANAC" --db "$pdb" prune --older-than 2x
[ "$rc" -eq 2 ] && grep -q "'2x'" "$T/p.err" || fail "--older-than 2x: exit $rc"
run "$T/p" "$ALMANAC" --db "$pdb" prune
[ "$rc" -eq 2 ] || fail "no --older-than: exit $rc"
run "$T/p" "$ALMANAC" --db "$pdb" prune --older-than 0d
[ "$rc" -eq 2 ] || fail "--older-than 0d: exit $rc"
end "prune: a malformed AGE or none is a usage error (exit 2)"

finish

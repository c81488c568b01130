#!/usr/bin/env bash
# pg-ingest.sh - the ingest side on PostgreSQL (issue 13): the bundled
# snapshot stored in a throwaway cluster (tests/pg/cluster.sh) gives the same
# items, per-source counts and source facts as the same ingest into SQLite;
# a second ingest adds nothing; two ingests started together on a new
# database leave every item once; prune counts as SQLite's; backup says to
# use pg_dump.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/pg-ingest.sh
#
# Skips (one "ok ... # SKIP" line, "skip: no PostgreSQL" on stderr) only when
# no PostgreSQL server programs are installed; a cluster that is there but
# does not start is a failure.
. "$(dirname "$0")/lib.bash"
skip_on_pg "on PostgreSQL already in the SQLite pass (its own cluster, compared with SQLite)"

export ALMANAC_NOW=2026-12-01T00:00:00Z
conf=etc/almanac.conf

pgdir=
stop_cluster() {
    [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
    cleanup
}
trap stop_cluster EXIT

begin
pgdir=$(tests/pg/cluster.sh start 2>"$T/cluster.err")
crc=$?
if [ "$crc" -eq 3 ]; then
    pgdir=
    echo "skip: no PostgreSQL" >&2
    skip "a throwaway PostgreSQL cluster starts" "no PostgreSQL: $(head -n1 "$T/cluster.err")"
    finish
fi
[ "$crc" -eq 0 ] || fail "cluster.sh start exited $crc: $(tail -n3 "$T/cluster.err")"
[ -n "$why" ] || dsn=$(tests/pg/cluster.sh url "$pgdir" almanac_one 2>&1) || fail "createdb: $dsn"
end "a throwaway PostgreSQL cluster starts (initdb, Unix socket only)"
[ -n "$why" ] && finish

# facts DB OUT: what `almanac sources --json` says of every source, less
# the wall-clock time of the last fetch; the total of items in OUT.total.
facts() {
    "$ALMANAC" --config "$conf" --db "$1" sources --json >"$2.json" 2>"$2.err" || return 1
    jq -S 'map(del(.last_fetch))' "$2.json" >"$2" &&
        jq '[.[].items] | add' "$2.json" >"$2.total"
}

# ---------------------------------------------------------------------------
begin
run "$T/sq.ingest" "$ALMANAC" --config "$conf" --db "$T/ref.db" ingest --snapshot --no-analyze
[ "$rc" -eq 0 ] || fail "SQLite ingest exited $rc: $(errtext "$T/sq.ingest")"
facts "$T/ref.db" "$T/sq.facts" || fail "sources --json on SQLite: $(cat "$T/sq.facts.err")"
want=$(cat "$T/sq.facts.total" 2>/dev/null)
[ "${want:-0}" -gt 1000 ] || fail "the SQLite reference holds ${want:-no} items"
end "the reference: the snapshot into SQLite (${want:-?} items)"

begin
run "$T/pg.ingest" "$ALMANAC" --config "$conf" --db "$dsn" ingest --snapshot --no-analyze
[ "$rc" -eq 0 ] || fail "PostgreSQL ingest exited $rc: $(errtext "$T/pg.ingest")"
grep -q "; $want new items, 0 updated; $want stored in all" "$T/pg.ingest" ||
    fail "its summary: $(tail -n1 "$T/pg.ingest")"
end "almanac --db postgresql://... ingest --snapshot stores the snapshot"

begin
facts "$dsn" "$T/pg.facts" || fail "sources --json on PostgreSQL: $(cat "$T/pg.facts.err")"
[ "$(cat "$T/pg.facts.total")" = "$want" ] ||
    fail "$(cat "$T/pg.facts.total") items on PostgreSQL, $want on SQLite"
cmp -s "$T/sq.facts" "$T/pg.facts" ||
    fail "sources --json differs: $(diff "$T/sq.facts" "$T/pg.facts" | head -n6)"
end "the same items, per-source counts and source facts as SQLite"

begin
"$ALMANAC" --config "$conf" --db "$T/ref.db" ingest --snapshot --no-analyze >"$T/sq.again" 2>&1
run "$T/pg.again" "$ALMANAC" --config "$conf" --db "$dsn" ingest --snapshot --no-analyze
[ "$rc" -eq 0 ] || fail "the second ingest exited $rc: $(errtext "$T/pg.again")"
grep -q "; 0 new items, 0 updated; $want stored in all" "$T/pg.again" ||
    fail "the second ingest says: $(tail -n1 "$T/pg.again")"
[ "$(tail -n1 "$T/pg.again")" = "$(tail -n1 "$T/sq.again")" ] ||
    fail "PostgreSQL: $(tail -n1 "$T/pg.again"); SQLite: $(tail -n1 "$T/sq.again")"
facts "$dsn" "$T/pg.facts2"
cmp -s "$T/pg.facts" "$T/pg.facts2" ||
    fail "the facts changed: $(diff "$T/pg.facts" "$T/pg.facts2" | head -n4)"
end "the same snapshot again adds nothing (identity by source and ident)"

# ---------------------------------------------------------------------------
begin
for round in 1 2; do
    pdsn=$(tests/pg/cluster.sh url "$pgdir" "almanac_par$round" 2>&1) || fail "createdb: $pdsn"
    for k in 1 2; do
        ( timeout 300 "$ALMANAC" --config "$conf" --db "$pdsn" ingest --snapshot --no-analyze \
            >"$T/par$round.$k" 2>&1 </dev/null; echo $? >"$T/par$round.$k.rc" ) &
    done
    wait
    for k in 1 2; do
        [ "$(cat "$T/par$round.$k.rc")" = 0 ] ||
            fail "round $round, copy $k exited $(cat "$T/par$round.$k.rc"): $(grep -m1 'almanac:' "$T/par$round.$k")"
        # a feed the store refused (two copies inserting one entry) is a
        # failed fetch, which does not change the exit status
        grep -q '^[0-9]* fetches: [0-9]* ok, 0 failed;' "$T/par$round.$k" ||
            fail "round $round, copy $k: $(grep -m1 FAILED "$T/par$round.$k"); $(tail -n1 "$T/par$round.$k")"
    done
    facts "$pdsn" "$T/par$round.facts" || fail "sources --json: $(cat "$T/par$round.facts.err")"
    [ "$(cat "$T/par$round.facts.total")" = "$want" ] ||
        fail "round $round: $(cat "$T/par$round.facts.total") items, want $want"
    # per source: the same counts as the single ingest
    jq -c 'map({slug, items})' "$T/par$round.facts" >"$T/par$round.counts"
    jq -c 'map({slug, items})' "$T/sq.facts" >"$T/sq.counts"
    cmp -s "$T/sq.counts" "$T/par$round.counts" || fail "round $round: per-source counts differ"
    # both copies stored new items; together exactly the snapshot
    n1=$(sed -n 's/.*; \([0-9]*\) new items.*/\1/p' "$T/par$round.1")
    n2=$(sed -n 's/.*; \([0-9]*\) new items.*/\1/p' "$T/par$round.2")
    [ "$((${n1:-0} + ${n2:-0}))" = "$want" ] ||
        fail "round $round: the copies say ${n1:-?} + ${n2:-?} new items, want $want in all"
done
end "two ingests started together on a new database store every item once (2 rounds)"

# ---------------------------------------------------------------------------
# A changed entry is updated in place, and the search vector follows it.
cat >"$T/chg.conf" <<CONF
[almanac]
database = $T/never-used.db
article_budget = 0

[source "chg"]
name = Changing
feed = http://changing.example/feed
tier = 2
kind = press
snapshot = $T/chg.xml
CONF
begin
cdsn=$(tests/pg/cluster.sh url "$pgdir" almanac_chg 2>&1) || fail "createdb: $cdsn"
for v in 1 2; do
    cp tests/data/changing.$v.xml "$T/chg.xml"
    for db in "$cdsn" "$T/chg.db"; do
        "$ALMANAC" --config "$T/chg.conf" --db "$db" ingest --snapshot --no-analyze \
            >"$T/chg$v.out" 2>&1 || fail "version $v into $db: $(grep -m1 almanac: "$T/chg$v.out")"
        tail -n1 "$T/chg$v.out" >>"$T/chg.lines"
    done
done
want_lines="1 fetches: 1 ok, 0 failed; 2 new items, 0 updated; 2 stored in all
1 fetches: 1 ok, 0 failed; 2 new items, 0 updated; 2 stored in all
1 fetches: 1 ok, 0 failed; 1 new items, 1 updated; 3 stored in all
1 fetches: 1 ok, 0 failed; 1 new items, 1 updated; 3 stored in all"
[ "$(cat "$T/chg.lines")" = "$want_lines" ] || fail "the summaries: $(cat "$T/chg.lines")"
# the engine's own view (search is not yet on PostgreSQL's almanac side)
q() { psql "$cdsn" -tAc "$1" 2>&1; }
[ "$(q "SELECT title FROM items WHERE ident = 'g:changing-a'")" = "Corrected title of entry A" ] ||
    fail "entry A's title: $(q "SELECT title FROM items WHERE ident = 'g:changing-a'")"
[ "$(q "SELECT count(*) FROM items WHERE search @@ to_tsquery('english', 'corrected')")" = 1 ] ||
    fail "the search vector does not have the new title"
[ "$(q "SELECT count(*) FROM items WHERE search @@ to_tsquery('english', 'first & published')")" = 0 ] ||
    fail "the search vector still has the old text"
end "a changed entry is updated in place (as SQLite counts it) and its search vector follows"

# ---------------------------------------------------------------------------
# Linked articles and robots.txt: the loopback site of tests/cli/fulltext.sh,
# ingested into both engines, twice (the second time only what is due).
site_pid=
mkfifo "$T/site.in" &&
    { python3 tests/article_site.py "$T/requests.log" <"$T/site.in" >"$T/site.out" 2>"$T/site.err" &
      site_pid=$!; exec 8>"$T/site.in"; }
stop_all() {
    exec 8>&- 2>/dev/null
    [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null && wait "$site_pid" 2>/dev/null
    stop_cluster
}
trap stop_all EXIT
sport=
for _ in $(seq 200); do
    sport=$(head -n1 "$T/site.out" 2>/dev/null)
    [ -n "$sport" ] && break
    sleep 0.05
done
cat >"$T/site.conf" <<CONF
[almanac]
article_budget = 10
article_max_bytes = 65536
article_timeout = 2

[source "example"]
name = Example News
feed = http://127.0.0.1:$sport/feed.xml
tier = 1
kind = lab
local = yes

[source "essays"]
name = Essays
feed = http://127.0.0.1:$sport/feed-long.xml
tier = 2
kind = newsletter
local = yes
fulltext = yes
CONF
begin
[ -n "$sport" ] || fail "tests/article_site.py did not start: $(head -c 200 "$T/site.err")"
adsn=$(tests/pg/cluster.sh url "$pgdir" almanac_site 2>&1) || fail "createdb: $adsn"
for round in 1 2; do
    for db in "$adsn" "$T/site.db"; do
        ALMANAC_NOW=2026-03-04T00:00:00Z "$ALMANAC" --config "$T/site.conf" --db "$db" ingest \
            --no-analyze >"$T/site$round.out" 2>&1 ||
            fail "round $round into $db: $(grep -m1 almanac: "$T/site$round.out")"
        grep -E '^[0-9]+ (fetches|articles):' "$T/site$round.out" >>"$T/site$round.lines"
    done
    [ "$(head -n2 "$T/site$round.lines")" = "$(tail -n2 "$T/site$round.lines")" ] ||
        fail "round $round: PostgreSQL: $(head -n2 "$T/site$round.lines" | tr '\n' ' ');" \
             "SQLite: $(tail -n2 "$T/site$round.lines" | tr '\n' ' ')"
done
grep -q '^7 articles: 3 extracted, 0 not modified, 3 failed, 1 refused by robots.txt$' \
    "$T/site1.lines" || fail "the first round's articles: $(grep articles "$T/site1.lines" | head -n1)"
facts "$adsn" "$T/site.pg" && facts "$T/site.db" "$T/site.sq" ||
    fail "sources --json: $(cat "$T/site.pg.err" "$T/site.sq.err")"
cmp -s "$T/site.pg" "$T/site.sq" || fail "sources --json differs: $(diff "$T/site.pg" "$T/site.sq" | head -n4)"
again=$(grep -m1 articles "$T/site2.lines" 2>/dev/null)
end "linked articles and robots.txt: the same fetches, extractions, failures and retries as SQLite" \
    "(again: ${again:-no article due})"

# ---------------------------------------------------------------------------
begin
run "$T/sq.prune" "$ALMANAC" --config "$conf" --db "$T/ref.db" prune --older-than 1y --dry-run
run "$T/pg.prune" "$ALMANAC" --config "$conf" --db "$dsn" prune --older-than 1y --dry-run
[ "$rc" -eq 0 ] || fail "prune --dry-run exited $rc: $(errtext "$T/pg.prune")"
[ "$(cat "$T/pg.prune")" = "$(cat "$T/sq.prune")" ] ||
    fail "PostgreSQL: $(cat "$T/pg.prune"); SQLite: $(cat "$T/sq.prune")"
run "$T/pg.prune2" "$ALMANAC" --config "$conf" --db "$dsn" prune --older-than 1y
run "$T/sq.prune2" "$ALMANAC" --config "$conf" --db "$T/ref.db" prune --older-than 1y
[ "$(cat "$T/pg.prune2")" = "$(cat "$T/sq.prune2")" ] ||
    fail "PostgreSQL: $(cat "$T/pg.prune2"); SQLite: $(cat "$T/sq.prune2")"
facts "$dsn" "$T/pg.pruned"
facts "$T/ref.db" "$T/sq.pruned"
cmp -s "$T/sq.pruned" "$T/pg.pruned" ||
    fail "after prune: $(diff "$T/sq.pruned" "$T/pg.pruned" | head -n4)"
[ "$(cat "$T/pg.pruned.total")" -lt "$want" ] || fail "prune removed nothing"
end "prune removes what SQLite's removes" "($(cat "$T/pg.pruned.total" 2>/dev/null) items left)"

begin
DSN=$dsn awk '/^database = /{print "database = " ENVIRON["DSN"]; next} {print}' "$conf" >"$T/pg.conf"
grep -q "^database = postgresql:" "$T/pg.conf" || fail "no database line in $conf"
"$ALMANAC" --config "$T/pg.conf" sources --json 2>&1 | jq -S 'map(del(.last_fetch))' >"$T/via.conf" 2>&1
ALMANAC_DB=$dsn "$ALMANAC" --config "$conf" sources --json 2>&1 | jq -S 'map(del(.last_fetch))' \
    >"$T/via.env" 2>&1
facts "$dsn" "$T/pg.now"
cmp -s "$T/via.conf" "$T/pg.now" || fail "database = DSN in the configuration: $(head -c 200 "$T/via.conf")"
cmp -s "$T/via.env" "$T/pg.now" || fail "ALMANAC_DB=DSN: $(head -c 200 "$T/via.env")"
end "the configuration's database = postgresql://... and ALMANAC_DB choose PostgreSQL too"

begin
run "$T/doctor" "$ALMANAC" --config "$conf" --db "$dsn" doctor
grep -q "schema [0-9]* (current), quick_check ok" "$T/doctor" ||
    fail "doctor: $(grep database "$T/doctor")"
run "$T/backup" "$ALMANAC" --config "$conf" --db "$dsn" backup "$T/copy.db"
[ "$rc" -eq 1 ] || fail "backup exited $rc"
grep -q "pg_dump" "$T/backup.err" || fail "backup says: $(cat "$T/backup.err")"
[ ! -e "$T/copy.db" ] || fail "backup left a file"
end "doctor checks the PostgreSQL store; backup points to pg_dump"

finish

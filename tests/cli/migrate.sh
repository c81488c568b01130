#!/usr/bin/env bash
# migrate.sh - `almanac migrate-to DSN` (issue 13): the bundled snapshot,
# ingested and analysed into SQLite, copied into an empty database of a
# throwaway PostgreSQL cluster (tests/pg/cluster.sh), reads the same through
# almanac: sources --json, events --json, a sample of event ID --json, and
# the API served by `almanac --db DSN serve` on loopback against the same
# pages served from the SQLite file. A second migrate-to of the same
# database is refused and leaves it as it was; a source that is not SQLite
# is refused; an ingest after the move stores new items under new ids (the
# identity sequences moved past the copied ids).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/migrate.sh
#
# The reads of events (events, event, the API) need the PostgreSQL
# backend's analysis and web operations. While a build still answers them
# "not yet on PostgreSQL" (src/store/pg_pending.c), those checks print
# "# SKIP waits for the PostgreSQL queries"; every other check runs. Skips
# (one "ok ... # SKIP" line, "skip: no PostgreSQL" on stderr) when no
# PostgreSQL server programs are installed.
. "$(dirname "$0")/lib.bash"
skip_on_pg "on PostgreSQL already in the SQLite pass (SQLite to its own cluster)"

export ALMANAC_NOW=2026-12-01T00:00:00Z
conf=etc/almanac.conf
sq=$T/sq.db

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
[ -n "$why" ] || dsn=$(tests/pg/cluster.sh url "$pgdir" almanac_moved 2>&1) || fail "createdb: $dsn"
[ -n "$why" ] || dsn2=$(tests/pg/cluster.sh url "$pgdir" almanac_other 2>&1) ||
    fail "createdb: $dsn2"
end "a throwaway PostgreSQL cluster starts (initdb, Unix socket only)"
[ -n "$why" ] && finish

# ---------------------------------------------------------------------------
begin
run "$T/sq.ingest" "$ALMANAC" --config "$conf" --db "$sq" ingest --snapshot
[ "$rc" -eq 0 ] || fail "SQLite ingest exited $rc: $(errtext "$T/sq.ingest")"
nitems=$(sed -n 's/.*; \([0-9]*\) stored in all$/\1/p' "$T/sq.ingest")
nevents=$(sed -n 's/^analysed \([0-9]*\) events.*/\1/p' "$T/sq.ingest")
[ "${nitems:-0}" -gt 1000 ] || fail "the SQLite almanac holds ${nitems:-no} items"
[ "${nevents:-0}" -gt 1000 ] || fail "the analysis made ${nevents:-no} events"
end "the SQLite almanac: the snapshot ingested and analysed (${nitems:-?} items, ${nevents:-?} events)"

# ---------------------------------------------------------------------------
begin
run "$T/move" "$ALMANAC" --config "$conf" --db "$sq" migrate-to "$dsn"
[ "$rc" -eq 0 ] || fail "migrate-to exited $rc: $(errtext "$T/move")"
for t in sources items fetch_log events stories related event_entities event_guides \
         candidates guides entities paths articles robots leases alert_deliveries; do
    grep -Eq "^$t +[0-9]+ rows" "$T/move" || fail "no progress line for $t: $(head -c 300 "$T/move")"
done
grep -Eq "^items +$nitems rows" "$T/move" || fail "items: $(grep '^items ' "$T/move")"
grep -Eq "^events +$nevents rows" "$T/move" || fail "events: $(grep '^events ' "$T/move")"
grep -q "counts equal" "$T/move" || fail "no final check: $(tail -n1 "$T/move")"
# sources -> items -> events -> related: each after those it references
order=$(grep -Eo '^(sources|items|events|related) ' "$T/move" | tr -d ' ' | tr '\n' ' ')
[ "$order" = "sources items events related " ] || fail "not in foreign-key order: $order"
end "migrate-to copies every table, a line each, in foreign-key order, counts equal" \
    "($(tail -n1 "$T/move" | sed 's/.*PostgreSQL: //'))"

# Whether this build reads events on PostgreSQL yet.
"$ALMANAC" --config "$conf" --db "$dsn" events --limit 1 >"$T/probe" 2>&1
if grep -q "not yet on PostgreSQL" "$T/probe"; then
    waits="waits for the PostgreSQL queries ($(head -n1 "$T/probe"))"
else
    waits=
fi

# ---------------------------------------------------------------------------
begin
"$ALMANAC" --config "$conf" --db "$sq" sources --json >"$T/sq.sources" 2>"$T/sq.sources.err" ||
    fail "sources --json on SQLite: $(head -c 200 "$T/sq.sources.err")"
"$ALMANAC" --config "$conf" --db "$dsn" sources --json >"$T/pg.sources" 2>"$T/pg.sources.err" ||
    fail "sources --json on PostgreSQL: $(head -c 200 "$T/pg.sources.err")"
[ "$(jq length "$T/sq.sources" 2>/dev/null)" -gt 50 ] 2>/dev/null || fail "too few sources"
cmp -s <(jq -S . "$T/sq.sources") <(jq -S . "$T/pg.sources") ||
    fail "differs: $(diff <(jq -S . "$T/sq.sources") <(jq -S . "$T/pg.sources") | head -n6)"
end "sources --json: the same on PostgreSQL as on SQLite (facts, counts, fetch times)"

# ---------------------------------------------------------------------------
begin
"$ALMANAC" --config "$conf" --db "$sq" events --json --limit 100000 >"$T/sq.events" 2>&1 ||
    fail "events on SQLite: $(head -c 200 "$T/sq.events")"
[ "$(jq length "$T/sq.events" 2>/dev/null)" = "$nevents" ] || fail "SQLite lists $(jq length "$T/sq.events") events"
ids=$(jq -r '.[].id' "$T/sq.events" 2>/dev/null | awk 'NR % 97 == 1')
if [ -n "$waits" ]; then
    skip "events --json --limit 100000: the same on PostgreSQL" "$waits"
else
    "$ALMANAC" --config "$conf" --db "$dsn" events --json --limit 100000 >"$T/pg.events" 2>&1 ||
        fail "events on PostgreSQL: $(head -c 200 "$T/pg.events")"
    cmp -s "$T/sq.events" "$T/pg.events" ||
        fail "differs: $(diff <(jq -S . "$T/sq.events") <(jq -S . "$T/pg.events") | head -n6)"
    end "events --json --limit 100000: the same on PostgreSQL ($nevents events)"
fi

begin
if [ -n "$waits" ]; then
    skip "event ID --json: the same on PostgreSQL for a sample" "$waits"
else
    n=0
    for id in $ids; do
        "$ALMANAC" --config "$conf" --db "$sq" event "$id" --json >"$T/sq.ev" 2>&1
        "$ALMANAC" --config "$conf" --db "$dsn" event "$id" --json >"$T/pg.ev" 2>&1
        cmp -s "$T/sq.ev" "$T/pg.ev" || { fail "event $id: $(diff "$T/sq.ev" "$T/pg.ev" | head -n4)"; break; }
        n=$((n + 1))
    done
    [ "$n" -gt 20 ] || [ -n "$why" ] || fail "only $n events in the sample"
    end "event ID --json: the same on PostgreSQL for a sample ($n events)"
fi

# ---------------------------------------------------------------------------
# The API from `almanac serve` on each database, the host part of every
# absolute link taken out (the two servers listen on different ports).
api_pages() {
    local dir=$1 p f
    mkdir -p "$dir"
    for p in api/v1/sources api/v1/events "api/v1/events?limit=100&offset=100" \
             "api/v1/events?sort=score&limit=50" api/v1/guides api/v1/entities api/v1/learn; do
        f=$dir/$(printf '%s' "$p" | tr '/?&=' '____')
        get "/$p"
        printf '%s\n' "$code" >"$f"
        sed "s|${url%/}||g" "$T/body" >>"$f"
    done
    for id in $ids; do
        get "/api/v1/events/$id"
        printf '%s\n' "$code" >"$dir/event_$id"
        sed "s|${url%/}||g" "$T/body" >>"$dir/event_$id"
    done
}

begin
if [ -n "$waits" ]; then
    skip "the API served from PostgreSQL: the same pages as from SQLite" "$waits"
else
    if start_almanac "$T/serve.sq" --config "$conf" --db "$sq" serve --listen 127.0.0.1:0; then
        api_pages "$T/api.sq"
        stop_almanac
    else
        fail "serve on SQLite: $(errtext "$T/serve.sq")"
    fi
    if start_almanac "$T/serve.pg" --config "$conf" --db "$dsn" serve --listen 127.0.0.1:0; then
        api_pages "$T/api.pg"
        stop_almanac
    else
        fail "serve on PostgreSQL: $(errtext "$T/serve.pg")"
    fi
    npages=$(ls "$T/api.sq" 2>/dev/null | wc -l)
    [ "$(head -qn1 "$T"/api.sq/* 2>/dev/null | sort -u)" = 200 ] ||
        fail "SQLite answered $(head -qn1 "$T"/api.sq/* | sort | uniq -c | tr '\n' ' ')"
    [ -n "$why" ] || diff -r "$T/api.sq" "$T/api.pg" >"$T/api.diff" ||
        fail "differs: $(head -c 300 "$T/api.diff")"
    end "the API served from PostgreSQL: the same pages as from SQLite ($npages pages)"
fi

# ---------------------------------------------------------------------------
begin
run "$T/again" "$ALMANAC" --config "$conf" --db "$sq" migrate-to "$dsn"
[ "$rc" -eq 1 ] || fail "a second migrate-to exited $rc"
grep -q "not empty" "$T/again.err" || fail "its message: $(errtext "$T/again")"
"$ALMANAC" --config "$conf" --db "$dsn" sources --json >"$T/pg.sources2" 2>&1
cmp -s "$T/pg.sources" "$T/pg.sources2" || fail "the target changed"
end "a second migrate-to into the same database is refused (exit 1) and changes nothing"

begin
run "$T/frompg" "$ALMANAC" --config "$conf" --db "$dsn" migrate-to "$dsn2"
[ "$rc" -eq 1 ] || fail "migrate-to from PostgreSQL exited $rc"
grep -q "SQLite" "$T/frompg.err" || fail "its message: $(errtext "$T/frompg")"
run "$T/notpg" "$ALMANAC" --config "$conf" --db "$sq" migrate-to "$T/other.db"
[ "$rc" -eq 2 ] || fail "migrate-to a file exited $rc"
[ -e "$T/other.db" ] && fail "it made $T/other.db"
run "$T/none" "$ALMANAC" --config "$conf" --db "$T/none.db" migrate-to "$dsn2"
[ "$rc" -eq 1 ] || fail "migrate-to of a missing SQLite file exited $rc"
end "refused: a source that is not SQLite (exit 1), a target that is not PostgreSQL (exit 2), no database"

# ---------------------------------------------------------------------------
# A new source after the move: its items get ids past every copied one.
begin
cp "$conf" "$T/more.conf"
cat >>"$T/more.conf" <<EOF

[source "after-the-move"]
name = After the move
feed = https://example.org/after.atom
tier = 3
kind = community
snapshot = $ROOT/tests/data/github__small_atom.xml
EOF
analyse=
[ -n "$waits" ] && analyse=--no-analyze
run "$T/more" "$ALMANAC" --config "$T/more.conf" --db "$dsn" ingest --snapshot $analyse
[ "$rc" -eq 0 ] || fail "ingest on PostgreSQL after the move exited $rc: $(errtext "$T/more")"
grep -Eq "; [1-9][0-9]* new items, 0 updated; [0-9]+ stored in all" "$T/more" ||
    fail "its summary: $(tail -n2 "$T/more" | tr '\n' ' ')"
added=$(sed -n 's/.*; \([0-9]*\) new items, .*/\1/p' "$T/more")
"$ALMANAC" --config "$T/more.conf" --db "$dsn" sources --json >"$T/pg.sources3" 2>&1
[ "$(jq '[.[].items] | add' "$T/pg.sources3")" = "$((nitems + ${added:-0}))" ] ||
    fail "$(jq '[.[].items] | add' "$T/pg.sources3") items after, $nitems + $added expected"
if [ -z "$waits" ] && [ -z "$why" ]; then
    maxold=$(jq '[.[].id] | max' "$T/sq.events")
    "$ALMANAC" --config "$T/more.conf" --db "$dsn" events --source after-the-move --json \
        --limit 1000 >"$T/new.events" 2>&1 || fail "events --source: $(head -c 200 "$T/new.events")"
    [ "$(jq "[.[] | select(.id > $maxold)] | length" "$T/new.events")" = "$added" ] ||
        fail "new events' ids: $(jq -c '[.[].id]' "$T/new.events" | head -c 200), the copied ones end at $maxold"
fi
end "an ingest after the move stores new items under new ids (${added:-?} new)" \
    "${waits:+(their ids seen through events: $waits)}"

finish

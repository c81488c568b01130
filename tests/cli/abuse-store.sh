#!/usr/bin/env bash
# abuse-store.sh - the store and the commands around it under abuse (issue 9):
# processes started together on a new or older database, a full disk, OPML
# files that would break the configuration, dates from the future, and
# numeric options that are not numbers.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/abuse-store.sh
#
# Prints one "ok - NAME" / "not ok - NAME: REASON" line per check and exits
# non-zero when one failed. Everything happens in a temp dir.
. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-11-01T00:00:00Z
conf=etc/almanac.conf
# Two small snapshot sources (30 items): enough to race on, quick under ASan.
SRCS="anthropic-red-team ai2"

# A starting gate: gate_open before starting the processes, each of which
# calls gate_wait first; gate_release N lets N of them go at the same moment.
# (fd 8 holds the FIFO open for reading and writing, so no open blocks; each
# waiter reads one line, and the lines are written at once.)
gate_open() {
    rm -f "$T/go"
    mkfifo "$T/go"
    exec 8<>"$T/go"
}
gate_wait() {
    read -r _ <&8
    exec 8<&-
}
gate_release() {
    printf '\n%.0s' $(seq "$1") >&8
    exec 8<&-
}

# together OUT_PREFIX N ARGS...: starts N copies of `almanac ARGS` at the
# same moment and waits for them; OUT_PREFIX.K holds copy K's output and
# OUT_PREFIX.K.rc its exit status.
together() {
    local out=$1 n=$2 k
    shift 2
    gate_open
    for k in $(seq "$n"); do
        (
            gate_wait
            timeout 60 "$ALMANAC" "$@" >"$out.$k" 2>&1 </dev/null
            echo $? >"$out.$k.rc"
        ) &
    done
    gate_release "$n"
    wait
}

# all_ok OUT_PREFIX N: fails with the first copy that did not exit 0.
all_ok() {
    local k
    for k in $(seq "$2"); do
        [ "$(cat "$1.$k.rc")" = 0 ] ||
            fail "copy $k exited $(cat "$1.$k.rc"): $(grep -m1 'almanac:' "$1.$k" || tail -n1 "$1.$k")"
    done
}

# sound DB: integrity, full-text index, one event per item, no duplicate.
# (On PostgreSQL the file's integrity is the server's, and items.search is
# a generated column: one event per item is what is left to check.)
sound() {
    local ic fts
    if ! on_pg; then
        ic=$(sql "$1" "PRAGMA integrity_check" 2>&1)
        [ "$ic" = ok ] || fail "integrity_check: $ic"
        fts=$(sql "$1" "INSERT INTO items_fts(items_fts) VALUES('integrity-check')" 2>&1)
        [ -z "$fts" ] || fail "FTS integrity-check: $fts"
    fi
    [ "$(sql "$1" "SELECT count(*) FROM events")" = "$(sql "$1" "SELECT count(*) FROM items")" ] ||
        fail "$(sql "$1" "SELECT count(*) FROM items") items but $(sql "$1" "SELECT count(*) FROM events") events"
}

# schema_of DB: the schema version a database is at.
schema_of() {
    if on_pg; then
        sql "$1" "SELECT version FROM schema_version"
    else
        sql "$1" "PRAGMA user_version"
    fi
}

# The reference: the same sources ingested alone.
ref=$(new_db ref)
"$ALMANAC" --config "$conf" --db "$ref" ingest --snapshot $SRCS >"$T/ref.out" 2>&1
want=$(sql "$ref" "SELECT count(*) FROM items")
version=$(schema_of "$ref")

# ---------------------------------------------------------------------------
# 1. Processes started together on a new or older database.
begin
[ "${want:-0}" -gt 0 ] || fail "the reference ingest stored nothing: $(tail -n1 "$T/ref.out")"
for round in 1 2 3 4 5; do
    db=$(new_db two$round)
    together "$T/two$round" 2 --config "$conf" --db "$db" ingest --snapshot $SRCS
    all_ok "$T/two$round" 2
    [ "$(sql "$db" "SELECT count(*) FROM items")" = "$want" ] ||
        fail "round $round: $(sql "$db" "SELECT count(*) FROM items") items, want $want"
    [ "$(schema_of "$db")" = "$version" ] || fail "round $round: schema not current"
    sound "$db"
done
end "two ingests started together on a new database both succeed (5 rounds, $want items each)"

begin
for round in 1 2 3; do
    db=$(new_db three$round)
    together "$T/three$round" 3 --config "$conf" --db "$db" ingest --snapshot $SRCS
    all_ok "$T/three$round" 3
    [ "$(sql "$db" "SELECT count(*) FROM items")" = "$want" ] ||
        fail "round $round: $(sql "$db" "SELECT count(*) FROM items") items, want $want"
    sound "$db"
done
end "three ingests started together on a new database all succeed (3 rounds)"

# serve_and SERVE_OUT DB ARGS...: starts `serve` and `almanac ARGS` at the same
# moment on DB; the ingest's output in SERVE_OUT.ingest (rc in .rc), the
# server's first line in SERVE_OUT; srv_pid is the server. Returns non-zero
# when the server did not say it serves.
serve_and() {
    local out=$1 db=$2 i
    shift 2
    rm -f "$out" "$out.ingest.rc"
    gate_open
    ( gate_wait; exec "$ALMANAC" --config "$conf" --db "$db" serve --listen 127.0.0.1:0 \
        >"$out" 2>"$out.err" </dev/null ) &
    srv_pid=$!
    ( gate_wait; timeout 60 "$ALMANAC" --config "$conf" --db "$db" "$@" >"$out.ingest" 2>&1 \
        </dev/null; echo $? >"$out.ingest.rc" ) &
    local ing=$!
    gate_release 2
    wait "$ing"
    for i in $(seq 200); do
        url=$(sed -n 's/^almanac: serving //p' "$out")
        [ -n "$url" ] && return 0
        kill -0 "$srv_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

stop_server() {
    kill -TERM "$srv_pid" 2>/dev/null
    wait "$srv_pid"
    rc=$?
    srv_pid=
}

begin
for round in 1 2 3; do
    db=$(new_db serve$round)
    serve_and "$T/serve$round" "$db" ingest --snapshot $SRCS ||
        fail "round $round: serve did not start: $(head -c 200 "$T/serve$round.err")"
    [ "$(cat "$T/serve$round.ingest.rc")" = 0 ] ||
        fail "round $round: ingest beside serve exited $(cat "$T/serve$round.ingest.rc"): $(grep -m1 almanac: "$T/serve$round.ingest")"
    if [ -n "$srv_pid" ]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${url}healthz")
        [ "$code" = 200 ] || fail "round $round: /healthz answered $code"
        n=$(curl -s --max-time 10 "${url}api/v1/events?limit=100" | grep -o '"id":' | wc -l)
        [ "$n" -gt 0 ] || fail "round $round: the API lists no event after the ingest"
        stop_server
        [ "$rc" = 0 ] || fail "round $round: serve exited $rc: $(head -c 200 "$T/serve$round.err")"
    fi
    [ "$(sql "$db" "SELECT count(*) FROM items")" = "$want" ] || fail "round $round: items lost"
    sound "$db"
done
end "serve and ingest started together on a new database both succeed (3 rounds)"

# An older database (schema 6), upgraded while `serve` starts beside two
# ingests: one migrates, the others wait for it, nothing is lost.
if on_pg; then
    skip "a schema-6 database upgraded while serve and two ingests start together" \
         "SQLite files of an older schema (tests/data/schema/v6.sql); PostgreSQL's first schema is made by the rounds above"
else
begin
for round in 1 2 3; do
    db=$T/v6-$round.db
    sqlite3 "$db" <tests/data/schema/v6.sql
    sql "$db" "SELECT s.slug || ' ' || i.ident FROM items i JOIN sources s ON s.id = i.source_id
               ORDER BY 1" >"$T/v6.before"
    gate_open
    ( gate_wait; exec "$ALMANAC" --config "$conf" --db "$db" serve --listen 127.0.0.1:0 \
        >"$T/up$round" 2>"$T/up$round.err" </dev/null ) &
    srv_pid=$!
    ingests=
    for k in 1 2; do
        ( gate_wait; timeout 60 "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot \
            $SRCS openai >"$T/up$round.$k" 2>&1 </dev/null; echo $? >"$T/up$round.$k.rc" ) &
        ingests="$ingests $!"
    done
    gate_release 3
    # shellcheck disable=SC2086
    wait $ingests
    all_ok "$T/up$round" 2
    url=
    for i in $(seq 200); do
        url=$(sed -n 's/^almanac: serving //p' "$T/up$round")
        [ -n "$url" ] && break
        sleep 0.05
    done
    [ -n "$url" ] || fail "round $round: serve did not start on the v6 database: $(head -c 200 "$T/up$round.err")"
    [ -z "$url" ] || code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url")
    [ -z "$url" ] || [ "$code" = 200 ] || fail "round $round: / answered $code"
    stop_server
    [ "$(sql "$db" "PRAGMA user_version")" = "$version" ] || fail "round $round: not migrated"
    sql "$db" "SELECT s.slug || ' ' || i.ident FROM items i JOIN sources s ON s.id = i.source_id
               ORDER BY 1" >"$T/v6.after"
    lost=$(comm -23 "$T/v6.before" "$T/v6.after" | wc -l)
    [ "$lost" = 0 ] || fail "round $round: $lost items of the v6 database lost"
    sound "$db"
done
end "a schema-6 database upgraded while serve and two ingests start together: all succeed, nothing lost"
fi

# A process that holds the write lock for a while (a long write elsewhere):
# the migration waits for it rather than failing, both on a database still
# in rollback-journal mode (the switch to WAL must wait: SQLite does not
# call the busy handler there) and on one already in WAL mode.
on_pg && skip "a migration waits for another process's write lock" \
    "SQLite's file lock and journal modes"
for mode in delete wal; do
    on_pg && break
    begin
    db=$T/held-$mode.db
    sqlite3 "$db" <tests/data/schema/v6.sql
    sql "$db" "PRAGMA journal_mode=$mode" >/dev/null
    rm -f "$T/held.py"
    python3 - "$db" >"$T/held.py" 2>&1 <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(1.5)
c.execute("COMMIT")
EOF
    holder=$!
    for i in $(seq 100); do grep -q held "$T/held.py" && break; sleep 0.05; done
    t0=$(date +%s%N)
    run "$T/held" "$ALMANAC" --config "$conf" --db "$db" events --limit 1
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    wait "$holder"
    [ "$rc" = 0 ] || fail "events exited $rc: $(errtext "$T/held")"
    [ "$ms" -ge 1000 ] || fail "it did not wait for the lock (${ms} ms)"
    [ "$(sql "$db" "PRAGMA user_version")" = "$version" ] || fail "not migrated"
    end "a migration waits for another process's write lock ($mode journal, ${ms} ms)"
done

# ---------------------------------------------------------------------------
# 2. A full disk: the database on a small tmpfs.
full=$T/full
BIG="the-batch time-tech langchain openai anthropic claude-blog windsurf huggingface"
mkdir -p "$full"
if on_pg; then
    skip "a full disk" "a tmpfs under the SQLite file; PostgreSQL's disk is the server's"
elif ! mount -t tmpfs -o size=64k tmpfs "$full" 2>"$T/mount.err"; then
    skip "a full disk" "cannot mount a tmpfs here: $(head -c 120 "$T/mount.err")"
else
    trap 'umount "$full" 2>/dev/null; cleanup' EXIT
    "$ALMANAC" --config "$conf" --db "$T/big-ref.db" ingest --snapshot --no-analyze $BIG \
        >"$T/big-ref.out" 2>&1
    big=$(sql "$T/big-ref.db" "SELECT count(*) FROM items")

    # A new database on a disk too small for its schema: nothing half made.
    begin
    run "$T/tiny" "$ALMANAC" --config "$conf" --db "$full/new.db" ingest --snapshot $SRCS
    [ "$rc" = 1 ] || fail "exited $rc on a 64 KiB disk"
    grep -q 'no space left on device' "$T/tiny.err" || fail "the cause is not named: $(errtext "$T/tiny")"
    tables=$(sql "$full/new.db" "SELECT count(*) FROM sqlite_master" 2>&1)
    [ "$tables" = 0 ] || fail "a half-made schema: $tables objects"
    mount -o remount,size=2m "$full"
    run "$T/tiny2" "$ALMANAC" --config "$conf" --db "$full/new.db" ingest --snapshot $SRCS
    [ "$rc" = 0 ] || fail "with space, ingest exited $rc: $(errtext "$T/tiny2")"
    [ "$(sql "$full/new.db" "SELECT count(*) FROM items")" = "$want" ] || fail "items missing"
    end "a new database on a full disk: exit 1 naming the cause, no half-made schema, then it works"

    # A disk that fills up during an ingest: it stops at the first feed that
    # does not fit, keeps everything committed, blames no source.
    begin
    umount "$full"
    mount -t tmpfs -o size=3m tmpfs "$full"
    db=$full/a.db
    run "$T/f1" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot $SRCS
    [ "$rc" = 0 ] || fail "the first ingest exited $rc: $(errtext "$T/f1")"
    sql "$db" "SELECT ident FROM items ORDER BY 1" >"$T/f1.items"
    run "$T/f2" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot $BIG
    [ "$rc" = 1 ] || fail "the ingest that filled the disk exited $rc"
    grep -q 'level=error msg="stopped: no space left for the database;.* error=".*no space left on device' "$T/f2.err" ||
        fail "no clear error naming the cause: $(errtext "$T/f2")"
    # the feed that did not fit FAILED (none when the fetch log was what did not fit)
    [ "$(grep -c 'FAILED' "$T/f2")" -le 1 ] || fail "$(grep -c FAILED "$T/f2") feeds FAILED, want the one that did not fit"
    n2=$(sql "$db" "SELECT count(*) FROM items")
    [ "$n2" -lt "$((big + want))" ] || fail "the disk did not fill up ($n2 items stored)"
    sql "$db" "SELECT ident FROM items ORDER BY 1" >"$T/f2.items"
    [ -z "$(comm -23 "$T/f1.items" "$T/f2.items")" ] || fail "items of the first run lost"
    ic=$(sql "$db" "PRAGMA integrity_check" 2>&1)
    [ "$ic" = ok ] || fail "integrity_check: $ic"
    blamed=$(sql "$db" "SELECT count(*) FROM sources WHERE failures > 0 OR last_error IS NOT NULL")
    [ "$blamed" = 0 ] || fail "$blamed sources blamed for the full disk"
    end "an ingest that fills the disk stops, exit 1 naming the cause, nothing committed lost" \
        "($n2 items kept)"

    begin
    mount -o remount,size=64m "$full"
    run "$T/f3" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot $BIG
    [ "$rc" = 0 ] || fail "with space, ingest exited $rc: $(errtext "$T/f3")"
    [ "$(sql "$db" "SELECT count(*) FROM items")" = "$((big + want))" ] ||
        fail "$(sql "$db" "SELECT count(*) FROM items") items, want $((big + want))"
    sound "$db"
    end "the next run, with space, completes: every item once, every item analysed"
    umount "$full"
    trap cleanup EXIT
fi

# ---------------------------------------------------------------------------
# 3. OPML import: whatever the file holds, the configuration still loads.
mkdir -p "$T/opml"
oc=$T/opml/almanac.conf
cp "$conf" "$oc"
chmod 0644 "$oc"
longurl="https://example.com/$(printf 'a%.0s' $(seq 300))"
longtitle=$(printf 'Tr\xc3\xa8s long titre %.0s' $(seq 30))
cat >"$T/hostile.opml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Hostile</title></head><body>
<outline text="News" xmlUrl="https://a.example/feed"/>
<outline text="News" xmlUrl="https://b.example/feed"/>
<outline text="Same URL" xmlUrl="https://a.example/feed"/>
<outline text="Configured" xmlUrl="$(awk -F'\t' 'NR == 1 {print $2}' <(conf_sources "$conf"))"/>
<outline text="Long URL" xmlUrl="$longurl"/>
<outline text="$longtitle" xmlUrl="https://c.example/feed"/>
<outline text="JS" xmlUrl="javascript:alert(1)"/>
<outline text="File" xmlUrl="file:///etc/passwd"/>
<outline text="Spaces" xmlUrl="https://d.example/my feed.xml"/>
<outline text="CR&#13;in the title&#9;and a tab" xmlUrl="https://e.example/feed"/>
<outline text="semi ; colon" xmlUrl="https://f.example/feed" htmlUrl="javascript:x"/>
<outline text="Anthropic" xmlUrl="https://g.example/feed"/>
</body></opml>
EOF
opmldb=$(new_db opml)
begin
run "$T/imp1" "$ALMANAC" --config "$oc" --db "$opmldb" opml import "$T/hostile.opml"
[ "$rc" = 1 ] || fail "exited $rc with rejected outlines"
for o in 'outline 5 "Long URL"' 'outline 7 "JS"' 'outline 8 "File"' 'outline 9 "Spaces"'; do
    grep -qF "$o" "$T/imp1.err" || fail "$o is not named: $(errtext "$T/imp1")"
done
[ "$(grep -c 'rejected:' "$T/imp1.err")" = 4 ] || fail "$(grep -c 'rejected:' "$T/imp1.err") rejected, want 4"
grep -q 'imported 6 new sources of 12 outlines.*2 already there, 4 rejected' "$T/imp1" ||
    fail "import said: $(tail -n1 "$T/imp1")"
run "$T/imp1s" "$ALMANAC" --config "$oc" --db "$opmldb" sources --json
[ "$rc" = 0 ] || fail "the configuration no longer loads: $(errtext "$T/imp1s")"
bad=$(python3 - "$T/imp1s" <<'EOF' 2>&1
import json, sys
src = json.load(open(sys.argv[1]))
by_feed = {s["feed_url"]: s for s in src}
slugs = [s["slug"] for s in src]
assert len(slugs) == len(set(slugs)), "duplicate slugs"
for u in ("https://a.example/feed", "https://b.example/feed", "https://c.example/feed",
          "https://e.example/feed", "https://f.example/feed", "https://g.example/feed"):
    assert u in by_feed, u + " missing"
assert by_feed["https://e.example/feed"]["name"] == "CR in the title and a tab", \
    by_feed["https://e.example/feed"]["name"]
assert by_feed["https://f.example/feed"]["name"] == "semi; colon"
assert by_feed["https://f.example/feed"]["site_url"] is None
assert by_feed["https://g.example/feed"]["slug"] == "anthropic-2"
assert len(by_feed["https://c.example/feed"]["name"].encode()) <= 191
assert sum(1 for s in src if s["feed_url"] == "https://a.example/feed") == 1
EOF
)
[ -z "$bad" ] || fail "$(echo "$bad" | tail -n1)"
[ "$(stat -c %a "$oc")" = 644 ] || fail "mode $(stat -c %a "$oc") after the import"
[ -z "$(ls -A "$T/opml" | grep '^\.almanac\.conf\.')" ] || fail "a temporary file was left"
end "opml import of 12 hostile outlines: 6 added (unique slugs, repaired titles)," \
    "2 skipped, 4 rejected by name, exit 1; the configuration loads"

begin
cp "$oc" "$T/opml/before.conf"
run "$T/imp2" "$ALMANAC" --config "$oc" --db "$opmldb" opml import "$T/hostile.opml"
[ "$rc" = 1 ] || fail "exited $rc"
grep -q '^imported 0 new sources of 12 outlines.*8 already there, 4 rejected' "$T/imp2" ||
    fail "import said: $(tail -n1 "$T/imp2")"
cmp -s "$oc" "$T/opml/before.conf" || fail "importing the same file again changed the config"
end "the same import again adds nothing and leaves the file as it was"

begin
cat >"$T/same.opml" <<'EOF'
<opml version="1.0"><body>
<outline text="Daily AI" xmlUrl="https://one.example/rss"/>
<outline text="Daily AI" xmlUrl="https://two.example/rss"/>
<outline text="Daily AI" xmlUrl="https://three.example/rss"/>
</body></opml>
EOF
ln -s "$oc" "$T/opml/link.conf"
run "$T/imp3" "$ALMANAC" --config "$T/opml/link.conf" --db "$opmldb" opml import "$T/same.opml"
[ "$rc" = 0 ] || fail "exited $rc: $(errtext "$T/imp3")"
for s in daily-ai daily-ai-2 daily-ai-3; do
    grep -q "^\[source \"$s\"\]" "$oc" || fail "no source $s"
done
[ -L "$T/opml/link.conf" ] || fail "the symbolic link was replaced by a file"
end "three outlines with one title get three slugs; a linked configuration stays a link"

begin
# A configuration just under the loader's 4 MiB: with the new source it is
# over, so the loader refuses the result and nothing is written.
big=$T/opml/big.conf
cp "$conf" "$big"
python3 - "$big" <<'EOF'
import os, sys
size = os.path.getsize(sys.argv[1])
with open(sys.argv[1], "a") as f:
    left = 4 * 1024 * 1024 - size - 40
    while left > 0:
        line = "#" + "x" * min(150, left - 2) + "\n"
        f.write(line)
        left -= len(line)
EOF
cp "$big" "$T/opml/big.before"
run "$T/imp4" "$ALMANAC" --config "$big" --db "$opmldb" opml import "$T/same.opml"
[ "$rc" = 1 ] || fail "exited $rc when the result cannot load"
grep -q 'nothing imported.*unchanged' "$T/imp4.err" || fail "said: $(errtext "$T/imp4")"
cmp -s "$big" "$T/opml/big.before" || fail "the configuration changed"
[ -z "$(ls -A "$T/opml" | grep '^\.big\.conf\.')" ] || fail "a temporary file was left"
end "an import whose result the loader refuses writes nothing (exit 1, reason given)"

begin
printf 'not <opml' >"$T/junk.opml"
cp "$oc" "$T/opml/before.conf"
run "$T/imp5" "$ALMANAC" --config "$oc" --db "$opmldb" opml import "$T/junk.opml"
[ "$rc" = 1 ] || fail "exited $rc on a file that is not OPML"
cmp -s "$oc" "$T/opml/before.conf" || fail "the configuration changed"
end "a file that is not OPML: exit 1, the configuration untouched"

# ---------------------------------------------------------------------------
# 4. Dates from the future: clamped to the fetch time (plus a day of skew
#    allowed), the claim kept and shown by explain.
fut=$T/future
mkdir -p "$fut/etc"
cat >"$fut/etc/almanac.conf" <<EOF
[source "future"]
name = Future Feed
feed = file://$fut/feed.xml
local = yes
tier = 1
kind = lab
EOF
# future_feed FAR_TEXT: the feed, with the text of the 9999 item.
future_feed() {
    cat >"$fut/feed.xml" <<EOF
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Future</title><link>https://future.example/</link>
<item><guid>far</guid><title>Far future post</title><link>https://future.example/far</link>
  <pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate><description>$1</description></item>
<item><guid>century</guid><title>Next century post</title><link>https://future.example/c</link>
  <pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate><description>Later.</description></item>
<item><guid>week</guid><title>Next week post</title><link>https://future.example/w</link>
  <pubDate>Sun, 08 Nov 2026 00:00:00 GMT</pubDate><description>$2</description></item>
<item><guid>soon</guid><title>Soon post</title><link>https://future.example/s</link>
  <pubDate>Sun, 01 Nov 2026 02:00:00 GMT</pubDate><description>Two hours ahead.</description></item>
<item><guid>past</guid><title>Past post</title><link>https://future.example/p</link>
  <pubDate>Fri, 30 Oct 2026 00:00:00 GMT</pubDate><description>Before.</description></item>
</channel></rss>
EOF
}
date_of() { # GUID: published and claimed_published, as dates
    if on_pg; then
        local f="'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"
        sql "$fdb" "SELECT to_char(to_timestamp(published) AT TIME ZONE 'UTC', $f) || ' ' ||
                    coalesce(to_char(to_timestamp(claimed_published) AT TIME ZONE 'UTC', $f), '-')
                    FROM items WHERE ident = 'g:$1'"
        return
    fi
    sql "$fdb" "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', published, 'unixepoch') || ' ' ||
                coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', claimed_published, 'unixepoch'), '-')
                FROM items WHERE ident = 'g:$1'"
}
fdb=$(new_db future)
fconf=$fut/etc/almanac.conf
begin
future_feed "Far away." "Soon."
run "$T/fut1" "$ALMANAC" --config "$fconf" --db "$fdb" ingest
[ "$rc" = 0 ] || fail "ingest exited $rc: $(errtext "$T/fut1")"
[ "$(date_of far)" = "2026-11-01T00:00:00Z 9999-12-31T23:59:59Z" ] || fail "9999: $(date_of far)"
[ "$(date_of century)" = "2026-11-01T00:00:00Z 2100-01-01T00:00:00Z" ] || fail "2100: $(date_of century)"
[ "$(date_of week)" = "2026-11-01T00:00:00Z 2026-11-08T00:00:00Z" ] || fail "next week: $(date_of week)"
[ "$(date_of soon)" = "2026-11-01T02:00:00Z -" ] || fail "two hours ahead: $(date_of soon)"
[ "$(date_of past)" = "2026-10-30T00:00:00Z -" ] || fail "the past: $(date_of past)"
run "$T/fut1e" "$ALMANAC" --config "$fconf" --db "$fdb" events --json
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["title"])' "$T/fut1e" 2>&1)
[ "$first" = "Soon post" ] || fail "the newest event is '$first'"
id=$(sql "$fdb" "SELECT id FROM items WHERE ident = 'g:far'")
run "$T/fut1x" "$ALMANAC" --config "$fconf" --db "$fdb" explain "$id"
[ "$rc" = 0 ] || fail "explain exited $rc: $(errtext "$T/fut1x")"
grep -q 'published 2026-11-01T00:00:00Z: the feed says 9999-12-31T23:59:59Z' "$T/fut1x" ||
    fail "explain does not show the claimed date: $(head -n3 "$T/fut1x" | tr '\n' ' ')"
id=$(sql "$fdb" "SELECT id FROM items WHERE ident = 'g:past'")
run "$T/fut1y" "$ALMANAC" --config "$fconf" --db "$fdb" explain "$id"
grep -q '^published 2026-10-30T00:00:00Z$' "$T/fut1y" || fail "explain of a dated item: $(head -n3 "$T/fut1y" | tr '\n' ' ')"
end "items dated 9999, 2100 and next week are stored at the fetch time, the claim kept;" \
    "two hours ahead is kept; explain shows the claim"

begin
# Later runs: unchanged, it stays where it was; changed and still in the
# future, it does not move forward; changed once its date has passed, the
# real date is taken.
ALMANAC_NOW=2026-11-05T00:00:00Z run "$T/fut2" "$ALMANAC" --config "$fconf" --db "$fdb" fetch future
[ "$rc" = 0 ] || fail "second fetch exited $rc: $(errtext "$T/fut2")"
future_feed "Far away, edited." "Soon."
ALMANAC_NOW=2026-11-06T00:00:00Z run "$T/fut3" "$ALMANAC" --config "$fconf" --db "$fdb" fetch future
grep -q '1 updated' "$T/fut3" || fail "the edit was not seen: $(head -n1 "$T/fut3")"
[ "$(date_of far)" = "2026-11-01T00:00:00Z 9999-12-31T23:59:59Z" ] ||
    fail "an edited future item moved: $(date_of far)"
future_feed "Far away, edited." "Now it is past."
ALMANAC_NOW=2026-11-09T00:00:00Z run "$T/fut4" "$ALMANAC" --config "$fconf" --db "$fdb" fetch future
[ "$(date_of week)" = "2026-11-08T00:00:00Z -" ] || fail "once past, the real date: $(date_of week)"
end "a future item never moves forward; once its date has passed an edit takes it"

begin
# The site and the feeds: the 9999 item is not first.
gate_open
( gate_wait; exec "$ALMANAC" --config "$fconf" --db "$fdb" serve --listen 127.0.0.1:0 \
    >"$T/fut.srv" 2>"$T/fut.srv.err" </dev/null ) &
srv_pid=$!
gate_release 1
url=
for i in $(seq 200); do
    url=$(sed -n 's/^almanac: serving //p' "$T/fut.srv")
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || fail "serve did not start: $(head -c 200 "$T/fut.srv.err")"
if [ -n "$url" ]; then
    curl -s --max-time 10 "${url}feed.atom?scores=0" >"$T/fut.atom"   # titles as written
    t=$(python3 -c '
import sys, xml.etree.ElementTree as ET
ns = {"a": "http://www.w3.org/2005/Atom"}
e = ET.parse(sys.argv[1]).getroot().find("a:entry", ns)
print(e.find("a:title", ns).text)' "$T/fut.atom" 2>&1)
    # (by now the "next week" item's date has passed and it is the newest)
    [ "$t" = "Next week post" ] || fail "/feed.atom starts with '$t'"
    curl -s --max-time 10 "$url" >"$T/fut.html"
    t=$(grep -o 'Next week post\|Soon post\|Far future post\|Next century post' "$T/fut.html" |
        head -n1)
    [ "$t" = "Next week post" ] || fail "/ starts with '$t'"
    stop_server
fi
end "/ and /feed.atom do not start with the item dated 9999"

if on_pg; then
    skip "migrating an older database clamps the future dates it holds" \
         "an SQLite file of schema 6; PostgreSQL's schemas all clamp"
else
begin
# A database written before the clamp: its future items are clamped by the
# migration to the time they were first seen.
db=$T/v6-future.db
sqlite3 "$db" <tests/data/schema/v6.sql
sql "$db" "UPDATE items SET published = 253402300799 WHERE id = 1"
seen=$(sql "$db" "SELECT first_seen FROM items WHERE id = 1")
run "$T/fut6" "$ALMANAC" --config "$conf" --db "$db" events --limit 1 --json
[ "$rc" = 0 ] || fail "events exited $rc: $(errtext "$T/fut6")"
got=$(sql "$db" "SELECT published || ' ' || claimed_published FROM items WHERE id = 1")
[ "$got" = "$seen 253402300799" ] || fail "after migrating: '$got', want '$seen 253402300799'"
[ "$(sql "$db" "SELECT count(*) FROM items WHERE claimed_published IS NOT NULL")" = 1 ] ||
    fail "other items were touched"
end "migrating an older database clamps the future dates it holds"
fi

# ---------------------------------------------------------------------------
# 5. Numeric options: an invalid value is an error naming the option and
#    the value (exit 2), never "everything".
begin
n=0
while IFS='|' read -r args name value; do
    [ -n "$args" ] || continue
    n=$((n + 1))
    # shellcheck disable=SC2086
    run "$T/num" "$ALMANAC" --config "$conf" --db "$ref" $args
    if [ "$rc" != 2 ]; then
        fail "'$args' exited $rc"
    elif ! grep -qF -- "$name" "$T/num.err" || ! grep -qF -- "'$value'" "$T/num.err"; then
        fail "'$args' does not name $name and '$value': $(errtext "$T/num")"
    fi
    [ -s "$T/num" ] && fail "'$args' printed a listing anyway"
done <<'EOF'
events --limit abc|--limit|abc
events --limit -1|--limit|-1
events --limit 0|--limit|0
events --limit 5x|--limit|5x
events --limit +5|--limit|+5
events --limit 0x10|--limit|0x10
events --limit 1e3|--limit|1e3
events --limit 1000001|--limit|1000001
events --limit 99999999999999999999999|--limit|99999999999999999999999
events --min-score abc|--min-score|abc
events --min-score 0|--min-score|0
events --min-score 11|--min-score|11
events --min-score -5|--min-score|-5
events --tier 0|--tier|0
events --tier 4|--tier|4
events --tier two|--tier|two
events --top --limit --json|--limit|--json
event abc|event ID|abc
event 0|event ID|0
event -7|event ID|-7
explain 1.5|explain ID|1.5
explain 99999999999999999999999|explain ID|99999999999999999999999
serve --threads 0|--threads|0
serve --threads 65|--threads|65
serve --threads many|--threads|many
run --every 9|--every|9
run --every soon|--every|soon
serve --listen 127.0.0.1:65536|--listen port|65536
serve --listen 127.0.0.1:http|--listen port|http
serve --listen 127.0.0.1:-1|--listen port|-1
EOF
run "$T/num" "$ALMANAC" --config "$conf" --db "$ref" events --limit
[ "$rc" = 2 ] && grep -q -- '--limit needs a value' "$T/num.err" ||
    fail "--limit without a value: exit $rc, $(errtext "$T/num")"
end "$n invalid numeric values of events, event, explain, serve and run: exit 2, option and value named"

begin
for args in "events --limit 1" "events --limit 1000000" "events --min-score 1 --limit 2" \
            "events --min-score 10" "events --tier 1 --limit 2" "events --tier 3" \
            "events --top --limit 007"; do
    # shellcheck disable=SC2086
    run "$T/num" "$ALMANAC" --config "$conf" --db "$ref" $args --json
    [ "$rc" = 0 ] || fail "'$args' exited $rc: $(errtext "$T/num")"
done
run "$T/num" "$ALMANAC" --config "$conf" --db "$ref" events --limit 2 --json
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/num")" = 2 ] ||
    fail "--limit 2 did not list 2 events"
run "$T/num" "$ALMANAC" --config "$conf" --db "$ref" events --min-score 10 --json
python3 - "$T/num" <<'EOF' || fail "--min-score 10 listed a lower score"
import json, sys
sys.exit(any(e["score"] < 10 for e in json.load(open(sys.argv[1]))))
EOF
end "the bounds themselves are accepted and honoured (--limit 1..1000000, --min-score 1..10, --tier 1..3)"

finish

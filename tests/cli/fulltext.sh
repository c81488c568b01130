#!/usr/bin/env bash
# fulltext.sh - linked articles end to end: a loopback news site
# (tests/article_site.py) serves title-only feeds, their article pages and a
# robots.txt; `almanac ingest` fetches the articles after the feeds, stores
# their main text, searches it and summarises from it, honours robots.txt,
# records the pages that fail (too big, too slow, gone) without stopping,
# does not fetch them again before their backoff, and never fetches an
# article for a snapshot ingest.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/fulltext.sh
#
# Prints one "ok - NAME" / "not ok - NAME: REASON" line per check.

. "$(dirname "$0")/lib.bash"

site_pid=
site_cleanup() {
    exec 8>&- 2>/dev/null
    [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null && wait "$site_pid" 2>/dev/null
    cleanup
}
trap site_cleanup EXIT

mkfifo "$T/site.in" || exit 1
python3 tests/article_site.py "$T/requests.log" <"$T/site.in" >"$T/site.out" 2>"$T/site.err" &
site_pid=$!
exec 8>"$T/site.in"
sport=
for _ in $(seq 200); do
    sport=$(head -n1 "$T/site.out" 2>/dev/null)
    [ -n "$sport" ] && break
    sleep 0.05
done
if [ -z "$sport" ]; then
    echo "not ok - article site: tests/article_site.py did not start: $(head -c 300 "$T/site.err")"
    exit 1
fi
site=http://127.0.0.1:$sport

cat >"$T/site.conf" <<EOF
[almanac]
article_budget = 10
article_max_bytes = 65536
article_timeout = 2

[source "example"]
name = Example News
feed = $site/feed.xml
tier = 1
kind = lab
local = yes

[source "essays"]
name = Essays
feed = $site/feed-long.xml
tier = 2
kind = newsletter
local = yes
fulltext = yes
EOF
db=$(new_db site)
export ALMANAC_NOW=2026-03-04T00:00:00Z

# The event of a page, by the path of its link (events --json).
item() {
    "$ALMANAC" --config "$T/site.conf" --db "$db" events --json --limit 1000000 |
        python3 -c 'import json, sys
print("".join(str(e["id"]) for e in json.load(sys.stdin) if e["link"] == sys.argv[1]))' "$site$1"
}
# ev_field ID FIELD: one member of `almanac event ID --json`.
ev_field() {
    "$ALMANAC" --config "$T/site.conf" --db "$db" event "$1" --json |
        python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]] or "")' "$2"
}
# The article text and the fetch state of articles are not shown by almanac
# whole: those checks read the SQLite store.
requests() {
    grep -c -x -F "$1" "$T/requests.log"
}

# ---------------------------------------------------------------------------
begin
run "$T/i1" "$ALMANAC" --config "$T/site.conf" --db "$db" ingest
[ "$rc" -eq 0 ] || fail "ingest exited $rc: $(errtext "$T/i1")"
grep -q '^2 fetches: 2 ok' "$T/i1" || fail "feeds: $(tr '\n' ' ' <"$T/i1")"
grep -q '^7 articles: 3 extracted, 0 not modified, 3 failed, 1 refused by robots.txt$' "$T/i1" ||
    fail "articles line: $(grep articles "$T/i1")"
grep -q '^analysed 7 events' "$T/i1" || fail "analysis: $(grep analysed "$T/i1")"
end "ingest stores the feeds, then fetches the articles and analyses"

begin
quill=$(item /posts/quill.html)
act=$(item /posts/ai-act.html)
[ -n "$quill" ] && [ -n "$act" ] || fail "items of the article pages not stored"
t=$(sql "$db" "SELECT article_text FROM items WHERE id = ${quill:-0}")
case $t in *"zanzibarite mineral surveys"*) ;; *) fail "quill article text: ${t:0:200}" ;; esac
case $t in *"Subscribe to our newsletter"*|*"Careers"*|*"Another post"*)
    fail "boilerplate kept in the article text" ;; esac
feedtext=$(sql "$db" "SELECT coalesce(text, '') FROM items WHERE id = ${quill:-0}")
case $feedtext in *zanzibarite*) fail "the feed's own text has the article's word" ;; esac
n=$(sql "$db" "SELECT count(*) FROM items WHERE article_text IS NOT NULL")
[ "$n" = 3 ] || fail "$n items with article text (want 3)"
end "the extracted article text is stored beside the feed's text"

begin
nw_all=
for id in $quill $act; do
    s=$(ev_field "$id" summary)
    title=$(ev_field "$id" title)
    case $s in *"no excerpt"*) fail "event $id: '$s'" ;; esac
    case $s in *"$title"*) fail "event $id repeats its title: '$s'" ;; esac
    nw=$(printf '%s' "$s" | wc -w)
    nw_all="$nw_all $nw"
    [ "$nw" -ge 45 ] && [ "$nw" -le 90 ] || fail "event $id: $nw words: '$s'"
    ns=$(printf '%s' "$s" | grep -o '[.!?]\( \|$\)' | wc -l)
    [ "$ns" -ge 2 ] && [ "$ns" -le 4 ] || fail "event $id: $ns sentences: '$s'"
done
s=$(ev_field "${quill:-0}" summary)
case $s in *"Today Helios Labs is releasing Quill-7"*) ;; *) fail "quill: what happened missing: '$s'" ;; esac
case $s in *"This matters because"*) ;; *) fail "quill: why it matters missing: '$s'" ;; esac
case $s in "It has been a busy spring"*|*"We thank"*) fail "quill: filler chosen: '$s'" ;; esac
s=$(ev_field "${act:-0}" summary)
case $s in *"agreed on Tuesday to delay"*) ;; *) fail "ai-act: what happened missing: '$s'" ;; esac
case $s in "Brussels was grey"*) fail "ai-act: the scene-setting lead chosen: '$s'" ;; esac
end "summaries come from the article: 2-4 sentences, 45-90 words, what and why" "(words:$nw_all)"

begin
s=$(ev_field "$(item /posts/gone.html)" summary)
case $s in *"the feed has no excerpt"*) ;; *) fail "an item without an article: '$s'" ;; esac
end "an item whose article failed keeps the feed-only summary"

begin
[ "$(requests /private/draft.html)" = 0 ] || fail "the disallowed page was fetched"
[ "$(requests /robots.txt)" = 1 ] || fail "robots.txt fetched $(requests /robots.txt) times"
e=$(sql "$db" "SELECT error FROM articles WHERE item_id = $(item /private/draft.html)")
[ "$e" = "disallowed by robots.txt" ] || fail "draft recorded as '$e'"
end "robots.txt is read once per host and honoured"

begin
e=$(sql "$db" "SELECT CASE WHEN ok THEN 1 ELSE 0 END || ' ' || error FROM articles WHERE item_id = $(item /posts/huge.html)")
case $e in "0 body too large"*) ;; *) fail "huge page: '$e'" ;; esac
e=$(sql "$db" "SELECT CASE WHEN ok THEN 1 ELSE 0 END || ' ' || error FROM articles WHERE item_id = $(item /posts/slow.html)")
case $e in "0 timeout"*) ;; *) fail "slow page: '$e'" ;; esac
e=$(sql "$db" "SELECT CASE WHEN ok THEN 1 ELSE 0 END || ' ' || error FROM articles WHERE item_id = $(item /posts/gone.html)")
[ "$e" = "0 HTTP 404" ] || fail "gone page: '$e'"
n=$(sql "$db" "SELECT count(*) FROM articles WHERE NOT ok AND next_try <= $(date +%s)")
[ "$n" = 0 ] || fail "$n failures due again at once (no backoff)"
end "a page too big, too slow or gone is a recorded failure, and ingest goes on"

begin
[ "$(requests /posts/long.html)" = 1 ] || fail "the fulltext source's long item was not fetched"
n=$(sql "$db" "SELECT count(*) FROM items i JOIN sources s ON s.id = i.source_id
               WHERE s.slug = 'essays' AND i.article_text LIKE '%Leaderboards reward%'")
[ "$n" = 1 ] || fail "the essay's article text not stored"
end "fulltext = yes fetches the article of an item with a long feed text"

begin
run "$T/src" "$ALMANAC" --config "$T/site.conf" --db "$db" sources
grep -q 'articles: 2 fetched, 4 failed; last error: ' "$T/src" ||
    fail "sources: $(tr '\n' ' ' <"$T/src")"
run "$T/srcj" "$ALMANAC" --config "$T/site.conf" --db "$db" sources --json
python3 - "$T/srcj" <<'EOF' || fail "sources --json: $(head -c 300 "$T/srcj")"
import json, sys
s = {x["slug"]: x for x in json.load(open(sys.argv[1]))}
a = s["example"]["articles"]
assert a["fetched"] == 2 and a["failed"] == 4 and a["last_error"], a
assert s["essays"]["articles"] == {"fetched": 1, "failed": 0, "last_error": None}, s["essays"]
EOF
end "almanac sources shows article-fetch health"

begin
start_almanac "$T/serve" --config "$T/site.conf" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not start: $(errtext "$T/serve")"
if [ -n "${url:-}" ]; then
    get "/api/v1/search?q=zanzibarite"
    [ "$code" = 200 ] || fail "search answered $code"
    python3 - "$T/body" "$quill" <<'EOF' || fail "search: $(head -c 300 "$T/body")"
import json, sys
d = json.load(open(sys.argv[1]))
hits = d.get("events") or d.get("results") or d.get("items") or []
ids = [h.get("id") for h in hits]
assert ids == [int(sys.argv[2])], ids
assert "zanzibarite" in json.dumps(hits[0]).lower(), hits[0]
EOF
    get "/search?q=zanzibarite"
    grep -q 'Quill-7' "$T/body" || fail "the search page does not list the article's event"
    stop_almanac
fi
end "search finds a word only the article's body has"

# ---------------------------------------------------------------------------
begin
cp "$T/requests.log" "$T/requests.1"
run "$T/i2" "$ALMANAC" --config "$T/site.conf" --db "$db" ingest --all
[ "$rc" -eq 0 ] || fail "second ingest exited $rc: $(errtext "$T/i2")"
grep -q 'articles:' "$T/i2" && fail "second run fetched articles: $(grep articles "$T/i2")"
extra=$(diff "$T/requests.1" "$T/requests.log" | grep '^>' | grep -v -x -e '> /feed.xml' \
        -e '> /feed-long.xml' | tr '\n' ' ')
[ -z "$extra" ] || fail "second run requested $extra"
end "a second run fetches no stored article again and no failure before its backoff"

begin
# The feed changes Quill-7's entry: its article is asked for again, with
# the ETag of the first fetch, and the site's 304 keeps the stored text.
curl -s --max-time 10 -o /dev/null "$site/control/v2" || fail "control request failed"
run "$T/i3" "$ALMANAC" --config "$T/site.conf" --db "$db" ingest --all
[ "$rc" -eq 0 ] || fail "third ingest exited $rc: $(errtext "$T/i3")"
grep -q '^1 articles: 0 extracted, 1 not modified, 0 failed' "$T/i3" ||
    fail "third run: $(grep articles "$T/i3")"
[ "$(requests '304 /posts/quill.html')" = 1 ] || fail "no conditional request for quill.html"
t=$(sql "$db" "SELECT article_text FROM items WHERE id = ${quill:-0}")
case $t in *zanzibarite*) ;; *) fail "the 304 lost the article text" ;; esac
s=$(ev_field "${quill:-0}" summary)
case $s in *"Today Helios Labs is releasing Quill-7"*) ;; *) fail "summary after the change: '$s'" ;; esac
end "a changed entry's article is fetched again with a conditional GET"

begin
# A failure whose backoff has passed is tried again, and counted.
gone=$(item /posts/gone.html)
sql "$db" "UPDATE articles SET next_try = 0 WHERE item_id = ${gone:-0}"
run "$T/i4" "$ALMANAC" --config "$T/site.conf" --db "$db" ingest --all
grep -q '^1 articles: 0 extracted, 0 not modified, 1 failed' "$T/i4" ||
    fail "fourth run: $(grep articles "$T/i4")"
[ "$(requests /posts/gone.html)" = 2 ] || fail "gone.html requested $(requests /posts/gone.html) times"
a=$(sql "$db" "SELECT attempts FROM articles WHERE item_id = ${gone:-0}")
[ "$a" = 2 ] || fail "attempts $a (want 2)"
end "a failed article is retried once its backoff has passed"

begin
[ "$(requests /robots.txt)" = 1 ] || fail "robots.txt fetched $(requests /robots.txt) times in 4 runs"
r=$(sql "$db" "SELECT origin FROM robots")
[ "$r" = "$site" ] || fail "robots table: '$r'"
end "robots.txt is kept: one request over four runs"

# ---------------------------------------------------------------------------
begin
# A source whose feed is a file is a capture: offline, like a snapshot.
fdb=$(new_db file)
cat >"$T/file.conf" <<EOF
[source "captured"]
name = Captured
feed = file://$ROOT/data/snapshot/anthropic__anthropic-news.xml
tier = 1
kind = lab
local = yes
EOF
run "$T/fi" "$ALMANAC" --config "$T/file.conf" --db "$fdb" ingest --no-analyze
[ "$rc" -eq 0 ] || fail "file ingest exited $rc: $(errtext "$T/fi")"
grep -q 'articles' "$T/fi" && fail "a file:// source fetched articles: $(grep articles "$T/fi")"
n=$(sql "$fdb" "SELECT count(*) FROM articles")
[ "$n" = 0 ] || fail "$n article rows for a file:// source"
end "a file:// source never fetches an article"

begin
sdb=$(new_db snap)
run "$T/s1" env ALMANAC_ALLOW_LOCAL=1 "$ALMANAC" --db "$sdb" ingest --snapshot anthropic openai
[ "$rc" -eq 0 ] || fail "snapshot ingest exited $rc: $(errtext "$T/s1")"
grep -q 'articles' "$T/s1" && fail "snapshot ingest fetched articles: $(grep articles "$T/s1")"
n=$(sql "$sdb" "SELECT count(*) FROM articles")
[ "$n" = 0 ] || fail "$n article rows after a snapshot ingest"
end "a snapshot ingest never fetches an article"

finish

#!/usr/bin/env bash
# threads.sh - the thread guides (guides/*.md with "kind: thread") and their
# milestones: at least 8 threads, each holding events of the bundled
# snapshot; a thread's page and API answer show dated milestones by rule
# (oldest first, grouped by year, at most one per story, each with its date,
# title link, source and one line); threads take no place from the topic
# guides; every guide has its front matter's kind (topic, lab or thread) in
# the API, /guides lists threads in their own section and only a thread's
# page and API answer have milestones (an upgraded store gets the kinds at
# its next analysis); and a new item that matches a thread joins it at the
# next analysis and appears among its milestones.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/threads.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
conf=etc/almanac.conf
db=$(new_db main)
THREADS=$(grep -l '^kind: thread$' guides/*.md | xargs -n1 basename | sed 's/\.md$//' | tr '\n' ' ')
LABS=$(grep -l '^kind: lab$' guides/*.md | xargs -n1 basename | sed 's/\.md$//' | tr '\n' ' ')
export THREADS LABS

begin
[ "$(echo $THREADS | wc -w)" -ge 8 ] || fail "only $(echo $THREADS | wc -w) thread guides: $THREADS"
end "at least 8 thread guides" "($(echo $THREADS | wc -w))"

begin
run "$T/ing1" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest --snapshot exited $rc: $(errtext "$T/ing1")"
for t in $THREADS; do
    n=$(sql "$db" "SELECT count(*) FROM event_guides WHERE slug = '$t'")
    [ "${n:-0}" -ge 3 ] || fail "thread $t holds ${n:-no} events (want 3 or more)"
done
end "every thread holds events of the snapshot"

begin
# At most 5 topic guides and 3 threads an event; no event lists more.
over=$(sql "$db" "SELECT count(*) FROM (SELECT event_id FROM event_guides
                  WHERE slug IN ($(printf "'%s'," $THREADS | sed 's/,$//'))
                  GROUP BY event_id HAVING count(*) > 3) o")
[ "$over" = 0 ] || fail "$over events joined more than 3 threads"
over=$(sql "$db" "SELECT count(*) FROM (SELECT event_id FROM event_guides
                  WHERE slug NOT IN ($(printf "'%s'," $THREADS | sed 's/,$//'))
                  GROUP BY event_id HAVING count(*) > 5) o")
[ "$over" = 0 ] || fail "$over events joined more than 5 topic guides"
end "threads are kept apart from the topic guides"

start_almanac "$T/serve1" --config "$conf" --db "$db" serve --listen 127.0.0.1:0 ||
    { echo "not ok - serve did not start: $(head -c 300 "$T/serve1.err")"; exit 1; }

# check_api SLUG: the API answer's milestones keep the rule.
check_api() {
    get "/api/v1/guides/$1"
    [ "$code" = 200 ] || { fail "/api/v1/guides/$1 answered $code"; return; }
    python3 - "$T/body" "$1" <<'EOF' || fail "$(tail -n1 "$T/py.err")"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["guide"]["milestones"]
assert m, "%s has no milestones" % sys.argv[2]
dates = [x["date"] for x in m]
assert dates == sorted(dates), "milestones are not oldest first"
stories = [x["story"] for x in m if x["story"] is not None]
assert len(stories) == len(set(stories)), "two milestones of one story"
for x in m:
    assert x["score"] >= 5, "a milestone scores %d" % x["score"]
    assert x["year"] == int(x["date"][:4]), "year %d for %s" % (x["year"], x["date"])
    assert x["title"] and x["source"]["name"] and x["url"].startswith("http"), x
    assert "line" in x
EOF
}

begin
for t in $THREADS; do
    check_api "$t" 2>"$T/py.err"
done
end "each thread's API answer has milestones: oldest first, one per story, score 5 or more"

slug=frontier-safety-frameworks
begin
get "/guides/$slug"
[ "$code" = 200 ] || fail "/guides/$slug answered $code"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'<section class="block milestones".*?</section>', html, re.S)
assert sec, "no milestones section"
sec = sec.group(0)
years = [int(y) for y in re.findall(r'<h3 class="year">(\d{4})</h3>', sec)]
assert years and years == sorted(years) and len(set(years)) == len(years), years
items = re.findall(r'<li class="milestone">(.*?)</li>', sec, re.S)
assert len(items) >= 3, "%d milestones" % len(items)
for it in items:
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', it), "a milestone has no date"
    assert re.search(r'<a href="/events/\d+', it), "a milestone has no title link"
    assert 'class="src" href="/sources/' in it, "a milestone has no source"
assert "Responsible Scaling Policy" in sec, "the RSP is not a milestone"
# The guide's written introduction links entity pages.
assert re.search(r'<section class="prose".*?href="/entities/responsible-scaling-policy"', html, re.S)
EOF
end "the thread page shows milestones grouped by year, each with date, link and source"

# check_kinds: /api/v1/guides gives each guide its front matter's kind.
check_kinds() {
    get "/api/v1/guides"
    [ "$code" = 200 ] || { fail "/api/v1/guides answered $code"; return; }
    python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import json, os, sys
gs = json.load(open(sys.argv[1]))["guides"]
threads, labs = set(os.environ["THREADS"].split()), set(os.environ["LABS"].split())
assert len(labs) >= 4, "only %d lab guides" % len(labs)
for g in gs:
    want = "thread" if g["slug"] in threads else "lab" if g["slug"] in labs else "topic"
    assert g["kind"] == want, "%s is %r, its file says %s" % (g["slug"], g["kind"], want)
assert {g["slug"] for g in gs if g["kind"] == "thread"} == threads
EOF
}

topic=ai-safety-alignment
begin
check_kinds
get "/api/v1/guides/$topic"
[ "$code" = 200 ] || fail "/api/v1/guides/$topic answered $code"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import json, sys
g = json.load(open(sys.argv[1]))["guide"]
assert g["kind"] == "topic", g["kind"]
assert g["milestones"] is None, "a topic guide has milestones"
assert g["events"] > 0
EOF
get "/api/v1/guides/$slug"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import json, sys
g = json.load(open(sys.argv[1]))["guide"]
assert g["kind"] == "thread" and g["milestones"], "the thread has no kind or milestones"
EOF
end "the API gives each guide its kind; a topic guide has no milestones, a thread has them"

begin
get "/guides"
[ "$code" = 200 ] || fail "/guides answered $code"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import os, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
def section(i):
    m = re.search(r'<section class="block guides-%s" aria-labelledby="%s">(.*?)</section>'
                  % (i, i), html, re.S)
    assert m, "no %s section" % i
    return set(re.findall(r'<h3><a href="/guides/([a-z0-9-]+)">', m.group(1))), m.group(1)
threads, labs = set(os.environ["THREADS"].split()), set(os.environ["LABS"].split())
th, thtext = section("threads")
assert "Threads: storylines followed over time" in thtext, "the threads' heading"
assert th == threads, "the threads section lists %s" % sorted(th ^ threads)
lb, _ = section("labs")
assert lb == labs, "the labs section lists %s" % sorted(lb ^ labs)
tp, _ = section("topics")
assert not tp & (threads | labs) and len(tp) >= 10, "the topics section: %s" % sorted(tp)
assert html.index('id="topics"') < html.index('id="labs"') < html.index('id="threads"')
EOF
get "/guides/$topic"
[ "$code" = 200 ] || fail "/guides/$topic answered $code"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
assert "milestone" not in html, "a topic guide's page shows milestones"
assert '<h2 id="timeline">' in html and re.search(r'<a href="/events/\d+', html), "no timeline"
assert '<a href="/guides#topics">Topic</a>' in html, "the topic page does not say its kind"
EOF
get "/guides/$slug"
grep -q '<a href="/guides#threads">Thread</a>' "$T/body" || fail "the thread page does not say its kind"
end "/guides lists topics, labs and threads apart; only a thread's page has milestones"
stop_almanac

# A store written before guides had a kind (SQLite before migration 17) gets
# them at its next analysis, even with nothing new to analyse.
begin
old=$(copy_db "$db" old) || fail "the store could not be copied"
sql "$old" "UPDATE guides SET kind = NULL" >/dev/null
run "$T/an-old" "$ALMANAC" --config "$conf" --db "$old" analyze
[ "$rc" -eq 0 ] || fail "analyze exited $rc: $(errtext "$T/an-old")"
start_almanac "$T/serve-old" --config "$conf" --db "$old" serve --listen 127.0.0.1:0 ||
    { echo "not ok - serve did not start: $(head -c 300 "$T/serve-old.err")"; exit 1; }
check_kinds
stop_almanac
end "an upgraded store gets its guides' kinds at the next analysis"

# A new item that matches the thread: a copy of Anthropic's feed with one more
# post, dated after everything in the snapshot.
mkdir -p "$T/root/etc"
ln -s "$ROOT/data" "$T/root/data"
ln -s "$ROOT/guides" "$T/root/guides"
begin
python3 - "$conf" "$T/root/etc/plus.conf" "$T/plus.xml" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import re, sys
conf, outconf, out = sys.argv[1:]
open(out, "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
    "<title>Anthropic News</title><link>https://www.anthropic.com/news</link>\n"
    "<description>Anthropic News</description>\n<item>\n"
    "<title>Anthropic publishes version 4 of its Responsible Scaling Policy</title>\n"
    "<link>https://www.anthropic.com/news/almanac-test-rsp-v4</link>\n"
    '<guid isPermaLink="false">almanac-test-rsp-v4</guid>\n'
    "<pubDate>Fri, 27 Nov 2026 15:00:00 GMT</pubDate>\n"
    "<description>Anthropic has published version 4 of its Responsible Scaling Policy, "
    "the framework that sets the AI Safety Levels and capability thresholds its frontier "
    "models must meet before release, with new safeguards for ASL-4.</description>\n"
    "</item>\n</channel></rss>\n")
text = open(conf, encoding="utf-8").read()
sec = re.search(r'(?ms)^\[source "anthropic"\].*?(?=^\[|\Z)', text)
body = re.sub(r"(?m)^snapshot = .*(\n[ \t]+\S.*)*", "snapshot = " + out, sec.group(0))
open(outconf, "w", encoding="utf-8").write(text[:sec.start()] + body + text[sec.end():])
EOF
before=$(sql "$db" "SELECT count(*) FROM event_guides WHERE slug = '$slug'")
ALMANAC_NOW=2026-12-02T00:00:00Z run "$T/ing2" "$ALMANAC" --config "$T/root/etc/plus.conf" \
    --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest with the new item exited $rc: $(errtext "$T/ing2")"
newid=$(sql "$db" "SELECT id FROM items WHERE guid = 'almanac-test-rsp-v4'")
[ -n "$newid" ] || fail "the new item was not stored"
joined=$(sql "$db" "SELECT count(*) FROM event_guides WHERE slug = '$slug' AND event_id = '${newid:-0}'")
[ "$joined" = 1 ] || fail "the new item (#${newid:-?}) did not join $slug"
after=$(sql "$db" "SELECT count(*) FROM event_guides WHERE slug = '$slug'")
[ "$after" -eq $((before + 1)) ] || fail "$slug went from $before to $after events"
end "a new matching item joins the thread at the next analysis" "(#${newid:-?})"

start_almanac "$T/serve2" --config "$conf" --db "$db" serve --listen 127.0.0.1:0 ||
    { echo "not ok - serve did not start again: $(head -c 300 "$T/serve2.err")"; exit 1; }
begin
get "/guides/$slug"
[ "$code" = 200 ] || fail "/guides/$slug answered $code"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'<section class="block milestones".*?</section>', html, re.S).group(0)
items = re.findall(r'<li class="milestone">(.*?)</li>', sec, re.S)
assert "version 4 of its Responsible Scaling Policy" in items[-1], \
    "the new item is not the newest milestone"
assert '<time datetime="2026-11-27">' in items[-1], "the new milestone's date is wrong"
assert '<h3 class="year">2026</h3>' in sec
EOF
get "/api/v1/guides/$slug"
python3 - "$T/body" <<'EOF' 2>"$T/py.err" || fail "$(tail -n1 "$T/py.err")"
import json, sys
m = json.load(open(sys.argv[1]))["guide"]["milestones"]
assert m[-1]["title"].startswith("Anthropic publishes version 4"), m[-1]["title"]
assert m[-1]["line"].startswith("Anthropic has published version 4"), m[-1]["line"]
EOF
end "the new event appears as the thread's newest milestone, on the page and in the API"
stop_almanac
finish

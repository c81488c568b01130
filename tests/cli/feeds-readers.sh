#!/usr/bin/env bash
# feeds-readers.sh - the feeds as a feed reader shows them: each entry's
# title starts with its score ("[8] Title") unless ?scores=0 or the
# configuration's feed_scores = no; the kind and the guides are categories
# (Atom) and tags (JSON Feed); an entry lists its story's other coverage,
# each linked to its event page.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/feeds-readers.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
db=$(new_db feeds)

if ! command -v curl >/dev/null; then
    skip "feeds for readers" "curl is not installed"
    exit 0
fi

begin
run "$T/ingest" "$ALMANAC" --config tests/data/judgment/judgment.conf --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ingest")"
ALMANAC_QUERY_BUDGET_MS=60000 start_almanac "$T/serve" --config tests/data/judgment/judgment.conf --db "$db" serve \
    --listen 127.0.0.1:0 || fail "serve did not start: $(errtext "$T/serve")"
"$ALMANAC" --config tests/data/judgment/judgment.conf --db "$db" events --json --limit 1000000 \
    >"$T/all.json" || fail "events --json failed"
end "the judgment corpus is served"
[ -n "$url" ] || finish

# check_feeds FILE.atom FILE.json SCORES(0|1): what both feeds must hold
check_feeds() {
    python3 - "$1" "$2" "$3" "$T/all.json" <<'PY' 2>&1 | tail -n1
import json, re, sys, html
import xml.etree.ElementTree as ET
atom, jf, scores = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
A = "{http://www.w3.org/2005/Atom}"
# every event as `almanac events --json` shows it
evs = {e["id"]: e for e in json.load(open(sys.argv[4]))}
def event(eid):
    e = evs[eid]
    return e["score"], e["title"], e["kind"], e["story"]
def guides(eid):
    return set(evs[eid]["guides"])
def others(eid, story):
    return sorted(i for i, e in evs.items() if e["story"] == story and i != eid)
checked_cov = 0
root = ET.parse(atom).getroot()
entries = root.findall(A + "entry")
assert entries, "no Atom entries"
for en in entries:
    eid = int(en.find(A + "id").text.rsplit("/", 1)[1])
    score, title, kind, story = event(eid)
    want = ("[%d] " % score if scores else "") + (title or "(untitled)")
    got = en.find(A + "title").text
    assert got == want, "Atom entry %d: title %r, want %r" % (eid, got, want)
    terms = {c.get("term") for c in en.findall(A + "category")}
    assert kind in terms, "Atom entry %d: no category for kind %s" % (eid, kind)
    assert guides(eid) <= terms, "Atom entry %d: guides %s not all categories" % (eid, guides(eid))
    summary = html.unescape(en.find(A + "summary").text)
    oth = others(eid, story)
    if oth:
        assert "Also in this story" in summary, "Atom entry %d: no coverage (story %d)" % (eid, story)
        for o in oth[:8]:
            assert re.search(r'/events/%d-' % o, summary), "Atom entry %d: story member %d not linked" % (eid, o)
        checked_cov += 1
    else:
        assert "Also in this story" not in summary, "Atom entry %d: coverage of a lone event" % eid
feed = json.load(open(jf))
for it in feed["items"]:
    eid = int(it["id"].rsplit("/", 1)[1])
    score, title, kind, story = event(eid)
    want = ("[%d] " % score if scores else "") + (title or "(untitled)")
    assert it["title"] == want, "JSON item %d: title %r, want %r" % (eid, it["title"], want)
    assert kind in it["tags"] and guides(eid) <= set(it["tags"]), "JSON item %d: tags %s" % (eid, it["tags"])
    if others(eid, story):
        assert "Also in this story" in it["content_html"], "JSON item %d: no coverage" % eid
assert checked_cov > 0, "no entry of a story with other coverage in the feed"
print("ok", checked_cov)
PY
}

begin
get '/feed.atom?min=6'; cp "$T/body" "$T/a.xml"
[ "$code" = 200 ] || fail "/feed.atom answered $code"
get '/feed.json?min=6'; cp "$T/body" "$T/a.json"
[ "$code" = 200 ] || fail "/feed.json answered $code"
out=$(check_feeds "$T/a.xml" "$T/a.json" 1)
case $out in ok*) ;; *) fail "$out" ;; esac
end "by default titles carry the score, kind and guides are categories, the story's coverage is listed" "(${out#ok })"

begin
get '/feed.atom?min=6&scores=0'; cp "$T/body" "$T/b.xml"
get '/feed.json?min=6&scores=0'; cp "$T/body" "$T/b.json"
out=$(check_feeds "$T/b.xml" "$T/b.json" 0)
case $out in ok*) ;; *) fail "$out" ;; esac
grep -q 'href="[^"]*/feed.atom?min=6&amp;scores=0"' "$T/b.xml" || fail "the self link loses scores=0"
get '/feed.json?scores=2'
[ "$code" = 400 ] || fail "scores=2 answered $code"
grep -q 'scores' "$T/body" || fail "the 400 does not name scores"
end "?scores=0 leaves titles alone; another value is a 400 naming it"
stop_almanac

begin
{ cat tests/data/judgment/judgment.conf; } >"$T/noscores.conf"
python3 - "$T/noscores.conf" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"^\[almanac\]\n", "[almanac]\nfeed_scores = no\n", s, count=1, flags=re.M)
if "feed_scores" not in s:
    s = "[almanac]\nfeed_scores = no\n" + s
open(p, "w").write(s)
PY
sed -i "s|^snapshot *= *\([^/]\)|snapshot = $ROOT/\1|" "$T/noscores.conf"
start_almanac "$T/serve2" --config "$T/noscores.conf" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve with feed_scores = no did not start: $(errtext "$T/serve2")"
get '/feed.atom?min=6'; cp "$T/body" "$T/c.xml"
get '/feed.json?min=6'; cp "$T/body" "$T/c.json"
out=$(check_feeds "$T/c.xml" "$T/c.json" 0)
case $out in ok*) ;; *) fail "$out" ;; esac
get '/feed.json?min=6&scores=1'; cp "$T/body" "$T/d.json"
grep -q '"title":"\[[0-9]*\] ' "$T/d.json" || fail "scores=1 does not override feed_scores = no"
stop_almanac
printf '[almanac]\nfeed_scores = maybe\n' >"$T/bad.conf"
run "$T/bad" "$ALMANAC" --config "$T/bad.conf" --db "$db" sources
[ "$rc" -ne 0 ] && grep -q 'feed_scores.*maybe' "$T/bad.conf.err" "$T/bad.err" 2>/dev/null ||
    fail "feed_scores = maybe: exit $rc, $(errtext "$T/bad")"
end "feed_scores = no in the configuration leaves titles alone; ?scores=1 brings them back"

finish

#!/usr/bin/env bash
# digest.sh - `almanac digest` and /digest/...: a day's or an ISO week's 10
# top events (the store's own top 10 of the period, by score then date),
# each with its story's other reports; Markdown and HTML; periods named
# 2026-11-27 and 2026-W48 (53-week years included), others refused;
# previous/next links; /digest sends to today's, or to the newest event's day
# when nothing came since.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/digest.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-06-28T12:00:00Z
db=$(new_db d)

begin
run "$T/ingest" "$ALMANAC" --config tests/data/judgment/judgment.conf --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ingest")"
end "the judgment corpus"

# Every event as almanac shows it, for the expectations below.
"$ALMANAC" --config tests/data/judgment/judgment.conf --db "$db" events --json --limit 1000000 \
    >"$T/all.json"

# top10 START END: the top 10 event ids of [START, END) (UTC, YYYY-MM-DDTHH:MM:SS),
# by score, then newest, then id, from events --json
top10() {
    python3 - "$T/all.json" "$1Z" "$2Z" <<'PY' | tr '\n' ' '
import json, sys
ev = [e for e in json.load(open(sys.argv[1])) if sys.argv[2] <= e["published"] < sys.argv[3]]
ev.sort(key=lambda e: (e["score"], e["published"], e["id"]), reverse=True)
print("\n".join(str(e["id"]) for e in ev[:10]))
PY
}

begin
run "$T/w.md" "$ALMANAC" --db "$db" digest --week 2026-W26 --base-url http://almanac.test
[ "$rc" -eq 0 ] || fail "digest --week: $rc $(errtext "$T/w.md")"
head -n1 "$T/w.md" | grep -q '^# Almanac digest: Week 26 of 2026 (22-28 June)$' ||
    fail "heading: $(head -n1 "$T/w.md")"
got=$(grep -o '](http://almanac.test/events/[0-9]*)' "$T/w.md" | head -n 100 |
      python3 -c 'import sys, re
lines = open(sys.argv[1]).read().split("\n")
print(" ".join(re.search(r"/events/(\d+)\)", l).group(1) for l in lines if re.match(r"^\d+\. \*\*\[\d+\]\*\* \[", l)))' "$T/w.md")
want=$(top10 2026-06-22T00:00:00 2026-06-29T00:00:00)
[ "$got " = "$want" ] || fail "events $got, the store's top 10 are $want"
grep -q '^   Also in this story:' "$T/w.md" || fail "no story's other reports"
grep -q '^   Guides: ' "$T/w.md" || fail "no guides"
end "digest --week lists the week's top 10 with links, guides and stories" "($got)"

begin
run "$T/d.html" "$ALMANAC" --db "$db" digest --day 2026-06-23 --format html
[ "$rc" -eq 0 ] || fail "digest --day --format html: $rc"
python3 - "$T/d.html" <<'PY' || fail "the HTML is not well-formed"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, t, a):
        if t not in ("meta", "br"): self.stack.append(t)
    def handle_endtag(self, t):
        assert self.stack and self.stack[-1] == t, "</%s> closes %s" % (t, self.stack[-1:] )
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read()); assert not p.stack, p.stack
PY
n=$(grep -c '^<li><h2>\[' "$T/d.html")
want=$(top10 2026-06-23T00:00:00 2026-06-24T00:00:00 | wc -w)
[ "$n" = "$want" ] || fail "$n events, the day has $want of the top 10"
run "$T/today" "$ALMANAC" --db "$db" digest --day
grep -q '^# Almanac digest: 28 June 2026$' "$T/today" || fail "--day alone is not today: $(head -n1 "$T/today")"
run "$T/wk" "$ALMANAC" --db "$db" digest --week 2026-06-24
grep -q 'Week 26 of 2026' "$T/wk" || fail "--week DAY is not that day's week"
end "digest --day --format html is well-formed HTML of that day's top events; no DATE is today"

begin
for bad in "--day 2026-13-01" "--day 2026-02-29" "--week 2026-W54" "--week 2025-W53" "--day 2026-W26" \
           "--week 26" "--day 2026-06-23 --format pdf"; do
    # shellcheck disable=SC2086
    run "$T/bad" "$ALMANAC" --db "$db" digest $bad
    [ "$rc" -eq 2 ] || fail "digest $bad: exit $rc"
    v=${bad##* }
    grep -q -- "$v" "$T/bad.err" || fail "digest $bad: the message does not name $v"
done
run "$T/w53" "$ALMANAC" --db "$db" digest --week 2026-W53
[ "$rc" -eq 0 ] && grep -q 'Week 53 of 2026 (28 December - 3 January)' "$T/w53" ||
    fail "2026-W53 (2026 has 53 weeks): $rc $(head -n1 "$T/w53")"
end "invalid periods exit 2 naming them; 53-week years have their W53"

if ! command -v curl >/dev/null; then
    skip "digest pages" "curl is not installed"
    finish
fi
ALMANAC_QUERY_BUDGET_MS=60000 start_almanac "$T/serve" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not start"

begin
get /digest/2026-W26
[ "$code" = 200 ] || fail "/digest/2026-W26: $code"
grep -q '<h1>Digest: Week 26 of 2026 (22-28 June)</h1>' "$T/body" || fail "no heading"
grep -q 'href="/digest/2026-W25" rel="prev"' "$T/body" || fail "no previous week"
grep -q 'href="/digest/2026-W27" rel="next"' "$T/body" || fail "no next week"
got=$(grep -o '<h2 class="title"><a href="/events/[0-9]*' "$T/body" | grep -o '[0-9]*$' | tr '\n' ' ')
[ "$got" = "$(top10 2026-06-22T00:00:00 2026-06-29T00:00:00)" ] || fail "events $got"
grep -q '<summary>Also in this story</summary>' "$T/body" || fail "no story"
get /digest/2026-06-23
[ "$code" = 200 ] && grep -q 'href="/digest/2026-06-22" rel="prev"' "$T/body" || fail "a day: $code"
for bad in 2026-13-01 2026-W54 x 2026-W26x; do
    get "/digest/$bad"
    [ "$code" = 404 ] || fail "/digest/$bad: $code"
done
get /digest
[ "$code" = 302 ] && [ "$(hdr Location)" = /digest/2026-06-28 ] || fail "/digest: $code $(hdr Location)"
end "/digest/WEEK and /digest/DAY show the top events with prev/next; bad names 404; /digest is today's"

begin
get /digest.atom
[ "$code" = 200 ] || fail "/digest.atom: $code"
python3 - "$T/body" "$T/all.json" <<'PY' >"$T/da" 2>&1 || fail "$(tail -n 1 "$T/da")"
import json, sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
entries = ET.parse(sys.argv[1]).getroot().findall(A + "entry")
names = [e.find(A + "id").text.rsplit("/", 1)[1] for e in entries]
# the 14 complete days before 2026-06-28 that have events, newest first
want = sorted({e["published"][:10] for e in json.load(open(sys.argv[2]))
               if "2026-06-14" <= e["published"][:10] < "2026-06-28"}, reverse=True)
assert names == want, "entries %s, days with events %s" % (names, want)
for e in entries:
    assert e.find(A + "content").text.startswith("<ol>"), "an entry without its list"
PY
get '/digest.json?period=week'
[ "$code" = 200 ] && grep -q '"id":"[^"]*/digest/2026-W25"' "$T/body" || fail "weekly JSON Feed: $code"
grep -q '/digest/2026-W26"' "$T/body" && fail "the current, incomplete week is an entry"
get '/digest.atom?period=month'
[ "$code" = 400 ] || fail "period=month: $code"
end "/digest.atom and /digest.json list the last complete days' (weeks') digests that have events"

stop_almanac

# A day after everything the store holds (a fresh install on the bundled
# snapshot, a quiet day): /digest opens the newest event's day, not an empty
# digest.
begin
newest_day=$(python3 -c 'import json, sys; print(max(e["published"] for e in json.load(open(sys.argv[1])))[:10])' "$T/all.json")
ALMANAC_NOW=2027-03-01T12:00:00Z start_almanac "$T/serve2" --db "$db" serve --listen 127.0.0.1:0 ||
    { echo "not ok - serve did not start: $(head -c 300 "$T/serve2.err")"; exit 1; }
get /digest
[ "$code" = 302 ] && [ "$(hdr Location)" = "/digest/$newest_day" ] ||
    fail "/digest: $code $(hdr Location), not /digest/$newest_day"
stop_almanac
end "/digest after a quiet spell opens the newest event's day ($newest_day)"
finish

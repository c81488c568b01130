#!/usr/bin/env bash
# first-contact.sh - what a new user meets: make run's ingest says whether
# it fetched live or took the snapshot; Top on a fresh install shows the most
# recent period with events, never "0 events"; an event page gives the
# absolute date beside the relative one; search matches source names and
# authors ("Anthropic Mythos" finds Anthropic's posts on Mythos).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/first-contact.sh

. "$(dirname "$0")/lib.bash"

# A clock long after the snapshot's newest item: the last 7 days are empty.
export ALMANAC_NOW=2026-12-07T12:00:00Z
db=$(new_db fc)

begin
ALMANAC_DB=$db ALMANAC_PROBE_URL=http://127.0.0.1:9/ run "$T/demo" sh scripts/demo-ingest "$ALMANAC"
[ "$rc" -eq 0 ] || fail "demo-ingest exited $rc: $(errtext "$T/demo")"
grep -q 'no network.*snapshot' "$T/demo" || fail "it does not say it took the snapshot: $(head -c 200 "$T/demo")"
n=$(stored_items "$db")
[ "${n:-0}" -gt 1000 ] || fail "only ${n:-0} items stored"
end "make run's ingest says it ingests the bundled snapshot when the network does not answer" "($n items)"

if ! command -v curl >/dev/null; then
    skip "web checks" "curl is not installed"
    finish
fi
start_almanac "$T/serve" --db "$db" serve --listen 127.0.0.1:0 ||
    { fail "serve did not start: $(errtext "$T/serve")"; end "serve"; finish; }

begin
week=$(stored_events "$db" | awk -F'\t' '$3 >= "2026-11-30T12:00:00Z"' | wc -l)
[ "$week" = 0 ] || fail "the fixture has $week items in the last 7 days"
get /top
[ "$code" = 200 ] || fail "/top answered $code"
grep -q '>0 events' "$T/body" && fail "/top reads 0 events"
grep -q 'No events match' "$T/body" && fail "/top shows no events"
grep -Eq 'class="note">No events in the last 7 days: showing (the last 30 days|all time)' "$T/body" ||
    fail "/top does not say it widened the period"
grep -q 'aria-current="true">All time<\|aria-current="true">30 days<' "$T/body" ||
    fail "the filter bar does not mark the wider period"
grep -q 'href="/top?min=7&amp;period=all"\|href="/top?min=7&amp;period=30d"' "$T/body" ||
    fail "the score filter's link does not keep the wider period"
get '/top?period=7d'
[ "$code" = 200 ] || fail "/top?period=7d answered $code"
grep -q '>0 events' "$T/body" || fail "an explicit period=7d was widened too"
end "Top falls back to the most recent period with events when its default is empty"

begin
get /events/30
[ "$code" = 301 ] && get "$(hdr Location)"
[ "$code" = 200 ] || fail "the event page answered $code"
date=$("$ALMANAC" --db "$db" event 30 --json |
       python3 -c 'import json, sys; print(json.load(sys.stdin)["published"][:10])')
grep -q "<time datetime=\"${date}T[0-9:]*Z\">$date</time>" "$T/body" ||
    fail "no absolute date $date in a <time>"
grep -q 'ago</time>' "$T/body" || fail "the relative age is gone"
end "an event page shows the absolute date beside the relative one" "($date)"

begin
# Anthropic's own posts on Mythos that never say "Anthropic" in title or
# text: the fixture, picked from the store (an item's text is not
# shown whole by almanac)
own=$(sql "$db" "SELECT $(sql_concat i.id ,) FROM items i JOIN sources s ON s.id = i.source_id
                 WHERE s.author = 'Anthropic' AND (i.title LIKE '%mythos%' OR i.text LIKE '%mythos%')
                 AND i.title NOT LIKE '%anthropic%' AND coalesce(i.text, '') NOT LIKE '%anthropic%'")
[ -n "$own" ] || fail "the fixture has no such post"
get '/api/v1/search?q=Anthropic+Mythos&limit=50'
[ "$code" = 200 ] || fail "search answered $code"
missing=$(python3 - "$T/body" "$own" <<'PY'
import json, sys
got = {e["id"] for e in json.load(open(sys.argv[1]))["events"]}
print(" ".join(i for i in sys.argv[2].split(",") if int(i) not in got))
PY
)
[ -z "$missing" ] || fail "search 'Anthropic Mythos' misses Anthropic's posts $missing"
get '/search?q=%22Andrew+Ng%22+Batch'
grep -q 'href="/sources/the-batch"' "$T/body" || fail "'\"Andrew Ng\" Batch' finds no post of The Batch"
get '/search?q=Anthropic+Mythos'
grep -q '<mark>' "$T/body" || fail "no highlight left in the results"
end "search matches source names and authors" "(posts $own)"

begin
get /static/style.css
python3 - "$T/body" >"$T/contrast" 2>&1 <<'PY' || fail "$(tail -n 2 "$T/contrast")"
import re, sys
css = open(sys.argv[1]).read()
light = dict(re.findall(r"(--[\w-]+): (#[0-9a-f]{6})", css.split("@media (prefers-color-scheme: dark)")[0]))
dark = dict(light, **dict(re.findall(r"(--[\w-]+): (#[0-9a-f]{6})",
                                     css.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0])))
def rgb(h): return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))
def lum(c):
    c = [x / 255 for x in c]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
def ratio(a, b):
    a, b = sorted((lum(a), lum(b)), reverse=True)
    return (a + 0.05) / (b + 0.05)
bad = []
for cls in ("ok", "bad"):
    m = re.search(r"\.status\.%s \{ color: var\((--[\w-]+)\);\s*background: color-mix\(in srgb, var\((--[\w-]+)\) (\d+)%%" % cls, css)
    assert m, "no .status.%s rule" % cls
    for name, v in (("light", light), ("dark", dark)):
        for under in ("--bg", "--surface"):
            t = int(m.group(3)) / 100
            tint = tuple(t * x + (1 - t) * y for x, y in zip(rgb(v[m.group(2)]), rgb(v[under])))
            r = ratio(rgb(v[m.group(1)]), tint)
            if r < 4.5:
                bad.append("%s %s on %s: %.2f" % (cls, name, under, r))
assert not bad, "status badges under 4.5:1: " + "; ".join(bad)
PY
get '/search?q=model'
n=$(grep -o 'role="search"[^>]*aria-label="[^"]*"' "$T/body" | sed 's/.*aria-label=//' | sort -u | wc -l)
[ "$(grep -o 'role="search"' "$T/body" | wc -l)" = "$n" ] || fail "search landmarks without distinct labels"
end "the status badges have 4.5:1 contrast in both schemes; the two search landmarks are told apart"

stop_almanac
finish

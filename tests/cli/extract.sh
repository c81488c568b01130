#!/usr/bin/env bash
# extract.sh - `almanac extract`: exit statuses, one JSON object per page with
# the issue's keys, the text of real pages (tests/data/articles) against their
# ground truth, and a page served over HTTP from the loopback server.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/extract.sh

. "$(dirname "$0")/lib.bash"
skip_on_pg "opens no database: almanac extract reads pages"

KEYS='url title byline published lang image canonical text html'
A=tests/data/articles

begin
run "$T/usage" "$ALMANAC" extract
[ "$rc" -eq 2 ] || fail "exit status $rc without a file, want 2"
grep -q 'usage: almanac extract' "$T/usage.err" || fail "no usage line"
end "extract without a file is a usage error"

begin
run "$T/missing" "$ALMANAC" extract "$T/no-such-page.html" --json
[ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] || fail "exit status $rc"
grep -q 'no-such-page.html' "$T/missing.err" || fail "stderr does not name the file"
[ -s "$T/missing" ] && fail "printed on stdout"
end "extract of a missing file exits non-zero, naming it"

begin
run "$T/pages" "$ALMANAC" extract $A/zyte-232a43fb.html $A/zyte-14cc2a0c.html \
    $A/readability-parsely-metadata.html --json
[ "$rc" -eq 0 ] || fail "exit status $rc: $(errtext "$T/pages")"
bad=$(python3 - "$T/pages" "$KEYS" $A/zyte-truth.json <<'PY' 2>&1 | tail -n1
import json, re, sys
from collections import Counter
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "output does not end with a newline"
objs = [json.loads(l) for l in lines[:-1]]
assert len(objs) == 3, "%d objects, want 3" % len(objs)
for o in objs:
    missing = [k for k in sys.argv[2].split() if k not in o]
    assert not missing, "lacks %s" % missing
    assert isinstance(o["text"], str) and isinstance(o["html"], str)
    assert "\n\n\n" not in o["text"], "more than one blank line between paragraphs"
    assert "<script" not in o["html"].lower(), "script in html"
truth = json.load(open(sys.argv[3], encoding="utf-8"))
def f1(a, b):
    ta, tb = Counter(re.findall(r"\w+", a)), Counter(re.findall(r"\w+", b))
    tp = sum((ta & tb).values())
    return 2 * tp / (sum(ta.values()) + sum(tb.values())) if tp else 0.0
for o, name in zip(objs, ["zyte-232a43fb.html", "zyte-14cc2a0c.html"]):
    f = f1(truth[name]["articleBody"], o["text"])
    assert f >= 0.95, "%s: token F1 %.3f" % (name, f)
    assert "\n\n" in o["text"], "%s: no paragraph breaks" % name
m = objs[0]
assert m["published"] == "2019-11-18T10:45:00Z", m["published"]
assert m["byline"] == "Joe Rossignol", m["byline"]
assert m["canonical"].startswith("https://www.macrumors.com/2019/11/18/"), m["canonical"]
assert m["url"] == m["canonical"], "a file's url is its canonical URL"
p = objs[2]
assert (p["title"], p["byline"], p["published"]) == ("Some Other Title", "Jane Doe",
        "2024-04-20T04:20:00Z"), (p["title"], p["byline"], p["published"])
PY
)
[ -z "$bad" ] || fail "$bad"
end "extract --json of three real pages: keys, text against the ground truth, metadata"

begin
run "$T/human" "$ALMANAC" extract $A/zyte-232a43fb.html
[ "$rc" -eq 0 ] || fail "exit status $rc"
head -n1 "$T/human" | grep -q '^13-Inch MacBook Pro With Scissor Keyboard' || fail "first line: $(head -n1 "$T/human")"
grep -q '^Joe Rossignol, 2019-11-18T10:45:00Z$' "$T/human" || fail "no byline and date line"
grep -q 'scissor switch keyboard' "$T/human" || fail "no body text"
end "extract without --json prints title, byline and date, then the text"

begin
printf '\0\1\2<html><div><p>\xff\xfe broken' >"$T/garbage.html"
: >"$T/empty.html"
run "$T/garbage" "$ALMANAC" extract "$T/garbage.html" "$T/empty.html" --json
[ "$rc" -eq 0 ] || fail "exit status $rc: $(errtext "$T/garbage")"
[ "$(wc -l <"$T/garbage")" -eq 2 ] || fail "want two lines"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/garbage" 2>/dev/null ||
    fail "output is not JSON"
end "extract of garbage and of an empty file prints valid JSON"

# A page over HTTP: the loopback server serves files by name (tests/fetch_server.py).
if start_server 2>/dev/null; then
    begin
    run "$T/http" env ALMANAC_ALLOW_LOCAL=1 "$ALMANAC" extract \
        "http://127.0.0.1:$port/file/articles/zyte-14cc2a0c.html" --json
    [ "$rc" -eq 0 ] || fail "exit status $rc: $(errtext "$T/http")"
    python3 - "$T/http" <<'PY' 2>/dev/null || fail "bad output: $(head -c 300 "$T/http")"
import json, sys
o = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert o["url"].startswith("http://127.0.0.1:"), o["url"]
assert "Goddard Space Flight Center" in o["text"]
PY
    end "extract URL fetches the page and extracts it"
else
    skip "extract URL" "no loopback server"
fi
finish

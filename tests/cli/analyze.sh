#!/usr/bin/env bash
# analyze.sh - the analysis of the bundled snapshot as a reader sees it:
# every item an event with a score, a kind, a plain summary, guides, a story
# and related events; real items get the kind, score and guides a reader
# expects; explain adds up; a second run changes nothing; one new article
# is analysed alone and joins its story; the events filters filter.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/analyze.sh
#
# Prints one "ok - NAME" / "not ok - NAME: REASON" line per check and exits
# non-zero when one failed. A reason that starts "KNOWN ISSUE:" is a fault
# of the analysis, not of the test: the check stays, failing, until the
# analysis is fixed. Everything happens in a temp dir (every command gets
# --db); items are found by title, never by id.

. "$(dirname "$0")/lib.bash"

conf=etc/almanac.conf
db=$(new_db main)
KINDS='release research policy business security commentary digest tutorial other'
GUIDES=$(for f in guides/*.md; do
             case ${f##*/} in README.md) ;; *) basename "$f" .md ;; esac
         done | tr '\n' ' ')
# Clocks for the later runs, so the events they rewrite can be told apart
# by events.analyzed.
NOW2=2098-01-01T00:00:00Z
NOW3=2099-01-01T00:00:00Z
EPOCH2=$(date -u -d "$NOW2" +%s)
EPOCH3=$(date -u -d "$NOW3" +%s)
export KINDS GUIDES

# pycheck ARGS... <<'EOF' ... EOF: runs the Python on stdin; whatever it
# prints (an assertion message, last line first) becomes the failure reason.
pycheck() {
    local out
    out=$(python3 - "$@" 2>&1)
    [ -z "$out" ] || fail "$(printf '%s\n' "$out" | tail -n1 | sed 's/^AssertionError: //')"
}

# The error a failed analysis printed, and whether it is the known one.
analysis_error() {
    grep -m1 'almanac: analysis:' "$1.err" 2>/dev/null
}
HASH_BUG='NOT NULL constraint failed: events.content_hash'
hash_bug_note() {
    echo "KNOWN ISSUE: the incremental analysis rolled back: ${HASH_BUG} (old events whose" \
         "story changed are re-stored with a NULL hash); ingest exited $2 all the same"
}

# ---------------------------------------------------------------------------
# 1. ingest --snapshot analyses every item.
begin
run "$T/ing1" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest --snapshot exited $rc: $(errtext "$T/ing1")"
[ -z "$(analysis_error "$T/ing1")" ] || fail "$(analysis_error "$T/ing1")"
grep -Eq '^analysed [0-9]+ events' "$T/ing1" ||
    fail "ingest printed no analysis line: $(tail -n1 "$T/ing1")"
nitems=$(stored_items "$db" --config "$conf")
nevents=$(stored_events "$db" --config "$conf" | wc -l)
[ "${nitems:-0}" -gt 3000 ] || fail "only ${nitems:-no} items stored (want > 3000)"
[ "$nevents" = "$nitems" ] || fail "$nevents events for $nitems items"
run "$T/ev" "$ALMANAC" --config "$conf" --db "$db" events --json
[ "$rc" -eq 0 ] || fail "events --json exited $rc: $(errtext "$T/ev")"
pycheck "$T/ev" "$nitems" <<'EOF'
import json, os, sys
ev = json.load(open(sys.argv[1]))
kinds = set(os.environ["KINDS"].split())
assert len(ev) == int(sys.argv[2]), "events --json lists %d events for %s items" % (
    len(ev), sys.argv[2])
for e in ev:
    s = e.get("score")
    assert isinstance(s, int) and 1 <= s <= 10, "#%s %r: score %r" % (
        e.get("id"), e.get("title"), s)
    assert e.get("kind") in kinds, "#%s %r: kind %r" % (e.get("id"), e.get("title"), e.get("kind"))
EOF
end "ingest --snapshot gives every item an event, scored 1..10, of a known kind" \
    "($nevents events)"

begin
pycheck "$T/ev" <<'EOF'
import json, re, sys
ev = json.load(open(sys.argv[1]))
tag = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--|<!\[CDATA\[")
# Abbreviations and decimals whose dots end no sentence: "U.S.", "Llama 3.1".
abbrev = re.compile(r"\b(?:[A-Za-z]\.){2,}|\d\.\d|\b(?:Inc|Ltd|Corp|Co|Dr|Mr|Ms|St|vs|etc)\.")
def words(s):
    return len([w for w in s.split() if re.search(r"\w", w)])
for e in ev:
    s, t, i = e.get("summary") or "", e.get("title"), e.get("id")
    assert s.strip(), "#%s %r: empty summary" % (i, t)
    assert not tag.search(s), "#%s %r: HTML in the summary: %r" % (i, t, s[:160])
    assert "appeared first on" not in s.lower(), "#%s %r: %r" % (i, t, s[:200])
    if s.endswith("; the feed has no excerpt."):
        # no usable text: the context alone, never the title said again
        assert re.match(r"An? tier-[123] ", s), "#%s %r: context %r" % (i, t, s)
        assert not re.search(r"\b(reports|argues): ", s), "#%s %r: title repeated: %r" % (i, t, s)
        assert "As a tier-" not in s and s.count(";") == 1, "#%s %r: %r" % (i, t, s)
        continue
    k = s.find("As a tier-")
    assert k >= 0, "#%s %r: no 'As a tier-' context sentence: %r" % (i, t, s[-160:])
    assert s.count("As a tier-") == 1, "#%s %r: two context sentences: %r" % (i, t, s)
    extract, ctx = s[:k].strip(), s[k:].strip()
    assert extract, "#%s %r: nothing before the context sentence: %r" % (i, t, s)
    n = words(extract)
    assert n <= 60, "#%s %r: %d words before the context sentence: %r" % (i, t, n, extract)
    assert re.match(r"As a tier-[123] ", ctx), "#%s %r: context %r" % (i, t, ctx)
    assert ctx[-1] in ".!?", "#%s %r: context does not end a sentence: %r" % (i, t, ctx)
    inner = abbrev.sub("", ctx[:-1])
    assert not re.search(r"[.!?]\s+[A-Z]", inner), \
        "#%s %r: more than one context sentence: %r" % (i, t, ctx)
EOF
end "every summary: plain text, at most 60 words, then one 'As a tier-' sentence (or that context alone)"

# ---------------------------------------------------------------------------
# 2. The JSON of events and of one event.
begin
pycheck "$T/ev" "$GUIDES" <<'EOF'
import json, re, sys
ev = json.load(open(sys.argv[1]))
guides = set(sys.argv[2].split())
ids = {e["id"] for e in ev}
for e in ev:
    i = e.get("id")
    assert isinstance(i, int) and i > 0, "id %r in %s" % (i, str(e)[:200])
    for k in ("link", "title", "source", "published", "kind", "summary"):
        assert isinstance(e.get(k), str) and e[k], "#%s: %s %r" % (i, k, e.get(k))
    assert re.match(r"https?://", e["link"]), "#%s: link %r" % (i, e["link"])
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", e["published"]), \
        "#%s: published %r" % (i, e["published"])
    assert isinstance(e.get("score"), int), "#%s: score %r" % (i, e.get("score"))
    assert isinstance(e.get("story"), int) and e["story"] in ids, \
        "#%s: story %r is not an event's id" % (i, e.get("story"))
    g = e.get("guides")
    assert isinstance(g, list) and all(isinstance(x, str) for x in g), "#%s: guides %r" % (i, g)
    assert set(g) <= guides, "#%s: unknown guides %s" % (i, sorted(set(g) - guides))
    assert len(set(g)) == len(g), "#%s: guides repeat: %s" % (i, g)
assert len(ids) == len(ev), "ids repeat"
EOF
end "events --json: id, link, title, source, published, score, kind, story, guides"

# A sample for `event ID --json` and explain: the top 10, every 400th event,
# and the extreme cases.
python3 - "$T/ev" >"$T/sample" <<'EOF'
import json, sys
ev = json.load(open(sys.argv[1]))
top = sorted(ev, key=lambda e: (-e["score"], e["id"]))[:10]
ids = [e["id"] for e in top] + [e["id"] for e in ev[::400]]
print("\n".join(str(i) for i in dict.fromkeys(ids)))
EOF
begin
ok_ids=0
: >"$T/one.all"
while read -r id; do
    run "$T/one" "$ALMANAC" --config "$conf" --db "$db" event "$id" --json
    if [ "$rc" -ne 0 ]; then
        fail "event $id --json exited $rc: $(errtext "$T/one")"
        break
    fi
    cat "$T/one" >>"$T/one.all"
    ok_ids=$((ok_ids + 1))
done <"$T/sample"
pycheck "$T/one.all" "$T/ev" <<'EOF'
import json, sys
evs = {e["id"]: e for e in json.load(open(sys.argv[2]))}
shape = ["id", "link", "title", "source", "published", "score", "kind", "story", "guides"]
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    i = d["id"]
    for k in shape + ["summary"]:
        assert d.get(k) == evs[i].get(k), "event %d --json: %s %r, events --json has %r" % (
            i, k, d.get(k), evs[i].get(k))
    assert isinstance(d.get("reasons"), list) and d["reasons"], "event %d: reasons %r" % (
        i, d.get("reasons"))
    rel = d.get("related")
    assert isinstance(rel, list), "event %d: related %r" % (i, rel)
    assert len(rel) <= 8, "event %d: %d related events (at most 8)" % (i, len(rel))
    seen = set()
    for r in rel:
        missing = [k for k in shape if k not in r]
        assert not missing, "event %d: a related event lacks %s" % (i, missing)
        assert r["id"] != i, "event %d lists itself as related" % i
        assert r["id"] not in seen, "event %d lists #%d twice" % (i, r["id"])
        seen.add(r["id"])
        assert r["id"] in evs, "event %d: related #%d is no event" % (i, r["id"])
        for k in shape:
            assert r[k] == evs[r["id"]][k], "event %d: related #%d %s %r, events says %r" % (
                i, r["id"], k, r[k], evs[r["id"]][k])
        w = r.get("weight")
        assert isinstance(w, (int, float)) and 0 < w <= 1, \
            "event %d: related #%d weight %r" % (i, r["id"], w)
    ws = [r["weight"] for r in rel]
    assert ws == sorted(ws, reverse=True), "event %d: related not best first: %s" % (i, ws)
EOF
# The same rules over every stored list.
bad=$(sql "$db" "SELECT event_id || ': ' || count(*) || ' related' FROM related
                 GROUP BY event_id HAVING count(*) > 8 LIMIT 1")
[ -z "$bad" ] || fail "event $bad"
bad=$(sql "$db" "SELECT event_id FROM related WHERE related_id = event_id
                 OR weight < 0 OR weight > 1 LIMIT 1")
[ -z "$bad" ] || fail "event $bad: related to itself or a weight outside 0..1"
# One article cross-posted or captured twice is one line of context: no list
# holds the event's own title, or one title twice (case aside).
bad=$(sql "$db" "SELECT r.event_id FROM related r JOIN items a ON a.id = r.event_id
                 JOIN items b ON b.id = r.related_id WHERE lower(a.title) = lower(b.title)
                 UNION ALL
                 SELECT r.event_id FROM related r JOIN related r2 ON r2.event_id = r.event_id
                 AND r2.rank < r.rank JOIN items b ON b.id = r.related_id
                 JOIN items c ON c.id = r2.related_id WHERE lower(b.title) = lower(c.title)
                 LIMIT 1")
[ -z "$bad" ] || fail "event $bad: a related event repeats a title"
withrel=$(sql "$db" "SELECT count(DISTINCT event_id) FROM related")
[ "${withrel:-0}" -gt $((nevents / 2)) ] || fail "only $withrel events have related events"
end "event ID --json: the event, its reasons, at most 8 related events (weight 0..1, not itself, no title twice)" \
    "($ok_ids events; $withrel of $nevents have related events)"

# ---------------------------------------------------------------------------
# 3. Real items, found by title.
# q SQL-WHERE: "id|slug|score|kind|title|guide,guide" for matching events.
q() {
    sql "$db" "SELECT i.id, s.slug, e.score, e.kind, i.title,
                      coalesce((SELECT $(sql_concat slug ,) FROM event_guides g
                                WHERE g.event_id = i.id), '')
               FROM items i JOIN events e ON e.id = i.id JOIN sources s ON s.id = i.source_id
               WHERE $1 ORDER BY i.published, i.id"
}

begin
rel_id=$(sql "$db" "SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id
                    WHERE i.title = 'Introducing Claude Opus 4.6' AND s.slug = 'anthropic'")
lab=anthropic
if [ -z "$rel_id" ]; then
    rel_id=$(sql "$db" "SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id
                        WHERE s.slug = 'anthropic' AND $(sql_glob i.title 'Introducing Claude [OSH]*')
                        ORDER BY i.published DESC LIMIT 1")
fi
if [ -z "$rel_id" ]; then
    lab=openai
    rel_id=$(sql "$db" "SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id
                        WHERE s.slug = 'openai' AND $(sql_glob i.title 'Introducing GPT-5*')
                        ORDER BY i.published DESC LIMIT 1")
fi
rel_title=$(sql "$db" "SELECT title FROM items WHERE id = '${rel_id:-0}'")
if [ -z "$rel_id" ]; then
    fail "no frontier model release by Anthropic or OpenAI in the snapshot"
else
    run "$T/rel" "$ALMANAC" --config "$conf" --db "$db" event "$rel_id" --json
    [ "$rc" -eq 0 ] || fail "event $rel_id --json exited $rc: $(errtext "$T/rel")"
    pycheck "$T/rel" "$lab" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
lab = sys.argv[2]
t = d["title"]
assert d["kind"] == "release", "%r is kind %s, want release" % (t, d["kind"])
s = d["score"]
src = [int(m.group(1)) for r in d["reasons"]
       for m in [re.match(r"coverage: (\d+) independent source", r["text"])] if m]
if s == 10:
    assert src and src[0] >= 3, "%r scores 10 without 3+ sources: %s" % (t, d["reasons"])
else:
    assert 7 <= s <= 9, "%r scores %d, want 7..9: %s" % (
        t, s, "; ".join("%+.2f %s" % (r["points"], r["text"]) for r in d["reasons"]))
for g in (lab, "frontier-models"):
    assert g in d["guides"], "%r is not in guide %s (guides %s)" % (t, g, d["guides"])
rel = [r["title"] for r in d["related"]]
assert len(rel) == 8, "%r has %d related events, want 8: %s" % (t, len(rel), rel)
pat = (r"claude|anthropic|opus|sonnet|haiku" if lab == "anthropic"
       else r"openai|gpt|chatgpt|codex|\bo[134]\b")
about = [x for x in rel if re.search(pat, x, re.I)]
assert len(about) >= 6, "only %d of the related events of %r are about %s: %s" % (
    len(about), t, lab, rel)
EOF
fi
end "a frontier model release: kind release, score 7-9, guides lab + frontier-models, 8 related" \
    "(${rel_title:-none})"

begin
q "i.title LIKE 'How to %' AND e.kind <> 'digest'" >"$T/howto"
[ -s "$T/howto" ] || fail "no 'How to' post found"
# Most are tutorials ("How to Make AI UX Your Moat" is an essay, "How to
# evaluate control measures for AI agents?" research), and tutorials are routine.
bad=$(awk -F'|' '$4 == "tutorial" && ($3 < 1 || $3 > 3) {print "#" $1 " " $5 " (" $2 "): " \
                 $4 " " $3; exit}' "$T/howto")
[ -z "$bad" ] || fail "$bad, want a tutorial to score 1..3"
tut=$(awk -F'|' '$4 == "tutorial" {n++} END {print n + 0}' "$T/howto")
[ $((tut * 3)) -ge $((2 * $(wc -l <"$T/howto"))) ] ||
    fail "only $tut of $(wc -l <"$T/howto") how-to posts are tutorials"
end "how-to posts are mostly tutorials, and tutorials score 1..3" \
    "($tut of $(wc -l <"$T/howto") posts tutorials)"

# Vendor case studies: "How Klarna's AI assistant ... with LangGraph".
begin
q "s.slug = 'langchain' AND i.title LIKE 'How %' AND i.title NOT LIKE 'How to %'
   AND (i.title LIKE '%LangChain%' OR i.title LIKE '%LangGraph%' OR i.title LIKE '%LangSmith%')" \
    >"$T/cases"
[ -s "$T/cases" ] || fail "no LangChain customer story found"
bad=$(awk -F'|' '$3 > 3 {n++; if (n <= 3) {printf "%s#%s %.50s: %s %s", sep, $1, $5, $4, $3;
                                             sep = "; "}}
                  END {if (n > 3) printf "; %d more", n - 3}' "$T/cases")
[ -z "$bad" ] || fail "KNOWN ISSUE: $bad (no tutorial cue for 'How X uses/built ...'," \
    "so release verbs or the body vote decide)"
end "LangChain customer stories ('How X uses LangGraph ...') are routine: score 1..3" \
    "($(wc -l <"$T/cases") posts)"

begin
# A special issue on one theme (MLOps in production, a Halloween issue) is not a
# roundup of unrelated items: the editors labelled two of three commentary, so
# those may be either.
q "s.slug = 'the-batch' AND i.title LIKE 'The Batch%' AND i.title NOT LIKE '%Special%'" \
    >"$T/batch"
[ -s "$T/batch" ] || fail "no The Batch issue found"
bad=$(awk -F'|' '$4 != "digest" {print "#" $1 " " $5 ": " $4; exit}' "$T/batch")
[ -z "$bad" ] || fail "$bad, want digest"
end "The Batch issues (but special issues on one theme) are digests" \
    "($(wc -l <"$T/batch") issues)"

begin
q "s.slug = 'uk-aisi' AND (i.title LIKE '%evaluation%' OR i.title LIKE '%evaluating%'
   OR i.title LIKE '%assessment%') AND i.title NOT LIKE 'How to %'
   AND i.title NOT LIKE '%Why %'" >"$T/aisi"
[ "$(wc -l <"$T/aisi")" -ge 5 ] || fail "only $(wc -l <"$T/aisi") UK AISI evaluation posts"
# An evaluation toolkit is a release; the reports are research or policy.
bad=$(awk -F'|' '$4 != "policy" && $4 != "research" &&
                 !($4 == "release" && $5 ~ /[Tt]oolkit|[Tt]ool /) {
          printf "%s#%s %s: %s", sep, $1, $5, $4; sep = "; "}' "$T/aisi")
[ -z "$bad" ] || fail "$bad, want research or policy"
q "(i.title LIKE '%regulation%' OR i.title LIKE '%executive order%' OR i.title LIKE '% AI Act%'
    OR i.title LIKE '%action plan%') AND i.title NOT LIKE '%regulated industries%'
   AND (i.title LIKE '%AI%' OR i.title LIKE '%artificial%' OR i.title LIKE '%KI-%')
   AND e.kind <> 'digest'" >"$T/regul"
[ -s "$T/regul" ] || fail "no post about a regulation found"
# An argument ("The case for ...") or a guide keeps its form.
bad=$(awk -F'|' '$4 != "policy" && !($4 == "commentary" && $5 ~ /^The case|^Thoughts on/) &&
                 !($4 == "commentary" && $2 ~ /podcast/) &&
                 !($4 == "tutorial" && $5 ~ /[Gg]uide/) {print "#" $1 " " $5 ": " $4; exit}' \
      "$T/regul")
[ -z "$bad" ] || fail "$bad, want policy"
end "UK AISI evaluation posts are policy or research; regulation posts are policy" \
    "($(wc -l <"$T/aisi") and $(wc -l <"$T/regul") posts)"

begin
q "(i.title LIKE '%export%' AND (i.title LIKE '%control%' OR i.title LIKE '%restriction%'
    OR i.title LIKE '%curb%' OR i.title LIKE '%rule%' OR i.title LIKE '%ban%'))
   OR (i.title LIKE '%chip%' AND i.title LIKE '%China%')" >"$T/export"
if [ ! -s "$T/export" ]; then
    skip "export-controls items join export-controls-compute-governance" \
         "no title in the snapshot is about export controls"
else
    bad=$(awk -F'|' '("," $6 ",") !~ /,export-controls-compute-governance,/ {
              printf "%s#%s %s (guides: %s)", sep, $1, $5, $6; sep = "; "}' "$T/export")
    [ -z "$bad" ] || fail "KNOWN ISSUE: not in the guide: $bad (no guide keyword or entity" \
        "matches 'China AI Chips Blocked')"
    end "titles about export controls or chip sales to China join export-controls-..." \
        "($(wc -l <"$T/export") items)"
fi

begin
q "i.title IN ('Introducing Mistral 3', 'OpenAI gpt-oss', 'Introducing Mistral Small 4')
   OR i.title LIKE 'The Llama 4 herd%' OR i.title LIKE 'Introducing Gemma 4%'
   OR i.title LIKE 'Introducing: Devstral 2%'" >"$T/open"
[ "$(wc -l <"$T/open")" -ge 3 ] || fail "only $(wc -l <"$T/open") open-weight releases found"
bad=$(awk -F'|' '("," $6 ",") !~ /,open-weight-models,/ {
          printf "%s#%s %s (guides: %s)", sep, $1, $5, $6; sep = "; "}' "$T/open")
[ -z "$bad" ] || fail "KNOWN ISSUE: not in open-weight-models: $bad (text = title;" \
    "'Mistral Small' is no guide entity and hides 'Mistral'; 'Gemma' alone weighs 0.2)"
end "open-weight releases (Llama 4, Mistral, Gemma, gpt-oss, Devstral) join open-weight-models" \
    "($(wc -l <"$T/open") items)"

# ---------------------------------------------------------------------------
# 4. explain adds up.
begin
pycheck "$db" <<'EOF'
import json, sys
sys.path.insert(0, "tools")
import dbrows
db = dbrows.connect(sys.argv[1])
kept = 0
for i, score, reasons in db.execute("SELECT id, score, reasons FROM events"):
    r = json.loads(reasons)
    total = sum(x["points"] for x in r)
    assert abs(total - score) < 0.011, "#%d: reasons add up to %.2f, score %d: %s" % (
        i, total, score, r)
    last = [x for x in r if x["text"].startswith(("kept within", "rounded to"))]
    raw = total - sum(x["points"] for x in last)
    if last and last[0]["text"].startswith("kept within"):
        kept += 1
        assert raw > 10.5 or raw < 0.5, "#%d kept within 1..10 though its sum %.2f is" % (i, raw)
    else:
        assert 0.5 <= raw < 10.5, "#%d: sum %.2f outside the scale and not kept within" % (i, raw)
assert kept > 0, "no event at an end of the scale to check"
EOF
# The printed explanation of a sample: the top 10, every 400th event, and
# events kept within the scale at either end.
sql "$db" "SELECT id FROM events WHERE reasons LIKE '%kept within%' ORDER BY id LIMIT 4" \
    >"$T/xsample"
cat "$T/sample" >>"$T/xsample"
nx=0
while read -r id; do
    run "$T/x" "$ALMANAC" --config "$conf" --db "$db" explain "$id"
    if [ "$rc" -ne 0 ]; then
        fail "explain $id exited $rc: $(errtext "$T/x")"
        break
    fi
    IFS='|' read -r score kind < <("$ALMANAC" --config "$conf" --db "$db" event "$id" --json |
        python3 -c 'import json, sys; e = json.load(sys.stdin); print("%d|%s" % (e["score"], e["kind"]))')
    # Lines "  +2.33  baseline" and "  = 8 (the sum: ...)".
    sum=$(awk '$1 ~ /^[+-][0-9.]+$/ {s += $1} END {printf "%.0f", s}' "$T/x")
    total=$(awk '$1 == "=" {print $2; exit}' "$T/x")
    if [ "$sum" != "$score" ] || [ "$total" != "$score" ]; then
        fail "explain $id: reasons sum to $sum and print '= $total'; the score is $score"
    fi
    grep -q "kind $kind\$" "$T/x" || fail "explain $id does not say kind $kind: $(head -n2 "$T/x")"
    nx=$((nx + 1))
done <"$T/xsample"
run "$T/x0" "$ALMANAC" --config "$conf" --db "$db" explain 999999999
if [ "$rc" -eq 0 ] || ! grep -q 'no such event' "$T/x0.err"; then
    fail "explain of an unknown id exited $rc: $(errtext "$T/x0")"
fi
end "explain prints reasons whose points sum to the score, the rounding included" "($nx events)"

# ---------------------------------------------------------------------------
# 6. Stories.
begin
# A story lives a few days; copies of one title (a post captured twice or
# cross-posted, dates often made up by the feed) may lie up to 30 days apart.
bad=$(sql "$db" "SELECT e.story_id || ' spans ' || ((max(i.published) - min(i.published)) / 86400)
                        || ' days'
                 FROM events e JOIN items i ON i.id = e.id GROUP BY e.story_id
                 HAVING max(i.published) - min(i.published) > 30 * 86400
                     OR (max(i.published) - min(i.published) > 7 * 86400
                         AND count(DISTINCT lower(i.title)) = count(*)) LIMIT 1")
[ -z "$bad" ] || fail "story $bad"
# A story's sources are organisations (a source's author, else its name):
# Anthropic's three feeds are one voice.
multi=$(sql "$db" "SELECT count(*) FROM (SELECT e.story_id FROM events e JOIN items i
                   ON i.id = e.id JOIN sources so ON so.id = i.source_id GROUP BY e.story_id
                   HAVING count(DISTINCT coalesce(so.author, so.name)) >= 2) m")
[ "${multi:-0}" -ge 20 ] || fail "only $multi stories have 2+ sources"
bad=$(sql "$db" "SELECT s.id || ': ' || s.events || ' events, ' || s.sources || ' sources; '
                        || coalesce(x.n, 0) || ' and ' || coalesce(x.ns, 0) || ' in events'
                 FROM stories s LEFT JOIN (SELECT story_id, count(*) n,
                                     count(DISTINCT coalesce(so.author, so.name)) ns
                                           FROM events e JOIN items i ON i.id = e.id
                                           JOIN sources so ON so.id = i.source_id
                                           GROUP BY story_id) x ON x.story_id = s.id
                 WHERE x.n IS NULL OR s.events <> x.n OR s.sources <> x.ns LIMIT 1")
[ -z "$bad" ] || fail "stories row $bad"
bad=$(sql "$db" "SELECT count(*) FROM events WHERE story_id NOT IN (SELECT id FROM stories)")
[ "$bad" = 0 ] || fail "$bad events name a story that has no row"
end "no story spans more than 7 days but copies of a title; 2+ source stories exist; the stories table agrees" \
    "($multi multi-source stories)"

# Corroboration means someone else reported it: Anthropic News and the Claude
# Blog are one organisation (sources.author), not two witnesses.
begin
pycheck "$db" <<'EOF'
import json, sys
sys.path.insert(0, "tools")
import dbrows
db = dbrows.connect(sys.argv[1])
orgs = {}
for story, org in db.execute(
        "SELECT e.story_id, coalesce(nullif(s.author, ''), s.slug) FROM events e"
        " JOIN items i ON i.id = e.id JOIN sources s ON s.id = i.source_id"):
    orgs.setdefault(story, set()).add(org)
bad = []
n = 0
for i, story, score, reasons, title in db.execute(
        "SELECT e.id, e.story_id, e.score, e.reasons, i.title FROM events e"
        " JOIN items i ON i.id = e.id ORDER BY e.score DESC, e.id"):
    r = [x["text"] for x in json.loads(reasons) if x["text"].startswith("coverage:")
         and not x["text"].startswith("coverage: 1 ")]
    if r:
        n += 1
        if len(orgs[story]) < 2:
            bad.append("#%d %.45r (%d, %s)" % (i, title, score, sorted(orgs[story])[0]))
assert not bad, ("KNOWN ISSUE: %d of %d corroborated events are covered by one organisation's"
                 " feeds alone (sources counts feeds), e.g. %s"
                 % (len(bad), n, "; ".join(bad[:3])))
EOF
end "corroboration points need a second organisation, not a second feed of the same one"

# ---------------------------------------------------------------------------
# 7. The events filters.
begin
run "$T/fg" "$ALMANAC" --config "$conf" --db "$db" events --guide anthropic --json
[ "$rc" -eq 0 ] || fail "events --guide anthropic exited $rc: $(errtext "$T/fg")"
run "$T/fm" "$ALMANAC" --config "$conf" --db "$db" events --min-score 7 --json
[ "$rc" -eq 0 ] || fail "events --min-score 7 exited $rc: $(errtext "$T/fm")"
run "$T/ft" "$ALMANAC" --config "$conf" --db "$db" events --top --json
[ "$rc" -eq 0 ] || fail "events --top exited $rc: $(errtext "$T/ft")"
run "$T/ftl" "$ALMANAC" --config "$conf" --db "$db" events --top --limit 30 --json
[ "$rc" -eq 0 ] || fail "events --top --limit 30 exited $rc: $(errtext "$T/ftl")"
run "$T/fk" "$ALMANAC" --config "$conf" --db "$db" events --kind policy --tier 1 --json
[ "$rc" -eq 0 ] || fail "events --kind policy --tier 1 exited $rc: $(errtext "$T/fk")"
pycheck "$T" "$T/ev" <<'EOF'
import json, sys
d = sys.argv[1]
allev = json.load(open(sys.argv[2]))
def load(n):
    return json.load(open("%s/%s" % (d, n)))
g = load("fg")
want = [e["id"] for e in allev if "anthropic" in e["guides"]]
assert g, "events --guide anthropic lists nothing"
bad = [e for e in g if "anthropic" not in e["guides"]]
assert not bad, "--guide anthropic lists #%d with guides %s" % (bad[0]["id"], bad[0]["guides"])
assert sorted(e["id"] for e in g) == sorted(want), \
    "--guide anthropic lists %d events, %d have the guide" % (len(g), len(want))
m = load("fm")
assert m and all(e["score"] >= 7 for e in m), "--min-score 7 lists a score under 7"
assert len(m) == sum(e["score"] >= 7 for e in allev), \
    "--min-score 7 lists %d events, %d score 7+" % (len(m), sum(e["score"] >= 7 for e in allev))
t = load("ft")
s = [e["score"] for e in t]
assert len(t) == len(allev), "--top lists %d of %d events" % (len(t), len(allev))
assert s == sorted(s, reverse=True), "--top is not ordered by score: %s" % s[:40]
tl = load("ftl")
assert [e["id"] for e in tl] == [e["id"] for e in t[:30]], "--top --limit 30 is not --top's head"
k = load("fk")
assert k and all(e["kind"] == "policy" and e["tier"] == 1 for e in k), \
    "--kind policy --tier 1 lists other events"
assert len(k) == sum(e["kind"] == "policy" and e["tier"] == 1 for e in allev), \
    "--kind policy --tier 1 misses events"
EOF
end "events --guide, --min-score, --top, --limit, --kind and --tier select and order as asked"

# ---------------------------------------------------------------------------
# 5. Idempotence and incrementality.
begin
"$ALMANAC" --config "$conf" --db "$db" events --json >"$T/before.json" 2>/dev/null
ALMANAC_NOW=$NOW2 run "$T/ing2" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "second ingest --snapshot exited $rc: $(errtext "$T/ing2")"
grep -q '; 0 new items, 0 updated;' "$T/ing2" || fail "second run stored something: $(tail -n1 \
    "$T/ing2")"
n=$(sed -n 's/^analysed \([0-9]*\) events.*/\1/p' "$T/ing2")
[ "${n:-0}" = 0 ] || fail "second run analysed $n events"
n=$(sql "$db" "SELECT count(*) FROM events WHERE analyzed >= $EPOCH2")
[ "$n" = 0 ] || fail "second run rewrote $n events"
"$ALMANAC" --config "$conf" --db "$db" events --json >"$T/after.json" 2>/dev/null
pycheck "$T/before.json" "$T/after.json" <<'EOF'
import json, sys
keys = ("id", "score", "kind", "story", "guides", "summary")
a = [[e[k] for k in keys] for e in json.load(open(sys.argv[1]))]
b = [[e[k] for k in keys] for e in json.load(open(sys.argv[2]))]
assert len(a) == len(b), "%d events before, %d after" % (len(a), len(b))
diff = [(x, y) for x, y in zip(a, b) if x != y]
assert not diff, "%d events changed, e.g. %s -> %s" % (len(diff), diff[0][0][:3], diff[0][1][:3])
EOF
end "a second ingest --snapshot analyses nothing and changes no event"

# A root of our own for configs that differ from the shipped one: the
# analyzer reads data/ and guides/ beside etc/.
mkdir -p "$T/root/etc"
ln -s "$ROOT/data" "$T/root/data"
ln -s "$ROOT/guides" "$T/root/guides"

# An item from a second source that repeats an Anthropic release headline in
# other words, appended to TIME's snapshot. The original is one alone in its
# story, so that its gaining corroboration shows.
orig=$(sql "$db" "SELECT i.id FROM items i JOIN events e ON e.id = i.id
                  JOIN sources s ON s.id = i.source_id
                  WHERE s.slug = 'anthropic' AND e.kind = 'release'
                  AND i.title LIKE 'Introducing Claude%'
                  AND (SELECT count(*) FROM events x WHERE x.story_id = e.story_id) = 1
                  ORDER BY $(sql_glob i.title '*[0-9]*') DESC, i.published LIMIT 1")
newdb=
time_snap=$(awk -F'\t' '$1 == "time-tech" {print $3}' <(conf_sources "$conf"))
begin
if [ -z "$orig" ] || [ -z "$time_snap" ] || [ ! -f "$time_snap" ]; then
    fail "no Anthropic release alone in its story ('$orig') or no time-tech snapshot" \
         "('$time_snap') to build the new item from"
else
    python3 - "$db" "$orig" "$time_snap" "$T/time-plus.xml" "$conf" \
        "$T/root/etc/plus.conf" <<'EOF'
import email.utils, re, sys
sys.path.insert(0, "tools")
import dbrows
from xml.sax.saxutils import escape
db, orig, snap, out, conf, outconf = sys.argv[1:]
title, published = dbrows.connect(db).execute(
    "SELECT title, published FROM items WHERE id = ?", (int(orig),)).fetchone()
what = title[len("Introducing "):]
item = ("<item>\n<title>%s</title>\n<link>https://time.com/0000001/almanac-test-release/</link>\n"
        "<guid isPermaLink=\"false\">almanac-test-release-1</guid>\n<pubDate>%s</pubDate>\n"
        "<description>%s</description>\n</item>\n" % (
            escape("Anthropic introduces " + what),
            email.utils.formatdate(published + 6 * 3600, usegmt=True),
            escape("Anthropic has released %s, the newest version of its Claude AI model, "
                   "to developers and businesses." % what)))
src = open(snap, encoding="utf-8").read()
k = src.rindex("</channel>")
open(out, "w", encoding="utf-8").write(src[:k] + item + src[k:])
# The shipped config, TIME's snapshot replaced by the copy.
text = open(conf, encoding="utf-8").read()
sec = re.search(r'(?ms)^\[source "time-tech"\].*?(?=^\[|\Z)', text)
body = re.sub(r"(?m)^snapshot = .*(\n[ \t]+\S.*)*", "snapshot = " + out, sec.group(0))
open(outconf, "w", encoding="utf-8").write(text[:sec.start()] + body + text[sec.end():])
EOF
    newdb=$(copy_db "$db" new)
    ALMANAC_NOW=$NOW3 run "$T/ing3" "$ALMANAC" --config "$T/root/etc/plus.conf" \
        --db "$newdb" ingest --snapshot
    rc3=$rc
    [ "$rc3" -eq 0 ] || fail "ingest with the new item exited $rc3: $(errtext "$T/ing3")"
    grep -q '; 1 new items, 0 updated;' "$T/ing3" ||
        fail "not exactly one new item: $(grep 'fetches:' "$T/ing3")"
    newid=$(sql "$newdb" "SELECT id FROM items WHERE guid = 'almanac-test-release-1'
                             OR url LIKE '%almanac-test-release%'")
    if grep -q "$HASH_BUG" "$T/ing3.err"; then
        fail "$(hash_bug_note "$T/ing3" "$rc3"): the new item has no event"
    elif [ -n "$(analysis_error "$T/ing3")" ]; then
        fail "$(analysis_error "$T/ing3")"
    fi
    [ -n "$(sql "$newdb" "SELECT id FROM events WHERE id = '${newid:-0}'")" ] ||
        fail "the new item (#${newid:-?}) has no event"
    fresh=$(sed -n 's/^analysed [0-9]* events (\([0-9]*\) new or changed).*/\1/p' "$T/ing3")
    [ "$fresh" = 1 ] || fail "the analysis took ${fresh:-no} items as new or changed, want 1"
    # Rewritten: the new event and the events of the story it joined, no other.
    story=$(sql "$newdb" "SELECT story_id FROM events WHERE id = '${newid:-0}'")
    others=$(sql "$newdb" "SELECT count(*) FROM events WHERE analyzed >= $EPOCH3
                              AND id <> '${newid:-0}' AND story_id IS DISTINCT FROM '${story:-0}'")
    # Old events are clustered again with the new one (IDF moves a little);
    # at most a handful of them may change story.
    total=$(stored_events "$newdb" --config "$T/root/etc/plus.conf" | wc -l)
    [ "${others:-0}" -le $(( total / 500 )) ] ||
        fail "$others of $total events outside the new item's story were re-analysed"
fi
end "one new item is analysed alone (with the story it joins)" \
    "(new: $(sql "$newdb" "SELECT title FROM items WHERE id = '${newid:-0}'" 2>/dev/null))"

begin
if [ -z "${newid:-}" ]; then
    fail "no new item to check"
else
    ostory=$(sql "$newdb" "SELECT story_id FROM events WHERE id = $orig")
    nstory=$(sql "$newdb" "SELECT story_id FROM events WHERE id = $newid")
    if [ -z "$nstory" ]; then
        if grep -q "$HASH_BUG" "$T/ing3.err"; then
            fail "KNOWN ISSUE: the new item has no event (the incremental analysis rolled back," \
                 "see above)"
        else
            fail "the new item has no event"
        fi
    else
        [ "$nstory" = "$ostory" ] ||
            fail "the new item is in story $nstory, the original (#$orig) in $ostory"
        sql "$newdb" "SELECT reasons FROM events WHERE id = $orig" |
            grep -q 'coverage: 2 independent sources' ||
            fail "the original's reasons do not mention corroboration:" \
                 "$(sql "$newdb" "SELECT reasons FROM events WHERE id = $orig")"
        srcs=$(sql "$newdb" "SELECT sources FROM stories WHERE id = '$nstory'")
        [ "${srcs:-0}" -ge 2 ] || fail "the story has ${srcs:-no} sources, want 2+"
    fi
fi
end "a second source's headline of a release joins its story, which gains corroboration" \
    "(original: $(sql "$db" "SELECT title FROM items WHERE id = '${orig:-0}'"))"

# The store the new item went into, incrementally, against a rebuild of it.
begin
inc=$newdb
"$ALMANAC" --config "$T/root/etc/plus.conf" --db "$inc" events --json >"$T/inc.json" 2>/dev/null
bad=$(sql "$inc" "SELECT count(*) FROM stories s LEFT JOIN (SELECT story_id, count(*) n
                  FROM events GROUP BY story_id) x ON x.story_id = s.id
                  WHERE x.n IS NULL OR x.n <> s.events")
rebdb=$(copy_db "$inc" reb)
run "$T/rb" "$ALMANAC" --config "$T/root/etc/plus.conf" --db "$rebdb" analyze --rebuild
[ "$rc" -eq 0 ] || fail "analyze --rebuild exited $rc: $(errtext "$T/rb")"
"$ALMANAC" --config "$T/root/etc/plus.conf" --db "$rebdb" events --json >"$T/reb.json" \
    2>/dev/null
ninc=$(stored_items "$inc" --config "$T/root/etc/plus.conf")
res=$(python3 - "$T/inc.json" "$T/reb.json" "$ninc" <<'EOF' 2>&1
import json, sys
a = {e["id"]: e for e in json.load(open(sys.argv[1]))}
b = {e["id"]: e for e in json.load(open(sys.argv[2]))}
items = int(sys.argv[3])
if len(b) != items:
    print("FAIL analyze --rebuild left %d events for %d items" % (len(b), items))
elif len(a) != len(b):
    print("FAIL the incremental analysis left %d events, the rebuild %d (for %d items)"
          % (len(a), len(b), items))
else:
    same = sum(a[i]["score"] == b[i]["score"] for i in a)
    share = 100.0 * same / len(a)
    print("%s %d of %d scores (%.1f%%) equal after the rebuild"
          % ("OK" if share >= 95 else "FAIL", same, len(a), share))
EOF
)
case $res in
    OK*) ;;
    *) if grep -q "$HASH_BUG" "$T/ing3.err" 2>/dev/null; then
           fail "KNOWN ISSUE: ${res#FAIL } (the incremental run rolled back)"
       else
           fail "${res#FAIL }"
       fi ;;
esac
[ "${bad:-0}" = 0 ] || fail "KNOWN ISSUE: after the incremental run $bad stories rows disagree" \
    "with their events (rows of stories that lost events are left as they were)"
end "analyze --rebuild after the incremental run: the same events, 95%+ of scores equal" \
    "(${res#OK })"

finish

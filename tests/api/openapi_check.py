#!/usr/bin/env python3
"""openapi_check.py BASE_URL DOC [STORY_ID | --writes TOKEN OPML_FILE] - checks the API a running almanac
serves against docs/openapi.json: every documented path is requested (with
values taken from the answers; the story is STORY_ID, one of several reports
read from the database, else the first event's), every answer is validated
against the schema the document gives for its status (members required,
types, enums, ranges, and no member the document does not declare), errors
included; each endpoint's 400 for an unknown parameter names exactly the
parameters the document lists; the served /api/v1/openapi.json is the
document.

Prints "ok N" (answers checked) or the first problems, one a line, and exits
non-zero. A small validator of the JSON Schema the document uses (type,
required, properties, items, enum, minimum/maximum, min/maxItems, allOf,
$ref, format date-time/uri/date), no library needed.
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, DOC = sys.argv[1].rstrip("/"), json.load(open(sys.argv[2], encoding="utf-8"))
STORY = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else None
problems = []
checked = 0

def resolve(s):
    while "$ref" in s:
        name = s["$ref"].split("/")[-1]
        s = DOC["components"]["schemas"][name]
    return s

def flatten(s):
    """The schema with allOf merged: (types, required, properties, rest)."""
    s = resolve(s)
    if "allOf" in s:
        out = {"required": [], "properties": {}}
        for part in s["allOf"]:
            p = flatten(part)
            out["required"] += p.get("required", [])
            out["properties"].update(p.get("properties", {}))
            for k, v in p.items():
                if k not in ("required", "properties"):
                    out.setdefault(k, v)
        return out
    return s

def typeok(v, t):
    return {"object": isinstance(v, dict), "array": isinstance(v, list),
            "string": isinstance(v, str), "boolean": isinstance(v, bool),
            "integer": isinstance(v, int) and not isinstance(v, bool),
            "number": isinstance(v, (int, float)) and not isinstance(v, bool),
            "null": v is None}[t]

DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

def validate(v, s, where):
    s = flatten(s)
    types = s.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(typeok(v, t) for t in types):
            problems.append("%s: %r is not %s" % (where, v if not isinstance(v, (dict, list)) else type(v).__name__, "/".join(types)))
            return
    if v is None:
        return
    if "enum" in s and v not in s["enum"]:
        problems.append("%s: %r not in %s" % (where, v, s["enum"]))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            problems.append("%s: %r < %r" % (where, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            problems.append("%s: %r > %r" % (where, v, s["maximum"]))
    if isinstance(v, str):
        fmt = s.get("format")
        if fmt == "date-time" and not DATE_TIME.match(v):
            problems.append("%s: %r is not an RFC 3339 UTC time" % (where, v))
        if fmt == "date" and not re.match(r"^\d{4}-\d\d-\d\d$", v):
            problems.append("%s: %r is not a date" % (where, v))
        if fmt == "uri" and not re.match(r"^https?://", v):
            problems.append("%s: %r is not an absolute URL" % (where, v))
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            problems.append("%s: %d items < %d" % (where, len(v), s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            problems.append("%s: %d items > %d" % (where, len(v), s["maxItems"]))
        if "items" in s:
            for i, x in enumerate(v[:60]):
                validate(x, s["items"], "%s[%d]" % (where, i))
    if isinstance(v, dict) and "properties" in s:
        for r in s.get("required", []):
            if r not in v:
                problems.append("%s: missing %s" % (where, r))
        for k, x in v.items():
            if k not in s["properties"]:
                problems.append("%s: member %s is not in the document" % (where, k))
            else:
                validate(x, s["properties"][k], "%s.%s" % (where, k))

def template_of(path):
    for t in DOC["paths"]:
        rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"
        if re.match(rx, path):
            return t
    return None

TOKEN = None  # --writes TOKEN: the writes' checks, with this bearer token

def get(target, method="GET", body=None, ctype="application/json"):
    req = urllib.request.Request(BASE + target, method=method, data=body)
    if TOKEN is not None:
        req.add_header("Authorization", "Bearer " + TOKEN)
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()

def check(target, want_status, method="GET", body=None, ctype="application/json"):
    """Requests target, validates the answer; returns the parsed body."""
    global checked
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    status, ctype, body = get(target, method, body, ctype)
    checked += 1
    where = "%s %s" % (method, target)
    if status != want_status and status not in (want_status if isinstance(want_status, tuple) else ()):
        problems.append("%s: status %d, want %s: %s" % (where, status, want_status, body[:200]))
    if not ctype.startswith("application/json"):
        problems.append("%s: Content-Type %s" % (where, ctype))
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        problems.append("%s: not JSON" % where)
        return None
    path = urllib.parse.urlsplit(target).path
    t = template_of(path)
    if t is None:
        # a path the document does not have: it must be the JSON error
        validate(doc, {"$ref": "#/components/schemas/Error"}, where)
        return doc
    responses = DOC["paths"][t].get(method.lower(), DOC["paths"][t].get("get", {"responses": {}}))["responses"]
    r = responses.get(str(status))
    if r is None:
        problems.append("%s: status %d is not documented" % (where, status))
        return doc
    validate(doc, r["content"]["application/json"]["schema"], where)
    if status >= 400 and isinstance(doc, dict) and doc.get("error", {}).get("status") != status:
        problems.append("%s: the error's status is not %d" % (where, status))
    return doc

def params_of(t):
    return {p["name"] for p in DOC["paths"][t]["get"].get("parameters", []) if p["in"] == "query"}

def documented_status(t, method, status):
    op = DOC["paths"][t].get(method.lower())
    return op is not None and str(status) in op["responses"]

def writes(token, opml_file):
    """The writes against a server whose configuration has token (and a
    source "local-feed" of its own): each one's success and errors, every
    answer validated against the document."""
    global TOKEN
    TOKEN = token
    # a loopback feed without local: the fetch POST .../fetch starts is refused at once
    # (no DNS, no network)
    src = {"slug": "oa-check", "name": "OpenAPI check", "feed": "http://127.0.0.1:9/oa-check.xml",
           "tier": 3, "kind": "lab"}
    check("/api/v1/sources", 201, "POST", src)
    check("/api/v1/sources", 409, "POST", src)
    check("/api/v1/sources", 409, "POST", dict(src, slug="local-feed"))
    for bad, word in (({"tier": 4}, "tier"), ({"kind": "blog"}, "kind"), ({"colour": "red"}, "colour"),
                      ({"tier": "2"}, "tier"), ({"name": "a\nb"}, "name")):
        d = check("/api/v1/sources", 400, "POST", dict(src, slug="oa-bad", **bad))
        if word not in (d or {}).get("error", {}).get("message", ""):
            problems.append("POST /api/v1/sources %r: the 400 does not name %s" % (bad, word))
    check("/api/v1/sources", 400, "POST", b"not json")
    check("/api/v1/sources/oa-check", 200, "PATCH", {"tier": 1})
    check("/api/v1/sources/oa-none", 404, "PATCH", {"tier": 1})
    check("/api/v1/sources/oa-put", 201, "PUT", {"name": "Put", "feed": "https://oa.example/p"})
    check("/api/v1/sources/oa-put", 200, "PUT", {"name": "Put 2", "feed": "https://oa.example/p"})
    check("/api/v1/sources/local-feed", 409, "PATCH", {"tier": 1})
    check("/api/v1/sources/oa-check/fetch", (202, 409), "POST")
    check("/api/v1/sources/oa-none/fetch", 404, "POST")
    check("/api/v1/opml", 200, "POST", open(opml_file, "rb").read(), "text/x-opml")
    check("/api/v1/opml", 400, "POST", b"<html/>", "text/x-opml")
    rule = {"name": "oa-rule", "min_score": 7, "webhook": "https://hook.example/x"}
    check("/api/v1/alerts/rules", 201, "POST", rule)
    check("/api/v1/alerts/rules", 409, "POST", rule)
    check("/api/v1/alerts/rules", 400, "POST", {"name": "oa-r2", "min_score": 11, "webhook": "https://h.example/"})
    check("/api/v1/alerts/rules", 400, "POST", {"name": "oa-r2"})
    check("/api/v1/alerts/rules", 200)
    check("/api/v1/alerts/rules/oa-rule", 200)
    check("/api/v1/alerts/rules/oa-rule", 200, "DELETE")
    check("/api/v1/alerts/rules/oa-rule", 404, "DELETE")
    check("/api/v1/alerts/rules/oa-rule", 404)
    check("/api/v1/sources/oa-check", 200, "DELETE")
    check("/api/v1/sources/oa-check", 404, "DELETE")
    check("/api/v1/sources/local-feed", 409, "DELETE")
    TOKEN = "not-" + token
    check("/api/v1/alerts/rules", 401)
    check("/api/v1/sources", 401, "POST", src)
    if problems:
        for p in problems[:20]:
            print(p)
        sys.exit(1)
    print("ok", checked)
    sys.exit(0)

if len(sys.argv) > 4 and sys.argv[3] == "--writes":
    writes(sys.argv[4], sys.argv[5])

# ---- every documented path, with values from the answers ----
events = check("/api/v1/events?limit=5", 200)
if not events or not events.get("events"):
    print("GET /api/v1/events?limit=5: no events to go on: %s" % problems[:1])
    sys.exit(1)
eid = events["events"][0]["id"]
check("/api/v1/events/%d" % eid, 200)
guides = check("/api/v1/guides", 200)
gslug = guides["guides"][0]["slug"]
check("/api/v1/guides/%s?limit=3" % gslug, 200)
# one guide of each kind: a thread's milestones are a list, the others' null
for kind in ("topic", "lab", "thread"):
    g = [x["slug"] for x in guides["guides"] if x["kind"] == kind]
    if not g:
        problems.append("no guide of kind %s" % kind)
        continue
    d = check("/api/v1/guides/%s?limit=3" % g[0], 200)
    if d and (d["guide"]["milestones"] is None) != (kind != "thread"):
        problems.append("/api/v1/guides/%s (%s): milestones %r"
                        % (g[0], kind, type(d["guide"]["milestones"]).__name__))
sources = check("/api/v1/sources", 200)
sslug = sources["sources"][0]["slug"]
check("/api/v1/sources/%s?limit=3" % sslug, 200)
check("/api/v1/search?q=model&limit=3", 200)

# ---- the map: entities, stories, learning paths ----
ents = check("/api/v1/entities", 200) or {}
if not ents.get("entities"):
    problems.append("GET /api/v1/entities: no entities")
    ents = {"entities": [{"slug": "no-entity", "events": 0}]}
ent = ents["entities"][0]
eslug = ent["slug"]
one = check("/api/v1/entities/%s?limit=3" % eslug, 200)
if one:
    if one["entity"]["slug"] != eslug or one["entity"]["events"] != ent["events"]:
        problems.append("entities/%s: not the list's entity (%s, %r events)" % (eslug, one["entity"]["slug"], one["entity"]["events"]))
    if one["total"] != ent["events"] or len(one["events"]) != min(3, ent["events"]):
        problems.append("entities/%s: total %r, %d events, the list says %r" % (eslug, one["total"], len(one["events"]), ent["events"]))
    if ent["events"] > 3 and not one["next"]:
        problems.append("entities/%s: no next on the first of several slices" % eslug)
    sel = [s for s in (one["entity"]["family"] or {}).get("members", []) if s["self"]]
    if len(sel) > 1:  # none: the family's own name (claude)
        problems.append("entities/%s: %d family members are self" % (eslug, len(sel)))
page = check("/api/v1/entities/%s?kind=release&period=all&limit=2&offset=2" % eslug, 200)
for rel in ("next", "prev"):
    u = page and page.get(rel)
    if not u:
        if page and page["total"] > 4:
            problems.append("entities/%s: no %s on a middle slice" % (eslug, rel))
        continue
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(u).query)
    if q.get("kind") != ["release"] or q.get("limit") != ["2"]:
        problems.append("entities/%s: %s %s lost kind or limit" % (eslug, rel, u))
    for e in (check(urllib.parse.urlsplit(u).path + "?" + urllib.parse.urlsplit(u).query, 200) or {}).get("events", []):
        if e["kind"] != "release":
            problems.append("entities/%s: %s gave event %d outside the filters" % (eslug, rel, e["id"]))
sid = STORY if STORY is not None else events["events"][0]["story"]
story = check("/api/v1/stories/%d" % sid, 200)
if story:
    s, evs = story["story"], story["events"]
    if s["id"] != sid or s["first_event"] != sid:
        problems.append("stories/%d: id %r, first_event %r" % (sid, s["id"], s["first_event"]))
    if any(e["story"] != sid for e in evs):
        problems.append("stories/%d: an event of another story" % sid)
    firsts = [e["id"] for e in evs if e["first_report"]]
    if firsts != [s["first_event"]]:
        problems.append("stories/%d: first reports %r" % (sid, firsts))
    if s["complete"] and (len(evs) != s["events"] or len(s["contributions"]) != s["sources"]):
        problems.append("stories/%d: %d events for %d, %d contributions for %d sources" % (sid, len(evs), s["events"], len(s["contributions"]), s["sources"]))
    if STORY is not None and s["events"] < 2:
        problems.append("stories/%d: the story of several reports has %d" % (sid, s["events"]))
paths = check("/api/v1/learn", 200) or {}
if not paths.get("paths"):
    problems.append("GET /api/v1/learn: no learning paths")
    paths = {"paths": [{"slug": "no-path"}]}
lslug = paths["paths"][0]["slug"]
lp = check("/api/v1/learn/%s" % lslug, 200)
if lp:
    if lp["path"] != paths["paths"][0]:
        problems.append("learn/%s: not the list's path" % lslug)
    if lp["path"]["minutes"] != sum(st["minutes"] for st in lp["path"]["steps"]):
        problems.append("learn/%s: minutes are not the steps' sum" % lslug)
    for st in lp["path"]["steps"]:
        if (st["title"] is None) != (st["url"] is None):
            problems.append("learn/%s: step %s has a title but no url, or the reverse" % (lslug, st["slug"]))
values = {"{id}": str(eid), "/api/v1/guides/{slug}": gslug, "/api/v1/sources/{slug}": sslug,
          "/api/v1/entities/{slug}": eslug, "/api/v1/stories/{id}": str(sid),
          "/api/v1/learn/{slug}": lslug}
served = check("/api/v1/openapi.json", 200)
if served != DOC:
    problems.append("/api/v1/openapi.json is not docs/openapi.json")

# ---- next and prev keep every filter ----
page = check("/api/v1/events?min=3&kind=release&tier=1&period=all&sort=score&limit=2&offset=2", 200)
for rel in ("next", "prev"):
    u = page and page.get(rel)
    if not u:
        problems.append("events: no %s on a middle slice" % rel)
        continue
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(u).query)
    for k, v in (("min", "3"), ("kind", "release"), ("tier", "1"), ("sort", "score"), ("limit", "2")):
        if q.get(k) != [v]:
            problems.append("events: %s %s lost %s=%s" % (rel, u, k, v))
    after = check(urllib.parse.urlsplit(u).path + "?" + urllib.parse.urlsplit(u).query, 200)
    for e in (after or {}).get("events", []):
        if e["kind"] != "release" or e["score"] < 3 or e["tier"] != 1:
            problems.append("events: %s gave event %d outside the filters" % (rel, e["id"]))
first = check("/api/v1/search?q=model&kind=research&limit=2", 200)
if first and first.get("prev", 0) is not None:
    problems.append("search: prev on the first slice")
if first and first.get("next"):
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(first["next"]).query)
    if q.get("q") != ["model"] or q.get("kind") != ["research"]:
        problems.append("search: next %s lost q or kind" % first["next"])

# ---- the sync cursor: every event once, oldest change first ----
total = (check("/api/v1/events?limit=1", 200) or {}).get("total", -1)
seen, target, rounds = [], "/api/v1/events?changed_since=1970-01-01T00:00:00Z&limit=200", 0
last = ("", 0)
while target and rounds < 1000:
    rounds += 1
    doc = check(target, 200)
    if doc is None:
        break
    for e in doc.get("events", []):
        key = (e["changed"], e["id"])
        if key <= last:
            problems.append("sync: %r after %r: not in cursor order" % (key, last))
        last = key
        seen.append(e["id"])
    if doc.get("events") and doc.get("cursor") != {"changed_since": last[0], "after_id": last[1]}:
        problems.append("sync: cursor %r, the last event was %r" % (doc["cursor"], last))
    n = doc.get("next")
    target = urllib.parse.urlsplit(n).path + "?" + urllib.parse.urlsplit(n).query if n else None
if len(seen) != total or len(set(seen)) != total:
    problems.append("sync: %d events (%d distinct) over %d calls, the almanac has %d" % (len(seen), len(set(seen)), rounds, total))
doc = check("/api/v1/events?changed_since=%s&after_id=%d" % (last[0], last[1]), 200)
if doc and (doc.get("events") or doc.get("next") is not None or doc.get("total") != 0):
    problems.append("sync: past the last change, still events")

# ---- errors are JSON, unknown parameters name what is allowed ----
check("/api/v1/nothing-here", 404)
check("/api/v1/events/999999999", 404)
check("/api/v1/guides/no-such-guide", 404)
check("/api/v1/entities/no-such-entity", 404)
check("/api/v1/entities/Not_A_Slug", 404)
check("/api/v1/stories/999999999", 404)
check("/api/v1/stories/abc", 404)
check("/api/v1/learn/no-such-path", 404)
check("/api/v1/entities/%s?min=11" % eslug, 400)
check("/api/v1/entities/%s?limit=0" % eslug, 400)
check("/api/v1/entities/%s?sort=score" % eslug, 400)
check("/api/v1/events", 405, method="POST")
check("/api/v1/events", 405, method="DELETE")
for target in ("/api/v1/events?min=11", "/api/v1/events?kind=rumour", "/api/v1/events?limit=0",
               "/api/v1/events?sort=random", "/api/v1/events?changed_since=yesterday",
               "/api/v1/events?changed_since=2026-01-01T00:00:00Z&offset=5",
               "/api/v1/search?q=", "/api/v1/search?q=model&period=1y"):
    d = check(target, 400)
# the write without a token: 401 (a token is configured) or 403 (none is)
check("/api/v1/fetch", (401, 403), method="POST")
for st in (202, 401, 403, 405, 409):
    if not documented_status("/api/v1/fetch", "POST", st):
        problems.append("/api/v1/fetch: %d not documented" % st)
for t in [t for t in DOC["paths"] if "get" in DOC["paths"][t] and
          "security" not in DOC["paths"][t]["get"]]:
    concrete = t
    for k in ("{id}", "{slug}"):
        concrete = concrete.replace(k, values.get(t, values["{id}"]))
    d = check(concrete + ("?q=model&" if t.endswith("search") else "?") + "bogus=1", 400)
    msg = (d or {}).get("error", {}).get("message", "")
    if "'bogus'" not in msg:
        problems.append("%s: the 400 does not name bogus: %s" % (t, msg))
        continue
    listed = set(msg.split("takes:", 1)[1].split()) if "takes:" in msg else set()
    if listed != params_of(t):
        problems.append("%s: the 400 lists %s, the document %s" % (t, sorted(listed), sorted(params_of(t))))

if problems:
    for p in problems[:20]:
        print(p)
    sys.exit(1)
print("ok", checked)

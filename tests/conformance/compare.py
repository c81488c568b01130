#!/usr/bin/env python3
"""compare.py - checks `almanac parse FILE --json` against the conformance suite.

    compare.py ALMANAC_BINARY [CASE...]       one TAP line per case; exit 0 if all pass
    compare.py ALMANAC_BINARY --show CASE     diff of actual vs expected, then every
                                              difference found under the rules below

A case is a feed file NAME.EXT in this directory with an expected file
NAME.expected.json; CASE may be given as NAME or NAME.EXT. The comparison follows
/work/shared/parse-contract.md section 6 and the value kinds of section 2:

* plain text: equal after collapsing whitespace runs (and trimming);
* HTML (summary, content): equal token lists from html.parser - start tags by lower-cased
  local name (prefix dropped) with sorted, entity-decoded attributes minus xmlns*, text
  entity-decoded and whitespace-collapsed; end tags, comments, doctypes, PIs ignored;
* dates: both RFC 3339 UTC ("...Z"), equal as instants to the second (fractions allowed);
* tokens / URLs / format / encoding: exactly equal; numbers: equal JSON integers;
* bozo: equal booleans; bozo_message: only null vs non-null;
* keys the expected file does not name are ignored; a named key must be present.

An expected file may relax single fields with "_lenient": {PATH: SPEC}, PATH as printed
in failures (feed.title, entries[1].summary, encoding), SPEC one of {"any": true},
{"one_of": [values]} or {"not_contains": "text"}; and may list "_forbid_output":
strings that must not occur anywhere in the program's output. Only the Python standard
library is used.
"""
import datetime
import difflib
import html.parser
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 10  # seconds; the contract's bound for any input
SUFFIX = ".expected.json"

TEXT, HTML, TOKEN, DATE, NUMBER, BOOL, NULLNESS = ("text", "html", "token", "date",
                                                   "number", "bool", "nullness")
LINK = {"rel": TOKEN, "href": TOKEN, "type": TOKEN, "title": TEXT}
PERSON = {"name": TEXT, "email": TOKEN, "uri": TOKEN}
IMAGE = {"url": TOKEN, "title": TEXT, "link": TOKEN}
ENCLOSURE = {"href": TOKEN, "type": TOKEN, "length": NUMBER}
FEED = {"title": TEXT, "link": TOKEN, "links": [LINK], "subtitle": TEXT, "language": TOKEN,
        "updated": DATE, "published": DATE, "author": TEXT, "authors": [PERSON],
        "id": TOKEN, "image": IMAGE, "rights": TEXT, "categories": [TEXT]}
ENTRY = {"id": TOKEN, "title": TEXT, "link": TOKEN, "links": [LINK], "published": DATE,
         "updated": DATE, "author": TEXT, "authors": [PERSON], "summary": HTML,
         "content": HTML, "categories": [TEXT], "enclosures": [ENCLOSURE]}
TOP = {"format": TOKEN, "encoding": TOKEN, "bozo": BOOL, "bozo_message": NULLNESS,
       "feed": FEED, "entries": [ENTRY]}

WS = re.compile(r"\s+")
NOSHOW = object()  # a difference whose values are not worth printing
DATE_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$")


def collapse(s):
    return WS.sub(" ", s).strip()


class _Tokens(html.parser.HTMLParser):
    """Normalised token list of an HTML fragment (see the module docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []
        self.text = []

    def _flush(self):
        t = collapse("".join(self.text))
        self.text = []
        if t:
            self.tokens.append(("text", t))

    def handle_starttag(self, tag, attrs):
        self._flush()
        name = tag.lower().rsplit(":", 1)[-1]
        kept = sorted((k.lower(), v if v is not None else "") for k, v in attrs
                      if k.lower() != "xmlns" and not k.lower().startswith("xmlns:"))
        self.tokens.append(("tag", name, tuple(kept)))

    def handle_data(self, data):
        self.text.append(data)

    def close(self):
        super().close()
        self._flush()


def html_tokens(s):
    p = _Tokens()
    p.feed(s)
    p.close()
    return p.tokens


def parse_date(s):
    """(y, m, d, H, M, S) of an RFC 3339 UTC string, or None if it is not one."""
    m = DATE_RE.match(s)
    if not m:
        return None
    try:
        d = datetime.datetime(*(int(x) for x in m.groups()[:6]))
    except ValueError:
        return None
    return d.timetuple()[:6]


def show(v):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 200 else s[:197] + "..."


def same_scalar(kind, exp, act):
    """None if equal under the kind's rule, else a short reason."""
    if kind == NULLNESS:
        return None if (exp is None) == (act is None) else "null vs non-null differs"
    if exp is None or act is None:
        return None if exp is act else "null vs value"
    if kind == BOOL:
        if not isinstance(act, bool):
            return "not a boolean"
        return None if exp == act else "differs"
    if kind == NUMBER:
        if not isinstance(act, int) or isinstance(act, bool):
            return "not a JSON integer"
        return None if exp == act else "differs"
    if not isinstance(act, str):
        return "not a string"
    if kind == TOKEN:
        return None if exp == act else "differs"
    if kind == TEXT:
        return None if collapse(exp) == collapse(act) else "differs"
    if kind == HTML:
        return None if html_tokens(exp) == html_tokens(act) else "HTML not equivalent"
    if kind == DATE:
        a = parse_date(act)
        if a is None:
            return "not an RFC 3339 UTC date (YYYY-MM-DDTHH:MM:SS[.f]Z)"
        return None if parse_date(exp) == a else "different instant"
    raise ValueError(kind)


def lenient_ok(kind, spec, act):
    if spec.get("any"):
        return True
    if "one_of" in spec:
        return any(matches(kind, v, act) for v in spec["one_of"])
    if "not_contains" in spec:
        return act is None or (isinstance(act, str) and spec["not_contains"] not in act)
    raise ValueError("bad _lenient spec %r" % (spec,))


def matches(kind, exp, act):
    out = []
    walk(kind, exp, act, "", {}, out, first_only=True)
    return not out


def walk(kind, exp, act, path, lenient, out, first_only):
    """Appends (path, reason, expected, actual) for each difference to out."""
    if path in lenient:
        if not lenient_ok(kind, lenient[path], act):
            out.append((path, "not accepted by _lenient %s" % show(lenient[path]), exp, act))
        return
    if isinstance(kind, list):
        if not isinstance(act, list):
            out.append((path, "not a list", exp, act))
            return
        for i, (e, a) in enumerate(zip(exp, act)):
            walk(kind[0], e, a, "%s[%d]" % (path, i), lenient, out, first_only)
            if out and first_only:
                return
        if len(exp) != len(act):
            out.append((path, "%d items expected, %d found" % (len(exp), len(act)), NOSHOW,
                        NOSHOW))
        return
    if isinstance(kind, dict):
        if exp is None or act is None:
            if exp is not act:
                out.append((path, "null vs object", exp, act))
            return
        if not isinstance(act, dict):
            out.append((path, "not an object", exp, act))
            return
        for key, e in exp.items():
            if key.startswith("_"):
                continue
            sub = "%s.%s" % (path, key) if path else key
            if key not in act:
                out.append((sub, "missing key", e, NOSHOW))
            elif key not in kind:
                continue
            else:
                walk(kind[key], e, act[key], sub, lenient, out, first_only)
            if out and first_only:
                return
        return
    why = same_scalar(kind, exp, act)
    if why:
        out.append((path, why, exp, act))


def _no_constants(name):
    raise ValueError("%s is not JSON" % name)


def run(binary, feed_path):
    """(object, raw output, None) on success, else (None, raw output or None, reason)."""
    try:
        p = subprocess.run([binary, "parse", feed_path, "--json"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, None, "timed out after %d s" % TIMEOUT
    except OSError as e:
        return None, None, "cannot run %s: %s" % (binary, e)
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, p.stdout, "exit status %d%s" % (p.returncode,
                                                     (": " + err[-1][:150]) if err else "")
    try:
        text = p.stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, p.stdout, "output is not valid UTF-8: %s" % e
    if text.startswith("\ufeff"):
        return None, p.stdout, "output starts with a BOM"
    if not text.endswith("\n"):
        return None, p.stdout, "output does not end with a newline"
    try:
        obj = json.loads(text, parse_constant=_no_constants)
    except ValueError as e:
        return None, p.stdout, "output is not one JSON object: %s" % e
    if not isinstance(obj, dict):
        return None, p.stdout, "output is not a JSON object"
    return obj, p.stdout, None


def cases():
    out = {}
    for fn in sorted(os.listdir(HERE)):
        if fn.endswith(SUFFIX):
            stem = fn[:-len(SUFFIX)]
            feeds = [f for f in os.listdir(HERE) if f.rsplit(".", 1)[0] == stem
                     and not f.endswith(SUFFIX)]
            if len(feeds) == 1:
                out[stem] = feeds[0]
    return out


def check(binary, stem, feed_file, first_only=True):
    """(differences, actual object or None, raw output)."""
    with open(os.path.join(HERE, stem + SUFFIX), encoding="utf-8") as f:
        exp = json.load(f)
    act, raw, err = run(binary, os.path.join(HERE, feed_file))
    if err:
        return [("", err, None, None)], act, raw
    out = []
    for s in exp.get("_forbid_output", []):
        if s.encode("utf-8") in raw:
            out.append(("", "output contains forbidden text %s" % show(s), None, None))
            if first_only:
                return out, act, raw
    walk(TOP, exp, act, "", exp.get("_lenient", {}), out, first_only)
    return out, act, raw


def describe(d):
    path, why, exp, act = d
    if not path or exp is NOSHOW:
        return "%s: %s" % (path, why) if path else why
    if act is NOSHOW:
        return "%s: %s (expected %s)" % (path, why, show(exp))
    return "%s: %s (expected %s, got %s)" % (path, why, show(exp), show(act))


def ordered_like(exp, act):
    """act with its keys in exp's order (extras last), for a readable diff."""
    if isinstance(exp, dict) and isinstance(act, dict):
        keys = [k for k in exp if k in act] + [k for k in act if k not in exp]
        return {k: ordered_like(exp.get(k), act[k]) for k in keys}
    if isinstance(exp, list) and isinstance(act, list):
        return [ordered_like(exp[i] if i < len(exp) else None, a) for i, a in enumerate(act)]
    return act


def show_case(binary, stem, feed_file):
    with open(os.path.join(HERE, stem + SUFFIX), encoding="utf-8") as f:
        exp = json.load(f)
    diffs, act, raw = check(binary, stem, feed_file, first_only=False)
    print("# %s: %s" % (stem, feed_file))
    if act is None:
        print("# no JSON object: %s" % diffs[0][1])
        if raw:
            print(raw.decode("utf-8", "replace")[:4000])
        return 1
    a = json.dumps(ordered_like(exp, act), indent=2, ensure_ascii=False).splitlines()
    e = json.dumps(exp, indent=2, ensure_ascii=False).splitlines()
    for line in difflib.unified_diff(e, a, stem + SUFFIX, "actual", lineterm=""):
        print(line)
    print("# differences under the comparison rules: %d" % len(diffs))
    for d in diffs:
        print("#   " + describe(d))
    return 1 if diffs else 0


def main(argv):
    args = list(argv[1:])
    show_name = None
    if "--show" in args:
        i = args.index("--show")
        if i + 1 >= len(args):
            print("usage: compare.py ALMANAC_BINARY --show CASE", file=sys.stderr)
            return 2
        show_name = args[i + 1]
        del args[i:i + 2]
    if not args or args[0].startswith("-"):
        print("usage: compare.py ALMANAC_BINARY [CASE...] | --show CASE", file=sys.stderr)
        return 2
    binary, wanted = args[0], args[1:]
    if show_name:
        wanted = [show_name]
    all_cases = cases()
    selected = []
    for w in wanted or sorted(all_cases):
        w = os.path.basename(w)
        if w.endswith(SUFFIX):
            w = w[:-len(SUFFIX)]
        stem = w if w in all_cases else w.rsplit(".", 1)[0]
        if stem not in all_cases:
            print("compare.py: no such case: %s" % w, file=sys.stderr)
            return 2
        selected.append(stem)
    if show_name:
        return show_case(binary, selected[0], all_cases[selected[0]])
    print("1..%d" % len(selected))
    failed = 0
    for stem in selected:
        diffs, _, _ = check(binary, stem, all_cases[stem])
        if diffs:
            failed += 1
            print("not ok - %s: %s" % (stem, describe(diffs[0])))
        else:
            print("ok - %s" % stem)
        sys.stdout.flush()
    print("# conformance: %d passed, %d failed" % (len(selected) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""common.py - what the judgment tools share: the labels, the held-out splits, the
events of an almanac database, and rank statistics (no third-party modules)."""
import os
import sys
import zlib

# tools/dbrows.py: an almanac database's rows from SQLite or PostgreSQL
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import dbrows  # noqa: E402

JUDGMENT = "tests/data/judgment"
# The split by time: items published on or after this date are held out (the newest
# ~30% of the labels); the shipped model is fitted on the items before it.
TIME_CUT = "2026-01-15"
KINDS = ["other", "release", "research", "policy", "business", "security", "commentary",
         "digest", "tutorial"]


def held_out_source(slug):
    """The split by source: a quarter of the sources, chosen by a hash of the slug."""
    return zlib.crc32(slug.encode()) % 4 == 0


def is_seed(row):
    """The seed page's events: always fitted on (weighted), never held out."""
    return row["source"].startswith("seed-")


def in_test(split, row):
    if is_seed(row):
        return False
    if split == "time":
        return row["date"] >= TIME_CUT
    if split == "source":
        return held_out_source(row["source"])
    raise ValueError(split)


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    head = lines[0]
    return [dict(zip(head, r)) for r in lines[1:]]


def items(root="."):
    return read_tsv(f"{root}/{JUDGMENT}/items.tsv")


class LinkMap(dict):
    """The events by key; a missing key of the form SOURCE|u:URL or SOURCE|g:URL falls
    back to the event of that source with that link."""

    def __init__(self, events, by_link):
        super().__init__(events)
        self.by_link = by_link

    def _twin(self, key):
        source, _, ident = key.partition("|")
        if ident[:2] in ("u:", "g:") and ident[2:].startswith("http"):
            return self.by_link.get((source, ident[2:].rstrip("/")))
        return None

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        twin = self._twin(key)
        return twin if twin is not None else default

    def __contains__(self, key):
        return dict.__contains__(self, key) or self._twin(key) is not None

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v


def events(db):
    """key -> {id, score, kind, story, published, source} of every event in db."""
    con = dbrows.connect(db)
    out = {}
    for iid, slug, ident, score, kind, story, pub, url, title in con.execute(
            "SELECT i.id, s.slug, i.ident, e.score, e.kind, e.story_id, i.published, i.url,"
            " i.title FROM items i JOIN sources s ON s.id = i.source_id"
            " JOIN events e ON e.id = i.id"):
        out[f"{slug}|{ident}"] = dict(id=iid, score=score, kind=kind, story=story,
                                      published=pub or 0, source=slug, url=url or "",
                                      title=title or "")
    # Items a source listed twice are one item now (rows.c): a label that names
    # the copy that went finds the one that stayed, by source and link.
    by_link = {}
    for k, e in out.items():
        if e["url"] and "#" not in e["url"]:
            by_link.setdefault((e["source"], e["url"].rstrip("/")), e)
    out = LinkMap(out, by_link)
    related = {}
    for eid, rank, rid in con.execute("SELECT event_id, rank, related_id FROM related"
                                      " ORDER BY event_id, rank"):
        related.setdefault(eid, []).append(rid)
    con.close()
    return out, related


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    if n < 2:
        return 0.0
    ma, mb = sum(a) / n, sum(b) / n
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    if va == 0 or vb == 0:
        return 0.0
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (va * vb) ** 0.5


def spearman(a, b):
    return pearson(ranks(a), ranks(b))

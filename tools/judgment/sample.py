#!/usr/bin/env python3
"""sample.py - draws the items, pairs and related-event queries that people label.

    tools/judgment/sample.py DB OUTDIR

DB is an almanac database made from tests/data/judgment/judgment.conf (`almanac --config
tests/data/judgment/judgment.conf --db DB ingest --snapshot`). The draw is seeded, so it is
reproducible; it was run once to make the files people labelled, and the labels, not the
draw, are what the repository keeps (tests/data/judgment/*.tsv).

Candidates for pairs and related lists are pooled from several simple methods (the program's
own stories and related lists among them) so that the labelled set holds enough positives;
the labels themselves are written by reading, never copied from any method.
"""
import random
import re
import sqlite3
import sys
from collections import defaultdict

SEED = 20261207
WORD = re.compile(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]|[a-z0-9]")
STOP = set("""a an the and or of to in on for with by from at as is are was were be been it its
this that these those how what why who new our we you your their his her they i about into over
more than via vs not no can will just after before up out all one two three s""".split())


def clean(s, n):
    s = re.sub(r"\s+", " ", s or "").strip()
    return s[:n]


def words(s):
    return {w for w in WORD.findall((s or "").lower()) if w not in STOP and len(w) > 1}


def load(db):
    con = sqlite3.connect(db)
    rows = con.execute("""
        SELECT i.id, s.slug, s.name, s.tier, s.kind, i.ident, i.published, i.title, i.url,
               coalesce(i.text, ''), e.story_id
        FROM items i JOIN sources s ON s.id = i.source_id JOIN events e ON e.id = i.id
        ORDER BY i.id""").fetchall()
    items = {}
    for (iid, slug, name, tier, skind, ident, pub, title, url, text, story) in rows:
        items[iid] = dict(id=iid, key=f"{slug}|{ident}", slug=slug, name=name, tier=tier,
                          skind=skind, pub=pub or 0, title=clean(title, 300), url=url or "",
                          text=text, story=story, w=words(title))
    ents = defaultdict(set)
    for eid, name in con.execute("SELECT event_id, name FROM event_entities"):
        ents[eid].add(name)
    related = defaultdict(list)
    for eid, rid in con.execute("SELECT event_id, related_id FROM related ORDER BY event_id, rank"):
        related[eid].append(rid)
    return items, ents, related


def date(ts):
    import datetime
    return datetime.datetime.utcfromtimestamp(ts).strftime("%Y-%m-%d")


def item_cols(it):
    return [it["key"], it["slug"], it["name"], str(it["tier"]), it["skind"], date(it["pub"]),
            it["title"], it["url"], clean(it["text"], 700)]


def sample_items(items, rng, want=900):
    by_src = defaultdict(list)
    for it in items.values():
        by_src[it["slug"]].append(it)
    chosen = []
    for slug, lst in sorted(by_src.items()):
        lst.sort(key=lambda x: x["pub"])
        n = len(lst)
        k = min(n, max(8, round(n * 0.19)))
        # spread over the source's whole history: one pick per stratum of its timeline
        step = n / k
        for j in range(k):
            lo, hi = int(j * step), max(int(j * step) + 1, int((j + 1) * step))
            chosen.append(rng.choice(lst[lo:hi]))
    rng.shuffle(chosen)
    return chosen[:want]


def jacc(a, b):
    return len(a & b) / max(1, len(a | b))


def sample_pairs(items, ents, rng):
    ai = [it for it in items.values() if it["pub"]]
    ai.sort(key=lambda x: x["pub"])
    seen, pairs = set(), []

    def add(a, b, why):
        k = tuple(sorted((a["id"], b["id"])))
        if a["id"] == b["id"] or k in seen:
            return
        seen.add(k)
        pairs.append((a, b, why))

    by_story = defaultdict(list)
    for it in ai:
        by_story[it["story"]].append(it)
    story_pairs = [(a, b) for lst in by_story.values() if len(lst) > 1
                   for i, a in enumerate(lst) for b in lst[i + 1:]]
    rng.shuffle(story_pairs)
    for a, b in story_pairs[:140]:
        add(a, b, "story")

    window = 14 * 86400
    close, entity, link = [], [], []
    for i, a in enumerate(ai):
        for b in ai[i + 1:]:
            if b["pub"] - a["pub"] > window:
                break
            j = jacc(a["w"], b["w"])
            if a["slug"] != b["slug"] and j >= 0.3:
                close.append((a, b))
            elif ents[a["id"]] & ents[b["id"]] and a["slug"] != b["slug"]:
                entity.append((a, b))
            if a["slug"] == b["slug"] and a["url"].rstrip("/") == b["url"].rstrip("/") and a["url"]:
                link.append((a, b))
    for lst, n, why in ((close, 140, "title"), (link, 40, "link"), (entity, 110, "entity")):
        rng.shuffle(lst)
        for a, b in lst[:n]:
            add(a, b, why)
    for _ in range(60):
        a = rng.choice(ai)
        near = [b for b in ai if abs(b["pub"] - a["pub"]) < 30 * 86400 and b is not a]
        if near:
            add(a, rng.choice(near), "random")
    rng.shuffle(pairs)
    return pairs


def sample_queries(items, ents, related, rng, want=70):
    # queries: AI items with some text, from many sources; candidates pooled from the
    # program's related list, title-word overlap and shared entities
    pool = [it for it in items.values() if ents[it["id"]] and len(it["text"]) > 200]
    rng.shuffle(pool)
    per_src, queries = defaultdict(int), []
    for it in pool:
        if per_src[it["slug"]] >= 3:
            continue
        per_src[it["slug"]] += 1
        queries.append(it)
        if len(queries) == want:
            break
    allv = list(items.values())
    out = []
    for q in queries:
        cands = list(related.get(q["id"], []))[:8]
        scored = sorted(allv, key=lambda b: -jacc(q["w"], b["w"]) if b is not q else 1)
        cands += [b["id"] for b in scored[:8]]
        shared = [b for b in allv if b is not q and ents[q["id"]] & ents[b["id"]]]
        shared.sort(key=lambda b: (-len(ents[q["id"]] & ents[b["id"]]), abs(b["pub"] - q["pub"])))
        cands += [b["id"] for b in shared[:6]]
        seen, uniq = set(), []
        for c in cands:
            if c != q["id"] and c not in seen:
                seen.add(c)
                uniq.append(c)
        out.append((q, [items[c] for c in uniq[:18]]))
    return out


def main():
    db, outdir = sys.argv[1], sys.argv[2]
    rng = random.Random(SEED)
    items, ents, related = load(db)
    hdr = ["key", "source", "source_name", "tier", "source_kind", "date", "title", "url", "text"]
    with open(f"{outdir}/items.sample.tsv", "w") as f:
        f.write("\t".join(hdr) + "\n")
        for it in sample_items(items, rng):
            f.write("\t".join(item_cols(it)) + "\n")
    with open(f"{outdir}/pairs.sample.tsv", "w") as f:
        f.write("\t".join(["key_a", "key_b", "why"] + [h + "_a" for h in hdr[1:]]
                          + [h + "_b" for h in hdr[1:]]) + "\n")
        for a, b, why in sample_pairs(items, ents, rng):
            f.write("\t".join([a["key"], b["key"], why] + item_cols(a)[1:] + item_cols(b)[1:]) + "\n")
    with open(f"{outdir}/related.sample.tsv", "w") as f:
        f.write("\t".join(["query", "candidate"] + [h + "_q" for h in hdr[1:]]
                          + [h + "_c" for h in hdr[1:]]) + "\n")
        for q, cands in sample_queries(items, ents, related, rng):
            for c in cands:
                f.write("\t".join([q["key"], c["key"]] + item_cols(q)[1:] + item_cols(c)[1:]) + "\n")


if __name__ == "__main__":
    main()

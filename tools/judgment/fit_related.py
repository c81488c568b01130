#!/usr/bin/python3
"""fit_related.py - fits the related-events blend (judge.h, R_*) on graded judgments.

    tools/judgment/fit_related.py RELATED_FEATURES DB SPLIT MODEL [POOL]

RELATED_FEATURES is what `ALMANAC_RELATED_FEATURES=FILE almanac ... ingest --snapshot`
wrote: for every query event, each of the index's candidates (best first) with its
title's fingerprint and its features (judge.h: text similarity, same story, shared
specific entities, shared entities, same feed, same organisation, closeness in time at
30 days, the similarity over the best candidate's, closeness at 7 and 365 days, digest,
both digests, same feed and close in time).

The blend is a pairwise logistic regression within each query (a candidate graded
higher should outrank one graded lower; a candidate nobody graded counts as 0, as it
does in evaluate.py), fitted on the queries outside SPLIT's held-out part. Which
features and how much regularization are chosen by 5-fold cross-validation over those
queries only (folds by query, seeded), scoring each choice by nDCG@8 of the lists as
the program would write them (the first POOL candidates, default 16, reranked, repeated
titles dropped); the held-out queries are never read. The weights replace the "related"
rows of MODEL; every other row is kept as it was. The choice is printed, and if no
blend beats the similarity alone in cross-validation the rows are removed instead.
Needs numpy.
"""
import datetime
import math
import random
import re
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402

NAMES = ["similarity", "same_story", "shared_specific", "shared_entities", "same_feed",
         "same_org", "time", "relative", "week", "year", "digest", "digests", "feed_time"]
# The feature sets tried (indexes into NAMES): the first seven (the old blend), all,
# and two smaller ones.
SETS = {
    "old": [0, 1, 2, 3, 4, 5, 6],
    "all": list(range(len(NAMES))),
    "small": [0, 7, 1, 2, 4, 8, 9, 10, 11],
    "no-sim": [7, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12],
}
L2S = [1e-4, 1e-3, 1e-2]
FOLDS = 5
K = 8


def norm(t):
    return re.sub(r"\W+", " ", t.lower()).strip()


def load(feat_path, db, split):
    events, _ = common.events(db)
    id_key = {e["id"]: k for k, e in events.items()}
    pool, tkey = {}, {}
    with open(feat_path) as f:
        for line in f:
            q, c, key, *v = line.rstrip("\n").split("\t")
            pool.setdefault(int(q), []).append((int(c), np.array([float(x) for x in v])))
            tkey[int(c)] = int(key)
    judged = {}
    for g in common.read_tsv(f"{common.JUDGMENT}/related.tsv"):
        judged.setdefault(g["query"], {})[g["candidate"]] = int(g["grade"])
    queries = []
    for qk, j in judged.items():
        ev = events.get(qk)
        if ev is None or ev["id"] not in pool:
            continue
        day = datetime.datetime.fromtimestamp(ev["published"], datetime.timezone.utc) \
            .strftime("%Y-%m-%d")
        held = (day >= common.TIME_CUT if split == "time"
                else common.held_out_source(qk.split("|")[0]))
        ideal = sorted(j.values(), reverse=True)[:K]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        if held or idcg == 0:
            continue
        # A candidate's grade as evaluate.py finds it: by the key its event has.
        grades = {c: j.get(id_key.get(c, ""), 0) for c, _ in pool[ev["id"]]}
        titles = {c: norm(events[id_key[c]]["title"]) for c, _ in pool[ev["id"]]}
        queries.append(dict(id=ev["id"], idcg=idcg, grades=grades, titles=titles,
                            title=norm(ev["title"])))
    return queries, pool, tkey


def ranking(q, pool, tkey, w, n):
    cands = sorted(pool[q["id"]][:n], key=lambda cf: -(cf[1] @ w))
    out, seen = [], set()
    for c, _ in cands:
        k = tkey.get(c, 0)
        if q["titles"][c] == q["title"] or (k and k in seen):
            continue
        seen.add(k)
        out.append(c)
        if len(out) == K:
            break
    return out


def ndcg(qs, pool, tkey, w, n):
    total = 0.0
    for q in qs:
        got = [q["grades"][c] for c in ranking(q, pool, tkey, w, n)]
        total += sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(got)) / q["idcg"]
    return total / max(1, len(qs))


def fit(qs, pool, feats, l2, n):
    X = []
    for q in qs:
        cs = [(q["grades"][c], f[feats]) for c, f in pool[q["id"]][:n]]
        X.extend((a[1] - b[1]) * (2 ** a[0] - 2 ** b[0]) for a in cs for b in cs
                 if a[0] > b[0])
    X = np.array(X)
    w = np.zeros(len(feats))
    for _ in range(3000):  # logistic loss on every ordered pair, gain-weighted
        p = 1 / (1 + np.exp(-(X @ w)))
        w -= -(X.T @ (1 - p)) / len(X) + 2 * l2 * w
    full = np.zeros(len(NAMES))
    full[feats] = w
    return full


def main():
    feat_path, db, split, model = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    qs, pool, tkey = load(feat_path, db, split)
    order = list(range(len(qs)))
    random.Random(1).shuffle(order)
    fold = {i: r % FOLDS for r, i in enumerate(order)}
    sim = np.zeros(len(NAMES))
    sim[0] = 1
    base = ndcg(qs, pool, tkey, sim, n)
    best = (base, "similarity alone", None, None)
    for name, feats in SETS.items():
        for l2 in L2S:
            s = 0.0
            for f in range(FOLDS):
                tr = [q for i, q in enumerate(qs) if fold[i] != f]
                te = [q for i, q in enumerate(qs) if fold[i] == f]
                s += ndcg(te, pool, tkey, fit(tr, pool, feats, l2, n), n) * len(te)
            s /= len(qs)
            print(f"fit_related.py: {name} l2 {l2}: cross-validated nDCG@8 {s:.3f}",
                  file=sys.stderr)
            if s > best[0]:
                best = (s, name, feats, l2)
    with open(model) as f:
        lines = [line for line in f if not line.startswith("related\t")]
    with open(model, "w") as f:
        f.writelines(lines)
        if best[2] is not None:
            w = fit(qs, pool, best[2], best[3], n)
            for name, v in zip(NAMES, w):
                f.write(f"related\t-\t{name}\t{v:.5g}\n")
    print(f"fit_related.py: {len(qs)} queries fitted on, pool {n}; similarity alone "
          f"{base:.3f}; chosen: {best[1]} (cross-validated {best[0]:.3f})", file=sys.stderr)


if __name__ == "__main__":
    main()

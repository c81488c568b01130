#!/usr/bin/python3
"""fit_related.py - fits the related-events blend (judge.h, R_*) on graded judgments.

    tools/judgment/fit_related.py RELATED_FEATURES DB SPLIT MODEL

RELATED_FEATURES is what `ALMANAC_RELATED_FEATURES=FILE almanac ... ingest --snapshot`
wrote: for every query event, each of the index's candidates with its features (text
similarity, same story, shared specific entities, shared entities, same feed, same
organisation, closeness in time). The blend is a pairwise logistic regression within
each query (a candidate graded higher should outrank one graded lower), fitted on the
queries outside SPLIT's held-out part; its weights replace the "related" rows of MODEL.
Needs numpy.
"""
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402

NAMES = ["similarity", "same_story", "shared_specific", "shared_entities", "same_feed",
         "same_org", "time"]
L2 = 1.0


def main():
    feat_path, db, split, model = sys.argv[1:5]
    events, _ = common.events(db)
    id_key = {e["id"]: k for k, e in events.items()}
    feats = {}
    with open(feat_path) as f:
        for line in f:
            q, c, *v = line.rstrip("\n").split("\t")
            feats[(id_key.get(int(q)), id_key.get(int(c)))] = [float(x) for x in v]
    import datetime
    dates = {k: datetime.datetime.fromtimestamp(e["published"], datetime.timezone.utc)
             .strftime("%Y-%m-%d") for k, e in events.items()}
    def stored(key):  # the stored item's key (a copy a source listed twice is one item)
        e = events.get(key)
        return id_key[e["id"]] if e else None

    grades = {}
    for g in common.read_tsv(f"{common.JUDGMENT}/related.tsv"):
        q, c = stored(g["query"]), stored(g["candidate"])
        if q and c:
            grades.setdefault(q, {})[c] = max(int(g["grade"]), grades.get(q, {}).get(c, 0))
    X, n_q = [], 0
    for q, judged in grades.items():
        held = (dates.get(q, "") >= common.TIME_CUT if split == "time"
                else common.held_out_source(q.split("|")[0]))
        if held:
            continue
        cands = [(judged[c], feats[(q, c)]) for c in judged if (q, c) in feats]
        pairs = [(np.array(a[1]) - np.array(b[1])) for a in cands for b in cands
                 if a[0] > b[0]]
        if pairs:
            n_q += 1
            X.extend(pairs)
    X = np.array(X)
    w = np.zeros(X.shape[1])
    for _ in range(2000):  # logistic loss on every ordered pair: P(a above b)
        p = 1 / (1 + np.exp(-(X @ w)))
        grad = -(X.T @ (1 - p)) / len(X) + 2 * L2 / len(X) * w
        w -= 0.5 * grad
    with open(model) as f:
        lines = [l for l in f if not l.startswith("related\t")]
    with open(model, "w") as f:
        f.writelines(lines)
        for name, v in zip(NAMES, w):
            f.write(f"related\t-\t{name}\t{v:.5g}\n")
    print(f"fit_related.py: {n_q} queries, {len(X)} ordered pairs; " +
          ", ".join(f"{n} {v:+.3f}" for n, v in zip(NAMES, w)), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""evaluate.py - how an almanac database's judgment agrees with people's labels.

    tools/judgment/evaluate.py DB SPLIT [--json]

DB is made from tests/data/judgment/judgment.conf (`almanac --config ... ingest
--snapshot`); SPLIT is `time`, `source` or `all`: figures are computed on the labelled
items (and pairs, and related-event queries) in that split's held-out part, the part no
model was fitted on. Prints one figure a line ("name value"), or JSON.
"""
import json
import math
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402


def item_figures(rows, events):
    got = [(r, events[r["key"]]) for r in rows if r["key"] in events]
    labels = [float(r["importance"]) for r, _ in got]
    scores = [float(e["score"]) for _, e in got]
    kind_ok = sum(1 for r, e in got if r["kind"] == e["kind"])
    off = [e["score"] for r, e in got if r["ai"] == "no"]
    return {
        "items": len(got),
        "importance_spearman": round(common.spearman(labels, scores), 3),
        "importance_within_1": round(sum(abs(a - b) <= 1 for a, b in zip(labels, scores))
                                     / max(1, len(got)), 3),
        "kind_accuracy": round(kind_ok / max(1, len(got)), 3),
        "offtopic_items": len(off),
        "offtopic_scored_2_or_less": round(sum(s <= 2 for s in off) / max(1, len(off)), 3),
    }


def pair_figures(pairs, events, split, dates):
    tp = fp = fn = 0
    n = 0
    for p in pairs:
        a, b = events.get(p["key_a"]), events.get(p["key_b"])
        if a is None or b is None:
            continue
        if split != "all" and not pair_in_test(split, p, dates):
            continue
        n += 1
        gold = p["label"] == "same"
        same = a["story"] is not None and a["story"] == b["story"]
        tp += gold and same
        fp += same and not gold
        fn += gold and not same
    return {
        "pairs": n,
        "story_pair_precision": round(tp / max(1, tp + fp), 3),
        "story_pair_recall": round(tp / max(1, tp + fn), 3),
    }


def pair_in_test(split, p, dates):
    ka, kb = p["key_a"], p["key_b"]
    if split == "time":
        return max(dates.get(ka, ""), dates.get(kb, "")) >= common.TIME_CUT
    return common.held_out_source(ka.split("|")[0]) or common.held_out_source(kb.split("|")[0])


def ndcg_figures(grades, events, related, split, dates):
    by_q = {}
    for g in grades:
        by_q.setdefault(g["query"], {})[g["candidate"]] = int(g["grade"])
    id_key = {e["id"]: k for k, e in events.items()}
    total, n = 0.0, 0
    for q, judged in by_q.items():
        ev = events.get(q)
        if ev is None:
            continue
        if split == "time" and dates.get(q, "") < common.TIME_CUT:
            continue
        if split == "source" and not common.held_out_source(q.split("|")[0]):
            continue
        ideal = sorted(judged.values(), reverse=True)[:8]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        if idcg == 0:
            continue
        got = [judged.get(id_key.get(r, ""), 0) for r in related.get(ev["id"], [])[:8]]
        dcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(got))
        total += dcg / idcg
        n += 1
    return {"related_queries": n, "related_ndcg8": round(total / max(1, n), 3)}


def guide_figures(db, name="guides.tsv", prefix="guide"):
    """Membership precision on a labelled sample of memberships: of the labelled
    memberships the database still has, the share people said belong; and the
    share of those people said belong that it keeps. guides.tsv is the sample the
    rules were revised on (not held out); guides.second.tsv a fresh sample drawn
    from the memberships the program assigned before the revision and labelled
    before the rules were changed again: the held-out figure."""
    con = common.dbrows.connect(db)
    # every membership at once (one query, on either engine)
    member = set(con.execute(
        "SELECT s.slug, i.ident, g.slug FROM event_guides g JOIN items i ON i.id = g.event_id"
        " JOIN sources s ON s.id = i.source_id").fetchall())
    kept = yes_kept = yes = 0
    for r in common.read_tsv(f"{common.JUDGMENT}/{name}"):
        yes += r["member"] == "yes"
        if (r["source"], r["ident"], r["guide"]) in member:
            kept += 1
            yes_kept += r["member"] == "yes"
    con.close()
    return {f"{prefix}_memberships": kept,
            f"{prefix}_precision": round(yes_kept / max(1, kept), 3),
            f"{prefix}_recall": round(yes_kept / max(1, yes), 3)}


def histogram(db):
    con = common.dbrows.connect(db)
    h = dict(con.execute("SELECT score, count(*) FROM events GROUP BY score").fetchall())
    con.close()
    total = sum(h.values()) or 1
    cum, median = 0, None
    for s in range(1, 11):
        cum += h.get(s, 0)
        if median is None and cum >= total / 2:
            median = s
    return {
        "score_histogram": " ".join(f"{s}:{h.get(s, 0)}" for s in range(1, 11)),
        "score_median": median,
        "score_9_10_share": round((h.get(9, 0) + h.get(10, 0)) / total, 4),
    }


def evaluate(db, split):
    events, related = common.events(db)
    rows = common.items()
    dates = {r["key"]: r["date"] for r in rows}
    # Pairs and queries name items outside the item sample too: their dates come
    # from the database.
    import datetime
    for k, e in events.items():
        if k not in dates and e["published"]:
            dates[k] = datetime.datetime.fromtimestamp(
                e["published"], datetime.timezone.utc).strftime("%Y-%m-%d")
    test = [r for r in rows if not common.is_seed(r) and (split == "all" or common.in_test(split, r))]
    out = {"split": split}
    out.update(item_figures(test, events))
    out.update(pair_figures(common.read_tsv(f"{common.JUDGMENT}/pairs.tsv"), events, split,
                            dates))
    out.update(ndcg_figures(common.read_tsv(f"{common.JUDGMENT}/related.tsv"), events,
                            related, split, dates))
    out.update(guide_figures(db))
    out.update(guide_figures(db, "guides.second.tsv", "guide_heldout"))
    out["guide_precision_heldout"] = out.pop("guide_heldout_precision")
    out["guide_recall_heldout"] = out.pop("guide_heldout_recall")
    # The thread guides (kind: thread): threads.tsv, a seeded draw of their
    # memberships labelled after their rules were written (see docs/judgment.md).
    out.update(guide_figures(db, "threads.tsv", "thread"))
    out.update(histogram(db))
    return out


def main():
    db, split = sys.argv[1], sys.argv[2]
    out = evaluate(db, split)
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k} {v}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""sample_more.py - draws more items for people to label, none already labelled.

    tools/judgment/sample_more.py DB OUT N [BEFORE]

Like sample.py's item draw (spread over each source's history, seeded), over the items
of DB (made from tests/data/judgment/judgment.conf) that items.tsv does not hold, and only
those published before BEFORE (YYYY-MM-DD; default the time split's cut, 2026-01-15), so
that new labels enlarge what the models are fitted on and leave the held-out part as it
was. Writes sample.py's item columns to OUT.
"""
import datetime
import random
import sys
from collections import defaultdict

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402
import sample  # noqa: E402


def main():
    db, out, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
    before = sys.argv[4] if len(sys.argv) > 4 else "2026-01-15"
    cut = datetime.datetime.strptime(before, "%Y-%m-%d").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    labelled = {r["key"] for r in common.items()}
    items, _, _ = sample.load(db)
    pool = [it for it in items.values()
            if it["key"] not in labelled and 0 < it["pub"] < cut and it["title"]]
    by_src = defaultdict(list)
    for it in pool:
        by_src[it["slug"]].append(it)
    rng = random.Random(sample.SEED + 1)
    share = want / max(1, len(pool))
    chosen = []
    for slug, lst in sorted(by_src.items()):
        lst.sort(key=lambda x: x["pub"])
        k = min(len(lst), max(2, round(len(lst) * share)))
        step = len(lst) / k
        for j in range(k):
            lo, hi = int(j * step), max(int(j * step) + 1, int((j + 1) * step))
            chosen.append(rng.choice(lst[lo:hi]))
    rng.shuffle(chosen)
    hdr = ["key", "source", "source_name", "tier", "source_kind", "date", "title", "url", "text"]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(hdr) + "\n")
        for it in chosen[:want]:
            f.write("\t".join(c.replace("\t", " ").replace("\n", " ")
                              for c in sample.item_cols(it)) + "\n")
    print(f"sample_more.py: {min(want, len(chosen))} of {len(pool)} unlabelled items before "
          f"{before}", file=sys.stderr)


if __name__ == "__main__":
    main()

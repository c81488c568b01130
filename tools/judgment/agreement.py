#!/usr/bin/env python3
"""agreement.py - how the two independent passes of labels agree (tests/data/judgment:
items.second.tsv against items.tsv, pairs.second.tsv against pairs.tsv)."""
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402


def main():
    first = {r["key"]: r for r in common.items()}
    second = [r for r in common.read_tsv(f"{common.JUDGMENT}/items.second.tsv")
              if r["key"] in first]
    a = [float(first[r["key"]]["importance"]) for r in second]
    b = [float(r["importance"]) for r in second]
    kind = sum(first[r["key"]]["kind"] == r["kind"] for r in second) / len(second)
    ai = sum(first[r["key"]]["ai"] == r["ai"] for r in second) / len(second)
    within1 = sum(abs(x - y) <= 1 for x, y in zip(a, b)) / len(second)
    print(f"items {len(second)}")
    print(f"importance_spearman {common.spearman(a, b):.3f}")
    print(f"importance_within_1 {within1:.3f}")
    print(f"kind_agreement {kind:.3f}")
    print(f"ai_agreement {ai:.3f}")
    p1 = {(r["key_a"], r["key_b"]): r["label"]
          for r in common.read_tsv(f"{common.JUDGMENT}/pairs.tsv")}
    p2 = [r for r in common.read_tsv(f"{common.JUDGMENT}/pairs.second.tsv")
          if (r["key_a"], r["key_b"]) in p1]
    three = sum(p1[(r["key_a"], r["key_b"])] == r["label"] for r in p2) / len(p2)
    same = sum((p1[(r["key_a"], r["key_b"])] == "same") == (r["label"] == "same")
               for r in p2) / len(p2)
    print(f"pairs {len(p2)}")
    print(f"pair_agreement {three:.3f}")
    print(f"pair_same_agreement {same:.3f}")


if __name__ == "__main__":
    main()

"""score.py - the Zyte article-extraction benchmark's way of scoring, written
here from its description (../shared/data/articles/README.md): the extracted
text and the ground truth articleBody are cut into word tokens (runs of \\w,
Unicode-aware), compared as multisets, and each page's true positives, false
positives and false negatives are scaled to sum to 1 so that a long page does
not weigh more than a short one. Precision, recall and F1 come from the sums
over all pages. `shingles=4` compares runs of 4 tokens instead of single
tokens (word order then counts too); the benchmark's figures are usually
quoted for that variant, so both are printed.
"""
import re
from collections import Counter

TOKEN = re.compile(r"\w+", re.UNICODE)


def units(text, shingles=1):
    toks = TOKEN.findall(text or "")
    if shingles <= 1:
        return Counter(toks)
    if len(toks) < shingles:
        return Counter([" ".join(toks)]) if toks else Counter()
    return Counter(" ".join(toks[i:i + shingles]) for i in range(len(toks) - shingles + 1))


def page_counts(truth, pred, shingles=1):
    """Normalized (tp, fp, fn) of one page."""
    t, p = units(truth, shingles), units(pred, shingles)
    tp = fp = fn = 0
    for k in t.keys() | p.keys():
        a, b = t.get(k, 0), p.get(k, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    s = tp + fp + fn
    if s == 0:
        return (1.0, 0.0, 0.0)  # both empty: perfect
    return (tp / s, fp / s, fn / s)


def prf(counts):
    """Precision, recall, F1 from a list of per-page (tp, fp, fn)."""
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def page_f1(truth, pred, shingles=1):
    return prf([page_counts(truth, pred, shingles)])[2]

#!/usr/bin/python3
"""cv_kind.py - the kind model's cross-validation on the fitting part only.

    tools/judgment/cv_kind.py FEATURES DB [--misses N]

FEATURES and DB as for fit.py (the time split's fitting part: items before
common.TIME_CUT). Five folds grouped two ways: by date (five contiguous blocks of
the fitting part's dates) and by source (a hash of the slug), so a choice is made
without the held-out items. Prints the accuracy of each variant tried in session 6
(regularization, class-balanced weights, source-kind crosses, without the source's
name), the confusion matrix of the shipped settings, and with --misses N that many
misclassified items (seeded draw) to read. Uses scipy's sparse matrices when
python3-scipy is installed (dense numpy otherwise: the same numbers, slower).
"""
import random
import sys
import zlib

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402
import fit  # noqa: E402

try:
    import scipy.sparse as sp
except ImportError:  # pragma: no cover
    sp = None


def softmax_fit(X, y, k, l2, weight, iters=300, lr=0.1):
    """fit.softmax_fit, on a sparse X when scipy is there."""
    n, m = X.shape
    W = np.zeros((m, k))
    Y = np.eye(k)[y]
    sw = (weight / weight.mean())[:, None]
    XT = X.T.tocsr() if sp is not None else X.T
    mw, vw = np.zeros_like(W), np.zeros_like(W)
    for t in range(1, iters + 1):
        Z = X @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = XT @ ((P - Y) * sw) / n + 2 * l2 / n * W
        mw = 0.9 * mw + 0.1 * G
        vw = 0.999 * vw + 0.001 * G * G
        W -= lr * (mw / (1 - 0.9 ** t)) / (np.sqrt(vw / (1 - 0.999 ** t)) + 1e-8)
    return W


def main():
    feat_path, db = sys.argv[1:3]
    misses = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--misses" else 0
    feats = fit.read_features(feat_path)
    events, _ = common.events(db)
    train = []
    for row in common.items():
        ev = events.get(row["key"])
        if ev is None or ev["id"] not in feats or common.in_test("time", row):
            continue
        train.append((row, feats[ev["id"]], ev))
    seen = {}
    for _, (_, s, *_), _ in train:
        for k in s:
            seen[k] = seen.get(k, 0) + 1
    K = len(common.KINDS)
    y = np.array([common.KINDS.index(r["kind"]) for r, *_ in train])
    seedw = np.array([fit.SEED_WEIGHT if common.is_seed(r) else 1.0 for r, *_ in train])
    order = np.argsort(np.array([r["date"] for r, *_ in train]), kind="stable")
    by_date = np.zeros(len(train), int)
    by_date[order] = np.arange(len(train)) * 5 // len(train)
    by_source = np.array([zlib.crc32(r["source"].encode()) % 5 for r, *_ in train])

    def matrix(drop=(), cross=False):
        cols = sorted({k for _, (d, s, *_), _ in train
                       for k in list(d) + [x for x in s if seen[x] >= fit.MIN_COUNT]})
        cols = [c for c in cols if not c.startswith(drop)] if drop else cols
        idx = {c: i for i, c in enumerate(cols)}
        X = np.zeros((len(train), len(cols)))
        for i, (_, (d, s, *_), _) in enumerate(train):
            for k, v in list(d.items()) + [(k, 1.0) for k in s]:
                if k in idx:
                    X[i, idx[k]] = v
        X *= np.array([fit.col_scale(c) for c in cols])
        if cross:  # the source's kind times the title's shape and the rule reader
            sk = [i for i, c in enumerate(cols) if c.startswith("source:")]
            sh = [i for i, c in enumerate(cols) if c.startswith(("shape:", "rule:"))]
            extra = [(X[:, a] > 0) * (X[:, b] > 0) * fit.DENSE_SCALE for a in sk for b in sh]
            extra = [v for v in extra if (v > 0).sum() >= 2]
            X = np.hstack([X, np.array(extra).T])
        return sp.csr_matrix(X) if sp is not None else X

    def cv(X, folds, l2=fit.L2_CLASS, balance=0.0):
        P = np.zeros((len(y), K))
        for f in range(5):
            tr, te = folds != f, folds == f
            cnt = np.bincount(y[tr], minlength=K).astype(float)
            cw = (cnt.sum() / (K * np.maximum(cnt, 1))) ** balance
            W = softmax_fit(X[tr], y[tr], K, l2, seedw[tr] * cw[y[tr]])
            Z = X[te] @ W
            P[te] = np.exp(Z - Z.max(axis=1, keepdims=True))
        return P.argmax(1)

    base = matrix()
    variants = [("shipped (l2 1)", base, {}), ("l2 3", base, {"l2": 3.0}),
                ("l2 0.3", base, {"l2": 0.3}), ("class-balanced ^0.5", base, {"balance": 0.5}),
                ("+ source kind x shape", matrix(cross=True), {}),
                ("without the source's name", matrix(drop=("s:",)), {})]
    print("variant\tby date\tby source")
    shipped = None
    for name, X, kw in variants:
        hd, hs = cv(X, by_date, **kw), cv(X, by_source, **kw)
        shipped = hd if shipped is None else shipped
        print(f"{name}\t{(hd == y).mean():.3f}\t{(hs == y).mean():.3f}", flush=True)
    M = np.zeros((K, K), int)
    for a, b in zip(y, shipped):
        M[a, b] += 1
    print("\nshipped, grouped by date: label by row, prediction by column")
    print("label\\got  " + " ".join(k[:5].rjust(5) for k in common.KINDS))
    for i, k in enumerate(common.KINDS):
        print(k.ljust(10) + " " + " ".join(str(v).rjust(5) for v in M[i]))
    wrong = [i for i in range(len(y)) if shipped[i] != y[i]]
    random.Random(3).shuffle(wrong)
    for i in wrong[:misses]:
        r = train[i][0]
        print(f"{r['kind']:>10} -> {common.KINDS[shipped[i]]:<10} [{r['source']}] {r['title'][:90]}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""fit.py - fits the judgment models (src/analyze/judge.h) on people's labels.

    tools/judgment/fit.py FEATURES DB SPLIT OUT

FEATURES is what `ALMANAC_FEATURES=FILE almanac --config tests/data/judgment/judgment.conf
--db DB ingest --snapshot` wrote (every event's features, exactly as the C code computes
them); DB that database; SPLIT `time` or `source` (tools/judgment/common.py): the models
are fitted on the labelled items outside that split's held-out part only. OUT is the
weights file (format in judge.h). The shipped data/model/judgment.tsv is the `time` fit;
bench/judgment reports each split with the model fitted without it. Deterministic: the
same inputs give the same file. Needs numpy (Debian's python3-numpy).
"""
import math
import sys

import numpy as np

try:  # sparse products when Debian's python3-scipy is there: the same fit, faster
    import scipy.sparse as sparse
except ImportError:
    sparse = None

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import common  # noqa: E402

L2_CLASS = 1.0     # logistic regressions: penalty on the summed log-loss
RIDGE_GRID = [3, 10, 30, 100, 300]
DENSE_SCALE = 3.0  # dense columns are scaled up: named features are penalised less
MIN_COUNT = 2
SEED_WEIGHT = 8.0  # the seed page's events: the user's own calibration points
# A digest's words of scale and money belong to the items it rounds up, and it is
# never the first to name anything: for a digest these columns count nothing (the
# C code, judge.c, does the same).
DIGEST_SILENT = ("money:1e8", "money:1e9", "money:1e10", "cues:magnitude",
                 "cues:policy_topic", "magnitude:generation", "magnitude:point",
                 "magnitude:partnership")


def read_features(path):
    out = {}
    with open(path) as f:
        for line in f:
            iid, feats, story = line.rstrip("\n").split("\t")
            dense, sparse = feats.split(" |")
            d = {}
            for kv in dense.split():
                k, v = kv.rsplit("=", 1)
                d[k] = float(v)
            s = {f"{t[0]}:{t[1:]}" for t in sparse.split()}
            st = dict(kv.split("=") for kv in story.split())
            out[int(iid)] = (d, s, int(st["sources"]), int(st["tiers"]), int(st.get("novel", 0)))
    return out


def kind_only(name):
    """The title's shapes, the link's host and directories and the feed's
    categories: evidence of an
    item's kind, read by the kind model only (no importance or AI weight)."""
    return name.startswith(("shape:", "u:", "c:"))


def col_scale(name):
    return 1.0 if (len(name) > 1 and name[0] in "tplesuc" and name[1] == ":" and
                   name[2:].isdigit()) else DENSE_SCALE


def as_matrix(A):
    """A dense array as what the fits multiply: scipy's CSR when there is scipy."""
    return sparse.csr_matrix(A) if sparse is not None else A


def dense(A):
    return A.toarray() if hasattr(A, "toarray") else A


def softmax_fit(X, y, k, l2, weight, iters=600, lr=0.1):
    """Multinomial logistic regression by Adam on the weighted mean log-loss plus
    l2/n |W|^2."""
    n, m = X.shape
    X = as_matrix(X)
    XT = X.T.tocsr() if sparse is not None else X.T
    W = np.zeros((m, k))
    Y = np.eye(k)[y]
    sw = (weight / weight.mean())[:, None]
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


def softmax(X, W):
    Z = as_matrix(X) @ W
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def ridge_fit(X, y, lam):
    """Ridge through its dual (n is small): w = X^T (X X^T + lam I)^-1 y."""
    X = as_matrix(X)
    K = dense(X @ X.T)
    a = np.linalg.solve(K + lam * np.eye(len(y)), y)
    return X.T @ a


def ridge_cv(X, y):
    """The penalty with the least 5-fold error (y centred, rows already weighted)."""
    n = len(y)
    folds = np.arange(n) % 5
    best = None
    X = as_matrix(X)
    err = {lam: 0.0 for lam in RIDGE_GRID}
    for f in range(5):  # each fold's Gram matrix once, for every penalty
        tr, te = folds != f, folds == f
        Xt = X[tr]
        K = dense(Xt @ Xt.T)
        for lam in RIDGE_GRID:
            w = Xt.T @ np.linalg.solve(K + lam * np.eye(len(y[tr])), y[tr])
            err[lam] += float(((X[te] @ w - y[te]) ** 2).sum())
    for lam in RIDGE_GRID:
        if best is None or err[lam] < best[0]:
            best = (err[lam], lam)
    return best[1]


def main():
    feat_path, db, split, out_path = sys.argv[1:5]
    feats = read_features(feat_path)
    events, _ = common.events(db)
    train = []
    for row in common.items():
        ev = events.get(row["key"])
        if ev is None or ev["id"] not in feats or common.in_test(split, row):
            continue
        train.append((row, feats[ev["id"]]))
    if len(train) < 100:
        sys.exit(f"fit.py: only {len(train)} labelled items found in {db}")

    # Columns: every dense feature, and the sparse buckets seen at least twice in
    # training (a word seen once teaches nothing but noise).
    seen = {}
    for _, (_, s, *_) in train:
        for k in s:
            seen[k] = seen.get(k, 0) + 1
    columns = sorted({k for _, (d, s, *_) in train
                      for k in list(d) + [x for x in s if seen[x] >= MIN_COUNT]})
    index = {c: i for i, c in enumerate(columns)}
    scale = np.array([col_scale(c) for c in columns])
    X = np.zeros((len(train), len(columns)))
    for i, (_, (d, s, *_)) in enumerate(train):
        for k, v in d.items():
            X[i, index[k]] = v
        for k in s:
            if k in index:
                X[i, index[k]] = 1.0
    Xs = X * scale

    kind_y = np.array([common.KINDS.index(r["kind"]) for r, _ in train])
    ai_y = np.array([1 if r["ai"] == "yes" else 0 for r, _ in train])
    imp_y = np.array([float(r["importance"]) for r, _ in train])
    weight = np.array([SEED_WEIGHT if common.is_seed(r) else 1.0 for r, _ in train])

    Wk = softmax_fit(Xs, kind_y, len(common.KINDS), L2_CLASS, weight, iters=300)
    # About AI is a matter of what an item says, not of who says it: a general
    # paper's AI story is about AI. The source's columns stay out of this model.
    by_source = np.array([c.startswith(("s:", "source:", "tier:")) or kind_only(c)
                          for c in columns])
    Xa = Xs * ~by_source
    Wa = softmax_fit(Xa, ai_y, 2, L2_CLASS, weight, iters=300)
    # The binary model as one logit: class 1 minus class 0.
    wa = Wa[:, 1] - Wa[:, 0]
    kind_hat = softmax(Xs, Wk).argmax(axis=1)
    ai_hat = 1 / (1 + np.exp(-(Xa @ wa)))

    # Importance: the item's features, its kind and AI probability as the C code
    # computes them, and the story's coverage.
    extra_names = [f"kind:{k}" for k in common.KINDS] + ["ai", "coverage:2", "coverage:4",
                                                        "coverage:tiers2", "novelty"]
    E = np.zeros((len(train), len(extra_names)))
    digest = kind_hat == common.KINDS.index("digest")
    for i, (_, (_, _, sources, tiers, novel)) in enumerate(train):
        E[i, kind_hat[i]] = 1
        E[i, len(common.KINDS)] = ai_hat[i]
        E[i, len(common.KINDS) + 1] = sources >= 2
        E[i, len(common.KINDS) + 2] = sources >= 4
        E[i, len(common.KINDS) + 3] = bin(tiers).count("1") >= 2
        E[i, len(common.KINDS) + 4] = novel and not digest[i]
    silent = np.array([c in DIGEST_SILENT for c in columns])
    Xs_imp = Xs.copy()
    Xs_imp[np.ix_(digest, silent)] = 0
    Xs_imp[:, np.array([kind_only(c) for c in columns])] = 0
    Xi = np.hstack([Xs_imp, E * DENSE_SCALE])
    # Weighted ridge: each row counts weight times, by scaling it with its root.
    mean = float((imp_y * weight).sum() / weight.sum())
    root = np.sqrt(weight)[:, None]
    lam = ridge_cv(Xi * root, (imp_y - mean) * root[:, 0])
    wi = ridge_fit(Xi * root, (imp_y - mean) * root[:, 0], lam)
    raw = as_matrix(Xi) @ wi + mean
    # Calibration: spread the predictions as the labels spread (a ridge fit
    # shrinks them toward the middle), keeping their mean. (Tried: spreading the
    # out-of-fold predictions instead, alone and with knots mapping their
    # quantiles onto the labels'; both spread new items wider than editors do
    # and lowered "within 1" on the held-out items, 0.79 -> 0.78, and gave 9-10
    # to too many of the snapshot's lab posts.)
    cal_scale = float(imp_y.std() / max(raw.std(), 1e-6))
    cal_shift = float(mean - cal_scale * raw.mean())

    with open(out_path, "w") as f:
        f.write("# The fitted judgment models (src/analyze/judge.h), written by\n"
                f"# tools/judgment/fit.py from the labels in {common.JUDGMENT}.\n"
                "# Weights are data to read, not to edit: fit again after labelling.\n")
        f.write("version\t1\n")
        f.write(f"about\tfitted on {len(train)} labelled items outside the {split} split's "
                f"held-out part (ridge lambda {lam}, {len(columns)} features)\n")
        for c, kname in enumerate(common.KINDS):
            for j, name in enumerate(columns):
                w = Wk[j, c] * scale[j]
                if abs(w) >= 1e-4:
                    f.write(f"kind\t{kname}\t{name}\t{w:.5g}\n")
        for j, name in enumerate(columns):
            if abs(wa[j] * scale[j]) >= 1e-4 and not by_source[j]:
                f.write(f"ai\t-\t{name}\t{wa[j] * scale[j]:.5g}\n")
        for j, name in enumerate(columns):
            w = wi[j] * scale[j]
            if name == "bias":
                w += mean  # the intercept lives on the bias feature
            if abs(w) >= 1e-4:
                f.write(f"importance\t-\t{name}\t{w:.5g}\n")
        for j, name in enumerate(extra_names):
            w = wi[len(columns) + j] * DENSE_SCALE
            if abs(w) >= 1e-4:
                f.write(f"importance\t-\t{name}\t{w:.5g}\n")
        # No kind scores above what editors gave it in the fitting part (judge.c
        # applies it when the classifier is sure of the kind): a digest of great
        # news is still a digest.
        for c, kname in enumerate(common.KINDS):
            labels = imp_y[kind_y == c]
            if len(labels) and labels.max() < 10:
                f.write(f"importance\t-\tcap:{kname}\t{int(labels.max())}\n")
        f.write(f"importance\t-\tcalibration:scale\t{cal_scale:.5g}\n")
        f.write(f"importance\t-\tcalibration:shift\t{cal_shift:.5g}\n")
    acc = float((kind_hat == kind_y).mean())
    print(f"fit.py: {len(train)} items, {len(columns)} features; in-sample kind accuracy "
          f"{acc:.3f}, ridge lambda {lam}, calibration x{cal_scale:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Quality of the code suggestions on real, human-coded data, against the plain baseline.

For each data set (``--data DIR``, repeatable; the demo survey is always added as a smoke test)
one run prints, side by side with the plain baseline measured in the same run:

* the learning curve: the tool and the baseline after 0, 25, 50, 100, 200 and all coded
  answers (micro-F1, top-1 precision, top-3 recall of the gold codes; mean of ``--seeds``
  random training subsets for the small sizes), scored on the held-out test answers;
* calibration of the tool's scores with all coded answers (Brier score and reliability table);
* ``autocode`` at ``--target-precision``: realised precision and recall on the test answers;
* the simulated analyst: codes every answer from cold start to the end, accepting the
  pre-selected codes and fixing the rest (re-trained at 50, 100, 200 and 400 coded
  answers, and again as the app does it: after every 10); prints its ticks against coding
  by hand (one tick per gold code).

Top-3 is the share of gold codes ranked in their answer's 3 best codes (an answer with more
than 3 gold codes cannot reach 1); "answers" is the share of coded answers with at least one
gold code among their 3 best.

A data directory holds ``codebook.yaml`` and ``train.csv``/``test.csv`` (``id,text,codes``,
codes ``;``-separated), as ``../shared/devdata/kamervragen``. The baseline is TF-IDF word
1-2 grams + one-vs-rest logistic regression (balanced class weights, C=10), threshold 0.5.
Nothing here is tuned to one data set: the tool runs with its library defaults.

    .venv/bin/python bench/quality.py --data ../shared/devdata/kamervragen [--seeds 5] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.codebook import Codebook, load_codebook  # noqa: E402
from textanalysis.embed import get_embedder  # noqa: E402
from textanalysis.suggest import EnsembleSuggester, autocode, calibration_report  # noqa: E402

SIZES = (0, 25, 50, 100, 200)
ANALYST_RETRAIN = (50, 100, 200, 400)
DEMO = [  # the demo survey: question, codebook, gold answer/code files
    ("Q58", "q58_beleidsontwikkelingen", ["Q58"]),
    ("Q60", "q60_knelpunten", ["Q60", "Q60_2019"]),
    ("Q53", "q53_geleerde_lessen", ["Q53"]),
]


@dataclass
class DataSet:
    name: str
    codebook: Codebook
    train_texts: list[str]
    train_Y: list[set[str]]
    test_texts: list[str]
    test_Y: list[set[str]]

    @property
    def codes(self) -> list[str]:
        return list(self.codebook.code_ids)

    @property
    def all_texts(self) -> list[str]:
        return self.train_texts + self.test_texts


def _split_codes(cell: str) -> set[str]:
    return {c.strip() for c in str(cell).split(";") if c.strip()}


def load_dir(path: Path) -> DataSet:
    cb = load_codebook(path / "codebook.yaml")
    frames = {
        part: pd.read_csv(path / f"{part}.csv", dtype=str, keep_default_na=False)
        for part in ("train", "test")
    }
    return DataSet(
        path.name, cb,
        frames["train"]["text"].tolist(), [_split_codes(c) for c in frames["train"]["codes"]],
        frames["test"]["text"].tolist(), [_split_codes(c) for c in frames["test"]["codes"]],
    )  # fmt: skip


def load_demo(seed: int = 1) -> DataSet:
    """The three demo questions pooled (code ids prefixed by question), split 75/25."""
    texts, Y, books = [], [], []
    for q, cb_file, files in DEMO:
        books.append((q, load_codebook(ROOT / "codebook" / f"{cb_file}.yaml")))
        for f in files:
            gold = ROOT / "data" / "gold"
            a = pd.read_csv(gold / f"{f}_answers.csv", dtype=str, keep_default_na=False)
            g = pd.read_csv(gold / f"{f}_gold.csv", dtype=str, keep_default_na=False)
            by_id = g.groupby("id")["code"].apply(set).to_dict()
            texts += a["text"].tolist()
            Y += [{f"{q}:{c}" for c in by_id.get(i, set())} for i in a["id"]]
    perm = np.random.default_rng(seed).permutation(len(texts))
    cut = int(0.75 * len(texts))
    tr, te = perm[:cut], perm[cut:]
    return DataSet(
        "demo (constructed, smoke test)", prefixed_codebook(books),
        [texts[i] for i in tr], [Y[i] for i in tr], [texts[i] for i in te], [Y[i] for i in te],
    )  # fmt: skip


def prefixed_codebook(books: list[tuple[str, Codebook]]) -> Codebook:
    """One codebook for several questions: code ids prefixed with the question ('Q58:overig')."""

    def walk(codes, q):
        out = []
        for c in codes:
            d = c.model_dump()
            d["id"] = f"{q}:{c.id}"
            d["children"] = walk(c.children, q)
            out.append(d)
        return out

    codes = [code for q, cb in books for code in walk(cb.codes, q)]
    return Codebook.model_validate({"name": "pooled", "codes": codes})


class Baseline:
    """Plain TF-IDF (word 1-2 grams) + one-vs-rest logistic regression, balanced, C=10, threshold 0.5."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes

    def fit(self, texts, Y):
        self.codes_ = list(self.codes)
        self.thresholds_ = np.full(len(self.codes_), 0.5)
        self.vec_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        X = self.vec_.transform(texts)
        self.models_ = {}
        for j, c in enumerate(self.codes_):
            y = np.array([c in s for s in Y], dtype=int)
            if 0 < y.sum() < len(y):
                self.models_[j] = LogisticRegression(
                    C=10, class_weight="balanced", max_iter=2000
                ).fit(X, y)
        return self

    def predict_scores(self, texts):
        X = self.vec_.transform(texts)
        S = np.zeros((len(texts), len(self.codes_)))
        for j, m in self.models_.items():
            S[:, j] = m.predict_proba(X)[:, 1]
        return S


def layout(model, texts: list[str], codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(scores, pre-selected) of ``model`` over ``codes``; codes it does not score get 0."""
    s = np.nan_to_num(model.predict_scores(texts), nan=0.0)
    S = np.zeros((len(texts), len(codes)))
    P = np.zeros((len(texts), len(codes)), dtype=bool)
    pos = {c: j for j, c in enumerate(codes)}
    for k, c in enumerate(model.codes_):
        if c in pos:
            S[:, pos[c]] = s[:, k]
            P[:, pos[c]] = s[:, k] >= model.thresholds_[k]
    return S, P


def gold_matrix(Y: list[set[str]], codes: list[str]) -> np.ndarray:
    return np.array([[c in y for c in codes] for y in Y], dtype=bool)


def metrics(G: np.ndarray, S: np.ndarray, P: np.ndarray) -> dict[str, float]:
    tp, fp, fn = (G & P).sum(), (~G & P).sum(), (G & ~P).sum()
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    order = np.argsort(-S, axis=1, kind="stable")
    coded = G.any(axis=1)
    top1 = G[np.arange(len(G)), order[:, 0]][coded].mean()
    in_top3 = np.take_along_axis(G, order[:, :3], axis=1)
    top3 = in_top3.sum() / max(G.sum(), 1)
    return {
        "f1": 100 * (2 * prec * rec / (prec + rec) if prec + rec else 0.0),
        "precision": prec, "recall": rec, "top1": float(top1), "top3": float(top3),
        "top3_answers": float(in_top3.any(axis=1)[coded].mean()), "preselected": int(P.sum()),
    }  # fmt: skip


def tool(ds: DataSet, texts: list[str], Y: list[set[str]]) -> EnsembleSuggester:
    """The tool as the app and `suggest` run it: library defaults, every answer of the question
    available to it uncoded (it sees the test answers' texts, never their codes)."""
    return EnsembleSuggester(ds.codebook).fit(texts, Y, unlabeled=ds.all_texts)


def learning_curve(ds: DataSet, seeds: int, sizes=SIZES) -> pd.DataFrame:
    G = gold_matrix(ds.test_Y, ds.codes)
    rows = []
    n_train = len(ds.train_texts)
    for size in [*sizes, n_train]:
        if size > n_train:
            continue
        for seed in range(seeds if 0 < size < n_train else 1):
            idx = np.random.default_rng(seed).permutation(n_train)[:size]
            texts = [ds.train_texts[i] for i in idx]
            Y = [ds.train_Y[i] for i in idx]
            t0 = time.perf_counter()
            m_tool = tool(ds, texts, Y)
            fit_s = time.perf_counter() - t0
            rows.append({"size": size, "seed": seed, "model": "tool", "fit_s": fit_s,
                         **metrics(G, *layout(m_tool, ds.test_texts, ds.codes))})  # fmt: skip
            if size:
                m_base = Baseline(ds.codes).fit(texts, Y)
                rows.append({"size": size, "seed": seed, "model": "baseline", "fit_s": 0.0,
                             **metrics(G, *layout(m_base, ds.test_texts, ds.codes))})  # fmt: skip
    return pd.DataFrame(rows)


def print_curve(curve: pd.DataFrame, n_train: int) -> None:
    cols = ["f1", "top1", "top3", "top3_answers", "preselected"]
    mean = curve.groupby(["size", "model"])[cols].mean()
    print(f"  {'coded':>6}  {'tool F1':>8} {'top-1':>6} {'top-3':>6} {'answers':>7} {'pre':>5}   "
          f"{'base F1':>8} {'top-1':>6} {'top-3':>6}   {'F1 ratio':>8}")  # fmt: skip
    for size in sorted(curve["size"].unique()):
        t = mean.loc[(size, "tool")]
        label = "all" if size == n_train else str(size)
        if (size, "baseline") in mean.index:
            b = mean.loc[(size, "baseline")]
            ratio = t["f1"] / b["f1"] if b["f1"] else float("inf")
            base = f"{b['f1']:8.1f} {b['top1']:6.3f} {b['top3']:6.3f}   {ratio:8.2f}"
        else:
            base = f"{'-':>8} {'-':>6} {'-':>6}   {'-':>8}"
        print(f"  {label:>6}  {t['f1']:8.1f} {t['top1']:6.3f} {t['top3']:6.3f} "
              f"{t['top3_answers']:7.3f} {t['preselected']:5.0f}   {base}")  # fmt: skip


def calibration_and_autocode(ds: DataSet, target: float) -> None:
    G = gold_matrix(ds.test_Y, ds.codes)
    model = tool(ds, ds.train_texts, ds.train_Y)
    S, _ = layout(model, ds.test_texts, ds.codes)
    base = Baseline(ds.codes).fit(ds.train_texts, ds.train_Y)
    Sb, _ = layout(base, ds.test_texts, ds.codes)
    cal, cal_b = calibration_report(G, S), calibration_report(G, Sb)
    print(f"  calibration on the test answers: tool Brier {cal.brier:.4f} ECE {cal.ece:.4f}; "
          f"baseline Brier {cal_b.brier:.4f} ECE {cal_b.ece:.4f}")  # fmt: skip
    print("  " + str(cal).replace("\n", "\n  "))
    res = autocode(model, ds.test_texts, list(range(len(ds.test_texts))), target)
    pos = {c: j for j, c in enumerate(ds.codes)}
    hits = [bool(G[r.id, pos[r.code]]) for r in res.decisions.itertuples()]
    realised = float(np.mean(hits)) if hits else float("nan")
    recall = sum(hits) / max(G.sum(), 1)
    print(f"  autocode --target-precision {target}: {len(hits)} codes on {res.n_coded} of "
          f"{len(ds.test_texts)} test answers; realised precision {realised:.3f} "
          f"(estimated {res.est_precision:.3f}), recall {recall:.3f}")  # fmt: skip


def simulated_analyst(
    ds: DataSet, seed: int = 0, retrain=ANALYST_RETRAIN, every: int | None = None
) -> dict[str, float]:
    """Ticks of an analyst who accepts the pre-selection and fixes it: each wrongly pre-selected
    code is one untick, each missed gold code one tick. By hand: one tick per gold code.
    Re-trained at the ``retrain`` counts, or after every ``every`` answers when given."""
    texts = ds.all_texts
    Y = ds.train_Y + ds.test_Y
    order = np.random.default_rng(seed).permutation(len(texts))
    G = gold_matrix(Y, ds.codes)
    model = tool(ds, [], [])
    fixes = 0
    done: list[int] = []
    for i in order:
        _, P = layout(model, [texts[i]], ds.codes)
        fixes += int((P[0] ^ G[i]).sum())
        done.append(int(i))
        if (len(done) % every == 0) if every else (len(done) in retrain):
            model = tool(ds, [texts[k] for k in done], [Y[k] for k in done])
    hand = int(G.sum())
    return {"fixes": fixes, "hand": hand, "ratio": fixes / hand}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", default=[], type=Path, help="data directory")
    ap.add_argument("--seeds", type=int, default=5, help="training subsets per small size")
    ap.add_argument("--target-precision", type=float, default=0.90)
    ap.add_argument("--no-demo", action="store_true", help="skip the demo smoke test")
    ap.add_argument("--quick", action="store_true", help="one seed, no simulated analyst")
    args = ap.parse_args()
    sets = []
    for d in args.data:
        if not (d / "codebook.yaml").exists():
            sys.exit(f"{d}: no codebook.yaml here; give a data directory such as "
                     "../shared/devdata/kamervragen")  # fmt: skip
        sets.append(load_dir(d))
    if not args.no_demo:
        sets.append(load_demo())
    print(f"encoder: {get_embedder().key}")
    for ds in sets:
        t0 = time.perf_counter()
        print(f"\n=== {ds.name}: {len(ds.codes)} codes, {len(ds.train_texts)} train / "
              f"{len(ds.test_texts)} test answers ===")  # fmt: skip
        get_embedder().encode(ds.all_texts)  # embed once, outside the timings
        curve = learning_curve(ds, 1 if args.quick else args.seeds)
        print_curve(curve, len(ds.train_texts))
        fit = curve[(curve["model"] == "tool") & (curve["size"] == len(ds.train_texts))]
        print(f"  tool fit with all coded answers: {fit['fit_s'].iloc[0]:.2f} s")
        calibration_and_autocode(ds, args.target_precision)
        if not args.quick:
            sim = simulated_analyst(ds)
            print(f"  simulated analyst: {sim['fixes']} ticks with suggestions vs {sim['hand']} by "
                  f"hand = {sim['ratio']:.2f}x (re-trained at {', '.join(map(str, ANALYST_RETRAIN))})")  # fmt: skip
            app = simulated_analyst(ds, every=10)
            print(f"  simulated analyst, re-trained after every 10 answers as the app does: "
                  f"{app['fixes']} vs {app['hand']} = {app['ratio']:.2f}x")  # fmt: skip
        print(f"  [{time.perf_counter() - t0:.0f} s]")


if __name__ == "__main__":
    main()

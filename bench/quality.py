"""Quality of the code suggestions on the demo gold data, always by cross-validation.

Prints, per question, micro/macro F1 and top-3 recall of (a) the tool (the calibrated
ensemble of rules + similarity + classifier) and (b) a plain TF-IDF + one-vs-rest logistic
regression baseline, side by side with their ratio; the cold-start figures (codebook only,
no coded answers); calibration of the tool's cross-validated scores (Brier score and a
reliability table); and the active-vs-random learning curve (F1 after 50, 100, 200 coded
answers, several seeds averaged) on Q53+Q58+Q60 pooled.

Defaults are the library defaults: nothing here is tuned to the demo data.

    .venv/bin/python bench/quality.py [--folds 5] [--seeds 10] [--no-curve]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.codebook import Codebook, load_codebook  # noqa: E402
from textanalysis.suggest import EnsembleSuggester, calibration_report, evaluate_predictions  # noqa: E402
from textanalysis.suggest.active import next_units  # noqa: E402
from textanalysis.suggest.evaluate import _full, cross_val_predict_sets  # noqa: E402

DATASETS = [  # name, codebook, gold answer/code files
    ("Q58", "q58_beleidsontwikkelingen", ["Q58"]),
    ("Q60", "q60_knelpunten", ["Q60", "Q60_2019"]),
    ("Q53", "q53_geleerde_lessen", ["Q53"]),
]


def load(files: list[str]) -> tuple[list[str], list[str], list[set[str]]]:
    ids, texts, Y = [], [], []
    for f in files:
        a = pd.read_csv(
            ROOT / "data" / "gold" / f"{f}_answers.csv", dtype=str, keep_default_na=False
        )
        g = pd.read_csv(ROOT / "data" / "gold" / f"{f}_gold.csv", dtype=str, keep_default_na=False)
        by_id = g.groupby("id")["code"].apply(set).to_dict()
        ids += [f"{f}:{i}" for i in a["id"]]
        texts += a["text"].tolist()
        Y += [by_id.get(i, set()) for i in a["id"]]
    return ids, texts, Y


class Baseline:
    """Plain TF-IDF (word 1-2 grams) + one-vs-rest logistic regression, threshold 0.5
    (``balanced=True``: the same with balanced class weights, a fairer second reference)."""

    def __init__(self, codes: list[str], balanced: bool = False) -> None:
        self.codes = codes
        self.balanced = balanced

    def fit(self, texts, Y):
        self.codes_ = list(self.codes)
        self.thresholds_ = np.full(len(self.codes_), 0.5)
        self.vec_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        X = self.vec_.transform(texts)
        self.models_ = {}
        for j, c in enumerate(self.codes_):
            y = np.array([c in s for s in Y], dtype=int)
            if 0 < y.sum() < len(y):
                cw = "balanced" if self.balanced else None
                self.models_[j] = LogisticRegression(max_iter=1000, class_weight=cw).fit(X, y)
        return self

    def predict_scores(self, texts):
        X = self.vec_.transform(texts)
        S = np.zeros((len(texts), len(self.codes_)))
        for j, m in self.models_.items():
            S[:, j] = m.predict_proba(X)[:, 1]
        return S


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


def fmt(d: dict) -> str:
    return f"micro-F1 {d['micro_f1']:.3f}  macro-F1 {d['macro_f1']:.3f}  top-3 recall {d['top3_recall']:.3f}"


def question_report(name: str, cb: Codebook, texts, Y, folds: int, solver: str = "ridge") -> dict:
    codes = cb.code_ids
    t0 = time.perf_counter()
    S_tool, P_tool = cross_val_predict_sets(
        lambda: EnsembleSuggester(cb, solver=solver), texts, Y, cv=folds, codes=codes
    )
    t_tool = time.perf_counter() - t0
    S_base, P_base = cross_val_predict_sets(
        lambda: Baseline(codes), texts, Y, cv=folds, codes=codes
    )
    S_bal, P_bal = cross_val_predict_sets(
        lambda: Baseline(codes, True), texts, Y, cv=folds, codes=codes
    )
    cold_model = EnsembleSuggester(cb).fit()
    S_cold, P_cold = _full(cold_model, texts, codes)
    tool = evaluate_predictions(codes, Y, P_tool, S_tool).summary()
    base = evaluate_predictions(codes, Y, P_base, S_base).summary()
    cold = evaluate_predictions(codes, Y, P_cold, S_cold).summary()
    bal = evaluate_predictions(codes, Y, P_bal, S_bal).summary()
    G = np.array([[c in y for c in codes] for y in Y], dtype=int)
    scored = [
        j for j, c in enumerate(codes) if c in cold_model.codes_
    ]  # codes the tool suggests at all
    cal = calibration_report(G[:, scored], S_tool[:, scored])
    cal_base = calibration_report(G[:, scored], S_base[:, scored])
    n_codes = len({c for y in Y for c in y})
    print(
        f"\n=== {name}: {len(texts)} answers, {n_codes} codes used, {folds}-fold cross-validation ==="
    )
    print(f"  tool (ensemble)  {fmt(tool)}   [{t_tool:.1f} s for {folds} folds]")
    print(f"  baseline         {fmt(base)}")
    print(f"  base (balanced)  {fmt(bal)}   (same with class_weight='balanced', for reference)")
    ratio = {
        k: (tool[k] / base[k] if base[k] else float("inf"))
        for k in ("micro_f1", "macro_f1", "top3_recall")
    }
    print(
        f"  ratio tool/base  micro-F1 {ratio['micro_f1']:.2f}  macro-F1 {ratio['macro_f1']:.2f}  "
        f"top-3 recall {ratio['top3_recall']:.2f}"
    )
    print(f"  cold start       {fmt(cold)}   (codebook only: rules + similarity, no coded answers)")
    print(
        f"  calibration      tool Brier {cal.brier:.4f}, ECE {cal.ece:.4f}; baseline Brier {cal_base.brier:.4f}"
    )
    return {"tool": tool, "base": base, "bal": bal, "cold": cold, "cal": cal, "n": len(texts)}


def learning_curve(
    cb: Codebook, texts, Y, seeds: int, sizes=(50, 100, 200), batch: int = 25
) -> pd.DataFrame:
    """F1 on a held-out 30% after coding N answers picked actively vs at random (from the rest)."""
    rows = []
    n = len(texts)
    codes = cb.code_ids
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        perm = rng.permutation(n)
        test = perm[: int(0.3 * n)]
        pool = perm[int(0.3 * n) :]
        units = pd.DataFrame({"unit_id": pool, "text": [texts[i] for i in pool]})
        test_texts = [texts[i] for i in test]
        test_Y = [Y[i] for i in test]
        for strategy in ("active", "random"):
            labelled: list[int] = []
            model = EnsembleSuggester(cb, cv=3).fit()  # cold start picks the first batch
            while len(labelled) < max(sizes):
                k = min(batch, max(sizes) - len(labelled))
                labelled += next_units(
                    units,
                    labelled,
                    model if labelled else None,
                    k,
                    strategy,
                    seed=seed * 1000 + len(labelled),
                )
                model = EnsembleSuggester(cb, cv=3).fit(
                    [texts[i] for i in labelled], [Y[i] for i in labelled]
                )
                if len(labelled) in sizes:
                    S, P = _full(model, test_texts, codes)
                    res = evaluate_predictions(codes, test_Y, P, S).summary()
                    rows.append({"seed": seed, "strategy": strategy, "coded": len(labelled), **res})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--no-curve", action="store_true")
    ap.add_argument(
        "--solver", default="ridge", choices=["ridge", "logistic"], help="classifier solver"
    )
    args = ap.parse_args()
    books, pooled_texts, pooled_Y = [], [], []
    results = {}
    for name, cb_file, files in DATASETS:
        cb = load_codebook(ROOT / "codebook" / f"{cb_file}.yaml")
        _, texts, Y = load(files)
        results[name] = question_report(name, cb, texts, Y, args.folds, args.solver)
        books.append((name, cb))
        pooled_texts += texts
        pooled_Y += [{f"{name}:{c}" for c in y} for y in Y]
    tot = sum(r["n"] for r in results.values())
    print("\n=== Weighted by answers over the three questions ===")
    for key in ("tool", "base", "bal", "cold"):
        avg = {
            m: sum(r[key][m] * r["n"] for r in results.values()) / tot
            for m in ("micro_f1", "macro_f1", "top3_recall")
        }
        print(f"  {key:<5} {fmt(avg)}")
    first = results["Q58"]["cal"]
    print("\nReliability of the tool's cross-validated scores (Q58):")
    print("  " + str(first).replace("\n", "\n  "))
    if args.no_curve:
        return
    pooled = prefixed_codebook(books)
    t0 = time.perf_counter()
    curve = learning_curve(pooled, pooled_texts, pooled_Y, args.seeds)
    print(
        f"\n=== Active vs random learning curve: Q53+Q58+Q60 pooled ({len(pooled_texts)} answers), "
        f"test 30%, {args.seeds} seeds, {time.perf_counter() - t0:.0f} s ==="
    )
    table = (
        curve.groupby(["coded", "strategy"])[["micro_f1", "macro_f1"]].mean().unstack("strategy")
    )
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()

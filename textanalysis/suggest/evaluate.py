"""Evaluation against gold codes: per-code precision/recall/F1, micro/macro F1, top-3 recall,
and the answers whose misses cost the most (for the method specialist to read).

``cross_val_predict_sets`` never trains on the answer it scores: training answers that are
also evaluated are scored by a model fitted on the other folds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import KFold

from ..codebook import Codebook
from .base import label_matrix


@dataclass
class EvaluationResult:
    table: pd.DataFrame  # code,label,precision,recall,f1,support,predicted
    micro_f1: float
    macro_f1: float
    micro_precision: float
    micro_recall: float
    top3_recall: float  # answers with >= 1 gold code that have one among their 3 best-scored codes
    top3_code_recall: float  # gold (answer, code) pairs ranked in the top 3 of their answer
    n_answers: int
    costly: pd.DataFrame  # id,text,missed,wrong,cost
    note: str = ""

    def summary(self) -> dict[str, float]:
        return {
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "micro_precision": self.micro_precision,
            "micro_recall": self.micro_recall,
            "top3_recall": self.top3_recall,
            "top3_code_recall": self.top3_code_recall,
        }

    def to_text(self, n_costly: int = 10) -> str:
        lines = []
        if self.note:
            lines.append(self.note)
        lines.append(
            f"{'code':<32} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8} {'predicted':>9}"
        )
        for r in self.table.itertuples():
            lines.append(
                f"{r.code[:32]:<32} {r.precision:9.3f} {r.recall:7.3f} {r.f1:6.3f} {r.support:8d} {r.predicted:9d}"
            )
        lines.append(
            f"micro F1 {self.micro_f1:.3f} (precision {self.micro_precision:.3f}, recall {self.micro_recall:.3f}); "
            f"macro F1 {self.macro_f1:.3f}; top-3 recall {self.top3_recall:.3f} "
            f"(codes in top 3: {self.top3_code_recall:.3f}); answers {self.n_answers}"
        )
        if len(self.costly):
            lines.append("Most costly misses (missed gold codes, wrong suggestions):")
            for r in self.costly.head(n_costly).itertuples():
                text = r.text if len(r.text) <= 70 else r.text[:69] + "…"
                lines.append(
                    f'  {r.id}: missed [{r.missed}] wrong [{r.wrong}] cost {r.cost:.2f}  "{text}"'
                )
        return "\n".join(lines)


def _precision_recall_f1(G: np.ndarray, P: np.ndarray, average: str | None):
    """Precision, recall and F1 of predictions ``P`` against gold ``G`` (both n x codes, bool),
    per code (``average=None``: arrays) or pooled over all (answer, code) pairs (``"micro"``:
    floats); 0 where a ratio is undefined (nothing predicted, nothing to find)."""
    n, k = G.shape
    if n == 0 or k == 0:  # scikit-learn refuses empty input
        return (np.zeros(k),) * 3 if average is None else (0.0, 0.0, 0.0)
    if k == 1:  # one column reads as a binary target to scikit-learn: score its positive class
        G, P, labels = G[:, 0], P[:, 0], [True]
    else:
        labels = None
    p, r, f, _ = precision_recall_fscore_support(
        G, P, labels=labels, average=average, zero_division=0
    )
    return (p, r, f) if average is None else (float(p), float(r), float(f))


def evaluate_predictions(
    codes: Sequence[str],
    gold: Sequence[set[str]],
    predicted: np.ndarray,
    scores: np.ndarray,
    ids: Sequence | None = None,
    texts: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
) -> EvaluationResult:
    """Compare binary predictions (n x codes) and scores with gold code sets."""
    codes = list(codes)
    n = len(gold)
    ids = list(ids) if ids is not None else list(range(n))
    texts = list(texts) if texts is not None else [""] * n
    idx = {c: j for j, c in enumerate(codes)}
    G = label_matrix([{c for c in g if c in idx} for g in gold], codes).astype(bool)
    P = np.asarray(predicted).astype(bool)
    S = np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0)
    prec, rec, f1 = _precision_recall_f1(G, P, average=None)
    support = G.sum(axis=0)
    table = pd.DataFrame(
        {
            "code": codes,
            "label": [(labels or {}).get(c, c) for c in codes],
            "precision": prec.round(4),
            "recall": rec.round(4),
            "f1": f1.round(4),
            "support": support.astype(int),
            "predicted": P.sum(axis=0).astype(int),
        }
    )
    active = (support > 0) | (P.sum(axis=0) > 0)
    table = table[active].reset_index(drop=True)
    micro_p, micro_r, micro_f1 = _precision_recall_f1(G, P, average="micro")
    macro_f1 = float(f1[active].mean()) if active.any() else 0.0
    top3 = np.argsort(-S, axis=1, kind="stable")[:, :3]
    in_top3 = np.zeros_like(G)
    np.put_along_axis(in_top3, top3, True, axis=1)
    coded = G.any(axis=1)
    top3_recall = float((G & in_top3).any(axis=1)[coded].mean()) if coded.any() else 0.0
    top3_code_recall = float((G & in_top3).sum() / G.sum()) if G.sum() else 0.0
    rows = []
    for r in range(n):
        missed = [codes[j] for j in np.flatnonzero(G[r] & ~P[r])]
        wrong = [codes[j] for j in np.flatnonzero(~G[r] & P[r])]
        if not missed and not wrong:
            continue
        cost = float(sum(1 - S[r, idx[c]] for c in missed) + sum(S[r, idx[c]] for c in wrong))
        rows.append(
            {
                "id": ids[r],
                "text": texts[r],
                "missed": ";".join(missed),
                "wrong": ";".join(wrong),
                "cost": cost,
            }
        )
    costly = pd.DataFrame(rows, columns=["id", "text", "missed", "wrong", "cost"])
    costly = costly.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)
    return EvaluationResult(
        table,
        float(micro_f1),
        macro_f1,
        float(micro_p),
        float(micro_r),
        top3_recall,
        top3_code_recall,
        n,
        costly,
    )


def _full(model, texts: Sequence[str], codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Scores and predictions of ``model`` laid out over ``codes`` (codes it does not score: 0)."""
    texts = list(texts)
    s = model.predict_scores(texts)
    S = np.zeros((len(texts), len(codes)))
    P = np.zeros((len(texts), len(codes)), dtype=int)
    pos = {c: j for j, c in enumerate(codes)}
    for k, c in enumerate(model.codes_):
        if c in pos:
            S[:, pos[c]] = np.nan_to_num(s[:, k], nan=0.0)
            P[:, pos[c]] = s[:, k] >= model.thresholds_[k]
    return S, P


def _folds(n: int, cv: int, random_state: int = 0):
    """(train, test) index splits of ``n`` answers into ``min(cv, n)`` folds; a single answer
    is its own test fold with nothing to train on (KFold needs two folds)."""
    if n < 2:
        return [(np.arange(0), np.arange(n))]
    return KFold(min(cv, n), shuffle=True, random_state=random_state).split(np.arange(n))


def cross_val_predict_sets(
    make_model: Callable[[], object],
    texts: Sequence[str],
    Y: Sequence[set[str]],
    cv: int = 5,
    random_state: int = 0,
    codes: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold (scores, predictions) over ``codes``: each answer is scored by a model that never saw it."""
    texts = list(texts)
    n = len(texts)
    if codes is None:
        codes = sorted({c for y in Y for c in y})
    S = np.zeros((n, len(codes)))
    P = np.zeros((n, len(codes)), dtype=int)
    for tr, te in _folds(n, cv, random_state):
        model = make_model().fit([texts[i] for i in tr], [Y[i] for i in tr])
        S[te], P[te] = _full(model, [texts[i] for i in te], codes)
    return S, P


def evaluate_suggester(
    make_model: Callable[[], object],
    codebook: Codebook,
    ids: Sequence[str],
    texts: Sequence[str],
    gold: dict[str, set[str]],
    train: tuple[Sequence[str], Sequence[str], Sequence[set[str]]] | None = None,
    cv: int = 5,
) -> EvaluationResult:
    """Score ``texts`` and compare with ``gold``; with ``train`` (ids, texts, codes) the model learns
    from it, by cross-validation for answers that are also in the training set. Every model sees
    the texts (never the codes) of the answers being scored as its unlabeled pool, as in the app."""
    ids, texts = list(ids), list(texts)
    pool = list(dict.fromkeys(texts + (list(train[1]) if train is not None else [])))

    def fit(t_texts=None, t_Y=None):
        return make_model().fit(t_texts, t_Y, unlabeled=pool)

    n = len(texts)
    codes = list(codebook.code_ids)
    S = np.zeros((n, len(codes)))
    P = np.zeros((n, len(codes)), dtype=int)
    note = "Cold start: codebook only (rules + similarity to the codebook and the answers)."
    if train is None:
        S, P = _full(fit(), texts, codes)
    else:
        t_ids, t_texts, t_Y = list(train[0]), list(train[1]), list(train[2])
        eval_pos = {a: i for i, a in enumerate(ids)}
        t_set = set(t_ids)
        overlap = [i for i, a in enumerate(t_ids) if a in eval_pos]
        others = [i for i, a in enumerate(ids) if a not in t_set]
        if others:
            model = fit(t_texts, t_Y)
            S[others], P[others] = _full(model, [texts[i] for i in others], codes)
        if overlap:
            for tr, te in _folds(len(t_ids), cv):
                te_eval = [eval_pos[t_ids[i]] for i in te if t_ids[i] in eval_pos]
                if not te_eval:
                    continue
                model = fit([t_texts[i] for i in tr], [t_Y[i] for i in tr])
                S[te_eval], P[te_eval] = _full(model, [texts[i] for i in te_eval], codes)
        note = (
            f"Trained on {len(t_ids)} coded answers; {len(overlap)} evaluated answers are also in the training "
            f"set and were scored by {min(cv, len(t_ids))}-fold cross-validation (never trained on the answer "
            "being scored)."
            if overlap
            else f"Trained on {len(t_ids)} coded answers (none of them evaluated)."
        )
    res = evaluate_predictions(
        codes, [gold.get(a, set()) for a in ids], P, S, ids, texts, codebook.labels()
    )
    res.note = note
    return res

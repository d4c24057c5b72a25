"""Calibration and thresholds: does a score of 0.8 mean right 80% of the time?

``calibration_report`` gives the reliability table (scores binned, observed frequency
per bin), the Brier score and the expected calibration error. ``f1_thresholds`` picks a
threshold per code that maximises F1 on cross-validated scores, shrunk towards one
global threshold for codes with few positives so a handful of answers cannot set it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class CalibrationReport:
    table: pd.DataFrame  # bin, lower, upper, count, mean_score, observed
    brier: float
    ece: float  # expected calibration error: count-weighted |mean_score - observed|
    n: int

    def __str__(self) -> str:
        lines = [
            f"Brier score {self.brier:.4f}, expected calibration error {self.ece:.4f} (n={self.n})"
        ]
        lines.append("score bin     count  mean score  observed")
        for row in self.table.itertuples():
            lines.append(
                f"{row.lower:.1f}-{row.upper:.1f}  {row.count:8d}  {row.mean_score:10.3f}  {row.observed:8.3f}"
            )
        return "\n".join(lines)


def calibration_report(y_true, y_score, n_bins: int = 10) -> CalibrationReport:
    """Reliability table + Brier score over all (answer, code) pairs; NaN scores are skipped."""
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(y_score, dtype=float).ravel()
    ok = ~np.isnan(p)
    y, p = y[ok], p[ok]
    edges = np.linspace(0, 1, n_bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    rows = []
    ece = 0.0
    for b in range(n_bins):
        m = idx == b
        cnt = int(m.sum())
        if cnt == 0:
            continue
        ms, ob = float(p[m].mean()), float(y[m].mean())
        ece += cnt * abs(ms - ob)
        rows.append(
            {
                "bin": b,
                "lower": edges[b],
                "upper": edges[b + 1],
                "count": cnt,
                "mean_score": ms,
                "observed": ob,
            }
        )
    n = len(p)
    brier = float(np.mean((p - y) ** 2)) if n else float("nan")
    return CalibrationReport(pd.DataFrame(rows), brier, ece / n if n else float("nan"), n)


def best_f1_threshold(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of ``s >= threshold``; thresholds are midpoints between scores."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=float)
    if y.sum() == 0:
        return 1.0, 0.0
    order = np.argsort(-s)
    ys, ss = y[order], s[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    f1 = 2 * tp / (k + y.sum())
    # only cut between distinct scores
    last = np.r_[ss[1:] < ss[:-1], True]
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    nxt = ss[i + 1] if i + 1 < len(ss) else 0.0
    return float((ss[i] + nxt) / 2), float(f1[i])


def f1_thresholds(
    Y: np.ndarray, S: np.ndarray, min_positives: int = 3, shrink: float = 5.0, default: float = 0.5
) -> tuple[np.ndarray, float]:
    """Per-code thresholds maximising cross-validated F1, and the global one they shrink towards."""
    Y = np.asarray(Y)
    S = np.nan_to_num(np.asarray(S, dtype=float), nan=0.0)
    if Y.sum() == 0:
        return np.full(Y.shape[1], default), default
    t_global, _ = best_f1_threshold(Y.ravel(), S.ravel())
    t_global = float(np.clip(t_global, 0.05, 0.95))
    out = np.full(Y.shape[1], t_global)
    for j in range(Y.shape[1]):
        npos = int(Y[:, j].sum())
        if npos < min_positives:
            continue
        t, _ = best_f1_threshold(Y[:, j], S[:, j])
        t = float(np.clip(t, 0.05, 0.95))
        out[j] = (npos * t + shrink * t_global) / (npos + shrink)
    return out, t_global


def precision_thresholds(
    Y: np.ndarray, S: np.ndarray, target: float, min_predicted: int = 5
) -> list[dict]:
    """Per code, the lowest threshold where cross-validated precision >= ``target`` (Schonlau-style).

    Precision is evaluated on every prefix of the score ranking with at least ``min_predicted``
    predictions; a code never reaching the target gets threshold None (people code it).
    """
    Y = np.asarray(Y).astype(bool)
    S = np.nan_to_num(np.asarray(S, dtype=float), nan=0.0)
    out = []
    for j in range(Y.shape[1]):
        y, s = Y[:, j], S[:, j]
        npos = int(y.sum())
        info = {
            "threshold": None,
            "precision": float("nan"),
            "recall": 0.0,
            "positives": npos,
            "predicted": 0,
        }
        if npos == 0:
            out.append(info)
            continue
        order = np.argsort(-s)
        ys, ss = y[order], s[order]
        tp = np.cumsum(ys)
        k = np.arange(1, len(ys) + 1)
        prec = tp / k
        last = np.r_[ss[1:] < ss[:-1], True]
        ok = last & (k >= min_predicted) & (prec >= target) & (ss > 0)
        if ok.any():
            i = int(
                np.flatnonzero(ok).max()
            )  # deepest cut still meeting the target = lowest threshold
            info.update(
                threshold=float(ss[i]),
                precision=float(prec[i]),
                recall=float(tp[i] / npos),
                predicted=int(k[i]),
            )
        out.append(info)
    return out

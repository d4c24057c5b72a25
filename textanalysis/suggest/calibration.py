"""Calibration and thresholds: does a score of 0.8 mean right 80% of the time?

``calibration_report`` gives the reliability table (scores binned, observed frequency
per bin), the Brier score and the expected calibration error. ``precision_thresholds``
finds, per code, the lowest score at which cross-validated precision meets a target
(what ``autocode`` promises).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss


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
    """Reliability table + Brier score over all (answer, code) pairs; NaN scores are skipped.

    The table keeps its own bins: ``sklearn.calibration.calibration_curve`` puts a score on a
    bin edge in the lower bin (this table: the upper one) and gives no counts.
    """
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
    brier = brier_score_loss(y, p, pos_label=1) if n else float("nan")
    return CalibrationReport(pd.DataFrame(rows), brier, ece / n if n else float("nan"), n)


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

"""Semi-automatic coding with a precision target (after Schonlau & Couper, 2016).

The machine codes only what it is confident about; people code the rest. Per code, the
threshold is the lowest score at which *cross-validated* precision on the confirmed codes
still meets the user's target; codes that never reach it are left to people entirely.
The report says how many answers were coded, how many remain, and the estimated
precision and recall of the resulting counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Errors, SuggestError
from .calibration import precision_thresholds
from .ensemble import MIN_TRAINING_ANSWERS


@dataclass
class AutocodeResult:
    decisions: pd.DataFrame  # id,code,score,threshold,source ('auto')
    per_code: pd.DataFrame  # code,threshold,cv_precision,cv_recall,auto_count,estimated_count
    target_precision: float
    n_answers: int
    n_coded: int  # answers with at least one auto-applied code
    n_remaining: int  # answers left entirely to people
    est_precision: float  # of the auto-applied codes
    est_recall: float  # share of all code mentions the auto-coding catches
    notes: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [
            f"Target precision {self.target_precision:.2f}: auto-coded {self.n_coded} of {self.n_answers} answers "
            f"({len(self.decisions)} codes); {self.n_remaining} answers remain for people.",
            f"Estimated precision of the auto-applied codes {self.est_precision:.3f}, "
            f"estimated recall {self.est_recall:.3f} (cross-validated on the confirmed codes).",
            f"{'code':<30} {'threshold':>9} {'cv prec':>8} {'cv rec':>7} {'auto':>5} {'est. total':>10}",
        ]
        for r in self.per_code.itertuples():
            th = "-" if pd.isna(r.threshold) else f"{r.threshold:.3f}"
            pr = "-" if pd.isna(r.cv_precision) else f"{r.cv_precision:.3f}"
            est = "-" if pd.isna(r.estimated_count) else f"{r.estimated_count:.1f}"
            lines.append(
                f"{r.code[:30]:<30} {th:>9} {pr:>8} {r.cv_recall:7.3f} {r.auto_count:5d} {est:>10}"
            )
        lines += self.notes
        return "\n".join(lines)


def autocode(
    model,
    texts: Sequence[str],
    ids: Sequence | None = None,
    target_precision: float = 0.95,
    min_predicted: int = 5,
) -> AutocodeResult:
    """Apply a trained :class:`EnsembleSuggester` to ``texts`` where it meets ``target_precision``."""
    if getattr(model, "oof_scores_", None) is None:
        raise SuggestError(
            Errors.G012,
            min_training_answers=MIN_TRAINING_ANSWERS,
        )
    texts = list(texts)
    ids = list(ids) if ids is not None else list(range(len(texts)))
    info = precision_thresholds(model.train_Y_, model.oof_scores_, target_precision, min_predicted)
    S = model.predict_scores(texts)
    rows, per = [], []
    for j, code in enumerate(model.codes_):
        th = info[j]["threshold"]
        hit = np.flatnonzero(S[:, j] >= th) if th is not None else np.array([], dtype=int)
        for r in hit:
            rows.append(
                {
                    "id": ids[r],
                    "code": code,
                    "score": round(float(S[r, j]), 4),
                    "threshold": round(th, 4),
                    "source": "auto",
                }
            )
        rec = info[j]["recall"]
        prec = info[j]["precision"]
        est = len(hit) * prec / rec if th is not None and rec > 0 else np.nan
        per.append(
            {"code": code, "threshold": th, "cv_precision": prec, "cv_recall": rec, "auto_count": len(hit),
             "estimated_count": est, "positives": info[j]["positives"]}
        )  # fmt: skip
    decisions = pd.DataFrame(rows, columns=["id", "code", "score", "threshold", "source"])
    per_code = pd.DataFrame(per)
    n_coded = int(decisions["id"].nunique()) if len(decisions) else 0
    auto_n = per_code["auto_count"].to_numpy(dtype=float)
    prec_c = np.nan_to_num(per_code["cv_precision"].to_numpy(dtype=float), nan=0.0)
    est_precision = float((auto_n * prec_c).sum() / auto_n.sum()) if auto_n.sum() else float("nan")
    # recall over all code mentions, weighting codes by how often they occur in the confirmed codes
    pos = per_code["positives"].to_numpy(dtype=float)
    est_recall = (
        float((pos * per_code["cv_recall"].to_numpy(dtype=float)).sum() / pos.sum())
        if pos.sum()
        else 0.0
    )
    notes = []
    never = [r.code for r in per_code.itertuples() if pd.isna(r.threshold) and r.positives > 0]
    if never:
        notes.append(f"Not auto-coded (precision target not reached): {', '.join(never)}.")
    return AutocodeResult(
        decisions, per_code.drop(columns=["positives"]), target_precision, len(texts), n_coded,
        len(texts) - n_coded, est_precision, est_recall, notes,
    )  # fmt: skip

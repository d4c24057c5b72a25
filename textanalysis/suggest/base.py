"""Common estimator API of every suggester.

Suggesters behave like scikit-learn estimators: parameters in ``__init__``, learned
state in attributes ending in ``_``, ``fit`` returns ``self``, and predicting before
fitting raises ``NotFittedError``. ``predict_scores`` returns an (n_texts x n_codes)
matrix in [0, 1] whose columns are ``self.codes_``; ``explain`` returns the evidence
behind each score so an analyst can see *why* a code is suggested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.validation import check_is_fitted

from ..codebook import Codebook
from ..errors import Errors, SuggestError


@dataclass
class Evidence:
    """Why a code got its score: which words, which rule/keyword/pattern, which model."""

    code: str
    source: str  # rules | similarity | classifier | ensemble | auto
    score: float
    matched_text: str = ""
    start: int | None = None  # char offsets in the verbatim answer
    end: int | None = None
    detail: str = ""  # e.g. "keyword 'wachtlijst'", "negated by 'geen'", "similar to example"

    def to_dict(self) -> dict:
        return asdict(self)


class BaseSuggester(BaseEstimator):
    """Shared plumbing: code columns, label matrices, fitted checks."""

    codebook: Codebook

    def _set_codes(self, Y=None) -> None:
        codes = getattr(self, "codes", None)
        self.codes_ = list(codes) if codes is not None else select_codes(self.codebook, Y)
        self.code_index_ = {c: i for i, c in enumerate(self.codes_)}

    def _embedder(self):
        """``self.embedder``, else the process-wide default (``embed.get_embedder()``)."""
        if getattr(self, "embedder", None) is not None:
            return self.embedder
        from ..embed import get_embedder

        return get_embedder()

    def fit(self, texts: Sequence[str], Y: Sequence[set[str]] | None = None):  # pragma: no cover
        raise NotImplementedError

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def explain(self, texts: Sequence[str]) -> list[list[Evidence]]:
        """Default evidence: the score of every code above zero, strongest first."""
        check_is_fitted(self)
        S = self.predict_scores(texts)
        out = []
        for row in S:
            order = np.argsort(-row)
            out.append(
                [
                    Evidence(self.codes_[j], self._source_name(), float(row[j]))
                    for j in order
                    if row[j] > 0
                ]
            )
        return out

    def _source_name(self) -> str:
        return type(self).__name__.replace("Suggester", "").lower()


def select_codes(codebook: Codebook, Y=None) -> list[str]:
    """The codes to score, in codebook order: every leaf, plus parents meant to be coded directly
    (they have their own keywords/patterns/examples, or appear in the confirmed codes ``Y``).
    A parent that only groups its children is counted through them, not suggested itself."""
    used: set[str] = set()
    if Y is not None and not isinstance(Y, np.ndarray):
        for labels in Y:
            used.update(labels)
    return [
        c.id
        for c, _, _ in codebook.iter_codes()
        if not c.children or c.keywords or c.patterns or c.examples or c.id in used
    ]


def label_matrix(
    Y: Sequence[set[str]], codes: Sequence[str], codebook: Codebook | None = None
) -> np.ndarray:
    """Binary (n x n_codes) matrix from sets of code ids; unknown ids are a [G042] error."""
    Y, known_codes = list(Y), set(codes)
    for labels in Y:
        for code in labels:
            if code not in known_codes:
                raise SuggestError(
                    Errors.G042,
                    code=code,
                    codebook=" " + repr(codebook.name) if codebook else "",
                    known=", ".join(list(codes)[:30]),
                )
    return MultiLabelBinarizer(classes=list(codes)).fit_transform(Y).astype(np.int8)


def small_logistic(C: float = 1.0):
    """Logistic regression for a handful of dense features (score mappings, the stacker).

    liblinear is several times faster than lbfgs here; a large intercept scaling keeps the
    (unpenalised in spirit) intercept free to express rare codes' low base rates.
    """
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="liblinear", intercept_scaling=10.0, max_iter=500)


def logit(p: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    p = np.clip(p, eps, 1 - eps)
    return np.log(p / (1 - p))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


__all__ = ["BaseSuggester", "Evidence", "check_is_fitted", "label_matrix", "logit", "sigmoid"]

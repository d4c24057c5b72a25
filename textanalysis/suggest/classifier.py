"""Classifier suggester: learns from confirmed codes.

Features that work on short Dutch answers: TF-IDF over lemma word 1-2 grams, TF-IDF over
character n-grams within word boundaries (robust to compounds and typos), plus sentence
embeddings as dense features when an embedder is available. One-vs-rest logistic
regression with balanced class weights, so rare codes are not drowned out. Codes with
fewer than ``min_examples`` confirmed answers get NaN ("no opinion"): the ensemble then
falls back to rules and similarity instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ..codebook import Codebook
from . import _text
from .base import BaseSuggester, Evidence, check_is_fitted, label_matrix


class FeatureBuilder:
    """Fits the TF-IDF vocabularies once; ``transform`` stacks sparse text and dense embedding features.

    Separate from the classifier so cross-validation can reuse one fitted vocabulary
    (unsupervised, so no labels leak) and re-training stays fast.
    """

    def __init__(
        self, use_embeddings: bool = True, embedding_weight: float = 1.0, min_df: int = 1
    ) -> None:
        self.use_embeddings = use_embeddings
        self.embedding_weight = embedding_weight
        self.min_df = min_df

    def fit(self, texts: Sequence[str], lemmas: Sequence[str] | None = None) -> FeatureBuilder:
        lemmas = list(lemmas) if lemmas is not None else _text.lemma_strings(texts)
        self.word_ = TfidfVectorizer(
            ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        ).fit(lemmas)
        self.char_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=self.min_df,
            sublinear_tf=True,
            lowercase=True,
        ).fit([t.lower() for t in texts])
        self.n_sparse_ = len(self.word_.vocabulary_) + len(self.char_.vocabulary_)
        return self

    def transform(
        self, texts: Sequence[str], lemmas: Sequence[str] | None = None, emb=None
    ) -> sp.csr_matrix:
        lemmas = list(lemmas) if lemmas is not None else _text.lemma_strings(texts)
        parts = [self.word_.transform(lemmas), self.char_.transform([t.lower() for t in texts])]
        if self.use_embeddings and emb is not None:
            parts.append(sp.csr_matrix(np.asarray(emb, dtype=np.float64) * self.embedding_weight))
        return sp.hstack(parts, format="csr")


class _Linear:
    """One code's linear scorer: raw = X @ coef + intercept, probability = sigmoid(a * raw + b)."""

    def __init__(self, coef: np.ndarray, intercept: float, a: float = 1.0, b: float = 0.0) -> None:
        self.coef_ = np.asarray(coef, dtype=float).reshape(1, -1)
        self.intercept_ = np.array([intercept])
        self.a, self.b = a, b


class ClassifierSuggester(BaseSuggester):
    """One-vs-rest linear classifier on lemma/char TF-IDF (+ embeddings).

    ``solver="ridge"`` (default up to ``max_ridge`` answers): regularised least squares for all
    codes at once in its dual (kernel) form, one Cholesky factorisation, with *exact*
    leave-one-out scores for free (``loo_scores_``), each code's scores then mapped to
    probabilities by Platt scaling on those leave-one-out scores. That makes re-training
    after every few confirmations cheap. ``solver="logistic"``: one-vs-rest logistic regression
    with balanced class weights (used above ``max_ridge`` answers).

    Parameters: ``codebook``; ``min_examples`` confirmed answers a code needs before the
    classifier scores it; ``C`` inverse regularisation (ridge: alpha = 1/C); ``use_embeddings``;
    ``embedder``/``cache`` as for the similarity suggester.
    """

    def __init__(
        self,
        codebook: Codebook,
        min_examples: int = 3,
        C: float = 4.0,
        use_embeddings: bool = True,
        embedder=None,
        cache=None,
        codes: list[str] | None = None,
        solver: str = "ridge",
        max_ridge: int = 5000,
    ) -> None:
        self.codebook = codebook
        self.codes = codes
        self.solver = solver
        self.max_ridge = max_ridge
        self.min_examples = min_examples
        self.C = C
        self.use_embeddings = use_embeddings
        self.embedder = embedder
        self.cache = cache

    def _embed(self, texts):
        if not self.use_embeddings:
            return None
        return self._embedder().encode(list(texts), cache=self.cache)

    def fit(
        self,
        texts: Sequence[str],
        Y: Sequence[set[str]] | np.ndarray | None = None,
        *,
        X=None,
        features: FeatureBuilder | None = None,
    ) -> ClassifierSuggester:
        """Fit on confirmed codes. ``X``/``features`` let the ensemble pass precomputed features."""
        self._set_codes(None if isinstance(Y, np.ndarray) else Y)
        texts = list(texts)
        Ym = (
            Y
            if isinstance(Y, np.ndarray)
            else label_matrix(Y or [set()] * len(texts), self.codes_, self.codebook)
        )
        if features is None:
            features = FeatureBuilder(use_embeddings=self.use_embeddings).fit(texts)
        self.features_ = features
        if X is None:
            X = features.transform(texts, emb=self._embed(texts))
        self.support_ = Ym.sum(axis=0).astype(int)
        self.models_: dict[int, _Linear] = {}
        self.loo_scores_ = None
        n = len(texts)
        cols = [j for j in range(len(self.codes_)) if self.min_examples <= self.support_[j] < n]
        if not cols:
            return self
        if self.solver not in ("ridge", "logistic"):
            raise ValueError(f"solver must be 'ridge' or 'logistic', got {self.solver!r}")
        if self.solver == "ridge" and n <= self.max_ridge:
            self._fit_ridge(X, Ym, cols)
        else:
            for j in cols:
                lr = LogisticRegression(
                    C=self.C, class_weight="balanced", solver="liblinear", dual=True, max_iter=500
                ).fit(X, Ym[:, j])
                self.models_[j] = _Linear(lr.coef_[0], lr.intercept_[0])
        return self

    def _fit_ridge(self, X, Ym: np.ndarray, cols: list[int]) -> None:
        """Kernel ridge with a bias column; exact leave-one-out via the hat matrix diagonal."""
        from scipy.linalg import cho_factor, cho_solve
        from scipy.linalg.lapack import dpotri

        n = X.shape[0]
        alpha = 1.0 / self.C
        ns = getattr(self.features_, "n_sparse_", X.shape[1])
        K = (X[:, :ns] @ X[:, :ns].T).toarray() + 1.0  # +1: the bias feature
        if X.shape[1] > ns:  # dense embedding block: BLAS, not sparse products
            E = X[:, ns:].toarray()
            K += E @ E.T
        M = K + alpha * np.eye(n)
        cho = cho_factor(M, lower=True, check_finite=False)
        T = Ym[:, cols].astype(float)
        A = cho_solve(cho, T, check_finite=False)  # dual coefficients, n x codes
        fitted = K @ A
        inv, info = dpotri(cho[0], lower=1)
        Minv_diag = np.diag(inv) if info == 0 else np.diag(cho_solve(cho, np.eye(n)))
        h = 1.0 - alpha * Minv_diag  # diag of the hat matrix K M^-1 = I - alpha M^-1
        loo = (fitted - h[:, None] * T) / np.maximum(1.0 - h[:, None], 1e-9)
        W = np.asarray(X.T @ A)  # primal weights, features x codes
        b = A.sum(axis=0)
        pa, pb = _platt(loo, T)
        self.loo_scores_ = np.full((n, len(self.codes_)), np.nan)
        self.loo_scores_[:, cols] = 1.0 / (1.0 + np.exp(-(pa * loo + pb)))
        for k, j in enumerate(cols):
            self.models_[j] = _Linear(W[:, k], b[k], pa[k], pb[k])

    def active_codes(self) -> list[str]:
        check_is_fitted(self)
        return [self.codes_[j] for j in sorted(self.models_)]

    def predict_scores(self, texts: Sequence[str], *, X=None) -> np.ndarray:
        """Probabilities; NaN for codes with too few confirmed examples."""
        check_is_fitted(self)
        texts = list(texts)
        if X is None:
            X = self.features_.transform(texts, emb=self._embed(texts))
        S = np.full((X.shape[0], len(self.codes_)), np.nan)
        if self.models_:
            cols = sorted(self.models_)
            W = np.vstack([self.models_[j].coef_[0] for j in cols])
            b = np.array([self.models_[j].intercept_[0] for j in cols])
            a = np.array([self.models_[j].a for j in cols])
            c = np.array([self.models_[j].b for j in cols])
            raw = np.asarray(X @ W.T) + b
            S[:, cols] = 1.0 / (1.0 + np.exp(-(a * raw + c)))
        return S

    def explain(self, texts: Sequence[str], *, X=None) -> list[list[Evidence]]:
        """Top-weighted lemma n-grams present in each answer, per scored code."""
        check_is_fitted(self)
        texts = list(texts)
        lemmas = _text.lemma_strings(texts)
        if X is None:
            X = self.features_.transform(texts, lemmas=lemmas, emb=self._embed(texts))
        S = self.predict_scores(texts, X=X)
        n_word = len(self.features_.word_.vocabulary_)
        names = self.features_.word_.get_feature_names_out()
        out = []
        for r in range(len(texts)):
            row = X[r]
            evs = []
            for j in np.argsort(-np.nan_to_num(S[r], nan=-1))[:5]:
                if j not in self.models_:
                    continue
                coef = self.models_[j].coef_[0]
                idx = [i for i in row.indices if i < n_word]
                contrib = sorted(((coef[i] * row[0, i], names[i]) for i in idx), reverse=True)
                words = [w for c, w in contrib[:3] if c > 0]
                detail = (
                    "words " + ", ".join(f"'{w}'" for w in words) if words else "overall wording"
                )
                evs.append(
                    Evidence(
                        self.codes_[j],
                        "classifier",
                        round(float(S[r, j]), 4),
                        "; ".join(words),
                        None,
                        None,
                        f"learned from {self.support_[j]} confirmed answers: {detail}",
                    )
                )
            out.append(evs)
        return out


def _platt(
    raw: np.ndarray, y: np.ndarray, iters: int = 30, l2: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """Platt scaling of each column's leave-one-out scores, sigmoid(a * raw + b), all columns at
    once by Newton's method (tiny ridge penalty on ``a`` keeps separable codes finite)."""
    n, m = raw.shape
    a, b = np.ones(m), np.zeros(m)
    # Platt's smoothed targets avoid infinite weights when a code is perfectly separated
    pos = y.sum(axis=0)
    t = np.where(y > 0, (pos + 1) / (pos + 2), 1 / (n - pos + 2))
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(a * raw + b)))
        w = np.maximum(p * (1 - p), 1e-9)
        g_a = ((p - t) * raw).sum(axis=0) + l2 * a
        g_b = (p - t).sum(axis=0)
        h_aa = (w * raw * raw).sum(axis=0) + l2
        h_ab = (w * raw).sum(axis=0)
        h_bb = w.sum(axis=0)
        det = h_aa * h_bb - h_ab**2
        det = np.where(np.abs(det) < 1e-12, 1e-12, det)
        da = (h_bb * g_a - h_ab * g_b) / det
        db = (h_aa * g_b - h_ab * g_a) / det
        a, b = a - da, b - db
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            break
        if np.max(np.abs(da)) + np.max(np.abs(db)) < 1e-6:
            break
    bad = ~(np.isfinite(a) & np.isfinite(b))
    a[bad], b[bad] = 1.0, 0.0
    return a, b

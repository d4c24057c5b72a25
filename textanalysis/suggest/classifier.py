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
        return self

    def transform(
        self, texts: Sequence[str], lemmas: Sequence[str] | None = None, emb=None
    ) -> sp.csr_matrix:
        lemmas = list(lemmas) if lemmas is not None else _text.lemma_strings(texts)
        parts = [self.word_.transform(lemmas), self.char_.transform([t.lower() for t in texts])]
        if self.use_embeddings and emb is not None:
            parts.append(sp.csr_matrix(np.asarray(emb, dtype=np.float64) * self.embedding_weight))
        return sp.hstack(parts, format="csr")


class ClassifierSuggester(BaseSuggester):
    """One-vs-rest logistic regression on lemma/char TF-IDF (+ embeddings).

    Parameters: ``codebook``; ``min_examples`` confirmed answers a code needs before the
    classifier scores it; ``C`` inverse regularisation; ``use_embeddings``; ``embedder``/``cache``
    as for the similarity suggester.
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
    ) -> None:
        self.codebook = codebook
        self.codes = codes
        self.min_examples = min_examples
        self.C = C
        self.use_embeddings = use_embeddings
        self.embedder = embedder
        self.cache = cache

    def _embed(self, texts):
        if not self.use_embeddings:
            return None
        if self.embedder is None:
            from ..embed import get_embedder

            return get_embedder().encode(list(texts), cache=self.cache)
        return self.embedder.encode(list(texts), cache=self.cache)

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
        self.models_: dict[int, LogisticRegression] = {}
        n = len(texts)
        for j in range(len(self.codes_)):
            pos = int(self.support_[j])
            if pos < self.min_examples or pos >= n:
                continue
            self.models_[j] = LogisticRegression(
                C=self.C, class_weight="balanced", solver="liblinear", max_iter=200
            ).fit(X, Ym[:, j])
        return self

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
            S[:, cols] = 1.0 / (1.0 + np.exp(-(X @ W.T + b)))
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

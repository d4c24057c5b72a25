"""Similarity suggester: cold start from the codebook's own words and the survey's answers.

Each answer is embedded (``textanalysis.embed``; e5 by default, cached per text) and
compared with each code's description (label, definition, include note, keywords), its
examples and counter-examples. Raw cosines of one encoder sit in a narrow band (e5:
0.77-0.91) and some codes are "close to everything", so when the survey's answers are
known (``unlabeled``, as in the app and ``suggest``) the suggester works *transductively*:

* each code's prototype is refined with the answers nearest to it (pseudo-relevance
  feedback, as in Lbl2Vec: the code's words are expanded by the answers that use them);
* each code's cosines are standardised over the survey's answers (``z_code``), and each
  answer's over the codes (``z_answer``), so "clearly the best codes for this answer" and
  "clearly about this code, compared with the other answers" become comparable numbers.

Scores are probabilities from a small logistic mapping of these features: fitted on the
confirmed codes once there are some; else on the codebook's examples (each example held
out from its own code); else the fixed cold-start mapping ``COLD_MAPPING`` below.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codebook import Codebook
from . import _text
from .base import BaseSuggester, Evidence, check_is_fitted, label_matrix, sigmoid, small_logistic

# Cold-start mapping when there is nothing to calibrate on (no confirmed codes, fewer than
# five examples): logit p = logit(prior) + offset + w_code * z_code + w_answer * z_answer
# + w_label * (the code's label occurs in the answer), prior = CODES_PER_ANSWER / n_codes.
# The weights were fitted once by logistic regression on the labels-only development set
# (../shared/devdata/kamervragen, 40 codes) and are not tuned further; they only rely on
# standardised features, so they carry over to other encoders and codebook sizes. bench/quality.py
# prints the calibration of cold-start scores on every data set it is given.
COLD_MAPPING = {"offset": -0.9, "z_code": 0.14, "z_answer": 1.23, "label": 1.29}
CODES_PER_ANSWER = 2.0
N_FEATURES = 10


class SimilaritySuggester(BaseSuggester):
    """Cosine similarity to code descriptions/examples (and to confirmed answers, once fitted on them).

    Parameters: ``codebook``; ``embedder`` (default ``textanalysis.embed.get_embedder()``);
    ``cache`` a persistent embedding cache such as the Store; ``k_neighbours`` confirmed
    answers averaged per code; ``C`` regularisation of the score mapping; ``feedback``
    answers per code that refine its prototype (0: none; ``None``: from the survey's size);
    ``feedback_rounds`` refinement rounds.
    """

    def __init__(
        self,
        codebook: Codebook,
        embedder=None,
        cache=None,
        k_neighbours: int = 3,
        C: float = 1.0,
        codes: list[str] | None = None,
        feedback: int | None = None,
        feedback_rounds: int = 2,
    ) -> None:
        self.codebook = codebook
        self.codes = codes
        self.embedder = embedder
        self.cache = cache
        self.k_neighbours = k_neighbours
        self.C = C
        self.feedback = feedback
        self.feedback_rounds = feedback_rounds

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._embedder().encode(list(texts), cache=self.cache)

    # --- fitting --------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str] | None = None,
        Y: Sequence[set[str]] | None = None,
        *,
        X_emb=None,
        unlabeled: Sequence[str] | None = None,
    ):
        """Learn prototypes and the score mapping. ``texts``/``Y``: confirmed codes (optional);
        ``unlabeled``: the survey's other answers, used without their codes (optional)."""
        self._set_codes(Y)
        codes = [self.codebook.get(c) for c in self.codes_]
        defs = [_definition(c) for c in codes]
        labels = [c.label for c in codes]
        examples = [(j, e) for j, c in enumerate(codes) for e in c.examples if e.strip()]
        counters = [(j, e) for j, c in enumerate(codes) for e in c.counter_examples if e.strip()]
        V = self.embed(defs + labels + [e for _, e in examples] + [e for _, e in counters])
        n = len(codes)
        self.def_emb_ = V[:n]
        self.label_emb_ = V[n : 2 * n]
        self.ex_emb_ = V[2 * n : 2 * n + len(examples)]
        self.ex_code_ = np.array([j for j, _ in examples], dtype=int)
        self.ex_text_ = [e for _, e in examples]
        self.cnt_emb_ = V[2 * n + len(examples) :]
        self.cnt_code_ = np.array([j for j, _ in counters], dtype=int)
        # lexical twin of the embeddings: character n-grams catch "bezuinigd" ~ "bezuinigingen"
        self.lex_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(
            [t.lower() for t in defs + [e for _, e in examples]]
        )
        self.def_lex_ = self.lex_.transform([t.lower() for t in defs])
        self.ex_lex_ = self.lex_.transform([e.lower() for _, e in examples] or [""])[
            : len(examples)
        ]
        self.label_lemmas_ = [_text.lemma_string(d) for d in _text.process(labels)]
        texts = list(texts) if texts is not None else []
        A = (self.embed(texts) if X_emb is None else X_emb) if texts else np.zeros((0, V.shape[1]))
        pool_texts = list(dict.fromkeys([*(unlabeled or []), *texts]))
        pool = self.embed(pool_texts) if pool_texts else np.zeros((0, V.shape[1]))
        self._fit_prototypes(pool)
        self.train_emb_ = None
        self.train_Y_ = None
        self.mapping_ = None
        self.loo_scores_ = None
        F_train = None
        if texts and Y is not None:
            Ym = label_matrix(Y, self.codes_, self.codebook)
            F_train = self._features(A, texts, train_emb=A, train_Y=Ym, loo=True)
            if Ym.sum() >= 5 and (Ym.sum(axis=0) > 0).sum() >= 2:
                self.mapping_ = _fit_mapping(F_train, Ym, self.C)
            self.train_emb_ = A
            self.train_Y_ = Ym
        if self.mapping_ is None and len(examples) >= 5:
            self.mapping_ = self._example_mapping(counters)
        if F_train is not None:
            # leave-one-out scores of the training answers (their own code never counts as a neighbour)
            self.loo_scores_ = self._scores(F_train)
        return self

    def _fit_prototypes(self, pool: np.ndarray) -> None:
        """Each code's prototype (description + examples, refined with the survey answers nearest
        to it) and the mean/spread of its cosines over the survey's answers."""
        P = self.def_emb_ + self.label_emb_
        for j in range(len(self.codes_)):
            cols = self.ex_code_ == j
            if cols.any():
                P[j] = P[j] + self.ex_emb_[cols].mean(axis=0)
        base = _normalise(P)
        proto = base
        # statistics over the answers; with only a few, the codebook's own texts fill in
        ref = pool if len(pool) >= 20 else np.vstack([pool, self.def_emb_, self.ex_emb_])
        k = (
            self.feedback
            if self.feedback is not None
            else int(np.clip(len(pool) // (2 * len(proto)), 3, 10))
        )
        if len(pool) >= 20 and k > 0:
            for _ in range(self.feedback_rounds):
                Z = _standardise(pool @ proto.T)
                top = np.argsort(-Z, axis=0, kind="stable")[:k]
                proto = _normalise(base + pool[top].mean(axis=0))
        self.proto_ = proto
        C = ref @ proto.T
        self.proto_mean_ = C.mean(axis=0)
        self.proto_sd_ = np.maximum(C.std(axis=0), 1e-3)

    def _example_mapping(self, counters):
        """Calibrate on the codebook: each example held out from its own code's examples;
        counter-examples are negatives for their own code (the others unknown)."""
        n_ex, m = len(self.ex_text_), len(self.codes_)
        Yex = np.zeros((n_ex, m), dtype=np.int8)
        Yex[np.arange(n_ex), self.ex_code_] = 1
        F = self._features(self.ex_emb_, self.ex_text_, loo_examples=True)
        F2, Y2 = F.reshape(-1, F.shape[-1]), Yex.reshape(-1)
        if len(counters):
            Fc = self._features(self.cnt_emb_, [e for _, e in counters])
            F2 = np.concatenate([F2, Fc[np.arange(len(counters)), self.cnt_code_]])
            Y2 = np.concatenate([Y2, np.zeros(len(counters), dtype=np.int8)])
        if Y2.min() == Y2.max():
            return None
        return _fit_mapping(F2, Y2, self.C, flat=True)

    # --- features -------------------------------------------------------------------
    def _features(
        self, A: np.ndarray, texts: Sequence[str], train_emb=None, train_Y=None, loo: bool = False,
        loo_examples: bool = False,
    ) -> np.ndarray:  # fmt: skip
        """(n, n_codes, N_FEATURES): definition cosine, best example cosine, best counter-example
        cosine, margin to the answer's best code, mean cosine to the nearest confirmed answers,
        character n-gram cosine to definition/examples and its margin, the prototype cosine
        standardised per code and per answer, and whether the code's label occurs in the answer."""
        n, m = A.shape[0], len(self.codes_)
        Lx = self.lex_.transform([t.lower() for t in texts])
        f_lex = (Lx @ self.def_lex_.T).toarray()
        if self.ex_lex_.shape[0]:
            lsims = (Lx @ self.ex_lex_.T).toarray()
            if loo_examples:
                np.fill_diagonal(lsims, 0.0)
            f_lex = np.maximum(f_lex, _max_per_code(lsims, self.ex_code_, m, 0.0))
        lex_margin = f_lex - f_lex.max(axis=1, keepdims=True)
        f_def = np.maximum(A @ self.def_emb_.T, A @ self.label_emb_.T)
        f_ex = f_def.copy()
        if len(self.ex_emb_):
            sims = A @ self.ex_emb_.T
            if loo_examples:
                np.fill_diagonal(sims, -1.0)  # A is ex_emb_ itself: an example never matches itself
            f_ex = np.maximum(f_def, _max_per_code(sims, self.ex_code_, m, -1.0))
        f_cnt = np.zeros((n, m))
        if len(self.cnt_emb_):
            f_cnt = _max_per_code(A @ self.cnt_emb_.T, self.cnt_code_, m, 0.0)
        best = np.maximum(f_def, f_ex)
        margin = best - best.max(axis=1, keepdims=True)
        f_knn = np.zeros((n, m))
        if train_emb is not None and train_Y is not None and len(train_emb):
            f_knn = self._knn(A @ train_emb.T, train_Y, loo)
        z_code = (A @ self.proto_.T - self.proto_mean_) / self.proto_sd_
        z_answer = _standardise(z_code.T).T if m > 1 else np.zeros_like(z_code)
        f_label = self.label_hits(texts)
        return np.stack(
            [f_def, f_ex, f_cnt, margin, f_knn, f_lex, lex_margin, z_code, z_answer, f_label],
            axis=-1,
        )

    def _knn(self, sims: np.ndarray, train_Y: np.ndarray, loo: bool) -> np.ndarray:
        """Mean cosine to each code's ``k_neighbours`` nearest confirmed answers."""
        if loo:
            np.fill_diagonal(sims, -np.inf)
        out = np.zeros((sims.shape[0], train_Y.shape[1]))
        for j in range(train_Y.shape[1]):
            pos = np.flatnonzero(train_Y[:, j])
            if len(pos) == 0:
                continue
            kk = min(self.k_neighbours, len(pos))
            top = -np.sort(-sims[:, pos], axis=1)[:, :kk]
            finite = np.isfinite(top)
            count = finite.sum(axis=1)
            total = np.where(finite, top, 0.0).sum(axis=1)
            out[:, j] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
        return out

    def label_hits(self, texts: Sequence[str]) -> np.ndarray:
        """1 where a code's label (as lemmas, whole words) occurs in the answer."""
        lemmas = [f" {s} " for s in _text.lemma_strings(texts)]
        H = np.zeros((len(lemmas), len(self.codes_)))
        for j, lab in enumerate(self.label_lemmas_):
            if lab:
                H[:, j] = [f" {lab} " in t for t in lemmas]
        return H

    # --- prediction -----------------------------------------------------------------
    def predict_scores(self, texts: Sequence[str], *, X_emb=None) -> np.ndarray:
        check_is_fitted(self)
        A = self.embed(texts) if X_emb is None else X_emb
        return self._scores(self._features(A, list(texts), self.train_emb_, self.train_Y_))

    def _scores(self, F: np.ndarray) -> np.ndarray:
        if self.mapping_ is None:
            return cold_mapping(F, len(self.codes_))
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


def cold_mapping(F: np.ndarray, n_codes: int) -> np.ndarray:
    """Scores from the fixed cold-start mapping (``COLD_MAPPING``) of the standardised features."""
    prior = min(CODES_PER_ANSWER / max(n_codes, 1), 0.5)
    w = COLD_MAPPING
    z = (
        np.log(prior / (1 - prior)) + w["offset"] + w["z_code"] * F[..., 7]
        + w["z_answer"] * F[..., 8] + w["label"] * F[..., 9]
    )  # fmt: skip
    return sigmoid(z)


def _normalise(V: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    return V / np.where(norms == 0, 1.0, norms)


def _standardise(S: np.ndarray) -> np.ndarray:
    """Column-wise z-scores (a constant column becomes 0)."""
    sd = S.std(axis=0)
    return (S - S.mean(axis=0)) / np.where(sd < 1e-9, 1.0, sd)


def _max_per_code(sims: np.ndarray, owner: np.ndarray, m: int, empty: float) -> np.ndarray:
    """(n, m): the highest of ``sims``' columns owned by each code (``empty`` when it owns none)."""
    out = np.full((sims.shape[0], m), empty)
    for j in np.unique(owner):
        out[:, j] = sims[:, owner == j].max(axis=1)
    return out


def _definition(code) -> str:
    """What a code is about, in its own words: label, definition, include note and keywords."""
    parts = [code.label]
    if code.description:
        parts.append(code.description)
    if code.include:
        parts.append(code.include)
    if code.keywords:
        parts.append(", ".join(k.strip() for k in code.keywords if k.strip()))
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip())


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fit_mapping(F: np.ndarray, Y: np.ndarray, C: float, flat: bool = False) -> object:
    """Logistic mapping of the features to probabilities. Features are standardised first:
    cosines of one encoder differ by hundredths, and the penalty must not flatten them."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = F if flat else F.reshape(-1, F.shape[-1])
    y = Y if flat else Y.reshape(-1)
    return make_pipeline(StandardScaler(), small_logistic(C)).fit(X, y)

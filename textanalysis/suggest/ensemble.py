"""Ensemble: one calibrated score per (answer, code) from rules, similarity and classifier.

Before there is data (cold start) it combines rules and similarity with a fixed noisy-or.
With confirmed codes it fits a small stacked logistic regression, pooled over codes, on
*out-of-fold* scores of the learning suggesters (so it learns how far to trust each one on
answers they did not see); that stacker is itself a Platt-style calibration, and a second
cross-validation of it gives honest scores for the reliability table and for
``autocode``'s precision targets. A code is pre-selected when its score reaches
``threshold`` (0.5: more likely right than wrong).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold
from spacy.lang.nl.stop_words import STOP_WORDS

from ..codebook import Codebook
from . import _text
from .base import BaseSuggester, Evidence, check_is_fitted, label_matrix, logit, small_logistic
from .calibration import CalibrationReport, calibration_report
from .classifier import ClassifierSuggester, FeatureBuilder
from .rules import RuleSuggester
from .similarity import SimilaritySuggester

MIN_TRAINING_ANSWERS = 10  # fewer coded answers: cold start (rules + similarity) only
NEGATED_SIMILARITY = 0.3  # cold start: weight of similarity where every rule hit was negated


class EnsembleSuggester(BaseSuggester):
    """Rules + similarity (+ classifier once trained), stacked and calibrated.

    Parameters: ``codebook``; ``embedder``/``cache`` (embeddings, e.g. the Store);
    ``min_examples`` per code for the classifier; ``cv`` folds for out-of-fold scores;
    ``use_embeddings`` in the classifier; ``random_state``; ``solver`` of the classifier
    (``ridge``: fast, exact leave-one-out scores; ``logistic``: refitted per fold);
    ``threshold``: a code is pre-selected when its calibrated score reaches it. The default
    0.5 pre-selects exactly the codes that are more likely right than wrong, which is what
    minimises the ticks of an analyst who accepts the pre-selection and fixes the rest
    (each wrong pre-selection costs one untick, each right one saves one tick).
    """

    def __init__(
        self,
        codebook: Codebook,
        embedder=None,
        cache=None,
        min_examples: int = 3,
        cv: int = 5,
        use_embeddings: bool = True,
        random_state: int = 0,
        codes: list[str] | None = None,
        solver: str = "ridge",
        threshold: float = 0.5,
    ) -> None:
        self.codebook = codebook
        self.threshold = threshold
        self.codes = codes
        self.solver = solver
        self.embedder = embedder
        self.cache = cache
        self.min_examples = min_examples
        self.cv = cv
        self.use_embeddings = use_embeddings
        self.random_state = random_state

    def _sim(self) -> SimilaritySuggester:
        return SimilaritySuggester(
            self.codebook, embedder=self.embedder, cache=self.cache, codes=self.codes_
        )

    def _clf(self) -> ClassifierSuggester:
        return ClassifierSuggester(
            self.codebook, min_examples=self.min_examples, use_embeddings=self.use_embeddings,
            embedder=self.embedder, cache=self.cache, codes=self.codes_, solver=self.solver,
        )  # fmt: skip

    # --- fitting --------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str] | None = None,
        Y: Sequence[set[str]] | None = None,
        *,
        unlabeled: Sequence[str] | None = None,
    ) -> EnsembleSuggester:
        self._set_codes(Y)
        self.rules_ = RuleSuggester(self.codebook, codes=self.codes_).fit()
        texts = list(texts) if texts is not None else []
        Ym = label_matrix(Y, self.codes_, self.codebook) if Y is not None else None
        self.trained_ = bool(
            Ym is not None
            and len(texts) >= MIN_TRAINING_ANSWERS
            and (Ym.sum(axis=0) >= self.min_examples).any()
        )
        self.thresholds_ = np.full(len(self.codes_), float(self.threshold))
        self.stacker_ = None
        self.classifier_ = None
        self.oof_scores_ = None
        self.train_Y_ = None
        # the survey's answers, without their codes: prototypes and per-code statistics
        pool = list(unlabeled) if unlabeled is not None else []
        if not self.trained_:
            self.similarity_ = self._sim().fit(unlabeled=pool + texts)
            return self

        A = self._embedder().encode(texts, cache=self.cache)  # similarity always needs them
        lemmas = _text.lemma_strings(texts)
        self.features_ = FeatureBuilder(use_embeddings=self.use_embeddings).fit(texts, lemmas)
        X = self.features_.transform(texts, lemmas=lemmas, emb=A)
        R, rule_ev = self.rules_.score_with_evidence(texts)
        N = negated_matrix(rule_ev, self.code_index_, R.shape)
        n = len(texts)
        folds = min(self.cv, n)
        final_clf = self._clf()
        if final_clf.solver == "ridge" and n <= final_clf.max_ridge:
            # exact leave-one-out scores come with the fits: no refitting per fold
            self.similarity_ = self._sim().fit(
                texts, _sets(Ym, self.codes_), X_emb=A, unlabeled=pool
            )
            self.classifier_ = final_clf.fit(texts, Ym, X=X, features=self.features_)
            sim_oof, clf_oof = self.similarity_.loo_scores_, self.classifier_.loo_scores_
        else:
            sim_oof = np.zeros((n, len(self.codes_)))
            clf_oof = np.full((n, len(self.codes_)), np.nan)
            split = KFold(folds, shuffle=True, random_state=self.random_state).split(np.arange(n))
            for tr, te in split:
                tr_texts = [texts[i] for i in tr]
                sim = self._sim().fit(
                    tr_texts, _sets(Ym[tr], self.codes_), X_emb=A[tr], unlabeled=pool
                )
                sim_oof[te] = sim.predict_scores([texts[i] for i in te], X_emb=A[te])
                clf = self._clf().fit(tr_texts, Ym[tr], X=X[tr], features=self.features_)
                clf_oof[te] = clf.predict_scores([texts[i] for i in te], X=X[te])
            self.similarity_ = self._sim().fit(
                texts, _sets(Ym, self.codes_), X_emb=A, unlabeled=pool
            )
            self.classifier_ = final_clf.fit(texts, Ym, X=X, features=self.features_)
        self.prior_ = (Ym.sum(axis=0) + 0.5) / (n + 1.0)
        Z = self._stack_features(R, sim_oof, clf_oof, N)
        yv = Ym.reshape(-1)
        self.stacker_ = small_logistic().fit(Z, yv)
        # honest ensemble scores: cross-validate the stacker itself, answers kept together
        groups = np.repeat(np.arange(n), len(self.codes_))
        oof = np.zeros(len(yv))
        for tr, te in GroupKFold(min(folds, 3)).split(Z, yv, groups):
            if yv[tr].min() == yv[tr].max():
                oof[te] = yv[tr].mean()
                continue
            oof[te] = small_logistic().fit(Z[tr], yv[tr]).predict_proba(Z[te])[:, 1]
        self.oof_scores_ = oof.reshape(n, len(self.codes_))
        self.train_Y_ = Ym
        return self

    def _stack_features(
        self, R: np.ndarray, Ssim: np.ndarray, K: np.ndarray, N: np.ndarray
    ) -> np.ndarray:
        m = np.isnan(K)
        k = np.where(m, 0.0, logit(np.nan_to_num(K, nan=0.5)))
        s = logit(Ssim)
        prior = np.broadcast_to(logit(self.prior_), R.shape)
        mf = m.astype(float)
        cold = logit(
            _cold_combination(R, Ssim, N)
        )  # the stacker can always fall back to cold start
        cols = [k, mf, R, s, R * mf, s * mf, prior, N, cold]
        return np.stack([c.reshape(-1) for c in cols], axis=1)

    # --- prediction -----------------------------------------------------------------
    def components(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Scores of each suggester: ``rules``, ``similarity``, ``classifier`` (NaN = no opinion),
        plus the rule evidence and, once trained, the classifier's input ``features``."""
        check_is_fitted(self)
        texts = list(texts)
        A = self._embedder().encode(texts, cache=self.cache)
        R, evidence = self.rules_.score_with_evidence(texts)
        out = {
            "rules": R,
            "negated": negated_matrix(evidence, self.code_index_, R.shape),
            "rule_evidence": evidence,
            "similarity": self.similarity_.predict_scores(texts, X_emb=A),
            "label_hits": self.similarity_.label_hits(texts),
        }
        if self.classifier_ is not None:
            X = self.features_.transform(texts, emb=A)
            out["features"] = X
            out["classifier"] = self.classifier_.predict_scores(texts, X=X)
        return out

    def _combine(self, comp: dict[str, np.ndarray]) -> np.ndarray:
        R, S, N = comp["rules"], comp["similarity"], comp["negated"]
        if self.stacker_ is None:
            return _cold_combination(R, S, N)
        Z = self._stack_features(R, S, comp["classifier"], N)
        return self.stacker_.predict_proba(Z)[:, 1].reshape(R.shape)

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        return self._combine(self.components(texts))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Binary (n x codes): the codes pre-selected for the analyst (score >= threshold)."""
        return (self.predict_scores(texts) >= self.thresholds_).astype(int)

    def calibration(self, n_bins: int = 10) -> CalibrationReport:
        """Reliability of the cross-validated ensemble scores on the confirmed codes."""
        check_is_fitted(self)
        if self.oof_scores_ is None:
            raise ValueError("calibration needs confirmed codes: fit with Y first")
        return calibration_report(self.train_Y_, self.oof_scores_, n_bins)

    def explain(self, texts: Sequence[str]) -> list[list[Evidence]]:
        texts = list(texts)
        table = self.suggest(texts, top_k=len(self.codes_), ids=list(range(len(texts))))
        out: list[list[Evidence]] = [[] for _ in texts]
        for row in table.itertuples():
            out[row.id].append(
                Evidence(row.code, row.source, row.score, "", None, None, row.evidence)
            )
        return out

    def suggest(
        self, texts: Sequence[str], top_k: int = 5, ids: Sequence | None = None
    ) -> pd.DataFrame:
        """Long table ``id,code,score,suggested,source,evidence``: the ``top_k`` best codes per answer
        plus every suggested code, strongest first."""
        check_is_fitted(self)
        texts = list(texts)
        ids = list(ids) if ids is not None else list(range(len(texts)))
        comp = self.components(texts)
        scores = self._combine(comp)
        rule_ev = comp["rule_evidence"]
        clf_words = (
            _ClassifierWords(self.classifier_, comp["features"])
            if self.classifier_ is not None
            else None
        )
        rows = []
        for r in range(len(texts)):
            order = np.argsort(-scores[r], kind="stable")
            by_code: dict[str, list[Evidence]] = {}
            for ev in rule_ev[r]:
                by_code.setdefault(ev.code, []).append(ev)
            for rank, j in enumerate(order):
                sug = scores[r, j] >= self.thresholds_[j]
                if rank >= top_k and not sug:
                    continue
                code = self.codes_[j]
                parts, source = self._evidence_parts(r, j, comp, by_code.get(code, []), clf_words)
                rows.append(
                    {"id": ids[r], "code": code, "score": round(float(scores[r, j]), 4),
                     "suggested": int(sug), "source": source, "evidence": " | ".join(parts)}
                )  # fmt: skip
        return pd.DataFrame(
            rows, columns=["id", "code", "score", "suggested", "source", "evidence"]
        )

    def _evidence_parts(self, r, j, comp, rule_hits, clf_words):
        parts = []
        for ev in rule_hits:
            parts.append(f"rules {ev.score:.2f}: '{ev.matched_text}' ({ev.detail})")
        sim = comp["similarity"][r, j]
        k = comp.get("classifier")
        if k is not None and not np.isnan(k[r, j]):
            words = clf_words.get((r, j)) if clf_words else None
            parts.append(f"classifier {k[r, j]:.2f}" + (f": {words}" if words else ""))
        if comp["label_hits"][r, j]:
            label = self.codebook.get(self.codes_[j]).label
            parts.append(f"similarity {sim:.2f} (label '{label}' in the answer)")
        else:
            parts.append(f"similarity {sim:.2f}")
        if self.stacker_ is not None:
            return parts, "ensemble"
        strong_rule = any(ev.score >= 0.5 for ev in rule_hits)
        return parts, ("rules" if strong_rule else "similarity")


class _ClassifierWords:
    """Lemma n-grams in an answer that pushed the classifier towards a code, computed only for
    the (answer, code) pairs that end up in the output."""

    def __init__(self, clf: ClassifierSuggester, X) -> None:
        """``X``: the answers' classifier features; its first columns are the lemma n-grams."""
        self.clf = clf
        self.names = clf.features_.word_.get_feature_names_out()
        self.Xw = X[:, : len(self.names)].tocsr()
        self.is_stop = np.array([set(n.split()) <= STOP_WORDS for n in self.names], dtype=bool)

    def get(self, key: tuple[int, int]) -> str | None:
        r, j = key
        model = self.clf.models_.get(j)
        if model is None:
            return None
        lo, hi = self.Xw.indptr[r], self.Xw.indptr[r + 1]
        idx, data = self.Xw.indices[lo:hi], self.Xw.data[lo:hi]
        if len(idx) == 0:
            return None
        c = model.coef_[0][idx] * data
        top = [self.names[idx[i]] for i in np.argsort(-c) if c[i] > 0 and not self.is_stop[idx[i]]][
            :3
        ]
        return ", ".join(f"'{w}'" for w in top) if top else None


def _cold_combination(R: np.ndarray, S: np.ndarray, N: np.ndarray) -> np.ndarray:
    """Noisy-or of rules and similarity; similarity cannot read "geen"/"niet", so where the rules
    saw only negated mentions it counts less."""
    return 1 - (1 - R) * (1 - S * np.where(N > 0, NEGATED_SIMILARITY, 1.0))


def _sets(Ym: np.ndarray, codes: Sequence[str]) -> list[set[str]]:
    return [{codes[j] for j in np.flatnonzero(row)} for row in Ym]


def negated_matrix(evidence: list[list[Evidence]], index: dict[str, int], shape) -> np.ndarray:
    """1 where a code's rule hits in an answer were all negated ("geen wachtlijsten"), else 0."""
    N = np.zeros(shape)
    for r, evs in enumerate(evidence):
        seen: dict[str, bool] = {}
        for ev in evs:
            neg = "negated by" in ev.detail
            seen[ev.code] = seen.get(ev.code, True) and neg
        for code, all_neg in seen.items():
            if all_neg:
                N[r, index[code]] = 1.0
    return N

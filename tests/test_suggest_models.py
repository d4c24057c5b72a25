"""Similarity, classifier and ensemble suggesters; calibration and thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from suggest_data import codebook, labels, texts

from textanalysis.suggest import (
    ClassifierSuggester,
    EnsembleSuggester,
    SimilaritySuggester,
    calibration_report,
)
from textanalysis.suggest.calibration import precision_thresholds
from textanalysis.suggest.evaluate import cross_val_predict_sets


@pytest.fixture(scope="module")
def trained() -> EnsembleSuggester:
    return EnsembleSuggester(codebook(), cv=3).fit(texts(), labels())


@pytest.mark.parametrize("cls", [SimilaritySuggester, ClassifierSuggester, EnsembleSuggester])
def test_estimator_api(cls):
    model = cls(codebook())
    with pytest.raises(NotFittedError):
        model.predict_scores(["werkdruk"])
    assert "codebook" in model.get_params()
    assert model.fit(texts(), labels()) is model
    S = model.predict_scores(["De werkdruk is hoog", "Lange wachtlijsten"])
    assert S.shape == (2, len(codebook().code_ids))
    assert list(model.codes_) == codebook().code_ids
    ok = S[~np.isnan(S)]
    assert np.all((ok >= 0) & (ok <= 1))


def test_similarity_cold_start_ranks_the_right_code_first():
    sim = SimilaritySuggester(codebook()).fit()
    S = sim.predict_scores(
        ["Er is een groot tekort aan geld in de begroting", "Ons werk wordt overbelast door drukte"]
    )
    assert sim.codes_[int(np.argmax(S[0]))] == "financien"
    assert sim.codes_[int(np.argmax(S[1]))] == "werkdruk"
    ev = sim.explain(["bezuinigingen"])[0]
    assert (
        ev[0].code == "financien" and ev[0].source == "similarity" and "similar to" in ev[0].detail
    )


def test_similarity_uses_the_cache_and_embeds_each_text_once():
    from textanalysis.embed import get_embedder

    class DictCache:
        def __init__(self):
            self.data: dict = {}

        def embeddings_get(self, key, hashes):
            return {h: self.data[(key, h)] for h in hashes if (key, h) in self.data}

        def embeddings_put(self, key, vectors):
            self.data.update({(key, h): v for h, v in vectors.items()})

    cache = DictCache()
    emb = get_embedder()
    text = "Een tekst die alleen deze test gebruikt 7f3a"
    SimilaritySuggester(codebook(), cache=cache).fit().predict_scores([text, text])
    assert (emb.key, __import__("textanalysis.embed").embed.text_key(text)) in cache.data


def test_classifier_falls_back_for_rare_codes():
    clf = ClassifierSuggester(codebook(), min_examples=4).fit(texts(), labels())
    S = clf.predict_scores(["wachtlijst"])
    support = dict(zip(clf.codes_, clf.support_, strict=True))
    for j, code in enumerate(clf.codes_):
        assert np.isnan(S[0, j]) == (support[code] < 4), code
    assert "wachtlijsten" in clf.active_codes()


def test_ensemble_trained_beats_nothing_and_explains(trained):
    S = trained.predict_scores(["Er is veel verloop, vacatures blijven open"])
    assert trained.codes_[int(np.argmax(S[0]))] == "personeel"
    table = trained.suggest(
        ["Er is veel verloop, vacatures blijven open", ""], top_k=5, ids=["x", "y"]
    )
    assert set(table["id"]) == {"x", "y"}
    assert (table.groupby("id").size() >= 5).all()
    top = table.iloc[0]
    assert (
        top["source"] == "ensemble"
        and "classifier" in top["evidence"]
        and "rules" in top["evidence"]
    )
    # pre-selected exactly where the calibrated score says "more likely right than wrong"
    assert np.all(trained.thresholds_ == 0.5)
    assert ((table["score"] >= 0.5) == (table["suggested"] == 1)).all()


def test_cold_ensemble_default_threshold_and_sources():
    model = EnsembleSuggester(codebook()).fit()
    assert np.all(model.thresholds_ == 0.5)
    table = model.suggest(["Veel administratie", "Er zijn geen wachtlijsten"])
    first = table[table["id"] == 0].iloc[0]
    assert (
        first["code"] == "administratie" and first["source"] == "rules" and first["suggested"] == 1
    )
    wl = table[(table["id"] == 1) & (table["code"] == "wachtlijsten")].iloc[0]
    assert wl["suggested"] == 0 and "negated by 'geen'" in wl["evidence"]


def test_calibration_report_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.3, 0.6, 0.9])
    rep = calibration_report(y, p, n_bins=10)
    assert rep.brier == pytest.approx(np.mean((p - y) ** 2))
    assert rep.table["count"].sum() == 4
    assert "Brier" in str(rep)
    perfect = calibration_report([0, 1], [0.0, 1.0])
    assert perfect.brier == 0 and perfect.ece == 0


def test_ensemble_calibration_is_reported(trained):
    rep = trained.calibration()
    assert rep.n == len(texts()) * len(trained.codes_)
    assert 0 <= rep.brier < 0.1  # far better than always saying 0.5 (0.25)
    base = float(trained.train_Y_.mean())
    assert rep.brier < base * (1 - base)  # better than always predicting the base rate


def test_precision_targets():
    y = np.array([1, 1, 1, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.4, 0.6, 0.2, 0.1])
    info = precision_thresholds(y[:, None], s[:, None], target=0.99, min_predicted=2)[0]
    assert (
        info["threshold"] == 0.8
        and info["precision"] == 1.0
        and info["recall"] == pytest.approx(2 / 3)
    )
    never = precision_thresholds(np.array([[0], [1]]), np.array([[0.9], [0.1]]), 0.9, 1)[0]
    assert never["threshold"] is None


def test_cross_validation_never_sees_the_scored_answer():
    seen = []

    class Spy(EnsembleSuggester):
        def fit(self, t=None, Y=None):
            seen.append(set(t or []))
            return super().fit(t, Y)

    tx = texts()
    S, P = cross_val_predict_sets(
        lambda: Spy(codebook(), cv=2), tx, labels(), cv=3, codes=codebook().code_ids
    )
    assert S.shape == P.shape == (len(tx), len(codebook().code_ids))
    assert len(seen) == 3 and all(len(s) < len(tx) for s in seen)


def test_spacy_vectors_embedder_missing_model_is_a_clear_error():
    from textanalysis.embed import spacy_vectors_embedder
    from textanalysis.errors import NlpError

    with pytest.raises(NlpError, match=r"\[N050\].*nl_core_news_xx_missing"):
        spacy_vectors_embedder("nl_core_news_xx_missing")


def test_similarity_with_another_embedder():
    from textanalysis.embed import Embedder

    calls = []

    def encode(texts):
        calls.append(len(texts))
        rng = np.random.default_rng(0)
        return np.vstack(
            [rng.normal(size=8) + (5 if "werkdruk" in t.lower() else 0) for t in texts]
        )

    sim = SimilaritySuggester(codebook(), embedder=Embedder("fake-1", encode, 8)).fit()
    S = sim.predict_scores(["werkdruk werkdruk", "iets anders"])
    assert S.shape == (2, len(sim.codes_)) and calls


def test_ridge_leave_one_out_matches_refitting():
    """The exact leave-one-out shortcut equals refitting without the answer (same vocabulary)."""
    from textanalysis.suggest.classifier import FeatureBuilder

    tx, Y = texts(), labels()
    clf = ClassifierSuggester(codebook(), min_examples=3, use_embeddings=False).fit(tx, Y)
    fb = clf.features_
    X = fb.transform(tx)
    i = 4
    keep = [r for r in range(len(tx)) if r != i]
    Ym = np.array([[c in y for c in clf.codes_] for y in Y], dtype=int)
    from scipy.linalg import solve

    K = (X[keep] @ X[keep].T).toarray() + 1.0
    j = clf.codes_.index("werkdruk")
    a = solve(K + (1 / clf.C) * np.eye(len(keep)), Ym[keep, j].astype(float))
    raw_refit = float((((X[i] @ X[keep].T).toarray() + 1.0) @ a)[0])
    m = clf.models_[j]
    loo_prob = clf.loo_scores_[i, j]
    assert loo_prob == pytest.approx(1 / (1 + np.exp(-(m.a * raw_refit + m.b))), rel=1e-6)
    assert isinstance(fb, FeatureBuilder)


def test_logistic_solver_path():
    model = EnsembleSuggester(codebook(), cv=3, solver="logistic").fit(texts(), labels())
    assert model.classifier_.solver == "logistic" and model.calibration().n > 0
    S = model.predict_scores(["Veel verloop en vacatures"])
    assert model.codes_[int(np.argmax(S[0]))] == "personeel"


def test_trained_ensemble_pickles(trained):
    """The app keeps fitted models between reruns: they must survive pickling."""
    import pickle

    again = pickle.loads(pickle.dumps(trained))
    probe = ["Hoge werkdruk en wachtlijsten"]
    assert np.allclose(again.predict_scores(probe), trained.predict_scores(probe))

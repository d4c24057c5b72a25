"""Active learning: which uncoded answers should the analyst code next?

``next_units`` orders answers by how much coding them would teach the model: uncertainty
(scores near each code's threshold, summed over codes) traded off against diversity (an
answer very similar to one already picked or already coded teaches little). ``plain``
keeps import order, ``random`` shuffles (the baseline active learning must beat).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from ..errors import Errors, SuggestError

STRATEGIES = ("active", "plain", "random")


def uncertainty(scores: np.ndarray, thresholds: np.ndarray | float = 0.5) -> np.ndarray:
    """Per answer: how close its scores are to the decision boundaries (1 = on a boundary).

    Uses the strongest per-code uncertainty plus a small share of the total, so an answer
    that is unsure about one code ranks first but multi-code confusion also counts.
    """
    S = np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0)
    t = np.broadcast_to(np.asarray(thresholds, dtype=float), S.shape)
    # distance to the threshold, scaled so 0 and 1 are both "certain"
    d = np.where(S >= t, (S - t) / np.maximum(1 - t, 1e-6), (t - S) / np.maximum(t, 1e-6))
    u = 1 - np.clip(d, 0, 1)
    return u.max(axis=1) + 0.1 * u.sum(axis=1)


def select_diverse(
    utility: np.ndarray,
    emb: np.ndarray | None,
    n: int,
    labelled_emb: np.ndarray | None = None,
    weight: float = 0.5,
) -> list[int]:
    """Greedy: pick the highest utility x (1 - weight * similarity to anything picked or coded)."""
    utility = np.asarray(utility, dtype=float)
    n = min(n, len(utility))
    if emb is None or len(utility) == 0:
        return list(np.argsort(-utility, kind="stable")[:n])
    u = np.clip(utility, 0, None) / (utility.max() if utility.max() > 0 else 1.0)
    max_sim = np.zeros(len(u))
    if labelled_emb is not None and len(labelled_emb):
        max_sim = np.clip((emb @ labelled_emb.T).max(axis=1), 0, 1)
    chosen: list[int] = []
    avail = np.ones(len(u), dtype=bool)
    for _ in range(n):
        val = np.where(avail, (u + 0.05) * (1 - weight * max_sim), -np.inf)
        i = int(np.argmax(val))
        chosen.append(i)
        avail[i] = False
        max_sim = np.maximum(max_sim, np.clip(emb @ emb[i], 0, 1))
    return chosen


def next_units(
    units: pd.DataFrame,
    labelled: Collection,
    model=None,
    n: int = 10,
    strategy: str = "active",
    seed: int = 0,
    id_column: str = "unit_id",
    embedder=None,
    cache=None,
) -> list:
    """Ids of the next ``n`` answers to code from ``units`` (columns ``id_column``, ``text``),
    skipping ``labelled`` ids. ``model`` is a fitted suggester with ``predict_scores`` (and
    ``thresholds_``); without one, ``active`` picks diverse answers (cold start)."""
    if strategy not in STRATEGIES:
        raise SuggestError(Errors.G013, strategy=strategy, strategies=", ".join(STRATEGIES))
    done = set(labelled)
    todo = units[~units[id_column].isin(done)]
    if "substantive" in todo.columns:
        todo = todo[todo["substantive"].astype(bool)]
    if todo.empty or n <= 0:
        return []
    ids = todo[id_column].tolist()
    if strategy == "plain":
        return ids[:n]
    if strategy == "random":
        rng = np.random.default_rng(seed)
        return [ids[i] for i in rng.permutation(len(ids))[:n]]
    texts = todo["text"].astype(str).tolist()
    if embedder is None:
        from ..embed import get_embedder

        embedder = get_embedder()
    emb = embedder.encode(texts, cache=cache)
    lab = units[units[id_column].isin(done)]
    lab_emb = embedder.encode(lab["text"].astype(str).tolist(), cache=cache) if len(lab) else None
    if model is None:
        util = np.ones(len(texts))
    else:
        S = model.predict_scores(texts)
        util = uncertainty(S, getattr(model, "thresholds_", 0.5))
    return [ids[i] for i in select_diverse(util, emb, n, lab_emb)]


def coder_training_set(
    store, survey: str, question: str, coder: str, wave: str | None = None
) -> tuple[pd.DataFrame, set, pd.DataFrame, list[set[str]]]:
    """``coder``'s view of a question: (all units, ids the coder has any decision on, the units
    the coder decided by hand, their current code sets). Auto-coded units count as decided
    (not offered again) but are never training examples: their auto codes are no labels."""
    units = store.units(survey, question, wave)
    dec = store.decisions(survey=survey, question=question, wave=wave, coder=coder)
    human = set(dec.loc[dec["source"] != "auto", "unit_id"])
    codes = store.current_codes(
        survey=survey, question=question, wave=wave, coder=coder, include_auto=False
    )
    by_unit = codes.groupby("unit_id")["code"].apply(set).to_dict()
    coded = units[units["unit_id"].isin(human)]
    return units, set(dec["unit_id"]), coded, [by_unit.get(u, set()) for u in coded["unit_id"]]


def next_units_for(store, survey: str, question: str, coder: str, n: int = 10, strategy: str = "active",
                   codebook=None, wave: str | None = None, seed: int = 0) -> pd.DataFrame:  # fmt: skip
    """Store-facing: the next ``n`` uncoded units of ``coder`` for one question, as unit rows in order."""
    units, decided, coded, labels = coder_training_set(store, survey, question, coder, wave)
    model = None
    if strategy == "active" and codebook is not None:
        from .ensemble import EnsembleSuggester

        known = set(codebook.code_ids)
        Y = [{c for c in y if c in known} for y in labels]
        model = EnsembleSuggester(codebook, cache=store, cv=3).fit(
            coded["text"].tolist(), Y, unlabeled=units["text"].astype(str).tolist()
        )
    picked = next_units(units, decided, model, n, strategy, seed, cache=store)
    return units.set_index("unit_id").loc[picked].reset_index()

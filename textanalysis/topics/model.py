# Long on purpose: BERTopic fitting, keyphrases, labels and the 2-D map share the same embeddings and cluster arrays of one run.
"""Fitting topics with BERTopic on precomputed embeddings (fast: PCA+KMeans; real: UMAP+HDBSCAN)."""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Errors, TopicsError
from .result import (
    _SOFTMAX_TEMPERATURE,
    _TOKEN_PATTERN,
    ASSIGNMENT_COLUMNS,
    DEFAULT_STOP_WORDS_EXTRA,
    MIN_ANSWERS,
    NO_ANSWER_LABEL,
    NO_ANSWER_TOPIC,
    OUTLIER_LABEL,
    TOPIC_COLUMNS,
    TopicResult,
)
from .text import dutch_stop_words, lemma_strings, non_answer_reason, pipeline_key


# --------------------------------------------------------------------------------------
# Defaults for N from 50 to 100,000
# --------------------------------------------------------------------------------------
def default_n_topics(n: int) -> int:
    """KMeans k for the fast configuration: ~sqrt(N/2), 2..50 (141 answers -> 8 themes)."""
    return int(np.clip(round(math.sqrt(n / 2)), 2, 50))


def default_min_topic_size(n: int) -> int:
    """HDBSCAN min cluster size: 1.5% of N, at least 5 answers, at most 500."""
    return int(np.clip(round(0.015 * n), 5, 500))


# --------------------------------------------------------------------------------------
# BERTopic plumbing
# --------------------------------------------------------------------------------------
def _bertopic_embedder(embedder, cache=None):
    """A BERTopic backend around our embedder, for representation steps that embed words."""
    from bertopic.backend import BaseEmbedder

    class _Backend(BaseEmbedder):
        def embed(self, documents, verbose: bool = False) -> np.ndarray:
            docs = [documents] if isinstance(documents, str) else list(documents)
            return embedder.encode(docs, cache=cache)

    return _Backend()


class LemmaAnalyzer:
    """Keyphrases of 1..ngram_max lemmas that never cross a stop word, punctuation or answer.

    BERTopic joins all answers of a topic into one document; each answer ends in ``|`` (see
    :func:`_documents`), so "preventie | bezuiniging" never becomes a phrase.
    """

    def __init__(self, stop_words: Iterable[str], ngram_max: int = 3) -> None:
        self.stop_words = frozenset(stop_words)
        self.ngram_max = ngram_max
        self._token = re.compile(_TOKEN_PATTERN)

    def __call__(self, doc: str) -> list[str]:
        out: list[str] = []
        for segment in _BOUNDARY.split(doc.lower()):
            run: list[str] = []
            for tok in [*self._token.findall(segment), None]:
                if tok is not None and tok not in self.stop_words:
                    run.append(tok)
                    continue
                for size in range(1, self.ngram_max + 1):
                    out.extend(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
                run = []
        return out


_BOUNDARY = re.compile(r"[|.,;:!?()\[\]/\n]+")


def _documents(lemma_docs: Sequence[str]) -> list[str]:
    """Lemma strings as BERTopic documents: each ends in an answer boundary."""
    return [f"{d.strip() or 'leeg'} |" for d in lemma_docs]


def _vectorizer(stop_words: list[str], ngram_max: int = 3):
    from sklearn.feature_extraction.text import CountVectorizer

    # min_df stays 1: BERTopic fits the vectorizer on one joined document per topic.
    return CountVectorizer(analyzer=LemmaAnalyzer(stop_words, ngram_max), lowercase=False)


def _models(n: int, *, fast: bool, n_topics: int | None, min_topic_size: int | None, seed: int):
    """(reducer, clusterer, nr_topics, settings) for N substantive answers."""
    if fast:
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA

        k = n_topics or default_n_topics(n)
        dims = int(min(10, n - 1))
        return (
            PCA(n_components=dims, random_state=seed),
            KMeans(n_clusters=k, random_state=seed, n_init=10),
            None,
            {"reducer": "PCA", "n_components": dims, "clusterer": "KMeans", "k": k},
        )
    from hdbscan import HDBSCAN
    from umap import UMAP

    mcs = min_topic_size or default_min_topic_size(n)
    min_samples = max(2, mcs // 2)
    neighbours = int(min(15, n - 1))
    dims = int(min(5, n - 2))
    reducer = UMAP(
        n_neighbors=neighbours,
        n_components=dims,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        init="spectral" if n >= 50 else "random",
    )
    clusterer = HDBSCAN(
        min_cluster_size=mcs,
        min_samples=min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=False,
    )
    settings = {
        "reducer": "UMAP",
        "n_neighbors": neighbours,
        "n_components": dims,
        "clusterer": "HDBSCAN",
        "min_cluster_size": mcs,
        "min_samples": min_samples,
        "nr_topics": n_topics,
    }
    return reducer, clusterer, n_topics, settings


def _check_inputs(
    texts: Sequence[Any], ids: Sequence[Any] | None, n_topics: int | None, seed: int
) -> list[str]:
    if ids is None:
        ids = [str(i) for i in range(len(texts))]
    ids = [str(i) for i in ids]
    if len(ids) != len(texts):
        raise TopicsError(Errors.T010, n_ids=len(ids), n_texts=len(texts))
    counts = Counter(ids)
    dupes = sorted(i for i, c in counts.items() if c > 1)
    if dupes:
        shown = ", ".join(f"'{d}'" for d in dupes[:10])
        raise TopicsError(Errors.T003, shown=shown)
    if n_topics is not None and (not isinstance(n_topics, int) or n_topics < 2):
        raise TopicsError(Errors.T005, n_topics=n_topics)
    if not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise TopicsError(Errors.T014, seed=seed)
    return ids


def fit_topics(
    texts: Sequence[Any],
    ids: Sequence[Any] | None = None,
    *,
    n_topics: int | None = None,
    seed: int = 42,
    fast: bool = False,
    stop_words_extra: Iterable[str] = DEFAULT_STOP_WORDS_EXTRA,
    min_topic_size: int | None = None,
    outlier_threshold: float = 0.0,
    embedder=None,
    cache=None,
) -> TopicResult:
    """Fit BERTopic on answers and return assignments for every id plus a topic table.

    ``n_topics``: KMeans k (fast) or BERTopic's ``nr_topics`` (real; HDBSCAN may find fewer).
    ``outlier_threshold``: minimum cosine similarity for an outlier to join its nearest
    topic; outliers below it stay in topic -1 ("overig").
    """
    texts = list(texts)
    ids = _check_inputs(texts, ids, n_topics, seed)
    reasons = [non_answer_reason(t) for t in texts]
    keep = [i for i, r in enumerate(reasons) if r is None]
    n = len(keep)
    if n < MIN_ANSWERS:
        raise TopicsError(
            Errors.T004,
            n=n,
            n_texts=len(texts),
            min_answers=MIN_ANSWERS,
        )
    if n_topics is not None and n_topics > n // 2:
        raise TopicsError(
            Errors.T043,
            n_topics=n_topics,
            n=n,
            most=n // 2,
        )
    sub_texts = [str(texts[i]) for i in keep]
    sub_ids = [ids[i] for i in keep]

    from ..embed import get_embedder

    embedder = embedder or get_embedder()
    embeddings = np.asarray(embedder.encode(sub_texts, cache=cache), dtype=np.float64)
    docs = _documents(lemma_strings(sub_texts, cache=cache))
    stop_words = dutch_stop_words(stop_words_extra)

    topic_ids, settings = _cluster(
        docs, embeddings, stop_words, fast, n_topics, min_topic_size, seed, outlier_threshold
    )
    keywords = _keywords(docs, topic_ids, embedder, stop_words, cache)

    # Canonical numbering: largest topic first, ties by first answer; -1 stays -1.
    sizes = Counter(t for t in topic_ids if t >= 0)
    first = {t: i for i, t in reversed(list(enumerate(topic_ids)))}
    order = sorted(sizes, key=lambda t: (-sizes[t], first[t]))
    remap = {old: new for new, old in enumerate(order)}
    remap[-1] = -1
    final = np.array([remap[t] for t in topic_ids])
    keywords = {remap[t]: kws for t, kws in keywords.items() if t in remap}

    labels = {t: _label(keywords.get(t, []), t) for t in range(len(order))}
    labels[-1] = OUTLIER_LABEL
    probs, centroids = _probabilities(embeddings, final, len(order))
    topics = _topic_table(final, labels, keywords, centroids, embeddings, sub_ids, sub_texts)

    by_id = {sub_ids[j]: (int(final[j]), labels[int(final[j])], float(probs[j])) for j in range(n)}
    rows = []
    for id_ in ids:
        if id_ in by_id:
            topic, label, prob = by_id[id_]
        else:
            topic, label, prob = NO_ANSWER_TOPIC, NO_ANSWER_LABEL, 1.0
        rows.append({"id": id_, "topic": topic, "topic_label": label, "probability": prob})
    assignments = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
    assignments["topic"] = assignments["topic"].astype(int)

    doc_map = _doc_map(embeddings, final, labels, sub_ids, sub_texts, seed)
    params = {
        "n_topics": n_topics,
        "seed": seed,
        "fast": fast,
        "min_topic_size": min_topic_size,
        "outlier_threshold": outlier_threshold,
        "stop_words_extra": list(stop_words_extra),
        "n_answers": len(texts),
        "n_substantive": n,
        **settings,
    }
    import bertopic

    versions = {
        "pipeline": pipeline_key(),
        "embedder": embedder.key,
        "bertopic": bertopic.__version__,
    }
    return TopicResult(assignments, topics, params, versions, doc_map)


@contextmanager
def _quiet_bertopic():
    bt_logger = logging.getLogger("BERTopic")
    level = bt_logger.level
    bt_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        bt_logger.setLevel(level)


def _cluster(docs, embeddings, stop_words, fast, n_topics, min_topic_size, seed, threshold):
    """BERTopic fit on precomputed embeddings; outliers reduced by embedding similarity."""
    from bertopic import BERTopic

    reducer, clusterer, nr_topics, settings = _models(
        len(docs), fast=fast, n_topics=n_topics, min_topic_size=min_topic_size, seed=seed
    )
    model = BERTopic(
        embedding_model=None,  # never let BERTopic load a model: embeddings are precomputed
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=_vectorizer(stop_words),
        nr_topics=None,  # reduced below, after the outliers, so K means K themes
        language="multilingual",
        calculate_probabilities=False,
        verbose=False,
    )
    with warnings.catch_warnings():
        # UMAP says it runs single-threaded because it is seeded: that is the point
        warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
        topics, _ = model.fit_transform(docs, embeddings=embeddings)
    topics = [int(t) for t in topics]
    before = sum(t == -1 for t in topics) / len(topics)
    if -1 in topics and any(t >= 0 for t in topics):
        topics = [
            int(t)
            for t in model.reduce_outliers(
                docs, topics, strategy="embeddings", embeddings=embeddings, threshold=threshold
            )
        ]
        with _quiet_bertopic():  # it warns that custom assignments are the last step: they are
            model.update_topics(docs, topics=topics, vectorizer_model=_vectorizer(stop_words))
        labels = np.array(topics)  # centroids of the final assignment, for merging topics below
        model.topic_embeddings_ = np.vstack(
            [embeddings[labels == t].mean(axis=0) for t in sorted(set(topics))]
        )
    if nr_topics is not None and len(set(topics) - {-1}) > nr_topics:
        # BERTopic merges the most similar topics (centroid embeddings); -1 is not counted
        model.reduce_topics(docs, nr_topics=nr_topics + (1 if -1 in topics else 0))
        topics = [int(t) for t in model.topics_]
    settings["outlier_share_before"] = round(before, 4)
    settings["outlier_share_after"] = round(sum(t == -1 for t in topics) / len(topics), 4)
    return topics, settings


def _keywords(
    docs, topic_ids, embedder, stop_words, cache=None, top_n: int = 10
) -> dict[int, list[str]]:
    """c-TF-IDF keyphrases per final topic, diversified with MMR over our embeddings."""
    from bertopic import BERTopic
    from bertopic.representation import MaximalMarginalRelevance
    from bertopic.vectorizers import ClassTfidfTransformer

    docs_df = pd.DataFrame({"Document": docs, "Topic": topic_ids})
    per_topic = docs_df.groupby("Topic", as_index=False).agg({"Document": " ".join})
    vec = _vectorizer(stop_words).fit(per_topic["Document"])
    words = vec.get_feature_names_out()
    counts = vec.transform(per_topic["Document"]).tocsr()
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts).tocsr()
    multi = np.array([" " in w for w in words])
    sizes = per_topic["Topic"].map(pd.Series(topic_ids).value_counts()).to_numpy()
    mmr = MaximalMarginalRelevance(diversity=0.3, top_n_words=top_n)
    model = BERTopic(embedding_model=_bertopic_embedder(embedder, cache), language="multilingual")
    out: dict[int, list[str]] = {}
    candidates: dict[int, list[tuple[str, float]]] = {}
    for row, topic in enumerate(per_topic["Topic"]):
        # a phrase seen once in a topic of many answers is an accident, not a theme
        min_count = 2 if sizes[row] >= 5 else 1
        lo, hi = ctfidf.indptr[row], ctfidf.indptr[row + 1]
        scores = dict(zip(ctfidf.indices[lo:hi].tolist(), ctfidf.data[lo:hi].tolist(), strict=True))
        lo, hi = counts.indptr[row], counts.indptr[row + 1]
        seen = dict(zip(counts.indices[lo:hi].tolist(), counts.data[lo:hi].tolist(), strict=True))
        keep = [
            j for j, v in scores.items() if v > 0 and not (multi[j] and seen.get(j, 0) < min_count)
        ]
        idx = sorted(keep, key=lambda j: (-scores[j], words[j]))[:30]
        candidates[int(topic)] = [(str(words[j]), float(scores[j])) for j in idx]
    # BERTopic's MMR needs more candidates than it picks; short lists are kept as they are
    picked = mmr.extract_topics(
        model, None, None, {t: c for t, c in candidates.items() if len(c) > top_n}
    )
    for topic, cands in candidates.items():
        out[topic] = [w for w, _ in picked.get(topic, cands)]
    return out


def _label(keywords: list[str], topic: int) -> str:
    """A readable label: the first three keyphrases, skipping words already shown."""
    chosen: list[str] = []
    seen: set[str] = set()
    for kw in keywords:
        toks = set(kw.split())
        if toks <= seen:
            continue
        chosen.append(kw)
        seen |= toks
        if len(chosen) == 3:
            break
    return ", ".join(chosen) if chosen else f"thema {topic}"


def _probabilities(embeddings: np.ndarray, topics: np.ndarray, k: int):
    """Soft assignment: softmax over cosine similarity to topic centroids, for the given topic."""
    centroids = np.zeros((k, embeddings.shape[1]))
    for t in range(k):
        c = embeddings[topics == t].mean(axis=0)
        centroids[t] = c / (np.linalg.norm(c) or 1.0)
    if k == 0:  # HDBSCAN found no theme: every answer is an outlier
        return np.zeros(len(topics)), centroids
    sims = embeddings @ centroids.T
    z = (sims - sims.max(axis=1, keepdims=True)) / _SOFTMAX_TEMPERATURE
    soft = np.exp(z)
    soft /= soft.sum(axis=1, keepdims=True)
    probs = np.array([soft[j, t] if t >= 0 else 0.0 for j, t in enumerate(topics)])
    return probs, centroids


def _topic_table(topics, labels, keywords, centroids, embeddings, ids, texts, n_repr: int = 3):
    rows = []
    ks = sorted(set(topics.tolist()) - {-1})
    for t in ks:
        members = np.flatnonzero(topics == t)
        sims = embeddings[members] @ centroids[t]
        order = sorted(range(len(members)), key=lambda j: (-round(float(sims[j]), 6), j))
        rep_ids: list[str] = []
        rep_texts: list[str] = []
        for j in order:
            text = texts[members[j]]
            if text.strip().lower() in {r.strip().lower() for r in rep_texts}:
                continue
            rep_ids.append(ids[members[j]])
            rep_texts.append(text)
            if len(rep_ids) == n_repr:
                break
        rows.append(
            {
                "topic": t,
                "size": len(members),
                "label": labels[t],
                "keywords": keywords.get(t, []),
                "representative_ids": rep_ids,
                "representative_texts": rep_texts,
            }
        )
    n_out = int((topics == -1).sum())
    if n_out:
        rows.append(
            {
                "topic": -1,
                "size": n_out,
                "label": OUTLIER_LABEL,
                "keywords": [],
                "representative_ids": [],
                "representative_texts": [],
            }
        )
    return pd.DataFrame(rows, columns=[*TOPIC_COLUMNS, "representative_texts"])


def _doc_map(embeddings, topics, labels, ids, texts, seed) -> pd.DataFrame:
    """2-D PCA projection of the answer embeddings (cheap, deterministic) for the topic map."""
    from sklearn.decomposition import PCA

    xy = PCA(n_components=2, random_state=seed).fit_transform(embeddings)
    return pd.DataFrame(
        {
            "id": ids,
            "x": np.round(xy[:, 0], 5),
            "y": np.round(xy[:, 1], 5),
            "topic": topics.astype(int),
            "topic_label": [labels[int(t)] for t in topics],
            "text": texts,
        }
    )


# --------------------------------------------------------------------------------------
# Only-uncovered mode
# --------------------------------------------------------------------------------------
def uncovered_units(
    units: pd.DataFrame, codes: pd.DataFrame, id_column: str = "unit_id"
) -> pd.DataFrame:
    """Units without any confirmed or suggested code: "what is the codebook missing?".

    ``codes`` holds current codes and/or suggestions (column ``unit_id`` or ``id``); a unit
    with any row there counts as covered. Non-substantive units are dropped as well.
    """
    if id_column not in units.columns:
        raise TopicsError(
            Errors.T045,
            id_column=id_column,
            columns=", ".join(map(str, units.columns)),
        )
    code_col = (
        id_column if id_column in codes.columns else ("id" if "id" in codes.columns else None)
    )
    if code_col is None:
        raise TopicsError(
            Errors.T046,
            id_column=id_column,
            columns=", ".join(map(str, codes.columns)),
        )
    covered = set(codes[code_col].astype(str))
    mask = ~units[id_column].astype(str).isin(covered)
    if "substantive" in units.columns:
        mask &= units["substantive"].astype(bool)
    return units[mask].copy()


def fit_question(
    store,
    survey: str,
    question: str,
    wave: str | None = None,
    *,
    only_uncovered: bool = False,
    suggestions: pd.DataFrame | None = None,
    **fit_kwargs: Any,
) -> TopicResult:
    """Fit topics on a stored question's units (ids are unit ids), embeddings cached in the Store.

    ``only_uncovered``: leave out units with a current (confirmed) code or a row in
    ``suggestions`` (``unit_id``/``id``, ``code``): the themes the codebook is missing.
    """
    units = store.units(survey, question, wave, substantive=True)
    if only_uncovered:
        codes = store.current_codes(survey=survey, question=question, wave=wave)[["unit_id"]]
        if suggestions is not None and not suggestions.empty:
            col = "unit_id" if "unit_id" in suggestions.columns else "id"
            codes = pd.concat([codes, suggestions[[col]].rename(columns={col: "unit_id"})])
        units = uncovered_units(units, codes)
    fit_kwargs.setdefault("cache", store)
    result = fit_topics(units["text"].tolist(), units["unit_id"].astype(str).tolist(), **fit_kwargs)
    result.params.update(
        {"survey": survey, "question": question, "wave": wave, "only_uncovered": only_uncovered}
    )
    return result

"""Theme discovery with BERTopic: what do answers talk about that the codebook misses?

BERTopic is installed without torch/sentence-transformers, so it never embeds documents
itself: answers are embedded once by :mod:`textanalysis.embed` (cached per text hash in
memory and in the Store) and passed in as precomputed embeddings. Topic words come from
c-TF-IDF over Dutch *lemmas* (1-3 word keyphrases, spaCy's Dutch stop words plus survey
filler), so "wijkteams"/"wijkteam" count as one word. Two clustering configurations:

* fast (tests, quick looks): PCA + KMeans, deterministic, no numba compilation;
* real (default): UMAP + HDBSCAN with a minimum cluster size relative to N, followed by
  BERTopic's outlier reduction so small surveys do not end up half in topic -1.

Both are seeded: the same answers, settings and seed give the same topics. Non-answers
("nvt", "geen", empty) never form a topic: they are left out before fitting and get topic
-1 with label ``geen antwoord``. Topics can be compared with existing codes and promoted
into the codebook (a new, validated codebook version).
"""

from __future__ import annotations

import json
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codebook import Codebook, parse_codebook
from .errors import TextAnalysisError, TopicsError

NO_ANSWER_LABEL = "geen antwoord"
OUTLIER_LABEL = "overig"
NO_ANSWER_TOPIC = -1
RUN_KIND = "topics"

#: Survey filler that says nothing about a theme in social-domain surveys; configurable per survey.
DEFAULT_STOP_WORDS_EXTRA: tuple[str, ...] = (
    "gemeente",
    "gemeentelijk",
    "wijkteam",
    "wijkteams",
    "sociaal",
    "domein",
    "team",
    "ontwikkeling",
    "beleidsontwikkeling",
    "nvt",
    "etc",
    "ipv",
    "oa",
    "mbt",
    "tav",
)

ASSIGNMENT_COLUMNS = ["id", "topic", "topic_label", "probability"]
TOPIC_COLUMNS = ["topic", "size", "label", "keywords", "representative_ids"]
MIN_ANSWERS = 10  # fewer substantive answers than this cannot form themes worth showing
_SOFTMAX_TEMPERATURE = 0.1  # a cosine gap of 0.1 between topics is a 2.7x odds ratio
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"  # words of 2+ letters, no digits


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclass
class TopicResult:
    """One topic run.

    ``assignments``: id, topic, topic_label, probability (every input id, non-answers -1).
    ``probability`` is the soft assignment to the topic (softmax over cosine similarity to
    the topic centroids), the same for both configurations; 1.0 for non-answers, 0.0 for
    outliers left in -1 ("overig").
    ``topics``: topic, size, label, keywords (list), representative_ids (list),
    representative_texts (list, verbatim answers). ``doc_map``: id, x, y, topic, topic_label,
    text (2-D projection of the embeddings, for the document map).
    """

    assignments: pd.DataFrame
    topics: pd.DataFrame
    params: dict[str, Any]
    versions: dict[str, str]
    doc_map: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_id: int | None = None

    def topic_row(self, topic: int) -> pd.Series:
        """The row of ``topic`` in :attr:`topics`, or a [T006] error listing the known topics."""
        rows = self.topics[self.topics["topic"] == topic]
        if topic < 0 or rows.empty:
            known = ", ".join(str(t) for t in self.topics["topic"] if t >= 0)
            raise TopicsError(
                "T006",
                f"Topic {topic} is not a theme of this run. Known topics: {known}. "
                "Topic -1 holds non-answers and outliers and cannot be turned into a code.",
            )
        return rows.iloc[0]

    def to_csvs(self, out: str | Path) -> tuple[Path, Path]:
        """Write the CLI contract: OUT (assignments) and OUT's ``{stem}_topics.csv`` next to it."""
        out = Path(out)
        topics_path = out.with_name(f"{out.stem}_topics.csv")
        from .csvio import write_csv  # noqa: PLC0415 (formula-looking cells neutralised)

        write_csv(assignments_frame(self), out, lineterminator="\n")
        write_csv(topics_frame(self), topics_path, lineterminator="\n")
        return out, topics_path


def assignments_frame(result: TopicResult) -> pd.DataFrame:
    """The exact ``id,topic,topic_label,probability`` table (probabilities rounded for stable CSVs)."""
    df = result.assignments[ASSIGNMENT_COLUMNS].copy()
    df["probability"] = df["probability"].astype(float).round(4)
    return df


def topics_frame(result: TopicResult) -> pd.DataFrame:
    """The exact ``topic,size,label,keywords,representative_ids`` table (lists joined with '; ')."""
    df = result.topics[TOPIC_COLUMNS].copy()
    df["keywords"] = df["keywords"].map(lambda ks: "; ".join(ks))
    df["representative_ids"] = df["representative_ids"].map(lambda ids: "; ".join(map(str, ids)))
    return df


# --------------------------------------------------------------------------------------
# Dutch text: non-answers, lemmas, stop words
# --------------------------------------------------------------------------------------
def non_answer_reason(text: Any) -> str | None:
    """Why ``text`` is not a substantive answer (None when it is one).

    The same rule as at import (:func:`textanalysis.ingest.non_substantive_reason`), so
    topics and frequencies agree on what counts as an answer.
    """
    from .ingest import non_substantive_reason

    if text is None or (isinstance(text, float) and math.isnan(text)):
        return "empty"
    return non_substantive_reason(str(text))


def lemma_strings(texts: Sequence[str], cache=None) -> list[str]:
    """Lower-cased lemmas per answer for c-TF-IDF; punctuation becomes ``|``, a phrase boundary.

    Uses the shared Dutch pipeline (:mod:`textanalysis.nlp`, cached per text; ``cache`` is the
    Store when given), so topic words agree with the rule and classifier suggesters.
    """
    from . import nlp

    nlp_cache = cache if cache is not None and hasattr(cache, "nlp_get") else None
    out = []
    for doc in nlp.process([str(t) for t in texts], cache=nlp_cache):
        parts = []
        for tok in doc:
            if tok.is_space:
                continue
            if tok.is_punct or not any(ch.isalnum() for ch in tok.text):
                parts.append("|")
            else:
                parts.append((tok.lemma_ or tok.text).lower())
        out.append(" ".join(parts))
    return out


def pipeline_key() -> str:
    """Which Dutch pipeline produced the topic words (stored with each run)."""
    from . import nlp

    return nlp.pipeline_key()


def dutch_stop_words(extra: Iterable[str] = DEFAULT_STOP_WORDS_EXTRA) -> list[str]:
    """spaCy's Dutch stop words, their lemmas and survey filler, as single tokens (sorted)."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    from .nlp import lemma_of

    words = {w.lower() for w in STOP_WORDS} | {w.lower() for w in extra}
    words |= {lemma_of(w).lower() for w in list(words)}
    token = re.compile(_TOKEN_PATTERN)
    return sorted(w for w in words if token.fullmatch(w))


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
        raise TopicsError(
            "T010", f"Got {len(ids)} ids for {len(texts)} texts. Pass exactly one id per answer."
        )
    counts = Counter(ids)
    dupes = sorted(i for i, c in counts.items() if c > 1)
    if dupes:
        shown = ", ".join(f"'{d}'" for d in dupes[:10])
        raise TopicsError("T003", f"Duplicate answer ids: {shown}. Every answer needs a unique id.")
    if n_topics is not None and (not isinstance(n_topics, int) or n_topics < 2):
        raise TopicsError(
            "T005", f"Number of topics {n_topics!r} is invalid. Ask for at least 2 topics."
        )
    if not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise TopicsError(
            "T014", f"Seed {seed!r} is invalid. Give a whole number from 0 to 4294967295, e.g. 42."
        )
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
            "T004",
            f"Only {n} substantive answers (of {len(texts)}); theme discovery needs at least "
            f"{MIN_ANSWERS}. Add answers or code them by hand.",
        )
    if n_topics is not None and n_topics > n // 2:
        raise TopicsError(
            "T005",
            f"Asked for {n_topics} topics from {n} substantive answers. Ask for at most {n // 2} "
            "(two answers per topic).",
        )
    sub_texts = [str(texts[i]) for i in keep]
    sub_ids = [ids[i] for i in keep]

    from .embed import get_embedder

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
            "T011",
            f"Units table has no '{id_column}' column (has: {', '.join(map(str, units.columns))}).",
        )
    code_col = (
        id_column if id_column in codes.columns else ("id" if "id" in codes.columns else None)
    )
    if code_col is None:
        raise TopicsError(
            "T011",
            f"Codes table needs a '{id_column}' or 'id' column (has: {', '.join(map(str, codes.columns))}).",
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


# --------------------------------------------------------------------------------------
# Topics versus codes
# --------------------------------------------------------------------------------------
def topic_code_overlap(
    result: TopicResult, codes_df: pd.DataFrame, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Per topic the share of its answers carrying each code.

    ``codes_df`` has ``id`` (or ``unit_id``) and ``code``. Returns topic, topic_label, size,
    code, code_label, answers, share, sorted by topic then share (descending). A topic
    without any coded answer gets one row with code None and share 0.
    """
    id_col = "id" if "id" in codes_df.columns else "unit_id"
    if id_col not in codes_df.columns or "code" not in codes_df.columns:
        raise TopicsError(
            "T011",
            "Codes table needs columns 'id' (or 'unit_id') and 'code'; has: "
            f"{', '.join(map(str, codes_df.columns))}.",
        )
    # codes made under an older codebook version keep their id as label rather than failing
    labels = codebook.labels() if codebook is not None else {}
    codes = codes_df[[id_col, "code"]].astype(str).drop_duplicates()
    codes = codes.rename(columns={id_col: "id"})
    themed = result.assignments[result.assignments["topic"] >= 0][["id", "topic", "topic_label"]]
    sizes = themed.groupby("topic").size()
    merged = themed.merge(codes, on="id", how="left")
    rows = []
    for topic, group in merged.groupby("topic", sort=True):
        size = int(sizes[topic])
        label = group["topic_label"].iloc[0]
        counts = group["code"].dropna().value_counts()
        if counts.empty:
            rows.append(
                {
                    "topic": topic,
                    "topic_label": label,
                    "size": size,
                    "code": None,
                    "code_label": None,
                    "answers": 0,
                    "share": 0.0,
                }
            )
            continue
        for code, answers in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append(
                {
                    "topic": topic,
                    "topic_label": label,
                    "size": size,
                    "code": code,
                    "code_label": labels.get(code, code),
                    "answers": int(answers),
                    "share": round(answers / size, 4),
                }
            )
    return pd.DataFrame(
        rows, columns=["topic", "topic_label", "size", "code", "code_label", "answers", "share"]
    )


def best_code_per_topic(
    overlap: pd.DataFrame, min_share: float = 0.3
) -> dict[int, tuple[str, str, float] | None]:
    """Per topic the code most of its answers carry, as (code, label, share), or None below ``min_share``."""
    out: dict[int, tuple[str, str, float] | None] = {}
    for topic, group in overlap.groupby("topic", sort=True):
        best = group.sort_values(["share", "code"], ascending=[False, True]).iloc[0]
        if best["code"] is None or pd.isna(best["code"]) or best["share"] < min_share:
            out[int(topic)] = None
        else:
            out[int(topic)] = (str(best["code"]), str(best["code_label"]), float(best["share"]))
    return out


def describe_overlap(overlap: pd.DataFrame, min_share: float = 0.3) -> dict[int, str]:
    """One sentence per topic: "topic 4 is mostly 'personeelstekort' (62%)" or "matches no code"."""
    return {
        topic: f"topic {topic} matches no code"
        if best is None
        else f"topic {topic} is mostly '{best[1]}' ({best[2]:.0%})"
        for topic, best in best_code_per_topic(overlap, min_share).items()
    }


# --------------------------------------------------------------------------------------
# Topics into the codebook
# --------------------------------------------------------------------------------------
def bump_version(version: str) -> str:
    """'1' -> '2', '1.3' -> '1.4', '2022-a' -> '2022-a.1'."""
    parts = str(version).split(".")
    if parts[-1].isdigit():
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)
    return f"{version}.1"


def _revalidate(data: dict[str, Any], source: str) -> Codebook:
    """Through the codebook validator, as if the YAML had been written by hand ([C0xx] errors)."""
    import yaml

    parsed = parse_codebook(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), source=source
    )
    return parse_codebook(Codebook.model_validate(parsed.to_dict()).to_yaml(), source=source)


def promote_topic(
    codebook: Codebook,
    result: TopicResult,
    topic: int,
    code_id: str,
    label: str,
    parent: str | None = None,
    *,
    n_keywords: int = 5,
) -> Codebook:
    """A new codebook version with a code made from ``topic``.

    The code gets ``label``, the topic's top keyphrases as keywords and its representative
    answers (verbatim) as examples; it goes at the top level or under ``parent``.
    """
    row = result.topic_row(topic)
    if code_id in codebook.code_ids:
        raise TopicsError(
            "T009",
            f"Code '{code_id}' already exists in codebook '{codebook.name}'. Choose a new id, "
            "or merge the topic into that code instead.",
        )
    if parent is not None:
        codebook.get(parent)
    new_code = {
        "id": code_id,
        "label": label,
        "keywords": list(row["keywords"][:n_keywords]),
        "examples": list(row["representative_texts"]),
    }
    data = codebook.to_dict()
    if parent is None:
        data["codes"].append(new_code)
    else:
        _find(data["codes"], parent)["children"].append(new_code)
    data["version"] = bump_version(codebook.version)
    return _revalidate(data, codebook.name)


def merge_topic(
    codebook: Codebook, result: TopicResult, topic: int, code_id: str, *, n_keywords: int = 5
) -> Codebook:
    """A new codebook version where code ``code_id`` gains the topic's keywords and examples."""
    row = result.topic_row(topic)
    codebook.get(code_id)
    data = codebook.to_dict()
    code = _find(data["codes"], code_id)
    known = {k.lower() for k in code.get("keywords", [])}
    for kw in row["keywords"][:n_keywords]:
        if kw.lower() not in known:
            code.setdefault("keywords", []).append(kw)
            known.add(kw.lower())
    examples = code.setdefault("examples", [])
    for text in row["representative_texts"]:
        if text not in examples:
            examples.append(text)
    data["version"] = bump_version(codebook.version)
    return _revalidate(data, codebook.name)


def _find(codes: list[dict[str, Any]], code_id: str) -> dict[str, Any]:
    for c in codes:
        if c["id"] == code_id:
            c.setdefault("children", [])
            return c
        found = _find(c.get("children", []), code_id) if c.get("children") else None
        if found is not None:
            return found
    return None  # type: ignore[return-value]  (callers checked the id exists)


def write_codebook_version(
    codebook: Codebook, path: str | Path, *, store=None, overwrite: bool = False
) -> Path:
    """Write ``codebook`` next to the old YAML as ``{stem}.v{version}.yaml``; never overwrite silently.

    With ``store`` the version is also saved in the database (``Store.save_codebook``).
    """
    path = Path(path)
    stem = re.sub(r"\.v[\w.-]+$", "", path.stem)
    target = path.with_name(f"{stem}.v{codebook.version}.yaml")
    if target.exists() and not overwrite:
        raise TopicsError(
            "T007",
            f"Codebook file '{target}' already exists. Bump the version or pass overwrite=True.",
        )
    target.write_text(codebook.to_yaml(), encoding="utf-8")
    if store is not None:
        store.save_codebook(codebook)
    return target


# --------------------------------------------------------------------------------------
# Persistence
# --------------------------------------------------------------------------------------
def result_to_dict(result: TopicResult) -> dict[str, Any]:
    """JSON-ready form of a run (topic words, assignments, map) for the Store."""
    return {
        "assignments": json.loads(result.assignments.to_json(orient="records")),
        "topics": json.loads(result.topics.to_json(orient="records")),
        "doc_map": json.loads(result.doc_map.to_json(orient="records"))
        if not result.doc_map.empty
        else [],
        "versions": result.versions,
    }


def result_from_dict(
    params: dict[str, Any], data: dict[str, Any], run_id: int | None = None
) -> TopicResult:
    assignments = pd.DataFrame(data["assignments"], columns=ASSIGNMENT_COLUMNS)
    assignments["id"] = assignments["id"].astype(str)
    topics = pd.DataFrame(data["topics"], columns=[*TOPIC_COLUMNS, "representative_texts"])
    doc_map = pd.DataFrame(data.get("doc_map", []))
    if not doc_map.empty:
        doc_map["id"] = doc_map["id"].astype(str)
    return TopicResult(assignments, topics, dict(params), dict(data["versions"]), doc_map, run_id)


def save_run(store, result: TopicResult) -> int:
    """Record the run in the database; returns its run id (also set on ``result``)."""
    params = {**result.params, "versions": result.versions}
    run_id = store.record_run(RUN_KIND, params, result_to_dict(result))
    result.run_id = int(run_id)
    return result.run_id


def load_saved_run(store, run_id: int) -> TopicResult:
    """A stored run back as a :class:`TopicResult`, or [T008] when there is no such topic run."""
    try:
        run = store.load_run(run_id)
    except TextAnalysisError:
        run = None
    if run is None:
        raise TopicsError(
            "T008", f"No topic run with id {run_id} in the database. See Store.runs()."
        )
    kind = _get(run, "kind")
    if kind is not None and kind != RUN_KIND:
        raise TopicsError("T008", f"Run {run_id} is a '{kind}' run, not a topics run.")
    params = dict(_get(run, "params") or {})
    params.pop("versions", None)
    return result_from_dict(params, _get(run, "result"), run_id)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


# --------------------------------------------------------------------------------------
# CSV in/out for the CLI
# --------------------------------------------------------------------------------------
def read_answers_csv(path: str | Path) -> pd.DataFrame:
    """ANSWERS.csv with columns id,text (ids kept as strings), read by the one CLI CSV reader.

    T001 missing file, T040 not UTF-8 text, T041 empty file, T042 not a valid CSV,
    T002 no id/text columns.
    """
    from .csvio import CsvErrors, read_csv  # noqa: PLC0415

    path = Path(path)
    df = read_csv(path, "Answers", CsvErrors(TopicsError, "T001", "T040", "T041", "T042"))
    missing = [c for c in ("id", "text") if c not in df.columns]
    if missing:
        raise TopicsError(
            "T002",
            f"Answers file '{path}' lacks column(s) {', '.join(missing)} (has: {', '.join(df.columns)}). "
            "It needs columns id,text.",
        )
    return df


def run_topics_csv(
    answers: str | Path,
    out: str | Path,
    *,
    n_topics: int | None = None,
    seed: int = 42,
    fast: bool = False,
) -> TopicResult:
    """The ``topics`` command: read id,text, fit, write OUT and OUT's _topics.csv."""
    from .csvio import check_out  # noqa: PLC0415

    df = read_answers_csv(answers)
    out = check_out(out, TopicsError, "T013")
    result = fit_topics(
        df["text"].tolist(), df["id"].tolist(), n_topics=n_topics, seed=seed, fast=fast
    )
    result.to_csvs(out)
    return result


# --------------------------------------------------------------------------------------
# Charts for the app (figure objects; the app renders them)
# --------------------------------------------------------------------------------------
def topic_sizes_chart(result: TopicResult, top_keywords: int = 5):
    """Altair bar chart: answers per topic, keywords in the tooltip and beside the bar."""
    import altair as alt

    df = result.topics[result.topics["topic"] >= 0].copy()
    df["keywords_text"] = df["keywords"].map(lambda ks: ", ".join(ks[:top_keywords]))
    df["name"] = df.apply(lambda r: f"{r['topic']}: {r['label']}", axis=1)
    df = df[["topic", "name", "size", "label", "keywords_text"]]
    base = alt.Chart(df).encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("size", order="descending"), title=None),
        x=alt.X("size:Q", title="answers"),
        tooltip=["topic", "label", "size", alt.Tooltip("keywords_text:N", title="keywords")],
    )
    bars = base.mark_bar()
    text = base.mark_text(align="left", dx=4).encode(text="keywords_text:N")
    return (bars + text).properties(title="Topics", width=400)


def topic_map_chart(result: TopicResult):
    """Altair scatter of answers in 2-D (PCA of embeddings), coloured by topic, text on hover."""
    import altair as alt

    df = result.doc_map.copy()
    df["topic_name"] = df.apply(lambda r: f"{r['topic']}: {r['topic_label']}", axis=1)
    return (
        alt.Chart(df)
        .mark_circle(size=50, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color("topic_name:N", title="topic"),
            tooltip=["id", "topic", "topic_label", "text"],
        )
        .properties(title="Answers by topic", width=500, height=400)
    )

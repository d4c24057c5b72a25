"""Suggestions for the Coderen and Codeboek pages: training data from confirmed codes, the
background re-training thread, scores for a pool, and per-code quality checks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .highlight import Span

# --- background re-training ----------------------------------------------------------------


@dataclass
class _Slot:
    model: Any = None
    trained_at: int = -1  # number of decisions the model was trained on
    future: Future | None = None
    error: str | None = None
    pending_at: int = -1
    confirmed: int = 0
    progress: tuple[int, int] | None = None  # (done, total) of a first run's embedding


@dataclass
class BackgroundTrainer:
    """Re-trains one model per key in a worker thread; readers get the last finished model.

    ``maybe_retrain(key, n, fit)`` starts ``fit()`` when ``n`` (confirmed decisions for the
    key) has grown by at least ``every`` since the last training and nothing is running.
    The Streamlit page calls it after each confirmation and carries on immediately; the
    next rerun picks up the new model with :meth:`model`. One worker: training jobs from
    several sessions queue instead of competing for the 2 cores with the UI.
    """

    every: int = 10
    delay: float = 0.0  # seconds to wait before fitting: let the click's own rerun finish first
    _slots: dict[Any, _Slot] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _warmed: bool = False
    _pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrain")
    )

    def note(self, key: Any, k: int = 1) -> int:
        """Count ``k`` more confirmations for ``key`` (all sessions); returns the total.

        Cheaper than asking the database after every click; the count only decides when
        the next re-training is due.
        """
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            slot.confirmed += k
            return slot.confirmed

    def warm(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` (load the embedder, the NLP pipeline, ...) once, in the worker thread,
        before any training job: a page never waits for a model to load."""
        with self._lock:
            if self._warmed:
                return
            self._warmed = True
        self._pool.submit(_quietly, fn)

    def reporter(self, key: Any) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callback for a job on ``key`` (shown by the page)."""

        def report(done: int, total: int) -> None:
            with self._lock:
                self._slots.setdefault(key, _Slot()).progress = (int(done), int(total))

        return report

    def model(self, key: Any) -> Any:
        with self._lock:
            slot = self._slots.get(key)
            return None if slot is None else slot.model

    def status(self, key: Any) -> dict[str, Any]:
        with self._lock:
            slot = self._slots.get(key, _Slot())
            running = slot.future is not None and not slot.future.done()
            return {
                "trained_at": slot.trained_at,
                "running": running,
                "error": slot.error,
                "progress": slot.progress if slot.model is None else None,
            }

    def maybe_retrain(
        self, key: Any, n: int, fit: Callable[[], Any], *, force: bool = False
    ) -> bool:
        """Start a training job if due; returns True when one was started."""
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            running = slot.future is not None and not slot.future.done()
            due = force or slot.trained_at < 0 or n - slot.trained_at >= self.every
            if running or not due or slot.pending_at == n:
                return False
            slot.pending_at = n
            slot.future = self._pool.submit(self._run, key, n, fit)
            return True

    def _run(self, key: Any, n: int, fit: Callable[[], Any]) -> None:
        if self.delay > 0:
            import time

            time.sleep(self.delay)  # sleeping releases the GIL: the UI thread runs unhindered
        try:
            model = fit()
        except Exception as exc:  # noqa: BLE001 - reported in the UI, the old model stays
            with self._lock:
                self._slots[key].error = f"{type(exc).__name__}: {exc}"
            return
        with self._lock:
            slot = self._slots[key]
            slot.model, slot.trained_at, slot.error = model, n, None

    def wait(self, key: Any, timeout: float | None = None) -> None:
        """Block until the running job for ``key`` finished (tests and benchmarks only)."""
        with self._lock:
            slot = self._slots.get(key)
            fut = None if slot is None else slot.future
        if fut is not None:
            fut.result(timeout=timeout)


def _quietly(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - a warm-up only saves time; the real call reports errors
        pass


# --- suggestions for the Coderen page ------------------------------------------------------


@dataclass
class SuggestionBundle:
    """A fitted suggester and its scores for every unit of a question (rows: unit ids)."""

    model: Any
    scores: pd.DataFrame
    thresholds: dict[str, float]
    trained_on: int  # number of human-coded units it learned from


def training_data(
    store: Any, survey: str, question: str, wave: str | None, coder: str | None = None
) -> tuple[list[str], list[set[str]]]:
    """Texts and code sets of the units humans looked at (auto-coding excluded).

    A unit counts when a human recorded any decision on it; its label set is the union of
    the codes currently applied by human coders (empty = looked at, no code).

    ``coder``: the training data for the model that serves this coder in independent
    double coding (:mod:`.independence`): on units assigned to ``coder`` only their own
    decisions count (a unit they have not decided yet is left out), elsewhere everyone's.
    """
    from .independence import blind_units

    dec = store.decisions(survey=survey, question=question, wave=wave, include_auto=False)
    if dec.empty:
        return [], []
    cur = store.current_codes(survey=survey, question=question, wave=wave, include_auto=False)
    blind = blind_units(store, survey, question, wave, coder)
    if blind:
        dec = dec[~dec["unit_id"].astype(int).isin(blind) | (dec["coder"] == coder)]
        cur = cur[~cur["unit_id"].astype(int).isin(blind) | (cur["coder"] == coder)]
    seen = sorted(set(int(u) for u in dec["unit_id"]))
    labels: dict[int, set[str]] = {u: set() for u in seen}
    for uid, code in zip(cur["unit_id"], cur["code"], strict=True):
        if int(uid) in labels:
            labels[int(uid)].add(str(code))
    units = store.units(survey, question, wave, unit_ids=seen)
    text_of = dict(zip(units["unit_id"].astype(int), units["text"].astype(str), strict=True))
    ids = [u for u in seen if u in text_of]
    return [text_of[u] for u in ids], [labels[u] for u in ids]


def fit_bundle(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    codebook: Any,
    *,
    embedder: Any = None,
    pool: int | None = 1000,
    seed: int = 0,
    coder: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SuggestionBundle:
    """Fit the ensemble on the confirmed codes so far and score a pool of uncoded units.

    Runs in :class:`BackgroundTrainer`'s worker thread; codes unknown to the codebook (an
    older version) are left out of the training labels rather than failing the job.
    With more than ``pool`` uncoded units only a seeded random pool of that size is scored
    (pool-based active learning): scoring 10,000 answers after every few confirmations
    would keep the 2 cores busy; the page scores any other unit on demand.

    ``coder``: fit the model that serves this coder (see :func:`training_data`): it never
    learns from another coder's codes on the units assigned to ``coder``; the pool is then
    the units ``coder`` has not decided yet.

    ``progress(done, total)`` reports a first run's embedding of the answers (e5 encodes
    about 40 answers/s: minutes for 10,000 answers not embedded before).
    """
    from ..suggest.ensemble import EnsembleSuggester

    texts, labels = training_data(store, survey, question, wave, coder=coder)
    known = set(codebook.code_ids)
    labels = [{c for c in y if c in known} for y in labels]
    units = store.units(survey, question, wave, substantive=True)
    model = EnsembleSuggester(codebook, embedder=embedder, cache=store)
    pool_texts = units["text"].astype(str).tolist()
    if embedder is not None and progress is not None:
        embedder.encode(pool_texts, cache=store, progress=progress)  # cached for the fit below
    # every substantive answer of the question is the unlabeled pool (texts only)
    model.fit(texts or None, labels or None, unlabeled=pool_texts)
    if pool is not None and len(units) > pool:
        coded = set(
            store.decisions(survey=survey, question=question, wave=wave, coder=coder)[
                "unit_id"
            ].astype(int)
        )
        open_units = units[~units["unit_id"].astype(int).isin(coded)]
        if len(open_units) > pool:
            open_units = open_units.sample(n=pool, random_state=seed + len(coded))
        units = open_units
    ids = units["unit_id"].astype(int).tolist()
    matrix = (
        model.predict_scores(units["text"].astype(str).tolist())
        if ids
        else np.zeros((0, len(model.codes_)))
    )
    scores = pd.DataFrame(matrix, index=ids, columns=model.codes_)
    thresholds = {c: float(t) for c, t in zip(model.codes_, model.thresholds_, strict=True)}
    return SuggestionBundle(model, scores, thresholds, len(texts))


def unit_suggestions(
    model: Any, text: str, scores: Mapping[str, float] | None = None
) -> tuple[dict[str, float], dict[str, bool], list[Span]]:
    """Scores, pre-selection and evidence spans of one answer.

    ``scores`` (from a bundle) avoids re-scoring; the evidence spans come from the rule
    hits (keywords/patterns with character offsets), which are cheap for one text.
    """
    if scores is None:
        row = model.predict_scores([text])[0]
        scores = {c: float(v) for c, v in zip(model.codes_, row, strict=True)}
    thresholds = {c: float(t) for c, t in zip(model.codes_, model.thresholds_, strict=True)}
    suggested = {c: scores.get(c, 0.0) >= thresholds.get(c, 0.5) for c in model.codes_}
    _, evidence = model.rules_.score_with_evidence([text])
    labels = model.codebook.labels()
    spans = [
        Span(int(ev.start), int(ev.end), ev.code, labels.get(ev.code, ev.code))
        for ev in evidence[0]
        if ev.start is not None and ev.end is not None and ev.score > 0
    ]
    return dict(scores), suggested, spans


def check_suggestions(
    codebook: Any,
    texts: Sequence[str],
    gold: Sequence[set[str]],
    ids: Sequence[Any],
    model: Any = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Precision/recall of the suggestions against confirmed codes, and the mistakes per code.

    ``model`` defaults to the rule suggester, so a specialist who edits keywords sees the
    effect at once. Returns (per-code table with ``confirmed`` counts, mistakes with
    ``code, kind ('fout-positief'|'gemist'), id, text``).
    """
    from ..suggest.evaluate import evaluate_predictions
    from ..suggest.rules import RuleSuggester

    model = model if model is not None else RuleSuggester(codebook).fit()
    texts = list(texts)
    codes = list(model.codes_)
    if texts:
        scores = np.asarray(model.predict_scores(texts), dtype=float)
        thresholds = np.asarray(
            getattr(model, "thresholds_", np.full(len(codes), 0.5)), dtype=float
        )
    else:
        scores = np.zeros((0, len(codes)))
        thresholds = np.full(len(codes), 0.5)
    predicted = scores >= thresholds
    result = evaluate_predictions(
        codes, gold, predicted, scores, ids=ids, texts=texts, labels=codebook.labels()
    )
    table = result.table.copy()
    confirmed = {c: sum(c in g for g in gold) for c in codes}
    table["confirmed"] = table["code"].map(confirmed).fillna(0).astype(int)
    rows = []
    for r, (uid, text, g) in enumerate(zip(ids, texts, gold, strict=True)):
        for j, code in enumerate(codes):
            if predicted[r, j] and code not in g:
                rows.append(
                    {
                        "code": code,
                        "kind": "fout-positief",
                        "id": uid,
                        "text": text,
                        "score": float(scores[r, j]),
                    }
                )
            elif code in g and not predicted[r, j]:
                rows.append(
                    {
                        "code": code,
                        "kind": "gemist",
                        "id": uid,
                        "text": text,
                        "score": float(scores[r, j]),
                    }
                )
    mistakes = pd.DataFrame(rows, columns=["code", "kind", "id", "text", "score"])
    return table, mistakes

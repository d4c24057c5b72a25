"""Library helpers for the Streamlit app (no Streamlit import here: everything is testable).

The app's pages stay thin; what they decide lives here:

- :func:`db_from_argv` reads ``-- --db PATH`` given to ``streamlit run app.py``.
- :func:`highlight_html` escapes untrusted answer text *before* marking evidence spans
  (the place where XSS usually slips in).
- :func:`plan_decisions` turns the analyst's checkbox state into the decisions to record
  (confirmed suggestion, added code, rejected suggestion, withdrawn code).
- :func:`filter_units` / :func:`order_units` implement the Coderen filters and orders.
- :class:`BackgroundTrainer` re-trains a model in a worker thread so the analyst never waits;
  :func:`fit_bundle` is the job (ensemble on the confirmed codes, scores for a pool).
- :func:`check_suggestions` (precision/recall and mistakes per code) and :func:`edit_code`
  (a validated new codebook version) back the Codeboek page.
- :class:`AppServer` runs ``streamlit run app.py`` for the browser test and the benchmark.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

# --- database argument -------------------------------------------------------------------


def db_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--db PATH`` or ``--db=PATH`` in the script arguments, else None."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return None


def display_db(url: str) -> str:
    """The database location without a password, for showing in the sidebar."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# --- evidence highlighting -----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the answer text ``text[start:end]`` that supports a code."""

    start: int
    end: int
    code: str
    label: str = ""


def as_spans(evidence: Iterable[Any], code: str = "", label: str = "") -> list[Span]:
    """Normalise evidence items (Span, dict with start/end, or (start, end) tuples) to spans."""
    out: list[Span] = []
    for ev in evidence or ():
        if isinstance(ev, Span):
            out.append(ev)
        elif isinstance(ev, Mapping):
            if ev.get("start") is None or ev.get("end") is None:
                continue
            out.append(
                Span(
                    int(ev["start"]),
                    int(ev["end"]),
                    str(ev.get("code") or code),
                    str(ev.get("label") or label),
                )
            )
        elif hasattr(ev, "start") and hasattr(ev, "end"):
            out.append(
                Span(int(ev.start), int(ev.end), str(getattr(ev, "code", "") or code), label)
            )
        else:
            start, end = ev[0], ev[1]
            out.append(Span(int(start), int(end), code, label))
    return out


def highlight_html(text: str, spans: Iterable[Span], unit_id: int | None = None) -> str:
    """HTML of ``text`` with evidence spans wrapped in ``<mark>``; every piece of text is escaped.

    Offsets refer to the raw text, so the text is cut at span boundaries first and each
    piece escaped on its own (escaping first would shift the offsets). Overlapping spans
    are merged per piece; the ``title`` lists the codes (shown on hover).
    """
    n = len(text)
    valid = [s for s in spans if 0 <= s.start < s.end <= n]
    cuts = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid)})
    pieces: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = html.escape(text[a:b], quote=True)
        covering = [s for s in valid if s.start <= a and b <= s.end]
        if covering:
            names = list(dict.fromkeys(s.label or s.code for s in covering))
            codes = " ".join(dict.fromkeys(html.escape(s.code, quote=True) for s in covering))
            title = html.escape(", ".join(names), quote=True)
            pieces.append(f'<mark title="{title}" data-codes="{codes}">{chunk}</mark>')
        else:
            pieces.append(chunk)
    body = "".join(pieces).replace("\n", "<br>")
    unit = "" if unit_id is None else f' data-unit="{int(unit_id)}"'
    return f'<div class="ta-answer"{unit} style="white-space: pre-wrap">{body}</div>'


# --- decisions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedDecision:
    """One decision to record for the current unit."""

    code: str
    decision: str  # 'applied' | 'rejected'
    source: str  # 'manual' | 'suggestion'
    score: float | None = None


def plan_decisions(
    selected: Iterable[str],
    suggested: Mapping[str, float],
    current: Mapping[str, str] | None = None,
) -> list[PlannedDecision]:
    """Decisions that turn the coder's current state into the checkbox selection.

    ``suggested`` holds the pre-selected suggestions with their scores; ``current`` the
    coder's last decision per code ('applied'/'rejected'). A checked suggestion is a
    confirmed suggestion, an unchecked one a rejected suggestion, a checked code that was
    not suggested an added (manual) code, and an unchecked code the coder had applied
    before a withdrawn (manual rejection). Nothing is recorded twice: a code already in
    the wanted state is left alone, so confirming the same answer again adds no events.
    """
    current = dict(current or {})
    chosen = list(dict.fromkeys(selected))
    plan: list[PlannedDecision] = []
    for code in chosen:
        if current.get(code) == "applied":
            continue
        if code in suggested:
            plan.append(PlannedDecision(code, "applied", "suggestion", float(suggested[code])))
        else:
            plan.append(PlannedDecision(code, "applied", "manual", None))
    chosen_set = set(chosen)
    for code, score in suggested.items():
        if code in chosen_set or current.get(code) in ("rejected", "applied"):
            continue
        plan.append(PlannedDecision(code, "rejected", "suggestion", float(score)))
    for code, state in current.items():
        if state == "applied" and code not in chosen_set:
            plan.append(PlannedDecision(code, "rejected", "manual", None))
    return plan


def coder_state(decisions: pd.DataFrame, unit_id: int, coder: str) -> dict[str, str]:
    """Last decision per code of one coder on one unit, from a decisions table."""
    if decisions is None or decisions.empty:
        return {}
    d = decisions[(decisions["unit_id"] == unit_id) & (decisions["coder"] == coder)]
    if d.empty:
        return {}
    order = [c for c in ("created_at", "decision_id") if c in d.columns]
    d = d.sort_values(order, kind="stable") if order else d
    return {str(k): str(v) for k, v in d.groupby("code")["decision"].last().items()}


# --- filters and order ---------------------------------------------------------------------

FILTERS = ("alle", "ongecodeerd", "lage zekerheid", "met code", "door codeur", "toegewezen aan mij")
ORDERS = ("actief leren", "volgorde", "willekeurig")


def filter_units(
    unit_ids: Sequence[int],
    *,
    mode: str,
    decided_by: Mapping[int, set[str]] | None = None,
    codes_of: Mapping[int, set[str]] | None = None,
    coder: str = "",
    code: str | None = None,
    other_coder: str | None = None,
    max_score: Mapping[int, float] | None = None,
    low: float = 0.6,
    assigned: set[int] | None = None,
) -> list[int]:
    """Unit ids that pass the Coderen filter.

    ``decided_by``: unit -> coders with any decision on it; ``codes_of``: unit -> applied
    codes (any coder, or ``other_coder``'s when filtering by coder); ``max_score``: unit ->
    highest suggestion score; ``assigned``: units assigned to this coder (double coding),
    shown in order, coded ones included so the coder can review them. Unknown modes raise ValueError (a programming error).
    """
    decided_by = decided_by or {}
    codes_of = codes_of or {}
    ids = list(unit_ids)
    if mode == "alle":
        return ids
    if mode == "ongecodeerd":
        return [u for u in ids if coder not in decided_by.get(u, set())]
    if mode == "lage zekerheid":
        scores = max_score or {}
        return [u for u in ids if scores.get(u, 0.0) < low]
    if mode == "met code":
        return [u for u in ids if code is not None and code in codes_of.get(u, set())]
    if mode == "door codeur":
        return [
            u for u in ids if other_coder is not None and other_coder in decided_by.get(u, set())
        ]
    if mode == "toegewezen aan mij":
        return [u for u in ids if u in (assigned or set())]
    raise ValueError(f"unknown filter {mode!r}; use one of {FILTERS}")


def order_units(
    unit_ids: Sequence[int],
    *,
    mode: str,
    uncertainty: Mapping[int, float] | None = None,
    seed: int = 0,
) -> list[int]:
    """Order the queue: by id ('volgorde'), seeded shuffle ('willekeurig') or most uncertain first.

    ``uncertainty`` (higher = the model learns more from a human answer) comes from the
    active-learning module; units without a value go last, in id order.
    """
    ids = sorted(int(u) for u in unit_ids)
    if mode == "volgorde":
        return ids
    if mode == "willekeurig":
        rng = np.random.default_rng(seed)
        return [ids[i] for i in rng.permutation(len(ids))]
    if mode == "actief leren":
        unc = uncertainty or {}
        return sorted(ids, key=lambda u: (u not in unc, -unc.get(u, 0.0), u))
    raise ValueError(f"unknown order {mode!r}; use one of {ORDERS}")


def uncertainty_from_scores(scores: pd.DataFrame) -> dict[int, float]:
    """Least-confidence uncertainty per unit: 1 - |2p - 1| of the most uncertain code.

    ``scores``: rows = unit ids, columns = codes, values = probabilities in [0, 1].
    """
    if scores is None or scores.empty:
        return {}
    margin = (1.0 - (2.0 * scores.astype(float) - 1.0).abs()).max(axis=1)
    return {int(k): float(v) for k, v in margin.items()}


def step(queue: Sequence[int], current: int | None, delta: int) -> int | None:
    """The unit ``delta`` places from ``current`` in the queue (clamped); first when unknown."""
    if not queue:
        return None
    if current is None or current not in queue:
        return queue[0]
    i = list(queue).index(current) + delta
    return queue[max(0, min(i, len(queue) - 1))]


# --- background re-training ----------------------------------------------------------------


@dataclass
class _Slot:
    model: Any = None
    trained_at: int = -1  # number of decisions the model was trained on
    future: Future | None = None
    error: str | None = None
    pending_at: int = -1
    confirmed: int = 0


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

    def model(self, key: Any) -> Any:
        with self._lock:
            slot = self._slots.get(key)
            return None if slot is None else slot.model

    def status(self, key: Any) -> dict[str, Any]:
        with self._lock:
            slot = self._slots.get(key, _Slot())
            running = slot.future is not None and not slot.future.done()
            return {"trained_at": slot.trained_at, "running": running, "error": slot.error}

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


# --- suggestions for the Coderen page ------------------------------------------------------


@dataclass
class SuggestionBundle:
    """A fitted suggester and its scores for every unit of a question (rows: unit ids)."""

    model: Any
    scores: pd.DataFrame
    thresholds: dict[str, float]
    trained_on: int  # number of human-coded units it learned from


def training_data(
    store: Any, survey: str, question: str, wave: str | None
) -> tuple[list[str], list[set[str]]]:
    """Texts and code sets of the units humans looked at (any coder, auto-coding excluded).

    A unit counts when a human recorded any decision on it; its label set is the union of
    the codes currently applied by human coders (empty = looked at, no code).
    """
    dec = store.decisions(survey=survey, question=question, wave=wave, include_auto=False)
    if dec.empty:
        return [], []
    seen = sorted(set(int(u) for u in dec["unit_id"]))
    cur = store.current_codes(survey=survey, question=question, wave=wave, include_auto=False)
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
) -> SuggestionBundle:
    """Fit the ensemble on the confirmed codes so far and score a pool of uncoded units.

    Runs in :class:`BackgroundTrainer`'s worker thread; codes unknown to the codebook (an
    older version) are left out of the training labels rather than failing the job.
    With more than ``pool`` uncoded units only a seeded random pool of that size is scored
    (pool-based active learning): scoring 10,000 answers after every few confirmations
    would keep the 2 cores busy; the page scores any other unit on demand.
    """
    from .suggest.ensemble import EnsembleSuggester

    texts, labels = training_data(store, survey, question, wave)
    known = set(codebook.code_ids)
    labels = [{c for c in y if c in known} for y in labels]
    model = EnsembleSuggester(codebook, embedder=embedder, cache=store)
    model.fit(texts or None, labels or None)
    units = store.units(survey, question, wave, substantive=True)
    if pool is not None and len(units) > pool:
        coded = set(
            store.decisions(survey=survey, question=question, wave=wave)["unit_id"].astype(int)
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
    from .suggest.evaluate import evaluate_predictions
    from .suggest.rules import RuleSuggester

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


def edit_code(
    codebook: Any, code_id: str | None, fields: Mapping[str, Any], *, parent: str | None = None
) -> Any:
    """A new codebook version with one code changed (or added when ``code_id`` is None).

    Goes through the codebook validator, so a bad edit is a [C0xx] error naming the
    problem and the stored codebook is never touched. The version label is bumped.
    """
    from .codebook import parse_codebook
    from .errors import CodebookError

    data = codebook.to_dict()

    def find(codes: list[dict[str, Any]], cid: str) -> dict[str, Any] | None:
        for c in codes:
            if c["id"] == cid:
                return c
            hit = find(c.get("children", []), cid)
            if hit is not None:
                return hit
        return None

    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    if code_id is None:
        new_id = str(fields.get("id") or "").strip()
        if new_id in codebook.code_ids:
            raise CodebookError(
                "C013",
                f"Code id '{new_id}' already exists in codebook '{codebook.name}'. Choose another id.",
            )
        target = (
            data["codes"]
            if parent is None
            else find(data["codes"], parent).setdefault("children", [])
        )
        target.append(clean)
    else:
        code = find(data["codes"], code_id)
        if code is None:
            raise CodebookError("C003", f"Code '{code_id}' not in codebook '{codebook.name}'.")
        for key in (
            "label",
            "description",
            "include",
            "exclude",
            "keywords",
            "examples",
            "counter_examples",
        ):
            if key in fields:
                if fields[key] in (None, "", []):
                    code.pop(key, None)
                else:
                    code[key] = fields[key]
    data["version"] = _bump(str(data.get("version", "1")))
    import yaml

    return parse_codebook(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        f"codebook '{codebook.name}' (edited)",
    )


def _bump(version: str) -> str:
    """'1' -> '2', '1.3' -> '1.4', 'v2022' -> 'v2022.1'."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


def progress_table(progress: pd.DataFrame, coder: str) -> tuple[int, int]:
    """(coded, total) substantive units for one coder from ``Store.progress``."""
    if progress is None or progress.empty:
        return 0, 0
    total = int(progress["substantive_units"].iloc[0])
    mine = progress[progress["coder"] == coder]
    return (int(mine["coded_units"].iloc[0]) if not mine.empty else 0), total


# --- running the app for browser tests and the latency benchmark ----------------------------


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``streamlit run app.py`` on a loopback port against one database, as a context manager.

    Used by the browser test and ``bench/ui_latency.py``; waits for ``/_stcore/health``.
    """

    def __init__(
        self, app: str, db: str, *, port: int | None = None, timeout: float = 60.0
    ) -> None:
        self.app, self.db, self.timeout = app, db, timeout
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log_path: str | None = None

    def __enter__(self) -> AppServer:
        import os
        import subprocess
        import tempfile
        import time
        import urllib.request
        from pathlib import Path

        exe = Path(sys_executable()).with_name("streamlit")
        cmd = [
            str(exe) if exe.exists() else "streamlit",
            "run",
            self.app,
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--",
            "--db",
            self.db,
        ]
        log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)
        self.log_path = log.name
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEXTANALYSIS_DB")}
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(Path(self.app).resolve().parent),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"streamlit not healthy after {self.timeout}s:\n{self.log()}")

    def log(self) -> str:
        from pathlib import Path

        return Path(self.log_path).read_text(errors="replace")[-4000:] if self.log_path else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except Exception:  # noqa: BLE001
                self.proc.kill()
                self.proc.wait(5)


def sys_executable() -> str:
    import sys

    return sys.executable


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

"""What one Coderen screen shows: the top suggestions first, labels that keep their
confidence visible, where to go after a confirmation, and the small texts around it.

The page fits one answer on one screen (1366x768): the answer, the top suggestions with
their confidence and the buttons; the rest of the codebook is one expander away. These
rules are here, without Streamlit, so they are tested without a browser.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

TOP_K = 5  # suggestions shown above the fold (plus any pre-ticked or applied code)
SHOW_SCORE_FROM = 0.05  # below this a confidence is noise: not shown


def top_codes(
    code_ids: Sequence[str],
    scores: Mapping[str, float],
    suggested: Mapping[str, bool] | None = None,
    current: Mapping[str, str] | None = None,
    *,
    k: int = TOP_K,
    pinned: Sequence[str] = (),
) -> list[str]:
    """The codes shown first, highest score first.

    Every pre-ticked suggestion and every code the coder applied before is always among
    them (a ticked box is never hidden in the expander, so a confirmation never records a
    code the analyst did not see); so are the ``pinned`` codes (e.g. the codes a split
    code became, on an answer waiting for that choice); the list is filled up to ``k``
    with the next best scores. Without scores (the model is not ready yet) nothing but
    the pinned codes is "top".
    """
    suggested = suggested or {}
    current = current or {}
    pinned = [c for c in dict.fromkeys(pinned) if c in set(code_ids)]
    if not scores and not current:
        return pinned
    order = {c: i for i, c in enumerate(code_ids)}
    by_score = sorted(code_ids, key=lambda c: (-float(scores.get(c, 0.0)), order[c]))
    must = [c for c in by_score if suggested.get(c) or current.get(c) == "applied"]
    must += [c for c in pinned if c not in must]
    rest = [c for c in by_score if c not in must and float(scores.get(c, 0.0)) > 0.0]
    return must + rest[: max(0, k - len(must))]


def code_label(label: str, score: float | None, suggested: bool = False, *, depth: int = 0) -> str:
    """A checkbox label with the confidence in front, so a long label never hides it.

    ``label`` must already be Markdown-escaped (widget labels interpret Markdown).
    ``depth`` (in the full list) indents a sub-code with a dash per level.
    """
    prefix = "— " * depth
    if score is None or score < SHOW_SCORE_FROM:
        return prefix + label
    mark = " · _voorgesteld_" if suggested else ""
    return f"{prefix}**{score:.0%}** {label}{mark}"


def memo_title(n_memos: int) -> str:
    """The memo expander's title: counts memos (not decisions)."""
    if n_memos <= 0:
        return "Memo toevoegen"
    return "Memo (1)" if n_memos == 1 else f"Memo's ({n_memos})"


def next_to_code(queue: Sequence[int], done: Iterable[int], after: int | None = None) -> int | None:
    """The next unit in ``queue`` that the coder has not decided yet, after ``after``
    (wrapping round to the start); None when every unit in the queue is done.

    "Bevestigen" goes here, so a finished selection (an assigned sample of 10 coded to the
    end) says it is finished instead of starting again at "1 van 10".
    """
    done = set(done)
    q = list(queue)
    if not q:
        return None
    start = q.index(after) + 1 if after in q else 0
    for u in q[start:] + q[:start]:
        if u not in done and u != after:
            return u
    return None


def position_text(pos: int, total: int, in_queue: bool = True) -> str:
    """ "Antwoord 3 van 78" (or the text for a unit outside the current selection)."""
    return f"Antwoord {pos + 1} van {total}" if in_queue else "Eerder gecodeerd antwoord"


class SuggestionCache:
    """Suggestions per (model, unit), computed ahead in a worker thread.

    While the analyst reads an answer, the page asks for the next one's suggestions
    (:meth:`prefetch`); a confirmation then finds them ready and the next answer appears at
    once (scoring one answer outside the scored pool embeds it and runs the ensemble: tens of
    milliseconds, more while a re-training competes for the cores). Bounded (oldest first out).
    """

    def __init__(self, max_items: int = 512) -> None:
        self._items: OrderedDict[Any, Future] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_items
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")

    def _future(self, key: Any, compute: Callable[[], Any], *, now: bool) -> Future:
        with self._lock:
            fut = self._items.get(key)
            if fut is not None and not (fut.done() and fut.exception() is not None):
                self._items.move_to_end(key)
                return fut
            if now:
                fut = Future()
                fut.set_running_or_notify_cancel()
            else:
                fut = self._pool.submit(compute)
            self._items[key] = fut
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        if now:
            try:
                fut.set_result(compute())
            except Exception as exc:  # noqa: BLE001 - raised to the caller below
                fut.set_exception(exc)
        return fut

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The value for ``key``: ready, being computed ahead (wait for it), or computed now."""
        return self._future(key, compute, now=False if key in self._items else True).result()

    def prefetch(self, key: Any, compute: Callable[[], Any]) -> None:
        """Start computing ``key`` in the worker thread unless it is known already."""
        self._future(key, compute, now=False)

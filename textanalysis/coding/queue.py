"""What the Coderen page records and shows next: decisions from checkbox state, a coder's current
state, filters, orders, stepping and progress."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    auto: Iterable[str] = (),
) -> list[PlannedDecision]:
    """Decisions that turn the coder's current state into the checkbox selection.

    ``suggested`` holds the pre-selected suggestions with their scores; ``current`` the
    coder's last decision per code ('applied'/'rejected'). A checked suggestion is a
    confirmed suggestion, an unchecked one a rejected suggestion, a checked code that was
    not suggested an added (manual) code, and an unchecked code the coder had applied
    before a withdrawn (manual rejection). Nothing is recorded twice: a code already in
    the wanted state is left alone, so confirming the same answer again adds no events.
    ``auto``: codes applied only by an auto decision
    (:func:`~textanalysis.coding.review.auto_applied_codes`); keeping one ticked records
    the human confirmation (so the answer leaves "nog niet nagekeken").
    """
    current = dict(current or {})
    auto = set(auto)
    chosen = list(dict.fromkeys(selected))
    plan: list[PlannedDecision] = []
    for code in chosen:
        if current.get(code) == "applied" and code not in auto:
            continue
        if current.get(code) == "applied":
            score = suggested.get(code)
            plan.append(
                PlannedDecision(code, "applied", "manual" if score is None else "suggestion",
                                None if score is None else float(score))
            )  # fmt: skip
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
    # last decision wins as in Store.current_codes: highest decision_id (created_at only without ids)
    order = (
        ["decision_id"]
        if "decision_id" in d.columns
        else [c for c in ("created_at",) if c in d.columns]
    )
    d = d.sort_values(order, kind="stable") if order else d
    return {str(k): str(v) for k, v in d.groupby("code")["decision"].last().items()}


# --- filters and order ---------------------------------------------------------------------

NOBODY = "nog door niemand gecodeerd"
AUTO_OPEN = "automatisch gecodeerd, nog niet nagekeken"
DISAGREE = "codeurs oneens"
CHANGED = "gewijzigd door codeboekwijziging"
FILTERS = (
    "alle",
    "ongecodeerd",
    NOBODY,
    "lage zekerheid",
    AUTO_OPEN,
    DISAGREE,
    CHANGED,
    "met code",
    "door codeur",
    "toegewezen aan mij",
)
# the review queue (issue 16): filters whose units come from :mod:`.review`
REVIEW_FILTERS = (AUTO_OPEN, DISAGREE, CHANGED)
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
    unclaimed: set[int] | None = None,
    review: set[int] | None = None,
) -> list[int]:
    """Unit ids that pass the Coderen filter.

    ``decided_by``: unit -> coders with any decision on it; ``codes_of``: unit -> applied
    codes (any coder, or ``other_coder``'s when filtering by coder); ``max_score``: unit ->
    highest suggestion score; ``assigned``: units assigned to this coder (a batch or double
    coding) that they have not decided yet (:func:`~textanalysis.coding.assign.assigned_open`),
    so a finished sample is an empty queue, not "1 van 10" again; ``unclaimed``: units
    nobody decided and no other coder claimed (:func:`~textanalysis.coding.assign.unclaimed_units`)
    for "nog door niemand gecodeerd"; ``review``: the units of a review filter
    (:data:`REVIEW_FILTERS`, computed by :mod:`.review`). Unknown modes raise ValueError (a programming error).
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
        return [
            u for u in ids if u in (assigned or set()) and coder not in decided_by.get(u, set())
        ]
    if mode == NOBODY:
        return [u for u in ids if u in (unclaimed or set())]
    if mode in REVIEW_FILTERS:
        return [u for u in ids if u in (review or set())]
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


def progress_table(progress: pd.DataFrame, coder: str) -> tuple[int, int]:
    """(coded, total) substantive units for one coder from ``Store.progress``."""
    if progress is None or progress.empty:
        return 0, 0
    total = int(progress["substantive_units"].iloc[0])
    mine = progress[progress["coder"] == coder]
    return (int(mine["coded_units"].iloc[0]) if not mine.empty else 0), total

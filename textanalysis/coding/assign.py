"""Dividing the work: disjoint batches of uncoded answers for named coders.

Two people splitting 500 answers must never code the same ones by accident. A *batch*
assignment (purpose ``"batch"``) claims a unit for one coder; a unit can be in one
coder's batch only. The one deliberate overlap is double coding (purpose ``"double"``,
:func:`textanalysis.reliability.assign_double_coding` or ``double=`` here): such a unit is
coded by two coders, each blind to the other (:mod:`.independence`).

The Coderen queue "nog door niemand gecodeerd" (:func:`unclaimed_units`) shows the units
nobody has decided and nobody else has claimed; "toegewezen aan mij" shows the coder's own
assigned units they have not decided yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Errors, ReliabilityError
from ..identity import check_coder_name

BATCH = "batch"
DOUBLE = "double"
ASSIGNMENT_COLUMNS = ["unit_id", "coder", "purpose"]


def _claims(store: Any, unit_ids: Iterable[int]) -> pd.DataFrame:
    """Assignments (any coder, any purpose) of the given units."""
    wanted = set(int(u) for u in unit_ids)
    a = store.assignments()
    if a.empty:
        return a
    return a[a["unit_id"].astype(int).isin(wanted)]


def claim_units(store: Any, unit_ids: Iterable[int], coder: str, purpose: str = BATCH) -> int:
    """Assign units to ``coder``; refuse [K016] units already in another coder's batch.

    ``purpose="double"`` (double coding) may overlap on purpose; a batch may not overlap
    with anyone's batch or double-coding assignment. Returns how many were newly assigned.
    """
    coder = check_coder_name(coder)
    ids = list(dict.fromkeys(int(u) for u in unit_ids))
    claims = _claims(store, ids)
    others = claims[claims["coder"] != coder]
    # a double-coding unit may be in another coder's batch: that overlap is the point
    taken = [] if purpose == DOUBLE else sorted(set(int(u) for u in others["unit_id"]))
    if taken:
        who = ", ".join(sorted(set(others["coder"].astype(str))))
        shown = ", ".join(map(str, taken[:10])) + (" ..." if len(taken) > 10 else "")
        raise ReliabilityError(
            Errors.K016,
            n_taken=len(taken),
            who=who,
            shown=shown,
        )
    return int(store.assign_units(ids, coder, purpose=purpose))


def unclaimed_units(
    store: Any, survey: str, question: str, wave: str | None, coder: str | None = None
) -> set[int]:
    """Substantive units no person has decided on and no other coder has been assigned.

    The Coderen queue "nog door niemand gecodeerd". Auto-coded units count as not coded
    by a person; units assigned to ``coder`` stay in (they are theirs to code).
    """
    units = store.units(survey, question, wave, substantive=True)
    ids = set(int(u) for u in units["unit_id"])
    decided = store.decisions(survey=survey, question=question, wave=wave, include_auto=False)
    ids -= set(int(u) for u in decided["unit_id"])
    claims = _claims(store, ids)
    if not claims.empty:
        ids -= set(int(u) for u in claims.loc[claims["coder"] != coder, "unit_id"])
    return ids


def assign_batches(
    store: Any,
    survey: str,
    question: str,
    coders: Sequence[str],
    size: int,
    *,
    wave: str | None = None,
    double: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Give each coder a batch of ``size`` answers nobody has coded or claimed, disjoint.

    Answers come from :func:`unclaimed_units` in a seeded random order; when fewer are
    left than asked, the batches are smaller (as even as possible). ``double`` (0 <= d < 1):
    that share of each coder's batch is also assigned to the next coder in the list for
    double coding (purpose ``"double"``), so agreement can be measured; both code those
    answers blind to each other. Returns ``unit_id, coder, purpose`` of every assignment made.
    """
    names = list(dict.fromkeys(check_coder_name(c) for c in coders))
    if not names:
        raise ReliabilityError(Errors.K017)
    if int(size) < 1:
        raise ReliabilityError(Errors.K032, size=size)
    if not 0 <= float(double) < 1:
        raise ReliabilityError(Errors.K018, double=double)
    if double and len(names) < 2:
        raise ReliabilityError(Errors.K034)
    pool = sorted(unclaimed_units(store, survey, question, wave, coder=None))
    if not pool:
        raise ReliabilityError(
            Errors.K033,
            question=question,
        )
    rng = np.random.default_rng(seed)
    order = [pool[i] for i in rng.permutation(len(pool))]
    take = min(len(order), int(size) * len(names))
    batches = {c: order[i : take : len(names)] for i, c in enumerate(names)}
    rows: list[dict[str, Any]] = []
    for coder, ids in batches.items():
        claim_units(store, ids, coder, BATCH)
        rows += [{"unit_id": u, "coder": coder, "purpose": BATCH} for u in ids]
    if double:
        for i, coder in enumerate(names):
            ids = batches[coder]
            k = round(float(double) * len(ids))
            if not k:
                continue
            partner = names[(i + 1) % len(names)]
            chosen = sorted(rng.choice(ids, size=k, replace=False).tolist())
            claim_units(store, chosen, partner, DOUBLE)
            rows += [{"unit_id": int(u), "coder": partner, "purpose": DOUBLE} for u in chosen]
    return pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)


def assigned_open(
    store: Any, survey: str, question: str, wave: str | None, coder: str
) -> tuple[set[int], int]:
    """(units assigned to ``coder`` they have not decided yet, all units assigned to them)."""
    from .independence import blind_units

    mine = blind_units(store, survey, question, wave, coder)
    done = store.decisions(survey=survey, question=question, wave=wave, coder=coder)
    return mine - set(int(u) for u in done["unit_id"]), len(mine)


def assignment_progress(
    store: Any, survey: str, question: str, wave: str | None = None
) -> pd.DataFrame:
    """Per coder and purpose: ``coder, purpose, assigned, done`` (decided by that coder)."""
    units = store.units(survey, question, wave)
    in_scope = set(int(u) for u in units["unit_id"])
    a = store.assignments()
    a = a[a["unit_id"].astype(int).isin(in_scope)] if not a.empty else a
    rows = []
    for (coder, purpose), grp in a.groupby(["coder", "purpose"], sort=True):
        ids = set(int(u) for u in grp["unit_id"])
        done = store.decisions(survey=survey, question=question, wave=wave, coder=coder)
        rows.append(
            {
                "coder": coder,
                "purpose": purpose,
                "assigned": len(ids),
                "done": len(ids & set(int(u) for u in done["unit_id"])),
            }
        )
    return pd.DataFrame(rows, columns=["coder", "purpose", "assigned", "done"])

"""Independent double coding: what a coder may learn from and see on the units assigned to them.

A unit assigned to coder X (a double-coding sample, or a batch of the work) is coded by X
*blind*: X's judgement there must not be steered by other coders' codes on that unit.
The rule, applied by every function here and by :func:`~textanalysis.coding.training.training_data`:

* The model that serves X learns from X's own decisions everywhere, and from other coders'
  decisions (including ``consensus`` and ``gold``) only on units **not** assigned to X. So
  a suggestion for an assigned unit never carries evidence derived from another coder's
  label of that unit.
* On an assigned unit X sees only X's own memos (another coder's memo, or an adjudication
  memo, may name the code they gave), and the "met code" filter counts only X's own codes.

A coder without assignments in the question has nothing to keep blind; such coders share
one model (:func:`trainer_scope` returns None for them), so the common case trains once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def blind_units(
    store: Any, survey: str, question: str, wave: str | None, coder: str | None
) -> set[int]:
    """Unit ids of the question assigned to ``coder`` (any purpose): coded independently."""
    if not coder:
        return set()
    assigned = store.assignments(coder=coder)
    if assigned.empty:
        return set()
    ids = set(int(u) for u in assigned["unit_id"])
    units = store.units(survey, question, wave, unit_ids=sorted(ids))
    return set(int(u) for u in units["unit_id"])


def trainer_scope(
    store: Any, survey: str, question: str, wave: str | None, coder: str | None
) -> str | None:
    """The coder whose own model must serve them (they have assigned units), else None.

    Part of the background trainer's key: coders with assignments get a model of their
    own (trained by :func:`training_data` with ``coder=``), the others share one.
    """
    return coder if blind_units(store, survey, question, wave, coder) else None


def visible_memos(store: Any, unit_id: int, coder: str | None) -> pd.DataFrame:
    """The memos of a unit that ``coder`` may read: all of them, except on a unit assigned
    to ``coder``, where only their own (others' memos may reveal the codes they gave)."""
    memos = store.memos(unit_id=unit_id)
    if not coder or memos.empty:
        return memos
    assigned = store.assignments(coder=coder)
    if assigned.empty or int(unit_id) not in set(int(u) for u in assigned["unit_id"]):
        return memos
    return memos[memos["coder"] == coder].reset_index(drop=True)


def units_with_code(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    code: str,
    coder: str | None,
) -> set[int]:
    """Units whose current codes include ``code`` for the "met code" filter.

    Any coder's codes count, except on units assigned to ``coder``: there only ``coder``'s
    own codes, so the filter never reveals what another coder gave on a blind unit.
    """
    cur = store.current_codes(survey=survey, question=question, wave=wave)
    cur = cur[cur["code"] == code]
    blind = blind_units(store, survey, question, wave, coder)
    keep = ~cur["unit_id"].astype(int).isin(blind) | (cur["coder"] == coder)
    return set(int(u) for u in cur.loc[keep, "unit_id"])

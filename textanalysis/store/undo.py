"""Undone bulk actions in the decision log.

A bulk action (``coding.bulk``) records decisions with reason ``bulk #N: QUERY``; undoing it
appends decisions ``undo bulk #N`` (or ``undo bulk #N by CODER``) that restore the state
before. Both stay in the append-only log, but together they changed nothing: an answer only
they touched was not looked at by the coder (not coded, no training example, not in N), so
``Store.decisions`` and the "coded by" queries leave both halves out unless asked for the
full history. The reason formats live here so writer and readers agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import or_
from sqlalchemy.sql import ColumnElement

from ._util import check_reason

_UNDO_RE = re.compile(r"^undo bulk #(\d+)(?: by .*)?$")
UNDO_LIKE = "undo bulk #%"  # SQL LIKE of every undo reason (then read with undone_actions)


def bulk_reason(action_id: int, query: str) -> str:
    return check_reason(f"bulk #{int(action_id)}: {query}") or ""


def undo_reason(action_id: int, by: str | None = None) -> str:
    return f"undo bulk #{int(action_id)}" + (f" by {by}" if by else "")


def undone_actions(reasons: Iterable[Any]) -> set[int]:
    """Bulk action ids that were undone, from decision reasons."""
    return {int(m.group(1)) for r in reasons if isinstance(r, str) and (m := _UNDO_RE.match(r))}


def is_undone(reason: Any, undone: set[int]) -> bool:
    """Whether a decision belongs to an undone bulk action (its bulk or its undo decision)."""
    if not undone or not isinstance(reason, str):
        return False
    if (m := _UNDO_RE.match(reason)) is not None:
        return int(m.group(1)) in undone
    if reason.startswith("bulk #"):
        head = reason[len("bulk #") :].split(":", 1)[0]
        return head.isdigit() and int(head) in undone
    return False


def kept_condition(reason: ColumnElement, undone: Iterable[int]) -> list[ColumnElement]:
    """The SQL twin of :func:`is_undone`: conditions on a decisions ``reason`` column that
    keep every decision except those of the ``undone`` bulk actions."""
    out = []
    for n in sorted({int(a) for a in undone}):
        void = or_(
            reason.like(f"{bulk_reason(n, '')}%"),
            reason == undo_reason(n),
            reason.like(f"{undo_reason(n)} by %"),
        )
        out.append(or_(reason.is_(None), ~void))
    return out


def drop_undone(decisions: pd.DataFrame) -> pd.DataFrame:
    """The decisions without those of undone bulk actions (both halves of each pair)."""
    if decisions.empty or "reason" not in decisions:
        return decisions
    undone = undone_actions(decisions["reason"].dropna().unique())
    if not undone:
        return decisions
    keep = ~decisions["reason"].map(lambda r: is_undone(r, undone)).astype(bool)
    return decisions[keep]

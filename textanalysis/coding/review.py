"""The review queue on Coderen: which answers need a second look.

* :func:`auto_unreviewed`: answers auto-coded (``source='auto'``, ``textanalysis autocode``)
  that the coder has not decided by hand since;
* :func:`disagreement_units`: answers on which coders' current codes differ, without
  breaking independent double coding (:mod:`.independence`): on an answer assigned to the
  coder it counts only once the coder has decided it, so the filter never hints that
  another coder gave something else before the coder's own judgement;
* :func:`flagged_units`: answers flagged for review (a codeframe split took their code, a
  re-import changed their text: ``Store.units_needing_review``) with the reason;
* :func:`codeframe_changed`: answers whose codes a codeframe operation (merge, rename) carried
  to another code and the coder has not looked at since, with what happened;
* :func:`auto_applied_codes`: the codes a coder's current state applies only because of an
  auto decision or a codeframe operation, so "Bevestigen" on such an answer records the
  human confirmation (and the answer leaves its review filter).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..identity import RESERVED_CODERS
from .independence import blind_units


def auto_unreviewed(
    store: Any, survey: str, question: str, wave: str | None, coder: str
) -> set[int]:
    """Units with an auto decision (any coder's) and no later human decision of ``coder``."""
    dec = store.decisions(survey=survey, question=question, wave=wave)
    if dec.empty:
        return set()
    auto = dec[dec["source"] == "auto"].groupby("unit_id")["decision_id"].max()
    human = dec[(dec["coder"] == coder) & (dec["source"] != "auto")]
    last_human = human.groupby("unit_id")["decision_id"].max()
    return {int(u) for u, d in auto.items() if last_human.get(u, -1) < d}


def disagreement_units(
    store: Any, survey: str, question: str, wave: str | None, coder: str
) -> set[int]:
    """Units decided by two or more coders whose current codes differ (``gold`` and
    ``consensus`` are not coders here). A unit assigned to ``coder`` counts only once
    ``coder`` has decided it."""
    dec = store.decisions(survey=survey, question=question, wave=wave)
    if dec.empty:
        return set()
    reserved = {c.lower() for c in RESERVED_CODERS}
    dec = dec[~dec["coder"].astype(str).str.lower().isin(reserved)]
    last = dec.drop_duplicates(["unit_id", "code", "coder"], keep="last")
    codes: dict[int, dict[str, frozenset[str]]] = {}
    for (unit, who), part in last.groupby(["unit_id", "coder"]):
        applied = frozenset(part.loc[part["decision"] == "applied", "code"].astype(str))
        codes.setdefault(int(unit), {})[str(who)] = applied
    blind = blind_units(store, survey, question, wave, coder)
    out = set()
    for unit, by_coder in codes.items():
        if len(by_coder) < 2 or len(set(by_coder.values())) < 2:
            continue
        if unit in blind and coder not in by_coder:
            continue  # not yet decided by this coder: nothing may hint at the others' codes
        out.add(unit)
    return out


def flagged_units(
    store: Any, survey: str, question: str, wave: str | None, coder: str | None = None
) -> dict[int, str]:
    """Open review flags (``coder``'s own and anyone's): unit -> Dutch reason (the last flag
    of the unit)."""
    flags = store.units_needing_review(survey, question, wave, coder=coder)
    return {int(r.unit_id): reason_text(str(r.reason)) for r in flags.itertuples()}


def codeframe_changed(
    store: Any, survey: str, question: str, wave: str | None, coder: str
) -> dict[int, str]:
    """Answers where ``coder``'s current codes include one a codeframe operation carried
    (``source='codeframe'``) and no later decision of the coder: unit -> Dutch reason."""
    cur = store.current_codes(survey=survey, question=question, wave=wave, coder=coder)
    carried = cur[cur["source"] == "codeframe"]
    if carried.empty:
        return {}
    dec = store.decisions(
        survey=survey, question=question, wave=wave, coder=coder, unit_ids=carried["unit_id"]
    )
    last = dec[dec["source"] == "codeframe"].drop_duplicates("unit_id", keep="last")
    return {int(r.unit_id): reason_text(str(r.reason or "")) for r in last.itertuples()}


_FRAME_REASON = re.compile(r"^(merge|rename) '([^']*)' -> '([^']*)'")


def reason_text(reason: str) -> str:
    """A review flag's reason in Dutch."""
    if reason.startswith("split:"):
        return f"code '{reason[len('split:') :]}' is gesplitst: kies de nieuwe code(s)"
    if (m := _FRAME_REASON.match(reason)) is not None:
        what, old, new = m.groups()
        if what == "merge":
            return f"code '{old}' is samengevoegd in '{new}': klopt '{new}' hier?"
        return f"code '{old}' heet nu '{new}'"
    return {
        "text changed": "de tekst is bij een nieuwe import gewijzigd",
        "removed from the answer": "dit deel staat niet meer in het antwoord",
    }.get(reason, reason)


def auto_applied_codes(decisions: pd.DataFrame, unit_id: int, coder: str) -> set[str]:
    """Codes ``coder`` currently has applied on the unit by an auto decision or a codeframe
    operation (not by their own hand)."""
    if decisions is None or decisions.empty:
        return set()
    d = decisions[(decisions["unit_id"] == unit_id) & (decisions["coder"] == coder)]
    last = d.drop_duplicates(["code"], keep="last")
    keep = (last["decision"] == "applied") & last["source"].isin(["auto", "codeframe"])
    return set(last.loc[keep, "code"].astype(str))

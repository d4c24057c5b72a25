"""Which coding a result counts, chosen explicitly: one coder, the consensus, or every code any
coder gave; and which units that coding has coded so far (partial results are honest).

The choice is a value for ``coder=`` of the ``*_from_store`` functions:

* a coder's name: that coder's codes; coded = units with any decision by that coder;
* ``"consensus"`` (:data:`CONSENSUS`): the agreed coding. Per unit looked at by people:
  a code every coder who looked at the unit applied counts, an adjudicated decision
  (Betrouwbaarheid) overrides; a unit with a disagreement not adjudicated yet is not coded
  (missing) until it is. A unit only one coder looked at counts with that coder's codes;
* :data:`ANY_CODER` (or None): every code any coder gave ("elke code die een codeur gaf"),
  labelled as such because it is a union, not an agreed coding.

No Streamlit here; the Resultaten page shows :func:`coding_options` and :func:`coded_text`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..identity import CONSENSUS_CODER

ANY_CODER = "*"
CONSENSUS = CONSENSUS_CODER
ANY_LABEL = "elke code die een codeur gaf (samengevoegd, niet vastgesteld)"
CONSENSUS_LABEL = "consensus (overeenstemming of vastgesteld na dubbel coderen)"
CODE_COLUMNS = ["unit_id", "code", "coder", "source"]


def coding_options(
    store: Any, survey: str, question: str, wave: str | None = None
) -> dict[str, str]:
    """Choice value -> Dutch label for the Resultaten page, the default first.

    Every person who coded is a choice of their own; with two or more coders (or an
    adjudication) also the consensus and the union of everyone's codes.
    """
    coders = store.coders(question, survey, wave)
    people = [c for c in coders if c != CONSENSUS]
    options = {c: f"{c} (één codeur)" for c in people}
    if len(people) >= 2 or CONSENSUS in coders:
        options[CONSENSUS] = CONSENSUS_LABEL
    if len(people) != 1:
        options[ANY_CODER] = ANY_LABEL
    return options


def consensus_codes(
    store: Any, survey: str, question: str, wave: str | None = None
) -> tuple[pd.DataFrame, set[int], set[int]]:
    """The consensus coding: (codes ``unit_id, code, coder, source``, coded unit ids,
    units with a disagreement not adjudicated yet). See the module docstring."""
    dec = store.decisions(survey=survey, question=question, wave=wave, include_auto=False)
    cur = store.current_codes(survey=survey, question=question, wave=wave, include_auto=False)
    people = dec[dec["coder"] != CONSENSUS]
    looked: dict[int, set[str]] = {}
    for u, c in zip(people["unit_id"].astype(int), people["coder"], strict=True):
        looked.setdefault(u, set()).add(str(c))
    adj = dec[dec["coder"] == CONSENSUS].drop_duplicates(["unit_id", "code"], keep="last")
    verdict = {
        (int(u), str(c)): str(d)
        for u, c, d in zip(adj["unit_id"], adj["code"], adj["decision"], strict=True)
    }
    applied: dict[int, dict[str, set[str]]] = {}
    for u, c, who in zip(cur["unit_id"].astype(int), cur["code"], cur["coder"], strict=True):
        if who != CONSENSUS:
            applied.setdefault(u, {}).setdefault(str(c), set()).add(str(who))
    for u, c in verdict:
        applied.setdefault(u, {}).setdefault(c, set())
    rows: list[dict[str, Any]] = []
    coded: set[int] = set()
    open_: set[int] = set()
    for u, coders in looked.items():
        out: list[tuple[str, str]] = []
        for code, who in applied.get(u, {}).items():
            if (u, code) in verdict:
                if verdict[(u, code)] == "applied":
                    out.append((code, "adjudicated"))
            elif who >= coders:
                out.append((code, "manual"))
            else:
                open_.add(u)
        if u in open_:
            continue
        coded.add(u)
        rows += [{"unit_id": u, "code": c, "coder": CONSENSUS, "source": s} for c, s in out]
    return pd.DataFrame(rows, columns=CODE_COLUMNS), coded, open_


def coded_units(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    coder: str | None,
    include_auto: bool = False,
) -> set[int]:
    """Units the chosen coding has coded: any decision (a code applied, or looked at and
    rejected) by ``coder``, by anyone for :data:`ANY_CODER`/None; see :func:`consensus_codes`."""
    if coder == CONSENSUS:
        return consensus_codes(store, survey, question, wave)[1]
    who = None if coder in (None, ANY_CODER) else coder
    dec = store.decisions(
        survey=survey, question=question, wave=wave, coder=who, include_auto=include_auto
    )
    return set(int(u) for u in dec["unit_id"])


def coding_codes(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    coder: str | None,
    include_auto: bool = False,
) -> tuple[pd.DataFrame, set[int]]:
    """(current codes of the chosen coding, its coded unit ids) for the counting core."""
    if coder == CONSENSUS:
        codes, coded, _ = consensus_codes(store, survey, question, wave)
        return codes, coded
    who = None if coder in (None, ANY_CODER) else coder
    codes = store.current_codes(
        survey=survey, question=question, wave=wave, coder=who, include_auto=include_auto
    )
    return codes, coded_units(store, survey, question, wave, who, include_auto)


def coded_text(table: pd.DataFrame) -> str:
    """The Dutch line "x van y respondenten gecodeerd" for a frequency table."""
    n = int(table.attrs.get("n", 0))
    total = int(table.attrs.get("n_substantive", n))
    if n >= total:
        return f"Alle {total} respondenten met een inhoudelijk antwoord zijn gecodeerd."
    return (
        f"{n} van {total} respondenten gecodeerd. N telt alleen gecodeerde respondenten; de "
        "overige tellen als ontbrekend (niet als 'niet genoemd') tot hun antwoorden gecodeerd zijn."
    )

# Long on purpose: the codeframe operations share one commit path (_Frame) and one carry rule; split apart they would each re-implement how decisions move along and are logged.
"""Codeframe operations that carry the coding decisions along: add, rename, move, merge,
split and delete a code of a stored question's codebook.

One set of operations for the app (Coderen's "nieuwe code", Codeboek), the topics flow and
``textanalysis codebook add-code|rename|move|merge|split|delete``. Each operation

1. makes a new codebook version with :mod:`.edit` (validated, version label bumped) and
   stores it for the question (``Store.save_codebook`` through :func:`.edit.attach`);
2. records what it means for the coding as NEW decisions (the log is append-only: nothing is
   updated or deleted), with ``reason`` naming the operation, e.g. ``merge 'a' -> 'b'``:

   * rename id A to A2: per (unit, coder) whose last decision on A is ``applied``, a
     ``rejected`` A and an ``applied`` A2 (a last ``rejected`` A becomes a rejected A2);
   * merge A into B (and delete A with ``into=B``): per (unit, coder) with A applied, a
     ``rejected`` A and, unless B is applied already, an ``applied`` B;
   * split A into B and C: per (unit, coder) with A applied, a ``rejected`` A and a review
     flag of that coder with reason ``split:A`` (:func:`split_review`); :func:`assign_split`
     records the coder's choice and closes only their flag (in double coding each coder
     chooses for their own decision, and sees no other coder's flags);
   * add, move, rename of the label only, delete of an unused code: no decisions;

   carried ``applied`` decisions keep ``source='auto'`` when the original was auto-coded
   (so "include auto-coded" still means the same), else ``source='codeframe'``; they belong
   to the coder of the original decision, the operator is named in the operations log;
3. is kept as a ``codeframe`` run (``Store.runs('codeframe')``, :func:`operations`).

The codebook belongs to a question id (as ``Store.save_codebook`` keys it), so decisions on
that question id are carried in every survey that has it.

Earlier versions stay reproducible: :func:`codes_as_of` gives the codes as they were while a
version was the current one (decisions recorded before the next version was saved), so a
frequency table made with the old codebook and those codes is the same as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import CodebookError, CodeInUseError, Errors, StoreError
from .edit import (
    attach,
    check_question,
    code_id_from_label,
    edit_code,
    merge_codes,
    move_code,
    remove_code,
    rename_code,
    revalidate,
    split_code,
)
from .model import Codebook

RUN_KIND = "codeframe"
SPLIT_REASON = "split:"  # + the code id: the review flag of a split
_ID_OK = re.compile(r"^[^\s;,]+$")  # ';' and ',' separate codes in CSV cells


@dataclass(frozen=True)
class FrameChange:
    """What one codeframe operation did."""

    operation: str  # add-code, rename, move, merge, split, delete
    summary: str  # the reason the decisions carry, e.g. "merge 'a' -> 'b'"
    codebook: Codebook  # the new version
    version: str  # its content hash (as decisions name it)
    previous_version: str | None  # None when the question had no codebook
    decisions: int = 0  # decisions recorded
    flagged: int = 0  # units flagged for review (split)
    code_id: str | None = None  # the added / renamed / target code
    run_id: int | None = None
    units: list[int] = field(default_factory=list)  # units whose decisions were carried


# --- reading -------------------------------------------------------------------------------


def current_codebook(store: Any, survey: str, question: str) -> Codebook | None:
    """The question's current codebook, or None when it has none yet ([C060] for a question
    not in the survey)."""
    check_question(store, survey, question)
    try:
        return store.load_codebook(question=question)
    except StoreError:  # none saved for the question (the only error it raises)
        return None


def require_codebook(store: Any, survey: str, question: str) -> Codebook:
    cb = current_codebook(store, survey, question)
    if cb is None:
        raise CodebookError(Errors.C075, question=question)
    return cb


def _last_decisions(store: Any, question: str, codes: Iterable[str]) -> pd.DataFrame:
    """The last decision per (unit, code, coder) on ``codes`` for the question id."""
    dec = store.decisions(question=question)
    dec = dec[dec["code"].isin(set(codes))]
    return dec.drop_duplicates(["unit_id", "code", "coder"], keep="last")


def _check_new_id(value: str) -> str:
    value = str(value or "").strip()
    if not _ID_OK.match(value):
        raise CodebookError(Errors.C078, value=value)
    return value


def operations(store: Any, question: str | None = None) -> pd.DataFrame:
    """The codeframe operations log, oldest first: run_id, created_at, operation, summary,
    survey, question, coder, previous_version, version, decisions, flagged."""
    runs = store.runs(RUN_KIND)
    cols = ["operation", "summary", "survey", "question", "coder"]
    cols += ["previous_version", "version", "decisions", "flagged"]
    rows = [
        {"run_id": int(r.run_id), "created_at": r.created_at, **{c: r.params.get(c) for c in cols}}
        for r in runs.itertuples()
        if question is None or r.params.get("question") == question
    ]
    return pd.DataFrame(rows, columns=["run_id", "created_at", *cols])


def codes_as_of(
    store: Any,
    version: str,
    *,
    survey: str,
    question: str,
    wave: str | None = None,
    coder: str | None = None,
    include_auto: bool = True,
) -> tuple[pd.DataFrame, set[int]]:
    """(codes, coded unit ids) as they were while codebook ``version`` was the question's
    current one: only decisions recorded before the next version was saved count (the last
    one per unit, code and coder wins, as in ``Store.current_codes``).

    With the old codebook these give the old counts, whatever happened to the codeframe
    since: ``report.frequencies(units, codes, old_codebook, coded_units=coded)``.
    """
    books = store.codebooks(question)
    if version not in set(books["version"]):
        raise CodebookError(Errors.C085, version=version, question=question)
    pos = books.index[books["version"] == version][0]
    later = books.loc[books.index > pos, "created_at"]
    dec = store.decisions(  # as they stood: a bulk action undone only later counted then
        survey=survey,
        question=question,
        wave=wave,
        coder=coder,
        include_auto=include_auto,
        recorded_before=later.iloc[0] if len(later) else None,
    )
    coded = {int(u) for u in dec["unit_id"]}
    last = dec.drop_duplicates(["unit_id", "code", "coder"], keep="last")
    cols = ["unit_id", "code", "coder", "source", "score", "created_at"]
    codes = last[last["decision"] == "applied"][cols].sort_values(["unit_id", "coder", "code"])
    return codes.reset_index(drop=True), coded


# --- writing -------------------------------------------------------------------------------


@dataclass
class _Frame:
    """The steps every operation shares: the question's codebook as loaded, the decisions
    carried from one code to another, and the commit (save, record, log)."""

    store: Any
    survey: str
    question: str
    coder: str
    old: Codebook | None

    @classmethod
    def load(cls, store: Any, survey: str, question: str, coder: str) -> _Frame:
        """The question's current codebook ([C075] when it has none)."""
        return cls(store, survey, question, coder, require_codebook(store, survey, question))

    def carry(self, old: str, new: str | None, *, keep_rejected: bool) -> list[dict]:
        """Decisions that move each coder's last decision on ``old`` to ``new``."""
        codes = [old] if new is None else [old, new]
        return _carry(_last_decisions(self.store, self.question, codes), old, new,
                      keep_rejected=keep_rejected)  # fmt: skip

    def commit(
        self,
        operation: str,
        summary: str,
        new: Codebook,
        rows: Sequence[dict[str, Any]] = (),
        *,
        flag: tuple[dict[str, list[int]], str, str] | None = None,
        code_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> FrameChange:
        """Save the new version, then append its decisions and flags, then log the operation."""
        store, old = self.store, self.old
        coder = str(self.coder or "").strip()
        if not coder:
            raise CodebookError(Errors.C086)
        version = attach(store, new, self.survey, self.question)
        for r in rows:
            r.update(codebook_version=version, reason=summary)
        n = store.record_decisions(list(rows)) if rows else 0
        flagged = 0
        for who, units_of in (flag[0] if flag else {}).items():  # one flag per unit and coder
            flagged += store.flag_for_review(units_of, flag[1], flag[2], coder=who)
        previous = old.content_hash if old is not None else None
        units = sorted({int(r["unit_id"]) for r in rows})
        run_id = store.record_run(
            RUN_KIND,
            {
                "operation": operation,
                "summary": summary,
                "survey": self.survey,
                "question": self.question,
                "coder": coder,
                "previous_version": previous,
                "version": version,
                "decisions": n,
                "flagged": flagged,
                "units": units,
                **(extra or {}),
            },
        )
        return FrameChange(
            operation, summary, new, version, previous, n, flagged, code_id, run_id, units
        )


def _carry(last: pd.DataFrame, old: str, new: str | None, *, keep_rejected: bool) -> list[dict]:
    """Decisions that move each coder's last decision on ``old`` to ``new`` (None: only
    withdraw ``old``)."""
    rows: list[dict[str, Any]] = []
    have_new = {
        (int(r.unit_id), str(r.coder))
        for r in last.itertuples()
        if r.code == new and r.decision == "applied"
    }
    for r in last[last["code"] == old].itertuples():
        unit, who = int(r.unit_id), str(r.coder)
        if r.decision == "applied":
            rows.append(
                {"unit_id": unit, "code": old, "coder": who, "decision": "rejected"}
                | {"source": "codeframe"}
            )
            if new is not None and (unit, who) not in have_new:
                score = None if pd.isna(r.score) else float(r.score)
                source = "auto" if r.source == "auto" else "codeframe"
                rows.append(
                    {"unit_id": unit, "code": new, "coder": who, "decision": "applied"}
                    | {"source": source, "score": score}
                )
        elif keep_rejected and new is not None:
            rows.append(
                {"unit_id": unit, "code": new, "coder": who, "decision": "rejected"}
                | {"source": "codeframe"}
            )
    return rows


def add_code(
    store: Any,
    survey: str,
    question: str,
    label: str,
    *,
    coder: str,
    code_id: str | None = None,
    definition: str | None = None,
    parent: str | None = None,
    example_unit: int | None = None,
) -> FrameChange:
    """Add a code (the question's first one makes its codebook: no YAML needed).

    ``code_id`` defaults to one made from the label; ``example_unit``: an answer of the
    question that becomes the code's first example and is coded with it by ``coder``
    (source ``manual``), as "nieuwe code" beside an answer in Coderen does.
    """
    frame = _Frame(store, survey, question, coder, current_codebook(store, survey, question))
    old = frame.old
    label = str(label or "").strip()
    taken = old.code_ids if old is not None else []
    new_id = _check_new_id(code_id) if code_id else code_id_from_label(label, taken)
    example = None
    if example_unit is not None:
        found = store.units(survey, question, unit_ids=[int(example_unit)])
        if found.empty:
            raise CodebookError(Errors.C077, unit_id=example_unit, question=question, survey=survey)
        example = str(found["text"].iloc[0])
    fields = {
        "id": new_id,
        "label": label,
        "description": definition,
        "examples": [example] if example else None,
    }
    if old is None:
        clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
        data = {"name": question, "version": "1", "questions": [question], "codes": [clean]}
        new = revalidate(data, f"new codebook for '{question}'")
    else:
        if parent is not None:
            old.get(parent)
        new = edit_code(old, None, fields, parent=parent)
    rows = []
    if example_unit is not None:
        rows = [{"unit_id": int(example_unit), "code": new_id, "coder": coder, "source": "manual"}]
    return frame.commit("add-code", f"add-code '{new_id}'", new, rows, code_id=new_id)


def rename(
    store: Any,
    survey: str,
    question: str,
    code_id: str,
    *,
    coder: str,
    new_id: str | None = None,
    label: str | None = None,
) -> FrameChange:
    """Give a code a new id and/or label; a new id carries every coder's decisions along."""
    frame = _Frame.load(store, survey, question, coder)
    new_id = _check_new_id(new_id) if new_id else None
    new = rename_code(frame.old, code_id, new_id=new_id, label=label)
    rows: list[dict[str, Any]] = []
    if new_id and new_id != code_id:
        rows = frame.carry(code_id, new_id, keep_rejected=True)
    target = new_id or code_id
    summary = f"rename '{code_id}' -> '{target}'" + (f" ({label})" if label else "")
    return frame.commit("rename", summary, new, rows, code_id=target)


def move(
    store: Any, survey: str, question: str, code_id: str, parent: str | None, *, coder: str
) -> FrameChange:
    """Put a code (with its subcodes) under ``parent`` (None: the top level). Decisions stay;
    the new version's counts roll the code up into its new parent."""
    frame = _Frame.load(store, survey, question, coder)
    new = move_code(frame.old, code_id, parent)
    summary = f"move '{code_id}' under '{parent}'" if parent else f"move '{code_id}' to top"
    return frame.commit("move", summary, new, code_id=code_id)


def merge(
    store: Any, survey: str, question: str, source: str, target: str, *, coder: str
) -> FrameChange:
    """Merge code ``source`` into ``target``: every answer coded ``source`` is coded
    ``target`` (per coder), ``source`` leaves the codebook."""
    frame = _Frame.load(store, survey, question, coder)
    new = merge_codes(frame.old, source, target)
    rows = frame.carry(source, target, keep_rejected=False)
    return frame.commit("merge", f"merge '{source}' -> '{target}'", new, rows, code_id=target)


def split(
    store: Any,
    survey: str,
    question: str,
    code_id: str,
    into: Sequence[str | tuple[str, str | None]],
    *,
    coder: str,
) -> FrameChange:
    """Split ``code_id`` into the codes ``into`` (ids, ``(id, label)`` or ``"id=Label"``; new
    codes are added where ``code_id`` was). Its answers lose ``code_id`` and wait in the
    review list (:func:`split_review`) until a coder assigns them (:func:`assign_split`)."""
    frame = _Frame.load(store, survey, question, coder)
    pairs = [_id_label(x) for x in into]
    new = split_code(frame.old, code_id, pairs)
    rows = frame.carry(code_id, None, keep_rejected=False)
    ids = [i for i, _ in pairs]
    units: dict[str, list[int]] = {}
    for r in rows:
        units.setdefault(str(r["coder"]), []).append(int(r["unit_id"]))
    note = f"assign {', '.join(ids)} (was '{code_id}')"
    return frame.commit(
        "split",
        f"split '{code_id}' -> {', '.join(repr(i) for i in ids)}",
        new,
        rows,
        flag=(units, SPLIT_REASON + code_id, note),
        code_id=code_id,
        extra={"split": code_id, "into": ids},
    )


def _id_label(item: str | tuple[str, str | None]) -> tuple[str, str | None]:
    if isinstance(item, tuple):
        return _check_new_id(item[0]), item[1]
    ident, _, label = str(item).partition("=")
    return _check_new_id(ident), (label.strip() or None)


def delete(
    store: Any,
    survey: str,
    question: str,
    code_id: str,
    *,
    coder: str,
    into: str | None = None,
) -> FrameChange:
    """Delete a code: only when no coder's current codes use it ([C073] says how many do),
    or with ``into`` (its answers are reassigned to that code first, as a merge)."""
    frame = _Frame.load(store, survey, question, coder)
    frame.old.get(code_id)
    if into is not None:
        return merge(store, survey, question, code_id, into, coder=coder)
    last = _last_decisions(store, question, [code_id])
    used = last[last["decision"] == "applied"]
    if len(used):
        raise CodeInUseError(
            Errors.C073,
            code_id=code_id,
            n=len(used),
            coders=", ".join(sorted(set(used["coder"].astype(str)))),
        )
    return frame.commit("delete", f"delete '{code_id}'", remove_code(frame.old, code_id))


def save_version(
    store: Any,
    survey: str,
    question: str,
    codebook: Codebook,
    *,
    coder: str,
    operation: str = "version",
    summary: str | None = None,
    extra: dict[str, Any] | None = None,
) -> FrameChange:
    """Store a codebook version made elsewhere (an uploaded YAML or REFI-QDA file, a code's
    edit form, a topic promoted to a code) as an operation in the log. No decisions are
    carried: a version that leaves out a code some coder's current codes use is refused
    ([C087]: merge or delete it first, so its answers go along)."""
    frame = _Frame(store, survey, question, coder, current_codebook(store, survey, question))
    if frame.old is not None:
        gone = [c for c in frame.old.code_ids if c not in set(codebook.code_ids)]
        last = _last_decisions(store, question, gone) if gone else pd.DataFrame()
        used = last[last["decision"] == "applied"] if len(last) else last
        if len(used):
            raise CodeInUseError(
                Errors.C087,
                codes=", ".join(repr(c) for c in sorted(set(used["code"].astype(str)))),
                n=len(used),
                coders=", ".join(sorted(set(used["coder"].astype(str)))),
            )
    if question not in codebook.questions:
        codebook = codebook.model_copy(update={"questions": [*codebook.questions, question]})
    summary = summary or f"{operation} '{codebook.name}' v{codebook.version}"
    return frame.commit(operation, summary, codebook, extra=extra)


# --- the review list of a split ------------------------------------------------------------


def split_review(
    store: Any,
    survey: str,
    question: str,
    code_id: str | None = None,
    wave: str | None = None,
    *,
    coder: str | None = None,
) -> pd.DataFrame:
    """Open review flags of splits (of ``code_id``, else of any code; of ``coder``, else of
    every coder: one row per unit and coder): the columns of ``Store.units_needing_review``
    plus ``was`` (the split code), ``into`` (the codes it was split into, a list; from the
    latest split of ``was``) and ``text``."""
    flags = store.units_needing_review(survey, question, wave, coder=coder)
    flags = flags[flags["reason"].astype(str).str.startswith(SPLIT_REASON)].copy()
    flags["was"] = flags["reason"].str[len(SPLIT_REASON) :]
    if code_id is not None:
        flags = flags[flags["was"] == code_id]
    texts = store.units(survey, question, wave, unit_ids=flags["unit_id"].tolist())
    by_id = dict(zip(texts["unit_id"], texts["text"], strict=True))
    flags["text"] = [by_id.get(int(u), "") for u in flags["unit_id"]]
    into = split_targets(store, question)
    flags["into"] = [into.get(str(w), []) for w in flags["was"]]
    return flags.reset_index(drop=True)


def split_targets(store: Any, question: str) -> dict[str, list[str]]:
    """Split code -> the codes its latest split made (from the operations log)."""
    return {
        str(r.params.get("split")): list(r.params.get("into") or [])
        for r in store.runs(RUN_KIND).itertuples()
        if r.params.get("operation") == "split" and r.params.get("question") == question
    }


def split_choices(
    store: Any, survey: str, question: str, wave: str | None, coder: str
) -> dict[int, list[str]]:
    """Unit -> the codes ``coder`` chooses among for it (their open split flags), for
    Coderen: :func:`split_review` without the texts."""
    flags = store.units_needing_review(survey, question, wave, coder=coder)
    reasons = flags["reason"].astype(str)
    into = split_targets(store, question) if reasons.str.startswith(SPLIT_REASON).any() else {}
    return {
        int(u): into.get(r[len(SPLIT_REASON) :], [])
        for u, r in zip(flags["unit_id"], reasons, strict=True)
        if r.startswith(SPLIT_REASON)
    }


def assign_split(
    store: Any, unit_ids: Iterable[int], was: str, codes: Sequence[str], *, coder: str
) -> int:
    """The coder's choice for answers of split code ``was``: ``codes`` applied (source
    ``manual``, reason ``split 'was': assigned``; none: the answer fits neither) and the
    coder's review flags closed (another coder's stay open). Returns how many decisions were
    recorded."""
    ids = sorted({int(u) for u in unit_ids})
    rows = [
        {"unit_id": u, "code": c, "coder": coder, "source": "manual"}
        | {"reason": f"split '{was}': assigned"}
        for u in ids
        for c in codes
    ]
    n = store.record_decisions(rows) if rows else 0
    store.mark_reviewed(ids, coder, reason=SPLIT_REASON + was)
    return n

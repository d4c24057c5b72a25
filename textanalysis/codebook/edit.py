"""Codebook edit operations: the one set used by the Codeboek page and by topics.

Every edit returns a *new* codebook version (the label bumped by :func:`bump_version`) that
went through the validator, so a bad edit is a [C0xx] error and the stored codebook is never
touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from ..errors import CodebookError, Errors
from .model import Codebook
from .validate import parse_codebook

EDITABLE_FIELDS = (
    "label",
    "description",
    "include",
    "exclude",
    "keywords",
    "examples",
    "counter_examples",
)


def bump_version(version: str) -> str:
    """'1' -> '2', '1.3' -> '1.4', '2022-a' -> '2022-a.1'."""
    head, _, last = str(version).rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


def find_code(codes: list[dict[str, Any]], code_id: str) -> dict[str, Any] | None:
    """The code with ``code_id`` in a nested ``codes`` list (``Codebook.to_dict()``), or None."""
    for c in codes:
        if c["id"] == code_id:
            return c
        hit = find_code(c.get("children") or [], code_id)
        if hit is not None:
            return hit
    return None


def check_id_free(codebook: Codebook, new_id: str) -> None:
    """[C065] when ``new_id`` is already a code of ``codebook``."""
    if new_id in codebook.code_ids:
        raise CodebookError(Errors.C065, new_id=new_id, codebook=codebook.name)


def code_with_label(codebook: Codebook | None, label: str, except_id: str | None = None) -> Any:
    """The code of ``codebook`` (other than ``except_id``) whose label is ``label``, case and
    spaces aside; None when there is none."""
    if codebook is None or not str(label or "").strip():
        return None
    want = " ".join(str(label).split()).casefold()
    for code, _, _ in codebook.iter_codes():
        if code.id != except_id and " ".join(code.label.split()).casefold() == want:
            return code
    return None


def check_label_free(codebook: Codebook | None, label: str, except_id: str | None = None) -> None:
    """[C089] when another code of ``codebook`` has ``label`` (:func:`code_with_label`): two
    codes named alike cannot be told apart in the app, the tables or the exports."""
    if (code := code_with_label(codebook, label, except_id)) is not None:
        raise CodebookError(Errors.C089, code_id=code.id, label=code.label)


def revalidate(data: dict[str, Any], source: str) -> Codebook:
    """``data`` (a ``Codebook.to_dict()``) through the validator, as if written by hand."""
    return parse_codebook(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), source)


def edit_code(
    codebook: Codebook,
    code_id: str | None,
    fields: Mapping[str, Any],
    *,
    parent: str | None = None,
) -> Codebook:
    """A new codebook version with one code changed (or added when ``code_id`` is None).

    Goes through the codebook validator, so a bad edit is a [C0xx] error naming the
    problem and the stored codebook is never touched. The version label is bumped.
    """
    data = codebook.to_dict()
    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    if "label" in fields:
        check_label_free(codebook, fields["label"], except_id=code_id)
    if code_id is None:
        new_id = str(fields.get("id") or "").strip()
        check_id_free(codebook, new_id)
        target = (
            data["codes"]
            if parent is None
            else find_code(data["codes"], parent).setdefault("children", [])  # type: ignore[union-attr]
        )
        target.append(clean)
    else:
        code = find_code(data["codes"], code_id)
        if code is None:
            raise CodebookError(Errors.C063, code_id=code_id, codebook=codebook.name)
        for key in EDITABLE_FIELDS:
            if key in fields:
                if fields[key] in (None, "", []):
                    code.pop(key, None)
                else:
                    code[key] = fields[key]
    data["version"] = bump_version(str(data.get("version", "1")))
    return revalidate(data, f"codebook '{codebook.name}' (edited)")


def attach(store: Any, codebook: Codebook, survey: str, question: str) -> str:
    """Store ``codebook`` as the codebook of ``question`` (as the app's Codeboek page does).

    ``store`` is a :class:`textanalysis.store.Store`; the question must exist in ``survey``
    ([C060] otherwise, naming the questions there). Returns the stored version (content hash).
    """
    check_question(store, survey, question)
    return store.save_codebook(codebook, question=question)


def check_question(store: Any, survey: str, question: str) -> None:
    """[C060] when ``question`` is not a stored question of ``survey`` (naming those that are)."""
    questions = store.questions(survey)
    known = sorted({str(q) for q in questions["question_id"]})
    if question not in known:
        raise CodebookError(
            Errors.C060,
            question=question,
            survey=survey,
            questions=", ".join(known) or "none",
        )


# --- structure: the codebook side of the codeframe operations (codebook.frame) -------------
# Each returns a new, validated version with the version label bumped; carrying the coding
# decisions along is codebook.frame's job.

_ID_CHARS = re.compile(r"[^0-9a-z_-]+")


def code_id_from_label(label: str, taken: Iterable[str] = ()) -> str:
    """A stable id from a Dutch label: 'Lange wachtlijsten!' -> 'lange_wachtlijsten' (unique)."""
    norm = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    base = _ID_CHARS.sub("_", norm.lower()).strip("_-")[:60] or "code"
    used = set(taken)
    new, n = base, 2
    while new in used:
        new, n = f"{base}_{n}", n + 1
    return new


def _new_version(codebook: Codebook, data: dict[str, Any], what: str) -> Codebook:
    data["version"] = bump_version(str(data.get("version", "1")))
    return revalidate(data, f"codebook '{codebook.name}' ({what})")


def _pop_code(codes: list[dict[str, Any]], code_id: str) -> tuple[dict[str, Any], int, list]:
    """Remove the code from the nested list; (code, index, the list it was in)."""
    for i, c in enumerate(codes):
        if c["id"] == code_id:
            return codes.pop(i), i, codes
        found = _pop_code(c.get("children") or [], code_id)
        if found[0]:
            if not c.get("children"):
                c.pop("children", None)
            return found
    return {}, -1, codes


def _no_children(codebook: Codebook, code_id: str, operation: str) -> None:
    children = [c.id for c in codebook.get(code_id).children]
    if children:
        raise CodebookError(
            Errors.C070, code_id=code_id, children=", ".join(children), operation=operation
        )


def rename_code(
    codebook: Codebook, code_id: str, *, new_id: str | None = None, label: str | None = None
) -> Codebook:
    """A new version where ``code_id`` is called ``new_id`` and/or has ``label``."""
    codebook.get(code_id)
    new_id = (new_id or "").strip() or None
    label = (label or "").strip() or None
    if (new_id in (None, code_id)) and (label is None or label == codebook.get(code_id).label):
        raise CodebookError(Errors.C076, code_id=code_id)
    if new_id not in (None, code_id):
        check_id_free(codebook, new_id)
    if label:
        check_label_free(codebook, label, except_id=code_id)
    data = codebook.to_dict()
    code = find_code(data["codes"], code_id)
    assert code is not None
    if new_id:
        code["id"] = new_id
    if label:
        code["label"] = label
    return _new_version(codebook, data, f"renamed '{code_id}'")


def move_code(codebook: Codebook, code_id: str, parent: str | None) -> Codebook:
    """A new version with ``code_id`` (and its subcodes) under ``parent`` (None: top level)."""
    codebook.get(code_id)
    if parent is not None:
        codebook.get(parent)
        if parent == code_id or parent in codebook.descendants(code_id):
            raise CodebookError(Errors.C072, code_id=code_id, parent=parent)
    data = codebook.to_dict()
    code, _, _ = _pop_code(data["codes"], code_id)
    target = data["codes"] if parent is None else find_code(data["codes"], parent)
    if parent is not None:
        target = target.setdefault("children", [])  # type: ignore[union-attr]
    target.append(code)  # type: ignore[union-attr]
    return _new_version(codebook, data, f"moved '{code_id}'")


def merge_codes(codebook: Codebook, source: str, target: str) -> Codebook:
    """A new version without ``source``; its keywords, patterns and examples join ``target``."""
    if source == target:
        raise CodebookError(Errors.C071, code_id=source)
    codebook.get(target)
    _no_children(codebook, source, "merge")
    data = codebook.to_dict()
    gone, _, _ = _pop_code(data["codes"], source)
    into = find_code(data["codes"], target)
    assert into is not None
    for key in ("keywords", "examples", "counter_examples", "patterns"):
        extra = [v for v in gone.get(key) or [] if v not in (into.get(key) or [])]
        if extra:
            into[key] = [*(into.get(key) or []), *extra]
    return _new_version(codebook, data, f"merged '{source}' into '{target}'")


def split_code(
    codebook: Codebook, code_id: str, into: Sequence[tuple[str, str | None]]
) -> Codebook:
    """A new version where ``code_id`` is replaced, at its place, by the codes ``into``
    (``(id, label)``; an existing code is kept as it is, a new one gets the label or its id)."""
    _no_children(codebook, code_id, "split")
    ids = [i for i, _ in into]
    if len(set(ids)) < 2:
        raise CodebookError(Errors.C074, code_id=code_id, n=len(set(ids)))
    if code_id in ids:
        raise CodebookError(Errors.C079, code_id=code_id)
    data = codebook.to_dict()
    _, index, siblings = _pop_code(data["codes"], code_id)
    for new_id, label in reversed(into):
        if new_id not in codebook.code_ids:
            check_label_free(codebook, label or new_id, except_id=code_id)
            siblings.insert(index, {"id": new_id, "label": (label or new_id).strip()})
    return _new_version(codebook, data, f"split '{code_id}'")


def remove_code(codebook: Codebook, code_id: str) -> Codebook:
    """A new version without ``code_id`` (a code with subcodes is refused: [C070])."""
    _no_children(codebook, code_id, "delete")
    data = codebook.to_dict()
    _pop_code(data["codes"], code_id)
    return _new_version(codebook, data, f"deleted '{code_id}'")

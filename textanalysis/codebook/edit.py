"""Codebook edit operations: the one set used by the Codeboek page and by topics.

Every edit returns a *new* codebook version (the label bumped by :func:`bump_version`) that
went through the validator, so a bad edit is a [C0xx] error and the stored codebook is never
touched.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    if code_id is None:
        new_id = str(fields.get("id") or "").strip()
        if new_id in codebook.code_ids:
            raise CodebookError(
                Errors.C065,
                new_id=new_id,
                codebook=codebook.name,
            )
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
    questions = store.questions(survey)
    known = sorted({str(q) for q in questions["question_id"]})
    if question not in known:
        raise CodebookError(
            Errors.C060,
            question=question,
            survey=survey,
            questions=", ".join(known) or "none",
        )
    return store.save_codebook(codebook, question=question)

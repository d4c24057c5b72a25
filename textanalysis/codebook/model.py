"""Codebook: hierarchical codes in YAML, validated with pydantic.

A codebook is owned by method specialists and read by every other part of the tool:
rules take ``keywords``/``patterns``, the similarity suggester takes ``label``,
``description`` and ``examples``, reports take labels and the hierarchy (a parent
counts every respondent with any child).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import CodebookError, Errors


class Pattern(BaseModel):
    """What keywords cannot say: a regex over the verbatim text, or a spaCy Matcher token pattern."""

    model_config = ConfigDict(extra="forbid")

    regex: str | None = None
    tokens: list[dict[str, Any]] | None = None
    description: str | None = None


class Code(BaseModel):
    """One code; ``children`` nest. ``id`` is stable: decisions refer to it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    description: str | None = None
    include: str | None = None
    exclude: str | None = None
    keywords: list[str] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)
    children: list[Code] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_number_as_text(cls, v: Any) -> Any:
        # `id: 12` in YAML is a number; ids are text everywhere else (CSV, database).
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError(
                "code id is empty; give every code a short stable id such as 'wachtlijsten'"
            )
        return v.strip()

    @field_validator("label")
    @classmethod
    def _label_not_blank(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError("label is empty; give the code a short Dutch label")
        return v.strip()


class Codebook(BaseModel):
    """A named, versioned tree of codes for one or more questions."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = "1"
    language: str = "nl"
    questions: list[str] = Field(default_factory=list)
    description: str | None = None
    codes: list[Code]

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: Any) -> Any:
        # `version: 1` or `version: 1.2` in YAML are numbers; keep them as the text the user wrote.
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    # --- navigation -------------------------------------------------------------------
    def iter_codes(self) -> Iterator[tuple[Code, str | None, int]]:
        """Depth-first (code, parent_id, depth) over the whole tree, in file order."""

        def walk(codes: list[Code], parent: str | None, depth: int):
            for c in codes:
                yield c, parent, depth
                yield from walk(c.children, c.id, depth + 1)

        yield from walk(self.codes, None, 0)

    @property
    def code_ids(self) -> list[str]:
        return [c.id for c, _, _ in self.iter_codes()]

    @property
    def leaf_ids(self) -> list[str]:
        return [c.id for c, _, _ in self.iter_codes() if not c.children]

    def _index(self) -> dict[str, tuple[Code, str | None]]:
        return {c.id: (c, p) for c, p, _ in self.iter_codes()}

    def get(self, code_id: str, *, source: str | None = None) -> Code:
        """The code with this id, or a [C003] error listing the known ids."""
        idx = self._index()
        if code_id not in idx:
            raise unknown_code_error(code_id, self, source)
        return idx[code_id][0]

    def parent_of(self, code_id: str) -> str | None:
        self.get(code_id)
        return self._index()[code_id][1]

    def ancestors(self, code_id: str) -> list[str]:
        """Parent, grandparent, ... (nearest first)."""
        idx = self._index()
        self.get(code_id)
        out: list[str] = []
        parent = idx[code_id][1]
        while parent is not None:
            out.append(parent)
            parent = idx[parent][1]
        return out

    def descendants(self, code_id: str) -> list[str]:
        code = self.get(code_id)
        out: list[str] = []

        def walk(c: Code) -> None:
            for ch in c.children:
                out.append(ch.id)
                walk(ch)

        walk(code)
        return out

    def labels(self) -> dict[str, str]:
        return {c.id: c.label for c, _, _ in self.iter_codes()}

    # --- serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)

    def to_yaml(self) -> str:
        data = _prune(self.to_dict())
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

    @property
    def content_hash(self) -> str:
        """Stable hash of the content (not the formatting): which version a decision was made under.

        Remembered per object: a YAML dump costs ~20 ms for 40 codes and pages ask on every
        run. Safe because a codebook is never changed in place: a change is a new version
        (``codebook.edit``, ``model_copy``), a new object."""
        hit = _HASHES.get(id(self))
        if hit is not None and hit[0] is self:
            return hit[1]
        digest = hashlib.sha256(self.to_yaml().encode("utf-8")).hexdigest()[:16]
        if len(_HASHES) >= 256:
            _HASHES.clear()
        _HASHES[id(self)] = (self, digest)  # holds the object: its id is not reused meanwhile
        return digest


_HASHES: dict[int, tuple[Codebook, str]] = {}  # id -> (the codebook, its content hash)


def _prune(obj: Any) -> Any:
    """Drop empty lists/None so saved YAML stays as terse as hand-written YAML."""
    if isinstance(obj, dict):
        return {k: _prune(v) for k, v in obj.items() if v not in (None, [], {})}
    if isinstance(obj, list):
        return [_prune(v) for v in obj]
    return obj


def unknown_code_error(
    code_id: str, codebook: Codebook, source: str | None = None
) -> CodebookError:
    known = ", ".join(codebook.code_ids[:40])
    more = "" if len(codebook.code_ids) <= 40 else f" (+{len(codebook.code_ids) - 40} more)"
    where = source or f"{codebook.name}"
    return CodebookError(
        Errors.C003,
        code_id=code_id,
        where=where,
        known=known,
        more=more,
    )

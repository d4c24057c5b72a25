# Long on purpose: every codebook problem with its line number and fix: YAML, schema, tree, regex and token-pattern checks share one line index.
"""Codebook validation: every problem in a codebook YAML as one message with its line number and the fix.

Method specialists edit codebooks by hand, so a mistake must point at the line, say what is
wrong and how to fix it, and all problems of a file are found in one run
(``textanalysis codebook validate FILE``). Line numbers come from ``yaml.compose`` marks.
Codes do not reference each other (a code's place in the tree is its only link), so there are
no cycles to check; the tree itself is checked for duplicate ids and ids repeated along a
parent-child path.

Error codes: C010 invalid YAML, C011 not a mapping, C012 empty id/label or other invalid
value, C013 duplicate id, C014 unknown field, C015 wrong type, C016 missing field,
C017 tab indentation, C018 child id equals an ancestor id, C019 invalid regex,
C020 invalid spaCy token pattern, C021 pattern without exactly one of regex/tokens,
C022 duplicate key in a mapping, C023 empty keyword, C024 id with a separator character,
C050 file larger than :data:`MAX_CODEBOOK_BYTES`, C051 YAML anchor or alias, C052 nesting
deeper than :data:`MAX_DEPTH`, C053 regex with nested quantifiers (catastrophic backtracking).

Hostile files are refused before anything is built: the size first, then anchors/aliases and
depth while the YAML is composed (a "billion laughs" file never expands).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex as regex_engine  # the engine rules match with (timeouts)
import yaml
from pydantic import ValidationError

from ..errors import CodebookError, ErrorCode, Errors
from .model import Code, Codebook, Pattern

Path_ = tuple[str | int, ...]

MAX_CODEBOOK_BYTES = 2 * 1024 * 1024  # a real codebook is a few dozen KB
MAX_DEPTH = 64  # YAML nesting levels (a code level is two: the list and the mapping)
_FIELDS = {
    "codebook": sorted(Codebook.model_fields),
    "code": sorted(Code.model_fields),
    "pattern": sorted(Pattern.model_fields),
}
_TYPE_WORDS = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_type": "true or false",
    "int_type": "a whole number",
}
_TYPE_HINTS = {
    "keywords": "e.g. keywords: [wachtlijst, wachttijd]",
    "examples": "write one example per line starting with '- '",
    "counter_examples": "write one example per line starting with '- '",
    "patterns": "e.g. patterns: [{regex: 'wacht(lijst|tijd)'}]",
    "children": "write each child as a list item starting with '- id: ...'",
    "codes": "write each code as a list item starting with '- id: ...'",
    "questions": "e.g. questions: [Q58]",
    "tokens": "e.g. tokens: [{LOWER: 'per'}, {LOWER: 'wijk'}]",
}


@dataclass(frozen=True)
class Problem:
    """One problem in a codebook file; ``str()`` is the message a user sees."""

    code: str
    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.where}: {self.message}"

    @property
    def where(self) -> str:
        return f"Codebook '{self.source}'" + (f", line {self.line}" if self.line else "")

    @classmethod
    def of(cls, entry: ErrorCode, source: str, line: int | None, /, **fields: Any) -> Problem:
        """The problem for catalogue ``entry``, its template filled with ``fields``."""
        return cls(entry.code, source, line, entry.format(**fields))

    def error(self) -> CodebookError:
        return CodebookError.rendered(self.code, f"{self.where}: {self.message}")


# --- public API ----------------------------------------------------------------------------


def parse_codebook(text: str, source: str = "<codebook>") -> Codebook:
    """Parse and validate YAML text; errors name the source and the problem."""
    return validate_codebook_text(text, source)


def load_codebook(path: str | Path) -> Codebook:
    """Load and validate a codebook YAML file."""
    return load_codebook_file(path)


def validate_codebook_text(text: str, source: str = "<codebook>") -> Codebook:
    """Parse and validate; raise the first problem as a :class:`CodebookError` (all are listed by
    :func:`check_codebook_text`)."""
    return _valid(*check_codebook_text(text, source))


def load_codebook_file(path: str | Path) -> Codebook:
    """Read, parse and validate a codebook file; raise its first problem as a :class:`CodebookError`."""
    return _valid(*check_codebook_file(path))


def _valid(cb: Codebook | None, problems: list[Problem]) -> Codebook:
    if problems:
        first = problems[0]
        more = ""
        if len(problems) > 1:
            more = f" (+{len(problems) - 1} more problem(s); `textanalysis codebook validate` lists all)"
        raise CodebookError.rendered(first.code, f"{first.where}: {first.message}{more}")
    assert cb is not None
    return cb


def read_codebook_file(path: str | Path) -> tuple[str | None, list[Problem]]:
    """The text of a codebook file, or None and the problem why it cannot be read."""
    p = Path(path)
    try:
        with p.open("rb") as fh:  # read at most the limit (+1): never a huge file or a device
            data = fh.read(MAX_CODEBOOK_BYTES + 1)
        if len(data) > MAX_CODEBOOK_BYTES:
            size = max(len(data), p.stat().st_size)
            return None, [
                Problem.of(
                    Errors.C050,
                    str(p),
                    None,
                    size=size,
                    limit=MAX_CODEBOOK_BYTES,
                )
            ]
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            Problem.of(
                Errors.C002,
                str(p),
                None,
                exc_reason=exc.reason,
                exc_start=exc.start,
            )
        ]
    except OSError as exc:
        if p.is_dir():
            return None, [
                Problem.of(
                    Errors.C061,
                    str(p),
                    None,
                )
            ]
        if not p.exists():
            return None, [Problem.of(Errors.C001, str(p), None)]
        return None, [
            Problem.of(
                Errors.C062,
                str(p),
                None,
                reason=exc.strerror,
            )
        ]


def check_codebook_file(path: str | Path) -> tuple[Codebook | None, list[Problem]]:
    """The codebook (None when it cannot be built) and every problem of one file."""
    text, problems = read_codebook_file(path)
    if text is None:
        return None, problems
    return check_codebook_text(text, str(Path(path)))


def validate_codebook_file(path: str | Path) -> list[Problem]:
    """All problems of one codebook file (empty list: valid)."""
    return check_codebook_file(path)[1]


def check_codebook_text(
    text: str, source: str = "<codebook>"
) -> tuple[Codebook | None, list[Problem]]:
    """The codebook (None when it cannot be built) and every problem found, in line order."""
    size = len(text.encode("utf-8", "replace")) if len(text) * 4 > MAX_CODEBOOK_BYTES else 0
    if size > MAX_CODEBOOK_BYTES:  # before parsing: the app passes uploads here directly
        return None, [
            Problem.of(
                Errors.C050,
                source,
                None,
                size=size,
                limit=MAX_CODEBOOK_BYTES,
            )
        ]
    problems = _tab_problems(text, source)
    if problems:  # YAML cannot be parsed reliably with tab indentation
        return None, problems
    loader = _BoundedLoader(text)
    try:  # one parse: the node tree (line numbers) and the data built from it
        root = loader.get_single_node()
        data = None if root is None else loader.construct_document(root)
    except _Refused as exc:
        return None, [Problem(exc.code, source, exc.line, exc.message)]
    except RecursionError:  # a safety net: _BoundedLoader stops at MAX_DEPTH long before
        return None, [
            Problem.of(
                Errors.C052,
                source,
                None,
                max_depth=MAX_DEPTH,
            )
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [
            Problem.of(
                Errors.C010,
                source,
                line,
                what=what,
            )
        ]
    finally:
        loader.dispose()
    if not isinstance(data, dict) or root is None:
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        return None, [
            Problem.of(
                Errors.C011,
                source,
                1,
                got=got,
            )
        ]
    lines: dict[Path_, int] = {}
    problems += _index(root, (), lines, source)
    problems += _schema_problems(data, lines, source)
    problems += _tree_problems(data, lines, source)
    problems.sort(key=lambda p: (p.line or 0, p.code))
    if problems:
        return None, problems
    return Codebook.model_validate(data), []


# --- hostile YAML: anchors, aliases, depth ---------------------------------------------------


class _Refused(Exception):
    def __init__(self, entry: ErrorCode, line: int | None, /, **fields: Any) -> None:
        self.code, self.line, self.message = entry.code, line, entry.format(**fields)
        super().__init__(self.message)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases and deep nesting while composing, before any
    value is built: a "billion laughs" file or a recursive alias never expands."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            mark = "*" if kind == "alias" else "&"
            raise _Refused(
                Errors.C051,
                event.start_mark.line + 1,
                kind=kind,
                mark=mark,
                anchor=anchor,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    Errors.C052,
                    event.start_mark.line + 1,
                    max_depth=MAX_DEPTH,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# --- tabs and line index ---------------------------------------------------------------------


def _tab_problems(text: str, source: str) -> list[Problem]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in lead:
            out.append(
                Problem.of(
                    Errors.C017,
                    source,
                    n,
                )
            )
    return out


def _index(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> list[Problem]:
    """Line number of every key and list item, by path; duplicate keys are problems."""
    problems: list[Problem] = []
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem.of(
                        Errors.C022,
                        source,
                        line,
                        key=key,
                        seen=seen[key],
                    )
                )
                continue
            seen[key] = line
            lines[(*path, key)] = line
            problems += _index(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            problems += _index(item, (*path, i), lines, source)
    return problems


def _line(lines: dict[Path_, int], path: Path_) -> int | None:
    for k in range(len(path), -1, -1):
        if path[:k] in lines:
            return lines[path[:k]]
    return None


def _dig(data: Any, path: Path_) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _owner(data: dict, path: Path_) -> tuple[str, str]:
    """('code', "code 'x'") for the nearest code on ``path``, else the codebook/pattern."""
    kind, name = "codebook", "the codebook"
    for k in range(len(path)):
        step = path[k]
        if step in ("codes", "children") and k + 1 < len(path) and isinstance(path[k + 1], int):
            obj = _dig(data, path[: k + 2])
            cid = obj.get("id") if isinstance(obj, dict) else None
            kind, name = "code", f"code '{cid}'" if cid else f"the code at {_dotted(path[: k + 2])}"
        if step == "patterns" and k + 1 < len(path) and isinstance(path[k + 1], int):
            kind, name = "pattern", f"pattern {int(path[k + 1]) + 1} of {name}"
    return kind, name


def _dotted(path: Path_) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


# --- schema (pydantic) ---------------------------------------------------------------------------


def _schema_problems(data: dict, lines: dict[Path_, int], source: str) -> list[Problem]:
    try:
        Codebook.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt field ('lable') also makes the real one ('label') missing: one problem, not two.
        misspelt = set()
        for err in errors:
            if err["type"] == "extra_forbidden":
                loc = tuple(err["loc"])
                kind, _ = _owner(data, loc[:-1])
                for close in difflib.get_close_matches(str(loc[-1]), _FIELDS[kind], n=1):
                    misspelt.add((*loc[:-1], close))
        out = []
        seen: set[tuple[str, Path_]] = set()
        for err in errors:
            loc = tuple(err["loc"])
            if (err["type"], loc) in seen or (err["type"] == "missing" and loc in misspelt):
                continue
            seen.add((err["type"], loc))
            out.append(_schema_problem(err, loc, data, lines, source))
        return out
    return []


def _schema_problem(
    err: dict, loc: Path_, data: dict, lines: dict[Path_, int], source: str
) -> Problem:
    line = _line(lines, loc)
    field = loc[-1] if loc else ""
    etype = err["type"]
    if etype == "extra_forbidden":
        kind, owner = _owner(data, loc[:-1])
        known = _FIELDS[kind]
        close = difflib.get_close_matches(str(field), known, n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        return Problem.of(
            Errors.C014,
            source,
            line,
            owner=owner,
            field=field,
            hint=hint,
            known=", ".join(known),
        )
    if etype == "missing":
        _, owner = _owner(data, loc[:-1])
        fix = {
            "id": "a short stable id such as 'wachtlijsten'",
            "label": "a short Dutch label",
            "name": "a name for the codebook",
            "codes": "the list of codes",
        }.get(str(field), "a value")
        return Problem.of(Errors.C016, source, line, owner=owner, field=field, fix=fix)
    if etype in _TYPE_WORDS or etype.endswith("_type"):
        _, owner = _owner(data, loc)
        want = _TYPE_WORDS.get(etype, etype.removesuffix("_type"))
        value = _dig(data, loc)
        name = next((s for s in reversed(loc) if isinstance(s, str)), str(field))
        hint = _TYPE_HINTS.get(name, f"write it as {want}")
        return Problem.of(
            Errors.C015,
            source,
            line,
            name=name,
            owner=owner,
            want=want,
            got=_describe(value),
            hint=hint,
        )
    _, owner = _owner(data, loc)
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    return Problem.of(Errors.C012, source, line, field=field, owner=owner, msg=msg)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    kind = {
        str: "text",
        list: "a list",
        dict: "a mapping",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{kind} {shown[:60]}" if len(shown) <= 60 else f"{kind} {shown[:57]}..."


# --- the tree: ids, patterns, keywords --------------------------------------------------------


def _walk(data: dict) -> Iterator[tuple[dict, Path_, list[str]]]:
    """(raw code dict, path, ancestor ids) over the raw YAML, tolerant of wrong types."""

    def rec(codes: Any, path: Path_, ancestors: list[str]):
        if not isinstance(codes, list):
            return
        for i, c in enumerate(codes):
            if not isinstance(c, dict):
                continue
            p = (*path, i)
            yield c, p, ancestors
            cid = c.get("id")
            yield from rec(c.get("children"), (*p, "children"), [*ancestors, str(cid).strip()])

    yield from rec(data.get("codes"), ("codes",), [])


def _tree_problems(data: dict, lines: dict[Path_, int], source: str) -> list[Problem]:
    out: list[Problem] = []
    if data.get("codes") == []:
        out.append(
            Problem.of(
                Errors.C064,
                source,
                _line(lines, ("codes",)),
            )
        )
    first_seen: dict[str, int | None] = {}
    for code, path, ancestors in _walk(data):
        raw_id = code.get("id")
        cid = str(raw_id).strip() if isinstance(raw_id, str | int) else None
        line = _line(lines, (*path, "id"))
        if cid:
            if re.search(r"[;,|\s]", cid):
                better = re.sub(r"[;,|\s]+", "_", cid)
                out.append(
                    Problem.of(
                        Errors.C024,
                        source,
                        line,
                        cid=cid,
                        better=better,
                    )
                )
            if cid in ancestors:
                out.append(
                    Problem.of(
                        Errors.C018,
                        source,
                        line,
                        cid=cid,
                        ancestors=" > ".join(ancestors),
                    )
                )
            elif cid in first_seen:
                out.append(
                    Problem.of(
                        Errors.C013,
                        source,
                        line,
                        cid=cid,
                        first_seen=first_seen[cid],
                    )
                )
            first_seen.setdefault(cid, line)
        name = f"code '{cid}'" if cid else f"the code at {_dotted(path)}"
        kws = code.get("keywords")
        if isinstance(kws, list):
            for k, kw in enumerate(kws):
                if isinstance(kw, str) and not kw.strip():
                    out.append(
                        Problem.of(
                            Errors.C023,
                            source,
                            _line(lines, (*path, "keywords", k)),
                            name=name,
                        )
                    )
        pats = code.get("patterns")
        if isinstance(pats, list):
            for k, pat in enumerate(pats):
                if isinstance(pat, dict):
                    out += _pattern_problems(
                        pat, (*path, "patterns", k), f"pattern {k + 1} of {name}", lines, source
                    )
    return out


def _pattern_problems(
    pat: dict, path: Path_, name: str, lines: dict[Path_, int], source: str
) -> list[Problem]:
    regex, tokens = pat.get("regex"), pat.get("tokens")
    line = _line(lines, path)
    if (regex is None) == (tokens is None):
        return [
            Problem.of(
                Errors.C021,
                source,
                line,
                name=name,
                which="both" if regex is not None else "neither",
            )
        ]
    if isinstance(regex, str):
        try:
            regex_engine.compile(regex)
        except regex_engine.error as exc:
            return [
                Problem.of(
                    Errors.C019,
                    source,
                    _line(lines, (*path, "regex")),
                    name=name,
                    regex=regex,
                    exc_msg=exc.msg,
                    exc_pos=exc.pos,
                )
            ]
        nested = nested_quantifier(regex)
        if nested:
            return [_nested_problem(name, regex, nested, source, _line(lines, (*path, "regex")))]
    if isinstance(tokens, list):
        for expr in _token_regexes(tokens):
            nested = nested_quantifier(expr)
            if nested:
                line = _line(lines, (*path, "tokens"))
                return [_nested_problem(name, expr, nested, source, line)]
    if isinstance(tokens, list) and all(isinstance(t, dict) for t in tokens):
        msg = token_pattern_error(tokens)
        if msg:
            return [
                Problem.of(
                    Errors.C020,
                    source,
                    _line(lines, (*path, "tokens")),
                    name=name,
                    msg=msg,
                )
            ]
    return []


# --- regexes that backtrack catastrophically ---------------------------------------------------

try:  # the stdlib's regex parser: enough to see the structure of a pattern
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover (Python 3.10)
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT}
_MANY = 10  # an outer count above this repeats "many" times


def nested_quantifier(expr: str) -> str | None:
    """The offending part when ``expr`` repeats something that itself holds an open-ended repeat,
    as in ``(a+)+`` or ``(\\w+\\s?)*``: such a pattern can take exponential time on an answer
    that almost matches. Atomic groups ``(?>...)`` and possessive repeats ``a++`` never backtrack
    and are fine. None when the pattern looks safe (or uses syntax the stdlib cannot parse;
    matching has a timeout as well)."""
    try:
        parsed = _sre_parse.parse(expr)
    except Exception:  # regex-module-only syntax: leave it to the matching timeout
        return None
    return _nested(list(parsed), outer=False)


def _nested(items: list, outer: bool) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            lo, hi, sub = av
            if outer and hi == _sre.MAXREPEAT:
                return "an open-ended repeat (+, * or {n,}) inside a repeated group"
            hit = _nested(list(sub), outer or hi == _sre.MAXREPEAT or hi > _MANY)
            if hit:
                return hit
        elif op == _sre.SUBPATTERN:
            hit = _nested(list(av[-1]), outer)
            if hit:
                return hit
        elif op == _sre.BRANCH:
            for branch in av[1]:
                hit = _nested(list(branch), outer)
                if hit:
                    return hit
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            hit = _nested(list(av[1]), outer)
            if hit:
                return hit
        # ATOMIC_GROUP and POSSESSIVE_REPEAT do not backtrack: not looked into
    return None


def _token_regexes(tokens: list) -> Iterator[str]:
    """Every ``REGEX`` value in a spaCy token pattern (``{TEXT: {REGEX: ...}}``)."""
    stack: list[Any] = list(tokens)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if str(key).upper() == "REGEX" and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _nested_problem(name: str, expr: str, what: str, source: str, line: int | None) -> Problem:
    return Problem.of(
        Errors.C053,
        source,
        line,
        name=name,
        expr=expr,
        what=what,
    )


@lru_cache(maxsize=1)
def _blank_vocab():
    import spacy  # noqa: PLC0415 (only needed when a codebook has token patterns)

    return spacy.blank("nl").vocab


def token_pattern_error(tokens: list[dict[str, Any]]) -> str | None:
    """None if spaCy's Matcher (validate=True, blank Dutch pipeline) accepts the pattern, else why not."""
    from spacy.matcher import Matcher  # noqa: PLC0415

    if not tokens:
        return "the pattern is empty"
    matcher = Matcher(_blank_vocab(), validate=True)
    try:
        matcher.add("CHECK", [tokens])
    except Exception as exc:  # MatchPatternError, ValueError, KeyError: all mean "bad pattern"
        text = " ".join(str(exc).split())
        found = re.findall(r"\[pattern -> (\d+) -> ([^\]]+)\] ([^\[]+?)(?= - \[|$)", text)
        if not found:
            return re.sub(r"^\[E\d+\]\s*", "", text)[:300]
        parts = []
        for index, where, what in found:
            attr = where.split(" -> ")[0]
            close = difflib.get_close_matches(attr.upper(), _TOKEN_ATTRS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close and close[0] != attr else ""
            if attr == "OP":
                what, hint = "OP must be '!', '?', '+', '*' or a count such as '{2}' or '{1,3}'", ""
            parts.append(
                f"token {int(index) + 1}, '{where}': {what.strip().rstrip('.') if attr == 'OP' else what.strip().rstrip('.').lower()}{hint}"
            )
            if attr == "OP":
                break
        return "; ".join(parts)
    return None


_TOKEN_ATTRS = [
    "ORTH",
    "TEXT",
    "LOWER",
    "NORM",
    "LEMMA",
    "POS",
    "TAG",
    "MORPH",
    "DEP",
    "ENT_TYPE",
    "SHAPE",
    "LENGTH",
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_STOP",
    "IS_SENT_START",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
    "OP",
    "IN",
    "NOT_IN",
    "REGEX",
    "FUZZY",
]

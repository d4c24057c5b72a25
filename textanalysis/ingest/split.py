"""Splitting a multi-answer cell into units at line breaks, bullets, numbering and semicolons."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\v\f\x85]")
_INLINE_BULLET = re.compile(r"[•·▪◦‣]")
# List markers at the start of a line: bullets, "1." "1)" "(1)" "a)" "(a)".
_LEAD_MARKER = re.compile(
    r"^(?:[•·▪◦‣]|[-*–—](?=\s|[^\W\d_])|\(?\d{1,2}[.)](?=\s|$)|\(?[a-z]\)(?=\s|$))\s*"
)
# Inline numbering: "1. a 2. b", "1) a 2) b", "a) x b) y" (kept only when it forms a sequence).
_INLINE_NUMBER = re.compile(r"(?<!\S)(\(?)(\d{1,2}|[a-z])([.)])(?=\s)")
_SEMICOLON = re.compile(r";")
_ONLY_MARKERS = re.compile(r"(?:\s|[;•·▪◦‣*\-–—]|\(?\d{1,2}[.)]|\(?[a-z]\))*")
_ENTITY_BEFORE = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#x[0-9A-Fa-f]{1,6})$")


def _inline_number_cuts(line: str) -> list[tuple[int, int]]:
    """(start, end) of inline numbering markers that form a run 1, 2, 3 (or a, b, c)."""
    cands = []
    for m in _INLINE_NUMBER.finditer(line):
        label, punct = m.group(2), m.group(3)
        if label.isalpha() and punct != ")":
            continue
        value = int(label) if label.isdigit() else ord(label) - ord("a") + 1
        cands.append((m.start(), m.end(), value, label.isdigit(), punct))
    runs: list[list[tuple[int, int, int, bool, str]]] = []
    for cand in cands:
        for run in runs:
            last = run[-1]
            if last[3] == cand[3] and last[4] == cand[4] and cand[2] == last[2] + 1:
                run.append(cand)
                break
        else:
            if cand[2] == 1:
                runs.append([cand])
    cuts = [(c[0], c[1]) for run in runs if len(run) >= 2 for c in run]
    return sorted(cuts)


def _cut(line: str, spans: list[tuple[int, int]], finder) -> list[tuple[int, int]]:
    """Split each (start, end) span of ``line`` at the separators ``finder(piece)`` yields."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        pos = a
        for s, e in finder(line[a:b]):
            out.append((pos, a + s))
            pos = a + e
        out.append((pos, b))
    return out


def _bullet_seps(piece: str):
    return ((m.start(), m.end()) for m in _INLINE_BULLET.finditer(piece))


def _semicolon_seps(piece: str):
    for m in _SEMICOLON.finditer(piece):
        before = piece[: m.start()]
        if _ENTITY_BEFORE.search(before) or before.count("(") > before.count(")"):
            continue  # "&amp;" or inside parentheses
        yield m.start(), m.end()


def _line_spans(line: str) -> list[tuple[int, int]]:
    spans = _cut(line, [(0, len(line))], _bullet_seps)
    stripped = line.lstrip()
    if stripped[:2] in ("- ", "* "):
        # A line that starts as a dash list keeps going inline: "- a - b - c".
        sep = " " + stripped[0] + " "
        spans = _cut(
            line, spans, lambda p: ((m.start(), m.end()) for m in re.finditer(re.escape(sep), p))
        )
    spans = _cut(line, spans, _inline_number_cuts)
    return _cut(line, spans, _semicolon_seps)


def _strip_span(line: str, a: int, b: int) -> tuple[int, int]:
    while True:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        m = _LEAD_MARKER.match(line[a:b])
        if not m or m.end() == 0:
            return a, b
        a += m.end()


def split_spans(cell: str | None) -> list[tuple[int, int]]:
    """(start, end) offsets of the units of a cell; see :func:`split_units`."""
    if cell is None or not str(cell).strip():
        return []
    cell = str(cell)
    if _ONLY_MARKERS.fullmatch(cell):
        # Nothing but markers ("-", "x)", "1."): one unit, so it is flagged as a non-answer.
        a = len(cell) - len(cell.lstrip())
        return [(a, len(cell.rstrip()))]
    spans: list[tuple[int, int]] = []
    offset = 0
    for brk in [*_LINE_BREAK.finditer(cell), None]:
        end = brk.start() if brk else len(cell)
        line = cell[offset:end]
        for a, b in _line_spans(line):
            a, b = _strip_span(line, a, b)
            if b > a:
                spans.append((offset + a, offset + b))
        offset = brk.end() if brk else len(cell)
    if not spans:
        a = len(cell) - len(cell.lstrip())
        spans.append((a, len(cell.rstrip())))
    return spans


def split_units(cell: str | None) -> list[str]:
    """Split a multi-answer cell into verbatim units (substrings of the cell, in order).

    Splits at line breaks, bullets (• - *), numbering (1. 1) a)) and semicolons; numbering
    inside a line only counts when it runs 1, 2, ... so "1.500 euro", "o.a." and "art. 3"
    never split. A cell that is nothing but a marker ("-", "x") is one unit, so it can be
    flagged as a non-answer. An empty cell gives no units.
    """
    if cell is None:
        return []
    cell = str(cell)
    return [cell[a:b] for a, b in split_spans(cell)]

"""Evidence highlighting: untrusted answer text is escaped *before* evidence spans are marked
(the place where XSS usually slips in)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# --- evidence highlighting -----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the answer text ``text[start:end]`` that supports a code."""

    start: int
    end: int
    code: str
    label: str = ""


def as_spans(evidence: Iterable[Any], code: str = "", label: str = "") -> list[Span]:
    """Normalise evidence items (Span, dict with start/end, or (start, end) tuples) to spans."""
    out: list[Span] = []
    for ev in evidence or ():
        if isinstance(ev, Span):
            out.append(ev)
        elif isinstance(ev, Mapping):
            if ev.get("start") is None or ev.get("end") is None:
                continue
            out.append(
                Span(
                    int(ev["start"]),
                    int(ev["end"]),
                    str(ev.get("code") or code),
                    str(ev.get("label") or label),
                )
            )
        elif hasattr(ev, "start") and hasattr(ev, "end"):
            out.append(
                Span(int(ev.start), int(ev.end), str(getattr(ev, "code", "") or code), label)
            )
        else:
            start, end = ev[0], ev[1]
            out.append(Span(int(start), int(end), code, label))
    return out


def highlight_html(text: str, spans: Iterable[Span], unit_id: int | None = None) -> str:
    """HTML of ``text`` with evidence spans wrapped in ``<mark>``; every piece of text is escaped.

    Offsets refer to the raw text, so the text is cut at span boundaries first and each
    piece escaped on its own (escaping first would shift the offsets). Overlapping spans
    are merged per piece; the ``title`` lists the codes (shown on hover).
    """
    n = len(text)
    valid = [s for s in spans if 0 <= s.start < s.end <= n]
    cuts = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid)})
    pieces: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = html.escape(text[a:b], quote=True)
        covering = [s for s in valid if s.start <= a and b <= s.end]
        if covering:
            names = list(dict.fromkeys(s.label or s.code for s in covering))
            codes = " ".join(dict.fromkeys(html.escape(s.code, quote=True) for s in covering))
            title = html.escape(", ".join(names), quote=True)
            pieces.append(f'<mark title="{title}" data-codes="{codes}">{chunk}</mark>')
        else:
            pieces.append(chunk)
    body = "".join(pieces).replace("\n", "<br>")
    unit = "" if unit_id is None else f' data-unit="{int(unit_id)}"'
    return f'<div class="ta-answer"{unit} style="white-space: pre-wrap">{body}</div>'

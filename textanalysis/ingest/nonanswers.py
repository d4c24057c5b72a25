"""Non-answers ("nvt", "geen", "-", spreadsheet errors): kept but out of N."""

from __future__ import annotations

import re

_NON_SUBSTANTIVE: dict[str, str] = {}
for _reason, _words in {
    "not applicable": [
        "nvt",
        "n.v.t",
        "n v t",
        "nvt.",
        "niet van toepassing",
        "n/a",
        "na",
        "n.a",
        "nb",
        "n.b",
        "niet aan de orde",
        "is niet van toepassing",
        "geen van toepassing",
    ],
    "none": [
        "geen",
        "nee",
        "neen",
        "nope",
        "niets",
        "niks",
        "nee hoor",
        "nee geen",
        "geen opmerkingen",
        "geen opmerking",
        "geen aanvullingen",
        "geen aanvulling",
        "geen bijzonderheden",
        "niet",
        "geen antwoord",
        "nvt geen",
        "geen nvt",
        "nee nvt",
        "nvt nee",
        "niets te melden",
        "niet bekend",
        "geen commentaar",
        "nee dank je",
        "nee dank u",
        "n.v.t geen",
        "geen n.v.t",
    ],
    "don't know": [
        "weet niet",
        "weet ik niet",
        "geen idee",
        "onbekend",
        "wn",
        "w.n",
        "weet niet precies",
        "dat weet ik niet",
        "kan ik niet zeggen",
        "niet te zeggen",
        "moeilijk te zeggen",
        "geen zicht op",
        "geen zicht",
        "nog onbekend",
        "nog niet bekend",
    ],
    "see elsewhere": [
        "zie hierboven",
        "zie boven",
        "zie eerder",
        "zie vorige vraag",
        "zie vorig antwoord",
        "idem",
        "zie antwoord hierboven",
        "zie bovenstaand",
        "zie bovenstaande",
        "zie vorige",
        "zie hiervoor",
        "zie eerdere antwoorden",
        "zie eerder antwoord",
        "zie toelichting",
        "zie bijlage",
        "zelfde als hierboven",
        "zie antwoord vorige vraag",
        "zie opmerking hierboven",
        "zie boven antwoord",
    ],
}.items():
    for _w in _words:
        _NON_SUBSTANTIVE[_w] = _reason
_SEE_QUESTION = re.compile(
    r"^(?:zie|idem)(?: (?:ook|antwoord|antwoorden|bij|vraag|onder|boven|eerder))* (?:vraag )?\d{1,3}[a-z]?$"
)
_PLACEHOLDER = re.compile(r"^[\W_]*$|^(?:x+|-+|\.+|\?+|0)$")
# Punctuation around a whole answer: "(geen)", "-geen-", "- nvt -", "'geen'", "*n.v.t.*".
_NORMALISE_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# Excel's error values (also as cached formula results): never an answer.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#DIV/0!",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


def non_substantive_reason(text: str | None) -> str | None:
    """Why an answer is not substantive ("empty", "not applicable", "none", ...), else None.

    Only whole answers count: "geen" is a non-answer, "geen wachtlijsten" is an answer.
    """
    if text is None:
        return "empty"
    raw = str(text).strip()
    if not raw:
        return "empty"
    if raw.upper() in EXCEL_ERRORS:
        return "spreadsheet error"
    if len(raw) > 60:
        return None
    low = " ".join(raw.lower().split())
    if _PLACEHOLDER.match(low):
        return "placeholder"
    norm = _NORMALISE_EDGE.sub("", low)
    norm = re.sub(
        r"\s*[,/]\s*|\s*\.\s*(?=\S)",
        lambda m: " " if m.group().strip() in {",", "/"} else ".",
        norm,
    )
    norm = " ".join(norm.split())
    if norm in _NON_SUBSTANTIVE:
        return _NON_SUBSTANTIVE[norm]
    if norm.replace(".", "").replace(" ", "") in {"nvt", "nvtgeen", "geennvt"}:
        return "not applicable"
    if _SEE_QUESTION.match(norm):
        return "see elsewhere"
    return None

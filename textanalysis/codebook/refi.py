"""REFI-QDA codebook exchange (``.qdc``): the format MAXQDA, ATLAS.ti, NVivo and QualCoder share.

A ``.qdc`` file is ``<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin=...><Codes>`` with
nested ``<Code guid= name= isCodable=><Description>`` elements. REFI has no place for a code's
stable id, include/exclude notes, keywords, patterns or examples, so the export writes them
into the ``Description`` as labelled lines after the definition (readable in any QDA tool)::

    <definition>

    Include: ...
    Exclude: ...
    Keywords: wachtlijst; wachttijd
    Pattern: {"regex": "wacht(lijst|tijd)"}
    Example: ...
    Counter-example: ...
    Code id: wachtlijst_team

and the import reads them back, so export -> import keeps every field (line breaks inside a
value become spaces). The codebook's own name, version, language and questions travel in an
XML comment. A ``.qdc`` made by another tool has no such lines: its Description becomes the
definition and ids are made from the code names. GUIDs are uuid5 of codebook name + code id,
so exporting the same codebook twice gives the same file.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CodebookError, Errors
from .model import Code, Codebook, Pattern
from .validate import MAX_CODEBOOK_BYTES, validate_codebook_text

NS = "urn:QDA-XML:codebook:1.0"
_Q = f"{{{NS}}}"
GUID_NAMESPACE = uuid.UUID("6f1d4c1e-6a3b-5b8e-9a57-7465787461ea")  # fixed: stable guids forever
_META_PREFIX = "textanalysis-codebook:"
_FIELDS = [  # (label in the Description, Code attribute, repeated?)
    ("Include", "include", False),
    ("Exclude", "exclude", False),
    ("Keywords", "keywords", False),
    ("Pattern", "patterns", True),
    ("Example", "examples", True),
    ("Counter-example", "counter_examples", True),
]
_GUID_RE = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)


def code_guid(codebook_name: str, code_id: str) -> str:
    """Deterministic REFI guid of a code: the same codebook name and id give the same guid."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{codebook_name}\x1f{code_id}"))


# --- export ------------------------------------------------------------------------------------


def to_qdc(codebook: Codebook) -> str:
    """The codebook as REFI-QDA codebook XML (UTF-8 text)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{_Q}CodeBook", {"origin": f"textanalysis {_version()}"})
    codes_el = ET.SubElement(root, f"{_Q}Codes")

    def add(parent: ET.Element, code: Code) -> None:
        el = ET.SubElement(
            parent,
            f"{_Q}Code",
            {"guid": code_guid(codebook.name, code.id), "name": code.label, "isCodable": "true"},
        )
        ET.SubElement(el, f"{_Q}Description").text = _describe(code)
        for child in code.children:
            add(el, child)

    for code in codebook.codes:
        add(codes_el, code)
    ET.indent(root, space="  ")
    meta = {
        "name": codebook.name,
        "version": codebook.version,
        "language": codebook.language,
        "questions": codebook.questions,
        "description": codebook.description,
    }
    comment = json.dumps(meta, ensure_ascii=False).replace("--", "- -")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {_META_PREFIX} {comment} -->\n{body}\n'


def _version() -> str:
    try:
        from importlib.metadata import version  # noqa: PLC0415

        return version("textanalysis")
    except Exception:  # not installed (running from a source tree)
        return "dev"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _describe(code: Code) -> str:
    lines = [_one_line(code.description)] if code.description else []
    extra: list[str] = []
    if code.include:
        extra.append(f"Include: {_one_line(code.include)}")
    if code.exclude:
        extra.append(f"Exclude: {_one_line(code.exclude)}")
    if code.keywords:
        extra.append("Keywords: " + "; ".join(_one_line(k) for k in code.keywords))
    for p in code.patterns:
        extra.append("Pattern: " + json.dumps(p.model_dump(exclude_none=True), ensure_ascii=False))
    extra += [f"Example: {_one_line(e)}" for e in code.examples]
    extra += [f"Counter-example: {_one_line(e)}" for e in code.counter_examples]
    extra.append(f"Code id: {code.id}")
    if lines:
        lines.append("")
    return "\n".join(lines + extra)


def export_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write ``path`` (atomically: a failed write leaves an older file intact)."""
    return write_atomic(path, to_qdc(codebook), ".qdc file")


def write_atomic(path: str | Path, text: str, what: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` via a temporary file, so a failed write leaves an older
    file intact; [C030] names the path when it cannot be written."""
    p = Path(path)
    if not p.parent.is_dir():
        raise CodebookError(
            Errors.C030,
            folder=p.parent,
            what=what,
        )
    tmp = p.with_name(p.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CodebookError(Errors.C066, what=what, path=p, reason=exc.strerror) from None
    return p


# --- import ------------------------------------------------------------------------------------


def from_qdc(text: str | bytes, source: str = "<qdc>", name: str | None = None) -> Codebook:
    """Parse REFI-QDA codebook XML into a validated :class:`Codebook`.

    Hostile XML is refused before it is parsed: more than ``MAX_CODEBOOK_BYTES`` [C068], and any
    DTD (``<!DOCTYPE``/``<!ENTITY``, so no entity expansion or external entities) [C054].
    """

    size = len(text.encode("utf-8", "replace")) if isinstance(text, str) else len(text)
    if size > MAX_CODEBOOK_BYTES:
        raise CodebookError(
            Errors.C068,
            source=source,
            size=size,
            limit=MAX_CODEBOOK_BYTES,
        )
    _refuse_dtd(text, source)
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise CodebookError(
            Errors.C031,
            source=source,
            line=line,
            exc=exc,
        ) from None
    if root.tag != f"{_Q}CodeBook":
        raise CodebookError(
            Errors.C032,
            source=source,
            root_tag=root.tag,
            ns=NS,
        )
    meta = _meta(text if isinstance(text, str) else text.decode("utf-8", "replace"))
    codes_el = root.find(f"{_Q}Codes")
    if codes_el is None or codes_el.find(f"{_Q}Code") is None:
        raise CodebookError(
            Errors.C033,
            source=source,
        )
    used: set[str] = set()
    codes = [_read_code(el, source, used, ()) for el in codes_el.findall(f"{_Q}Code")]
    data: dict[str, Any] = {
        "name": meta.get("name") or name or Path(source).stem,
        "version": str(meta.get("version") or "1"),
        "language": meta.get("language") or "nl",
        "questions": meta.get("questions") or [],
        "description": meta.get("description"),
        "codes": codes,
    }
    try:
        cb = Codebook.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise CodebookError(
            Errors.C034,
            source=source,
            loc=loc,
            msg=first["msg"],
        ) from None
    # Round trip through the YAML validator: same checks as a hand-written codebook.

    return validate_codebook_text(cb.to_yaml(), source)


def import_qdc(path: str | Path, name: str | None = None) -> Codebook:

    p = Path(path)
    if not p.is_file():
        raise CodebookError(Errors.C067, path=p)
    with p.open("rb") as fh:  # at most the limit (+1): never a huge file into memory
        data = fh.read(MAX_CODEBOOK_BYTES + 1)
    if len(data) > MAX_CODEBOOK_BYTES:
        raise CodebookError(
            Errors.C068,
            source=p,
            size=p.stat().st_size,
            limit=MAX_CODEBOOK_BYTES,
        )
    return from_qdc(data, source=str(p), name=name)


class _DtdFound(Exception):
    pass


def _refuse_dtd(text: str | bytes, source: str) -> None:
    """[C054] when the XML has a DTD: REFI-QDA files have none, and a DTD is how entity bombs
    ("billion laughs") and external entities get in. Checked with a bare expat pass that stops
    at the ``<!DOCTYPE`` before any entity is declared or expanded."""
    from xml.parsers import expat  # noqa: PLC0415

    def refuse(*_args: Any) -> None:
        raise _DtdFound

    scan = expat.ParserCreate()
    scan.StartDoctypeDeclHandler = refuse
    scan.EntityDeclHandler = refuse
    try:
        scan.Parse(text, True)
    except _DtdFound:
        raise CodebookError(
            Errors.C054,
            source=source,
            scan_currentlinenumber=scan.CurrentLineNumber,
        ) from None
    except expat.ExpatError:
        pass  # invalid XML: reported with its line by the real parse


def _meta(text: str) -> dict[str, Any]:
    # one search from the first marker: never a scan from every "<!--" of a hostile file
    start = text.find(_META_PREFIX)
    m = re.match(r"\s*(\{.*?\})\s*-->", text[start + len(_META_PREFIX) :], re.S)
    if start < 0 or not m or not text[:start].rstrip().endswith("<!--"):
        return {}
    try:
        meta = json.loads(m.group(1))
    except json.JSONDecodeError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")
    return s[:60] or "code"


def _read_code(
    el: ET.Element, source: str, used: set[str], path: tuple[str, ...]
) -> dict[str, Any]:
    label = (el.get("name") or "").strip()
    guid = el.get("guid") or "?"
    if not label:
        raise CodebookError(
            Errors.C035,
            source=source,
            guid=guid,
        )
    desc_el = el.find(f"{_Q}Description")
    fields = _parse_description(desc_el.text if desc_el is not None and desc_el.text else "")
    code_id = fields.pop("id", None)
    if not code_id:
        base = _slug(label)
        code_id = base
        if code_id in used and path:
            code_id = f"{path[-1]}_{base}"
        n = 2
        while code_id in used:
            code_id, n = f"{base}_{n}", n + 1
    used.add(code_id)
    children = [_read_code(c, source, used, (*path, code_id)) for c in el.findall(f"{_Q}Code")]
    return {"id": code_id, "label": label, **fields, "children": children}


def _parse_description(text: str) -> dict[str, Any]:
    """Our labelled lines back into fields; any other Description is the definition as is."""
    lines = text.strip().splitlines()
    if not lines or not lines[-1].startswith("Code id: "):
        return {"description": text.strip() or None}
    out: dict[str, Any] = {"id": lines[-1].removeprefix("Code id: ").strip()}
    prefixes = {f"{label}: ": (attr, rep) for label, attr, rep in _FIELDS}
    body: list[str] = []
    for line in lines[:-1]:
        hit = next((p for p in prefixes if line.startswith(p)), None)
        if hit is None:
            body.append(line)
            continue
        attr, repeated = prefixes[hit]
        value = line[len(hit) :].strip()
        if attr == "keywords":
            out["keywords"] = [k.strip() for k in value.split(";") if k.strip()]
        elif attr == "patterns":
            try:
                out.setdefault("patterns", []).append(
                    Pattern.model_validate(json.loads(value)).model_dump(exclude_none=True)
                )
            except (json.JSONDecodeError, ValidationError):
                body.append(line)  # not ours after all: keep it readable in the definition
        elif repeated:
            out.setdefault(attr, []).append(value)
        else:
            out[attr] = value
    desc = "\n".join(body).strip()
    out["description"] = desc or None
    return out

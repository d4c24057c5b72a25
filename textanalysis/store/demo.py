"""Importing the constructed demo data described by ``data/demo.yaml`` (``textanalysis demo``).

The manifest lists ``imports`` (file, survey, wave, id_column, questions {QID: column},
attributes, optional sheet, duplicates, masking) and ``codebooks`` (file, question); paths
are relative to the manifest. Every step is idempotent, so running the demo twice stores
nothing new the second time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Errors, StoreError
from ..identity import GOLD_CODER  # reserved: only this loader writes it
from .core import Store


def default_manifest() -> Path:
    """data/demo.yaml of the source checkout, else ./data/demo.yaml."""
    here = Path(__file__).resolve().parents[2] / "data" / "demo.yaml"
    return here if here.is_file() else Path("data/demo.yaml")


# Keys every entry of a manifest section needs (section, keys, how to write them).
_ENTRY_KEYS = (
    (
        "imports",
        ("file", "survey", "wave", "id_column", "questions"),
        "file, survey, wave, id_column and questions {QID: column}",
    ),
    ("codebooks", ("file",), "file and optionally question"),
    ("gold", ("question", "survey", "wave", "codes"), "question, survey, wave and codes"),
)


def read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise StoreError(
            Errors.S015,
            path=path,
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StoreError(Errors.S044, path=path, exc=exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("imports"), list):
        raise StoreError(
            Errors.S045,
            path=path,
        )
    for section, keys, hint in _ENTRY_KEYS:
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise StoreError(Errors.S046, section=section, path=path)
        for i, entry in enumerate(entries):
            missing = [k for k in keys if not isinstance(entry, dict) or k not in entry]
            if missing:
                raise StoreError(
                    Errors.S047,
                    section=section.capitalize().rstrip("s"),
                    i=i,
                    path=path,
                    missing=", ".join(missing),
                    hint=hint,
                )
    return data


def import_demo(
    store: Store, manifest: Path | None = None, *, with_gold: bool = False
) -> list[dict[str, Any]]:
    """Import every file and save every codebook of the manifest; one summary dict per step.

    ``with_gold`` also records the hand-assigned gold codes as coder ``gold``, so the
    Resultaten page and the reliability tools have a finished coding to show.
    """
    from ..codebook import load_codebook
    from ..ingest import ingest_file

    path = Path(manifest) if manifest else default_manifest()
    data = read_manifest(path)
    base = path.parent
    steps: list[dict[str, Any]] = []
    # Read every codebook first: a bad codebook stops the demo before anything is imported.
    books = [(entry, load_codebook(base / entry["file"])) for entry in data.get("codebooks") or []]
    for entry in data["imports"]:
        result = ingest_file(
            base / entry["file"],
            id_column=entry["id_column"],
            questions={str(k): str(v) for k, v in entry["questions"].items()},
            attributes=[str(a) for a in entry.get("attributes") or []],
            sheet=entry.get("sheet"),
            duplicates=entry.get("duplicates", "most-complete"),
        )
        summary = store.import_result(
            result,
            survey=str(entry["survey"]),
            wave=str(entry["wave"]),
            masking=entry.get("masking"),
        )
        steps.append({"kind": "import", "file": entry["file"], **summary})
    known = set(store.codebooks()["version"])
    for entry, codebook in books:
        version = store.save_codebook(codebook, question=entry.get("question"))
        steps.append(
            {
                "kind": "codebook",
                "file": entry["file"],
                "question": entry.get("question"),
                "version": version,
                "created": version not in known,
            }
        )
        known.add(version)
    if with_gold:
        versions = {s["question"]: s["version"] for s in steps if s["kind"] == "codebook"}
        for entry in data.get("gold") or []:
            steps.append(_import_gold(store, base, entry, versions.get(entry.get("question"))))
    return steps


def _import_gold(
    store: Store, base: Path, entry: dict[str, Any], codebook_version: str | None
) -> dict[str, Any]:
    """Record the hand-assigned gold codes of one question as coder ``gold`` (once).

    Gold ids are ``<respondent>_<question>_<unit index>``; each maps to one stored unit.
    """
    import pandas as pd

    question, survey, wave = str(entry["question"]), str(entry["survey"]), str(entry["wave"])
    step = {"kind": "gold", "question": question, "survey": survey, "wave": wave}
    if GOLD_CODER in store.coders(question, survey, wave):
        return {**step, "decisions": 0, "created": False}
    units = store.units(survey, question, wave)
    by_key = {
        f"{r}_{question}_{i}": int(u)
        for r, i, u in zip(
            units["respondent_id"], units["unit_index"], units["unit_id"], strict=True
        )
    }
    codes = pd.read_csv(base / entry["codes"], dtype=str, keep_default_na=False)
    unknown = sorted(set(codes["id"]) - set(by_key))
    if unknown:
        raise StoreError(
            Errors.S048,
            codes=entry["codes"],
            unknown=", ".join(unknown[:5]),
            survey=survey,
            wave=wave,
            question=question,
        )
    rows = [
        {
            "unit_id": by_key[uid],
            "code": code,
            "coder": GOLD_CODER,
            "decision": "applied",
            "source": "manual",
            "codebook_version": codebook_version,
        }
        for uid, code in zip(codes["id"], codes["code"], strict=True)
        if code
    ]
    n = store.record_decisions(rows)
    return {**step, "decisions": n, "created": n > 0}

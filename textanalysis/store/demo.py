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

from ..errors import StoreError
from .core import Store


def default_manifest() -> Path:
    """data/demo.yaml of the source checkout, else ./data/demo.yaml."""
    here = Path(__file__).resolve().parents[2] / "data" / "demo.yaml"
    return here if here.is_file() else Path("data/demo.yaml")


def read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise StoreError(
            "S015",
            f"Demo manifest '{path}' does not exist. Run from the project folder or pass --manifest.",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StoreError(
            "S015", f"Demo manifest '{path}' is not valid YAML ({exc}). Fix the file."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("imports"), list):
        raise StoreError(
            "S015",
            f"Demo manifest '{path}' has no 'imports:' list. See data/README.md for the format.",
        )
    for i, entry in enumerate(data["imports"]):
        missing = [
            k
            for k in ("file", "survey", "wave", "id_column", "questions")
            if k not in (entry or {})
        ]
        if missing:
            raise StoreError(
                "S015",
                f"Import entry {i} of '{path}' lacks {', '.join(missing)}. Give file, survey, wave, "
                "id_column and questions {QID: column}.",
            )
    return data


def import_demo(store: Store, manifest: Path | None = None) -> list[dict[str, Any]]:
    """Import every file and save every codebook of the manifest; one summary dict per step."""
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
    return steps

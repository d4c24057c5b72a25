"""Small helpers shared by test modules (imported as a module: pytest puts tests/ on the path)."""

from __future__ import annotations

from pathlib import Path

from textanalysis.store import Store


def record_codes(db: Path, coder: str, codes: dict[int, list[str]]) -> None:
    """Record ``coder``'s manual codes per unit id in the database at ``db``."""
    with Store(str(db)) as store:
        store.record_decisions(
            [
                {"unit_id": u, "code": c, "coder": coder, "decision": "applied", "source": "manual"}
                for u, cs in codes.items()
                for c in cs
            ]
        )

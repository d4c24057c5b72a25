"""`textanalysis suggest` on the database (store mode): the suggestions Coderen shows, for the
answers not decided yet, kept as a run; the CSV contract stays as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from textanalysis.store import Store

pytestmark = pytest.mark.slow
EXE = str(Path(sys.executable).with_name("textanalysis"))


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=600)


def test_suggest_from_the_database_for_one_coder(demo_db, tmp_path):
    with Store(str(demo_db)) as store:
        units = store.units("peiling", "Q58", substantive=True)
        cb = store.load_codebook(question="Q58")
        first = int(units["unit_id"].iloc[0])
        store.record_decisions(
            [{"unit_id": first, "code": cb.code_ids[0], "coder": "anna", "decision": "applied",
              "source": "manual", "score": None, "codebook_version": cb.content_hash}]
        )  # fmt: skip
    out = tmp_path / "s.csv"
    res = _cli("suggest", "--db", demo_db, "--survey", "peiling", "--question", "Q58",
               "--coder", "anna", "--out", out)  # fmt: skip
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["id", "code", "score", "suggested", "source", "evidence"]
    ids = set(table["id"])
    # every substantive answer anna has not decided, and only those
    assert ids == set(units["unit_id"].astype(int)) - {first}
    assert (table.groupby("id").size() >= 5).all()
    assert ((table["score"] >= 0.5) == (table["suggested"] == 1)).all()
    with Store(str(demo_db)) as store:
        runs = store.runs("suggest")
    assert len(runs) == 1


def test_suggest_needs_one_complete_mode(demo_db, tmp_path):
    res = _cli("suggest", "--db", demo_db, "--survey", "peiling")
    assert res.returncode == 2 and "[G047]" in res.stderr and "Traceback" not in res.stderr
    res = _cli("suggest", "--answers", tmp_path / "a.csv", "--out", tmp_path / "o.csv")
    assert res.returncode == 2 and "[G046]" in res.stderr

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
ROOT = Path(__file__).resolve().parent.parent


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


def test_autocode_csv_mode_still_needs_a_codebook(tmp_path):
    res = _cli("autocode", "--answers", tmp_path / "a.csv", "--train", tmp_path / "t.csv",
               "--out", tmp_path / "o.csv")  # fmt: skip
    assert res.returncode == 2 and "[G015]" in res.stderr and "--codebook" in res.stderr
    assert "Traceback" not in res.stderr


def test_autocode_store_mode_uses_the_stored_codebook(demo_db):
    # The demo stores Q58's codebook; anna codes half of the answers (the demo's gold codes).
    gold = pd.read_csv(ROOT / "data" / "gold" / "Q58_gold.csv", dtype=str)
    half = sorted(set(gold["id"]))[: len(set(gold["id"])) // 2]
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q58")
        units = store.units("peiling", "Q58", wave="2022")
        key = units["respondent_id"] + "_Q58_" + units["unit_index"].astype(str)
        by_key = dict(zip(key, units["unit_id"], strict=True))
        store.record_decisions(
            [{"unit_id": int(by_key[r.id]), "code": r.code, "coder": "anna", "decision": "applied",
              "source": "manual", "score": None, "codebook_version": cb.content_hash}
             for r in gold[gold["id"].isin(half)].itertuples() if r.id in by_key]
        )  # fmt: skip
    res = _cli("autocode", "--db", demo_db, "--survey", "peiling", "--question", "Q58",
               "--coder", "anna", "--target-precision", "0.9")  # fmt: skip
    assert res.returncode == 0, res.stderr
    with Store(str(demo_db)) as store:
        runs = store.runs("autocode")
        auto = store.decisions(survey="peiling", question="Q58", coder="anna")
    assert len(runs) == 1
    auto = auto[auto["source"] == "auto"]
    assert (auto["codebook_version"] == cb.content_hash).all()

"""The figure-34 path as a researcher scripts it (README, "Scripting the whole path"):
import -> codebook add -> (hand codes) -> autocode -> frequencies -> chart, all on the database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CB = str(ROOT / "codebook" / "q60_knelpunten.yaml")


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_codebook_add_attaches_to_a_stored_question(tmp_path):
    db = str(tmp_path / "s.db")
    _run("import", str(DATA / "peiling2022.sav"), "--id-column", "gemeente_id",
         "--question", "Q60=q60_knelpunten", "--survey", "peiling", "--wave", "2022",
         "--db", db)  # fmt: skip
    out = _run("codebook", "add", CB, "--survey", "peiling", "--question", "Q60", "--db", db)
    assert "Q60" in out
    with Store(db) as store:
        assert store.load_codebook(question="Q60").name
    res = CliRunner().invoke(
        main, ["codebook", "add", CB, "--survey", "peiling", "--question", "Q99", "--db", db]
    )
    assert res.exit_code == 2 and res.output.startswith("Error: [C060] ")


@pytest.mark.slow
def test_scripted_figure_34_path_on_the_demo(tmp_path):
    db = str(tmp_path / "script.db")
    _run("import", str(DATA / "peiling2022.sav"), "--id-column", "gemeente_id",
         "--question", "Q60=q60_knelpunten", "--attribute", "inwonersklasse",
         "--survey", "peiling", "--wave", "2022", "--db", db)  # fmt: skip
    _run("codebook", "add", CB, "--survey", "peiling", "--question", "Q60", "--db", db)
    # An analyst codes half of the answers by hand (here: the demo's gold codes).
    gold = pd.read_csv(DATA / "gold" / "Q60_gold.csv", dtype=str)
    with Store(db) as store:
        units = store.units("peiling", "Q60", wave="2022")
        key = units["respondent_id"] + "_Q60_" + units["unit_index"].astype(str)
        by_key = dict(zip(key, units["unit_id"], strict=True))
        half = sorted(set(gold["id"]))[: len(set(gold["id"])) // 2]
        rows = [
            {"unit_id": int(by_key[r.id]), "code": r.code, "coder": "anna", "decision": "applied",
             "source": "manual"}
            for r in gold[gold["id"].isin(half)].itertuples()
            if r.id in by_key
        ]  # fmt: skip
        store.record_decisions(rows)
    # No --codebook: autocode uses the codebook stored for Q60 by `codebook add`.
    _run("autocode", "--survey", "peiling", "--question", "Q60",
         "--coder", "anna", "--target-precision", "0.9", "--db", db)  # fmt: skip
    with Store(db) as store:
        auto = store.decisions(survey="peiling", question="Q60", coder="anna")
        version = store.load_codebook(question="Q60").content_hash
    auto = auto[auto["source"] == "auto"]
    assert len(auto) and (auto["codebook_version"] == version).all()
    freq = tmp_path / "freq.csv"
    _run("frequencies", "--survey", "peiling", "--question", "Q60", "--coder", "anna",
         "--include-auto", "--out", str(freq), "--db", db)  # fmt: skip
    table = pd.read_csv(freq)
    assert list(table.columns[:6]) == ["code", "label", "respondents", "percent", "mentions", "n"]
    assert table["respondents"].sum() > 0
    chart = tmp_path / "top.svg"
    _run("export", "--survey", "peiling", "--question", "Q60", "--coder", "anna",
         "--include-auto", "--chart", str(chart), "--out", str(tmp_path / "coded.csv"),
         "--db", db)  # fmt: skip
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<")

"""Results on the demo data: gold Q58 frequencies, the CLI contract, and the database variants."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from textanalysis.codebook import load_codebook
from textanalysis.errors import ReportError
from textanalysis.report import (
    FREQUENCY_COLUMNS,
    NO_DATA,
    compare_waves_from_store,
    crosstab_from_store,
    frequencies,
    frequencies_from_csv,
    frequencies_from_store,
)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"
CB58 = ROOT / "codebook" / "q58_beleidsontwikkelingen.yaml"
CB60 = ROOT / "codebook" / "q60_knelpunten.yaml"
CLI = str(Path(sys.executable).parent / "textanalysis")


def _independent_counts(answers: pd.DataFrame, gold: pd.DataFrame, codebook_path: Path) -> dict:
    """Respondents per code straight from the files, roll-up from the raw YAML tree."""
    tree = yaml.safe_load(codebook_path.read_text(encoding="utf-8"))
    ancestors: dict[str, list[str]] = {}

    def walk(codes, chain):
        for c in codes:
            ancestors[c["id"]] = list(chain)
            walk(c.get("children", []), [*chain, c["id"]])

    walk(tree["codes"], [])
    merged = gold.merge(answers[["id", "respondent_id"]], on="id")
    pairs = {(r, c) for r, c in zip(merged["respondent_id"], merged["code"], strict=True)}
    pairs |= {(r, a) for r, c in list(pairs) for a in ancestors[c]}
    counts = pd.Series([c for _, c in pairs]).value_counts().to_dict()
    return {code: counts.get(code, 0) for code in ancestors}


def test_q58_gold_frequencies_match_independent_counts():
    answers = pd.read_csv(GOLD / "Q58_answers.csv", dtype=str, keep_default_na=False)
    gold = pd.read_csv(GOLD / "Q58_gold.csv", dtype=str, keep_default_na=False)
    t = frequencies_from_csv(
        GOLD / "Q58_answers.csv",
        GOLD / "Q58_gold.csv",
        respondent_column="respondent_id",
        codebook=CB58,
    )
    assert t.n == answers["respondent_id"].nunique() == 63  # "141 antwoorden ingevuld (N=63)"
    expected = _independent_counts(answers, gold, CB58)
    got = dict(zip(t["code"], t["respondents"], strict=True))
    assert got == expected
    mentions = gold.groupby("code")["id"].nunique()
    for code, m in mentions.items():
        assert t.set_index("code").loc[code, "mentions"] == m
    for code, r in expected.items():
        assert t.set_index("code").loc[code, "percent"] == int(r * 100 / 63 + 0.5)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.slow
def test_cli_frequencies_contract_and_errors(tmp_path):
    out = tmp_path / "freq.csv"
    res = _run(
        "frequencies",
        "--answers", str(GOLD / "Q58_answers.csv"),
        "--codes", str(GOLD / "Q58_gold.csv"),
        "--respondent-column", "respondent_id",
        "--codebook", str(CB58),
        "--out", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == FREQUENCY_COLUMNS
    assert {r["n"] for r in rows} == {"63"}
    answers = pd.read_csv(GOLD / "Q58_answers.csv", dtype=str)
    gold = pd.read_csv(GOLD / "Q58_gold.csv", dtype=str)
    expected = _independent_counts(answers, gold, CB58)
    assert {r["code"]: int(r["respondents"]) for r in rows} == expected

    # without a respondent column each id is its own respondent; non-answers are out of N
    ans = tmp_path / "answers.csv"
    pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "text": ["Preventie", "nvt", "wijkgericht werken", "-"]}
    ).to_csv(ans, index=False)
    codes = tmp_path / "codes.csv"
    pd.DataFrame({"id": ["a", "c", "c"], "code": ["preventie", "wijk", "preventie"]}).to_csv(
        codes, index=False
    )
    res = _run("frequencies", "--answers", str(ans), "--codes", str(codes), "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == FREQUENCY_COLUMNS
    assert df.set_index("code").loc["preventie"].tolist() == ["preventie", 2, 100, 2, 2]

    # bad input: exit 2, one line, typed code, no traceback
    pd.DataFrame({"id": ["zz"], "code": ["preventie"]}).to_csv(codes, index=False)
    res = _run("frequencies", "--answers", str(ans), "--codes", str(codes), "--out", str(out))
    assert res.returncode == 2
    assert res.stderr.strip().startswith("Error: [R003]") and "'zz'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    res = _run("frequencies", "--answers", str(ans), "--out", str(out))
    assert res.returncode == 2 and "[R015]" in res.stderr


# --- database ---------------------------------------------------------------------------


def _record_gold(store, question: str, wave: str, gold_file: Path, coder: str, **extra) -> int:
    units = store.units("peiling", question, wave=wave)
    key = {
        (r, int(i)): u
        for r, i, u in zip(
            units["respondent_id"], units["unit_index"], units["unit_id"], strict=True
        )
    }
    gold = pd.read_csv(gold_file, dtype=str)
    rows = []
    for gid, code in zip(gold["id"], gold["code"], strict=True):
        resp, _, idx = gid.split("_")
        rows.append({"unit_id": key[(resp, int(idx))], "code": code, "coder": coder, **extra})
    return store.record_decisions(rows)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    from textanalysis.store import Store
    from textanalysis.store.demo import import_demo

    path = str(tmp_path_factory.mktemp("demo") / "demo.db")
    with Store(path) as store:
        import_demo(store)
        _record_gold(store, "Q58", "2022", GOLD / "Q58_gold.csv", "ann", source="manual")
        _record_gold(store, "Q60", "2022", GOLD / "Q60_gold.csv", "ann", source="manual")
        _record_gold(store, "Q60", "2019", GOLD / "Q60_2019_gold.csv", "ann", source="manual")
        # a machine decision that must not count unless asked for
        units = store.units("peiling", "Q58", wave="2022", substantive=True)
        store.record_decision(
            int(units["unit_id"].iloc[0]), "ggz_mentale_gezondheid", "model", source="auto"
        )
    return path


def test_store_frequencies_equal_csv_frequencies(demo_db):
    from textanalysis.store import Store

    cb = load_codebook(CB58)
    with Store(demo_db) as store:
        t = frequencies_from_store(store, "peiling", "Q58", "2022", codebook=cb)
        auto = frequencies_from_store(
            store, "peiling", "Q58", "2022", codebook=cb, include_auto=True
        )
        ct = crosstab_from_store(store, "peiling", "Q58", "g40", "2022", codebook=cb)
        units = store.units("peiling", "Q58", wave="2022")
    csv_t = frequencies_from_csv(
        GOLD / "Q58_answers.csv",
        GOLD / "Q58_gold.csv",
        respondent_column="respondent_id",
        codebook=cb,
    )
    assert t.n == 63 and len(units) > 63  # non-answers are stored but out of N
    pd.testing.assert_frame_equal(
        t[FREQUENCY_COLUMNS].reset_index(drop=True), csv_t[FREQUENCY_COLUMNS].reset_index(drop=True)
    )
    row = auto.set_index("code").loc["ggz_mentale_gezondheid"]
    base = t.set_index("code").loc["ggz_mentale_gezondheid", "respondents"]
    assert row["respondents_confirmed"] == base
    assert row["respondents"] - row["respondents_confirmed"] == row["respondents_auto"] <= 1
    # cross-tab group Ns add up to N (every respondent has a g40 value)
    assert sum(ct.attrs["group_n"].values()) == 63
    subst = units[units["substantive"]].drop_duplicates("respondent_id")
    assert ct.attrs["group_n"] == subst["g40"].value_counts().to_dict()
    assert any(c.startswith("g40 ja (N=") for c in ct.columns)


def test_store_wave_comparison_and_one_wave_rule(demo_db):
    from textanalysis.store import Store

    cb22 = load_codebook(CB60)
    cb19 = cb22.model_copy(update={"codes": [c for c in cb22.codes if c.id != "overig"]})
    with Store(demo_db) as store:
        wide = compare_waves_from_store(
            store, "peiling", "Q60", ["2019", "2022"], codebook_by_wave={"2019": cb19, "2022": cb22}
        )
        stored = compare_waves_from_store(store, "peiling", "Q60", ["2019", "2022"], long=True)
        assert (stored["status"] == "data").all()  # one stored codebook: every code exists
        assert "Hoge werkdruk" in set(stored["label"])
        with pytest.raises(ReportError, match=r"R016.*2019, 2022"):
            frequencies_from_store(store, "peiling", "Q60", codebook=cb22)
    n19 = pd.read_csv(GOLD / "Q60_2019_answers.csv")["respondent_id"].nunique()
    n22 = pd.read_csv(GOLD / "Q60_answers.csv")["respondent_id"].nunique()
    assert list(wide.columns[2:]) == [f"2019 (N={n19})", f"2022 (N={n22})"]
    row = wide.set_index("code").loc["overig"]
    assert row[f"2019 (N={n19})"] == NO_DATA and row[f"2022 (N={n22})"] != NO_DATA
    werkdruk = wide.set_index("code").loc["werkdruk"]
    assert isinstance(werkdruk[f"2019 (N={n19})"], int) and werkdruk[f"2019 (N={n19})"] > 0


@pytest.mark.slow
def test_cli_database_frequencies_and_export(demo_db, tmp_path):
    out = tmp_path / "freq.csv"
    res = _run(
        "frequencies",
        "--db",
        demo_db,
        "--survey",
        "peiling",
        "--question",
        "Q58",
        "--wave",
        "2022",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == FREQUENCY_COLUMNS and set(df["n"]) == {63}
    # the stored codebook gives labels and roll-up
    assert df.set_index("code").loc["wijkgerichte_aanpak", "label"] == "Wijkgerichte aanpak"

    sav, png = tmp_path / "q58.sav", tmp_path / "q58.png"
    res = _run(
        "export", "--db", demo_db, "--survey", "peiling", "--question", "Q58", "--wave", "2022",
        "--format", "sav", "--level", "respondent", "--out", str(sav), "--chart", str(png),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data, meta = pyreadstat.read_sav(str(sav))
    assert data["in_n"].sum() == 63
    freq = df.set_index("code")
    assert (
        data["hervormingsagenda_jeugd"].sum() == freq.loc["hervormingsagenda_jeugd", "respondents"]
    )
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["hervormingsagenda_jeugd"] == "Hervormingsagenda jeugd"
    assert meta.variable_value_labels["hervormingsagenda_jeugd"] == {
        0.0: "niet genoemd",
        1.0: "genoemd",
    }
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_command_unit_level_and_one_wave_rule(demo_db, tmp_path):
    from textanalysis.report import export_command

    common = dict(db=demo_db, survey="peiling", fmt=None, codebook=None, coder=None)
    common |= dict(include_auto=False, mask_kinds=None, chart=None)
    xlsx = tmp_path / "units.xlsx"
    export_command(question="Q58", wave="2022", level="unit", out=str(xlsx), **common)
    sheet = pd.read_excel(xlsx, sheet_name="Antwoorden")
    assert len(sheet) == 174 and sheet["substantive"].sum() == 147
    assert {"codes", "wijkgerichte_aanpak", "g40", "inwonersklasse"} <= set(sheet.columns)
    with pytest.raises(ReportError, match=r"R016.*Q60"):
        export_command(
            question="Q60", wave=None, level="respondent", out=str(tmp_path / "q60.csv"), **common
        )


def test_frequencies_ignore_rows_of_other_questions():
    answers = pd.read_csv(GOLD / "Q58_answers.csv", dtype=str).rename(columns={"id": "unit_id"})
    gold = pd.read_csv(GOLD / "Q58_gold.csv", dtype=str)
    with pytest.raises(ReportError, match="R003"):
        frequencies(answers.iloc[5:], gold)

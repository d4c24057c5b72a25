"""The constructed demo survey: shape as in the report, three formats agree, gold matches ingest."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from textanalysis.codebook import load_codebook
from textanalysis.ingest import ingest_file, read_table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
QUESTIONS = {
    "Q53": "q53_geleerde_lessen",
    "Q58": "q58_beleidsontwikkelingen",
    "Q60": "q60_knelpunten",
}
CODEBOOKS = {
    "Q53": "q53_geleerde_lessen.yaml",
    "Q58": "q58_beleidsontwikkelingen.yaml",
    "Q60": "q60_knelpunten.yaml",
}


def _load_generator():
    sys.path.insert(0, str(DATA))
    spec = importlib.util.spec_from_file_location("make_demo", DATA / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def csv22() -> pd.DataFrame:
    return pd.read_csv(
        DATA / "peiling2022.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8"
    )


@pytest.fixture(scope="module")
def units22() -> pd.DataFrame:
    return ingest_file(
        DATA / "peiling2022.xlsx",
        id_column="gemeente_id",
        questions=QUESTIONS,
        attributes=["inwonersklasse", "g40"],
        duplicates="most-complete",
    ).units


def test_shape_follows_the_report(csv22: pd.DataFrame) -> None:
    assert csv22["gemeente_id"].nunique() == 90
    assert len(csv22) == 93  # three duplicate/partial submissions (report section 1.2)
    assert all(re.fullmatch(r"G\d{3}", r) for r in csv22["gemeente_id"])
    first = csv22.drop_duplicates("gemeente_id")
    klasse = first["inwonersklasse"].value_counts().to_dict()
    assert klasse == {
        "< 50.000": 57,
        "50.001 - 100.000": 16,
        "100.001 - 250.000": 14,
        "250.001 - 500.000": 2,
        "> 500.000": 1,
    }
    assert (first["g40"] == "ja").sum() == 18
    assert (first["wijkteams"] == "ja").sum() == 72
    assert set(csv22["peiljaar"]) == {"2022"}


def test_answer_counts_per_question(units22: pd.DataFrame) -> None:
    subst = units22[units22["substantive"]]
    respondents = subst.groupby("question_id")["respondent_id"].nunique().to_dict()
    assert respondents == {"Q53": 64, "Q58": 63, "Q60": 49}
    q58_units = (subst["question_id"] == "Q58").sum()
    assert 135 <= q58_units <= 150  # "141 antwoorden, N=63"
    # Non-answers are present and flagged, not dropped.
    reasons = set(units22.loc[~units22["substantive"], "non_substantive_reason"].dropna())
    assert {"not applicable", "empty"} <= reasons
    # Cells are typed in several ways: numbered, bullets, dashes, semicolons.
    cells = units22.loc[units22["question_id"] == "Q58", "cell_text"]
    for marker in (r"^1\. ", r"^1\) ", r"^• ", r"^- ", r"; ", r"^a\) "):
        assert cells.str.contains(marker, regex=True).any(), marker


def test_three_formats_hold_the_same_rows(csv22: pd.DataFrame) -> None:
    xlsx = pd.read_excel(DATA / "peiling2022.xlsx", sheet_name="Resultaten", dtype=str).fillna("")
    assert list(xlsx.columns) == list(csv22.columns)
    for col in ["gemeente_id", "inwonersklasse", "g40", *QUESTIONS.values()]:
        assert xlsx[col].tolist() == csv22[col].tolist(), col
    sav, meta = pyreadstat.read_sav(str(DATA / "peiling2022.sav"), apply_value_formats=True)
    assert meta.variable_value_labels["inwonersklasse"][1.0] == "< 50.000"
    assert meta.variable_value_labels["g40"] == {1.0: "ja", 0.0: "nee"}
    assert sav["inwonersklasse"].tolist() == csv22["inwonersklasse"].tolist()
    assert sav[QUESTIONS["Q58"]].tolist() == csv22[QUESTIONS["Q58"]].tolist()


def test_duplicates_are_partial_and_policy_matters(csv22: pd.DataFrame) -> None:
    dup = csv22[csv22["gemeente_id"].duplicated(keep=False)]
    assert dup["gemeente_id"].nunique() == 3
    filled = dup[list(QUESTIONS.values())].ne("").sum(axis=1)
    for _, grp in filled.groupby(dup["gemeente_id"]):
        assert grp.max() > grp.min()  # one submission is less complete
    first = ingest_file(
        DATA / "peiling2022.csv", "gemeente_id", QUESTIONS, duplicates="first"
    ).units
    best = ingest_file(
        DATA / "peiling2022.csv", "gemeente_id", QUESTIONS, duplicates="most-complete"
    ).units
    assert first["substantive"].sum() < best["substantive"].sum()


def test_planted_personal_data_for_masking(csv22: pd.DataFrame) -> None:
    text = "\n".join(csv22[list(QUESTIONS.values())].to_numpy().ravel())
    assert re.search(r"[\w.]+@[\w.-]+\.nl", text)
    assert re.search(r"06[- ]?\d{8}", text)
    assert csv22["email"].str.endswith(".example.nl").sum() > 40


def test_generator_is_deterministic_and_matches_files(csv22: pd.DataFrame) -> None:
    gen = _load_generator()
    df, gold = gen.build_2022()
    again, gold2 = gen.build_2022()
    assert df.equals(again) and gold == gold2
    lab = gen.labelled(df).fillna("")
    assert (
        lab[list(QUESTIONS.values())].to_numpy().tolist()
        == csv22[list(QUESTIONS.values())].to_numpy().tolist()
    )


def test_gold_answers_equal_what_ingest_produces(units22: pd.DataFrame) -> None:
    for q in QUESTIONS:
        gold = pd.read_csv(DATA / "gold" / f"{q}_answers.csv", dtype=str, keep_default_na=False)
        assert list(gold.columns) == ["id", "respondent_id", "text"]
        u = units22[(units22["question_id"] == q) & units22["substantive"]]
        expected = {
            f"{r}_{q}_{i}": (r, t)
            for r, i, t in zip(u["respondent_id"], u["unit_index"], u["text"], strict=True)
        }
        got = {
            i: (r, t)
            for i, r, t in zip(gold["id"], gold["respondent_id"], gold["text"], strict=True)
        }
        assert got == expected, q


def test_gold_codes_are_leaf_codes_and_cover_every_unit() -> None:
    for q, cb_file in CODEBOOKS.items():
        cb = load_codebook(ROOT / "codebook" / cb_file)
        answers = pd.read_csv(DATA / "gold" / f"{q}_answers.csv", dtype=str)
        codes = pd.read_csv(DATA / "gold" / f"{q}_gold.csv", dtype=str)
        assert list(codes.columns) == ["id", "code"]
        assert set(codes["code"]) <= set(cb.leaf_ids), set(codes["code"]) - set(cb.leaf_ids)
        assert set(codes["id"]) == set(answers["id"])  # every unit has at least one code
        assert not codes.duplicated().any()
        # Every leaf is used at least once, so the rules can be measured on each code.
        assert set(codes["code"]) == set(cb.leaf_ids), set(cb.leaf_ids) - set(codes["code"])


def test_gold_frequencies_follow_the_report() -> None:
    """The most mentioned themes of the report are among the most frequent gold codes."""
    top = {
        "Q58": {
            "hervormingsagenda_jeugd",
            "preventie_vroegsignalering",
            "samenwerking_ketenpartners",
        },
        "Q60": {"werkdruk", "personeelstekort"},
        "Q53": {"waardering_ondersteuning", "wachttijden"},
    }
    for q, expected in top.items():
        codes = pd.read_csv(DATA / "gold" / f"{q}_gold.csv", dtype=str)
        most = set(codes["code"].value_counts().index[: len(expected) + 2])
        assert expected <= most, (q, codes["code"].value_counts().head(6).to_dict())


def test_manifest_points_at_real_files_and_columns() -> None:
    manifest = yaml.safe_load((DATA / "demo.yaml").read_text(encoding="utf-8"))
    for imp in manifest["imports"]:
        path = DATA / imp["file"]
        assert path.exists(), path
        header = read_table(path, sheet=imp.get("sheet")).df.columns
        for col in [imp["id_column"], *imp["questions"].values(), *imp["attributes"]]:
            assert col in header, (path.name, col)
        assert imp["duplicates"] in {"most-complete", "first", "all"}
        assert isinstance(imp["wave"], str)
    for cb in manifest["codebooks"]:
        book = load_codebook(DATA / cb["file"])
        assert cb["question"] in book.questions
    for g in manifest.get("gold", []):
        assert (DATA / g["answers"]).exists() and (DATA / g["codes"]).exists()


def test_second_wave_2019() -> None:
    df = pd.read_csv(DATA / "peiling2019.csv", sep=";", dtype=str, keep_default_na=False)
    assert df["gemeente_id"].is_unique and 45 <= len(df) <= 55
    assert set(df["peiljaar"]) == {"2019"}
    with open(DATA / "peiling2022.csv", encoding="utf-8", newline="") as fh:
        ids22 = {row["gemeente_id"] for row in csv.DictReader(fh, delimiter=";")}
    assert len(set(df["gemeente_id"]) & ids22) >= 30  # most municipalities took part in both waves
    answered = df["q60_knelpunten"].str.strip().ne("") & ~df["q60_knelpunten"].str.lower().isin(
        ["nvt", "n.v.t.", "-", "geen", "x", "weet niet"]
    )
    assert answered.sum() >= 30


def test_gold_files_hold_the_hand_codes_of_the_generator() -> None:
    gen = _load_generator()
    _, hand = gen.build_2022()
    for q in QUESTIONS:
        codes = pd.read_csv(DATA / "gold" / f"{q}_gold.csv", dtype=str)
        got = codes.groupby("id")["code"].apply(lambda s: sorted(s)).to_dict()
        want = {
            f"{rid}_{qq}_{i}": sorted(unit_codes)
            for (rid, qq), units in hand.items()
            if qq == q
            for i, (_, unit_codes) in enumerate(units)
        }
        assert got == want, q


def test_gold_2019_equals_ingest() -> None:
    units = ingest_file(DATA / "peiling2019.xlsx", "gemeente_id", {"Q60": "q60_knelpunten"}).units
    u = units[units["substantive"]]
    gold = pd.read_csv(DATA / "gold" / "Q60_2019_answers.csv", dtype=str, keep_default_na=False)
    expected = {
        f"{r}_Q60_{i}": t
        for r, i, t in zip(u["respondent_id"], u["unit_index"], u["text"], strict=True)
    }
    assert dict(zip(gold["id"], gold["text"], strict=True)) == expected
    codes = pd.read_csv(DATA / "gold" / "Q60_2019_gold.csv", dtype=str)
    assert set(codes["id"]) == set(gold["id"])
    assert set(codes["code"]) <= set(
        load_codebook(ROOT / "codebook" / "q60_knelpunten.yaml").leaf_ids
    )

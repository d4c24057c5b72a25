"""Frequencies, roll-up, non-answers, cross-tabs and wave comparison on in-memory tables."""

from __future__ import annotations

import pandas as pd
import pytest

from textanalysis.codebook import parse_codebook
from textanalysis.errors import ReportError
from textanalysis.report import (
    NO_DATA,
    NOTE,
    FrequencyTable,
    compare_waves,
    compare_waves_long,
    crosstab,
    frequencies,
    percent_half_up,
    top_k,
)

CODEBOOK = parse_codebook(
    """
name: beleid
codes:
  - id: jeugd
    label: Jeugd en gezin
    children:
      - id: hervorming
        label: Hervormingsagenda jeugd
      - id: gezinsaanpak
        label: Gezinsaanpak centraal
  - id: wijkgericht
    label: Wijkgericht werken
  - id: preventie
    label: Preventie
  - id: samenwerking
    label: Samenwerking
"""
)


@pytest.fixture()
def units() -> pd.DataFrame:
    # r1: 3 units, r2: 2 units, r3: 1, r4: only a non-answer (out of N), r5: 1 + a non-answer.
    return pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
            "respondent_id": ["r1", "r1", "r1", "r2", "r2", "r3", "r4", "r5", "r5"],
            "question_id": ["Q58"] * 9,
            "text": [
                "wijkgericht werken",
                "preventie en wijkgericht",
                "hervormingsagenda jeugd",
                "gezinsaanpak",
                "hervormingsagenda",
                "samenwerking",
                "nvt",
                "preventie",
                "-",
            ],
            "substantive": [True, True, True, True, True, True, False, True, False],
            "G40": ["ja", "ja", "ja", "nee", "nee", "nee", "ja", "nee", "nee"],
        }
    )


@pytest.fixture()
def codes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [1, 2, 2, 3, 4, 5, 6, 7, 8],
            "code": [
                "wijkgericht",
                "preventie",
                "wijkgericht",
                "hervorming",
                "gezinsaanpak",
                "hervorming",
                "samenwerking",
                "preventie",  # on a non-answer: out of N, not counted
                "preventie",
            ],
        }
    )


def test_counts_respondents_once_and_mentions_per_unit(units, codes):
    t = frequencies(units, codes)
    assert isinstance(t, FrequencyTable)
    assert t.n == 4  # r4 has only a non-answer
    row = t.set_index("code")
    assert row.loc["wijkgericht", "respondents"] == 1  # r1 twice -> once
    assert row.loc["wijkgericht", "mentions"] == 2
    assert row.loc["preventie", "respondents"] == 2  # r1, r5; r4's non-answer ignored
    assert row.loc["preventie", "percent"] == 50
    assert row.loc["hervorming", "respondents"] == 2
    assert set(t["n"]) == {4}
    assert t.note == NOTE == "Noot: percentage van N; meerdere antwoorden mogelijk."
    assert t.question == "Q58"
    # sorted by respondents, rank shared by ties
    assert list(t["respondents"]) == sorted(t["respondents"], reverse=True)
    assert row.loc["preventie", "rank"] == row.loc["hervorming", "rank"] == 1
    assert row.loc["samenwerking", "rank"] == 3


def test_matches_independent_pandas_computation(units, codes):
    t = frequencies(units, codes).set_index("code")
    subst = units[units["substantive"]]
    n = subst["respondent_id"].nunique()
    merged = codes.merge(subst[["unit_id", "respondent_id"]], on="unit_id")
    expected = merged.groupby("code")["respondent_id"].nunique()
    for code, r in expected.items():
        assert t.loc[code, "respondents"] == r
        assert t.loc[code, "percent"] == int(r * 100 / n + 0.5)


def test_non_answers_are_out_of_n(units, codes):
    assert frequencies(units, codes).n == 4
    all_subst = units.assign(substantive=True)
    t = frequencies(all_subst, codes)
    assert t.n == 5
    assert t.set_index("code").loc["preventie", "respondents"] == 3


def test_roll_up_counts_a_parent_once_per_respondent(units, codes):
    t = frequencies(units, codes, CODEBOOK).set_index("code")
    # r1 has hervorming; r2 has gezinsaanpak and hervorming -> jeugd: r1, r2 = 2 respondents
    assert t.loc["jeugd", "respondents"] == 2
    assert t.loc["jeugd", "mentions"] == 3  # units 3, 4, 5
    assert t.loc["jeugd", "label"] == "Jeugd en gezin"
    assert t.loc["hervorming", "parent"] == "jeugd"
    # codebook codes nobody mentions still get a row
    assert len(t) == len(CODEBOOK.code_ids)
    assert t.attrs["defined_codes"] == CODEBOOK.code_ids


def test_roll_up_of_grandchildren():
    cb = parse_codebook(
        "name: t\ncodes:\n - id: a\n   label: A\n   children:\n"
        "    - id: b\n      label: B\n      children:\n       - id: c\n         label: C\n"
    )
    u = pd.DataFrame({"unit_id": [1, 2], "respondent_id": ["x", "y"]})
    c = pd.DataFrame({"unit_id": [1, 2, 2], "code": ["c", "b", "c"]})
    t = frequencies(u, c, cb).set_index("code")
    assert t.loc["a", "respondents"] == 2
    assert t.loc["b", "respondents"] == 2
    assert t.loc["c", "respondents"] == 2
    assert t.loc["a", "mentions"] == 2


@pytest.mark.parametrize(
    ("count", "n", "expected"),
    [
        (1, 8, 13),
        (5, 8, 63),
        (1, 3, 33),
        (2, 3, 67),
        (0, 5, 0),
        (63, 63, 100),
        (1, 200, 1),
        (1, 201, 0),
    ],
)
def test_percent_rounds_half_up(count, n, expected):
    assert percent_half_up(count, n) == expected


def test_half_up_in_table_not_bankers_rounding():
    u = pd.DataFrame({"unit_id": range(8), "respondent_id": [f"r{i}" for i in range(8)]})
    c = pd.DataFrame({"unit_id": [0], "code": ["x"]})
    assert frequencies(u, c)["percent"].iloc[0] == 13  # round(12.5) would give 12


def test_auto_coded_decisions_are_apart(units):
    codes = pd.DataFrame(
        {
            "unit_id": [1, 4, 6, 8],
            "code": ["preventie"] * 4,
            "source": ["manual", "auto", "suggestion", "auto"],
            "coder": ["ann", "model", "ann", "model"],
        }
    )
    confirmed = frequencies(units, codes).set_index("code")
    assert confirmed.loc["preventie", "respondents"] == 2  # r1 manual, r3 accepted suggestion
    assert "respondents_auto" not in confirmed
    both = frequencies(units, codes, include_auto=True).set_index("code")
    assert both.loc["preventie", "respondents"] == 4
    assert both.loc["preventie", "respondents_confirmed"] == 2
    assert both.loc["preventie", "respondents_auto"] == 2


def test_coder_and_consensus(units):
    codes = pd.DataFrame(
        {
            "unit_id": [1, 4, 1, 6],
            "code": ["preventie", "preventie", "samenwerking", "preventie"],
            "coder": ["ann", "bob", "consensus", "consensus"],
            "source": ["manual", "manual", "adjudicated", "adjudicated"],
        }
    )
    cons = frequencies(units, codes, coder="consensus").set_index("code")
    assert cons.loc["preventie", "respondents"] == 1
    assert cons.loc["samenwerking", "respondents"] == 1
    ann = frequencies(units, codes, coder="ann").set_index("code")
    assert list(ann.index) == ["preventie"]
    with pytest.raises(ReportError, match=r"R053.*'carol'.*ann"):
        frequencies(units, codes, coder="carol")


def test_decision_history_only_applied_counts(units):
    codes = pd.DataFrame(
        {"unit_id": [1, 4], "code": ["preventie"] * 2, "decision": ["applied", "rejected"]}
    )
    assert frequencies(units, codes)["respondents"].iloc[0] == 1


def test_unknown_codes_and_units_are_errors(units, codes):
    bad = pd.concat([codes, pd.DataFrame({"unit_id": [1], "code": ["onbekend"]})])
    with pytest.raises(ReportError, match=r"\[R004\].*'onbekend'.*beleid"):
        frequencies(units, bad, CODEBOOK)
    bad_ids = pd.concat([codes, pd.DataFrame({"unit_id": [999], "code": ["preventie"]})])
    with pytest.raises(ReportError, match=r"\[R003\].*'999'"):
        frequencies(units, bad_ids)


def test_bad_inputs_are_typed_errors(units, codes):
    with pytest.raises(ReportError, match=r"R005"):
        frequencies(units.assign(substantive=False), codes)
    with pytest.raises(ReportError, match=r"R010.*'1'"):
        frequencies(pd.concat([units, units.head(1)]), codes)
    with pytest.raises(ReportError, match=r"R011.*'gemeente'"):
        frequencies(units, codes, respondent_column="gemeente")
    with pytest.raises(ReportError, match=r"R002.*'code'"):
        frequencies(units, codes.rename(columns={"code": "c"}))


def test_top_k_keeps_n(units, codes):
    t = frequencies(units, codes, CODEBOOK)
    top = top_k(t, 2)
    assert len(top) == 2 and top.n == t.n == 4
    assert (top["respondents"] > 0).all()
    leaves = top_k(t, 10, level="leaves")
    assert "jeugd" not in set(leaves["code"])


# --- cross-tabs -----------------------------------------------------------------------


def test_crosstab_group_ns_in_headers(units, codes):
    ct = crosstab(units, codes, "G40", CODEBOOK)
    # In N: r1 (ja), r2, r3, r5 (nee). r4 (ja) has only a non-answer.
    assert ct.attrs["group_n"] == {"ja": 1, "nee": 3}
    assert "G40 ja (N=1)" in ct.columns and "G40 nee (N=3)" in ct.columns
    assert "Totaal (N=4)" in ct.columns
    row = ct.set_index("code")
    assert row.loc["preventie", "G40 ja (N=1)"] == 100
    assert row.loc["preventie", "G40 nee (N=3)"] == 33
    assert row.loc["jeugd", "G40 nee (N=3)"] == 33
    # tiny groups: Fisher's exact (2x2) instead of chi-square
    assert row.loc["preventie", "test"] == "fisher"
    assert ct.attrs["counts"]["preventie"] == {"ja": 1, "nee": 1}


def _big_units(groups: dict[str, int]) -> pd.DataFrame:
    rows = []
    for g, size in groups.items():
        for i in range(size):
            rows.append({"unit_id": f"{g}{i}", "respondent_id": f"{g}{i}", "klasse": g})
    return pd.DataFrame(rows)


def test_crosstab_chi_square_when_expected_counts_allow():
    u = _big_units({"klein": 40, "groot": 40})
    ids = [f"klein{i}" for i in range(30)] + [f"groot{i}" for i in range(10)]
    c = pd.DataFrame({"unit_id": ids, "code": "wachtlijst"})
    ct = crosstab(u, c, "klasse", header="{value} (N={n})").set_index("code")
    assert ct.loc["wachtlijst", "test"] == "chi2"
    assert ct.loc["wachtlijst", "test_valid"]
    assert ct.loc["wachtlijst", "p_value"] < 0.001
    assert ct.loc["wachtlijst", "klein (N=40)"] == 75
    assert ct.loc["wachtlijst", "groot (N=40)"] == 25


def test_crosstab_flags_when_no_test_is_valid():
    u = _big_units({"a": 3, "b": 3, "c": 3})
    c = pd.DataFrame({"unit_id": ["a0", "b1"], "code": "x"})
    row = crosstab(u, c, "klasse").iloc[0]
    assert row["test"] == "none" and not row["test_valid"]
    assert "te klein" in row["test_note"]


def test_crosstab_missing_attribute_values_and_unknown_attribute(units, codes):
    u = units.copy()
    u.loc[u["respondent_id"] == "r3", "G40"] = None
    ct = crosstab(u, codes, "G40")
    assert ct.attrs["missing"] == 1
    assert ct.attrs["group_n"] == {"ja": 1, "nee": 2}
    assert "Totaal (N=4)" in ct.columns
    with pytest.raises(ReportError, match=r"R046.*'inwonersklasse'.*G40"):
        crosstab(units, codes, "inwonersklasse")


# --- waves ----------------------------------------------------------------------------

CB_2019 = parse_codebook(
    """
name: beleid2019
codes:
  - id: wijkgericht
    label: Wijkgericht werken
  - id: preventie
    label: Preventie
"""
)


def test_wave_comparison_shows_geen_data_for_missing_codes(units, codes):
    u19 = pd.DataFrame(
        {"unit_id": [101, 102, 103], "respondent_id": ["a", "b", "c"], "substantive": True}
    )
    c19 = pd.DataFrame({"unit_id": [101, 102], "code": ["preventie", "preventie"]})
    tables = {"2019": frequencies(u19, c19, CB_2019), "2022": frequencies(units, codes, CODEBOOK)}
    wide = compare_waves(tables)
    assert list(wide.columns[2:]) == ["2019 (N=3)", "2022 (N=4)"]
    row = wide.set_index("code")
    assert row.loc["preventie", "2019 (N=3)"] == 67
    assert row.loc["preventie", "2022 (N=4)"] == 50
    assert row.loc["wijkgericht", "2019 (N=3)"] == 0  # existed, nobody mentioned it
    assert row.loc["samenwerking", "2019 (N=3)"] == NO_DATA == "geen data"
    assert row.loc["samenwerking", "2022 (N=4)"] == 25
    long = compare_waves_long(tables)
    miss = long[(long["code"] == "samenwerking") & (long["wave"] == "2019")].iloc[0]
    assert pd.isna(miss["percent"]) and miss["status"] == NO_DATA
    assert long.attrs["n_by_wave"] == {"2019": 3, "2022": 4}


def test_wave_comparison_from_units_with_wave_column(units, codes):
    u19 = pd.DataFrame(
        {
            "unit_id": [101, 102],
            "respondent_id": ["a", "b"],
            "question_id": "Q58",
            "substantive": True,
            "wave": "2019",
        }
    )
    all_units = pd.concat([u19, units.assign(wave="2022")], ignore_index=True)
    all_codes = pd.concat([codes, pd.DataFrame({"unit_id": [101], "code": ["wijkgericht"]})])
    wide = compare_waves(all_units, all_codes, {"2019": CB_2019, "2022": CODEBOOK})
    row = wide.set_index("code")
    assert row.loc["wijkgericht", "2019 (N=2)"] == 50
    assert row.loc["wijkgericht", "2022 (N=4)"] == 25
    assert row.loc["jeugd", "2019 (N=2)"] == NO_DATA
    with pytest.raises(ReportError, match="R050"):
        compare_waves(units, codes)

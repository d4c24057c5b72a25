"""Inter-coder reliability: agreement statistics against the reference libraries and a
published worked example, degenerate data, bad input, double-coding samples, adjudication."""

from __future__ import annotations

import math
from types import SimpleNamespace

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from textanalysis.codebook import parse_codebook
from textanalysis.errors import ReliabilityError
from textanalysis.reliability import (
    AGREEMENT_COLUMNS,
    CONSENSUS_CODER,
    adjudicate,
    agreement,
    assign_double_coding,
    check_ids_known,
    codes_long_from_store,
    disagreements,
    draw_double_sample,
    format_agreement,
    normalize_codes,
    store_agreement,
    store_disagreements,
    strata_from_codes,
)

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal data,
# 4 observers (A-D), 12 units, missing values; the paper reports alpha = 0.743.
KRIPP_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}


def _long_from_matrix(matrix: dict[str, list[float]]) -> pd.DataFrame:
    """One code 'vN' per (unit, coder); a missing value = the coder never looked at the unit."""
    rows = []
    for coder, values in matrix.items():
        for unit, v in enumerate(values, start=1):
            if not math.isnan(v):
                rows.append({"id": str(unit), "code": f"v{int(v)}", "coder": coder})
    return pd.DataFrame(rows)


def _row(table: pd.DataFrame, code: str) -> pd.Series:
    return table.set_index("code").loc[code]


# --- the published worked example -------------------------------------------------------
def test_krippendorff_2011_worked_example_all_row() -> None:
    table = agreement(_long_from_matrix(KRIPP_2011))
    alpha = _row(table, "ALL")["krippendorff_alpha"]
    assert round(alpha, 3) == 0.743
    reference = krippendorff.alpha(
        reliability_data=list(KRIPP_2011.values()), level_of_measurement="nominal"
    )
    assert alpha == reference
    # Unit 12 has one value only (unpairable), so 11 units carry alpha; 8 were seen by all four.
    assert _row(table, "ALL")["alpha_units"] == 11
    assert _row(table, "ALL")["units"] == 8
    assert math.isnan(_row(table, "ALL")["cohen_kappa"])  # four coders: no kappa


def test_per_code_alpha_is_presence_absence_with_missing_data() -> None:
    table = agreement(_long_from_matrix(KRIPP_2011))
    for value in (1, 2, 3):
        binary = [
            [NAN if math.isnan(x) else float(x == value) for x in row]
            for row in KRIPP_2011.values()
        ]
        # units seen by a single coder are unpairable and do not change alpha
        expected = krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal")
        assert _row(table, f"v{value}")["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)


# --- two coders: kappa and percent agreement ----------------------------------------------
TWO = pd.DataFrame(
    [
        ("1", "wachtlijst", "anna"), ("1", "wachtlijst", "bram"),
        ("2", "werkdruk", "anna"), ("2", "", "bram"),
        ("3", "werkdruk", "anna"), ("3", "werkdruk", "bram"), ("3", "wachtlijst", "bram"),
        ("4", "", "anna"), ("4", "", "bram"),
        ("5", "werkdruk", "anna"), ("5", "werkdruk", "bram"),
        ("6", "wachtlijst", "anna"), ("6", "werkdruk", "bram"),
        ("7", "werkdruk", "anna"),  # only anna looked at unit 7: left out
    ],
    columns=["id", "code", "coder"],
)  # fmt: skip


def test_two_coders_match_sklearn_exactly() -> None:
    table = agreement(TWO)
    assert list(table.columns[:5]) == AGREEMENT_COLUMNS
    assert list(table["code"]) == ["wachtlijst", "werkdruk", "ALL"]
    units = ["1", "2", "3", "4", "5", "6"]  # unit 7 not looked at by bram
    anna = {
        "1": {"wachtlijst"},
        "2": {"werkdruk"},
        "3": {"werkdruk"},
        "4": set(),
        "5": {"werkdruk"},
        "6": {"wachtlijst"},
    }
    bram = {
        "1": {"wachtlijst"},
        "2": set(),
        "3": {"werkdruk", "wachtlijst"},
        "4": set(),
        "5": {"werkdruk"},
        "6": {"werkdruk"},
    }
    for code in ("wachtlijst", "werkdruk"):
        a = [int(code in anna[u]) for u in units]
        b = [int(code in bram[u]) for u in units]
        row = _row(table, code)
        assert row["units"] == 6
        assert row["cohen_kappa"] == cohen_kappa_score(a, b)
        assert row["krippendorff_alpha"] == krippendorff.alpha(
            reliability_data=[a, b], level_of_measurement="nominal"
        )
        assert row["percent_agreement"] == pytest.approx(100 * np.mean(np.array(a) == np.array(b)))
    sa = [";".join(sorted(anna[u])) for u in units]
    sb = [";".join(sorted(bram[u])) for u in units]
    row = _row(table, "ALL")
    assert row["cohen_kappa"] == cohen_kappa_score(sa, sb)
    assert row["percent_agreement"] == pytest.approx(100 * 3 / 6)  # units 1, 4, 5
    assert table.attrs["units_single_coder"] == 1


def test_uncoded_text_is_not_counted_as_agreement() -> None:
    """A unit only one coder looked at must not become 'both absent' for the other codes."""
    base = agreement(TWO[TWO["id"] != "7"])
    with_extra = agreement(TWO)
    pd.testing.assert_frame_equal(base.drop(columns="note"), with_extra.drop(columns="note"))


def test_cohen_kappa_textbook_example() -> None:
    """50 units, yes/no: 20 both yes, 15 both no, 5 A-yes/B-no, 10 A-no/B-yes -> kappa = 0.4."""
    rows = []
    pairs = [("j", "j")] * 20 + [("n", "n")] * 15 + [("j", "n")] * 5 + [("n", "j")] * 10
    for i, (a, b) in enumerate(pairs):
        rows += [(str(i), "ja" if a == "j" else "", "A"), (str(i), "ja" if b == "j" else "", "B")]
    table = agreement(pd.DataFrame(rows, columns=["id", "code", "coder"]))
    assert _row(table, "ja")["cohen_kappa"] == pytest.approx(0.4)
    assert _row(table, "ja")["percent_agreement"] == pytest.approx(70.0)


def test_three_coders_no_kappa_and_alpha_uses_missing_data() -> None:
    rows = [
        ("1", "a", "x"), ("1", "a", "y"), ("1", "a", "z"),
        ("2", "b", "x"), ("2", "b", "y"), ("2", "a", "z"),
        ("3", "a", "x"), ("3", "a", "y"),  # z did not look at unit 3
        ("4", "b", "x"), ("4", "b", "y"), ("4", "b", "z"),
    ]  # fmt: skip
    table = agreement(pd.DataFrame(rows, columns=["id", "code", "coder"]))
    assert table["cohen_kappa"].isna().all()
    row = _row(table, "ALL")
    assert row["units"] == 3 and row["alpha_units"] == 4
    assert row["percent_agreement"] == pytest.approx(100 * 2 / 3)
    data = [[0, 1, 0, 1], [0, 1, 0, 1], [0, 0, NAN, 1]]  # code set per unit: 0 = {a}, 1 = {b}
    assert row["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-12
    )


# --- degenerate data ------------------------------------------------------------------------
def test_all_units_agree_on_one_value_gives_nan_with_note_not_a_crash() -> None:
    rows = [(str(i), "wachtlijst", c) for i in range(5) for c in ("anna", "bram")]
    table = agreement(pd.DataFrame(rows, columns=["id", "code", "coder"]))
    for code in ("wachtlijst", "ALL"):
        row = _row(table, code)
        assert row["percent_agreement"] == 100.0
        assert math.isnan(row["cohen_kappa"]) and math.isnan(row["krippendorff_alpha"])
        assert "undefined" in row["note"]
    text = format_agreement(table)
    assert "100.0%" in text and "undefined" in text


def test_no_shared_units() -> None:
    rows = [("1", "a", "anna"), ("2", "a", "bram")]
    table = agreement(pd.DataFrame(rows, columns=["id", "code", "coder"]))
    row = _row(table, "ALL")
    assert row["units"] == 0
    assert math.isnan(row["percent_agreement"]) and math.isnan(row["krippendorff_alpha"])
    assert "every coder" in row["note"]


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frame", "code", "needle"),
    [
        (pd.DataFrame({"id": ["1"], "label": ["a"], "coder": ["x"]}), "K001", "code"),
        (pd.DataFrame(columns=["id", "code", "coder"]), "K002", "no rows"),
        (pd.DataFrame(), "K025", "empty"),
        (
            pd.DataFrame({"id": ["", "2"], "code": ["a", "b"], "coder": ["x", "y"]}),
            "K003",
            "without an id",
        ),
        (
            pd.DataFrame({"id": ["1", "2"], "code": ["a", "b"], "coder": ["x", ""]}),
            "K004",
            "without a coder",
        ),
        (
            pd.DataFrame({"id": ["1", "2"], "code": ["a", "b"], "coder": ["x", "x"]}),
            "K007",
            "only one coder",
        ),
    ],
)
def test_bad_codes_tables(frame: pd.DataFrame, code: str, needle: str) -> None:
    with pytest.raises(ReliabilityError) as exc:
        agreement(frame)
    assert exc.value.code == code
    assert needle in str(exc.value)


def test_unknown_codes_against_codebook_name_them_and_the_known_ones() -> None:
    cb = parse_codebook(
        "name: test\ncodes:\n  - id: wachtlijst\n    label: Wachtlijsten\n  - id: werkdruk\n    label: Werkdruk\n"
    )
    bad = TWO.assign(code=TWO["code"].replace({"werkdruk": "werkdrk"}))
    with pytest.raises(ReliabilityError) as exc:
        agreement(bad, cb)
    msg = str(exc.value)
    assert exc.value.code == "K005" and "'werkdrk'" in msg and "wachtlijst, werkdruk" in msg
    ordered = agreement(TWO, cb)
    assert list(ordered["code"]) == ["wachtlijst", "werkdruk", "ALL"]


def test_duplicated_rows_count_once() -> None:
    doubled = pd.concat([TWO, TWO.iloc[:4]], ignore_index=True)
    table = agreement(doubled)
    pd.testing.assert_frame_equal(table.drop(columns="note"), agreement(TWO).drop(columns="note"))
    assert table.attrs["duplicates_dropped"] == 4
    assert "4 duplicated row(s) counted once" in format_agreement(table)


def test_numeric_ids_and_na_codes_are_normalised() -> None:
    frame = pd.DataFrame(
        {
            "id": [1.0, 1.0, 2.0, 2.0],
            "code": ["a", "a", None, np.nan],
            "coder": ["x", "y", "x", "y"],
        }
    )
    clean = normalize_codes(frame)
    assert clean["id"].tolist() == ["1", "1", "2", "2"] and clean["code"].tolist() == [
        "a",
        "a",
        "",
        "",
    ]
    assert _row(agreement(frame), "a")["percent_agreement"] == 100.0


def test_unknown_answer_ids() -> None:
    with pytest.raises(ReliabilityError) as exc:
        check_ids_known(normalize_codes(TWO), ["1", "2", "3"])
    assert exc.value.code == "K006" and "'4'" in str(exc.value)


def test_disagreements_lists_who_applied_what() -> None:
    out = disagreements(TWO)
    got = {(r.id, r.code): (r.applied_by, r.not_applied_by) for r in out.itertuples()}
    assert got == {
        ("2", "werkdruk"): ("anna", "bram"),
        ("3", "wachtlijst"): ("bram", "anna"),
        ("6", "wachtlijst"): ("anna", "bram"),
        ("6", "werkdruk"): ("bram", "anna"),
    }
    assert set(disagreements(TWO, code="werkdruk")["id"]) == {"2", "6"}


# --- double-coding samples -----------------------------------------------------------------
def _units(n: int = 100) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "unit_id": range(1, n + 1),
            "text": [f"antwoord {i}" for i in range(n)],
            "substantive": [i % 10 != 0 for i in range(n)],
            "inwonersklasse": rng.choice(["klein", "middel", "groot"], size=n, p=[0.6, 0.3, 0.1]),
        }
    )


def test_sample_is_reproducible_and_skips_non_answers() -> None:
    units = _units()
    a = draw_double_sample(units, fraction=0.2, seed=3)
    b = draw_double_sample(units, fraction=0.2, seed=3)
    assert a["unit_id"].tolist() == b["unit_id"].tolist()
    assert len(a) == round(0.2 * 90) and a["substantive"].all()
    assert a["unit_id"].is_unique
    assert draw_double_sample(units, n=10, seed=4)["unit_id"].tolist() != a["unit_id"].tolist()[:10]


def test_stratified_sample_is_proportional_and_covers_small_strata() -> None:
    units = _units(300)
    pool = units[units["substantive"]]
    sample = draw_double_sample(units, n=30, strata="inwonersklasse", seed=0)
    assert len(sample) == 30
    counts = sample["stratum"].value_counts()
    shares = pool["inwonersklasse"].value_counts(normalize=True)
    for k in ("klein", "middel", "groot"):
        assert counts[k] >= 1
        assert abs(counts[k] - 30 * shares[k]) <= 1.5


def test_sample_stratified_by_first_coders_codes() -> None:
    units = _units(20)
    codes = pd.DataFrame(
        {
            "id": [str(i) for i in range(1, 21)],
            "code": ["a"] * 15 + ["b"] * 5,
            "coder": ["anna"] * 20,
        }
    )
    strata = strata_from_codes(codes, coder="anna")
    sample = draw_double_sample(units, n=4, strata=strata, seed=0, substantive_only=False)
    assert set(sample["stratum"]) == {"a", "b"} and len(sample) == 4


@pytest.mark.parametrize(
    ("kw", "code"),
    [({}, "K011"), ({"fraction": 1.5}, "K028"), ({"n": 5, "strata": "geen"}, "K012")],
)
def test_sample_bad_arguments(kw: dict, code: str) -> None:
    with pytest.raises(ReliabilityError) as exc:
        draw_double_sample(_units(), **kw)
    assert exc.value.code == code


# --- Store-backed: double coding, agreement, adjudication --------------------------------------
@pytest.fixture()
def store(tmp_path):
    from textanalysis.store import Store

    units = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(1, 13)],
            "question_id": "Q60",
            "unit_index": 0,
            "text": [f"knelpunt {i}: wachtlijsten en werkdruk" for i in range(1, 13)],
            "inwonersklasse": ["klein", "groot"] * 6,
        }
    )
    db = Store(str(tmp_path / "rel.db"))
    db.import_result(
        SimpleNamespace(units=units, attribute_columns=["inwonersklasse"]), "peiling", "2022"
    )
    yield db
    db.close()


def test_store_double_coding_agreement_and_adjudication(store) -> None:
    ids = store.units("peiling", "Q60")["unit_id"].tolist()
    for i, uid in enumerate(ids):  # first coder codes everything
        store.record_decision(uid, "wachtlijst" if i % 2 == 0 else "werkdruk", "anna")
    sample = assign_double_coding(
        store, "peiling", "Q60", "bram", n=6, strata="codes", first_coder="anna", seed=1
    )
    assert len(sample) == 6 and set(sample["stratum"]) == {"wachtlijst", "werkdruk"}
    assigned = store.assigned_units("bram", "peiling", "Q60")
    assert sorted(assigned["unit_id"]) == sorted(sample["unit_id"])
    sampled = sample["unit_id"].tolist()
    # bram agrees on all but the first sampled unit, where he applies nothing (a rejection).
    for uid in sampled[1:]:
        code = store.current_codes(coder="anna", unit_ids=[uid])["code"].iloc[0]
        store.record_decision(uid, code, "bram")
    first_code = store.current_codes(coder="anna", unit_ids=[sampled[0]])["code"].iloc[0]
    store.record_decision(sampled[0], first_code, "bram", decision="rejected")

    codes = codes_long_from_store(store, "peiling", "Q60")
    assert set(codes["coder"]) == {"anna", "bram"}
    assert (
        codes[(codes["id"] == str(sampled[0])) & (codes["coder"] == "bram")]["code"] == ""
    ).all()
    table = store_agreement(store, "peiling", "Q60")
    assert _row(table, "ALL")["units"] == 6
    assert _row(table, "ALL")["percent_agreement"] == pytest.approx(100 * 5 / 6)

    dis = store_disagreements(store, "peiling", "Q60")
    assert dis["id"].tolist() == [str(sampled[0])] and dis["text"].iloc[0].startswith("knelpunt")
    adjudicate(
        store, sampled[0], first_code, "applied", "carla", note="Wachtlijst staat er letterlijk."
    )
    consensus = store.current_codes(coder=CONSENSUS_CODER)
    assert consensus[["unit_id", "code", "source"]].values.tolist() == [
        [sampled[0], first_code, "adjudicated"]
    ]
    assert store_disagreements(store, "peiling", "Q60")["consensus"].tolist() == ["applied"]
    assert "carla" in store.memos(unit_id=sampled[0])["text"].iloc[0]
    # consensus is not a coder in the agreement table
    assert store_agreement(store, "peiling", "Q60").attrs["coders"] == ["anna", "bram"]


def test_adjudicate_rejects_bad_input_and_keeps_the_store_unchanged(store) -> None:
    uid = int(store.units("peiling", "Q60")["unit_id"].iloc[0])
    cb = parse_codebook("name: t\ncodes:\n  - id: wachtlijst\n    label: Wachtlijsten\n")
    for kwargs, code in [
        ({"decision": "misschien", "adjudicator": "carla"}, "K013"),
        ({"decision": "applied", "adjudicator": " "}, "K031"),
        ({"decision": "applied", "adjudicator": "consensus"}, "K014"),
    ]:
        with pytest.raises(ReliabilityError) as exc:
            adjudicate(store, uid, "wachtlijst", **kwargs)
        assert exc.value.code == code
    with pytest.raises(ReliabilityError) as exc:
        adjudicate(store, uid, "onbekend", "applied", "carla", codebook=cb)
    assert exc.value.code == "K026" and "wachtlijst" in str(exc.value)
    assert store.decisions().empty
    with pytest.raises(ReliabilityError) as exc:
        assign_double_coding(store, "peiling", "Q60", "anna", n=3, first_coder="anna")
    assert exc.value.code == "K009"
    with pytest.raises(ReliabilityError) as exc:
        store_agreement(store, "peiling", "Q60")
    assert exc.value.code == "K008"


# --- properties -----------------------------------------------------------------------------

_rows = st.lists(
    st.tuples(
        st.integers(1, 8).map(str),
        st.sampled_from(["", "a", "b", "c"]),
        st.sampled_from(["x", "y", "z"]),
    ),
    min_size=2,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(_rows, st.randoms(use_true_random=False))
def test_agreement_is_invariant_to_row_order_and_bounded(rows, rnd) -> None:
    frame = pd.DataFrame(rows, columns=["id", "code", "coder"])
    if frame["coder"].nunique() < 2:
        return
    table = agreement(frame)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = agreement(pd.DataFrame(shuffled, columns=["id", "code", "coder"]))
    pd.testing.assert_frame_equal(table, again)
    pa = table["percent_agreement"].dropna()
    assert ((pa >= 0) & (pa <= 100)).all()
    alpha = table["krippendorff_alpha"].dropna()
    assert (alpha <= 1 + 1e-12).all()
    assert (table["units"] <= table["alpha_units"]).all()
    if frame["coder"].nunique() != 2:
        assert table["cohen_kappa"].isna().all()

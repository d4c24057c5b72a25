"""Honest partial results (issue 15, item 5), on tmp SQLite stores.

Rules under test:
- while coding is incomplete, N counts only the respondents whose substantive answers were
  all coded in the chosen coding; "x van y respondenten gecodeerd";
- uncoded respondents are missing (never 0 = "niet genoemd") in csv/xlsx/sav exports;
- the coding is an explicit choice: one coder, consensus, or every code any coder gave;
- chart and table rank the same codes; cross-tab groups in the attribute's order;
- the chart title keeps the whole question.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_store_support import make_result

from textanalysis import report
from textanalysis.codebook import Codebook
from textanalysis.reliability import adjudicate
from textanalysis.report import charts, export
from textanalysis.store import Store

S, Q, W = "peiling", "Q58", "2022"
CB = Codebook.model_validate(
    {
        "name": "t",
        "version": "1",
        "codes": [
            {"id": "zorg", "label": "Zorg", "children": [{"id": "ggz", "label": "GGZ"}]},
            {"id": "wijk", "label": "Wijkteam"},
            {"id": "geld", "label": "Geld"},
        ],
    }
)


@pytest.fixture
def store(tmp_path):
    st = Store(str(tmp_path / "p.db"))
    st.import_result(make_result(n_respondents=10, units_per_cell=2), S, W)
    yield st
    st.close()


def _units(store) -> pd.DataFrame:
    return store.units(S, Q, W, substantive=True)


def _code(store, coder: str, codes: dict[int, list[str]]) -> None:
    rows = []
    for u, cs in codes.items():
        rows += [
            {"unit_id": u, "code": c, "coder": coder, "decision": "applied", "source": "manual"}
            for c in cs
        ]
        if not cs:
            rows.append(
                {"unit_id": u, "code": "geld", "coder": coder, "decision": "rejected",
                 "source": "manual"}
            )  # fmt: skip
    store.record_decisions(rows)


def _by_respondent(units: pd.DataFrame) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r, u in zip(units["respondent_id"], units["unit_id"].astype(int), strict=True):
        out.setdefault(r, []).append(u)
    return out


def test_n_counts_only_coded_respondents(store):
    units = _units(store)
    resp = _by_respondent(units)
    total = len(resp)
    rids = sorted(resp)
    # anna codes all answers of 3 respondents (one without any code), and one answer of a
    # respondent with two answers: that respondent is not fully coded, so not in N
    done = rids[:3]
    two = next(r for r in rids[3:] if len(resp[r]) == 2)
    codes = {resp[done[0]][0]: ["wijk"]}
    for r in done[1:]:
        for u in resp[r]:
            codes[u] = [] if r == done[2] else ["ggz"]
    codes[resp[two][0]] = ["wijk"]
    _code(store, "anna", codes)
    for u in resp[done[0]][1:]:
        _code(store, "anna", {u: []})
    t = report.frequencies_from_store(store, S, Q, W, codebook=CB, coder="anna")
    assert t.attrs["n"] == 3 and t.attrs["n_substantive"] == total
    assert t.attrs["complete"] is False
    rows = t.set_index("code")
    assert rows.loc["wijk", "respondents"] == 1  # respondent `two` is missing, not counted
    assert rows.loc["ggz", "respondents"] == 1 and rows.loc["zorg", "respondents"] == 1
    assert rows.loc["wijk", "percent"] == 33  # of N=3, not of all respondents
    assert report.coded_text(t).startswith(f"3 van {total} respondenten gecodeerd")


def test_uncoded_respondents_are_missing_in_every_export(store, tmp_path):
    units = _units(store)
    resp = _by_respondent(units)
    r0 = sorted(resp)[0]
    _code(store, "anna", {u: ["wijk"] for u in resp[r0]})
    for fmt in ("csv", "xlsx", "sav"):
        out = tmp_path / f"d.{fmt}"
        export.export_from_store(store, S, Q, out, wave=W, codebook=CB, coder="anna")
        if fmt == "csv":
            df = pd.read_csv(out, dtype={"respondent_id": str})
        elif fmt == "xlsx":
            df = pd.read_excel(out, dtype={"respondent_id": str})
        else:
            import pyreadstat

            df, meta = pyreadstat.read_sav(str(out))
        df = df.set_index("respondent_id")
        assert df.loc[r0, "wijk"] == 1 and df.loc[r0, "in_n"] == 1
        others = [r for r in resp if r != r0]
        assert df.loc[others, "wijk"].isna().all(), fmt  # missing, never 0 = niet genoemd
        assert df.loc[others, "geld"].isna().all(), fmt
        assert (df.loc[others, "in_n"] == 0).all(), fmt
        assert int(df["wijk"].notna().sum()) == 1  # SPSS valid N = the report's N
    unit = export.coded_dataset(
        *report.store_coding(store, S, Q, W, "anna", False)[:2],
        CB,
        level="unit",
        coder="anna",
        coded_units=report.coded_units(store, S, Q, W, "anna"),
    ).frame
    coded_rows = unit["unit_id"].astype(str).isin([str(u) for u in resp[r0]])
    assert unit.loc[coded_rows, "wijk"].eq(1).all()
    open_rows = ~coded_rows & unit["substantive"].eq(1)
    assert unit.loc[open_rows, "wijk"].isna().all()


def test_explicit_coding_choice_one_coder_consensus_or_any(store):
    units = _units(store)
    resp = _by_respondent(units)
    single = [r for r in sorted(resp) if len(resp[r]) == 1][:3]
    a, b, c = (resp[r][0] for r in single)
    _code(store, "anna", {a: ["wijk"], b: ["wijk"], c: ["geld"]})
    _code(store, "bert", {a: ["wijk"], b: ["geld"], c: ["geld", "wijk"]})
    opts = report.coding_options(store, S, Q, W)
    assert list(opts) == ["anna", "bert", "consensus", report.ANY_CODER]
    assert opts[report.ANY_CODER].startswith("elke code die een codeur gaf")
    cons = report.frequencies_from_store(store, S, Q, W, codebook=CB, coder="consensus")
    # a agreed; b and c have open disagreements: not coded until adjudicated
    assert cons.attrs["n"] == 1 and cons.set_index("code").loc["wijk", "respondents"] == 1
    adjudicate(store, b, "wijk", "rejected", "carla")
    adjudicate(store, b, "geld", "applied", "carla")
    cons = report.frequencies_from_store(store, S, Q, W, codebook=CB, coder="consensus")
    assert cons.attrs["n"] == 2
    assert cons.set_index("code").loc["geld", "respondents"] == 1  # b, adjudicated
    union = report.frequencies_from_store(store, S, Q, W, codebook=CB, coder=report.ANY_CODER)
    assert union.attrs["n"] == 3
    assert union.set_index("code").loc["wijk", "respondents"] == 3  # a, b (anna), c (bert)
    anna = report.frequencies_from_store(store, S, Q, W, codebook=CB, coder="anna")
    assert anna.set_index("code").loc["wijk", "respondents"] == 2


def test_chart_and_table_rank_the_same_codes_and_the_title_is_whole():
    units = pd.DataFrame({"unit_id": range(6), "respondent_id": [f"r{i}" for i in range(6)]})
    codes = pd.DataFrame(
        {"unit_id": [0, 1, 2, 3, 4, 5], "code": ["ggz", "ggz", "wijk", "wijk", "geld", "wijk"]}
    )
    table = report.frequencies(units, codes, CB)
    for level in ("leaves", "top", "all"):
        ranked = report.at_level(table, level)
        top = report.top_k(table, 8, level=level)
        assert list(top["code"]) == [x for x in ranked["code"] if x in set(top["code"])]
        assert list(top["code"]) == list(ranked.loc[ranked["respondents"] > 0, "code"])
        assert ranked["rank"].iloc[0] == 1
    leaves = report.at_level(table, "leaves")
    assert list(leaves["code"]) == ["wijk", "ggz", "geld"] and list(leaves["rank"]) == [1, 2, 3]
    text = (
        "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen waarmee de (wijk)teams "
        "recent of in de nabije toekomst aan de slag (zullen) gaan? (benoem maximaal 3 ontwikkelingen)"
    )
    title = charts.question_title("Q58", text)
    assert title.endswith("(benoem maximaal 3 ontwikkelingen)") and "…" not in title
    spec = charts.top_k_chart(table, title=title).to_dict()
    lines = spec["title"]["text"]
    assert isinstance(lines, list) and " ".join(lines).endswith("N=6")
    assert "ontwikkelingen)" in " ".join(lines)
    assert charts.question_title("Q60", "q60_knelpunten") == "Q60"


def test_crosstab_groups_in_numeric_order():
    klassen = ["100.001 - 250.000", "< 20.000 inwoners", "50.001 - 100.000", "20.000 - 50.000"]
    assert report.group_order(klassen) == [
        "< 20.000 inwoners",
        "20.000 - 50.000",
        "50.001 - 100.000",
        "100.001 - 250.000",
    ]
    units = pd.DataFrame(
        {
            "unit_id": range(8),
            "respondent_id": [f"r{i}" for i in range(8)],
            "klasse": klassen * 2,
        }
    )
    codes = pd.DataFrame({"unit_id": [0, 1], "code": ["wijk", "geld"]})
    ct = report.crosstab(units, codes, "klasse", CB)
    groups = [c for c in ct.columns if c.startswith("klasse ")]
    assert [g.split(" (N=")[0] for g in groups] == [
        f"klasse {k}" for k in report.group_order(klassen)
    ]

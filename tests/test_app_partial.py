"""AppTests for issue 15 items 3-5 on the demo database: honest partial results and the explicit
coding choice on Resultaten; dividing the work and the kappa explanation on Betrouwbaarheid."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from store_helpers import record_codes  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from textanalysis.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
pytestmark = pytest.mark.slow


def _app(page: str, coder: str = "anna") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["ta_scope"] = ("peiling", "2022", "Q58")
    at.run()
    at.sidebar.text_input(key="side_coder").input(coder).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _texts(at: AppTest) -> str:
    parts = [*at.info, *at.warning, *at.caption, *at.subheader, *at.markdown]
    return " ".join(str(p.value) for p in parts)


def test_resultaten_partial_n_choice_and_dutch_table(demo_db):
    with Store(str(demo_db)) as store:
        units = store.units("peiling", "Q58", "2022", substantive=True)
        leaves = store.load_codebook(question="Q58").leaf_ids
    one_unit = units.groupby("respondent_id").filter(lambda g: len(g) == 1)
    ids = one_unit["unit_id"].astype(int).tolist()[:4]
    record_codes(demo_db, "anna", {u: [leaves[0]] for u in ids})
    record_codes(demo_db, "bert", {u: [leaves[0]] for u in ids[:2]})
    at = _app("resultaten")
    choice = at.selectbox(key="res_coder")
    assert choice.options == [
        "anna (één codeur)",
        "bert (één codeur)",
        "consensus (overeenstemming of vastgesteld na dubbel coderen)",
        "elke code die een codeur gaf (samengevoegd, niet vastgesteld)",
    ]
    assert "alle codeurs" not in " ".join(choice.options)
    assert at.subheader[0].value.endswith("(N=4)")
    text = _texts(at)
    assert "4 van 63 respondenten gecodeerd" in text
    table = at.table[0].value
    assert list(table.columns[:4]) == ["rang", "thema", "respondenten", "percentage"]
    assert table["percentage"].iloc[0] == "100%"  # of the 4 coded respondents, as a percentage
    assert "None" not in table.to_string()
    choice.set_value("bert").run()
    assert not at.exception
    assert at.subheader[0].value.endswith("(N=2)")
    # the cross-tab: Dutch headers, groups in the attribute's order, no None
    ct = at.dataframe[0].value
    assert {"thema", "toets", "p-waarde"} <= set(ct.columns) and "None" not in ct.to_string()


def test_betrouwbaarheid_batches_and_kappa_explanation(demo_db):
    with Store(str(demo_db)) as store:
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()[:16]
        leaves = store.load_codebook(question="Q58").leaf_ids
    # a rare code: anna gives it once, bob never, both agree on another code everywhere
    record_codes(
        demo_db,
        "anna",
        {u: [leaves[0]] + ([leaves[1]] if i == 0 else []) for i, u in enumerate(ids)},
    )
    record_codes(demo_db, "bob", {u: [leaves[0]] for u in ids})
    at = _app("betrouwbaarheid", "carla")
    info = " ".join(i.value for i in at.info)
    assert "toevallige overeenstemming" in info and "93.8%" in info
    at.text_input(key="rel_batch_coders").input("anna, bert")
    at.number_input(key="rel_batch_size").set_value(10)
    [b for b in at.button if b.label == "Porties toewijzen"][0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("anna: 10 antwoorden" in s.value for s in at.success)
    with Store(str(demo_db)) as store:
        a = store.assignments(purpose="batch")
    mine = set(a.loc[a["coder"] == "anna", "unit_id"])
    theirs = set(a.loc[a["coder"] == "bert", "unit_id"])
    assert len(mine) == len(theirs) == 10 and not mine & theirs and not mine & set(ids)

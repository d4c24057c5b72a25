"""AppTest for every page on the demo database: renders without exception and does its job."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from textanalysis import report  # noqa: E402
from textanalysis.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {
    "start": "textanalysis",
    "importeren": "Importeren",
    "coderen": "Coderen",
    "zoeken": "Zoeken en coderen",
    "codeboek": "Codeboek",
    "themas": "Thema's ontdekken",
    "resultaten": "Resultaten",
    "betrouwbaarheid": "Betrouwbaarheid",
}
pytestmark = pytest.mark.slow


def _app(coder: str = "anna") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["ta_scope"] = ("peiling", "2022", "Q58")
    at.run()
    at.sidebar.text_input(key="side_coder").input(coder).run()
    return at


def _goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == PAGES[page]
    return at


def _code_some(db: Path, coder: str, codes: dict[int, list[str]]) -> None:
    with Store(str(db)) as store:
        rows = [
            {"unit_id": u, "code": c, "coder": coder, "decision": "applied", "source": "manual"}
            for u, cs in codes.items()
            for c in cs
        ]
        store.record_decisions(rows)


def test_every_page_renders_on_demo_db(demo_db):
    at = _app()
    for page in PAGES:
        _goto(at, page)
    # the sidebar shows the active pipeline and the hint for the better one
    side = " ".join(c.value for c in at.sidebar.caption)
    assert "Taalmodel" in side and "Embedder" in side and "Database" in side


def test_empty_database_pages_explain_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TEXTANALYSIS_DB", str(tmp_path / "leeg.db"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    for page in ("coderen", "zoeken", "resultaten", "codeboek", "themas", "betrouwbaarheid"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any("Importeren" in i.value or "naam" in i.value for i in [*at.info, *at.warning]), (
            page
        )


def test_resultaten_counts_match_report(demo_db):
    with Store(str(demo_db)) as store:
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()[:6]
        cb = store.load_codebook(question="Q58")
    leaves = cb.leaf_ids
    _code_some(demo_db, "anna", {u: [leaves[i % 3]] for i, u in enumerate(ids)})
    at = _goto(_app(), "resultaten")
    table = at.table[0].value
    with Store(str(demo_db)) as store:
        expected = report.frequencies_from_store(store, "peiling", "Q58", "2022", codebook=cb)
    expected = report.at_level(expected, "leaves")  # the table shows the chart's level
    got = dict(zip(table.index, table["respondenten"].astype(int), strict=True))
    assert got == dict(zip(expected["code"], expected["respondents"].astype(int), strict=True))
    assert sum(got.values()) > 0
    assert "N=" in at.subheader[0].value
    assert len(at.get("vega_lite_chart")) >= 1  # the figure-34-style chart


def test_codeboek_edit_saves_a_new_valid_version(demo_db):
    at = _goto(_app(), "codeboek")
    code_id = at.selectbox(key="cb_code").value
    with Store(str(demo_db)) as store:
        before = len(store.codebooks("Q58"))
    at.text_input(key=f"cb_edit_label_{code_id}").input("Nieuw label")
    label_inputs = [t for t in at.text_input if t.value == "Nieuw label"]
    assert label_inputs
    at.text_area[3].input("wijkgericht\nbuurtteam")  # keywords
    [b for b in at.button if b.label == "Opslaan als nieuwe versie"][0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Store(str(demo_db)) as store:
        assert len(store.codebooks("Q58")) == before + 1
        cb = store.load_codebook(question="Q58")
    assert cb.get(code_id).keywords == ["wijkgericht", "buurtteam"]


def test_betrouwbaarheid_agreement_and_adjudication(demo_db):
    with Store(str(demo_db)) as store:
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()[:8]
        leaves = store.load_codebook(question="Q58").leaf_ids
    _code_some(demo_db, "anna", {u: [leaves[0]] for u in ids})
    _code_some(demo_db, "bob", {u: [leaves[0] if i < 6 else leaves[1]] for i, u in enumerate(ids)})
    at = _goto(_app("carla"), "betrouwbaarheid")
    agree = at.dataframe[0].value
    all_row = agree[agree["code"] == "ALL"].iloc[0]
    assert (
        int(all_row["antwoorden"]) == 8 and abs(float(all_row["% overeenstemming"]) - 75.0) < 1e-6
    )
    [b for b in at.button if b.label == "Vastleggen"][0].click().run()
    assert not at.exception and not at.error
    with Store(str(demo_db)) as store:
        cons = store.decisions(coder="consensus")
    assert len(cons) == 1 and cons["source"].iloc[0] == "adjudicated"


def test_themas_fast_run_and_promote(demo_db):
    at = _goto(_app(), "themas")
    [b for b in at.button if b.label == "Thema's zoeken"][0].click().run()
    assert not at.exception and not at.error
    assert "thema's" in at.subheader[0].value
    at.text_input(key="top_code_id").input("nieuw_thema")
    [b for b in at.button if b.label.startswith("Code toevoegen")][0].click().run()
    assert not at.exception and not at.error
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q58")
        runs = store.runs(kind="topics")
    assert "nieuw_thema" in cb.code_ids and len(runs) == 1

"""AppTests for issue 16 on the demo database: codes without YAML, merge and split on Codeboek
(Resultaten follows), bulk coding by search and its undo on Zoeken en coderen, a topic
promoted into a code with a readable label on Thema's ontdekken."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from store_helpers import record_codes  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from textanalysis import report  # noqa: E402
from textanalysis.ingest import IngestResult  # noqa: E402
from textanalysis.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
pytestmark = pytest.mark.slow


def _app(page: str, coder: str = "anna", scope=("peiling", "2022", "Q58")) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["ta_scope"] = scope
    at.run()
    at.sidebar.text_input(key="side_coder").input(coder).run()
    at.switch_page(f"app_pages/{page}.py").run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _click(at: AppTest, label: str) -> AppTest:
    [b for b in at.button if b.label == label][0].click().run()
    _ok(at)
    return at


def _import_new_question(db: Path) -> None:
    texts = ["Lange wachtlijsten", "Te weinig personeel", "Huisarts niet bereikbaar", "nvt"]
    units = pd.DataFrame(
        {
            "respondent_id": [f"N{i}" for i in range(len(texts))],
            "question_id": "Q99",
            "unit_index": 0,
            "text": texts,
            "cell_text": texts,
            "substantive": [t != "nvt" for t in texts],
            "non_substantive_reason": [None if t != "nvt" else "nvt" for t in texts],
        }
    )
    result = IngestResult(
        units=units,
        respondents=pd.DataFrame({"respondent_id": units["respondent_id"]}),
        questions={"Q99": "q99_open"},
        attribute_columns=[],
        duplicate_ids=[],
        duplicates_policy="most-complete",
        source_name="nieuw.csv",
        source_sha256="1" * 64,
        summary={"respondents": 4, "units": 4, "non_substantive": 1},
    )
    with Store(str(db)) as store:
        store.import_result(result, "nieuw", "2024")


def test_codeboek_three_codes_without_yaml(demo_db):
    _import_new_question(demo_db)
    at = _app("codeboek", scope=("nieuw", "2024", "Q99"))
    assert any("nog geen codeboek" in i.value for i in at.info)
    at.text_input(key="cb_first_label").input("Lange wachtlijsten")
    at.text_area(key="cb_first_definition").input("Wachten op zorg of hulp")
    _click(at, "Code toevoegen")
    assert "Code toegevoegd" in at.success[0].value
    for label in ("Personeel", "Huisarts"):
        at.text_input(key="cb_new_label").input(label)
        if label == "Huisarts":
            at.selectbox(key="cb_new_parent").set_value("lange_wachtlijsten")
        _click(at, "Code toevoegen")
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q99")
    assert cb.code_ids == ["lange_wachtlijsten", "huisarts", "personeel"]
    assert cb.parent_of("huisarts") == "lange_wachtlijsten"
    assert cb.get("lange_wachtlijsten").description == "Wachten op zorg of hulp"
    assert cb.version == "3"


def test_codeboek_merge_then_resultaten_follow(demo_db):
    with Store(str(demo_db)) as store:
        units = store.units("peiling", "Q58", "2022", substantive=True)
        leaves = store.load_codebook(question="Q58").leaf_ids
    single = units.groupby("respondent_id").filter(lambda g: len(g) == 1)  # one answer each
    ids = single["unit_id"].astype(int).tolist()[:6]
    a, b = leaves[0], leaves[1]
    record_codes(demo_db, "anna", {u: [a] if i < 4 else [b] for i, u in enumerate(ids)})
    at = _app("codeboek")
    at.selectbox(key="cb_mer_a").set_value(a)
    at.selectbox(key="cb_mer_b").set_value(b)
    _click(at, "Samenvoegen")
    assert "Codes samengevoegd" in at.success[0].value and "meegenomen" in at.success[0].value
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q58")
        expected = report.frequencies_from_store(store, "peiling", "Q58", "2022", codebook=cb)
    assert a not in cb.code_ids
    at.switch_page("app_pages/resultaten.py").run()
    _ok(at)
    table = at.table[0].value
    got = dict(zip(table.index, table["respondenten"].astype(int), strict=True))
    expected = report.at_level(expected, "leaves")
    assert got == dict(zip(expected["code"], expected["respondents"].astype(int), strict=True))
    assert a not in got and got[b] == 6  # the 4 respondents coded A now count as B
    # the report made before the merge, made again: the older codebook version
    picker = at.selectbox(key="res_version")
    assert "(huidige)" in picker.options[0] and len(picker.options) >= 2, picker.options
    with Store(str(demo_db)) as store:
        older = store.codebooks("Q58")["version"].iloc[-2]  # the one before the merge
    picker.set_value(older).run()
    _ok(at)
    assert any("Tellingen zoals ze waren" in i.value for i in at.info)
    table = at.table[0].value
    before = dict(zip(table.index, table["respondenten"].astype(int), strict=True))
    assert before[a] == 4 and before[b] == 2, before
    at.switch_page("app_pages/codeboek.py").run()
    _ok(at)
    history = [d.value for d in at.dataframe if "wijziging" in getattr(d.value, "columns", [])]
    assert history and history[0]["wijziging"].iloc[0] == "Codes samengevoegd"


def test_codeboek_split_and_review_list(demo_db):
    with Store(str(demo_db)) as store:
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()[:3]
        leaf = store.load_codebook(question="Q58").leaf_ids[0]
    record_codes(demo_db, "anna", {u: [leaf] for u in ids})
    at = _app("codeboek")
    at.selectbox(key="cb_spl_code").set_value(leaf)
    at.text_input(key="cb_spl_b").input("Deel een")
    at.text_input(key="cb_spl_c").input("Deel twee")
    _click(at, "Splitsen")
    assert "3 antwoord(en) staan klaar" in at.success[0].value
    assert any("Gesplitste codes toewijzen" in s.value for s in at.subheader)
    at.radio(key=f"cb_review_{leaf}_{ids[0]}").set_value("deel_een")
    at.radio(key=f"cb_review_{leaf}_{ids[1]}").set_value("deel_twee")
    _click(at, "Toewijzen")
    assert "2 antwoord(en) toegewezen" in at.success[0].value
    with Store(str(demo_db)) as store:
        cur = store.current_codes(survey="peiling", question="Q58", coder="anna")
        left = store.units_needing_review("peiling", "Q58", "2022")
    got = {(int(r.unit_id), r.code) for r in cur.itertuples()}
    assert got == {(ids[0], "deel_een"), (ids[1], "deel_twee")}
    assert left["unit_id"].tolist() == [ids[2]]


def test_codeboek_delete_in_use_is_refused_in_dutch(demo_db):
    with Store(str(demo_db)) as store:
        u = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()[0]
        leaf = store.load_codebook(question="Q58").leaf_ids[0]
    record_codes(demo_db, "anna", {u: [leaf]})
    at = _app("codeboek")
    at.selectbox(key="cb_del_code").set_value(leaf)
    [b for b in at.button if b.label == "Verwijderen"][0].click().run()
    assert not at.exception
    assert "wordt nog gebruikt" in at.error[0].value and "C073" in at.error[0].value


def test_zoeken_bulk_code_and_undo(demo_db):
    at = _app("zoeken")
    at.text_input(key="zk_query").input("wachtlijst")
    _click(at, "Zoeken")
    hits = [c for c in at.checkbox if str(c.key).startswith("zk_hit_")]
    assert hits, "the demo mentions waiting lists"
    at.checkbox(key="zk_all").check().run()
    _ok(at)
    with Store(str(demo_db)) as store:
        code = store.load_codebook(question="Q58").leaf_ids[0]
    at.selectbox(key="zk_code").set_value(code).run()
    _click(at, f"Toepassen op {len(hits)} antwoord(en)")
    assert f"toegepast op {len(hits)} antwoord(en)" in at.success[0].value
    with Store(str(demo_db)) as store:
        cur = store.current_codes(survey="peiling", question="Q58", coder="anna")
        assert set(cur["source"]) == {"bulk"} and len(cur) == len(hits)
    undo = [b for b in at.button if str(b.label).startswith("Ongedaan maken (actie #")]
    assert len(undo) == 1  # one click, right below the message
    undo[0].click().run()
    _ok(at)
    assert "ongedaan gemaakt" in at.success[0].value
    with Store(str(demo_db)) as store:
        assert store.current_codes(survey="peiling", question="Q58", coder="anna").empty
        assert store.progress("peiling", "Q58", "2022").empty  # no trace of having looked
    assert not [b for b in at.button if str(b.label).startswith("Ongedaan maken")]
    assert at.dataframe[-1].value["status"].tolist() == ["ongedaan gemaakt"]


def test_zoeken_saves_the_search_as_trigger_words(demo_db):
    at = _app("zoeken")
    at.text_input(key="zk_query").input("wachtlijst OF wachttijd")
    _click(at, "Zoeken")
    at.checkbox(key="zk_all").check().run()
    with Store(str(demo_db)) as store:
        code = store.load_codebook(question="Q58").leaf_ids[0]
    at.selectbox(key="zk_code").set_value(code).run()
    at.checkbox(key="zk_save_kw").check().run()
    n = len([c for c in at.checkbox if str(c.key).startswith("zk_hit_")])
    _click(at, f"Toepassen op {n} antwoord(en)")
    assert "trefwoorden van de code geworden" in at.success[0].value
    with Store(str(demo_db)) as store:
        keywords = store.load_codebook(question="Q58").get(code).keywords
    assert {"wachtlijst", "wachttijd"} <= set(keywords)
    at.text_input(key="zk_query").input("wachtlijst NIET ggz")
    _click(at, "Zoeken")
    assert not [c for c in at.checkbox if c.key == "zk_save_kw"]  # NOT: no trigger words


def test_zoeken_on_a_question_without_codebook_starts_it(demo_db):
    _import_new_question(demo_db)
    at = _app("zoeken", scope=("nieuw", "2024", "Q99"))
    at.text_input(key="zk_query").input("wachtlijst")
    _click(at, "Zoeken")
    at.checkbox(key="zk_all").check().run()
    assert at.selectbox(key="zk_code").value == "__nieuw__"  # the only choice
    at.text_input(key="zk_new_label").input("Wachtlijsten").run()
    _click(at, "Toepassen op 1 antwoord(en)")
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q99")
        cur = store.current_codes(survey="nieuw", question="Q99", coder="anna")
    assert cb.code_ids == ["wachtlijsten"] and cb.version == "1"
    assert cur["code"].tolist() == ["wachtlijsten"] and set(cur["source"]) == {"bulk"}


def test_zoeken_bulk_code_with_a_new_code(demo_db):
    """No fitting code yet: the analyst names one beside the hits; it joins the codebook as
    its next version (logged) and the hits get it."""
    at = _app("zoeken", coder="bert")
    at.text_input(key="zk_query").input("wachtlijst")
    _click(at, "Zoeken")
    at.checkbox(key="zk_all").check().run()
    at.selectbox(key="zk_code").set_value("__nieuw__").run()
    at.text_input(key="zk_new_label").input("Wachtlijsten (zoeken)").run()
    n = len([c for c in at.checkbox if str(c.key).startswith("zk_hit_")])
    _click(at, f"Toepassen op {n} antwoord(en)")
    with Store(str(demo_db)) as store:
        from textanalysis.codebook import frame

        cb = store.load_codebook(question="Q58")
        cur = store.current_codes(survey="peiling", question="Q58", coder="bert")
        ops = frame.operations(store, "Q58")["operation"].tolist()
    assert cb.get("wachtlijsten_zoeken").label == "Wachtlijsten (zoeken)" and ops == ["add-code"]
    assert set(cur["code"]) == {"wachtlijsten_zoeken"} and len(cur) == n


def test_zoeken_bad_query_is_a_dutch_message(demo_db):
    at = _app("zoeken")
    at.text_input(key="zk_query").input('"niet gesloten')
    [b for b in at.button if b.label == "Zoeken"][0].click().run()
    assert not at.exception
    assert "niet te lezen" in at.error[0].value and "C081" in at.error[0].value


def test_themas_promote_with_readable_label_and_specific_keywords(demo_db):
    at = _app("themas")
    _click(at, "Thema's zoeken")
    label_box = [t for t in at.text_input if str(t.key).startswith("top_label_")][0]
    proposed = label_box.value
    assert proposed and "," not in proposed and proposed[0].isupper()
    label_box.input(f"{proposed} (thema)")
    _click(at, "Code toevoegen (nieuwe codeboekversie)")
    assert "toegevoegd" in at.success[0].value
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q58")
    code = [c for c, _, _ in cb.iter_codes() if c.label == f"{proposed} (thema)"][0]
    assert code.description and 1 <= len(code.examples) <= 3
    assert len(code.keywords) <= 5
    with Store(str(demo_db)) as store:
        from textanalysis.codebook import frame

        last = frame.operations(store, "Q58").iloc[-1]
    assert (last["operation"], last["coder"]) == ("promote-topic", "anna")


def test_themas_nothing_left_to_explore_says_so_in_dutch(demo_db):
    with Store(str(demo_db)) as store:
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()
        leaf = store.load_codebook(question="Q58").leaf_ids[0]
    record_codes(demo_db, "anna", {u: [leaf] for u in ids})
    at = _app("themas")
    at.selectbox(key="top_scope").set_value("anna")
    _click(at, "Thema's zoeken")
    assert any("geen antwoorden meer die anna nog niet heeft gecodeerd" in i.value for i in at.info)
    assert not any("T004" in e.value for e in at.error)

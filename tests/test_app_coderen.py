"""AppTest of the Coderen page: the decisions the UI records are exactly what the analyst did."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from textanalysis.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
pytestmark = pytest.mark.slow


def _open_coderen(coder: str = "tester") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["ta_scope"] = ("peiling", "2022", "Q58")
    at.session_state["cod_order"] = "volgorde"  # walk the answers from the first one
    at.run()
    at.sidebar.text_input(key="side_coder").input(coder).run()
    at.switch_page("app_pages/coderen.py").run()
    assert not at.exception, at.exception
    return _await_suggestions(at)


def _await_suggestions(at: AppTest, timeout: float = 180) -> AppTest:
    """The first model is fitted in the background: the answer is shown at once, its
    suggestions (boxes keyed cod_cb_) when the model is there."""
    import time

    deadline = time.monotonic() + timeout
    while not any(cb.key and cb.key.startswith("cod_cb_") for cb in at.checkbox):
        assert time.monotonic() < deadline, "the suggestions never arrived"
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
    return at


def _code_boxes(at: AppTest, uid: int):
    prefix = f"cod_cb_{uid}_"
    return {cb.key[len(prefix) :]: cb for cb in at.checkbox if cb.key and cb.key.startswith(prefix)}


def test_coderen_confirm_add_reject_records_exactly_those(demo_db):
    at = _open_coderen()
    # walk to the first answer with at least two pre-selected suggestions
    for _ in range(60):
        uid = at.session_state["cod_unit"]
        boxes = _code_boxes(at, uid)
        checked = [c for c, cb in boxes.items() if cb.value]
        if len(checked) >= 2:
            break
        at.button(key="cod_next").click().run()
        assert not at.exception, at.exception
    else:
        pytest.fail("no answer with two suggestions in Q58")
    keep, reject = checked[0], checked[1]
    add = next(c for c, cb in boxes.items() if not cb.value)
    scores_before = {c: boxes[c].label for c in (keep, reject)}
    boxes[reject].uncheck()
    boxes[add].check()
    at.button(key="cod_confirm").click().run()
    assert not at.exception, at.exception
    assert at.session_state["cod_unit"] != uid  # moved on to the next answer

    with Store(str(demo_db)) as store:
        dec = store.decisions(coder="tester")
        cur = store.current_codes(coder="tester")
    got = {(r.unit_id, r.code, r.decision, r.source) for r in dec.itertuples()}
    expected = {
        (uid, keep, "applied", "suggestion"),
        (uid, add, "applied", "manual"),
        (uid, reject, "rejected", "suggestion"),
    }
    assert got == expected and len(dec) == 3, (got, scores_before)
    assert set(dec.loc[dec["source"] == "suggestion", "score"].notna()) == {True}
    assert set(cur["code"]) == {keep, add}

    # going back shows the coder's own decisions; confirming again records nothing new
    at.button(key="cod_prev").click().run()
    assert at.session_state["cod_unit"] == uid
    boxes = _code_boxes(at, uid)
    assert boxes[keep].value and boxes[add].value and not boxes[reject].value
    at.button(key="cod_confirm").click().run()
    with Store(str(demo_db)) as store:
        assert len(store.decisions(coder="tester")) == 3


def test_coderen_no_code_marks_unit_seen_and_memo(demo_db):
    at = _open_coderen("bob")
    uid = at.session_state["cod_unit"]
    at.text_input(key=f"cod_memo_{uid}").input("twijfel: <b>twee</b> thema's").run()
    at.button(key=f"cod_memo_save_{uid}").click().run()
    at.button(key="cod_none").click().run()
    assert not at.exception, at.exception
    with Store(str(demo_db)) as store:
        dec = store.decisions(coder="bob")
        memos = store.memos(unit_id=uid)
        prog = store.progress("peiling", "Q58", "2022")
    assert set(dec["unit_id"]) == {uid} and set(dec["decision"]) == {"rejected"}
    assert list(memos["text"]) == ["twijfel: <b>twee</b> thema's"]
    assert int(prog.loc[prog["coder"] == "bob", "coded_units"].iloc[0]) == 1


def test_coderen_without_name_asks_for_it(demo_db):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/coderen.py").run()
    assert not at.exception
    assert any("naam" in w.value for w in at.warning)


def test_coderen_background_model_arrives_without_blocking(demo_db):
    import time

    at = _open_coderen("dora")
    deadline = time.monotonic() + 120
    captions: list[str] = []
    while time.monotonic() < deadline:
        captions = [c.value for c in at.main.caption]
        if any(c.startswith("Model getraind op") for c in captions):
            break
        assert not any("Hertrainen mislukte" in c for c in captions), captions
        time.sleep(1)
        at.run()
    else:
        pytest.fail(f"the background model never arrived: {captions}")
    assert not at.exception


def test_coderen_with_a_labels_only_codebook_suggests_and_records(demo_db):
    """A codebook of ids and labels only (no examples, keywords or definitions) used to crash
    the page; now every answer gets ranked codes and a confirmation is stored."""
    from textanalysis.codebook import Codebook

    cb = Codebook.model_validate(
        {
            "name": "alleen labels",
            "version": "9",
            "codes": [
                {"id": "personeel", "label": "Personeelstekort"},
                {"id": "geld", "label": "Financiering en bezuinigingen"},
                {"id": "jeugd", "label": "Jeugdzorg"},
                {"id": "samen", "label": "Samenwerking met partners"},
            ],
        }
    )
    with Store(str(demo_db)) as store:
        store.save_codebook(cb, question="Q58")
    at = _open_coderen("labels")
    uid = at.session_state["cod_unit"]
    boxes = _code_boxes(at, uid)
    assert set(boxes) == {"personeel", "geld", "jeugd", "samen"}
    boxes["jeugd"].check()
    at.button(key="cod_confirm").click().run()
    assert not at.exception, at.exception
    with Store(str(demo_db)) as store:
        cur = store.current_codes(coder="labels")
    assert ("jeugd" in set(cur.loc[cur["unit_id"] == uid, "code"])) and len(cur) >= 1


# --- issue 16: a new code while coding, also without a codebook; the review queue ---------

NEW_ANSWERS = [
    "De wachtlijsten in de jeugdzorg zijn veel te lang",
    "Te weinig personeel in de wijkteams",
    "Geld: de gemeente moet bezuinigen",
]


def _add_question_without_codebook(db, question: str = "Q99") -> None:
    import pandas as pd

    from textanalysis.ingest import ingest_file

    csv = db.with_name("nieuw.csv")
    pd.DataFrame(
        {"gemeente_id": ["N1", "N2", "N3"], "g40": ["nee", "ja", "nee"], "q99": NEW_ANSWERS}
    ).to_csv(csv, index=False, sep=";")
    result = ingest_file(csv, "gemeente_id", {question: "q99"}, ["g40"])
    with Store(str(db)) as store:
        store.import_result(result, "peiling", "2022")


def _open(coder: str, scope: tuple[str, str, str], **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["ta_scope"] = scope
    at.session_state["cod_order"] = "volgorde"
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.sidebar.text_input(key="side_coder").input(coder).run()
    at.switch_page("app_pages/coderen.py").run()
    assert not at.exception, at.exception
    return at


def _add_code(at: AppTest, label: str, definition: str = "") -> AppTest:
    at.text_input(key="cod_new_label").input(label)
    if definition:
        at.text_area(key="cod_new_def").input(definition)
    next(b for b in at.button if b.label == "Code toevoegen").click().run()
    assert not at.exception, at.exception
    return at


def test_coderen_new_code_without_codebook_starts_the_codebook(demo_db):
    _add_question_without_codebook(demo_db)
    at = _open("nieuw", ("peiling", "2022", "Q99"))
    assert any("nog geen codeboek" in i.value for i in at.info)
    uid = at.session_state["cod_unit"]
    _add_code(at, "Wachtlijsten", "Lange wachttijden voor zorg")
    with Store(str(demo_db)) as store:
        cb = store.load_codebook(question="Q99")
        cur = store.current_codes(coder="nieuw", question="Q99")
        text = store.units("peiling", "Q99", "2022", unit_ids=[uid])["text"].iloc[0]
    assert cb.version == "1" and cb.code_ids == ["wachtlijsten"]
    code = cb.get("wachtlijsten")
    assert code.description == "Lange wachttijden voor zorg" and list(code.examples) == [text]
    assert {(int(r.unit_id), r.code, r.source) for r in cur.itertuples()} == {
        (uid, "wachtlijsten", "manual")
    }
    # the page now codes with the new codebook, still on the same answer, the code ticked
    at = _await_suggestions(at)
    assert at.session_state["cod_unit"] == uid
    assert _code_boxes(at, uid)["wachtlijsten"].value


def _q58_ids(db) -> list[int]:
    with Store(str(db)) as store:
        units = store.units("peiling", "Q58", "2022")
    return sorted(units.loc[units["substantive"].astype(bool), "unit_id"].astype(int))


def test_coderen_filter_auto_coded_not_reviewed(demo_db):
    from textanalysis.coding import AUTO_OPEN, auto_unreviewed

    u1, u2 = _q58_ids(demo_db)[5:7]
    with Store(str(demo_db)) as store:
        code = store.load_codebook(question="Q58").code_ids[0]
        store.record_decisions(
            [
                {"unit_id": u, "code": code, "coder": "rev", "source": "auto", "score": 0.9}
                for u in (u1, u2)
            ]
        )
        store.record_decision(u2, code, "rev", source="manual")  # reviewed by hand already
    at = _await_suggestions(_open("rev", ("peiling", "2022", "Q58"), cod_filter=AUTO_OPEN))
    assert at.session_state["cod_unit"] == u1
    assert _code_boxes(at, u1)[code].value  # the auto code is ticked
    at.button(key="cod_confirm").click().run()
    assert not at.exception, at.exception
    with Store(str(demo_db)) as store:
        dec = store.decisions(coder="rev", unit_ids=[u1])
        assert auto_unreviewed(store, "peiling", "Q58", "2022", "rev") == set()
    mine = dec[dec["code"] == code]  # the auto code, confirmed by hand
    assert list(mine["source"])[0] == "auto" and list(mine["source"])[1] in ("suggestion", "manual")
    assert list(mine["decision"]) == ["applied", "applied"]


def test_coderen_filter_coders_disagree_keeps_blind_units_blind(demo_db):
    from textanalysis.coding import DISAGREE, claim_units, disagreement_units

    u1, u2, u3 = _q58_ids(demo_db)[10:13]
    with Store(str(demo_db)) as store:
        a, b = store.load_codebook(question="Q58").code_ids[:2]
        for u in (u1, u2, u3):
            store.record_decision(u, a, "anna")
            store.record_decision(u, a if u == u2 else b, "bert")
        claim_units(store, [u3], "rev", purpose="double")  # rev codes u3 blind
        assert disagreement_units(store, "peiling", "Q58", "2022", "rev") == {u1}
    at = _await_suggestions(_open("rev", ("peiling", "2022", "Q58"), cod_filter=DISAGREE))
    assert at.session_state["cod_unit"] == u1
    at.button(key="cod_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Klaar" in s.value for s in at.success)  # worked through once, not again
    with Store(str(demo_db)) as store:
        store.record_decision(u3, b, "rev")  # once rev decided u3, it may show it differs
        assert disagreement_units(store, "peiling", "Q58", "2022", "rev") >= {u1, u3}


def test_coderen_filter_changed_by_codeframe_operation(demo_db):
    from textanalysis.coding import CHANGED

    u1 = _q58_ids(demo_db)[20]
    with Store(str(demo_db)) as store:
        code = store.load_codebook(question="Q58").code_ids[0]
        store.flag_for_review([u1], f"split:{code}", "kies de nieuwe code")
    at = _await_suggestions(_open("rev", ("peiling", "2022", "Q58"), cod_filter=CHANGED))
    assert at.session_state["cod_unit"] == u1
    assert any("Na te kijken" in c.value and "gesplitst" in c.value for c in at.main.caption)
    at.button(key="cod_none").click().run()
    assert not at.exception, at.exception
    with Store(str(demo_db)) as store:
        assert store.units_needing_review("peiling", "Q58", "2022").empty
        assert set(store.decisions(coder="rev", unit_ids=[u1])["decision"]) == {"rejected"}


def test_coderen_filter_changed_lists_answers_a_merge_carried(demo_db):
    """After merging A into B, the coder's answers that had A wait under "gewijzigd door
    codeboekwijziging" with what happened; Bevestigen records the coder's own B."""
    from textanalysis.codebook import frame
    from textanalysis.coding import CHANGED, codeframe_changed

    u1, u2 = _q58_ids(demo_db)[30:32]
    with Store(str(demo_db)) as store:
        a, b = store.load_codebook(question="Q58").leaf_ids[:2]
        store.record_decision(u1, a, "rev")
        store.record_decision(u2, a, "anna")  # another coder's: not rev's to review
        frame.merge(store, "peiling", "Q58", a, b, coder="anna")
        assert set(codeframe_changed(store, "peiling", "Q58", "2022", "rev")) == {u1}
    at = _await_suggestions(_open("rev", ("peiling", "2022", "Q58"), cod_filter=CHANGED))
    assert at.session_state["cod_unit"] == u1
    assert any("samengevoegd" in c.value for c in at.main.caption)
    assert _code_boxes(at, u1)[b].value  # the carried code is ticked
    at.button(key="cod_confirm").click().run()
    assert not at.exception, at.exception
    with Store(str(demo_db)) as store:
        assert codeframe_changed(store, "peiling", "Q58", "2022", "rev") == {}
        mine = store.decisions(coder="rev", unit_ids=[u1])
    last = mine[mine["code"] == b].iloc[-1]
    assert (last["decision"], last["source"]) in {("applied", "manual"), ("applied", "suggestion")}

"""Bulk coding by search (coding.bulk) on SQLite and PostgreSQL: lemma-aware words, phrases,
AND/OR/NOT, keyword-in-context hits, apply as the coder's own decisions and undo exactly."""

from __future__ import annotations

import pandas as pd
import pytest

from textanalysis.codebook import frame
from textanalysis.coding import bulk
from textanalysis.errors import CodebookError
from textanalysis.ingest import IngestResult
from textanalysis.store import Store

S, Q = "peiling", "Q58"
TEXTS = [
    "Lange wachtlijsten bij de GGZ",
    "De wachtlijst voor jeugdzorg is te lang",
    "Huisarts is niet bereikbaar",
    "Meer geld voor de GGZ en kortere wachttijden",
    "Te weinig personeel in de wijkteams",
    "nvt",
]


def _result() -> IngestResult:
    units = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(len(TEXTS))],
            "question_id": Q,
            "unit_index": 0,
            "text": TEXTS,
            "cell_text": TEXTS,
            "substantive": [t != "nvt" for t in TEXTS],
            "non_substantive_reason": [None if t != "nvt" else "nvt" for t in TEXTS],
        }
    )
    return IngestResult(
        units=units,
        respondents=pd.DataFrame({"respondent_id": units["respondent_id"]}),
        questions={Q: "q58_open"},
        attribute_columns=[],
        duplicate_ids=[],
        duplicates_policy="most-complete",
        source_name="bulk.csv",
        source_sha256="0" * 64,
        summary={"respondents": len(TEXTS), "units": len(TEXTS), "non_substantive": 1},
    )


@pytest.fixture
def store(store_url):
    with Store(store_url) as s:
        s.import_result(_result(), S, "2022")
        frame.add_code(s, S, Q, "Wachtlijsten", code_id="wacht", coder="anna")
        frame.add_code(s, S, Q, "GGZ", code_id="ggz", coder="anna")
        yield s


def _texts(hits: pd.DataFrame) -> list[str]:
    return hits["text"].tolist()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wachtlijst", [0, 1]),  # lemma: finds "wachtlijsten"
        ("Wachtlijsten", [0, 1]),
        ('"lange wachtlijst"', [0]),  # phrase, by lemma
        ("wachtlijst AND ggz", [0]),
        ("wachtlijst ggz", [0]),  # side by side = AND
        ("wachtlijst NOT ggz", [1]),
        ("huisarts OR personeel", [2, 4]),
        ("(wachtlijst OF wachttijd) EN NIET jeugdzorg", [0, 3]),
        ("wacht*", [0, 1, 3]),
        ("NOT ggz", [1, 2, 4]),  # the non-answer 'nvt' is never a hit
    ],
)
def test_search_lemmas_phrases_and_boolean(store, query, expected):
    assert _texts(bulk.search(store, S, Q, query)) == [TEXTS[i] for i in expected]


def test_hits_in_context(store):
    hits = bulk.search(store, S, Q, "jeugdzorg", width=12)
    row = hits.iloc[0]
    assert (row["before"], row["match"], row["after"]) == ("…voor ", "jeugdzorg", " is te lang")
    assert list(hits.columns) == bulk.HIT_COLUMNS and row["matches"] == 1
    assert bulk.kwic("abc", None) == ("", "", "abc")


@pytest.mark.parametrize(
    ("query", "code"),
    [("", "C080"), ('"open', "C081"), ("a AND", "C081"), ("(a OR b", "C081"), ("a )", "C081")],
)
def test_bad_queries_are_coded_errors(query, code):
    with pytest.raises(CodebookError, match=rf"\[{code}\]"):
        bulk.parse_query(query)


def test_apply_and_undo_restore_the_current_codes_exactly(store):
    u = store.units(S, Q)["unit_id"].tolist()
    store.record_decision(u[0], "wacht", "anna")  # had it already
    store.record_decision(u[1], "wacht", "anna", decision="rejected")  # said no before
    store.record_decision(u[3], "ggz", "anna")
    store.record_decision(u[0], "wacht", "bert")
    before_codes = store.current_codes(survey=S, question=Q)
    n_before = len(store.decisions(include_undone=True))
    action = bulk.apply(store, S, Q, "wacht*", "wacht", coder="anna")
    assert (action.applied, action.already) == (2, 1)
    cur = store.current_codes(survey=S, question=Q, coder="anna")
    assert set(cur.loc[cur["code"] == "wacht", "unit_id"]) == {u[0], u[1], u[3]}
    new = store.decisions().iloc[n_before:]
    assert set(new["source"]) == {"bulk"} and set(new["reason"]) == {
        f"bulk #{action.action_id}: wacht*"
    }
    assert bulk.actions(store, S, Q)["answers"].tolist() == [2]
    assert bulk.undo(store, action.action_id) == 2
    pd.testing.assert_frame_equal(
        store.current_codes(survey=S, question=Q)[["unit_id", "code", "coder"]],
        before_codes[["unit_id", "code", "coder"]],
    )
    log = store.decisions(include_undone=True)
    assert len(log) == n_before + 4  # appended, nothing changed or removed
    assert len(store.decisions()) == n_before  # in effect: the pair changed nothing
    with pytest.raises(CodebookError, match=r"\[C083\]"):
        bulk.undo(store, action.action_id)
    assert bulk.actions(store, S, Q)["undone"].tolist() == [True]
    other = bulk.apply(store, S, Q, "ggz", "ggz", coder="anna")
    with pytest.raises(CodebookError, match=r"\[C088\] .*'anna'; 'bert' cannot undo"):
        bulk.undo(store, other.action_id, coder="bert")  # coders never change each other's
    assert bulk.actions(store, S, Q)["undone"].tolist() == [True, False]


def test_apply_to_chosen_hits_and_undo_keeps_later_work(store):
    u = store.units(S, Q)["unit_id"].tolist()
    action = bulk.apply(store, S, Q, "ggz", "ggz", coder="anna", unit_ids=[u[3]])
    assert action.applied == 1
    with pytest.raises(CodebookError, match=r"\[C084\]"):
        bulk.apply(store, S, Q, "ggz", "ggz", coder="anna", unit_ids=[u[2]])
    with pytest.raises(CodebookError, match=r"\[C003\]"):
        bulk.apply(store, S, Q, "ggz", "onbekend", coder="anna")
    second = bulk.apply(store, S, Q, "wachtlijst", "wacht", coder="anna")
    store.record_decision(u[0], "wacht", "anna", decision="rejected")  # the coder changed one
    store.record_decision(u[0], "wacht", "anna")  # ... and back by hand
    assert bulk.undo(store, second.action_id) == 1  # only u1: u0's last decision is manual
    cur = store.current_codes(survey=S, question=Q, coder="anna")
    assert set(zip(cur["unit_id"], cur["code"], strict=True)) == {(u[0], "wacht"), (u[3], "ggz")}
    run = store.load_run(frame.operations(store).run_id.iloc[0])
    with pytest.raises(CodebookError, match=r"\[C082\]"):
        bulk.undo(store, run["run_id"])


def test_an_undone_bulk_action_leaves_no_trace_of_looking(store):
    """Answers only an undone bulk action touched count as not coded by the coder: not in
    progress, N, the "nog niet gecodeerd" queue or the training data; the log keeps it all."""
    from textanalysis.report.codings import coded_units

    u = store.units(S, Q)["unit_id"].tolist()
    store.record_decision(u[2], "ggz", "anna", decision="rejected")  # anna looked at u2
    looked = {u[2]}

    def state():
        uncoded = set(store.units(S, Q, uncoded_by="anna")["unit_id"])
        progress = store.progress(S, Q).set_index("coder")["coded_units"].to_dict()
        return uncoded, progress, coded_units(store, S, Q, None, "anna")

    before = state()
    assert before[2] == looked
    actions = [bulk.apply(store, S, Q, "ggz", "ggz", coder="anna")]
    for _ in range(11):  # another coder's actions, each undone at once
        actions.append(bulk.apply(store, S, Q, "wachtlijst", "wacht", coder="bert"))
        bulk.undo(store, actions[-1].action_id)
    assert coded_units(store, S, Q, None, "anna") == looked | {u[0], u[3]}
    bulk.undo(store, actions[0].action_id, coder="anna")
    assert state() == before
    assert set(store.decisions(coder="anna")["unit_id"]) == looked
    assert "bert" not in set(store.progress(S, Q)["coder"])
    log = store.decisions(include_undone=True)
    assert {"bulk", "manual"} == set(log["source"]) and len(log) == 1 + 2 * 2 + 11 * 2 * 2
    with pytest.raises(CodebookError, match=r"\[C083\]"):
        bulk.undo(store, actions[0].action_id)


def test_undone_action_ids_are_read_exactly():
    from textanalysis.store.undo import is_undone, undone_actions

    reasons = ["undo bulk #12", "undo bulk #3 by anna", "undo bulk #x", None, "bulk #1: a"]
    assert undone_actions(reasons) == {12, 3}
    assert is_undone("bulk #12: wacht*", {12}) and is_undone("undo bulk #3 by anna", {3})
    assert not is_undone("bulk #1: wacht*", {12}) and not is_undone("undo bulk #1", {12})
    assert not is_undone("merge 'a' -> 'b'", {1}) and not is_undone(None, {1})


def test_a_search_of_words_becomes_trigger_words_of_the_code(store):
    """ "wachtlijst OR "lange wachttijd"" as keywords of a code: a logged codebook version; the
    rule suggester then finds the inflected forms the search found."""
    from textanalysis.suggest import RuleSuggester

    assert bulk.query_keywords('wachtlijst OF "Lange wachttijd" OR wachtlijst') == [
        "wachtlijst",
        "lange wachttijd",
    ]
    for query, what in (("ggz NOT huisarts", "NOT"), ("wacht*", "wildcard"), ("a b", "AND")):
        with pytest.raises(CodebookError, match=rf"\[C090\] .*{what}"):
            bulk.query_keywords(query)
    change = bulk.save_as_keywords(store, S, Q, "wachtlijst OR wachttijd", "wacht", coder="anna")
    cb = store.load_codebook(question=Q)
    assert list(cb.get("wacht").keywords) == ["wachtlijst", "wachttijd"]
    assert frame.operations(store, Q)["operation"].iloc[-1] == "edit" and change.decisions == 0
    assert bulk.save_as_keywords(store, S, Q, "Wachtlijst", "wacht", coder="anna") is None
    scores = RuleSuggester(cb).fit([], []).predict_scores(TEXTS)
    hits = {t for t, row in zip(TEXTS, scores, strict=True) if row[cb.code_ids.index("wacht")] > 0}
    assert hits == {TEXTS[0], TEXTS[1], TEXTS[3]}  # wachtlijsten, wachtlijst, wachttijden

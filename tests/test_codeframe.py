"""Codeframe operations (codebook.frame) on SQLite and PostgreSQL: every operation makes a new
codebook version, carries the decisions along as new decisions with their reason, never
changes history, and the counts of the older version stay as they were."""

from __future__ import annotations

import pandas as pd
import pytest
from test_store_support import make_result

from textanalysis.codebook import frame
from textanalysis.coding.review import flagged_units
from textanalysis.errors import CodebookError
from textanalysis.report import frequencies
from textanalysis.store import Store

S, Q = "peiling", "Q58"


@pytest.fixture
def store(store_url):
    with Store(store_url) as s:
        s.import_result(make_result(n_respondents=8, questions=(Q,)), S, "2022")
        yield s


@pytest.fixture
def coded(store):
    """Codes a, b, c (c under a) and decisions by anna and bert; returns the unit ids."""
    u = store.units(S, Q, substantive=True)["unit_id"].tolist()
    frame.add_code(store, S, Q, "Wachtlijsten", code_id="a", coder="anna")
    frame.add_code(store, S, Q, "Personeel", code_id="b", coder="anna")
    frame.add_code(store, S, Q, "Wachttijd GGZ", code_id="c", parent="a", coder="anna")
    rows = [(u[0], "a", "anna"), (u[1], "a", "anna"), (u[2], "b", "anna"), (u[1], "b", "anna")]
    rows += [(u[0], "a", "bert"), (u[3], "c", "bert"), (u[4], "b", "bert")]
    store.record_decisions(
        [{"unit_id": x, "code": c, "coder": who} for x, c, who in rows]
        + [{"unit_id": u[5], "code": "a", "coder": "anna", "decision": "rejected"}]
        + [{"unit_id": u[6], "code": "a", "coder": "anna", "source": "auto", "score": 0.9}]
    )
    return u


def _table(store, codebook, codes, coded_units) -> pd.DataFrame:
    units = store.units(S, Q)
    t = frequencies(units, codes, codebook, coded_units=coded_units, include_auto=True)
    return pd.DataFrame(t)[["code", "respondents", "mentions", "n"]].reset_index(drop=True)


def _current_table(store):
    codes = store.current_codes(survey=S, question=Q)
    done = set(store.decisions(survey=S, question=Q)["unit_id"])
    return _table(store, store.load_codebook(question=Q), codes, done)


def _old_table(store, version):
    codes, done = frame.codes_as_of(store, version, survey=S, question=Q)
    return _table(store, store.load_codebook(version), codes, done)


def _history(store) -> pd.DataFrame:
    return store.decisions().reset_index(drop=True)


def _assert_history_kept(before: pd.DataFrame, after: pd.DataFrame) -> None:
    def rows(df: pd.DataFrame) -> list[tuple]:
        return [tuple(None if pd.isna(v) else v for v in r) for r in df.itertuples(index=False)]

    assert rows(after.iloc[: len(before)]) == rows(before)


def test_add_code_starts_a_codebook_without_yaml(store):
    u = store.units(S, Q, substantive=True)["unit_id"].tolist()
    assert frame.current_codebook(store, S, Q) is None
    first = frame.add_code(store, S, Q, "Lange wachtlijsten!", coder="anna", example_unit=u[0])
    assert first.previous_version is None and first.code_id == "lange_wachtlijsten"
    cb = store.load_codebook(question=Q)
    assert cb.content_hash == first.version and cb.code_ids == ["lange_wachtlijsten"]
    assert cb.get("lange_wachtlijsten").examples == [store.units(S, Q)["text"].iloc[0]]
    cur = store.current_codes(survey=S, question=Q)
    assert cur[["unit_id", "code", "coder"]].values.tolist() == [
        [u[0], "lange_wachtlijsten", "anna"]
    ]
    second = frame.add_code(
        store, S, Q, "Personeel", coder="anna", definition="Tekort aan mensen", parent=None
    )
    third = frame.add_code(store, S, Q, "Jeugd", coder="anna", parent="lange_wachtlijsten")
    cb = store.load_codebook(question=Q)
    assert cb.version == "3" and cb.parent_of(third.code_id) == "lange_wachtlijsten"
    assert cb.get(second.code_id).description == "Tekort aan mensen"
    assert len(store.codebooks(Q)) == 3
    assert frame.operations(store, Q)["operation"].tolist() == ["add-code"] * 3
    with pytest.raises(CodebookError, match=r"\[C065\]"):
        frame.add_code(store, S, Q, "Nog eens", code_id="personeel", coder="anna")
    with pytest.raises(CodebookError, match=r"\[C077\]"):
        frame.add_code(store, S, Q, "X", coder="anna", example_unit=10_000)
    with pytest.raises(CodebookError, match=r"\[C078\]"):
        frame.add_code(store, S, Q, "X", code_id="met spatie", coder="anna")


def test_merge_carries_decisions_and_keeps_old_counts(store, coded):
    u = coded
    old = store.load_codebook(question=Q)
    before_table, before = _current_table(store), _history(store)
    before_codes = store.current_codes(survey=S, question=Q)
    before_done = set(before["unit_id"])
    change = frame.merge(store, S, Q, "b", "a", coder="anna")
    assert "b" not in change.codebook.code_ids and change.previous_version == old.content_hash
    cur = store.current_codes(survey=S, question=Q)
    assert "b" not in set(cur["code"])
    pairs = set(zip(cur["unit_id"], cur["code"], cur["coder"], strict=True))
    assert {(u[2], "a", "anna"), (u[1], "a", "anna"), (u[4], "a", "bert")} <= pairs
    # u1 had a and b by anna: one 'rejected b', no second 'applied a'
    new = _history(store).iloc[len(before) :]
    assert set(new["source"]) == {"codeframe"} and set(new["reason"]) == {"merge 'b' -> 'a'"}
    assert len(new) == change.decisions == 5
    _assert_history_kept(before, _history(store))
    pd.testing.assert_frame_equal(_old_table(store, old.content_hash), before_table)
    # the new counts are the old codes with b read as a, under the new codebook
    relabelled = before_codes.assign(code=before_codes["code"].replace({"b": "a"}))
    expected = _table(store, change.codebook, relabelled, before_done)
    pd.testing.assert_frame_equal(_current_table(store), expected)


def test_rename_id_carries_every_coders_decisions(store, coded):
    u = coded
    old = store.load_codebook(question=Q)
    before_table, before = _current_table(store), _history(store)
    change = frame.rename(store, S, Q, "a", coder="anna", new_id="wacht", label="Wachten")
    assert change.codebook.get("wacht").label == "Wachten" and "a" not in change.codebook.code_ids
    assert change.codebook.parent_of("c") == "wacht"
    after = _current_table(store).set_index("code")["respondents"]
    assert after["wacht"] == before_table.set_index("code")["respondents"]["a"]
    last = store.decisions().drop_duplicates(["unit_id", "code", "coder"], keep="last")
    auto = last[(last["code"] == "wacht") & (last["unit_id"] == u[6])]
    assert auto[["source", "score"]].values.tolist() == [["auto", 0.9]]  # auto stays auto
    rej = last[(last["code"] == "wacht") & (last["unit_id"] == u[5])]
    assert rej["decision"].tolist() == ["rejected"]  # a rejection is carried too
    _assert_history_kept(before, _history(store))
    pd.testing.assert_frame_equal(_old_table(store, old.content_hash), before_table)
    label_only = frame.rename(store, S, Q, "b", coder="anna", label="Mensen")
    assert label_only.decisions == 0 and label_only.codebook.get("b").label == "Mensen"
    with pytest.raises(CodebookError, match=r"\[C076\]"):
        frame.rename(store, S, Q, "b", coder="anna", label="Mensen")
    with pytest.raises(CodebookError, match=r"\[C065\]"):
        frame.rename(store, S, Q, "b", coder="anna", new_id="c")


def test_move_changes_the_roll_up_of_the_new_version_only(store, coded):
    old = store.load_codebook(question=Q)
    before_table = _current_table(store)
    change = frame.move(store, S, Q, "c", "b", coder="anna")
    assert change.decisions == 0 and change.codebook.parent_of("c") == "b"
    codes = store.current_codes(survey=S, question=Q)
    done = set(store.decisions(survey=S, question=Q)["unit_id"])
    pd.testing.assert_frame_equal(
        _current_table(store), _table(store, change.codebook, codes, done)
    )
    assert not _current_table(store).equals(before_table)  # c now rolls up into b
    pd.testing.assert_frame_equal(_old_table(store, old.content_hash), before_table)
    assert frame.move(store, S, Q, "c", None, coder="anna").codebook.parent_of("c") is None
    with pytest.raises(CodebookError, match=r"\[C072\]"):
        frame.move(store, S, Q, "a", "a", coder="anna")


def test_split_sends_the_answers_to_the_review_list(store, coded):
    u = coded
    old = store.load_codebook(question=Q)
    before_table, before = _current_table(store), _history(store)
    with pytest.raises(CodebookError, match=r"\[C070\]"):
        frame.split(store, S, Q, "a", ["x", "y"], coder="anna")
    with pytest.raises(CodebookError, match=r"\[C074\]"):
        frame.split(store, S, Q, "b", ["x"], coder="anna")
    change = frame.split(store, S, Q, "b", ["b1=Zorgpersoneel", "b2"], coder="anna")
    assert change.codebook.code_ids == ["a", "c", "b1", "b2"]
    assert change.codebook.get("b1").label == "Zorgpersoneel"
    review = frame.split_review(store, S, Q, "b")
    assert sorted(review["unit_id"]) == sorted([u[1], u[2], u[4]]) == change.units
    assert set(review["was"]) == {"b"} and review["text"].str.len().min() > 0
    assert review["into"].map(tuple).tolist() == [("b1", "b2")] * 3  # the choice per answer
    assert "b" not in set(store.current_codes(survey=S, question=Q)["code"])
    _assert_history_kept(before, _history(store))
    pd.testing.assert_frame_equal(_old_table(store, old.content_hash), before_table)
    assert frame.assign_split(store, [u[1], u[2]], "b", ["b1"], coder="anna") == 2
    assert frame.split_review(store, S, Q, "b")["unit_id"].tolist() == [u[4]]
    cur = store.current_codes(survey=S, question=Q, coder="anna")
    assert set(cur.loc[cur["code"] == "b1", "unit_id"]) == {u[1], u[2]}


def test_split_review_belongs_to_each_coder_who_had_the_code(store, coded):
    """Double coding: anna and bert both coded u1 with b. Each chooses for their own decision;
    anna's choice closes only her flag, and neither sees the other's flags."""
    u = coded
    store.record_decisions([{"unit_id": u[1], "code": "b", "coder": "bert"}])
    change = frame.split(store, S, Q, "b", ["b1", "b2"], coder="anna")
    assert change.flagged == 4  # anna: u1, u2; bert: u1, u4
    mine = frame.split_review(store, S, Q, "b", coder="anna")
    theirs = frame.split_review(store, S, Q, "b", coder="bert")
    assert sorted(mine["unit_id"]) == sorted([u[1], u[2]]) and set(mine["coder"]) == {"anna"}
    assert sorted(theirs["unit_id"]) == sorted([u[1], u[4]])
    assert set(flagged_units(store, S, Q, None, "bert")) == {u[1], u[4]}
    assert frame.split_choices(store, S, Q, None, "bert") == {
        u[1]: ["b1", "b2"],
        u[4]: ["b1", "b2"],
    }
    frame.assign_split(store, [u[1]], "b", ["b2"], coder="anna")
    assert frame.split_review(store, S, Q, "b", coder="anna")["unit_id"].tolist() == [u[2]]
    assert sorted(frame.split_review(store, S, Q, "b", coder="bert")["unit_id"]) == sorted(
        [u[1], u[4]]
    )
    cur = store.current_codes(survey=S, question=Q)
    got = {(int(r.unit_id), r.coder) for r in cur[cur["code"] == "b2"].itertuples()}
    assert got == {(u[1], "anna")}  # bert's decision waits for bert
    # a flag of the answer (a re-import changed it) is anyone's: one coder closes it
    store.flag_for_review([u[7]], "text changed")
    assert u[7] in flagged_units(store, S, Q, None, "bert")
    store.mark_reviewed([u[7]], "anna")
    assert u[7] not in flagged_units(store, S, Q, None, "bert")


def test_a_whole_new_version_is_logged_and_may_not_orphan_codes(store, coded):
    """An uploaded codebook (or a code's edit form) is a codeframe operation too; leaving out
    a code in use is refused [C087] and nothing is stored."""
    from textanalysis.codebook.edit import edit_code, remove_code
    from textanalysis.errors import CodeInUseError

    old = store.load_codebook(question=Q)
    before_table, n_versions = _current_table(store), len(store.codebooks(Q))
    with pytest.raises(
        CodeInUseError, match=r"\[C087\] .*'b'.*3 current decision\(s\) by anna, bert"
    ):
        frame.save_version(store, S, Q, remove_code(old, "b"), coder="anna", operation="upload")
    assert len(store.codebooks(Q)) == n_versions
    edited = edit_code(old, "b", {"label": "Personeel en capaciteit", "keywords": ["personeel"]})
    change = frame.save_version(store, S, Q, edited, coder="bert", operation="edit")
    assert change.decisions == 0 and store.load_codebook(question=Q).get("b").keywords == [
        "personeel"
    ]
    assert frame.operations(store, Q)[["operation", "coder"]].iloc[-1].tolist() == ["edit", "bert"]
    pd.testing.assert_frame_equal(_old_table(store, old.content_hash), before_table)


def test_old_counts_keep_a_bulk_action_undone_only_later(store, coded):
    """codes_as_of: a bulk action applied under version 1 and undone under version 2 still
    counts for version 1 (as it did then); once undone it is gone from the current counts."""
    from textanalysis.coding import bulk

    v1 = store.load_codebook(question=Q)
    action = bulk.apply(store, S, Q, "personeel OR wachtlijst OR huisarts OR zorg", "c",
                        coder="carla")  # fmt: skip
    assert action.applied > 0
    v1_table = _old_table(store, v1.content_hash)
    frame.add_code(store, S, Q, "Nieuw", code_id="n", coder="anna")  # version 2
    bulk.undo(store, action.action_id)
    pd.testing.assert_frame_equal(_old_table(store, v1.content_hash), v1_table)
    codes, done = frame.codes_as_of(store, v1.content_hash, survey=S, question=Q, coder="carla")
    assert len(codes) == action.applied and len(done) == action.applied
    assert store.current_codes(survey=S, question=Q, coder="carla").empty


def test_delete_only_when_unused_or_reassigned(store, coded):
    with pytest.raises(CodebookError, match=r"\[C073\] Code 'b' is in use: 3 current"):
        frame.delete(store, S, Q, "b", coder="anna")
    before = _history(store)
    frame.add_code(store, S, Q, "Ongebruikt", code_id="z", coder="anna")
    gone = frame.delete(store, S, Q, "z", coder="anna")
    assert "z" not in gone.codebook.code_ids and gone.decisions == 0
    moved = frame.delete(store, S, Q, "b", coder="anna", into="a")
    assert "b" not in moved.codebook.code_ids and moved.decisions > 0
    assert "b" not in set(store.current_codes(survey=S, question=Q)["code"])
    _assert_history_kept(before, _history(store))
    assert frame.operations(store, Q)["operation"].tolist()[-3:] == ["add-code", "delete", "merge"]


def test_frequencies_as_of_an_older_version_reproduce_the_report(store, coded):
    """The report made with version 1 can be made again after a merge, a split and a bulk
    action: per coder and over every coder; consensus is refused [R056]."""
    from textanalysis import report
    from textanalysis.coding import bulk
    from textanalysis.errors import ReportError

    old = store.load_codebook(question=Q)
    cols = ["code", "respondents", "mentions", "n"]

    def table(t):
        return pd.DataFrame(t)[cols].reset_index(drop=True)

    before = {
        who: table(report.frequencies_from_store(store, S, Q, codebook=old, coder=who))
        for who in (None, "anna", "bert")
    }
    frame.merge(store, S, Q, "c", "b", coder="anna")
    frame.split(store, S, Q, "b", ["b1", "b2"], coder="anna")
    bulk.apply(store, S, Q, "wachtlijsten OR personeelstekort", "a", coder="bert")
    for who, expected in before.items():
        again = report.frequencies_as_of(store, S, Q, old.content_hash, coder=who)
        pd.testing.assert_frame_equal(table(again), expected)
        assert again.attrs["codebook_version"] == old.content_hash
    now = table(report.frequencies_from_store(store, S, Q, coder="anna"))
    assert not now.equals(before["anna"])  # the current counts did change
    with pytest.raises(ReportError, match=r"\[R056\]"):
        report.frequencies_as_of(store, S, Q, old.content_hash, coder="consensus")


def test_two_codes_never_share_a_label(store, coded):
    """Codes named alike cannot be told apart in Coderen, tables or exports: [C089] names the
    code that has the label; nothing is stored."""
    n = len(store.codebooks(Q))
    with pytest.raises(
        CodebookError, match=r"\[C089\] Code 'a' already has the label 'Wachtlijsten'"
    ):
        frame.add_code(store, S, Q, "  wachtlijsten ", coder="anna")
    with pytest.raises(CodebookError, match=r"\[C089\] Code 'b'"):
        frame.rename(store, S, Q, "a", coder="anna", label="PERSONEEL")
    with pytest.raises(CodebookError, match=r"\[C089\]"):
        frame.split(store, S, Q, "b", ["x=Wachttijd GGZ", "y"], coder="anna")
    assert len(store.codebooks(Q)) == n
    assert frame.rename(store, S, Q, "a", coder="anna", label="wachtlijsten").decisions == 0


def test_operations_need_a_codebook(store):
    with pytest.raises(CodebookError, match=r"\[C075\]"):
        frame.merge(store, S, Q, "a", "b", coder="anna")
    with pytest.raises(CodebookError, match=r"\[C060\]"):
        frame.add_code(store, S, "Q99", "X", coder="anna")

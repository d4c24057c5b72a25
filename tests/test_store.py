"""The Store API on SQLite and on a throwaway PostgreSQL (skips with a reason when absent)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_store_support import make_result

from textanalysis.codebook import Code, Codebook
from textanalysis.embed import Embedder
from textanalysis.errors import StoreError
from textanalysis.store import Store, _import
from textanalysis.store import schema as t

UNIT_COLUMNS = [
    "unit_id",
    "respondent_id",
    "question_id",
    "unit_index",
    "text",
    "cell_text",
    "substantive",
    "non_substantive_reason",
    "wave",
    "survey",
]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("postgres")]),
    ]
)
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    with Store(store_url) as s:
        yield s


@pytest.fixture
def loaded(store):
    store.import_result(make_result(n_respondents=6, questions=("Q58", "Q60")), "peiling", "2022")
    store.import_result(make_result(n_respondents=4, questions=("Q60",)), "peiling", "2019")
    return store


def _count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _codebook(name: str = "Knelpunten", extra: str | None = None) -> Codebook:
    codes = [Code(id="wachtlijsten", label="Wachtlijsten"), Code(id="personeel", label="Personeel")]
    if extra:
        codes.append(Code(id=extra, label=extra.title()))
    return Codebook(name=name, questions=["Q60"], codes=codes)


# --- import --------------------------------------------------------------------------------


def test_import_summary_and_idempotent_reimport(store):
    result = make_result(n_respondents=6, questions=("Q58", "Q60"))
    first = store.import_result(result, "peiling", "2022")
    assert first["created"] is True
    assert first["new_units"] == len(result.units) == first["units"]
    assert first["respondents"] == 6 and first["new_respondents"] == 6
    assert first["non_substantive"] == int((~result.units["substantive"]).sum())
    again = store.import_result(
        make_result(n_respondents=6, questions=("Q58", "Q60")), "peiling", "2022"
    )
    assert again["created"] is False and again["new_units"] == 0
    assert again["skipped_units"] == len(result.units)
    assert _count(store, t.units) == len(result.units)
    assert _count(store, t.respondents) == 6
    # A bigger export of the same wave adds only what is new.
    more = store.import_result(
        make_result(n_respondents=8, questions=("Q58", "Q60")), "peiling", "2022"
    )
    assert more["new_respondents"] == 2 and more["created"] is True
    assert _count(store, t.units) == len(
        make_result(n_respondents=8, questions=("Q58", "Q60")).units
    )


def test_import_is_one_transaction(store, monkeypatch):
    store.import_result(make_result(n_respondents=4), "peiling", "2019")
    before = {
        tab.name: _count(store, tab) for tab in (t.surveys, t.questions, t.respondents, t.units)
    }
    monkeypatch.setattr(_import, "_INSERT_CHUNK", 3)
    real_chunks = _import.chunks
    written: list[int] = []

    def fail_on_second_unit_chunk(seq, size=500):
        # Units go in as tuples (respondents as dicts): write one chunk of units, then fail,
        # as a full disk or a lost connection would half-way through a big import.
        for part in real_chunks(seq, size):
            if part and isinstance(part[0], tuple) and written:
                raise RuntimeError("disk full (simulated)")
            if part and isinstance(part[0], tuple):
                written.append(len(part))
            yield part

    monkeypatch.setattr(_import, "chunks", fail_on_second_unit_chunk)
    with pytest.raises(RuntimeError, match="simulated"):
        store.import_result(make_result(n_respondents=10), "peiling", "2022")
    assert written == [3]  # the first chunk of units was written before the failure ...
    after = {
        tab.name: _count(store, tab) for tab in (t.surveys, t.questions, t.respondents, t.units)
    }
    assert after == before  # ... and rolled back with everything else
    assert list(store.surveys()["wave"]) == ["2019"]


def test_import_rejects_bad_input(store):
    with pytest.raises(StoreError, match=r"\[S031\].*units"):
        store.import_result(object(), "peiling", "2022")
    bad = make_result()
    bad.units = bad.units.drop(columns=["unit_index"])
    with pytest.raises(StoreError, match=r"\[S008\].*unit_index"):
        store.import_result(bad, "peiling", "2022")
    dup = make_result()
    dup.units = pd.concat([dup.units, dup.units.iloc[[0]]], ignore_index=True)
    with pytest.raises(StoreError, match=r"\[S033\].*twice"):
        store.import_result(dup, "peiling", "2022")
    with pytest.raises(StoreError, match=r"\[S013\]"):
        store.import_result(make_result(), " ", "2022")
    with pytest.raises(StoreError, match=r"\[S014\].*'mask-all'"):
        store.import_result(make_result(), "peiling", "2022", masking="mask-all")
    assert _count(store, t.units) == 0 and _count(store, t.surveys) == 0


def test_masking_keeps_original_only_when_asked(store):
    store.import_result(make_result(with_original=True), "peiling", "2022", masking="keep-original")
    store.import_result(
        make_result(with_original=True), "peiling", "2019", masking="discard-original"
    )
    store.import_result(make_result(with_original=True), "peiling", "2018")
    assert "original_text" not in store.units("peiling", "Q58", "2022").columns
    kept = store.units("peiling", "Q58", "2022", include_original=True)
    assert kept["original_text"].str.startswith("ORIGINAL").all()
    assert (
        store.units("peiling", "Q58", "2019", include_original=True)["original_text"].isna().all()
    )
    assert (
        store.units("peiling", "Q58", "2018", include_original=True)["original_text"].isna().all()
    )
    masking = dict(zip(store.surveys()["wave"], store.surveys()["masking"], strict=True))
    assert masking["2022"] == "keep-original" and masking["2019"] == "discard-original"


# --- reading ------------------------------------------------------------------------------


def test_overviews(loaded):
    surveys = loaded.surveys()
    assert list(surveys[["survey", "wave"]].itertuples(index=False, name=None)) == [
        ("peiling", "2019"),
        ("peiling", "2022"),
    ]
    row = surveys.set_index("wave").loc["2022"]
    assert (row["questions"], row["respondents"]) == (2, 6)
    assert row["units"] == _count(loaded, t.units) - surveys.set_index("wave").loc["2019", "units"]
    q = loaded.questions(survey="peiling", wave="2022")
    assert list(q.columns) == [
        "survey",
        "wave",
        "question_id",
        "question_text",
        "units",
        "substantive_units",
        "respondents",
    ]
    units = loaded.units("peiling", "Q60", "2022")
    q60 = q.set_index("question_id").loc["Q60"]
    assert q60["units"] == len(units)
    assert q60["substantive_units"] == int(units["substantive"].sum())
    assert q60["respondents"] == units["respondent_id"].nunique() == 6
    assert q60["question_text"] == "q60_open_vraag"
    assert len(loaded.questions()) == 3


def test_units_columns_order_and_attributes(loaded):
    units = loaded.units("peiling", "Q58")
    assert list(units.columns) == UNIT_COLUMNS + ["inwonersklasse", "g40"]
    assert units["unit_id"].is_monotonic_increasing
    assert units["unit_id"].dtype == np.int64 and units["substantive"].dtype == bool
    expected = make_result(n_respondents=6, questions=("Q58", "Q60")).units
    expected = expected[expected["question_id"] == "Q58"].reset_index(drop=True)
    for col in [
        "respondent_id",
        "unit_index",
        "text",
        "cell_text",
        "substantive",
        "inwonersklasse",
        "g40",
    ]:
        assert units[col].tolist() == expected[col].tolist(), col
    assert set(units["wave"]) == {"2022"} and set(units["survey"]) == {"peiling"}
    both_waves = loaded.units("peiling", "Q60")
    assert set(both_waves["wave"]) == {"2019", "2022"}
    assert len(both_waves) == len(loaded.units("peiling", "Q60", "2019")) + len(
        loaded.units("peiling", "Q60", "2022")
    )
    resp = loaded.respondents("peiling", "2022")
    assert list(resp.columns) == ["respondent_id", "wave", "survey", "inwonersklasse", "g40"]
    assert len(resp) == 6 and resp["respondent_id"].iloc[0] == "G00000"


def test_unit_filters(loaded):
    units = loaded.units("peiling", "Q58")
    ids = units["unit_id"].tolist()
    assert loaded.units("peiling", "Q58", substantive=False)["substantive"].eq(False).all()
    assert len(loaded.units("peiling", "Q58", substantive=True)) == int(units["substantive"].sum())
    loaded.record_decision(ids[0], "preventie", "anna")
    loaded.record_decision(ids[1], "preventie", "anna", decision="rejected")
    loaded.record_decision(ids[2], "wachtlijsten", "bert")
    assert loaded.units("peiling", "Q58", coded_by="anna")["unit_id"].tolist() == ids[:2]
    assert loaded.units("peiling", "Q58", uncoded_by="anna")["unit_id"].tolist() == ids[2:]
    assert loaded.units("peiling", "Q58", code="preventie")["unit_id"].tolist() == [ids[0]]
    assert loaded.units("peiling", "Q58", code="wachtlijsten", coded_by="anna").empty
    assert loaded.units("peiling", "Q58", code="wachtlijsten", coded_by="bert")[
        "unit_id"
    ].tolist() == [ids[2]]
    assert loaded.units("peiling", "Q58", unit_ids=[ids[3], ids[1]])["unit_id"].tolist() == [
        ids[1],
        ids[3],
    ]
    many = range(1, 70_001)  # more ids than either engine allows bound parameters
    assert loaded.units("peiling", "Q58", unit_ids=many)["unit_id"].tolist() == ids
    assert (
        len(loaded.current_codes(unit_ids=many)) == 2 and len(loaded.decisions(unit_ids=many)) == 3
    )
    empty = loaded.units("peiling", "Q58", unit_ids=[])
    assert empty.empty and list(empty.columns)[: len(UNIT_COLUMNS)] == UNIT_COLUMNS


def test_unknown_scope_names_the_value(loaded):
    with pytest.raises(StoreError, match=r"\[S006\] Survey 'enquete'.*peiling"):
        loaded.units("enquete", "Q58")
    with pytest.raises(StoreError, match=r"\[S030\] Wave '2030'.*2019, 2022"):
        loaded.units("peiling", "Q58", "2030")
    with pytest.raises(StoreError, match=r"\[S007\] Question 'Q99'.*Q58, Q60"):
        loaded.units("peiling", "Q99")
    with pytest.raises(StoreError, match=r"\[S007\] Question 'Q58'.*2019"):
        loaded.units("peiling", "Q58", "2019")


# --- decisions ----------------------------------------------------------------------------


def test_record_decision_validates(loaded):
    uid = int(loaded.units("peiling", "Q58")["unit_id"].iloc[0])
    with pytest.raises(StoreError, match=r"\[S003\] Decision 'maybe'.*applied, rejected"):
        loaded.record_decision(uid, "c", "anna", decision="maybe")
    with pytest.raises(StoreError, match=r"\[S004\] Decision source 'robot'"):
        loaded.record_decision(uid, "c", "anna", source="robot")
    with pytest.raises(StoreError, match=r"\[S005\] Unit id 987654 "):
        loaded.record_decision(987654, "c", "anna")
    with pytest.raises(StoreError, match=r"\[S028\] Unit id 'abc'"):
        loaded.record_decision("abc", "c", "anna")
    with pytest.raises(StoreError, match=r"\[S013\]"):
        loaded.record_decision(uid, "c", "  ")
    with pytest.raises(StoreError, match=r"\[S017\]"):
        loaded.record_decision(uid, "c", "anna", score="hoog")
    assert _count(loaded, t.decisions) == 0


def test_record_decisions_is_all_or_nothing(loaded):
    ids = loaded.units("peiling", "Q58")["unit_id"].tolist()
    rows = [
        {"unit_id": i, "code": "c1", "coder": "anna", "source": "suggestion", "score": 0.5}
        for i in ids
    ]
    with pytest.raises(StoreError, match=r"\[S005\] Unit id 424242"):
        loaded.record_decisions(rows + [{"unit_id": 424242, "code": "c1", "coder": "anna"}])
    with pytest.raises(StoreError, match=r"Decision row 1: \[?.*source"):
        loaded.record_decisions([rows[0], {**rows[1], "source": "guess"}])
    assert _count(loaded, t.decisions) == 0
    assert loaded.record_decisions(rows) == len(ids)
    hist = loaded.decisions()
    assert list(hist.columns) == [
        "decision_id",
        "unit_id",
        "code",
        "coder",
        "decision",
        "source",
        "score",
        "codebook_version",
        "created_at",
        "reason",
    ]
    assert hist["unit_id"].tolist() == ids and set(hist["source"]) == {"suggestion"}
    assert hist["score"].tolist() == [0.5] * len(ids)


def test_current_codes_last_decision_per_coder_wins(loaded):
    a, b, c = loaded.units("peiling", "Q58")["unit_id"].tolist()[:3]
    loaded.record_decision(a, "preventie", "anna")
    loaded.record_decision(a, "preventie", "bert")
    loaded.record_decision(a, "preventie", "anna", decision="rejected")  # anna changes her mind
    loaded.record_decision(
        a, "wachtlijsten", "anna", source="suggestion", score=0.91, codebook_version="abc123"
    )
    loaded.record_decision(b, "preventie", "anna", decision="rejected")
    loaded.record_decision(b, "preventie", "anna")  # ... and back again
    loaded.record_decision(c, "samenwerking", "auto", source="auto", score=0.99)
    cur = loaded.current_codes()
    got = set(cur[["unit_id", "code", "coder"]].itertuples(index=False, name=None))
    assert got == {
        (a, "preventie", "bert"),  # bert is not overwritten by anna's rejection
        (a, "wachtlijsten", "anna"),
        (b, "preventie", "anna"),
        (c, "samenwerking", "auto"),
    }
    assert list(cur.columns) == ["unit_id", "code", "coder", "source", "score", "created_at"]
    row = cur[(cur["unit_id"] == a) & (cur["code"] == "wachtlijsten")].iloc[0]
    assert (row["source"], row["score"]) == ("suggestion", 0.91)
    assert "auto" not in set(loaded.current_codes(include_auto=False)["coder"])
    assert set(loaded.current_codes(coder="anna")["coder"]) == {"anna"}
    assert set(loaded.current_codes(unit_ids=[a])["unit_id"]) == {a}
    assert loaded.current_codes(survey="peiling", question="Q60").empty
    # The history keeps all seven decisions in order; nothing was overwritten.
    hist = loaded.decisions()
    assert len(hist) == 7 and hist["decision_id"].is_monotonic_increasing
    assert hist["decision"].tolist()[:3] == ["applied", "applied", "rejected"]
    assert loaded.decisions(coder="anna", question="Q58")["coder"].eq("anna").all()
    assert loaded.coders() == ["anna", "auto", "bert"]
    assert loaded.coders(question="Q60") == []


def test_progress(loaded):
    units = loaded.units("peiling", "Q58", substantive=True)
    ids = units["unit_id"].tolist()
    non_sub = loaded.units("peiling", "Q58", substantive=False)["unit_id"].tolist()
    loaded.record_decision(ids[0], "c1", "anna")
    loaded.record_decision(ids[1], "c1", "anna", decision="rejected")
    loaded.record_decision(non_sub[0], "c1", "anna")  # out of N
    loaded.record_decision(ids[0], "c2", "bert")
    prog = loaded.progress("peiling", "Q58").set_index("coder")
    assert prog.loc["anna", "coded_units"] == 2 and prog.loc["bert", "coded_units"] == 1
    assert (prog["substantive_units"] == len(ids)).all()
    assert prog.loc["anna", "fraction"] == pytest.approx(2 / len(ids))


# --- memos, codebooks, caches, runs, assignments ------------------------------------------


def test_memos(loaded):
    uid = int(loaded.units("peiling", "Q58")["unit_id"].iloc[0])
    other = int(loaded.units("peiling", "Q60", "2019")["unit_id"].iloc[0])
    m1 = loaded.add_memo("Twijfel: is dit preventie of vroegsignalering?", "anna", unit_id=uid)
    m2 = loaded.add_memo(
        "Code 'preventie' ook voor vroegsignalering gebruiken", "bert", code="preventie"
    )
    loaded.add_memo("Andere golf", "anna", unit_id=other)
    assert m2 > m1
    memos = loaded.memos()
    assert list(memos.columns) == ["memo_id", "unit_id", "code", "coder", "text", "created_at"]
    assert len(memos) == 3
    assert loaded.memos(unit_id=uid)["text"].tolist() == [
        "Twijfel: is dit preventie of vroegsignalering?"
    ]
    assert loaded.memos(code="preventie")["coder"].tolist() == ["bert"]
    assert set(loaded.memos(survey="peiling", question="Q58")["memo_id"]) == {m1, m2}
    with pytest.raises(StoreError, match=r"\[S016\]"):
        loaded.add_memo("  ", "anna", unit_id=uid)
    with pytest.raises(StoreError, match=r"\[S005\] Unit id 555555"):
        loaded.add_memo("x", "anna", unit_id=555555)


def test_codebook_versions(store):
    v1 = store.save_codebook(_codebook(), question="Q60")
    assert store.save_codebook(_codebook(), question="Q60") == v1  # idempotent
    v2 = store.save_codebook(_codebook(extra="werkdruk"), question="Q60")
    v_free = store.save_codebook(_codebook(name="Algemeen", extra="financien"))
    assert len({v1, v2, v_free}) == 3
    books = store.codebooks()
    assert books["version"].tolist() == [v1, v2, v_free]
    assert books["question"].tolist()[:2] == ["Q60", "Q60"] and books["question"].iloc[2] is None
    assert store.codebooks(question="Q60")["version"].tolist() == [v1, v2]
    assert store.load_codebook(question="Q60").content_hash == v2  # latest for the question
    assert store.load_codebook(version=v1).code_ids == ["wachtlijsten", "personeel"]
    assert store.load_codebook().content_hash == v_free  # latest of all
    with pytest.raises(StoreError, match=r"\[S011\].*Q53"):
        store.load_codebook(question="Q53")
    with pytest.raises(StoreError, match=r"\[S011\] No codebook version 'nope'"):
        store.load_codebook(version="nope")
    with pytest.raises(StoreError, match=r"\[S042\].*dict"):
        store.save_codebook({"name": "x"})


def test_codebook_without_question_serves_listed_questions(store):
    version = store.save_codebook(_codebook(name="Algemeen"))
    assert store.load_codebook(question="Q60").content_hash == version
    with pytest.raises(StoreError, match=r"\[S011\]"):
        store.load_codebook(question="Q58")


def test_caches_and_embedding_protocol(store):
    store.nlp_put("nl-simplemma-1", {"h1": b"\x00doc1", "h2": b"doc2"})
    store.nlp_put("nl-simplemma-1", {"h1": b"ignored: first write wins"})
    assert store.nlp_get("nl-simplemma-1", ["h1", "h2", "h3"]) == {"h1": b"\x00doc1", "h2": b"doc2"}
    assert store.nlp_get("other-pipeline", ["h1"]) == {}

    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(s), s.count("e"), 1.0] for s in texts], dtype=np.float32)

    first = Embedder("toy-1", encode, dim=3).encode(
        ["wachtlijst", "preventie", "wachtlijst"], cache=store
    )
    second_embedder = Embedder("toy-1", encode, dim=3)  # a new process would start empty too
    second = second_embedder.encode(["preventie", "wachtlijst"], cache=store)
    assert second_embedder.encoded_count == 0  # everything came from the database
    np.testing.assert_allclose(second, first[[1, 0]])
    assert calls == [["wachtlijst", "preventie"]]
    got = store.embeddings_get("toy-1", ["missing"])
    assert got == {}


def test_runs(store):
    params = {
        "suggester": "ensemble",
        "threshold": np.float64(0.5),
        "seed": np.int64(7),
        "codes": ("a", "b"),
    }
    rid = store.record_run("suggest", params, {"n": 3, "scores": np.array([0.1, 0.9])})
    blob_id = store.record_run("topics", {"n_topics": 8}, b"\x80pickled-model")
    assert blob_id > rid
    run = store.load_run(rid)
    assert run["params"] == {
        "suggester": "ensemble",
        "threshold": 0.5,
        "seed": 7,
        "codes": ["a", "b"],
    }
    assert run["result"] == {"n": 3, "scores": [0.1, 0.9]}
    assert store.load_run(blob_id)["result"] == b"\x80pickled-model"
    assert store.runs(kind="topics")["run_id"].tolist() == [blob_id]
    assert store.runs()["kind"].tolist() == ["suggest", "topics"]
    with pytest.raises(StoreError, match=r"\[S012\] Run 999"):
        store.load_run(999)
    with pytest.raises(StoreError, match=r"\[S018\]"):
        store.record_run("suggest", {"model": object()})


def test_assignments(loaded):
    ids = loaded.units("peiling", "Q58")["unit_id"].tolist()
    assert loaded.assign_units(ids[:3], "bert") == 3
    assert loaded.assign_units(ids[:4], "bert") == 1  # idempotent
    assert loaded.assign_units(ids[:1], "bert", purpose="training") == 1
    got = loaded.assigned_units("bert", "peiling", "Q58")
    assert got["unit_id"].tolist() == ids[:4]
    assert list(got.columns)[: len(UNIT_COLUMNS)] == UNIT_COLUMNS
    assert (
        loaded.assigned_units("bert", "peiling", "Q58", purpose="training")["unit_id"].tolist()
        == ids[:1]
    )
    assert loaded.assigned_units("anna", "peiling", "Q58").empty
    assert len(loaded.assignments(coder="bert", purpose="double")) == 4
    with pytest.raises(StoreError, match=r"\[S005\] Unit id 777777"):
        loaded.assign_units([ids[0], 777777], "bert")


# --- backup ---------------------------------------------------------------------------------


def _fill(store: Store) -> None:
    store.import_result(
        make_result(n_respondents=5, questions=("Q58", "Q60"), with_original=True),
        "peiling",
        "2022",
        masking="keep-original",
    )
    store.import_result(make_result(n_respondents=3, questions=("Q60",)), "peiling", "2019")
    ids = store.units("peiling", "Q58")["unit_id"].tolist()
    version = store.save_codebook(_codebook(), question="Q60")
    store.record_decisions(
        [
            {
                "unit_id": i,
                "code": "c1",
                "coder": "anna",
                "score": 0.25,
                "codebook_version": version,
            }
            for i in ids
        ]
    )
    store.record_decision(ids[0], "c1", "anna", decision="rejected")
    store.add_memo("Let op: 'wachtlijst' — ook ‘wachttijd’", "anna", unit_id=ids[0])
    store.add_memo("Definitie aanscherpen", "bert", code="c1")
    store.assign_units(ids[:2], "bert")
    store.record_run("topics", {"n_topics": 5}, b"\x00\x01model")
    store.record_run("suggest", {"threshold": 0.5}, {"f1": 0.8})


def _snapshot(store: Store) -> dict:
    return {
        "surveys": store.surveys().drop(columns=[]),
        "units22": store.units("peiling", "Q58", include_original=True),
        "units19": store.units("peiling", "Q60", "2019"),
        "decisions": store.decisions(),
        "current": store.current_codes(),
        "memos": store.memos(),
        "codebooks": store.codebooks(),
        "assignments": store.assignments(),
        "runs": [store.load_run(r) for r in store.runs()["run_id"]],
        "respondents": store.respondents("peiling"),
    }


def _assert_same(a: dict, b: dict) -> None:
    for key in a:
        if isinstance(a[key], pd.DataFrame):
            pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False, obj=key)
        else:
            assert a[key] == b[key], key


def test_export_restore_identical(store, tmp_path):
    _fill(store)
    out = tmp_path / "backup.jsonl"
    counts = store.export_all(out)
    assert counts["decisions"] == _count(store, t.decisions) and counts["units"] == _count(
        store, t.units
    )
    header = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "textanalysis-export" and header["counts"] == counts
    with Store(tmp_path / "restored.db") as restored:
        assert restored.restore(out) == counts
        _assert_same(_snapshot(store), _snapshot(restored))
        again = tmp_path / "again.jsonl"
        restored.export_all(again)
        # New rows after a restore get fresh ids.
        new_id = restored.record_decision(
            int(restored.units("peiling", "Q58")["unit_id"].iloc[1]), "c9", "bert"
        )
        assert new_id == counts["decisions"] + 1
    body = out.read_text(encoding="utf-8").splitlines()[1:]
    assert again.read_text(encoding="utf-8").splitlines()[1:] == body


def test_restore_sqlite_export_into_this_engine(store, tmp_path):
    """Portability: an export from an SQLite file restores into PostgreSQL (and SQLite)."""
    with Store(tmp_path / "source.db") as source:
        _fill(source)
        source.export_all(tmp_path / "x.jsonl")
        expected = _snapshot(source)
    store.restore(tmp_path / "x.jsonl")
    _assert_same(expected, _snapshot(store))
    new_id = store.record_decision(
        int(store.units("peiling", "Q58")["unit_id"].iloc[0]), "c2", "bert"
    )
    assert new_id == len(expected["decisions"]) + 1


def test_restore_refuses_nonempty_and_damaged(store, tmp_path):
    _fill(store)
    out = tmp_path / "b.jsonl"
    store.export_all(out)
    with pytest.raises(StoreError, match=r"\[S009\].*not empty"):
        store.restore(out)
    with Store(tmp_path / "empty.db") as empty:
        truncated = tmp_path / "truncated.jsonl"
        truncated.write_text(
            "\n".join(out.read_text(encoding="utf-8").splitlines()[:-3]) + "\n", encoding="utf-8"
        )
        with pytest.raises(StoreError, match=r"\[S040\].*incomplete"):
            empty.restore(truncated)
        assert empty.is_empty()  # nothing half-restored
        junk = tmp_path / "junk.csv"
        junk.write_text("id,code\n1,a\n", encoding="utf-8")
        with pytest.raises(StoreError, match=r"\[S035\].*not a textanalysis export"):
            empty.restore(junk)
        with pytest.raises(StoreError, match=r"\[S037\].*does not exist"):
            empty.restore(tmp_path / "missing.jsonl")
        assert empty.is_empty()
        # A row that is valid JSON but not an object: a typed error, nothing restored.
        lines = out.read_text(encoding="utf-8").splitlines()
        for bad_row in (
            '{"table": "units", "row": [1, 2]}',
            "[1, 2]",
            '{"table": ["x"], "row": {}}',
        ):
            damaged = tmp_path / "damaged.jsonl"
            damaged.write_text("\n".join([lines[0], bad_row, *lines[1:]]) + "\n", encoding="utf-8")
            with pytest.raises(StoreError, match=r"\[S038\] Line 2 .*not a valid export row"):
                empty.restore(damaged)
            assert empty.is_empty()


def test_masking_at_import_uses_privacy(tmp_path):
    """Unmasked units + a masking policy: the store masks them (textanalysis.privacy) on import."""
    result = make_result(n_respondents=2)
    result.units.loc[0, "text"] = "Bel Jan de Vries op 06-12345678 of mail jan.devries@example.nl"
    with Store(tmp_path / "m.db") as store:
        store.import_result(result, "peiling", "2022", masking="keep-original")
        units = store.units("peiling", "Q58", include_original=True)
    assert (
        "06-12345678" not in units["text"].iloc[0]
        and "jan.devries@example.nl" not in units["text"].iloc[0]
    )
    assert (
        units["original_text"].iloc[0]
        == "Bel Jan de Vries op 06-12345678 of mail jan.devries@example.nl"
    )
    assert "06-12345678" not in " ".join(units["text"]) + " ".join(units["cell_text"].fillna(""))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # unit
            st.sampled_from(["preventie", "wachtlijsten"]),
            st.sampled_from(["anna", "bert", "consensus"]),
            st.sampled_from(["applied", "rejected"]),
            st.sampled_from(["manual", "suggestion", "auto", "adjudicated"]),
        ),
        max_size=40,
    ),
    st.integers(1, 5),
)
def test_current_codes_match_a_replay_of_the_history(events, batch):
    """Property: whatever the order and batching, current codes = last decision per
    (unit, code, coder), applied only; include_auto=False drops auto-sourced states."""
    with Store(":memory:") as store:
        store.import_result(make_result(n_respondents=4, units_per_cell=1), "p", "1")
        ids = store.units("p", "Q58")["unit_id"].tolist()
        rows = [
            {"unit_id": ids[u], "code": c, "coder": who, "decision": d, "source": src}
            for u, c, who, d, src in events
        ]
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            if len(part) == 1:
                store.record_decision(**part[0])
            else:
                store.record_decisions(part)
        last: dict[tuple, tuple] = {}
        for r in rows:
            last[(r["unit_id"], r["code"], r["coder"])] = (r["decision"], r["source"])
        expected = {k for k, (d, _) in last.items() if d == "applied"}
        got = store.current_codes()
        assert set(got[["unit_id", "code", "coder"]].itertuples(index=False, name=None)) == expected
        no_auto = store.current_codes(include_auto=False)
        assert set(no_auto[["unit_id", "code", "coder"]].itertuples(index=False, name=None)) == {
            k for k in expected if last[k][1] != "auto"
        }
        assert len(store.decisions()) == len(rows)

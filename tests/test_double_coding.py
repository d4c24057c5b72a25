"""Independent double coding and dividing the work (issue 15, items 3 and 4), on tmp SQLite stores.

Rules under test:
- the model that serves coder X learns from X's own decisions plus other coders' decisions
  only on units not assigned to X (training_data / fit_bundle with coder=);
- on units assigned to X, other coders' memos and the "met code" filter reveal nothing;
- batches of uncoded answers are disjoint; overlapping batch assignment is refused [K016];
- the queue "nog door niemand gecodeerd" and a finished assigned sample (empty queue);
- kappa next to percent agreement gets a Dutch explanation when they diverge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from suggest_data import codebook, labels, texts

from textanalysis import reliability as rel
from textanalysis.coding import (
    NOBODY,
    assign_batches,
    assigned_open,
    blind_units,
    claim_units,
    filter_units,
    fit_bundle,
    trainer_scope,
    training_data,
    unclaimed_units,
    units_with_code,
    visible_memos,
)
from textanalysis.errors import AppError, ReliabilityError
from textanalysis.ingest import ingest_file
from textanalysis.store import Store

S, Q, W = "peiling", "Q60", "2022"


@pytest.fixture
def store(tmp_path):
    csv = tmp_path / "export.csv"
    rows = ["resp,q60"] + [f'R{i:03d},"{t}"' for i, t in enumerate(texts())]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    st = Store(str(tmp_path / "t.db"))
    st.import_result(ingest_file(csv, "resp", {"Q60": "q60"}), survey=S, wave=W)
    st.save_codebook(codebook(), question=Q)
    yield st
    st.close()


def _ids(store) -> list[int]:
    return store.units(S, Q, W, substantive=True)["unit_id"].astype(int).tolist()


def _code(store, coder: str, codes: dict[int, set[str]]) -> None:
    rows = []
    for u, cs in codes.items():
        for c in cs:
            rows.append(
                {"unit_id": u, "code": c, "coder": coder, "decision": "applied", "source": "manual"}
            )
        if not cs:  # looked at, no code
            rows.append(
                {
                    "unit_id": u,
                    "code": "werkdruk",
                    "coder": coder,
                    "decision": "rejected",
                    "source": "manual",
                }
            )
    store.record_decisions(rows)


def _gold(store) -> dict[int, set[str]]:
    units = store.units(S, Q, W)
    by_text = dict(zip(units["text"], units["unit_id"].astype(int), strict=False))
    return {by_text[t]: set(y) for t, y in zip(texts(), labels(), strict=True) if t in by_text}


# --- item 3: what the second coder's model learns from ----------------------------------


def test_second_coders_training_data_leaves_out_others_codes_on_assigned_units(store):
    gold = _gold(store)
    ids = sorted(gold)
    _code(store, "anna", gold)
    sample = ids[:6]
    store.assign_units(sample, "bert", purpose="double")
    texts_all, labels_all = training_data(store, S, Q, W)
    assert len(texts_all) == len(ids)  # everyone's codes for a coder without assignments
    t_bert, y_bert = training_data(store, S, Q, W, coder="bert")
    text_of = dict(zip(*[store.units(S, Q, W)[c] for c in ("unit_id", "text")], strict=True))
    assert not {text_of[u] for u in sample} & set(t_bert)  # anna's codes there: never
    assert len(t_bert) == len(ids) - len(sample)
    # once bert decided an assigned unit, his own codes (and only his) are used there
    _code(store, "bert", {sample[0]: {"financien"}})
    t_bert, y_bert = training_data(store, S, Q, W, coder="bert")
    got = dict(zip(t_bert, y_bert, strict=True))
    assert got[text_of[sample[0]]] == {"financien"}
    assert trainer_scope(store, S, Q, W, "bert") == "bert"
    assert trainer_scope(store, S, Q, W, "anna") is None  # shares the common model
    assert blind_units(store, S, Q, W, "bert") == set(sample)


@pytest.mark.slow
def test_second_coders_suggestions_do_not_depend_on_first_coders_codes(store, tmp_path):
    """bert's scores on his assigned answers are the same whatever anna coded there
    (before: his pre-ticks equalled anna's codes, mistakes included)."""
    gold = _gold(store)
    ids = sorted(gold)
    sample = ids[:6]
    rest = {u: gold[u] for u in ids[6:]}
    wrong = {u: {"financien"} for u in sample}  # anna's "mistakes" on the sample
    _code(store, "anna", {**rest, **wrong})
    store.assign_units(sample, "bert", purpose="double")
    cb = codebook()
    b1 = fit_bundle(store, S, Q, W, cb, pool=None, coder="bert")
    # anna changes her codes on the sample: bert's model must not notice
    _code(store, "anna", {u: gold[u] for u in sample})
    b2 = fit_bundle(store, S, Q, W, cb, pool=None, coder="bert")
    np.testing.assert_allclose(
        b1.scores.loc[sample].to_numpy(), b2.scores.loc[sample].to_numpy(), atol=1e-9
    )
    assert b1.trained_on == b2.trained_on == len(ids) - len(sample)
    # the shared model (no coder) does learn from anna's codes on those units
    shared = fit_bundle(store, S, Q, W, cb, pool=None)
    assert shared.trained_on == len(ids)


def test_memos_and_code_filter_reveal_nothing_on_assigned_units(store):
    ids = _ids(store)
    u, free = ids[0], ids[1]
    _code(store, "anna", {u: {"wachtlijsten"}, free: {"wachtlijsten"}})
    store.add_memo("wachtlijsten gegeven, twijfel", "anna", unit_id=u)
    store.add_memo("algemene notitie", "anna", unit_id=free)
    store.assign_units([u], "bert", purpose="double")
    assert visible_memos(store, u, "bert").empty
    assert len(visible_memos(store, u, "anna")) == 1
    assert len(visible_memos(store, free, "bert")) == 1  # not assigned: nothing to hide
    store.add_memo("mijn eigen notitie", "bert", unit_id=u)
    assert visible_memos(store, u, "bert")["coder"].tolist() == ["bert"]
    assert units_with_code(store, S, Q, W, "wachtlijsten", "bert") == {free}
    assert units_with_code(store, S, Q, W, "wachtlijsten", "anna") == {u, free}
    _code(store, "bert", {u: {"wachtlijsten"}})
    assert units_with_code(store, S, Q, W, "wachtlijsten", "bert") == {u, free}


def test_kappa_explanation_when_kappa_and_agreement_diverge():
    # 16 units, a rare code: one coder gives it once, the other never -> 93.8% vs kappa 0.00
    rows = [{"id": str(i), "code": "", "coder": "bert"} for i in range(16)]
    rows += [{"id": str(i), "code": "x" if i == 0 else "", "coder": "anna"} for i in range(16)]
    table = rel.agreement(pd.DataFrame(rows))
    row = table[table["code"] == "x"].iloc[0]
    assert round(row["percent_agreement"], 1) == 93.8 and abs(row["cohen_kappa"]) < 1e-9
    text = rel.kappa_explanation(table, {"x": "Zeldzaam"})
    assert text is not None and "toevallige overeenstemming" in text and "Zeldzaam" in text
    assert "93.8%" in text
    same = pd.DataFrame(
        [{"id": str(i), "code": "x" if i % 2 else "", "coder": c} for i in range(8) for c in "ab"]
    )
    assert rel.kappa_explanation(rel.agreement(same)) is None  # kappa 1.0, 100%: nothing to say


# --- item 4: dividing the work -----------------------------------------------------------


def test_batches_are_disjoint_and_uncoded(store):
    ids = _ids(store)
    _code(store, "carla", {ids[0]: {"werkdruk"}})
    out = assign_batches(store, S, Q, ["anna", "bert"], 5, wave=W, seed=1)
    a = set(out.loc[out["coder"] == "anna", "unit_id"])
    b = set(out.loc[out["coder"] == "bert", "unit_id"])
    assert len(a) == len(b) == 5 and not a & b and ids[0] not in a | b
    # a second round never hands out the same answers again
    again = assign_batches(store, S, Q, ["anna", "bert"], 3, wave=W, seed=2)
    assert not set(again["unit_id"]) & (a | b)
    # claiming someone else's batch is refused; double coding may overlap on purpose
    with pytest.raises(ReliabilityError, match="K016"):
        claim_units(store, [next(iter(a))], "bert")
    assert claim_units(store, [next(iter(a))], "bert", purpose="double") == 1
    with pytest.raises(AppError, match="A001"):
        assign_batches(store, S, Q, ["gold"], 5, wave=W)
    with pytest.raises(ReliabilityError, match=r"K0(17|32)"):
        assign_batches(store, S, Q, ["anna"], 0, wave=W)
    with pytest.raises(ReliabilityError, match=r"K0(18|34)"):
        assign_batches(store, S, Q, ["anna"], 5, wave=W, double=0.2)
    with pytest.raises(ReliabilityError, match="K018"):
        assign_batches(store, S, Q, ["anna", "bert"], 5, wave=W, double=1.5)


def test_batches_with_double_coding_share_and_run_out(store):
    n = len(_ids(store))
    out = assign_batches(store, S, Q, ["anna", "bert"], 10, wave=W, double=0.2, seed=0)
    double = out[out["purpose"] == "double"]
    batch = out[out["purpose"] == "batch"]
    assert len(double) == 4  # 20% of each coder's 10, given to the other coder
    for r in double.itertuples():
        owner = batch.loc[batch["unit_id"] == r.unit_id, "coder"].iloc[0]
        assert owner != r.coder
    rest = assign_batches(store, S, Q, ["carla"], 10_000, wave=W)
    assert len(rest) == n - 20  # what is left, not more
    with pytest.raises(ReliabilityError, match=r"K0(17|33)"):
        assign_batches(store, S, Q, ["dirk"], 5, wave=W)


def test_queues_nobody_coded_and_finished_sample(store):
    ids = _ids(store)
    _code(store, "anna", {ids[0]: {"werkdruk"}})
    claim_units(store, ids[1:3], "bert")
    free = unclaimed_units(store, S, Q, W, coder="anna")
    assert ids[0] not in free and not set(ids[1:3]) & free and ids[3] in free
    assert set(ids[1:3]) <= unclaimed_units(store, S, Q, W, coder="bert")
    q = filter_units(ids, mode=NOBODY, coder="anna", unclaimed=free)
    assert q == [u for u in ids if u in free]
    # bert finishes his two assigned answers: the queue is empty, not "1 van 2" again
    open_, total = assigned_open(store, S, Q, W, "bert")
    assert open_ == set(ids[1:3]) and total == 2
    _code(store, "bert", {ids[1]: set(), ids[2]: {"werkdruk"}})
    decided = {u: {"bert"} for u in ids[1:3]}
    mine = blind_units(store, S, Q, W, "bert")
    assert filter_units(ids, mode="toegewezen aan mij", decided_by=decided, coder="bert",
                        assigned=mine) == []  # fmt: skip
    assert assigned_open(store, S, Q, W, "bert") == (set(), 2)

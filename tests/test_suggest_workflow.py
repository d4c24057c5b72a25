"""Evaluation metrics, auto-coding with a precision target, active learning (library and Store)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from suggest_data import codebook, labels, texts

from textanalysis.errors import SuggestError
from textanalysis.suggest import EnsembleSuggester, autocode, evaluate_predictions, next_units
from textanalysis.suggest.active import select_diverse, uncertainty


def test_evaluate_predictions_known_values():
    codes = ["a", "b", "c"]
    gold = [{"a"}, {"a", "b"}, set(), {"c"}]
    P = np.array([[1, 0, 0], [1, 0, 1], [0, 0, 0], [0, 0, 0]])
    S = np.array([[0.9, 0.1, 0.0], [0.8, 0.4, 0.6], [0.1, 0.1, 0.1], [0.2, 0.3, 0.1]])
    res = evaluate_predictions(
        codes, gold, P, S, ids=["x1", "x2", "x3", "x4"], texts=["t1", "t2", "t3", "t4"]
    )
    t = res.table.set_index("code")
    assert t.loc["a", "precision"] == 1 and t.loc["a", "recall"] == 1 and t.loc["a", "support"] == 2
    assert t.loc["b", "recall"] == 0 and t.loc["c", "precision"] == 0
    # micro: tp=2, fp=1, fn=2 -> p=2/3, r=1/2
    assert res.micro_f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert res.macro_f1 == pytest.approx((1 + 0 + 0) / 3)
    # top-3 covers every code here; "c" of x4 is ranked 3rd of 3
    assert res.top3_recall == 1.0
    # x2 misses b (1 - 0.4) and wrongly gets c (0.6): costlier than x4 missing c (1 - 0.1)
    assert list(res.costly["id"]) == ["x2", "x4"] and res.costly.iloc[0]["cost"] == pytest.approx(
        1.2
    )
    assert "micro F1" in res.to_text()


@pytest.fixture(scope="module")
def trained() -> EnsembleSuggester:
    return EnsembleSuggester(codebook(), cv=3).fit(texts(), labels())


def test_autocode_meets_target_on_cross_validation(trained):
    res = autocode(
        trained,
        ["Lange wachtlijsten", "Veel verloop en vacatures", "Mooi weer"],
        ["p", "q", "r"],
        0.9,
        2,
    )
    assert res.n_answers == 3 and res.n_coded + res.n_remaining == 3
    assert (res.decisions["source"] == "auto").all()
    applied = res.per_code.dropna(subset=["threshold"])
    assert (applied["cv_precision"] >= 0.9).all()
    assert np.isnan(res.est_precision) or res.est_precision >= 0.9
    assert "r" not in set(res.decisions["id"])  # an answer about nothing is left to people
    assert "remain for people" in res.to_text()


def test_autocode_needs_training(trained):
    cold = EnsembleSuggester(codebook()).fit()
    with pytest.raises(SuggestError, match="G012"):
        autocode(cold, ["x"])


def test_uncertainty_and_diversity():
    u = uncertainty(np.array([[0.5, 0.0], [0.99, 0.01], [0.3, 0.0]]), 0.5)
    assert u[0] > u[2] > u[1]
    emb = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # the two identical answers are both uncertain; diversity picks only one of them first
    assert sorted(select_diverse(np.array([1.0, 0.99, 0.5]), emb, 2)) == [0, 2]


def test_next_units_strategies(trained):
    units = pd.DataFrame({"unit_id": range(len(texts())), "text": texts()})
    labelled = {0, 1, 2}
    plain = next_units(units, labelled, trained, 4, "plain")
    assert plain == [3, 4, 5, 6]
    r1 = next_units(units, labelled, trained, 4, "random", seed=1)
    assert (
        r1 == next_units(units, labelled, trained, 4, "random", seed=1) and not set(r1) & labelled
    )
    act = next_units(units, labelled, trained, 5, "active")
    assert len(act) == len(set(act)) == 5 and not set(act) & labelled
    cold = next_units(units, set(), None, 3, "active")
    assert len(cold) == 3
    with pytest.raises(SuggestError, match="G013"):
        next_units(units, labelled, trained, 4, "clever")


@pytest.mark.slow
def test_store_autocode_and_next_units(tmp_path):
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store
    from textanalysis.suggest.active import next_units_for
    from textanalysis.suggest.commands import run_autocode_store

    csv = tmp_path / "export.csv"
    rows = ["resp,q60"] + [f'R{i:03d},"{t}"' for i, t in enumerate(texts()[:-1])]
    rows += [
        f'R{100 + i},"{t}"'
        for i, t in enumerate(["Lange wachtlijsten bij de GGZ", "Hoge werkdruk"])
    ]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = str(tmp_path / "t.db")
    cb_path = tmp_path / "cb.yaml"
    cb_path.write_text(codebook().to_yaml(), encoding="utf-8")
    store = Store(db)
    store.import_result(ingest_file(csv, "resp", {"Q60": "q60"}), survey="peiling", wave="2022")
    units = store.units("peiling", "Q60")
    by_text = dict(zip(units["text"], units["unit_id"], strict=False))
    decisions = [
        {
            "unit_id": int(by_text[t]),
            "code": c,
            "coder": "ann",
            "decision": "applied",
            "source": "manual",
        }
        for t, cs in zip(texts()[:-1], labels()[:-1], strict=True)
        for c in cs
        if t in by_text
    ]
    store.record_decisions(decisions)
    nxt = next_units_for(
        store, "peiling", "Q60", "ann", n=2, strategy="active", codebook=codebook()
    )
    assert len(nxt) == 2 and set(nxt["text"]) <= {
        "Lange wachtlijsten bij de GGZ",
        "Hoge werkdruk",
    } | set(units["text"])
    assert not set(nxt["unit_id"]) & {d["unit_id"] for d in decisions}
    store.close()
    res = run_autocode_store(db, str(cb_path), "peiling", "Q60", "ann", 0.8)
    store = Store(db)
    auto = store.current_codes(survey="peiling", question="Q60", coder="ann")
    auto = auto[auto["source"] == "auto"]
    assert len(auto) == len(res.decisions) >= 1
    assert set(auto["unit_id"]) <= {
        by_text["Lange wachtlijsten bij de GGZ"],
        by_text["Hoge werkdruk"],
    }
    human = store.current_codes(survey="peiling", question="Q60", coder="ann", include_auto=False)
    assert len(human) == len(decisions)  # nothing stored was lost or overwritten
    assert len(store.runs("autocode")) == 1
    store.close()


def test_auto_coded_units_are_no_training_examples(tmp_path):
    """An earlier autocode run's units count as decided, but never as coded-by-hand negatives."""
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store
    from textanalysis.suggest.active import coder_training_set

    csv = tmp_path / "export.csv"
    csv.write_text(
        "resp,q60\nR1,Lange wachtlijsten\nR2,Hoge werkdruk\nR3,Te weinig personeel\n",
        encoding="utf-8",
    )
    store = Store(str(tmp_path / "t.db"))
    store.import_result(ingest_file(csv, "resp", {"Q60": "q60"}), survey="peiling", wave="2022")
    ids = dict(zip(*[store.units("peiling", "Q60")[c] for c in ("text", "unit_id")], strict=True))
    hand, auto = int(ids["Lange wachtlijsten"]), int(ids["Hoge werkdruk"])
    store.record_decisions(
        [
            {"unit_id": hand, "code": "wachtlijst", "coder": "ann", "decision": "applied",
             "source": "manual"},
            {"unit_id": auto, "code": "werkdruk", "coder": "ann", "decision": "applied",
             "source": "auto"},
        ]
    )  # fmt: skip
    _, decided, coded, labels = coder_training_set(store, "peiling", "Q60", "ann")
    store.close()
    assert decided == {hand, auto}
    assert coded["unit_id"].tolist() == [hand] and labels == [{"wachtlijst"}]

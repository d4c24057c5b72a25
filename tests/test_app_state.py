"""Library helpers of the app: escaping, decision planning, filters, order, background training."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from textanalysis.cli import db_from_argv
from textanalysis.coding import (
    BackgroundTrainer,
    PlannedDecision,
    Span,
    as_spans,
    coder_state,
    filter_units,
    highlight_html,
    order_units,
    plan_decisions,
    step,
    uncertainty_from_scores,
)
from textanalysis.store.engine import display_url as display_db

XSS = 'Wachtlijst <script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> **vet** [a](javascript:alert(1))'


def test_db_from_argv_forms():
    assert db_from_argv(["--db", "x.db"]) == "x.db"
    assert db_from_argv(["--foo", "--db=postgresql://u@h/d"]) == "postgresql://u@h/d"
    assert db_from_argv([]) is None
    assert db_from_argv(["--db"]) is None


def test_display_db_hides_password():
    assert (
        display_db("postgresql+psycopg://ann:geheim@host/db")
        == "postgresql+psycopg://ann:***@host/db"
    )
    assert display_db("demo.db") == "demo.db"


def test_highlight_escapes_and_marks_by_raw_offsets():
    text = XSS
    start = text.index("Wachtlijst")
    out = highlight_html(
        text, [Span(start, start + len("Wachtlijst"), "wachtlijsten", "Wachtlijsten")]
    )
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;" in out
    assert '<mark title="Wachtlijsten" data-codes="wachtlijsten">Wachtlijst</mark>' in out


def test_highlight_span_inside_markup_stays_escaped():
    text = "a <b>zorg</b> c"
    i = text.index("zorg")
    out = highlight_html(text, [Span(i - 3, i + 4, "zorg"), Span(i, i + 4, "z2", 'x"><script>')])
    assert "<b>" not in out and "&lt;b&gt;" in out
    # overlapping spans: the inner piece names both codes, the label is escaped
    assert 'title="zorg, x&quot;&gt;&lt;script&gt;"' in out
    assert "<script>" not in out


def test_highlight_ignores_out_of_range_spans():
    out = highlight_html("kort", [Span(2, 99, "x"), Span(3, 3, "y")])
    assert "<mark" not in out and "kort" in out


def test_as_spans_accepts_dicts_tuples():
    spans = as_spans([{"start": 0, "end": 2}, (3, 4)], code="c", label="L")
    assert spans == [Span(0, 2, "c", "L"), Span(3, 4, "c", "L")]


def test_plan_decisions_confirm_add_reject():
    plan = plan_decisions(["a", "c"], {"a": 0.9, "b": 0.7})
    assert plan == [
        PlannedDecision("a", "applied", "suggestion", 0.9),
        PlannedDecision("c", "applied", "manual", None),
        PlannedDecision("b", "rejected", "suggestion", 0.7),
    ]


def test_plan_decisions_idempotent_and_withdraw():
    current = {"a": "applied", "b": "rejected", "c": "applied"}
    assert plan_decisions(["a", "c"], {"a": 0.9, "b": 0.7}, current) == []
    plan = plan_decisions(["a"], {"a": 0.9}, current)
    assert plan == [PlannedDecision("c", "rejected", "manual", None)]


def test_coder_state_last_decision_per_code():
    d = pd.DataFrame(
        {
            "decision_id": [1, 2, 3, 4],
            "unit_id": [7, 7, 7, 7],
            "code": ["a", "a", "b", "a"],
            "coder": ["ann", "ann", "ann", "bob"],
            "decision": ["applied", "rejected", "applied", "applied"],
        }
    )
    assert coder_state(d, 7, "ann") == {"a": "rejected", "b": "applied"}
    assert coder_state(d, 8, "ann") == {}


def test_filters():
    ids = [1, 2, 3]
    decided = {1: {"ann"}, 2: {"bob"}}
    codes = {1: {"x"}, 3: {"y"}}
    assert filter_units(ids, mode="ongecodeerd", decided_by=decided, coder="ann") == [2, 3]
    assert filter_units(ids, mode="door codeur", decided_by=decided, other_coder="bob") == [2]
    assert filter_units(ids, mode="met code", codes_of=codes, code="y") == [3]
    assert filter_units(ids, mode="lage zekerheid", max_score={1: 0.9, 2: 0.3}, low=0.6) == [2, 3]
    assert filter_units(ids, mode="toegewezen aan mij", assigned={3, 9}) == [3]
    with pytest.raises(ValueError):
        filter_units(ids, mode="onbekend")


def test_order_modes():
    ids = [3, 1, 2, 4]
    assert order_units(ids, mode="volgorde") == [1, 2, 3, 4]
    r1 = order_units(ids, mode="willekeurig", seed=5)
    assert sorted(r1) == [1, 2, 3, 4] and r1 == order_units(ids, mode="willekeurig", seed=5)
    assert order_units(ids, mode="actief leren", uncertainty={2: 0.1, 4: 0.9}) == [4, 2, 1, 3]


def test_uncertainty_and_step():
    scores = pd.DataFrame({"a": [0.5, 0.99], "b": [0.1, 0.9]}, index=[10, 11])
    unc = uncertainty_from_scores(scores)
    assert unc[10] == pytest.approx(1.0) and unc[11] == pytest.approx(0.2)
    assert step([5, 6, 7], 6, 1) == 7 and step([5, 6, 7], 7, 1) == 7 and step([5, 6], None, 1) == 5
    assert step([], 1, 1) is None


def test_background_trainer_does_not_block_and_swaps_model():
    gate = threading.Event()
    trainer = BackgroundTrainer(every=2)

    def slow_fit():
        gate.wait(5)
        return "model-1"

    t0 = time.perf_counter()
    assert trainer.maybe_retrain("q", 0, slow_fit)
    assert time.perf_counter() - t0 < 0.5  # returned at once
    assert trainer.model("q") is None and trainer.status("q")["running"]
    assert not trainer.maybe_retrain("q", 5, slow_fit)  # one job at a time
    gate.set()
    trainer.wait("q", timeout=5)
    assert trainer.model("q") == "model-1" and trainer.status("q")["trained_at"] == 0
    assert not trainer.maybe_retrain("q", 1, lambda: "m")  # not due yet (every=2)
    assert trainer.maybe_retrain("q", 2, lambda: "model-2")
    trainer.wait("q", timeout=5)
    assert trainer.model("q") == "model-2"


def test_background_trainer_counts_confirmations():
    trainer = BackgroundTrainer(every=3)
    assert [trainer.note("q") for _ in range(3)] == [1, 2, 3]
    assert trainer.note("q", 2) == 5 and trainer.note("other") == 1


def test_background_trainer_keeps_old_model_on_error():
    trainer = BackgroundTrainer(every=1)
    trainer.maybe_retrain("q", 0, lambda: "ok")
    trainer.wait("q", 5)

    def boom():
        raise RuntimeError("kapot")

    trainer.maybe_retrain("q", 1, boom)
    trainer.wait("q", 5)
    assert trainer.model("q") == "ok" and "kapot" in trainer.status("q")["error"]

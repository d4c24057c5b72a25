"""One Coderen screen: top suggestions first, labels keep their confidence, where
"Bevestigen" goes next, the memo title, and the look-ahead cache (no Streamlit needed)."""

from __future__ import annotations

import threading

from textanalysis.coding import (
    BackgroundTrainer,
    SuggestionCache,
    code_label,
    memo_title,
    next_to_code,
    position_text,
    top_codes,
)

CODES = ["a", "b", "c", "d", "e", "f", "g"]


def test_top_codes_keeps_every_ticked_code_and_fills_by_score():
    scores = {"a": 0.1, "b": 0.9, "c": 0.2, "d": 0.8, "e": 0.3, "f": 0.05, "g": 0.0}
    suggested = {"b": True, "d": True}
    top = top_codes(CODES, scores, suggested, {"g": "applied"}, k=4)
    assert top[:3] == ["b", "d", "g"]  # pre-ticked and applied ones first, never hidden
    assert top == ["b", "d", "g", "e"] and len(top) == 4
    # more ticked codes than k: all of them are shown
    many = {c: True for c in CODES}
    assert set(top_codes(CODES, scores, many, k=2)) == set(CODES)
    # no model yet: nothing is "top", the whole list is in the expander
    assert top_codes(CODES, {}, {}, {}) == []
    # an answer waiting for the codes a split code became: those are in view, also cold
    pinned = top_codes(CODES, scores, suggested, {}, k=4, pinned=["f", "zz", "f"])
    assert pinned[:3] == ["b", "d", "f"] and len(pinned) == 4
    assert top_codes(CODES, {}, {}, {}, pinned=["c", "a"]) == ["c", "a"]


def test_code_label_puts_the_confidence_first():
    long = "Doorontwikkeling werkwijze en organisatie van de sociale wijkteams"
    assert code_label(long, 0.97, True).startswith("**97%** Doorontwikkeling")
    assert code_label(long, 0.97, True).endswith("_voorgesteld_")
    assert code_label("x", 0.01) == "x"  # noise is not shown
    assert code_label("x", None, depth=2) == "— — x"


def test_memo_title_counts_memos_not_decisions():
    assert memo_title(0) == "Memo toevoegen"
    assert memo_title(1) == "Memo (1)"
    assert memo_title(4) == "Memo's (4)"


def test_next_to_code_skips_done_wraps_and_ends():
    q = [5, 6, 7, 8]
    assert next_to_code(q, {6}, after=5) == 7
    assert next_to_code(q, {5, 6}, after=8) == 7  # wraps round to an open one
    assert next_to_code(q, {5, 6, 7}, after=8) is None  # finished: no restart at "1 van 4"
    assert next_to_code(q, set()) == 5
    assert next_to_code([], set()) is None
    assert position_text(0, 10) == "Antwoord 1 van 10"


def test_suggestion_cache_computes_ahead_once():
    cache = SuggestionCache(max_items=2)
    calls: list[int] = []
    gate = threading.Event()

    def compute(n: int):
        def run():
            gate.wait(5)
            calls.append(n)
            return n * 10

        return run

    cache.prefetch("k1", compute(1))
    gate.set()
    assert cache.get("k1", compute(99)) == 10  # the prefetched value, not computed again
    assert cache.get("k2", compute(2)) == 20
    assert cache.get("k3", compute(3)) == 30
    assert calls == [1, 2, 3]
    assert cache.get("k1", compute(4)) == 40  # bounded: the oldest was dropped


def test_trainer_reports_first_run_progress_and_warms_once():
    trainer = BackgroundTrainer()
    warmed: list[int] = []
    trainer.warm(lambda: warmed.append(1))
    trainer.warm(lambda: warmed.append(2))
    report = trainer.reporter("q")

    def fit():
        report(5, 10)
        return "model"

    assert trainer.maybe_retrain("q", 0, fit)
    trainer.wait("q", timeout=10)
    assert warmed == [1]
    assert trainer.model("q") == "model"
    assert trainer.status("q")["progress"] is None  # only shown while there is no model

"""The scikit-learn/textwrap versions give what the hand-written formulas they replaced gave.

The old formulas are kept here, verbatim in substance, and compared on random data. Floats
agree to rounding (scikit-learn computes F1 as 2tp/(2tp+fp+fn) and the Brier score through
(1-p, p) columns); counts, tables and wrapped lines agree exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from textanalysis.errors import SuggestError
from textanalysis.report.charts import _wrap
from textanalysis.suggest.base import label_matrix
from textanalysis.suggest.calibration import calibration_report
from textanalysis.suggest.evaluate import evaluate_predictions


def _old_prf(G: np.ndarray, P: np.ndarray):
    tp = (G & P).sum(axis=0)
    fp = (~G & P).sum(axis=0)
    fn = (G & ~P).sum(axis=0)
    k = G.shape[1]
    prec = np.divide(tp, tp + fp, out=np.zeros(k), where=(tp + fp) > 0)
    rec = np.divide(tp, tp + fn, out=np.zeros(k), where=(tp + fn) > 0)
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros(k), where=(prec + rec) > 0)
    TP, FP, FN = tp.sum(), fp.sum(), fn.sum()
    mp = TP / (TP + FP) if TP + FP else 0.0
    mr = TP / (TP + FN) if TP + FN else 0.0
    mf = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    return prec, rec, f1, mp, mr, mf


def _old_label_matrix(Y, codes):
    index = {c: i for i, c in enumerate(codes)}
    M = np.zeros((len(Y), len(codes)), dtype=np.int8)
    for r, labels in enumerate(Y):
        for code in labels:
            M[r, index[code]] = 1
    return M


def _old_wrap(text, width=45):
    words, lines, cur = str(text).split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return lines if len(lines) > 1 else lines[0]


@pytest.mark.parametrize("seed", range(40))
def test_evaluate_predictions_matches_old_formulas(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 30)), int(rng.integers(1, 6))
    codes = [f"c{j}" for j in range(k)]
    G = rng.random((n, k)) < rng.uniform(0.05, 0.6)
    P = rng.random((n, k)) < rng.uniform(0.0, 0.6)
    S = rng.random((n, k))
    gold = [
        {codes[j] for j in np.flatnonzero(row)} | ({"not-in-codes"} if r == 0 else set())
        for r, row in enumerate(G)
    ]
    res = evaluate_predictions(codes, gold, P.astype(int), S)
    prec, rec, f1, mp, mr, mf = _old_prf(G, P)
    active = (G.sum(axis=0) > 0) | (P.sum(axis=0) > 0)
    assert list(res.table["code"]) == [c for c, a in zip(codes, active, strict=True) if a]
    np.testing.assert_array_equal(res.table["precision"], prec.round(4)[active])
    np.testing.assert_array_equal(res.table["recall"], rec.round(4)[active])
    np.testing.assert_allclose(res.table["f1"], f1.round(4)[active], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(res.table["support"], G.sum(axis=0)[active])
    assert res.micro_precision == mp and res.micro_recall == mr
    assert res.micro_f1 == pytest.approx(mf, rel=1e-12, abs=1e-15)
    assert res.macro_f1 == pytest.approx(f1[active].mean() if active.any() else 0.0, rel=1e-12)


def test_evaluate_predictions_without_answers():
    res = evaluate_predictions(["a", "b"], [], np.zeros((0, 2)), np.zeros((0, 2)))
    assert res.table.empty and res.micro_f1 == 0.0 and res.macro_f1 == 0.0


@pytest.mark.parametrize("seed", range(20))
def test_calibration_report_matches_old_brier(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random((25, 4)) < 0.3).astype(int)
    p = rng.random((25, 4))
    p[rng.random((25, 4)) < 0.1] = np.nan
    p[0, 0], p[1, 1] = 0.5, 1.0  # on a bin edge, on the last edge
    rep = calibration_report(y, p)
    ok = ~np.isnan(p.ravel())
    old = np.mean((p.ravel()[ok] - y.ravel()[ok]) ** 2)
    assert rep.brier == pytest.approx(old, rel=1e-12, abs=1e-15)
    assert rep.n == int(ok.sum()) and rep.table["count"].sum() == rep.n
    assert calibration_report([0, 0], [0.1, 0.2]).brier == pytest.approx(0.025)
    assert np.isnan(calibration_report([], []).brier)


@pytest.mark.parametrize("seed", range(20))
def test_label_matrix_matches_old_loop(seed):
    rng = np.random.default_rng(seed)
    codes = [f"c{j}" for j in rng.permutation(int(rng.integers(1, 7)))]
    Y = [
        set(rng.choice(codes, size=int(rng.integers(0, len(codes) + 1)), replace=False))
        for _ in range(int(rng.integers(0, 12)))
    ]
    M = label_matrix(Y, codes)
    assert M.dtype == np.int8 and M.shape == (len(Y), len(codes))
    np.testing.assert_array_equal(M, _old_label_matrix(Y, codes))


def test_label_matrix_names_the_unknown_code():
    with pytest.raises(SuggestError, match=r"\[G042\].*'zz'"):
        label_matrix([{"a"}, {"zz", "a"}], ["a", "b"])


@pytest.mark.parametrize("seed", range(30))
def test_wrap_matches_old_loop(seed):
    rng = np.random.default_rng(seed)
    words = ["a", "zorg", "wachtlijsten", "administratie-last", "x" * 50, "één", "  ", "\t"]
    text = " ".join(rng.choice(words, size=int(rng.integers(0, 25))))
    for width in (5, 12, 45, 70):
        assert _wrap(text, width) == _old_wrap(text, width)

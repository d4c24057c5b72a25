"""Code suggestions: rules, similarity, classifier, a calibrated ensemble, active learning
and semi-automatic coding. Every suggester is a scikit-learn style estimator whose
``predict_scores`` returns an (answers x codes) matrix in [0, 1] with evidence behind it.

The names below are loaded from their modules on first use (PEP 562), not when the package
is imported. An eager ``__init__`` that imports every submodule deadlocks when two threads
import two submodules at once (the app's background trainer imports ``suggest.ensemble``
while a page imports ``suggest.rules``: each holds one module lock and waits for the other);
a light package lets imports follow the modules' own dependencies, which have no cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "AutocodeResult": "autocode",
    "autocode": "autocode",
    "BaseSuggester": "base",
    "Evidence": "base",
    "CalibrationReport": "calibration",
    "calibration_report": "calibration",
    "ClassifierSuggester": "classifier",
    "EnsembleSuggester": "ensemble",
    "EvaluationResult": "evaluate",
    "evaluate_predictions": "evaluate",
    "evaluate_suggester": "evaluate",
    "next_units": "active",
    "next_units_for": "active",
    "RuleSuggester": "rules",
    "SimilaritySuggester": "similarity",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])

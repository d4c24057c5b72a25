"""Code suggestions: rules, similarity, classifier, a calibrated ensemble, active learning
and semi-automatic coding. Every suggester is a scikit-learn style estimator whose
``predict_scores`` returns an (answers x codes) matrix in [0, 1] with evidence behind it."""

from .active import next_units, next_units_for
from .autocode import AutocodeResult, autocode
from .base import BaseSuggester, Evidence
from .calibration import CalibrationReport, calibration_report
from .classifier import ClassifierSuggester
from .ensemble import EnsembleSuggester
from .evaluate import EvaluationResult, evaluate_predictions, evaluate_suggester
from .rules import RuleSuggester
from .similarity import SimilaritySuggester

__all__ = [
    "AutocodeResult",
    "BaseSuggester",
    "CalibrationReport",
    "ClassifierSuggester",
    "EnsembleSuggester",
    "EvaluationResult",
    "Evidence",
    "RuleSuggester",
    "SimilaritySuggester",
    "autocode",
    "calibration_report",
    "evaluate_predictions",
    "evaluate_suggester",
    "next_units",
    "next_units_for",
]

"""Typed errors with stable codes.

Every error a user can cause names the bad value, what is wrong and how to fix it,
in the style of spaCy's ``errors.py``: ``[C003] Code 'x' not in codebook 'y.yaml'. ...``.
The CLI turns any :class:`TextAnalysisError` into a one-line message and exit status 2;
the app shows ``str(error)``. Codes are grouped by area (one letter) and never reused.

Areas: I = import, N = NLP, S = storage, C = codebook, G = suggestions,
T = topics, R = results/exports, K = reliability (agreement), P = privacy, A = app.
"""

from __future__ import annotations


class TextAnalysisError(Exception):
    """Base class: a problem the user can fix. ``code`` is stable, ``message`` is Dutch-free English."""

    code: str = "E000"

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")


class IngestError(TextAnalysisError):
    """Bad survey export: file, sheet, column, row or cell."""


class NlpError(TextAnalysisError):
    """The Dutch pipeline cannot be loaded or used."""


class StoreError(TextAnalysisError):
    """Database problems: unreachable, wrong schema, unknown survey/question/unit."""


class CodebookError(TextAnalysisError):
    """Invalid codebook YAML or a reference to an unknown code."""


class SuggestError(TextAnalysisError):
    """Bad input for suggestions, evaluation or auto-coding (CSV columns, unknown ids)."""


class TopicsError(TextAnalysisError):
    """Bad input or settings for theme discovery."""


class ReportError(TextAnalysisError):
    """Bad input for frequencies, cross-tabs, wave comparison or exports."""


class ReliabilityError(TextAnalysisError):
    """Bad input for inter-coder agreement or adjudication."""


class PrivacyError(TextAnalysisError):
    """Bad settings for masking personal data."""


class AppError(TextAnalysisError):
    """Who may do what in the app and the CLI: reserved coder names, team logins."""


class ImportChangeError(IngestError):
    """A re-import whose answers differ from the stored ones; ``report`` holds the details
    (a :class:`textanalysis.store.ChangeReport`) so the app can show them."""

    def __init__(self, code: str, message: str, report: object = None) -> None:
        super().__init__(code, message)
        self.report = report

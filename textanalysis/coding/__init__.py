"""What the Coderen page does, testable without Streamlit (no Streamlit import here).

The app's pages stay thin; what they decide lives here:

- :mod:`.highlight`: :func:`highlight_html` escapes untrusted answer text *before* marking
  evidence spans (the place where XSS usually slips in).
- :mod:`.queue`: :func:`plan_decisions` turns the analyst's checkbox state into the decisions
  to record (confirmed suggestion, added code, rejected suggestion, withdrawn code);
  :func:`coder_state` is a coder's last decision per code (highest ``decision_id``, as in
  ``Store.current_codes``); :func:`filter_units` / :func:`order_units` implement the Coderen
  filters and orders.
- :mod:`.training`: :class:`BackgroundTrainer` re-trains a model in a worker thread so the
  analyst never waits; :func:`fit_bundle` is the job (ensemble on the confirmed codes, scores
  for a pool); :func:`check_suggestions` (precision/recall and mistakes per code) backs the
  Codeboek page, whose edits go through :func:`textanalysis.codebook.edit_code`.
- :mod:`.independence`: independent double coding (a coder's model never learns from other
  coders' codes on the units assigned to them; their memos and codes stay hidden there).
- :mod:`.screen`: what one Coderen screen shows (top suggestions first, labels that keep
  their confidence, where "Bevestigen" goes next) and :class:`SuggestionCache`, which scores
  the next answer ahead.
- :mod:`.review`: the review queue (auto-coded and not yet reviewed, coders disagree,
  flagged by a codeframe change) without revealing other coders' codes on blind units.
- :mod:`.assign`: dividing the work in disjoint batches; the "nog door niemand gecodeerd" queue.
"""

from .assign import (
    assign_batches,
    assigned_open,
    assignment_progress,
    claim_units,
    unclaimed_units,
)
from .highlight import Span, as_spans, highlight_html
from .independence import blind_units, trainer_scope, units_with_code, visible_memos
from .queue import (
    AUTO_OPEN,
    CHANGED,
    DISAGREE,
    FILTERS,
    NOBODY,
    ORDERS,
    REVIEW_FILTERS,
    PlannedDecision,
    coder_state,
    filter_units,
    order_units,
    plan_decisions,
    progress_table,
    step,
    uncertainty_from_scores,
)
from .review import (
    auto_applied_codes,
    auto_unreviewed,
    codeframe_changed,
    disagreement_units,
    flagged_units,
    reason_text,
)
from .screen import (
    SuggestionCache,
    code_label,
    memo_title,
    next_to_code,
    position_text,
    top_codes,
)
from .training import (
    BackgroundTrainer,
    SuggestionBundle,
    check_suggestions,
    fit_bundle,
    training_data,
    unit_suggestions,
)

__all__ = [
    "AUTO_OPEN",
    "CHANGED",
    "DISAGREE",
    "REVIEW_FILTERS",
    "auto_applied_codes",
    "codeframe_changed",
    "auto_unreviewed",
    "disagreement_units",
    "flagged_units",
    "reason_text",
    "SuggestionCache",
    "code_label",
    "memo_title",
    "next_to_code",
    "position_text",
    "top_codes",
    "BackgroundTrainer",
    "FILTERS",
    "NOBODY",
    "assign_batches",
    "assignment_progress",
    "assigned_open",
    "blind_units",
    "claim_units",
    "trainer_scope",
    "unclaimed_units",
    "units_with_code",
    "visible_memos",
    "ORDERS",
    "PlannedDecision",
    "Span",
    "SuggestionBundle",
    "as_spans",
    "check_suggestions",
    "coder_state",
    "filter_units",
    "fit_bundle",
    "highlight_html",
    "order_units",
    "plan_decisions",
    "progress_table",
    "step",
    "training_data",
    "uncertainty_from_scores",
    "unit_suggestions",
]

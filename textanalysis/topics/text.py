"""Dutch text for topics: non-answers, lemmas, stop words."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .result import (
    _TOKEN_PATTERN,
    DEFAULT_STOP_WORDS_EXTRA,
)


# --------------------------------------------------------------------------------------
# Dutch text: non-answers, lemmas, stop words
# --------------------------------------------------------------------------------------
def non_answer_reason(text: Any) -> str | None:
    """Why ``text`` is not a substantive answer (None when it is one).

    The same rule as at import (:func:`textanalysis.ingest.non_substantive_reason`), so
    topics and frequencies agree on what counts as an answer.
    """
    from ..ingest import non_substantive_reason

    if text is None or (isinstance(text, float) and math.isnan(text)):
        return "empty"
    return non_substantive_reason(str(text))


def lemma_strings(texts: Sequence[str], cache=None) -> list[str]:
    """Lower-cased lemmas per answer for c-TF-IDF; punctuation becomes ``|``, a phrase boundary.

    Uses the shared Dutch pipeline (:mod:`textanalysis.nlp`, cached per text; ``cache`` is the
    Store when given), so topic words agree with the rule and classifier suggesters.
    """
    from .. import nlp

    nlp_cache = cache if cache is not None and hasattr(cache, "nlp_get") else None
    out = []
    for doc in nlp.process([str(t) for t in texts], cache=nlp_cache):
        parts = []
        for tok in doc:
            if tok.is_space:
                continue
            if tok.is_punct or not any(ch.isalnum() for ch in tok.text):
                parts.append("|")
            else:
                parts.append((tok.lemma_ or tok.text).lower())
        out.append(" ".join(parts))
    return out


def pipeline_key() -> str:
    """Which Dutch pipeline produced the topic words (stored with each run)."""
    from .. import nlp

    return nlp.pipeline_key()


def dutch_stop_words(extra: Iterable[str] = DEFAULT_STOP_WORDS_EXTRA) -> list[str]:
    """spaCy's Dutch stop words, their lemmas and survey filler, as single tokens (sorted)."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    from ..nlp import lemma_of

    words = {w.lower() for w in STOP_WORDS} | {w.lower() for w in extra}
    words |= {lemma_of(w).lower() for w in list(words)}
    token = re.compile(_TOKEN_PATTERN)
    return sorted(w for w in words if token.fullmatch(w))

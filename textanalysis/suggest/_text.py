"""Text access for the suggesters: spaCy docs and lemma strings.

Uses the shared pipeline in :mod:`textanalysis.nlp` (cached processing) when it is
available and a small offline fallback (``spacy.blank("nl")`` + simplemma) otherwise,
so the suggesters work the same in both cases. Lemmas are lower-cased here: codebook
keywords are written in lower case and answers start sentences with capitals.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from spacy.tokens import Doc

_PUNCT_ONLY = set(".,;:!?()[]{}\"'`/\\-–—…*")


@lru_cache(maxsize=1)
def _fallback_nlp():
    import spacy

    return spacy.blank("nl")


@lru_cache(maxsize=200_000)
def _simplemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="nl")


def process(texts: Sequence[str]) -> list[Doc]:
    """Docs for ``texts`` (shared cached pipeline when present, offline fallback otherwise)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    try:
        from .. import nlp as shared
    except ImportError:
        shared = None
    if shared is not None and hasattr(shared, "process"):
        return list(shared.process(texts))
    nlp = _fallback_nlp()
    docs = list(nlp.pipe(texts))
    for doc in docs:
        for tok in doc:
            tok.lemma_ = _simplemma(tok.text)
    return docs


def token_lemma(tok) -> str:
    """Lower-cased lemma of a token; the lower-cased text when the pipeline gave none."""
    lem = tok.lemma_ or tok.text
    return lem.lower().replace("_", "")


def lemma_copy(doc: Doc) -> Doc:
    """A copy of ``doc`` with lower-cased lemmas, same words and spaces (so char offsets agree).

    Matching on this copy never mutates docs that the shared pipeline caches for others.
    """
    words = [t.text for t in doc]
    if not words:
        return Doc(doc.vocab, words=[])
    kwargs = {}
    if any(t.pos_ for t in doc):
        kwargs["pos"] = [t.pos_ or "X" for t in doc]
    return Doc(
        doc.vocab,
        words=words,
        spaces=[bool(t.whitespace_) for t in doc],
        lemmas=[token_lemma(t) for t in doc],
        **kwargs,
    )


def lemma_string(doc: Doc) -> str:
    """Space-joined lower-cased lemmas without punctuation: input for TF-IDF."""
    return " ".join(
        token_lemma(t)
        for t in doc
        if not t.is_space and not all(ch in _PUNCT_ONLY for ch in t.text)
    )


def lemma_strings(texts: Sequence[str]) -> list[str]:
    return [lemma_string(d) for d in process(texts)]

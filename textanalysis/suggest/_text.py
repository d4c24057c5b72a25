"""Text access for the suggesters: spaCy docs and lemma strings.

Docs come from the shared Dutch pipeline in :mod:`textanalysis.nlp` (cached processing:
``nl_core_news_md`` or the offline simplemma pipeline), so every suggester sees the same
lemmas. Lemmas are lower-cased here: codebook keywords are written in lower case and
answers start sentences with capitals.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from .. import nlp

_PUNCT_ONLY = set(".,;:!?()[]{}\"'`/\\-–—…*")


def process(texts: Sequence[str]) -> list[Doc]:
    """Docs for ``texts`` from the shared cached pipeline (a non-string is an empty text)."""
    return nlp.process([t if isinstance(t, str) else "" for t in texts])


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


_LEMMAS: dict[str, str] = {}  # text -> lemma string; re-training asks for the same texts again
_LEMMAS_MAX = 200_000


def lemma_strings(texts: Sequence[str]) -> list[str]:
    """Lemma strings of ``texts``, each text processed once per process."""
    todo = list(dict.fromkeys(t for t in texts if t not in _LEMMAS))
    if todo:
        if len(_LEMMAS) + len(todo) > _LEMMAS_MAX:
            _LEMMAS.clear()
        _LEMMAS.update(zip(todo, (lemma_string(d) for d in process(todo)), strict=True))
    return [_LEMMAS[t] if isinstance(t, str) else "" for t in texts]

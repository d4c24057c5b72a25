"""Dutch spaCy pipeline and cached processing.

``nl_core_news_md`` is used when it is installed (it is not on PyPI, so it is never a
hard dependency). Otherwise the offline pipeline is built from parts that install from
PyPI: ``spacy.blank("nl")`` (tokenizer + Dutch stop words), a lemmatizer backed by
``simplemma`` with a small exception table, spaCy's sentencizer and a splitter for
list-like answers ("1. ... 2. ...", bullets, line breaks, semicolons).

Parses are cached per (pipeline key, text hash): a text is never parsed twice by the same
pipeline version in one process, and a ``cache`` object (the Store) can persist them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _pkg_version
from typing import Protocol

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .embed import text_key as text_hash  # one text hash for parses, embeddings and units
from .errors import Errors, NlpError

FULL_PIPELINE = "nl_core_news_md"
OFFLINE_NAME = "nl_offline_simplemma"
# Bump when the exception table or the offline components change: it is part of the cache key.
EXCEPTIONS_VERSION = "2"
INSTALL_HINT = f"python -m spacy download {FULL_PIPELINE}"

# simplemma's slips that matter for matching survey answers (lower-cased form -> lemma).
# "kosten" is nearly always the noun ("de kosten van jeugdzorg"), not the verb form of "kost";
# "jongeren"/"ouderen" are the groups, not comparatives; "data"/"media" are loan words here.
LEMMA_EXCEPTIONS: dict[str, str] = {
    "kosten": "kosten",
    "jongeren": "jongere",
    "ouderen": "oudere",
    "data": "data",
    "media": "media",
    "middelen": "middelen",
    "financiën": "financiën",
    "financien": "financiën",
    "wijkteams": "wijkteam",
    "buurtteams": "buurtteam",
    "geleerde": "geleerd",
    "verder": "verder",
    # "keten" (chain: jeugdbeschermingsketen, zorgketen) is not the plural of "keet".
    "keten": "keten",
    "ketens": "keten",
}
# Multi-word expressions whose parts must keep their surface form: "met name" is not "met naam".
PHRASE_EXCEPTIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("met", "name"): ("met", "name"),
    ("ten", "name"): ("ten", "name"),
    ("in", "het", "bijzonder"): ("in", "het", "bijzonder"),
}

_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")


class NlpCache(Protocol):
    """Persistent parse cache (the Store implements it): serialized Docs by (pipeline key, text hash)."""

    def nlp_get(self, pipeline_key: str, hashes: Sequence[str]) -> dict[str, bytes]: ...

    def nlp_put(self, pipeline_key: str, docs: dict[str, bytes]) -> None: ...


@dataclass(frozen=True)
class PipelineInfo:
    """What the CLI and app show about the active pipeline."""

    name: str
    version: str
    is_fallback: bool
    hint: str


def _simplemma_version() -> str:
    try:
        return _pkg_version("simplemma")
    except PackageNotFoundError:  # pragma: no cover - simplemma is a dependency
        return "unknown"


# --- lemmatizer ------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def lemma_of(word: str) -> str:
    """Lemma of one lower-cased word: exceptions, then simplemma, then the compound head.

    Dutch compounds are written as one word ("jeugdhulpaanbieders"); simplemma does not know
    most of them, so an unknown compound is lemmatized by its longest known head
    ("aanbieders" -> "aanbieder"), keeping the modifier as written.
    """
    import simplemma

    if word in LEMMA_EXCEPTIONS:
        return LEMMA_EXCEPTIONS[word]
    if not _WORD.match(word):
        return word
    lemma = simplemma.lemmatize(word, lang="nl")
    if lemma != word or simplemma.is_known(word, lang="nl") or len(word) < 7:
        return lemma.replace("_", "")
    # Unknown word: try heads from long to short (modifier of at least 3 letters, head of 4+).
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if head in LEMMA_EXCEPTIONS:
            return word[:cut] + LEMMA_EXCEPTIONS[head]
        if simplemma.is_known(head, lang="nl"):
            head_lemma = simplemma.lemmatize(head, lang="nl").replace("_", "")
            return word[:cut] + head_lemma
    return word


_PHRASE_LAST = {phrase[-1] for phrase in PHRASE_EXCEPTIONS}


class SimplemmaLemmatizer:
    """Pipeline component: lower-cased lemmas from :func:`lemma_of`, set in one array write.

    Works on hash arrays instead of Token objects (creating Tokens dominates the cost of a
    pure-Python component), with a per-vocab cache from lower-case form to lemma.
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._cache: dict[int, int] = {}
        self._phrase_last = {vocab.strings.add(w) for w in _PHRASE_LAST}

    def _lemma_hash(self, lower: int) -> int:
        hit = self._cache.get(lower)
        if hit is None:
            hit = self.vocab.strings.add(lemma_of(self.vocab.strings[lower]))
            self._cache[lower] = hit
        return hit

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, LOWER, IS_SPACE, IS_PUNCT]).tolist()
        lemma_hash = self._lemma_hash
        out = [orth if space or punct else lemma_hash(low) for orth, low, space, punct in arr]
        doc.from_array([LEMMA], numpy.asarray(out, dtype="uint64").reshape(-1, 1))
        if any(row[1] in self._phrase_last for row in arr):
            # Phrase exceptions ("met name"): restore the surface forms.
            lowers = [self.vocab.strings[row[1]] for row in arr]
            for phrase, forms in PHRASE_EXCEPTIONS.items():
                n = len(phrase)
                for i in range(len(lowers) - n + 1):
                    if tuple(lowers[i : i + n]) == phrase:
                        for j, form in enumerate(forms):
                            doc[i + j].lemma_ = form
        return doc


@Language.factory("simplemma_lemmatizer")
def make_simplemma_lemmatizer(nlp: Language, name: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer(nlp.vocab)


_INLINE_BULLETS = ("•", "·", "▪", "◦", "‣")
_BULLETS = (*_INLINE_BULLETS, "-", "*", "–", "—")
_NUMBER = re.compile(r"^\d{1,2}$")
_NUMBER_DOT = re.compile(r"^\d{1,2}\.$")


@dataclass(frozen=True)
class _Shape:
    """What the list splitter needs to know about a token text (cached per string hash)."""

    newline_space: bool
    space: bool
    semicolon: bool
    inline_bullet: bool
    bullet: bool
    closer: bool  # "." or ")"
    paren: bool  # ")"
    number: int  # "12" -> 12, else -1
    number_dot: int  # "12." -> 12, else -1
    letter: int  # "a".."z" -> ord, else -1
    ends_dot: bool
    digit_first: bool


_SHAPES: dict[int, _Shape] = {}


def _shape(h: int, strings) -> _Shape:
    shape = _SHAPES.get(h)
    if shape is None:
        text = strings[h]
        shape = _Shape(
            newline_space=text.isspace() and "\n" in text,
            space=text.isspace(),
            semicolon=text == ";",
            inline_bullet=text in _INLINE_BULLETS,
            bullet=text in _BULLETS,
            closer=text in (".", ")"),
            paren=text == ")",
            number=int(text) if _NUMBER.match(text) else -1,
            number_dot=int(text[:-1]) if _NUMBER_DOT.match(text) else -1,
            letter=ord(text) if len(text) == 1 and "a" <= text <= "z" else -1,
            ends_dot=text.endswith("."),
            digit_first=text[:1].isdigit(),
        )
        _SHAPES[h] = shape
    return shape


@Language.component("list_sentencizer")
def list_sentencizer(doc: Doc) -> Doc:
    """Start a sentence at list items: after line breaks, at bullets, numbering and semicolons.

    Runs after spaCy's punctuation-based sentencizer and only adjusts around list markers:
    "1. wachtlijsten" stays one sentence (the "." of a marker does not end a sentence) and an
    inline "2." only starts an item after a "1." marker, so "art. 3 lid 2." is left alone.
    Reads and writes arrays, not Token objects, for speed.
    """
    n = len(doc)
    if n < 2:
        return doc
    strings = doc.vocab.strings
    shapes = [_shape(h, strings) for h in doc.to_array(ORTH).tolist()]
    starts = doc.to_array(SENT_START).astype("int64").tolist()  # -1 not a start, 1 a start
    last_number = 0
    last_letter = ord("a") - 1
    for i in range(n):
        tok = shapes[i]
        if tok.space:
            continue
        prev = shapes[i - 1] if i > 0 else None
        nxt = shapes[i + 1] if i + 1 < n else None
        line_start = prev is None or prev.newline_space or prev.semicolon
        start = line_start or tok.inline_bullet
        marker = False
        if nxt is not None and nxt.closer and tok.number >= 0:
            marker = line_start or tok.number == last_number + 1
            if marker:
                last_number = tok.number
        elif nxt is not None and nxt.paren and tok.letter >= 0:
            marker = line_start or tok.letter == last_letter + 1
            if marker:
                last_letter = tok.letter
        elif tok.number_dot >= 0:
            marker = line_start or tok.number_dot == last_number + 1
            if marker:
                last_number = tok.number_dot
        if marker:
            start = True
            if i + 2 < n and nxt is not None and nxt.closer:
                starts[i + 2] = -1
        if i > 0 and not start and prev is not None:
            if prev.ends_dot and tok.digit_first:
                starts[i] = -1  # "(art. 3)", "blz. 5": an abbreviation, not a sentence end
            elif prev.bullet and starts[i - 1] == 1:
                starts[i] = -1  # the item after its bullet
        if i > 0 and start:
            starts[i] = 1
            if i > 1 and prev is not None and prev.space and starts[i - 1] == 1:
                starts[i - 1] = -1  # keep "Werkdruk! " + "• geld", no space-only sentence
    starts[0] = 1
    doc.from_array(
        [SENT_START], numpy.asarray(starts, dtype="int64").astype("uint64").reshape(-1, 1)
    )
    return doc


def _build_offline() -> Language:
    nlp = spacy.blank("nl")
    nlp.add_pipe("simplemma_lemmatizer")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("list_sentencizer")
    nlp.meta["name"] = OFFLINE_NAME
    nlp.meta["version"] = f"{EXCEPTIONS_VERSION}.0.0"
    nlp.meta["description"] = (
        "spacy.blank('nl') + simplemma lemmatizer (with exception table) + sentencizer "
        "+ list splitter; offline fallback for nl_core_news_md"
    )
    return nlp


def _full_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec(FULL_PIPELINE) is not None


def load_pipeline(name: str | None = None) -> Language:
    """The Dutch pipeline, cached per process.

    ``name=None`` picks ``nl_core_news_md`` when installed, else the offline pipeline;
    ``"offline"`` forces the offline pipeline; any other name is loaded with ``spacy.load``.
    """
    if name in ("offline", OFFLINE_NAME) or (name is None and not _full_installed()):
        return _load("offline")
    return _load(name or FULL_PIPELINE)


@lru_cache(maxsize=4)
def _load(target: str) -> Language:
    if target == "offline":
        return _build_offline()
    try:
        return spacy.load(target)
    except OSError as exc:
        raise NlpError(
            Errors.N001,
            target=target,
            exc_type=exc.__class__.__name__,
        ) from None


def _is_offline(nlp: Language) -> bool:
    return nlp.meta.get("name") == OFFLINE_NAME


def pipeline_info(nlp: Language | None = None) -> PipelineInfo:
    """Name, version, whether it is the offline fallback, and how to install the better one."""
    nlp = nlp or load_pipeline()
    if _is_offline(nlp):
        return PipelineInfo(
            name=OFFLINE_NAME,
            version=f"spacy-{spacy.__version__}+simplemma-{_simplemma_version()}+exceptions-{EXCEPTIONS_VERSION}",
            is_fallback=True,
            hint=f"Offline pipeline active; for better Dutch lemmas and entities run `{INSTALL_HINT}`.",
        )
    lang = nlp.meta.get("lang", "nl")
    return PipelineInfo(
        name=f"{lang}_{nlp.meta.get('name', 'pipeline')}",
        version=str(nlp.meta.get("version", "0.0.0")),
        is_fallback=False,
        hint="",
    )


def pipeline_key(nlp: Language | None = None) -> str:
    """Cache key of a pipeline: name and every version that changes its output."""
    info = pipeline_info(nlp)
    return f"{info.name}=={info.version}"


# --- processing --------------------------------------------------------------------------

_MEMORY_LIMIT = 50_000  # Docs kept in process memory (LRU); the Store keeps the rest.
_memory: OrderedDict[tuple[str, str], Doc] = OrderedDict()
_parsed = 0


def parse_count() -> int:
    """How many texts this process has run through a pipeline (for tests and benchmarks)."""
    return _parsed


def clear_memory_cache() -> None:
    """Forget in-process parses (tests; the persistent cache is untouched)."""
    _memory.clear()


def _remember(key: tuple[str, str], doc: Doc) -> None:
    _memory[key] = doc
    _memory.move_to_end(key)
    while len(_memory) > _MEMORY_LIMIT:
        _memory.popitem(last=False)


def process(
    texts: Iterable[str],
    nlp: Language | None = None,
    batch_size: int = 256,
    cache: NlpCache | None = None,
) -> list[Doc]:
    """Docs for ``texts`` in input order; each distinct text is parsed at most once per pipeline.

    Lookups go memory -> ``cache`` (persistent, e.g. the Store) -> ``nlp.pipe`` in batches;
    fresh parses are written back to ``cache`` as ``Doc.to_bytes``. Every Doc records the
    pipeline key in ``doc.user_data["pipeline"]``.
    """
    global _parsed
    nlp = nlp or load_pipeline()
    pkey = pipeline_key(nlp)
    texts = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    hashes = [text_hash(t) for t in texts]
    found: dict[str, Doc] = {}
    missing: list[str] = []
    for h in dict.fromkeys(hashes):
        doc = _memory.get((pkey, h))
        if doc is not None:
            _memory.move_to_end((pkey, h))
            found[h] = doc
        else:
            missing.append(h)
    if missing and cache is not None:
        for h, blob in cache.nlp_get(pkey, missing).items():
            doc = Doc(nlp.vocab).from_bytes(blob)
            found[h] = doc
            _remember((pkey, h), doc)
        missing = [h for h in missing if h not in found]
    if missing:
        by_hash = dict(zip(hashes, texts, strict=True))
        todo = [by_hash[h] for h in missing]
        fresh: dict[str, bytes] = {}
        for h, doc in zip(missing, nlp.pipe(todo, batch_size=batch_size), strict=True):
            doc.user_data["pipeline"] = pkey
            found[h] = doc
            _remember((pkey, h), doc)
            if cache is not None:
                fresh[h] = doc.to_bytes()
        _parsed += len(todo)
        if cache is not None and fresh:
            cache.nlp_put(pkey, fresh)
    return [found[h] for h in hashes]


def _keep(token) -> bool:
    return not (token.is_punct or token.is_space) and any(ch.isalnum() for ch in token.text)


def lemmas(
    texts: Iterable[str], nlp: Language | None = None, cache: NlpCache | None = None
) -> list[list[str]]:
    """Lower-cased lemmas of word/number tokens per text (punctuation and spaces dropped)."""
    return [
        [t.lemma_.lower() or t.lower_ for t in doc if _keep(t)]
        for doc in process(texts, nlp, cache=cache)
    ]


def lemma_strings(
    texts: Iterable[str], nlp: Language | None = None, cache: NlpCache | None = None
) -> list[str]:
    """Space-joined lemmas per text, for TF-IDF vectorizers."""
    return [" ".join(ls) for ls in lemmas(texts, nlp, cache=cache)]

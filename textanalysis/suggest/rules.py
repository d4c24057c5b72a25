"""Rule suggester: codebook keywords and patterns matched on lemmas, with negation.

Keywords are matched with spaCy's ``PhraseMatcher`` on lemmas (so "wachtlijst" finds
"wachtlijsten") and on lower-cased words; single keywords also match inside Dutch
compounds ("personeelstekort" for "tekort") with a lower weight. Patterns are regexes over
the verbatim answer or spaCy ``Matcher`` token patterns. Every hit is evidence with
character offsets in the verbatim answer. A negation in the same clause ("geen
wachtlijsten meer", "niet zozeer de werkdruk") lowers the hit's weight and says so.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import regex
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ..codebook import Codebook
from ..errors import Errors, SuggestError
from . import _text
from .base import BaseSuggester, Evidence, check_is_fitted

NEGATION_CUES = {
    "geen",
    "niet",
    "nooit",
    "niets",
    "zonder",
    "nergens",
    "nauwelijks",
    "amper",
    "allerminst",
}
# "niet alleen X maar ook Y" is not a negation of X.
NEGATION_EXCEPTIONS = {
    ("niet", "alleen"),
    ("niet", "enkel"),
    ("niet", "slechts"),
    ("geen", "enkel"),
}
CLAUSE_BREAKS = {
    ".", "!", "?", ";", ":", ",", "(", ")", "-", "–", "/",
    "maar", "echter", "want", "omdat", "doordat", "terwijl", "hoewel", "dus", "daarom", "wel", "en", "of",
}  # fmt: skip

_HITS: OrderedDict = (
    OrderedDict()
)  # (rules key, text) -> hits, shared by refits of the same codebook
_HITS_MAX = 200_000

W_KEYWORD = 0.75
W_PHRASE = 0.85
W_PATTERN = 0.85
W_COMPOUND = 0.55
# Codebook regexes run on the `regex` engine with this time limit per answer and pattern: a
# pattern that backtracks catastrophically (validation refuses the obvious ones, C053) is a
# [G040] error naming it, never a hang.
REGEX_TIMEOUT = 1.0
NEG_BEFORE = 0.2  # multiplier for a hit negated by a cue before it in the same clause
NEG_AFTER = 0.4  # cue after the hit ("wachtlijsten zijn er niet meer"): less certain


class RuleSuggester(BaseSuggester):
    """Keyword and pattern rules from the codebook.

    Parameters: ``codebook``; ``negation_window`` tokens before a hit searched for a cue
    (after a hit: ``negation_window - 2``); ``compounds`` whether keywords also count inside
    compound words. ``fit`` builds the matchers and learns nothing from confirmed codes.
    """

    def __init__(
        self,
        codebook: Codebook,
        negation_window: int = 5,
        compounds: bool = True,
        codes: list[str] | None = None,
    ) -> None:
        self.codebook = codebook
        self.codes = codes
        self.negation_window = negation_window
        self.compounds = compounds

    # --- fitting --------------------------------------------------------------------
    def fit(self, texts: Sequence[str] | None = None, Y=None) -> RuleSuggester:
        self._set_codes()
        self.key_ = (self.codebook.content_hash, self.negation_window, self.compounds)
        kw_items: list[tuple[str, str]] = []  # (code, keyword)
        for code, _, _ in self.codebook.iter_codes():
            for kw in code.keywords:
                if kw and kw.strip():
                    kw_items.append((code.id, kw.strip()))
        kw_docs = _text.process([kw for _, kw in kw_items]) if kw_items else []
        vocab = kw_docs[0].vocab if kw_docs else _text.process([""])[0].vocab
        self.vocab_ = vocab
        self.lemma_matcher_ = PhraseMatcher(vocab, attr="LEMMA")
        self.lower_matcher_ = PhraseMatcher(vocab, attr="LOWER")
        self.keywords_: dict[
            str, tuple[str, str, int]
        ] = {}  # match key -> (code, keyword, n_tokens)
        single: dict[str, list[tuple[str, str]]] = {}
        for i, ((code_id, kw), doc) in enumerate(zip(kw_items, kw_docs, strict=True)):
            key = f"kw{i}"
            copy = _text.lemma_copy(doc)
            if len(copy) == 0:
                continue
            self.keywords_[key] = (code_id, kw, len(copy))
            self.lemma_matcher_.add(key, [copy])
            self.lower_matcher_.add(key, [copy])
            if len(copy) == 1:
                for form in {copy[0].lemma_, copy[0].text.lower()}:
                    if len(form) >= 5 and form.isalpha():
                        single.setdefault(form, []).append((code_id, kw))
        self.compound_forms_ = single
        self.compound_re_ = (
            re.compile("|".join(sorted(map(re.escape, single), key=len, reverse=True)))
            if single and self.compounds
            else None
        )
        self.token_matcher_ = Matcher(vocab, validate=True)
        self.regexes_: list[tuple[str, regex.Pattern, str]] = []
        self.token_patterns_: dict[str, tuple[str, str]] = {}
        for code, _, _ in self.codebook.iter_codes():
            for j, pat in enumerate(code.patterns):
                label = pat.description or pat.regex or str(pat.tokens)
                if pat.regex:
                    try:
                        rx = regex.compile(pat.regex, regex.IGNORECASE)
                    except regex.error as exc:
                        raise SuggestError(
                            Errors.G010,
                            pattern=pat.regex,
                            code_id=code.id,
                            exc=exc,
                        ) from None
                    self.regexes_.append((code.id, rx, label))
                if pat.tokens:
                    key = f"pt_{code.id}_{j}"
                    try:
                        self.token_matcher_.add(key, [pat.tokens])
                    except Exception as exc:  # spaCy raises several types for bad patterns
                        raise SuggestError(
                            Errors.G043,
                            pattern=pat.tokens,
                            code_id=code.id,
                            exc=str(exc).splitlines()[0],
                        ) from None
                    self.token_patterns_[key] = (code.id, label)
        return self

    # --- prediction -----------------------------------------------------------------
    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        return self.score_with_evidence(texts)[0]

    def explain(self, texts: Sequence[str]) -> list[list[Evidence]]:
        return self.score_with_evidence(texts)[1]

    def score_with_evidence(self, texts: Sequence[str]) -> tuple[np.ndarray, list[list[Evidence]]]:
        """Scores (noisy-or of hit weights per code) and the hits behind them."""
        check_is_fitted(self)
        texts = list(texts)
        # rules learn nothing: hits are cached per (rules, text), so re-training never re-matches
        hits_of = {t: _HITS.get((self.key_, t)) for t in dict.fromkeys(texts)}
        todo = [t for t, hits in hits_of.items() if hits is None]
        for text, doc in zip(todo, _text.process(todo), strict=True):
            hits = self._hits(text, _text.lemma_copy(doc))
            hits.sort(key=lambda e: (-e.score, e.start or 0))
            hits_of[text] = _HITS[(self.key_, text)] = hits
            if len(_HITS) > _HITS_MAX:
                _HITS.popitem(last=False)
        S = np.zeros((len(texts), len(self.codes_)), dtype=float)
        evidence: list[list[Evidence]] = []
        for r, text in enumerate(texts):
            hits = [ev for ev in hits_of[text] if ev.code in self.code_index_]
            for ev in hits:
                j = self.code_index_[ev.code]
                S[r, j] = 1 - (1 - S[r, j]) * (1 - ev.score)
            evidence.append(hits)
        return S, evidence

    def _hits(self, text: str, doc: Doc) -> list[Evidence]:
        best: dict[tuple[str, int, int], Evidence] = {}
        covered: list[tuple[int, int]] = []

        def add(
            code: str,
            start_tok: int | None,
            end_tok: int | None,
            cs: int,
            ce: int,
            w: float,
            what: str,
        ):
            neg = self._negation(doc, start_tok, end_tok) if start_tok is not None else None
            detail = what
            if neg is not None:
                cue, before = neg
                w *= NEG_BEFORE if before else NEG_AFTER
                detail = f"{what}, negated by '{cue}'"
            ev = Evidence(code, "rules", round(w, 4), text[cs:ce], cs, ce, detail)
            key = (code, cs, ce)
            if key not in best or best[key].score < ev.score:
                best[key] = ev

        seen_kw: set[tuple[str, int, int]] = set()
        for matcher in (self.lemma_matcher_, self.lower_matcher_):
            for key_id, s, e in matcher(doc):
                key = self.vocab_.strings[key_id]
                if (key, s, e) in seen_kw:
                    continue
                seen_kw.add((key, s, e))
                code, kw, n = self.keywords_[key]
                span = doc[s:e]
                w = W_PHRASE if n > 1 else W_KEYWORD
                add(code, s, e, span.start_char, span.end_char, w, f"keyword '{kw}'")
                covered.append((span.start_char, span.end_char))
        for key_id, s, e in self.token_matcher_(doc) if len(self.token_matcher_) else []:
            code, label = self.token_patterns_[self.vocab_.strings[key_id]]
            span = doc[s:e]
            add(code, s, e, span.start_char, span.end_char, W_PATTERN, f"pattern {label}")
        for code, rx, label in self.regexes_:
            try:
                found = list(rx.finditer(text, timeout=REGEX_TIMEOUT))
            except TimeoutError:
                shown = text if len(text) <= 60 else text[:57] + "..."
                raise SuggestError(
                    Errors.G040,
                    pattern=rx.pattern,
                    code=code,
                    regex_timeout=REGEX_TIMEOUT,
                    shown=shown,
                ) from None
            for m in found:
                if m.end() <= m.start():
                    continue
                s, e = _char_to_tokens(doc, m.start(), m.end())
                add(code, s, e, m.start(), m.end(), W_PATTERN, f"pattern {label}")
        if self.compound_re_ is not None:
            lower = text.lower()
            if len(lower) == len(text):  # offsets must stay valid
                for m in self.compound_re_.finditer(lower):
                    if any(a <= m.start() and m.end() <= b for a, b in covered):
                        continue
                    ws, we = _word_bounds(text, m.start(), m.end())
                    if (ws, we) == (m.start(), m.end()):
                        continue  # a whole word that the lemma matcher did not accept
                    s, e = _char_to_tokens(doc, ws, we)
                    for code, kw in self.compound_forms_[m.group(0)]:
                        add(code, s, e, ws, we, W_COMPOUND, f"keyword '{kw}' inside a compound")
        return list(best.values())

    def _negation(self, doc: Doc, s: int, e: int | None) -> tuple[str, bool] | None:
        """The negation cue in the same clause as tokens [s, e), and whether it precedes them."""
        end = e if e is not None else s + 1
        before = range(s - 1, max(-1, s - 1 - self.negation_window), -1)
        after = range(end, min(len(doc), end + max(1, self.negation_window - 2)))
        for positions, is_before in ((before, True), (after, False)):
            for i in positions:
                low = doc[i].lower_
                if low in CLAUSE_BREAKS:
                    break
                if low in NEGATION_CUES:
                    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
                    if (low, nxt) in NEGATION_EXCEPTIONS:
                        continue
                    return doc[i].text, is_before
        return None


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    return start, end


def _char_to_tokens(doc: Doc, cs: int, ce: int) -> tuple[int | None, int | None]:
    span = doc.char_span(cs, ce, alignment_mode="expand")
    if span is None:
        return None, None
    return span.start, span.end

"""Bulk coding by search: find a question's answers with a lemma-aware query, show the hits
in context, apply a code to the chosen hits, and undo that in one call.

Query language (what the search box and ``textanalysis bulk search`` take):

* a word matches by lemma or as written: ``wachtlijst`` finds "wachtlijsten", "Wachtlijst";
  ``wacht*`` is a prefix, ``*lijst`` a suffix (on the word as written or its lemma);
* ``"lange wachttijd"`` in double quotes: those words in that order (lemmas, punctuation
  between them ignored);
* ``AND``, ``OR``, ``NOT`` (also ``EN``, ``OF``, ``NIET``; upper case), parentheses; two
  terms side by side mean AND; NOT binds tightest, then AND, then OR.

:func:`search` returns one row per hit (answer) with a keyword-in-context snippet:
``before``, ``match``, ``after``. :func:`apply` records the code on the chosen hits as the
coder's own confirmed decisions (``source='bulk'``, ``reason='bulk #ID: QUERY'``), kept as a
``bulk`` run; :func:`undo` appends decisions that restore each answer's previous state for
that code (append-only: nothing is deleted). An answer that had no decision on the code
before gets a ``rejected`` one (the current codes are exactly as before; the history shows
the undo). Answers whose code the coder changed after the bulk action are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import nlp
from ..errors import CodebookError, Errors
from ..store.undo import bulk_reason, undo_reason, undone_actions

RUN_KIND = "bulk"
HIT_COLUMNS = ["unit_id", "respondent_id", "wave", "before", "match", "after", "matches", "text"]
_OPS = {"AND": "AND", "EN": "AND", "OR": "OR", "OF": "OR", "NOT": "NOT", "NIET": "NOT"}
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_PUNCT = set(".,;:!?()[]{}\"'`/\\-–—…*")


# --- the query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase


@dataclass(frozen=True)
class Op:
    op: str  # AND, OR, NOT
    args: tuple[Any, ...]


def parse_query(query: str) -> Term | Op:
    """The query as a tree of :class:`Term` and :class:`Op` ([C080] empty, [C081] malformed)."""
    text = str(query or "").strip()
    if not text:
        raise CodebookError(Errors.C080)
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise _syntax(text, "a quote is not closed")
        pos = m.end()
        if m.group(1):
            tokens.append(("(", "("))
        elif m.group(2):
            tokens.append((")", ")"))
        elif m.group(3) is not None:
            words = tuple(w.lower() for w in m.group(3).split())
            if not words:
                raise _syntax(text, '"" is an empty phrase')
            tokens.append(("term", " ".join(words)))
        elif m.group(4) in _OPS:
            tokens.append(("op", _OPS[m.group(4)]))
        else:
            tokens.append(("term", m.group(4).lower()))
    parser = _Parser(tokens, text)
    tree = parser.or_()
    if parser.i != len(tokens):
        raise _syntax(text, f"unexpected '{tokens[parser.i][1]}'")
    return tree


def _syntax(query: str, problem: str) -> CodebookError:
    return CodebookError(Errors.C081, query=query, problem=problem)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens, self.text, self.i = tokens, text, 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def or_(self) -> Term | Op:
        args = [self.and_()]
        while self._peek() == ("op", "OR"):
            self.i += 1
            args.append(self.and_())
        return args[0] if len(args) == 1 else Op("OR", tuple(args))

    def and_(self) -> Term | Op:
        args = [self.not_()]
        while (tok := self._peek()) is not None and tok not in (("op", "OR"), (")", ")")):
            if tok == ("op", "AND"):
                self.i += 1
            args.append(self.not_())
        return args[0] if len(args) == 1 else Op("AND", tuple(args))

    def not_(self) -> Term | Op:
        if self._peek() == ("op", "NOT"):
            self.i += 1
            return Op("NOT", (self.not_(),))
        return self.atom()

    def atom(self) -> Term | Op:
        tok = self._peek()
        if tok is None:
            raise _syntax(self.text, "it ends too early")
        self.i += 1
        if tok[0] == "term":
            return Term(tuple(tok[1].split()))
        if tok[0] == "(":
            inner = self.or_()
            if self._peek() != (")", ")"):
                raise _syntax(self.text, "a '(' is not closed")
            self.i += 1
            return inner
        raise _syntax(self.text, f"unexpected '{tok[1]}'")


def _terms(tree: Term | Op, positive: bool = True) -> list[tuple[Term, bool]]:
    if isinstance(tree, Term):
        return [(tree, positive)]
    flip = tree.op == "NOT"
    return [t for a in tree.args for t in _terms(a, positive != flip)]


# --- matching ------------------------------------------------------------------------------


def _words(doc) -> list[tuple[str, str, int, int]]:
    """(lower text, lemma, start char, end char) of the word tokens of a doc."""
    out = []
    for t in doc:
        if t.is_space or all(ch in _PUNCT for ch in t.text):
            continue
        lemma = (t.lemma_ or t.text).lower().replace("_", "")
        out.append((t.lower_, lemma, t.idx, t.idx + len(t.text)))
    return out


def _word_matcher(word: str, lemma: str):
    if word.endswith("*") and len(word) > 1:
        stem = word[:-1]
        return lambda w: w[0].startswith(stem) or w[1].startswith(stem)
    if word.startswith("*") and len(word) > 1:
        tail = word[1:]
        return lambda w: w[0].endswith(tail) or w[1].endswith(tail)
    return lambda w: w[0] == word or w[1] == lemma or w[1] == word or w[0] == lemma


def _lemmas(words: Iterable[str]) -> dict[str, str]:
    words = list(dict.fromkeys(words))
    plain = [w for w in words if "*" not in w]
    docs = nlp.process(plain)
    out = {w: w for w in words}
    for w, doc in zip(plain, docs, strict=True):
        ws = _words(doc)
        out[w] = ws[0][1] if len(ws) == 1 else w
    return out


def _spans(words: list[tuple[str, str, int, int]], matchers: list) -> list[tuple[int, int]]:
    n = len(matchers)
    found = []
    for i in range(len(words) - n + 1):
        if all(matchers[k](words[i + k]) for k in range(n)):
            found.append((words[i][2], words[i + n - 1][3]))
    return found


def _evaluate(tree: Term | Op, spans: dict[Term, list]) -> bool:
    if isinstance(tree, Term):
        return bool(spans[tree])
    if tree.op == "NOT":
        return not _evaluate(tree.args[0], spans)
    results = (_evaluate(a, spans) for a in tree.args)
    return all(results) if tree.op == "AND" else any(results)


def match_texts(
    texts: list[str], query: str, cache: Any = None
) -> list[list[tuple[int, int]] | None]:
    """Per text: None when it does not match ``query``, else the (start, end) character
    spans of the words and phrases that made it match (sorted; empty when only a NOT did).
    ``cache``: where parsed texts are kept (a Store), as for the suggesters."""
    tree = parse_query(query)
    terms = _terms(tree)
    lemma = _lemmas(w for t, _ in terms for w in t.words)
    matchers = {t: [_word_matcher(w, lemma[w]) for w in t.words] for t, _ in terms}
    out: list[list[tuple[int, int]] | None] = []
    for doc in nlp.process(texts, cache=cache):
        words = _words(doc)
        spans = {t: _spans(words, matchers[t]) for t, _ in terms}
        if not _evaluate(tree, spans):
            out.append(None)
            continue
        shown = sorted({s for t, pos in terms if pos for s in spans[t]})
        out.append(shown)
    return out


def kwic(text: str, span: tuple[int, int] | None, width: int = 40) -> tuple[str, str, str]:
    """(before, match, after) around ``span``, each side cut to about ``width`` characters
    at a word boundary ('…' where cut). No span: the start of the text as ``after``."""
    if span is None:
        return "", "", _cut_right(text, 2 * width)
    start, end = span
    before = text[:start]
    if len(before) > width:
        cut = before[-width:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut[:-1] else cut)
    return before, text[start:end], _cut_right(text[end:], width)


def _cut_right(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut) + "…"


def search(
    store: Any,
    survey: str,
    question: str,
    query: str,
    *,
    wave: str | None = None,
    width: int = 40,
) -> pd.DataFrame:
    """The substantive answers of the question that match ``query``, in answer order: one row
    per answer, ``unit_id, respondent_id, wave, before, match, after, matches, text`` (the
    first hit in context; ``matches`` = how many words or phrases matched)."""
    units = store.units(survey, question, wave, substantive=True)
    texts = units["text"].astype(str).tolist()
    rows = []
    for r, spans in zip(units.itertuples(), match_texts(texts, query, store), strict=True):
        if spans is None:
            continue
        before, match, after = kwic(r.text, spans[0] if spans else None, width)
        rows.append(
            {
                "unit_id": int(r.unit_id),
                "respondent_id": r.respondent_id,
                "wave": r.wave,
                "before": before,
                "match": match,
                "after": after,
                "matches": len(spans),
                "text": r.text,
            }
        )
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


# --- applying and undoing ------------------------------------------------------------------


@dataclass(frozen=True)
class BulkAction:
    action_id: int  # the run id (``textanalysis bulk undo ACTION_ID``)
    code: str
    query: str
    applied: int  # decisions recorded
    already: int  # chosen hits that had the code already (nothing recorded)


def _last(store: Any, survey: str, question: str, coder: str, code: str) -> dict[int, pd.Series]:
    dec = store.decisions(survey=survey, question=question, coder=coder, include_undone=True)
    dec = dec[dec["code"] == code].drop_duplicates(["unit_id"], keep="last")
    return {int(r["unit_id"]): r for _, r in dec.iterrows()}


def apply(
    store: Any,
    survey: str,
    question: str,
    query: str,
    code: str,
    *,
    coder: str,
    unit_ids: Iterable[int] | None = None,
    wave: str | None = None,
) -> BulkAction:
    """Apply ``code`` to the hits of ``query`` (all of them, or the chosen ``unit_ids``, which
    must be hits: [C084]) as ``coder``'s confirmed decisions (source ``bulk``). The code must
    be in the question's codebook ([C003], [C075] without one)."""
    from ..codebook.frame import require_codebook

    codebook = require_codebook(store, survey, question)
    codebook.get(code)
    hits = search(store, survey, question, query, wave=wave)["unit_id"].tolist()
    chosen = hits if unit_ids is None else list(dict.fromkeys(int(u) for u in unit_ids))
    stray = sorted(set(chosen) - set(hits))
    if stray:
        shown = ", ".join(str(u) for u in stray[:10]) + (" …" if len(stray) > 10 else "")
        raise CodebookError(Errors.C084, n=len(stray), query=query, units=shown)
    last = _last(store, survey, question, coder, code)
    previous = {u: (str(last[u]["decision"]) if u in last else None) for u in chosen}
    todo = [u for u in chosen if previous[u] != "applied"]
    run_id = store.record_run(
        RUN_KIND,
        {
            "survey": survey,
            "question": question,
            "wave": wave,
            "query": query,
            "code": code,
            "coder": coder,
            "codebook_version": codebook.content_hash,
            "units": todo,
            "previous": {str(u): previous[u] for u in todo},
        },
    )
    rows = [
        {"unit_id": u, "code": code, "coder": coder, "source": "bulk"}
        | {"codebook_version": codebook.content_hash, "reason": bulk_reason(run_id, query)}
        for u in todo
    ]
    n = store.record_decisions(rows) if rows else 0
    return BulkAction(run_id, code, query, n, len(chosen) - len(todo))


def query_keywords(query: str) -> list[str]:
    """The words and phrases of a search made only of them joined by OR, as a code's trigger
    words (the rule suggester matches them on lemmas too, as the search does); [C090] for a
    search with AND, NOT or a wildcard, which trigger words cannot express."""
    out: list[str] = []
    todo: list[Term | Op] = [parse_query(query)]
    while todo:
        node = todo.pop(0)
        if isinstance(node, Op) and node.op == "OR":
            todo = [*node.args, *todo]
            continue
        what = (
            node.op
            if isinstance(node, Op)
            else ("a wildcard (*)" if any("*" in w for w in node.words) else None)
        )
        if what is not None:
            raise CodebookError(Errors.C090, query=query, what=what)
        out.append(" ".join(node.words))
    return list(dict.fromkeys(out))


def save_as_keywords(
    store: Any, survey: str, question: str, query: str, code: str, *, coder: str
) -> Any:
    """Add the words of ``query`` (:func:`query_keywords`) to ``code``'s trigger words, so
    the suggestions find such answers from now on: a new codebook version, logged as an
    ``edit`` operation naming the search. None when the code has them all already."""
    from ..codebook.edit import edit_code
    from ..codebook.frame import require_codebook, save_version

    words = query_keywords(query)
    codebook = require_codebook(store, survey, question)
    have = list(codebook.get(code).keywords)
    known = {k.casefold() for k in have}
    new = [w for w in words if w.casefold() not in known]
    if not new:
        return None
    edited = edit_code(codebook, code, {"keywords": [*have, *new]})
    return save_version(
        store, survey, question, edited, coder=coder, operation="edit",
        summary=f"keywords of '{code}' from search {query!r}: {', '.join(new)}",
    )  # fmt: skip


def undo(store: Any, action_id: int, *, coder: str | None = None) -> int:
    """Undo bulk action ``action_id``: for each answer it coded whose last decision on the code
    is still the bulk one, a new decision restoring the state before (``rejected`` when there
    was none or a rejection). Returns how many decisions were recorded ([C083] when already
    undone). ``coder``: who undoes it, recorded in the reason; only the coder who applied it
    may ([C088]: coders never change each other's codes; None: that coder)."""
    run = store.load_run(int(action_id))
    if run["kind"] != RUN_KIND:
        raise CodebookError(Errors.C082, action_id=action_id, kind=run["kind"])
    p = run["params"]
    if coder is not None and str(coder).strip() != str(p["coder"]):
        raise CodebookError(Errors.C088, action_id=action_id, owner=p["coder"], coder=coder)
    why = undo_reason(int(action_id), coder)
    dec = store.decisions(
        survey=p["survey"], question=p["question"], coder=p["coder"], include_undone=True
    )
    mine = dec[dec["code"] == p["code"]]
    done = mine["reason"].map(lambda r: undone_actions([r]) == {int(action_id)})
    if done.any():
        raise CodebookError(Errors.C083, action_id=action_id, n=int(done.sum()))
    last = mine.drop_duplicates(["unit_id"], keep="last").set_index("unit_id")
    bulk = bulk_reason(int(action_id), p["query"])
    rows = []
    for u in p["units"]:
        u = int(u)
        if u not in last.index or last.loc[u, "reason"] != bulk:
            continue  # changed since (or never recorded): leave the coder's later decision
        rows.append(
            {"unit_id": u, "code": p["code"], "coder": p["coder"], "decision": "rejected"}
            | {"source": "bulk", "reason": why}
        )
    return store.record_decisions(rows) if rows else 0


def actions(store: Any, survey: str | None = None, question: str | None = None) -> pd.DataFrame:
    """The bulk actions, oldest first: action_id, created_at, survey, question, query, code,
    coder, answers (how many it coded), undone (True once undone)."""
    log = store.decisions(survey=survey, question=question, include_undone=True)
    undone = undone_actions(log.loc[log["source"] == "bulk", "reason"].dropna().unique())
    rows = []
    for r in store.runs(RUN_KIND).itertuples():
        p = r.params
        if (survey is None or p.get("survey") == survey) and (
            question is None or p.get("question") == question
        ):
            keep = ["survey", "question", "query", "code", "coder"]
            rows.append(
                {"action_id": int(r.run_id), "created_at": r.created_at}
                | {k: p.get(k) for k in keep}
                | {"answers": len(p.get("units") or []), "undone": int(r.run_id) in undone}
            )
    cols = ["action_id", "created_at", "survey", "question", "query", "code", "coder", "answers"]
    cols.append("undone")
    return pd.DataFrame(rows, columns=cols)

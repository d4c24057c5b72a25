"""Topics and the codebook: overlap with codes, promoting or merging a topic into a new codebook version."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..codebook import Codebook, bump_version, find_code, parse_codebook, revalidate
from ..codebook.edit import check_label_free
from ..errors import Errors, TopicsError
from .result import (
    TopicResult,
)


# --------------------------------------------------------------------------------------
# Topics versus codes
# --------------------------------------------------------------------------------------
def topic_code_overlap(
    result: TopicResult, codes_df: pd.DataFrame, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Per topic the share of its answers carrying each code.

    ``codes_df`` has ``id`` (or ``unit_id``) and ``code``. Returns topic, topic_label, size,
    code, code_label, answers, share, sorted by topic then share (descending). A topic
    without any coded answer gets one row with code None and share 0.
    """
    id_col = "id" if "id" in codes_df.columns else "unit_id"
    if id_col not in codes_df.columns or "code" not in codes_df.columns:
        raise TopicsError(
            Errors.T011,
            columns=", ".join(map(str, codes_df.columns)),
        )
    # codes made under an older codebook version keep their id as label rather than failing
    labels = codebook.labels() if codebook is not None else {}
    codes = codes_df[[id_col, "code"]].astype(str).drop_duplicates()
    codes = codes.rename(columns={id_col: "id"})
    themed = result.assignments[result.assignments["topic"] >= 0][["id", "topic", "topic_label"]]
    sizes = themed.groupby("topic").size()
    merged = themed.merge(codes, on="id", how="left")
    rows = []
    for topic, group in merged.groupby("topic", sort=True):
        size = int(sizes[topic])
        label = group["topic_label"].iloc[0]
        counts = group["code"].dropna().value_counts()
        if counts.empty:
            rows.append(
                {
                    "topic": topic,
                    "topic_label": label,
                    "size": size,
                    "code": None,
                    "code_label": None,
                    "answers": 0,
                    "share": 0.0,
                }
            )
            continue
        for code, answers in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append(
                {
                    "topic": topic,
                    "topic_label": label,
                    "size": size,
                    "code": code,
                    "code_label": labels.get(code, code),
                    "answers": int(answers),
                    "share": round(answers / size, 4),
                }
            )
    return pd.DataFrame(
        rows, columns=["topic", "topic_label", "size", "code", "code_label", "answers", "share"]
    )


def best_code_per_topic(
    overlap: pd.DataFrame, min_share: float = 0.3
) -> dict[int, tuple[str, str, float] | None]:
    """Per topic the code most of its answers carry, as (code, label, share), or None below ``min_share``."""
    out: dict[int, tuple[str, str, float] | None] = {}
    for topic, group in overlap.groupby("topic", sort=True):
        best = group.sort_values(["share", "code"], ascending=[False, True]).iloc[0]
        if best["code"] is None or pd.isna(best["code"]) or best["share"] < min_share:
            out[int(topic)] = None
        else:
            out[int(topic)] = (str(best["code"]), str(best["code_label"]), float(best["share"]))
    return out


def describe_overlap(overlap: pd.DataFrame, min_share: float = 0.3) -> dict[int, str]:
    """One sentence per topic: "topic 4 is mostly 'personeelstekort' (62%)" or "matches no code"."""
    return {
        topic: f"topic {topic} matches no code"
        if best is None
        else f"topic {topic} is mostly '{best[1]}' ({best[2]:.0%})"
        for topic, best in best_code_per_topic(overlap, min_share).items()
    }


# --------------------------------------------------------------------------------------
# Topics into the codebook
# --------------------------------------------------------------------------------------
def _revalidate(data: dict[str, Any], source: str) -> Codebook:
    """Through the codebook validator, as if the YAML had been written by hand ([C0xx] errors)."""
    parsed = revalidate(data, source)
    return parse_codebook(Codebook.model_validate(parsed.to_dict()).to_yaml(), source=source)


def _lemma_tokens(texts: list[str], cache=None) -> list[list[str]]:
    """Lemmas per text as :func:`lemma_strings` makes them (``|`` between phrases)."""
    from .text import lemma_strings

    return [s.split() for s in lemma_strings(texts, cache=cache)]


def _has_phrase(tokens: list[str], words: list[str]) -> bool:
    n = len(words)
    return any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1))


def distinctive_keywords(
    result: TopicResult,
    topic: int,
    *,
    n_keywords: int = 5,
    min_precision: float = 0.6,
    min_answers: int = 2,
    cache=None,
) -> list[str]:
    """The topic's keyphrases that are specific to it, to use as a code's keyword triggers.

    Of the run's answers containing a keyphrase (by lemma), at least ``min_precision`` must
    belong to the topic, and at least ``min_answers`` of the topic's answers must contain it:
    a keyword rule with it then fires mostly on answers like the topic's. Generic words that
    c-TF-IDF still ranks high ("nieuw", "wijk") fire everywhere and are left out; the list may
    be empty (then the code is suggested by its label, definition and examples only). Without
    the run's answer texts (``doc_map``) no keyword is kept.
    """
    row = result.topic_row(topic)
    docs = result.doc_map
    if docs.empty or "text" not in docs:
        return []
    lemmas = _lemma_tokens(docs["text"].astype(str).tolist(), cache)
    in_topic = (docs["topic"].astype(int) == int(topic)).tolist()
    need = min(min_answers, sum(in_topic))
    kept: list[str] = []
    for kw in row["keywords"]:
        words = str(kw).split()
        has = [_has_phrase(t, words) for t in lemmas]
        hits = sum(has)
        mine = sum(h and m for h, m in zip(has, in_topic, strict=True))
        if hits and mine >= need and mine / hits >= min_precision:
            kept.append(str(kw))
        if len(kept) == n_keywords:
            break
    return kept


def propose_label(result: TopicResult, topic: int, *, cache=None, max_chars: int = 60) -> str:
    """A short Dutch label for a topic, from its most typical answers (not its keyword list).

    The keyphrase (c-TF-IDF order, among the first 10) found in most of the representative
    answers wins; a longer phrase containing it that is found as often is preferred ("nieuwe
    huisarts" over "huisarts"). It is written as in the first typical answer that has it,
    with a capital: "Nieuwe huisarts". Without any: the first keyphrase, else "Thema N".
    """
    row = result.topic_row(topic)
    keywords = [str(k) for k in row["keywords"]][:10]
    reps = [str(t) for t in row.get("representative_texts", [])]
    if not keywords:
        return f"Thema {topic}"
    rep_lemmas = _lemma_tokens(reps, cache) if reps else []
    cover = {k: sum(_has_phrase(t, k.split()) for t in rep_lemmas) for k in keywords}
    found = {k: _occurrence(k, reps, cache) for k in keywords if cover[k]}
    nounish = {k: _noun_headed(*found[k]) for k in found}  # a label names a thing

    def rank(k: str) -> tuple:
        return (cover[k] > 0, nounish.get(k, False), cover[k], -keywords.index(k))

    best = max(keywords, key=rank)
    longer = [
        k
        for k in keywords
        if k != best and rank(k)[:3] == rank(best)[:3] and f" {best} " in f" {k} "
    ]
    if longer:
        best = longer[0]
    label = found[best][0] if best in found else best
    label = label.strip()[:max_chars].strip()
    return label[:1].upper() + label[1:] if label else f"Thema {topic}"


def _noun_headed(written: str, last: Any) -> bool:
    """Whether a phrase ends on a noun: by the pipeline's part of speech when it has one
    (nl_core_news_md), else not on a conjugated verb ("garandeert": lemma "garanderen") or
    an inflected adjective alone ("fiscale": lemma "fiscaal")."""
    if last is None:
        return False
    if last.pos_:
        return last.pos_ in ("NOUN", "PROPN")
    text, lemma = last.text.lower(), (last.lemma_ or last.text).lower()
    if lemma.endswith("en") and text != lemma and not text.endswith(("en", "s")):
        return False  # a finite verb form: the lemma is the infinitive
    single = " " not in written.strip()
    return not (single and text.endswith("e") and text != lemma and not lemma.endswith("e"))


def _occurrence(phrase: str, texts: list[str], cache=None) -> tuple[str, Any]:
    """``phrase`` (lemmas) as written in the first of ``texts`` that has it, with its last
    token (None when no text has it)."""
    from .. import nlp

    words = phrase.split()
    for text, doc in zip(texts, nlp.process(texts, cache=cache), strict=True):
        toks = [t for t in doc if not t.is_space]
        lemmas = [
            "|" if t.is_punct or not any(ch.isalnum() for ch in t.text) else
            (t.lemma_ or t.text).lower()
            for t in toks
        ]  # fmt: skip
        for i in range(len(toks) - len(words) + 1):
            if lemmas[i : i + len(words)] == words:
                last = toks[i + len(words) - 1]
                return text[toks[i].idx : last.idx + len(last.text)], last
    return phrase, None


def definition_draft(result: TopicResult, topic: int, label: str) -> str:
    """A Dutch definition draft for a promoted topic, to edit before saving."""
    row = result.topic_row(topic)
    words = ", ".join(str(k) for k in row["keywords"][:5])
    what = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return (
        f"Het antwoord noemt {what.strip()} of iets wat daar direct bij hoort. "
        f"(Voorstel uit thema {topic}: {int(row['size'])} antwoorden; kenmerkende woorden: "
        f"{words}.)"
    )


def promote_topic(
    codebook: Codebook | None,
    result: TopicResult,
    topic: int,
    code_id: str,
    label: str,
    parent: str | None = None,
    *,
    n_keywords: int = 5,
    definition: str | None = None,
    keywords: list[str] | None = None,
    cache=None,
    question: str | None = None,
) -> Codebook:
    """A new codebook version with a code made from ``topic``.

    The code gets ``label`` (:func:`propose_label` proposes one), ``definition`` (see
    :func:`definition_draft`), as keywords only the topic's keyphrases specific to it
    (``keywords``, else :func:`distinctive_keywords`; possibly none) and its (up to 3) most
    typical answers (verbatim) as examples; it goes at the top level or under ``parent``.
    Without a ``codebook`` (a question not coded yet) the code starts the question's first
    one, named after ``question``.
    """
    row = result.topic_row(topic)
    if keywords is None:
        keywords = distinctive_keywords(result, topic, n_keywords=n_keywords, cache=cache)
    check_label_free(codebook, label)
    if codebook is None:
        name = str(question or "codeboek")
        data = {"name": name, "version": "0", "questions": [name], "codes": []}
        data["codes"].append(_topic_code(row, code_id, label, definition, keywords, n_keywords))
        data["version"] = "1"
        return _revalidate(data, name)
    if code_id in codebook.code_ids:
        raise TopicsError(
            Errors.T009,
            code_id=code_id,
            codebook=codebook.name,
        )
    if parent is not None:
        codebook.get(parent)
    new_code = _topic_code(row, code_id, label, definition, keywords, n_keywords)
    data = codebook.to_dict()
    if parent is None:
        data["codes"].append(new_code)
    else:
        find_code(data["codes"], parent).setdefault("children", []).append(new_code)  # type: ignore[union-attr]
    data["version"] = bump_version(codebook.version)
    return _revalidate(data, codebook.name)


def _topic_code(row, code_id, label, definition, keywords, n_keywords) -> dict[str, Any]:  # noqa: ANN001
    new_code = {
        "id": code_id,
        "label": label,
        "description": (definition or "").strip() or None,
        "keywords": list(keywords[:n_keywords]) or None,
        "examples": list(row["representative_texts"])[:3],
    }
    return {k: v for k, v in new_code.items() if v is not None}


def merge_topic(
    codebook: Codebook, result: TopicResult, topic: int, code_id: str, *, n_keywords: int = 5
) -> Codebook:
    """A new codebook version where code ``code_id`` gains the topic's keywords and examples."""
    row = result.topic_row(topic)
    codebook.get(code_id)
    data = codebook.to_dict()
    code = find_code(data["codes"], code_id)  # the id was checked above
    known = {k.lower() for k in code.get("keywords", [])}
    for kw in row["keywords"][:n_keywords]:
        if kw.lower() not in known:
            code.setdefault("keywords", []).append(kw)
            known.add(kw.lower())
    examples = code.setdefault("examples", [])
    for text in row["representative_texts"]:
        if text not in examples:
            examples.append(text)
    data["version"] = bump_version(codebook.version)
    return _revalidate(data, codebook.name)


def write_codebook_version(
    codebook: Codebook, path: str | Path, *, store=None, overwrite: bool = False
) -> Path:
    """Write ``codebook`` next to the old YAML as ``{stem}.v{version}.yaml``; never overwrite silently.

    With ``store`` the version is also saved in the database (``Store.save_codebook``).
    """
    path = Path(path)
    stem = re.sub(r"\.v[\w.-]+$", "", path.stem)
    target = path.with_name(f"{stem}.v{codebook.version}.yaml")
    if target.exists() and not overwrite:
        raise TopicsError(
            Errors.T007,
            target=target,
        )
    target.write_text(codebook.to_yaml(), encoding="utf-8")
    if store is not None:
        store.save_codebook(codebook)
    return target

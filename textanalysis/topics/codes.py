"""Topics and the codebook: overlap with codes, promoting or merging a topic into a new codebook version."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..codebook import Codebook, bump_version, find_code, parse_codebook, revalidate
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


def promote_topic(
    codebook: Codebook,
    result: TopicResult,
    topic: int,
    code_id: str,
    label: str,
    parent: str | None = None,
    *,
    n_keywords: int = 5,
) -> Codebook:
    """A new codebook version with a code made from ``topic``.

    The code gets ``label``, the topic's top keyphrases as keywords and its representative
    answers (verbatim) as examples; it goes at the top level or under ``parent``.
    """
    row = result.topic_row(topic)
    if code_id in codebook.code_ids:
        raise TopicsError(
            Errors.T009,
            code_id=code_id,
            codebook=codebook.name,
        )
    if parent is not None:
        codebook.get(parent)
    new_code = {
        "id": code_id,
        "label": label,
        "keywords": list(row["keywords"][:n_keywords]),
        "examples": list(row["representative_texts"]),
    }
    data = codebook.to_dict()
    if parent is None:
        data["codes"].append(new_code)
    else:
        find_code(data["codes"], parent).setdefault("children", []).append(new_code)  # type: ignore[union-attr]
    data["version"] = bump_version(codebook.version)
    return _revalidate(data, codebook.name)


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

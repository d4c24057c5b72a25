"""Storing topic runs in the database and loading them back."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..errors import Errors, TextAnalysisError, TopicsError
from .result import (
    ASSIGNMENT_COLUMNS,
    RUN_KIND,
    TOPIC_COLUMNS,
    TopicResult,
)


# --------------------------------------------------------------------------------------
# Persistence
# --------------------------------------------------------------------------------------
def result_to_dict(result: TopicResult) -> dict[str, Any]:
    """JSON-ready form of a run (topic words, assignments, map) for the Store."""
    return {
        "assignments": json.loads(result.assignments.to_json(orient="records")),
        "topics": json.loads(result.topics.to_json(orient="records")),
        "doc_map": json.loads(result.doc_map.to_json(orient="records"))
        if not result.doc_map.empty
        else [],
        "versions": result.versions,
    }


def result_from_dict(
    params: dict[str, Any], data: dict[str, Any], run_id: int | None = None
) -> TopicResult:
    assignments = pd.DataFrame(data["assignments"], columns=ASSIGNMENT_COLUMNS)
    assignments["id"] = assignments["id"].astype(str)
    topics = pd.DataFrame(data["topics"], columns=[*TOPIC_COLUMNS, "representative_texts"])
    doc_map = pd.DataFrame(data.get("doc_map", []))
    if not doc_map.empty:
        doc_map["id"] = doc_map["id"].astype(str)
    return TopicResult(assignments, topics, dict(params), dict(data["versions"]), doc_map, run_id)


def save_run(store, result: TopicResult) -> int:
    """Record the run in the database; returns its run id (also set on ``result``)."""
    params = {**result.params, "versions": result.versions}
    run_id = store.record_run(RUN_KIND, params, result_to_dict(result))
    result.run_id = int(run_id)
    return result.run_id


def load_saved_run(store, run_id: int) -> TopicResult:
    """A stored run back as a :class:`TopicResult`, or [T008] when there is no such topic run."""
    try:
        run = store.load_run(run_id)
    except TextAnalysisError:
        run = None
    if run is None:
        raise TopicsError(Errors.T008, run_id=run_id)
    kind = _get(run, "kind")
    if kind is not None and kind != RUN_KIND:
        raise TopicsError(Errors.T044, run_id=run_id, kind=kind)
    params = dict(_get(run, "params") or {})
    params.pop("versions", None)
    return result_from_dict(params, _get(run, "result"), run_id)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


# --------------------------------------------------------------------------------------
# Which answers to look for themes in
# --------------------------------------------------------------------------------------
NOBODY = "*"  # ``not_coded_by``: answers no coder has decided on yet


def units_to_explore(
    store, survey: str, question: str, wave: str | None = None, *, not_coded_by: str | None = None
) -> pd.DataFrame:
    """The substantive answers of a stored question to look for themes in: all of them
    (``not_coded_by=None``), those no coder has coded yet (:data:`NOBODY`), or those coder
    ``not_coded_by`` has not coded yet. An answer counts as coded by a coder once they
    recorded any decision on it (a code, or "no code applies"). May be empty: check before
    fitting (fewer than ``MIN_ANSWERS`` is [T004])."""
    units = store.units(survey, question, wave, substantive=True)
    if not_coded_by is None:
        return units
    coder = None if not_coded_by == NOBODY else not_coded_by
    done = store.decisions(survey=survey, question=question, wave=wave, coder=coder)
    return units[~units["unit_id"].isin(set(done["unit_id"]))].copy()

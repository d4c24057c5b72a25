"""CSV in/out of the ``topics`` command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import Errors, TopicsError
from .model import (
    fit_topics,
)
from .result import (
    TopicResult,
)


# --------------------------------------------------------------------------------------
# CSV in/out for the CLI
# --------------------------------------------------------------------------------------
def read_answers_csv(path: str | Path) -> pd.DataFrame:
    """ANSWERS.csv with columns id,text (ids kept as strings), read by the one CLI CSV reader.

    T001 missing file, T040 not UTF-8 text, T041 empty file, T042 not a valid CSV,
    T002 no id/text columns.
    """
    from ..csvio import CsvErrors, read_csv

    path = Path(path)
    df = read_csv(
        path, "Answers", CsvErrors(TopicsError, Errors.T001, Errors.T040, Errors.T041, Errors.T042)
    )
    missing = [c for c in ("id", "text") if c not in df.columns]
    if missing:
        raise TopicsError(
            Errors.T002,
            path=path,
            missing=", ".join(missing),
            columns=", ".join(df.columns),
        )
    return df


def run_topics_csv(
    answers: str | Path,
    out: str | Path,
    *,
    n_topics: int | None = None,
    seed: int = 42,
    fast: bool = False,
) -> TopicResult:
    """The ``topics`` command: read id,text, fit, write OUT and OUT's _topics.csv."""
    from ..csvio import check_out

    df = read_answers_csv(answers)
    out = check_out(out, TopicsError, Errors.T013)
    result = fit_topics(
        df["text"].tolist(), df["id"].tolist(), n_topics=n_topics, seed=seed, fast=fast
    )
    result.to_csvs(out)
    return result

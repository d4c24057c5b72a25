"""A topic run's result (:class:`TopicResult`) and its table contracts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Errors, TopicsError

NO_ANSWER_LABEL = "geen antwoord"
OUTLIER_LABEL = "overig"
NO_ANSWER_TOPIC = -1
RUN_KIND = "topics"

#: Survey filler that says nothing about a theme in social-domain surveys; configurable per survey.
DEFAULT_STOP_WORDS_EXTRA: tuple[str, ...] = (
    "gemeente",
    "gemeentelijk",
    "wijkteam",
    "wijkteams",
    "sociaal",
    "domein",
    "team",
    "ontwikkeling",
    "beleidsontwikkeling",
    "nvt",
    "etc",
    "ipv",
    "oa",
    "mbt",
    "tav",
)

ASSIGNMENT_COLUMNS = ["id", "topic", "topic_label", "probability"]
TOPIC_COLUMNS = ["topic", "size", "label", "keywords", "representative_ids"]
MIN_ANSWERS = 10  # fewer substantive answers than this cannot form themes worth showing
_SOFTMAX_TEMPERATURE = 0.1  # a cosine gap of 0.1 between topics is a 2.7x odds ratio
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"  # words of 2+ letters, no digits


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclass
class TopicResult:
    """One topic run.

    ``assignments``: id, topic, topic_label, probability (every input id, non-answers -1).
    ``probability`` is the soft assignment to the topic (softmax over cosine similarity to
    the topic centroids), the same for both configurations; 1.0 for non-answers, 0.0 for
    outliers left in -1 ("overig").
    ``topics``: topic, size, label, keywords (list), representative_ids (list),
    representative_texts (list, verbatim answers). ``doc_map``: id, x, y, topic, topic_label,
    text (2-D projection of the embeddings, for the document map).
    """

    assignments: pd.DataFrame
    topics: pd.DataFrame
    params: dict[str, Any]
    versions: dict[str, str]
    doc_map: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_id: int | None = None

    def topic_row(self, topic: int) -> pd.Series:
        """The row of ``topic`` in :attr:`topics`, or a [T006] error listing the known topics."""
        rows = self.topics[self.topics["topic"] == topic]
        if topic < 0 or rows.empty:
            known = ", ".join(str(t) for t in self.topics["topic"] if t >= 0)
            raise TopicsError(
                Errors.T006,
                topic=topic,
                known=known,
            )
        return rows.iloc[0]

    def to_csvs(self, out: str | Path) -> tuple[Path, Path]:
        """Write the CLI contract: OUT (assignments) and OUT's ``{stem}_topics.csv`` next to it."""
        out = Path(out)
        topics_path = out.with_name(f"{out.stem}_topics.csv")
        from ..csvio import write_csv

        write_csv(assignments_frame(self), out, lineterminator="\n")
        write_csv(topics_frame(self), topics_path, lineterminator="\n")
        return out, topics_path


def assignments_frame(result: TopicResult) -> pd.DataFrame:
    """The exact ``id,topic,topic_label,probability`` table (probabilities rounded for stable CSVs)."""
    df = result.assignments[ASSIGNMENT_COLUMNS].copy()
    df["probability"] = df["probability"].astype(float).round(4)
    return df


def topics_frame(result: TopicResult) -> pd.DataFrame:
    """The exact ``topic,size,label,keywords,representative_ids`` table (lists joined with '; ')."""
    df = result.topics[TOPIC_COLUMNS].copy()
    df["keywords"] = df["keywords"].map(lambda ks: "; ".join(ks))
    df["representative_ids"] = df["representative_ids"].map(lambda ids: "; ".join(map(str, ids)))
    return df

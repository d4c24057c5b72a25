"""Theme discovery with BERTopic: what do answers talk about that the codebook misses?

BERTopic is installed without torch/sentence-transformers, so it never embeds documents
itself: answers are embedded once by :mod:`textanalysis.embed` (cached per text hash in
memory and in the Store) and passed in as precomputed embeddings. Topic words come from
c-TF-IDF over Dutch *lemmas* (1-3 word keyphrases, spaCy's Dutch stop words plus survey
filler), so "wijkteams"/"wijkteam" count as one word. Two clustering configurations:

* fast (tests, quick looks): PCA + KMeans, deterministic, no numba compilation;
* real (default): UMAP + HDBSCAN with a minimum cluster size relative to N, followed by
  BERTopic's outlier reduction so small surveys do not end up half in topic -1.

Both are seeded: the same answers, settings and seed give the same topics. Non-answers
("nvt", "geen", empty) never form a topic: they are left out before fitting and get topic
-1 with label ``geen antwoord``. Topics can be compared with existing codes and promoted
into the codebook (a new, validated codebook version).

Modules: :mod:`.result` (the run and its tables), :mod:`.text` (non-answers, lemmas, stop
words), :mod:`.model` (fitting), :mod:`.codes` (overlap with codes, promoting topics into the
codebook through :mod:`textanalysis.codebook.edit`), :mod:`.runs` (database), :mod:`.io`
(the ``topics`` command's CSVs), :mod:`.charts` (app figures).
"""

from .charts import topic_map_chart, topic_sizes_chart
from .codes import (  # bump_version: the one in codebook.edit
    best_code_per_topic,
    bump_version,
    definition_draft,
    describe_overlap,
    distinctive_keywords,
    merge_topic,
    promote_topic,
    propose_label,
    topic_code_overlap,
    write_codebook_version,
)
from .io import read_answers_csv, run_topics_csv
from .model import (
    LemmaAnalyzer,
    default_min_topic_size,
    default_n_topics,
    fit_question,
    fit_topics,
    uncovered_units,
)
from .result import (
    ASSIGNMENT_COLUMNS,
    DEFAULT_STOP_WORDS_EXTRA,
    MIN_ANSWERS,
    NO_ANSWER_LABEL,
    NO_ANSWER_TOPIC,
    OUTLIER_LABEL,
    RUN_KIND,
    TOPIC_COLUMNS,
    TopicResult,
    assignments_frame,
    topics_frame,
)
from .runs import (
    NOBODY,
    load_saved_run,
    result_from_dict,
    result_to_dict,
    save_run,
    units_to_explore,
)
from .text import dutch_stop_words, lemma_strings, non_answer_reason, pipeline_key

__all__ = [
    "bump_version",
    "ASSIGNMENT_COLUMNS",
    "DEFAULT_STOP_WORDS_EXTRA",
    "LemmaAnalyzer",
    "MIN_ANSWERS",
    "NOBODY",
    "NO_ANSWER_LABEL",
    "NO_ANSWER_TOPIC",
    "OUTLIER_LABEL",
    "RUN_KIND",
    "TOPIC_COLUMNS",
    "TopicResult",
    "assignments_frame",
    "best_code_per_topic",
    "default_min_topic_size",
    "default_n_topics",
    "definition_draft",
    "describe_overlap",
    "distinctive_keywords",
    "dutch_stop_words",
    "fit_question",
    "fit_topics",
    "lemma_strings",
    "load_saved_run",
    "merge_topic",
    "non_answer_reason",
    "pipeline_key",
    "promote_topic",
    "propose_label",
    "read_answers_csv",
    "result_from_dict",
    "result_to_dict",
    "run_topics_csv",
    "save_run",
    "topic_code_overlap",
    "topic_map_chart",
    "topic_sizes_chart",
    "topics_frame",
    "uncovered_units",
    "units_to_explore",
    "write_codebook_version",
]

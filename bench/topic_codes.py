"""Themes that become codes, on real, human-coded data: how well a promoted topic's code is
suggested, against promoting it the plain way, measured in the same run.

Topics are found in all answers of a data set (the fast configuration, seeded). Every topic
is promoted to a code in two codebooks, then the suggestions run cold (no coded answers,
every answer's text available, as on Coderen) and pre-tick a code at score >= 0.5:

* the tool: ``topics.promote_topic`` with ``propose_label`` (a key phrase as written in the
  most typical answers), ``definition_draft`` and only the topic's distinctive keywords as
  triggers;
* the baseline: the first version's promotion: the topic's keyword list as label
  ("huisarts, nieuw, wijk"), its top 5 keywords as triggers;

both with the topic's 3 most typical answers as examples. A pre-tick is right when the answer
carries the human code most common among the topic's answers (the code the topic stands
for). Printed: micro precision, recall and F1 of the pre-ticks, and the share of pre-ticks
outside the topic.

    .venv/bin/python bench/topic_codes.py --data ../shared/devdata/kamervragen [--seed 42]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.codebook import parse_codebook  # noqa: E402
from textanalysis.embed import get_embedder  # noqa: E402
from textanalysis.suggest import EnsembleSuggester  # noqa: E402
from textanalysis.topics import (  # noqa: E402
    definition_draft,
    fit_topics,
    promote_topic,
    propose_label,
)


def plain_codebook(result, topics: list[int]):  # noqa: ANN001
    codes = []
    for t in topics:
        row = result.topic_row(t)
        kws = [str(k) for k in row["keywords"]]
        codes.append(
            {"id": f"t{t}", "label": ", ".join(kws[:3]) or f"thema {t}", "keywords": kws[:5],
             "examples": list(row["representative_texts"])[:3]}
        )  # fmt: skip
    return parse_codebook(_yaml({"name": "plain", "version": "1", "codes": codes}), "plain")


def _yaml(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def tool_codebook(result, topics: list[int]):  # noqa: ANN001
    cb = None
    for t in topics:
        label = propose_label(result, t)
        taken = {c.label.lower() for c, _, _ in cb.iter_codes()} if cb is not None else set()
        if label.lower() in taken:  # two topics may share a key phrase: as an analyst would
            label = f"{label} ({t})"
        cb = promote_topic(
            cb, result, t, f"t{t}", label, definition=definition_draft(result, t, label),
            question="bench",
        )  # fmt: skip
    return cb


def score(cb, texts, topic_of, target, topics) -> dict[str, float]:  # noqa: ANN001
    model = EnsembleSuggester(cb).fit([], [], unlabeled=texts)
    S = model.predict_scores(texts)
    pre = S >= 0.5
    tp = fp = fn = outside = 0
    for j, code in enumerate(cb.code_ids):
        t = int(code[1:])
        right = np.array([target[t] in g for g in GOLD])
        tp += int((pre[:, j] & right).sum())
        fp += int((pre[:, j] & ~right).sum())
        fn += int((~pre[:, j] & right).sum())
        outside += int((pre[:, j] & (topic_of != t)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "pre": tp + fp,
            "outside": outside / (tp + fp) if tp + fp else 0.0}  # fmt: skip


GOLD: list[set[str]] = []


def run(data: Path, seed: int) -> None:
    frames = [pd.read_csv(data / f, dtype=str).fillna("") for f in ("train.csv", "test.csv")]
    answers = pd.concat(frames, ignore_index=True)
    texts = answers["text"].tolist()
    GOLD[:] = [{c.strip() for c in s.split(";") if c.strip()} for s in answers["codes"]]
    ids = [str(i) for i in range(len(texts))]
    result = fit_topics(texts, ids, fast=True, seed=seed,
                        embedder=get_embedder())  # fmt: skip
    a = result.assignments.assign(id=result.assignments["id"].astype(str)).set_index("id").loc[ids]
    topic_of = a["topic"].to_numpy()
    topics = [int(t) for t in result.topics["topic"] if t >= 0]
    target = {}
    for t in topics:
        counts = Counter(c for i in np.flatnonzero(topic_of == t) for c in GOLD[i])
        target[t] = counts.most_common(1)[0][0] if counts else ""
    tool, plain = tool_codebook(result, topics), plain_codebook(result, topics)
    print(f"\n== {data.name}: {len(texts)} answers, {len(topics)} topics promoted ==")
    for t in topics[:8]:
        print(f"  topic {t:>2}: tool '{tool.get(f't{t}').label}' | plain "
              f"'{plain.get(f't{t}').label}' | human code '{target[t]}'")  # fmt: skip
    print(f"{'':22}{'precision':>10}{'recall':>8}{'F1':>7}{'pre-ticks':>10}{'outside':>9}")
    for name, cb in (("promoted (tool)", tool), ("keyword list (plain)", plain)):
        s = score(cb, texts, topic_of, target, topics)
        print(f"{name:22}{s['precision']:10.3f}{s['recall']:8.3f}{100 * s['f1']:7.1f}"
              f"{s['pre']:10d}{s['outside']:9.2f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    for data in args.data:
        run(data, args.seed)


if __name__ == "__main__":
    main()

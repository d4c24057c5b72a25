"""Bulk coding by search on real, human-coded data: the lemma-aware search against plain
whole-word search, measured in the same run.

For every code of the data set's codebook, the analyst searches the content words of its
label (``"Vervoer per spoor"`` -> ``vervoer OR spoor``) and applies the code to all hits.
Printed per data set, side by side:

* the tool: ``coding.bulk.match_texts`` (a word matches by lemma or as written, so
  ``vluchteling`` finds "vluchtelingen");
* the baseline: the same words as case-insensitive whole words, as a spreadsheet filter or a
  QDA program's lexical search finds them;

with micro precision, recall and F1 of the hits against the gold codes over all answers,
how many codes gain recall, and the seconds a search takes (texts parsed once, as the app
caches them).

A data directory holds ``codebook.yaml`` and ``train.csv``/``test.csv`` (``id,text,codes``)
as ``../shared/devdata/kamervragen``; both files are searched (a search needs no training).

    .venv/bin/python bench/bulk_search.py --data ../shared/devdata/kamervragen
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis import nlp  # noqa: E402
from textanalysis.codebook import load_codebook  # noqa: E402
from textanalysis.coding.bulk import match_texts  # noqa: E402
from textanalysis.topics.text import dutch_stop_words  # noqa: E402


def label_query(label: str, stop: set[str]) -> list[str]:
    """The words an analyst would type for a code: the label's content words."""
    words = re.findall(r"[^\W\d_]+", label.lower())
    return [w for w in words if len(w) >= 4 and w not in stop]


def baseline_hits(texts: list[str], words: list[str]) -> list[bool]:
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return [bool(pattern.search(t)) for t in texts]


def true_hits(flags: list[bool], gold: list[set[str]], code: str) -> int:
    return sum(f and code in g for f, g in zip(flags, gold, strict=True))


def scores(hits: dict[str, list[bool]], gold: list[set[str]]) -> dict[str, float]:
    tp = fp = fn = 0
    for code, flags in hits.items():
        for flag, codes in zip(flags, gold, strict=True):
            tp += flag and code in codes
            fp += flag and code not in codes
            fn += (not flag) and code in codes
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "hits": tp + fp,
    }


def run(data: Path) -> None:
    frames = [pd.read_csv(data / f, dtype=str).fillna("") for f in ("train.csv", "test.csv")]
    answers = pd.concat(frames, ignore_index=True)
    texts = answers["text"].tolist()
    gold = [{c.strip() for c in str(s).split(";") if c.strip()} for s in answers["codes"]]
    codebook = load_codebook(data / "codebook.yaml")
    stop = set(dutch_stop_words())
    t0 = time.perf_counter()
    nlp.process(texts)  # parsed once: the app keeps parsed texts in the database
    parse_s = time.perf_counter() - t0

    tool: dict[str, list[bool]] = {}
    base: dict[str, list[bool]] = {}
    seconds = []
    gains = 0
    searched = 0
    for code in codebook.code_ids:
        words = label_query(codebook.get(code).label, stop)
        if not words:
            continue
        searched += 1
        t0 = time.perf_counter()
        found = match_texts(texts, " OR ".join(words))
        seconds.append(time.perf_counter() - t0)
        tool[code] = [m is not None for m in found]
        base[code] = baseline_hits(texts, words)
        gold_n = sum(code in g for g in gold)
        gains += gold_n > 0 and true_hits(tool[code], gold, code) > true_hits(
            base[code], gold, code
        )
    t, b = scores(tool, gold), scores(base, gold)
    print(f"\n== {data.name}: {len(texts)} answers, {searched} of {len(codebook.code_ids)} codes "
          f"searched by their label's words ==")  # fmt: skip
    print(f"{'':24}{'precision':>10}{'recall':>8}{'F1':>7}{'hits':>7}")
    for name, s in (("lemma-aware (tool)", t), ("whole words (baseline)", b)):
        print(
            f"{name:24}{s['precision']:10.3f}{s['recall']:8.3f}{100 * s['f1']:7.1f}{s['hits']:7d}"
        )
    ratio = t["recall"] / b["recall"] if b["recall"] else float("inf")
    print(f"recall ratio tool/baseline: {ratio:.2f}x; codes with more true hits: {gains}")
    print(f"search: median {1000 * sorted(seconds)[len(seconds) // 2]:.0f} ms per query "
          f"over {len(texts)} parsed answers (parsing once: {parse_s:.1f} s)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", type=Path, required=True)
    args = ap.parse_args()
    for data in args.data:
        if not (data / "codebook.yaml").exists():
            sys.exit(f"{data}: no codebook.yaml here (see the docstring for the layout)")
        run(data)


if __name__ == "__main__":
    main()

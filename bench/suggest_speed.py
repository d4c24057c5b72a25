"""Speed of the suggestions: re-training and `suggest` throughput, with peak memory.

Builds a synthetic corpus from the demo gold answers (Q53+Q58+Q60 pooled, one codebook with
question-prefixed ids): each synthetic answer joins one or two real answer units and a
unique tag, its codes are the union. Measures

* re-training the ensemble on 2,000 coded answers (target < 2 s on 2 cores, embeddings cached),
  with those answers as its unlabeled pool, as the app fits it,
* `suggest` (scores + evidence table) on 10,000 answers with the trained model, first with
  embeddings computed, then with them cached,
* peak RSS of the process.

    .venv/bin/python bench/suggest_speed.py [--train 2000] [--answers 10000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import load_demo  # noqa: E402

from textanalysis.embed import get_embedder  # noqa: E402
from textanalysis.suggest import EnsembleSuggester  # noqa: E402

WORDS = [
    "ook",
    "daarnaast",
    "verder",
    "en",
    "vooral",
    "met name",
    "in onze gemeente",
    "sinds vorig jaar",
]


def corpus(n: int, seed: int, texts, Y) -> tuple[list[str], list[set[str]]]:
    rng = np.random.default_rng(seed)
    out_t, out_y = [], []
    for i in range(n):
        k = 1 if rng.random() < 0.6 else 2
        pick = rng.choice(len(texts), size=k, replace=False)
        glue = f" {WORDS[rng.integers(len(WORDS))]} "
        out_t.append(glue.join(texts[p] for p in pick) + f" ({seed}-{i})")
        out_y.append(set().union(*(Y[p] for p in pick)))
    return out_t, out_y


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", type=int, default=2000)
    ap.add_argument("--answers", type=int, default=10000)
    args = ap.parse_args()
    demo = load_demo()
    cb, texts, Y = demo.codebook, demo.all_texts, demo.train_Y + demo.test_Y
    train_t, train_y = corpus(args.train, 1, texts, Y)
    new_t, _ = corpus(args.answers, 2, texts, Y)
    emb = get_embedder()

    # as in the app: the question's answers (here the coded ones) are the unlabeled pool
    t0 = time.perf_counter()
    model = EnsembleSuggester(cb).fit(train_t, train_y, unlabeled=train_t)
    first = time.perf_counter() - t0
    times, cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        model = EnsembleSuggester(cb).fit(train_t, train_y, unlabeled=train_t)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(f"codebook: {len(cb.code_ids)} codes; training answers: {len(train_t)}")
    print(f"first fit (embeddings + lemmas computed): {first:.2f} s")
    print(
        f"re-training, embeddings and lemmas cached: wall median {np.median(times):.2f} s, best "
        f"{min(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}); CPU time median "
        f"{np.median(cpu):.2f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )

    n_before = emb.encoded_count
    t0 = time.perf_counter()
    table = model.suggest(new_t)
    cold = time.perf_counter() - t0
    assert emb.encoded_count - n_before == len(set(new_t))
    t0 = time.perf_counter()
    model.suggest(new_t)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.predict_scores(new_t)
    scores_only = time.perf_counter() - t0
    print(f"suggest on {len(new_t)} answers ({len(table)} rows): embeddings computed {cold:.1f} s "
          f"= {len(new_t) / cold:.0f} answers/s; cached {warm:.1f} s = {len(new_t) / warm:.0f} answers/s "
          f"(scores only, cached: {len(new_t) / scores_only:.0f} answers/s)")  # fmt: skip
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

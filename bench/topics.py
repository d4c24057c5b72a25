"""Benchmark theme discovery: fit time on 141, 1,000 and 10,000 answers, with peak RSS.

Run: ``.venv/bin/python bench/topics.py [--sizes 141,1000,10000] [--fast]``

For each size: a cold fit (embeddings computed and written to a fresh SQLite Store) and a
warm fit (embeddings read from that Store, nothing re-embedded). The one-off numba
compilation of UMAP/HDBSCAN is measured first, on a tiny set, and reported separately.
Larger sets are synthesised by recombining fragments of the demo answers (Q53, Q58, Q60),
seeded, so every run benchmarks the same texts. Targets (issue 6): < 10 s for 141 answers,
< 90 s for 10,000 answers after embeddings.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.embed import Embedder, get_embedder  # noqa: E402
from textanalysis.store import Store  # noqa: E402
from textanalysis.topics import fit_topics  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def demo_answers() -> list[str]:
    texts: list[str] = []
    for q in ("Q58", "Q53", "Q60"):
        path = ROOT / "data" / "gold" / f"{q}_answers.csv"
        if path.exists():
            texts += pd.read_csv(path, dtype=str, keep_default_na=False)["text"].tolist()
    if not texts:
        raise SystemExit(
            "No demo answers in data/gold/; run `make demo` or data/make_demo.py first."
        )
    return [t for t in texts if t.strip()]


def synthesise(base: list[str], n: int, seed: int = 0) -> list[str]:
    """The Q58 answers first, then recombined fragments (1-3 per answer) of all demo answers."""
    if n <= len(base):
        return base[:n]
    rng = random.Random(seed)
    fragments = sorted(
        {f.strip() for t in base for f in re.split(r"[,;.]| en ", t) if len(f.strip()) > 8}
    )
    out = list(base)
    while len(out) < n:
        parts = rng.sample(fragments, rng.randint(1, 3))
        text = ", ".join(parts)
        out.append(text[0].upper() + text[1:])
    return out


def fresh_embedder() -> Embedder:
    """Same model, empty in-process cache (as in a new process)."""
    base = get_embedder()
    return Embedder(base.key, base._encode_fn, base.dim)


def timed_fit(texts: list[str], *, fast: bool, store: Store, embedder: Embedder):
    """(wall seconds, CPU seconds of this process, result): CPU time shows the cost on a busy machine."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fit_topics(texts, fast=fast, seed=42, embedder=embedder, cache=store)
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="141,1000,10000")
    parser.add_argument(
        "--fast", action="store_true", help="PCA + KMeans instead of UMAP + HDBSCAN"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = demo_answers()
    q58 = pd.read_csv(ROOT / "data" / "gold" / "Q58_answers.csv", dtype=str, keep_default_na=False)[
        "text"
    ]
    base = [*q58.tolist(), *[t for t in base if t not in set(q58)]]

    config = "PCA+KMeans (fast)" if args.fast else "UMAP+HDBSCAN"
    print(f"config: {config}; embedder {get_embedder().key}; demo answers: {len(base)}")
    tiny = synthesise(base, 60, seed=99)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "warm.db") as store:
        emb = fresh_embedder()
        fit_topics(tiny, fast=True, embedder=emb, cache=store)  # load models, warm spaCy
        if not args.fast:
            t1, c1, _ = timed_fit(tiny, fast=False, store=store, embedder=emb)
            t2, c2, _ = timed_fit(tiny, fast=False, store=store, embedder=emb)
            print(
                f"numba/UMAP+HDBSCAN first-call compile: {t1 - t2:.1f} s wall, {c1 - c2:.1f} s CPU "
                f"(first fit {t1:.1f} s, second {t2:.1f} s)"
            )

    print(
        "fit times in s, wall (CPU); cold = embeddings computed, warm = embeddings from the Store"
    )
    print(
        f"{'answers':>8} {'cold fit':>15} {'warm fit':>15} {'topics':>7} {'outliers':>9} {'peak RSS MB':>12}"
    )
    for n in sizes:
        texts = synthesise(base, n)
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.db") as store:
            cold, cold_cpu, _ = timed_fit(
                texts, fast=args.fast, store=store, embedder=fresh_embedder()
            )
            warm, warm_cpu, result = timed_fit(
                texts, fast=args.fast, store=store, embedder=fresh_embedder()
            )
        k = int((result.topics["topic"] >= 0).sum())
        out = result.params["outlier_share_before"]
        cold_s, warm_s = f"{cold:.1f} ({cold_cpu:.1f})", f"{warm:.1f} ({warm_cpu:.1f})"
        print(
            f"{n:>8} {cold_s:>15} {warm_s:>15} {k:>7} {out:>8.0%} {peak_rss_mb():>12.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

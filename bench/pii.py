"""PII detection benchmark: recall per kind on planted personal data, false positives on policy text.

Usage: ``.venv/bin/python bench/pii.py [--csv tests/data/pii_sentences.csv] [--verbose]``

A planted item counts as *found* when one detected span of the same kind covers it
completely; *masked* when its text no longer appears in the masked output (whatever
the kind). False positives: spans in the ordinary policy sentences, and spans in the
planted sentences that overlap no planted item ("extra").
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.privacy import ALL_KINDS, Span, mask_text  # noqa: E402

DEFAULT_CSV = ROOT / "tests" / "data" / "pii_sentences.csv"


@dataclass
class PiiScores:
    recall: dict[str, float]  # kind -> found / planted
    masked: dict[str, float]  # kind -> masked (any kind) / planted
    planted: dict[str, int]
    ordinary_sentences: int
    ordinary_fp_spans: int
    ordinary_fp_sentences: int
    extra_spans: int
    misses: list[str]
    false_positives: list[str]
    seconds: float


def planted_items(row: pd.Series) -> list[tuple[str, str, int, int]]:
    """(kind, value, start, end) of the planted items of one sentence."""
    out = []
    if not isinstance(row["planted"], str) or not row["planted"]:
        return out
    for part in row["planted"].split(" | "):
        kind, value = part.split("=", 1)
        start = row["text"].find(value)
        out.append((kind, value, start, start + len(value)))
    return out


def score(csv: Path = DEFAULT_CSV, kinds: tuple[str, ...] = ALL_KINDS) -> PiiScores:
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    planted = {k: 0 for k in kinds}
    found = {k: 0 for k in kinds}
    masked = {k: 0 for k in kinds}
    misses: list[str] = []
    fps: list[str] = []
    extra = fp_spans = fp_sentences = 0
    t0 = time.perf_counter()
    for _, row in df.iterrows():
        res = mask_text(row["text"], kinds)
        if row["group"] == "ordinary":
            spans = res.spans
            fp_spans += len(spans)
            fp_sentences += bool(spans)
            fps += [f"{row['id']}: {sp.kind} {sp.text!r} in {row['text']!r}" for sp in spans]
            continue
        items = [it for it in planted_items(row) if it[0] in kinds]
        for kind, value, s, e in items:
            planted[kind] += 1
            if any(_covers(sp, kind, s, e) for sp in res.spans):
                found[kind] += 1
            else:
                got = [f"{sp.kind}:{sp.text!r}" for sp in res.spans]
                misses.append(f"{row['id']}: {kind} {value!r} -> {res.text!r} {got}")
            if value not in res.text:
                masked[kind] += 1
        for sp in res.spans:
            if not any(sp.start < e and sp.end > s for _, _, s, e in items):
                extra += 1
                fps.append(f"{row['id']} (extra): {sp.kind} {sp.text!r} in {row['text']!r}")
    elapsed = time.perf_counter() - t0
    return PiiScores(
        recall={k: found[k] / planted[k] for k in kinds if planted[k]},
        masked={k: masked[k] / planted[k] for k in kinds if planted[k]},
        planted=planted,
        ordinary_sentences=int((df["group"] == "ordinary").sum()),
        ordinary_fp_spans=fp_spans,
        ordinary_fp_sentences=fp_sentences,
        extra_spans=extra,
        misses=misses,
        false_positives=fps,
        seconds=elapsed,
    )


def _covers(sp: Span, kind: str, s: int, e: int) -> bool:
    return sp.kind == kind and sp.start <= s and sp.end >= e


def _corpus(path: Path) -> None:
    """Spans per kind in a real document, with their texts: a reviewer marks the false ones."""
    import re
    from collections import Counter, defaultdict

    text = path.read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) > 20]
    kinds: Counter[str] = Counter()
    texts: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sentences:
        for sp in mask_text(s).spans:
            kinds[sp.kind] += 1
            texts[sp.kind][sp.text] += 1
    print(f"{path.name}: {len(sentences)} sentences, spans per kind: {dict(kinds)}")
    for kind, counter in texts.items():
        print(f"  {kind}: " + ", ".join(f"{t} ({n})" for t, n in counter.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--verbose", action="store_true", help="list every miss and false positive")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="also list what is masked in a real text file (e.g. the Movisie report), for review",
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    mask_text("Warm up, Jan Jansen", ALL_KINDS)  # loads deduce (a name: plain text skips it)
    load = time.perf_counter() - t0
    sc = score(args.csv)
    print(f"{'kind':<10} {'planted':>7} {'recall':>7} {'masked':>7}")
    for k in sc.recall:
        print(f"{k:<10} {sc.planted[k]:>7} {sc.recall[k]:>7.2f} {sc.masked[k]:>7.2f}")
    total = sum(sc.planted.values())
    micro = sum(sc.recall[k] * sc.planted[k] for k in sc.recall) / total
    print(f"{'all':<10} {total:>7} {micro:>7.2f}")
    print(
        f"false positives on {sc.ordinary_sentences} ordinary policy sentences: "
        f"{sc.ordinary_fp_spans} span(s) in {sc.ordinary_fp_sentences} sentence(s); "
        f"extra spans in planted sentences: {sc.extra_spans}"
    )
    print(f"deduce load {load:.1f} s; masking {sc.seconds * 1000 / 144:.1f} ms per sentence")
    if args.corpus:
        _corpus(args.corpus)
    if args.verbose:
        for line in sc.misses:
            print("MISS", line)
        for line in sc.false_positives:
            print("FP  ", line)


if __name__ == "__main__":
    main()

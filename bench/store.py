"""Store benchmark (issue 3): import 100,000 answer units and record 50,000 decisions on SQLite.

Prints units/s, decisions/s (batched), the median time of a single committed decision,
a few read timings the app depends on, and peak RSS. Targets: >= 20,000 units/s import,
< 5 ms median single decision, < 1 GB peak RSS.

    .venv/bin/python bench/store.py [--units 100000] [--decisions 50000] [--db PATH]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from textanalysis.ingest import IngestResult
from textanalysis.store import Store

WORDS = (
    "wachtlijsten jeugdzorg ggz preventie wijkteam samenwerking huisarts poh werkdruk personeelstekort "
    "administratieve lasten wmo armoede schulden vroegsignalering outreachend presentie gezinsaanpak "
    "veiligheid wams hervormingsagenda toekomstscenario collectieve voorzieningen integraal"
).split()


def synthetic_result(n_units: int, seed: int = 0) -> IngestResult:
    """n_units answer units: 4 questions, 1-3 units per cell, two respondent attributes."""
    rng = np.random.default_rng(seed)
    per_resp = 8  # ~2 units x 4 questions
    n_resp = max(1, n_units // per_resp)
    rows: dict[str, list] = {k: [] for k in ("respondent_id", "question_id", "unit_index", "text")}
    made = 0
    r = 0
    while made < n_units:
        rid = f"R{r:07d}"
        for q in ("Q53", "Q58", "Q60", "Q61"):
            for i in range(int(rng.integers(1, 4))):
                if made == n_units:
                    break
                rows["respondent_id"].append(rid)
                rows["question_id"].append(q)
                rows["unit_index"].append(i)
                rows["text"].append(
                    " ".join(rng.choice(WORDS, size=int(rng.integers(3, 15)))) + f" {made}"
                )
                made += 1
        r += 1
    units = pd.DataFrame(rows)
    units["cell_text"] = units["text"]
    units["substantive"] = rng.random(len(units)) > 0.1
    units["non_substantive_reason"] = np.where(units["substantive"], None, "nvt")
    klasse = {
        f"R{i:07d}": ["< 20.000", "20.000 - 50.000", "> 100.000"][i % 3]
        for i in range(max(r, n_resp))
    }
    units["inwonersklasse"] = units["respondent_id"].map(klasse)
    units["g40"] = np.where(units["respondent_id"].str[-1].isin(list("02468")), "ja", "nee")
    respondents = units[["respondent_id", "inwonersklasse", "g40"]].drop_duplicates("respondent_id")
    return IngestResult(
        units=units,
        respondents=respondents.reset_index(drop=True),
        questions={q: q.lower() for q in ("Q53", "Q58", "Q60", "Q61")},
        attribute_columns=["inwonersklasse", "g40"],
        duplicate_ids=[],
        duplicates_policy="most-complete",
        source_name="synthetic.csv",
        source_sha256="0" * 64,
        summary={
            "respondents": len(respondents),
            "units": len(units),
            "non_substantive": 0,
            "duplicates": 0,
        },
    )


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--decisions", type=int, default=50_000)
    ap.add_argument("--singles", type=int, default=1_000, help="single committed decisions timed")
    ap.add_argument(
        "--db",
        default=None,
        help="empty SQLite file or database URL (default: a temporary SQLite file)",
    )
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db = args.db or str(Path(tmp.name) / "bench.db")
    result = synthetic_result(args.units)
    store = Store(db)

    t0 = time.perf_counter()
    summary = store.import_result(result, "bench", "2022")
    t_import = time.perf_counter() - t0
    assert summary["new_units"] == args.units, summary
    t0 = time.perf_counter()
    again = store.import_result(result, "bench", "2022")
    t_reimport = time.perf_counter() - t0
    assert again["new_units"] == 0

    units = store.units("bench", "Q58")
    all_ids = np.concatenate(
        [store.units("bench", q)["unit_id"].to_numpy() for q in ("Q53", "Q58", "Q60", "Q61")]
    )
    rng = np.random.default_rng(1)
    codes = [f"code{i}" for i in range(25)]
    rows = [
        {
            "unit_id": int(all_ids[i % len(all_ids)]),
            "code": codes[int(rng.integers(len(codes)))],
            "coder": ("anna", "bert", "auto")[i % 3],
            "decision": "applied" if i % 7 else "rejected",
            "source": "suggestion" if i % 3 == 2 else "manual",
            "score": float(rng.random()),
        }
        for i in range(args.decisions)
    ]
    t0 = time.perf_counter()
    for start in range(0, len(rows), 1000):
        store.record_decisions(rows[start : start + 1000])
    t_batched = time.perf_counter() - t0

    singles = []
    ids = units["unit_id"].tolist()
    for i in range(args.singles):
        s0 = time.perf_counter()
        store.record_decision(ids[i % len(ids)], codes[i % len(codes)], "carla")
        singles.append(time.perf_counter() - s0)

    t0 = time.perf_counter()
    current = store.current_codes(survey="bench", question="Q58")
    t_current = time.perf_counter() - t0
    t0 = time.perf_counter()
    queue = store.units("bench", "Q58", uncoded_by="anna", substantive=True)
    t_queue = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = Path(tmp.name) / "export.jsonl"
    store.export_all(out)
    t_export = time.perf_counter() - t0
    dialect = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(store.dialect, store.dialect)
    store.close()

    median_ms = statistics.median(singles) * 1000
    print(f"{dialect} store benchmark ({args.units:,} units, {args.decisions:,} decisions)")
    print(
        f"import:            {args.units / t_import:>10,.0f} units/s ({t_import:.2f} s; target >= 20,000)"
    )
    print(f"re-import (no-op): {t_reimport:>10.2f} s")
    print(f"decisions batched: {args.decisions / t_batched:>10,.0f} decisions/s (batches of 1,000)")
    print(
        f"single decision:   {median_ms:>10.2f} ms median, p95 "
        f"{np.percentile(singles, 95) * 1000:.2f} ms ({1 / statistics.median(singles):,.0f}/s; target < 5 ms)"
    )
    print(f"current_codes Q58: {t_current:>10.2f} s ({len(current):,} rows)")
    print(f"units uncoded_by:  {t_queue:>10.2f} s ({len(queue):,} rows)")
    print(f"export_all:        {t_export:>10.2f} s ({out.stat().st_size / 1e6:.1f} MB)")
    print(f"peak RSS:          {peak_rss_mb():>10,.0f} MB (target < 1,024 MB)")
    tmp.cleanup()


if __name__ == "__main__":
    main()

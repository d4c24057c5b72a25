"""Import speed: read and split a 100,000-answer CSV export (25,000 respondents, 4 questions).

Prints the figures; never asserts time (target: well under 30 s on a laptop).
Run: .venv/bin/python bench/ingest_speed.py [--respondents N]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textanalysis.ingest import ingest_file  # noqa: E402

ANSWERS = [
    "nvt",
    "1. Wachtlijsten jeugdzorg\n2. Personeelstekort\n3. Financiën",
    "Samenwerking met huisartsen; preventie",
    "Inwoners weten ons niet te vinden",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=25_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["respondent", "inwonersklasse", "Q53", "Q58", "Q60", "Q61"])
            for i in range(args.respondents):
                w.writerow(
                    [
                        f"R{i:06d}",
                        "< 50.000",
                        *(ANSWERS[(i + k) % 4] for k in range(3)),
                        f"punt {i}",
                    ]
                )
        t0 = time.perf_counter()
        res = ingest_file(
            path, "respondent", {q: q for q in ("Q53", "Q58", "Q60", "Q61")}, ["inwonersklasse"]
        )
        elapsed = time.perf_counter() - t0
    cells = args.respondents * 4
    print(f"ingest: {cells:,} answers -> {res.summary['units']:,} units in {elapsed:.1f} s")
    print(f"        {cells / elapsed:,.0f} answers/s (target: 100,000 answers well under 30 s)")


if __name__ == "__main__":
    main()

"""Import benchmark at the file-size limit (issue 13): a realistic worst-case export under 20 MB.

Generates, in ``--dir`` (default /tmp/textanalysis-big-import), a CSV and an .xlsx of
Movisie-style answers just under 20 MB each: three open questions (one "max 3" question
whose cells split into units), mostly distinct free text of 1-3 sentences, capitalised
policy terms (Wmo, Veilig Thuis, het Rijk), place and person names, e-mail addresses and
phone numbers in a few percent, repeated short answers and non-answers ("nvt", "geen").
Then it runs the CLI as a user would, each in its own process, and prints wall time and
peak RSS (``os.wait4`` rusage of that process):

1. first import with the default masking (``--masking auto``: on for a new survey),
2. unchanged re-import (everything compared with the stored units, nothing stored),
3. re-import of a copy with 1 % of the answers changed, default ``--on-change stop``
   (exit 2 with [I026]; the database is unchanged),
4. the same copy with ``--on-change replace``.

Target (issue 13's "Done when"): every run under 60 s and 1 GB. One import takes at most
``MAX_ANSWER_CELLS`` non-empty answer cells ([I049]); the limit and each file's count are
printed, and a file over the limit shows the refusal (exit 2) instead of an import.

    .venv/bin/python bench/big_import.py [--format csv,xlsx] [--mb 19.5] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [str(ROOT / ".venv" / "bin" / "textanalysis")]
if not Path(CLI[0]).exists():
    CLI = [sys.executable, "-m", "textanalysis.cli"]
LIMIT_S, LIMIT_MB = 60.0, 1024.0

SUBJECTS = (
    "de wachtlijsten",
    "het wijkteam",
    "de samenwerking met de huisarts",
    "de werkdruk",
    "het personeelstekort",
    "de administratieve lasten",
    "de jeugdhulp",
    "de toegang tot de Wmo",
    "de samenwerking met Veilig Thuis",
    "de financiering vanuit het Rijk",
    "de uitvoering van de Jeugdwet",
    "de schuldhulpverlening",
    "de inzet van de POH-GGZ",
    "het collectieve aanbod",
    "de vroegsignalering van schulden",
    "de mantelzorgondersteuning",
    "de GGD",
    "de Participatiewet",
    "het sociaal domein",
    "de Hervormingsagenda",
    "de wijkverpleging",
    "de doorverwijzing naar specialistische zorg",
)
VERBS = (
    "is te beperkt",
    "vraagt veel tijd",
    "loopt achter",
    "kan beter",
    "wordt steeds zwaarder",
    "verloopt goed",
    "is onduidelijk voor inwoners",
    "staat onder druk",
    "kost te veel geld",
    "is versnipperd",
    "verbetert langzaam",
    "heeft meer aandacht nodig",
)
TAILS = (
    "",
    "",
    " door het tekort aan personeel",
    " sinds de decentralisatie",
    " omdat de budgetten krimpen",
    " in kleine kernen",
    " voor gezinnen met meervoudige problemen",
    " bij complexe casuïstiek",
    " en dat merken inwoners direct",
    " ondanks de extra middelen",
    " vooral in de wijken",
    " vanwege de krappe arbeidsmarkt",
)
STARTERS = ("", "", "", "Wij merken dat ", "Vooral ", "Nog steeds ", "Daarnaast ", "Helaas ")
SHORT = (
    "Wachtlijsten",
    "Werkdruk",
    "Personeelstekort",
    "Administratieve lasten",
    "Samenwerking met huisartsen",
    "Armoede en schulden",
    "Wmo",
    "Jeugdzorg",
    "GGZ",
    "Preventie",
)
NON_ANSWERS = ("nvt", "NVT", "geen", "-", "weet niet", "n.v.t.", "Geen opmerkingen", "x")
PLACES = ("Utrecht", "Zwolle", "Amersfoort", "Deventer", "Tilburg", "Den Bosch", "Leeuwarden")
NAMES = ("Petra de Vries", "Jan Jansen", "mevrouw Bakker", "Mohammed El Amrani", "Sanne Visser")


def _sentence(rng: random.Random) -> str:
    s = f"{rng.choice(STARTERS)}{rng.choice(SUBJECTS)} {rng.choice(VERBS)}{rng.choice(TAILS)}"
    s = s[0].upper() + s[1:]
    r = rng.random()
    if r < 0.05:
        s += f" in {rng.choice(PLACES)}"
    elif r < 0.08:
        s += f", neem contact op met {rng.choice(NAMES)}"
    elif r < 0.095:
        s += f" (mail {rng.choice('abcdefgh')}.{rng.choice(('jansen', 'vries', 'bakker'))}@gemeente{rng.randint(1, 400)}.nl)"
    elif r < 0.105:
        s += f", bel 06-{rng.randint(10_000_000, 99_999_999)}"
    elif r < 0.13:
        s += f" ({rng.randint(2015, 2024)}, ongeveer {rng.randint(2, 95)}%)"
    return s + "."


def answer(rng: random.Random, multi: bool = False) -> str:
    r = rng.random()
    if r < 0.08:
        return rng.choice(NON_ANSWERS)
    if r < 0.14:
        return ""
    if r < 0.24:
        return rng.choice(SHORT)
    if multi:
        n = rng.randint(1, 3)
        sep = rng.choice(("\n", "\n• ", "; "))
        items = [_sentence(rng).rstrip(".") for _ in range(n)]
        return ("• " if sep == "\n• " else "") + sep.join(items)
    return " ".join(_sentence(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))


HEADER = ["respnr", "gemeente", "inwonersklasse", "q53", "q58", "q60"]
KLASSEN = ("< 50.000", "50.001 - 100.000", "100.001 - 250.000", "> 250.000")


def rows(n: int, seed: int = 13):
    rng = random.Random(seed)
    for i in range(n):
        yield [
            f"R{i:07d}",
            f"G{rng.randint(1, 342):03d}",
            rng.choice(KLASSEN),
            answer(rng),
            answer(rng, multi=True),
            answer(rng),
        ]


def change(rows_in, fraction: float = 0.01, seed: int = 7):
    """The same rows with ``fraction`` of the q60 answers corrected (a typo fixed)."""
    rng = random.Random(seed)
    for row in rows_in:
        if row[5] and rng.random() < fraction:
            row = [*row[:5], row[5] + " (gecorrigeerd)"]
        yield row


def write_csv(path: Path, data) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        w.writerows(data)


def write_xlsx(path: Path, data) -> None:
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(HEADER)
    for row in data:
        ws.append(row)
    wb.save(path)


def rows_for(fmt: str, target_mb: float, workdir: Path) -> int:
    """Rows that make a ``fmt`` file of about ``target_mb`` (measured on a sample)."""
    sample = 20_000
    probe = workdir / f"probe.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(probe, rows(sample))
    per_row = probe.stat().st_size / sample
    probe.unlink()
    return int(target_mb * 1e6 / per_row)


def answer_cells(n: int) -> int:
    """Non-empty cells in the question columns of the first ``n`` rows (what [I049] counts)."""
    return sum(1 for row in rows(n) for cell in row[3:] if cell.strip())


def run(args: list[str]) -> tuple[float, float, float, int, str]:
    """Run the CLI; -> (wall seconds, CPU seconds, peak RSS in MB, exit code, last line).

    CPU seconds (user + system) are what the limit means on a machine that is not shared;
    wall time grows with the load of other processes."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    lines = [ln for ln in out.splitlines() if ln.strip()]
    cpu = usage.ru_utime + usage.ru_stime
    last = (lines[-1] if lines else "")[:150]
    return seconds, cpu, usage.ru_maxrss / 1024, proc.returncode, last


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", default="csv,xlsx", help="csv, xlsx or both (default)")
    ap.add_argument("--mb", type=float, default=19.5, help="file size to generate (MB)")
    ap.add_argument("--dir", default="/tmp/textanalysis-big-import")
    ap.add_argument("--cases", default="first,same,changed,replace")
    ap.add_argument("--keep", action="store_true", help="keep the generated files and databases")
    args = ap.parse_args()
    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    cases = args.cases.split(",")
    sys.path.insert(0, str(ROOT))
    from textanalysis.ingest.tables import MAX_ANSWER_CELLS  # noqa: PLC0415

    print(f"limit: {MAX_ANSWER_CELLS:,} non-empty answer cells per import ([I049])", flush=True)
    worst = 0.0, 0.0
    for fmt in args.format.split(","):
        n = rows_for(fmt, args.mb, workdir)
        src, changed = workdir / f"big.{fmt}", workdir / f"big_changed.{fmt}"
        writer = write_csv if fmt == "csv" else write_xlsx
        writer(src, rows(n))
        writer(changed, change(rows(n)))
        db = workdir / f"big_{fmt}.db"
        db.unlink(missing_ok=True)
        print(
            f"{fmt}: {src} {src.stat().st_size / 1e6:.1f} MB, {n:,} rows x 3 questions "
            f"({answer_cells(n):,} answer cells); "
            f"changed copy {changed.stat().st_size / 1e6:.1f} MB",
            flush=True,
        )
        base = ["--id-column", "respnr", "--attribute", "inwonersklasse", "--survey", "big"]
        base += ["--question", "Q53=q53", "--question", "Q58=q58", "--question", "Q60=q60"]
        base += ["--db", str(db)]
        plan = {
            "first": ("first import, masking auto", ["import", str(src), *base]),
            "same": ("unchanged re-import", ["import", str(src), *base]),
            "changed": ("changed re-import (stop)", ["import", str(changed), *base]),
            "replace": (
                "changed re-import (replace)",
                ["import", str(changed), *base, "--on-change", "replace"],
            ),
        }
        for case in cases:
            label, cmd = plan[case]
            sec, cpu, mb, rc, last = run(cmd)
            worst = max(worst[0], min(sec, cpu)), max(worst[1], mb)
            flag = "" if min(sec, cpu) < LIMIT_S and mb < LIMIT_MB else "  OVER LIMIT"
            print(
                f"  {label:30s} {sec:6.1f} s wall {cpu:6.1f} s CPU {mb:6.0f} MB  exit {rc}{flag}"
                f"\n      {last}",
                flush=True,
            )
    print(
        f"worst: {worst[0]:.1f} s (CPU, or wall when less), {worst[1]:.0f} MB peak RSS "
        f"(limits {LIMIT_S:.0f} s, {LIMIT_MB:.0f} MB)"
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

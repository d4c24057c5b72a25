"""`textanalysis import` and `textanalysis info` through the real CLI and a real SQLite database."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.store import Store

BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD = (
    "respondent;inwonersklasse;Q58;Q60\n"
    'G001;< 50.000;"1. Wachtlijsten\n2. Werkdruk";nvt\n'
    'G002;> 300.000;"Armoede; schulden";\n'
    "G001;< 50.000;Wachtlijsten;\n"
)
ARGS = ["--id-column", "respondent", "--question", "Q58=Q58", "--attribute", "inwonersklasse"]


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _snapshot(db: Path) -> tuple:
    """Database contents plus the bytes of its files (unchanged means both are equal)."""
    files = tuple(
        hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
        for p in (db, db.with_name(db.name + "-wal"))
    )
    with Store(str(db)) as store:
        surveys = store.surveys().drop(columns=["created_at"]).to_dict("records")
        units = {
            (r["survey"], r["wave"]): len(store.units(r["survey"], q, r["wave"]))
            for r in surveys
            for q in store.questions(r["survey"], r["wave"])["question_id"]
        }
    return files, surveys, units


@pytest.fixture(scope="module")
def db_with_data(tmp_path_factory) -> Path:
    """One imported database per worker; the bad-input tests assert they leave it unchanged."""
    tmp_path = tmp_path_factory.mktemp("clidb")
    src = tmp_path / "peiling.csv"
    src.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.db"
    res = _run("import", str(src), *ARGS, "--wave", "2022", "--db", str(db))
    assert res.exit_code == 0, res.output
    return db


def test_import_success_summary_and_idempotent(tmp_path):
    src = tmp_path / "peiling.csv"
    src.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.db"
    res = _run(
        "import", str(src), *ARGS, "--question", "Q60=Q60", "--wave", "2022", "--db", str(db)
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "2 respondents" in lines[0] and "6 units" in lines[0]
    assert "2 non-substantive" in lines[0] and "1 duplicate ids" in lines[0]
    with Store(str(db)) as store:
        units = store.units("peiling", "Q58", "2022")
        assert units.text.tolist() == ["Wachtlijsten", "Werkdruk", "Armoede", "schulden"]
        assert set(units.inwonersklasse) == {"< 50.000", "> 300.000"}
    again = _run(
        "import", str(src), *ARGS, "--question", "Q60=Q60", "--wave", "2022", "--db", str(db)
    )
    assert again.exit_code == 0
    assert "nothing new" in again.stdout
    with Store(str(db)) as store:
        assert len(store.units("peiling", "Q58", "2022")) == 4


def test_import_options_survey_sheet_duplicates(tmp_path):
    db = tmp_path / "t.db"
    res = _run(
        "import", str(BAD / "unknown_sheet.xlsx"), *ARGS, "--sheet", "Resultaten",
        "--survey", "peiling", "--duplicates", "all", "--db", str(db),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with Store(str(db)) as store:
        s = store.surveys()
        assert s[["survey", "wave", "units"]].to_dict("records") == [
            {"survey": "peiling", "wave": "1", "units": 1}
        ]


CLI_BAD = [
    ("missing.csv", [], "I001"),
    ("empty.csv", [], "I002"),
    ("header_only.csv", [], "I008"),
    ("binary.csv", [], "I004"),
    ("xlsx_renamed.csv", [], "I036"),
    ("answers.pdf", [], "I003"),
    ("unknown_column.csv", [], "I009"),
    ("duplicate_columns.csv", [], "I010"),
    ("blank_ids.csv", [], "I011"),
    ("ragged.csv", [], "I007"),
    ("unclosed_quote.csv", [], "I006"),
    ("unknown_sheet.xlsx", ["--sheet", "Blad1"], "I012"),
    ("truncated.xlsx", [], "I013"),
    ("unreadable.sav", [], "I014"),
    ("empty.csv", ["--question", "Q58"], "I017"),
    ("empty.csv", ["--question", "Q58=Q58"], "I042"),
]


@pytest.mark.parametrize(("name", "extra", "code"), CLI_BAD)
def test_bad_file_exits_2_with_one_line_and_unchanged_db(db_with_data, name, extra, code):
    before = _snapshot(db_with_data)
    res = _run("import", str(BAD / name), *ARGS, *extra, "--db", str(db_with_data))
    assert res.exit_code == 2, res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"Error: [{code}] "), res.stderr
    assert "Traceback" not in res.output
    assert res.stdout == ""
    assert _snapshot(db_with_data) == before


def test_multi_megabyte_cell_exits_2(db_with_data, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text(
        "respondent;inwonersklasse;Q58\nG9;x;" + "armoede " * 500_000 + "\n", encoding="utf-8"
    )
    before = _snapshot(db_with_data)
    res = _run("import", str(big), *ARGS, "--db", str(db_with_data))
    assert res.exit_code == 2
    assert res.stderr.startswith("Error: [I015] ") and res.stderr.count("\n") == 1
    assert _snapshot(db_with_data) == before


def test_bad_input_never_creates_a_database(tmp_path):
    db = tmp_path / "new.db"
    res = _run("import", str(BAD / "ragged.csv"), *ARGS, "--db", str(db))
    assert res.exit_code == 2
    assert not db.exists()


def test_documented_handling_warns_and_imports(tmp_path):
    db = tmp_path / "t.db"
    res = _run(
        "import", str(BAD / "formulas_merged.xlsx"), *ARGS, "--attribute", "aantal", "--db", str(db)
    )
    assert res.exit_code == 0, res.output
    assert "merged range" in res.stderr and "without a stored result" in res.stderr
    res = _run("import", str(BAD / "bad_utf8.csv"), *ARGS, "--db", str(db))
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("Error: [I019] ") and "line 3" in res.stderr
    with Store(str(db)) as store:
        assert store.units("formulas_merged", "Q58", "1").aantal.tolist() == ["2", "2", "4", ""]


def test_info_shows_pipeline_embedder_and_database(db_with_data, tmp_path):
    res = _run("info", "--db", str(db_with_data))
    assert res.exit_code == 0, res.output
    assert (
        "nl_offline_simplemma" in res.stdout
        and "python -m spacy download nl_core_news_md" in res.stdout
    )
    assert "Embedder: e5-small" in res.stdout
    assert "peiling 2022: 1 questions, 2 respondents, 4 units" in res.stdout
    fresh = tmp_path / "none.db"
    res = _run("info", "--db", str(fresh))
    assert res.exit_code == 0 and "not created yet" in res.stdout
    assert not fresh.exists()


@pytest.mark.slow
def test_real_subprocess(tmp_path):
    src = tmp_path / "peiling.csv"
    src.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "t.db"
    exe = [sys.executable, "-c", "from textanalysis.cli import main; main()"]
    env = {**os.environ, "TEXTANALYSIS_DB": str(db)}
    env.pop("DATABASE_URL", None)
    ok = subprocess.run(
        [*exe, "import", str(src), *ARGS], capture_output=True, text=True, env=env, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("\n") == 1 and "2 respondents" in ok.stdout
    bad = subprocess.run(
        [*exe, "import", str(BAD / "blank_ids.csv"), *ARGS],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("Error: [I011] ") and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr

"""`textanalysis demo`, `export-db` and `restore` through the real CLI on real SQLite files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.store import Store


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _one_line_error(result, code: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: [{code}]"), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_demo_imports_once_and_backup_round_trips(tmp_path, data_dir):
    manifest = data_dir / "demo.yaml"
    db = tmp_path / "demo.db"
    first = _run("demo", "--db", str(db))
    assert first.exit_code == 0, first.output + first.stderr
    assert "new units" in first.output and "nothing new" not in first.output
    with Store(db) as store:
        surveys = store.surveys()
        counts = dict(zip(surveys["wave"], surveys["units"], strict=True))
        codebooks = store.codebooks()
    spec = __import__("yaml").safe_load(manifest.read_text(encoding="utf-8"))
    assert sorted(counts) == sorted(str(e["wave"]) for e in spec["imports"])
    assert all(n > 0 for n in counts.values())
    assert sorted(codebooks["question"]) == sorted(e["question"] for e in spec["codebooks"])

    second = _run("demo", "--db", str(db))
    assert second.exit_code == 0, second.output + second.stderr
    assert "Demo data was already imported: nothing new." in second.output
    with Store(db) as store:
        again = store.surveys()
        assert dict(zip(again["wave"], again["units"], strict=True)) == counts
        assert len(store.codebooks()) == len(codebooks)
        # Some coding, so the backup has decisions and memos too.
        units = store.units("peiling", "Q58", "2022", substantive=True)
        ids = units["unit_id"].tolist()[:5]
        store.record_decisions([{"unit_id": i, "code": "preventie", "coder": "anna"} for i in ids])
        store.add_memo("Check met codeboek", "anna", unit_id=ids[0])
        decisions = store.decisions()

    out = tmp_path / "backup.jsonl"
    exported = _run("export-db", "--out", str(out), "--db", str(db))
    assert exported.exit_code == 0, exported.stderr
    assert f"{len(decisions)} decisions" in exported.output and "1 memos" in exported.output
    restored_db = tmp_path / "restored.db"
    restored = _run("restore", str(out), "--db", str(restored_db))
    assert restored.exit_code == 0, restored.stderr
    with Store(restored_db) as store:
        import pandas as pd

        pd.testing.assert_frame_equal(store.decisions(), decisions)
        assert store.memos()["text"].tolist() == ["Check met codeboek"]
        assert len(store.units("peiling", "Q58", "2022", substantive=True)) == len(units)
        restored_surveys = store.surveys()
    pd.testing.assert_frame_equal(restored_surveys, again)
    # Restoring again into the now non-empty database is refused, nothing changes.
    refused = _run("restore", str(out), "--db", str(restored_db))
    _one_line_error(refused, "S009")


def test_demo_with_a_bad_manifest_is_one_line(tmp_path):
    missing = _run(
        "demo", "--db", str(tmp_path / "d.db"), "--manifest", str(tmp_path / "nope.yaml")
    )
    _one_line_error(missing, "S015")
    bad = tmp_path / "bad.yaml"
    bad.write_text("imports:\n  - file: x.csv\n    survey: s\n", encoding="utf-8")
    result = _run("demo", "--db", str(tmp_path / "d.db"), "--manifest", str(bad))
    _one_line_error(result, "S047")
    assert "wave, id_column, questions" in result.stderr


def test_demo_from_own_manifest(tmp_path, data_dir):
    """Manifest paths are relative to the manifest; a codebook problem stops before importing."""
    csv = tmp_path / "mini.csv"
    csv.write_text(
        "gemeente_id;klasse;knelpunten\nG1;klein;Wachtlijsten en werkdruk\nG2;groot;nvt\n",
        encoding="utf-8",
    )
    (tmp_path / "cb.yaml").write_text(
        "name: Mini\nquestions: [Q60]\ncodes:\n  - id: wachtlijsten\n    label: Wachtlijsten\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "demo.yaml"
    manifest.write_text(
        "imports:\n  - file: mini.csv\n    survey: mini\n    wave: 1\n    id_column: gemeente_id\n"
        "    questions: {Q60: knelpunten}\n    attributes: [klasse]\n"
        "codebooks:\n  - file: cb.yaml\n    question: Q60\n",
        encoding="utf-8",
    )
    db = tmp_path / "mini.db"
    ok = _run("demo", "--db", str(db), "--manifest", str(manifest))
    assert ok.exit_code == 0, ok.stderr
    assert "mini 1 (mini.csv): 2 respondents, 2 units, 1 non-substantive" in ok.output
    with Store(db) as store:
        assert store.units("mini", "Q60")["klasse"].tolist() == ["klein", "groot"]
        assert store.load_codebook(question="Q60").code_ids == ["wachtlijsten"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        manifest.read_text(encoding="utf-8").replace("cb.yaml", "gone.yaml"), encoding="utf-8"
    )
    other = tmp_path / "other.db"
    result = _run("demo", "--db", str(other), "--manifest", str(broken))
    _one_line_error(result, "C001")
    with Store(other) as store:
        assert store.is_empty()


def test_restore_errors_in_a_real_process(tmp_path):
    junk = tmp_path / "answers.csv"
    junk.write_text("id,code\n1,a\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from textanalysis.cli import main; main()",
            "restore",
            str(junk),
            "--db",
            str(tmp_path / "r.db"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert (
        proc.stderr.strip().startswith("Error: [S035]")
        and len(proc.stderr.strip().splitlines()) == 1
    )
    assert "not a textanalysis export" in proc.stderr
    out = _run(
        "export-db",
        "--out",
        str(tmp_path / "no-such-dir" / "x.jsonl"),
        "--db",
        str(tmp_path / "r.db"),
    )
    _one_line_error(out, "S034")
    header = {"format": "textanalysis-export", "format_version": 99}
    future = tmp_path / "future.jsonl"
    future.write_text(json.dumps(header) + "\n", encoding="utf-8")
    _one_line_error(_run("restore", str(future), "--db", str(tmp_path / "r.db")), "S036")


def test_help_lists_the_commands():
    out = _run("--help").output
    for name in ("demo", "export-db", "restore"):
        assert name in out
    assert "--out" in _run("export-db", "--help").output


def test_demo_with_gold_codes_records_them_once_and_figure_34_counts(tmp_path, data_dir):
    """`make run` loads the gold codes as coder 'gold': the Resultaten page has a coding to show."""
    import pandas as pd

    from textanalysis import report

    db = tmp_path / "gold.db"
    first = _run("demo", "--with-gold-codes", "--db", str(db))
    assert first.exit_code == 0, first.output + first.stderr
    gold = pd.read_csv(data_dir / "gold" / "Q58_gold.csv", dtype=str)
    answers = pd.read_csv(data_dir / "gold" / "Q58_answers.csv", dtype=str)
    assert f"Q58 (coder 'gold'): {len(gold)} codes recorded" in first.output
    second = _run("demo", "--with-gold-codes", "--db", str(db))
    assert "Q58 (coder 'gold'): already recorded" in second.output
    with Store(db) as store:
        codes = store.current_codes(survey="peiling", question="Q58", wave="2022", coder="gold")
        assert len(codes) == len(gold)
        table = report.frequencies_from_store(store, "peiling", "Q58", "2022", coder="gold")
        units = store.units("peiling", "Q58", "2022")
    # Independent count: respondents per code straight from the gold files.
    resp = gold.merge(answers, on="id").groupby("code")["respondent_id"].nunique()
    got = table.set_index("code")["respondents"]
    assert all(got[c] == n for c, n in resp.items())
    assert int(table["n"].iloc[0]) == units.loc[units["substantive"], "respondent_id"].nunique()


def test_export_db_of_a_missing_database_is_an_error_and_creates_nothing(tmp_path):
    # Used to create an empty database at the mistyped path and write an empty backup (exit 0).
    db, out = tmp_path / "typo.db", tmp_path / "backup.jsonl"
    result = _run("export-db", "--db", str(db), "--out", str(out))
    _one_line_error(result, "S001")
    assert "typo.db" in result.stderr and "does not exist" in result.stderr
    assert not db.exists() and not out.exists()


def test_demo_manifest_codebook_or_gold_entry_without_keys_is_one_line(tmp_path):
    # Used to end in a KeyError traceback.
    bad = tmp_path / "bad.yaml"
    imports = (
        "imports:\n  - {file: x.csv, survey: s, wave: '1', id_column: id, questions: {Q: q}}\n"
    )
    bad.write_text(imports + "codebooks:\n  - question: Q\n", encoding="utf-8")
    result = _run("demo", "--db", str(tmp_path / "d.db"), "--manifest", str(bad))
    _one_line_error(result, "S047")
    assert "Codebook entry 0" in result.stderr and "lacks file" in result.stderr
    bad.write_text(imports + "gold:\n  - {question: Q, survey: s}\n", encoding="utf-8")
    result = _run(
        "demo", "--db", str(tmp_path / "d.db"), "--manifest", str(bad), "--with-gold-codes"
    )
    _one_line_error(result, "S047")
    assert "Gold entry 0" in result.stderr and "lacks wave, codes" in result.stderr

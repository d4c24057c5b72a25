"""Bad training and gold CSVs from tests/data/bad/: one clear line, exit 2, no output file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalysis.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
CODEBOOK = ROOT / "codebook" / "q60_knelpunten.yaml"
ANSWERS = ROOT / "data" / "gold" / "Q60_answers.csv"


@pytest.mark.parametrize(
    "name, code, names",
    [
        ("train_unknown_code.csv", "G005", ["bestaat_niet", "Known codes:"]),
        ("train_duplicate_ids.csv", "G006", ["'t1'"]),
        ("train_missing_codes_column.csv", "G004", ["codes"]),
    ],
)
def test_bad_training_file(tmp_path: Path, name: str, code: str, names: list[str]) -> None:
    out = tmp_path / "out.csv"
    args = ["suggest", "--codebook", str(CODEBOOK), "--answers", str(ANSWERS)]
    res = CliRunner().invoke(main, [*args, "--train", str(BAD / name), "--out", str(out)])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and f"[{code}]" in lines[0], res.output
    assert all(n in lines[0] for n in names), lines[0]
    assert not out.exists()


def test_gold_with_unknown_answer_id() -> None:
    args = ["evaluate", "--codebook", str(CODEBOOK), "--answers", str(ANSWERS)]
    res = CliRunner().invoke(main, [*args, "--gold", str(BAD / "gold_unknown_answer_id.csv")])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "[G008]" in lines[0] and "zzz_onbekend" in lines[0]

"""The `suggest`, `evaluate` and `autocode` commands: exact CSV contract and one-line errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from suggest_data import ANSWERS, CODEBOOK

from textanalysis.cli import main


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    cb = tmp_path / "cb.yaml"
    cb.write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    answers, train, gold = tmp_path / "answers.csv", tmp_path / "train.csv", tmp_path / "gold.csv"
    with (
        answers.open("w", newline="", encoding="utf-8") as fa,
        train.open("w", newline="", encoding="utf-8") as ft,
    ):
        wa, wt = csv.writer(fa), csv.writer(ft)
        wa.writerow(["id", "text", "respondent"])
        wt.writerow(["id", "text", "codes"])
        for i, (text, codes) in enumerate(ANSWERS):
            wa.writerow([f"a{i}", text, f"r{i}"])
            wt.writerow([f"a{i}", text, ";".join(sorted(codes))])
    with gold.open("w", newline="", encoding="utf-8") as fg:
        wg = csv.writer(fg)
        wg.writerow(["id", "code"])
        for i, (_, codes) in enumerate(ANSWERS):
            for c in sorted(codes):
                wg.writerow([f"a{i}", c])
    return {"cb": cb, "answers": answers, "train": train, "gold": gold, "dir": tmp_path}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "textanalysis"), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _check_contract(out: Path, ids: list[str], n_codes: int) -> pd.DataFrame:
    df = pd.read_csv(out, dtype={"id": str}, keep_default_na=False)
    assert list(df.columns) == ["id", "code", "score", "suggested", "source", "evidence"]
    assert set(df["id"]) == set(ids)  # every answer at least once
    assert (df.groupby("id").size() >= min(5, n_codes)).all()
    assert df["score"].between(0, 1).all()
    assert set(df["suggested"].unique()) <= {0, 1}
    assert df["code"].isin([c["id"] for c in _all_codes(CODEBOOK["codes"])]).all()
    return df


def _all_codes(codes):
    for c in codes:
        yield c
        yield from _all_codes(c.get("children", []))


@pytest.mark.slow
def test_suggest_contract_in_a_subprocess(files):
    """The real console script, trained: the contract scripts outside the repo rely on."""
    ids = [f"a{i}" for i in range(len(ANSWERS))]
    out = files["dir"] / "out.csv"
    res = _cli(
        "suggest", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
        "--train", str(files["train"]), "--out", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    trained = _check_contract(out, ids, 7)
    assert set(trained["source"]) == {"ensemble"}
    best = trained.sort_values("score").groupby("id").tail(1).set_index("id")
    assert best.loc["a8", "code"] == "personeel"


@pytest.mark.slow
def test_suggest_cold_start_contract(files):
    ids = [f"a{i}" for i in range(len(ANSWERS))]
    out = files["dir"] / "cold.csv"
    res = _run(
        "suggest",
        "--codebook",
        str(files["cb"]),
        "--answers",
        str(files["answers"]),
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    cold = _check_contract(out, ids, 7)
    assert set(cold["source"]) <= {"rules", "similarity"}
    first = cold[cold["id"] == "a0"].iloc[0]
    assert (
        first["code"] == "wachtlijsten"
        and first["suggested"] == 1
        and "Wachtlijsten" in first["evidence"]
    )


def _run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    "content, code",
    [
        ("", "G041"),
        ("id,text\n", "G003"),
        ("id,tekst\n1,werkdruk\n", "G004"),
        ("id,text\n1,werkdruk\n1,wachtlijsten\n", "G006"),
    ],
)
def test_bad_answers_exit_2_with_one_line(files, content, code):
    bad = files["dir"] / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    res = _run(
        "suggest",
        "--codebook",
        str(files["cb"]),
        "--answers",
        str(bad),
        "--out",
        str(files["dir"] / "o.csv"),
    )
    assert res.exit_code == 2
    assert f"[{code}]" in res.output and len(res.output.strip().splitlines()) == 1
    assert not (files["dir"] / "o.csv").exists()


def test_unknown_code_in_train_and_bad_encoding(files):
    bad = files["dir"] / "train_bad.csv"
    bad.write_text("id,text,codes\n1,werkdruk,werkdruk;bestaat_niet\n", encoding="utf-8")
    res = _run("suggest", "--codebook", str(files["cb"]), "--answers", str(files["answers"]), "--train", str(bad),
               "--out", str(files["dir"] / "o.csv"))  # fmt: skip
    assert (
        res.exit_code == 2
        and "[G005]" in res.output
        and "bestaat_niet" in res.output
        and "line 2" in res.output
    )
    latin = files["dir"] / "latin.csv"
    latin.write_bytes("id,text\n1,cliënten wachten\n".encode("latin-1"))
    res = _run(
        "suggest",
        "--codebook",
        str(files["cb"]),
        "--answers",
        str(latin),
        "--out",
        str(files["dir"] / "o.csv"),
    )
    assert res.exit_code == 2 and "[G002]" in res.output
    res = _run(
        "suggest",
        "--codebook",
        str(files["dir"] / "nope.yaml"),
        "--answers",
        str(latin),
        "--out",
        "x.csv",
    )
    assert res.exit_code == 2 and "[C001]" in res.output


@pytest.mark.slow
def test_evaluate_prints_table_and_writes_csv(files):
    table = files["dir"] / "table.csv"
    res = _run("evaluate", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--gold", str(files["gold"]), "--out", str(table))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Cold start" in res.output and "micro F1" in res.output and "macro F1" in res.output
    df = pd.read_csv(table)
    assert {"code", "precision", "recall", "f1", "support"} <= set(df.columns)
    assert df.set_index("code").loc["wachtlijsten", "support"] == 4
    res = _run("evaluate", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--gold", str(files["gold"]), "--train", str(files["train"]))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "cross-validation" in res.output and "never trained on the answer" in res.output


def test_evaluate_with_a_one_row_training_file(files):
    """One training answer that is also evaluated: scored without it (no 1-fold KFold traceback)."""
    train = files["dir"] / "one.csv"
    with files["train"].open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with train.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows[:2])
    res = _run("evaluate", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--gold", str(files["gold"]), "--train", str(train))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "micro F1" in res.output and "never trained on the answer" in res.output


def test_evaluate_gold_id_not_in_answers(files):
    gold = files["dir"] / "g.csv"
    gold.write_text("id,code\nzzz,werkdruk\n", encoding="utf-8")
    res = _run(
        "evaluate",
        "--codebook",
        str(files["cb"]),
        "--answers",
        str(files["answers"]),
        "--gold",
        str(gold),
    )
    assert res.exit_code == 2 and "[G008]" in res.output and "zzz" in res.output


@pytest.mark.slow
def test_autocode_csv(files):
    out = files["dir"] / "auto.csv"
    res = _run("autocode", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--train", str(files["train"]), "--target-precision", "0.9", "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "remain for people" in res.output and "Estimated precision" in res.output
    df = pd.read_csv(out)
    assert list(df.columns) == ["id", "code", "score", "threshold", "source"]
    assert (df["source"] == "auto").all() and (df["score"] >= df["threshold"]).all()
    res = _run("autocode", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--train", str(files["train"]), "--target-precision", "1.5", "--out", str(out))  # fmt: skip
    assert res.exit_code == 2 and "[G011]" in res.output
    res = _run("autocode", "--codebook", str(files["cb"]), "--target-precision", "0.9")
    assert res.exit_code == 2 and "[G045]" in res.output


def test_missing_out_folder_fails_before_any_work(files, tmp_path):
    """[G014] up front: store-mode autocode must not record decisions and then fail on OUT."""
    from textanalysis.errors import SuggestError
    from textanalysis.suggest.commands import run_autocode_store

    out = tmp_path / "nodir" / "o.csv"
    db = tmp_path / "t.db"
    with pytest.raises(SuggestError, match=r"\[G014\].*nodir"):
        run_autocode_store(str(db), str(files["cb"]), "peiling", "Q60", "ann", 0.9, out=str(out))
    assert not db.exists()
    res = _run("suggest", "--codebook", str(files["cb"]), "--answers", str(files["answers"]),
               "--out", str(out))  # fmt: skip
    assert res.exit_code == 2 and "[G014]" in res.output and not out.exists()

"""One reader for every command-line CSV (textanalysis.csvio): delimiter, encoding, code lists.

The same codes written four ways (one row per code with ','; one cell "a;b" in a ';' file;
an unquoted "a;b" cell in a ',' file; "a|b" in a tab file with a BOM) must give byte-identical
outputs in `agreement`, `frequencies`, `evaluate` and `suggest --train`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from suggest_data import ANSWERS, CODEBOOK

from textanalysis.cli import main
from textanalysis.csvio import CsvErrors, explode_codes, read_csv, sniff_delimiter, split_codes
from textanalysis.errors import Errors, ReportError

VARIANTS = ["long_comma", "semicolon_cell", "comma_cell", "tab_pipe_bom"]


def _write(path: Path, header: list[str], rows: list[list[str]], variant: str, col: str) -> Path:
    """Write ``rows`` (the code column holds a list of codes) in one of the four variants."""
    j = header.index(col)
    sep = {"long_comma": ",", "semicolon_cell": ";", "comma_cell": ",", "tab_pipe_bom": "\t"}
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep[variant], lineterminator="\n")
    w.writerow(header)
    for row in rows:
        codes = row[j]
        if variant == "long_comma" and col == "code":
            for c in codes or [""]:
                w.writerow([*row[:j], c, *row[j + 1 :]])
            continue
        joiner = "|" if variant == "tab_pipe_bom" else ";"
        w.writerow([*row[:j], joiner.join(codes), *row[j + 1 :]])
    text = buf.getvalue()
    if variant == "semicolon_cell":
        assert '"' in text  # a ';' inside a cell of a ';' file must be quoted
    if variant == "comma_cell":  # an unquoted cell "werkdruk;wachtlijsten", as users type it
        assert any(";" in line and '"' not in line for line in text.splitlines()[1:])
    path.write_bytes(("\ufeff" if variant == "tab_pipe_bom" else "").encode() + text.encode())
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("csvio")
    cb = d / "cb.yaml"
    cb.write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    answers = d / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for i, (text, _) in enumerate(ANSWERS):
            w.writerow([f"a{i}", text])
    return {"dir": d, "cb": cb, "answers": answers}


def _gold_rows() -> list[list]:
    return [[f"a{i}", sorted(codes)] for i, (_, codes) in enumerate(ANSWERS)]


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def _same_output(outs: dict[str, Path]) -> None:
    first = outs[VARIANTS[0]].read_bytes()
    for v, p in outs.items():
        assert p.read_bytes() == first, f"{v} differs from {VARIANTS[0]}"


def test_agreement_same_for_every_variant(base, tmp_path):
    rows = []
    for i, (_, codes) in enumerate(ANSWERS[:12]):
        rows.append([f"a{i}", sorted(codes), "anna"])
        other = sorted(codes)[:1] if i % 3 == 0 else sorted(codes)  # some disagreement
        rows.append([f"a{i}", other, "bob"])
    outs = {}
    for v in VARIANTS:
        codes = _write(tmp_path / f"codes_{v}.csv", ["id", "code", "coder"], rows, v, "code")
        outs[v] = tmp_path / f"agree_{v}.csv"
        _run("agreement", "--codes", str(codes), "--out", str(outs[v]))
    _same_output(outs)
    table = pd.read_csv(outs["comma_cell"], keep_default_na=False)
    # the multi-code cell counted as two codes, never as one code "werkdruk;wachtlijsten"
    assert not table["code"].str.contains(";").any()
    assert {"werkdruk", "wachtlijsten", "ALL"} <= set(table["code"])


def test_frequencies_same_for_every_variant(base, tmp_path):
    outs = {}
    for v in VARIANTS:
        codes = _write(tmp_path / f"codes_{v}.csv", ["id", "code"], _gold_rows(), v, "code")
        outs[v] = tmp_path / f"freq_{v}.csv"
        _run(
            "frequencies", "--answers", str(base["answers"]), "--codes", str(codes),
            "--codebook", str(base["cb"]), "--out", str(outs[v]),
        )  # fmt: skip
    _same_output(outs)
    table = pd.read_csv(outs["semicolon_cell"], keep_default_na=False)
    assert list(table.columns) == ["code", "label", "respondents", "percent", "mentions", "n"]


def test_frequencies_reads_semicolon_answers_too(base, tmp_path):
    """`frequencies` used to refuse ';'-separated files that the other commands accepted."""
    answers = tmp_path / "answers.csv"
    answers.write_text("id;text\n1;Lange wachtlijsten\n2;Hoge werkdruk\n3;nvt\n", "utf-8")
    codes = tmp_path / "codes.csv"
    codes.write_text("id;code\n1;wachtlijsten\n2;werkdruk|wachtlijsten\n", "utf-8")
    out = tmp_path / "freq.csv"
    _run("frequencies", "--answers", str(answers), "--codes", str(codes), "--out", str(out))
    table = pd.read_csv(out, keep_default_na=False).set_index("code")
    assert table.loc["wachtlijsten", "respondents"] == 2 and table.loc["werkdruk", "n"] == 2


@pytest.mark.slow
def test_evaluate_same_for_every_variant(base, tmp_path):
    outs = {}
    for v in VARIANTS:
        gold = _write(tmp_path / f"gold_{v}.csv", ["id", "code"], _gold_rows(), v, "code")
        outs[v] = tmp_path / f"eval_{v}.csv"
        _run(
            "evaluate", "--codebook", str(base["cb"]), "--answers", str(base["answers"]),
            "--gold", str(gold), "--out", str(outs[v]),
        )  # fmt: skip
    _same_output(outs)


@pytest.mark.slow
def test_suggest_train_same_for_every_variant(base, tmp_path):
    rows = [[f"a{i}", text, sorted(codes)] for i, (text, codes) in enumerate(ANSWERS)]
    outs = {}
    for v in VARIANTS[1:]:  # TRAIN has one row per answer: the codes cell is always a list
        train = _write(tmp_path / f"train_{v}.csv", ["id", "text", "codes"], rows, v, "codes")
        outs[v] = tmp_path / f"sugg_{v}.csv"
        _run(
            "suggest", "--codebook", str(base["cb"]), "--answers", str(base["answers"]),
            "--train", str(train), "--out", str(outs[v]),
        )  # fmt: skip
    first = outs["semicolon_cell"].read_bytes()
    assert all(p.read_bytes() == first for p in outs.values())


# --- the reader itself -------------------------------------------------------------------

ERR = CsvErrors(
    ReportError, Errors.R001, encoding=Errors.R040, empty=Errors.R041, parse=Errors.R042
)


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        ("id,text\n1,a;b\n", ","),
        ("id;text\n1;a, b, c\n", ";"),
        ("id\ttext\n1\ta,b;c\n", "\t"),
        ('"id;x",text\n1,a\n', ","),  # a ';' inside a quoted header name does not count
        ("id\n1\n", ","),
    ],
)
def test_sniff_delimiter(text, sep):
    assert sniff_delimiter(text) == sep


def test_split_and_explode_codes():
    assert split_codes(" werkdruk ; wachtlijsten|werkdruk ;") == ["werkdruk", "wachtlijsten"]
    assert split_codes("") == [] and split_codes(None) == []
    df = pd.DataFrame({"id": ["1", "2"], "code": ["a;b", ""], "coder": ["x", "x"]})
    out = explode_codes(df, "code")
    assert out.values.tolist() == [["1", "a", "x"], ["1", "b", "x"], ["2", "", "x"]]


def test_utf16_and_bom_and_stripped_headers(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes("id\t text \n1\tcafé\n".encode("utf-16"))  # Excel "Unicode text"
    df = read_csv(p, "Answers", ERR)
    assert list(df.columns) == ["id", "text"] and df["text"].tolist() == ["café"]


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"id,text\n1,ok\n2,caf\xe9\n", "R040", "line 3"),
        (b"PK\x03\x04rest-of-a-zip", "R040", "Excel workbook"),
        (b"\xef\xbb\xbf\r\n", "R041", "is empty"),
        (b'id,text\n1,"never closed\n', "R042", "not a valid CSV"),
        (b"id,text\n1,a,b,c\n", "R042", "not a valid CSV"),
    ],
)
def test_bad_files_are_typed_errors(tmp_path, data, code, words):
    p = tmp_path / "bad.csv"
    p.write_bytes(data)
    with pytest.raises(ReportError) as info:
        read_csv(p, "Codes", ERR)
    assert info.value.code == code and words in info.value.message


def test_missing_and_folder(tmp_path):
    for p in (tmp_path / "nope.csv", tmp_path):
        with pytest.raises(ReportError) as info:
            read_csv(p, "Codes", ERR)
        assert info.value.code == "R001"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["frequencies", "--answers", "{bad}", "--codes", "{bad}", "--out", "{out}"], "R040"),
        (["agreement", "--codes", "{bad}", "--out", "{out}"], "K022"),
        (["mask", "--answers", "{bad}", "--out", "{out}"], "P022"),
        (["topics", "--answers", "{bad}", "--out", "{out}"], "T040"),
        (["suggest", "--codebook", "{cb}", "--answers", "{bad}", "--out", "{out}"], "G002"),
        (["frequencies", "--answers", "{ok}", "--codes", "{ok}", "--out", "{nodir}"], "R008"),
        (["frequencies", "--answers", "{ok}", "--codes", "{ok}", "--out", "{txt}"], "R007"),
    ],
)
def test_every_command_one_line_error(base, tmp_path, args, code):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,code,text\n1,x,caf\xe9\n")
    ok = tmp_path / "ok.csv"
    ok.write_text("id,code,text\n1,x,y\n", "utf-8")
    subs = {
        "{bad}": str(bad),
        "{ok}": str(ok),
        "{cb}": str(base["cb"]),
        "{out}": str(tmp_path / "out.csv"),
        "{nodir}": str(tmp_path / "nodir" / "out.csv"),
        "{txt}": str(tmp_path / "out.txt"),
    }
    res = CliRunner().invoke(main, [subs.get(a, a) for a in args])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 2 and len(lines) == 1, res.output
    assert lines[0].startswith(f"Error: [{code}]"), res.output


def test_code_ids_cannot_hold_a_code_separator():
    """'|' separates codes in every command, so a codebook id may not contain it (C024)."""
    from textanalysis.codebook.validate import check_codebook_text

    _, problems = check_codebook_text("name: x\ncodes:\n  - id: werk|druk\n    label: Werkdruk\n")
    assert [p.code for p in problems] == ["C024"] and "'werk_druk'" in problems[0].message

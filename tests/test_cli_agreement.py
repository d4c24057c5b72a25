"""`textanalysis agreement --codes CODES.csv --out AGREE.csv [--codebook CB.yaml]`: the exact
CSV contract and every bad CODES file in tests/data/bad/codes_*.csv.

Bad-input cases and their handling (exit status 2 and one `Error:` line unless noted):

| file | result |
| --- | --- |
| codes_empty.csv (0 bytes) | [K021] ... is empty |
| codes_header_only.csv | [K002] ... has a header but no rows |
| codes_wrong_columns.csv | [K001] ... lacks column(s) id, code, coder; found: ... |
| codes_missing_id.csv | [K003] ... row(s) without an id (first at data row 2) |
| codes_one_coder.csv | [K007] ... codes of only one coder (anna) |
| codes_not_utf8.csv | [K022] ... is not UTF-8 text (byte N) |
| codes_broken_quotes.csv | [K023] ... is not a valid CSV |
| codes_unknown_code.csv with --codebook | [K005] Code(s) 'werkdrk', 'onbekend' ... Known codes: ... |
| codes_duplicated_rows.csv | exit 0: exact duplicates counted once, the table says how many |
| codes_semicolon.csv (Excel, ';') | exit 0: read like the comma version |
| codes_unknown_ids.csv | exit 0: no answers file to check ids against; ids coded by one coder only are
  left out and counted in the notes (the Store-backed path only has stored unit ids) |
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from textanalysis.cli import main

BAD = Path(__file__).resolve().parent / "data" / "bad"
CODEBOOK = """name: Knelpunten
codes:
  - id: wachtlijst
    label: Wachtlijsten
  - id: werkdruk
    label: Werkdruk
"""
CODES = """id,code,coder
1,wachtlijst,anna
1,wachtlijst,bram
2,werkdruk,anna
2,,bram
3,werkdruk,anna
3,werkdruk,bram
3,wachtlijst,bram
4,,anna
4,,bram
5,werkdruk,anna
"""


def run(*args: str):
    return CliRunner().invoke(main, ["agreement", *args])


def test_agreement_contract(tmp_path: Path) -> None:
    codes, out = tmp_path / "codes.csv", tmp_path / "agree.csv"
    codes.write_text(CODES, encoding="utf-8")
    res = run("--codes", str(codes), "--out", str(out))
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as fh:
        assert (
            fh.readline().strip() == "code,units,percent_agreement,cohen_kappa,krippendorff_alpha"
        )
    table = pd.read_csv(out)
    assert table["code"].tolist() == ["wachtlijst", "werkdruk", "ALL"]
    assert table["units"].tolist() == [4, 4, 4]  # unit 5: only anna looked at it
    assert table["percent_agreement"].tolist() == [75.0, 75.0, 50.0]
    assert table["cohen_kappa"].iloc[0] == pytest.approx(0.5)
    # the readable table and the notes on stdout
    assert "ALL" in res.output and "75.0%" in res.output and "one coder only" in res.output


def test_three_coders_leave_kappa_empty(tmp_path: Path) -> None:
    codes, out = tmp_path / "codes.csv", tmp_path / "agree.csv"
    codes.write_text(
        CODES + "1,wachtlijst,carla\n2,werkdruk,carla\n3,werkdruk,carla\n4,,carla\n",
        encoding="utf-8",
    )
    res = run("--codes", str(codes), "--out", str(out))
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        assert line.split(",")[3] == ""  # cohen_kappa empty, not 'nan'
    assert pd.read_csv(out)["krippendorff_alpha"].notna().all()


def test_codebook_orders_rows_and_accepts_known_codes(tmp_path: Path) -> None:
    cb, codes, out = tmp_path / "cb.yaml", tmp_path / "codes.csv", tmp_path / "agree.csv"
    cb.write_text(CODEBOOK, encoding="utf-8")
    codes.write_text(CODES, encoding="utf-8")
    res = run("--codes", str(codes), "--out", str(out), "--codebook", str(cb))
    assert res.exit_code == 0, res.output
    assert pd.read_csv(out)["code"].tolist() == ["wachtlijst", "werkdruk", "ALL"]


def test_unknown_codes_with_codebook_exit_2_naming_them(tmp_path: Path) -> None:
    cb, out = tmp_path / "cb.yaml", tmp_path / "agree.csv"
    cb.write_text(CODEBOOK, encoding="utf-8")
    res = run(
        "--codes", str(BAD / "codes_unknown_code.csv"), "--out", str(out), "--codebook", str(cb)
    )
    assert res.exit_code == 2
    assert "[K005]" in res.output and "'werkdrk'" in res.output and "'onbekend'" in res.output
    assert "Known codes: wachtlijst, werkdruk" in res.output
    assert "Traceback" not in res.output and not out.exists()


@pytest.mark.parametrize(
    ("name", "code", "needle"),
    [
        ("codes_empty.csv", "K021", "is empty"),
        ("codes_header_only.csv", "K002", "header but no rows"),
        ("codes_wrong_columns.csv", "K001", "found: respondent, label, codeur"),
        ("codes_missing_id.csv", "K003", "data row 2"),
        ("codes_one_coder.csv", "K007", "only one coder (anna)"),
        ("codes_not_utf8.csv", "K022", "not UTF-8"),
        ("codes_broken_quotes.csv", "K023", "not a valid CSV"),
        ("does_not_exist.csv", "K020", "does not exist"),
    ],
)
def test_bad_codes_files(tmp_path: Path, name: str, code: str, needle: str) -> None:
    out = tmp_path / "agree.csv"
    res = run("--codes", str(BAD / name), "--out", str(out))
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"Error: [{code}]") and needle in res.output
    assert res.output.count("\n") == 1 and "Traceback" not in res.output
    assert not out.exists()


def test_duplicated_rows_and_semicolons_are_handled(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    res = run("--codes", str(BAD / "codes_duplicated_rows.csv"), "--out", str(a))
    assert res.exit_code == 0 and "2 duplicated row(s) counted once" in res.output
    res = run("--codes", str(BAD / "codes_semicolon.csv"), "--out", str(b))
    assert res.exit_code == 0, res.output
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


def test_ids_coded_by_one_coder_only_are_reported(tmp_path: Path) -> None:
    out = tmp_path / "agree.csv"
    res = run("--codes", str(BAD / "codes_unknown_ids.csv"), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "2 unit(s) looked at by one coder only" in res.output
    assert pd.read_csv(out)["units"].tolist() == [1, 1, 1]


def test_missing_output_folder_and_bom_only_file_are_typed_errors(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "agree.csv"
    res = run("--codes", str(BAD / "codes_duplicated_rows.csv"), "--out", str(out))
    assert res.exit_code == 2 and res.output.startswith("Error: [K024]"), res.output
    assert "nope" in res.output and "Traceback" not in res.output
    bom = tmp_path / "excel_empty.csv"
    bom.write_bytes(b"\xef\xbb\xbf\r\n")  # what Excel saves for an empty sheet as CSV UTF-8
    res = run("--codes", str(bom), "--out", str(tmp_path / "agree.csv"))
    assert res.exit_code == 2 and res.output.startswith("Error: [K021]"), res.output
    assert "is empty" in res.output

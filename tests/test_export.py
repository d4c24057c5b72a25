"""Exports: frequency CSV/Excel, the coded data set (CSV, Excel, SPSS), formula neutralisation."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from textanalysis.codebook import parse_codebook
from textanalysis.errors import ReportError
from textanalysis.report import frequencies
from textanalysis.report.export import (
    coded_dataset,
    export_dataset,
    neutralise,
    spss_names,
    write_dataset,
    write_frequency_csv,
    write_frequency_excel,
)

CODEBOOK = parse_codebook(
    """
name: beleid
codes:
  - id: jeugd
    label: Jeugd en gezin
    children:
      - id: hervorming-jeugd
        label: Hervormingsagenda jeugd
  - id: wijk-gericht
    label: Wijkgericht werken
  - id: 2preventie
    label: "-Preventie=voorop"
  - id: ALL
    label: Alles tegelijk
"""
)

EVIL = ['=HYPERLINK("http://x","klik")', "+31 6 1234", "-", "@SUM(A1)", "\tverborgen", "\rterug"]


@pytest.fixture()
def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4, 5, 6, 7, 8],
            "respondent_id": ["r1", "r1", "r2", "r3", "r4", "r5", "r6", "r6"],
            "question_id": "Q58",
            "unit_index": [0, 1, 0, 0, 0, 0, 0, 1],
            "text": ["Wijkgericht werken", *EVIL, "preventie"],
            "substantive": [True, True, True, True, True, False, True, True],
            "inwonersklasse": [
                "<50.000",
                "<50.000",
                "=1+1",
                "50.000-100.000",
                "<50.000",
                "G4",
                "G4",
                "G4",
            ],
        }
    )


@pytest.fixture()
def codes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4, 8, 5],
            "code": [
                "wijk-gericht",
                "hervorming-jeugd",
                "2preventie",
                "wijk-gericht",
                "2preventie",
                "ALL",
            ],
        }
    )


def test_neutralise_only_touches_risky_strings():
    for value in EVIL:
        assert neutralise(value) == "'" + value
    assert neutralise("Wijkgericht") == "Wijkgericht"
    assert neutralise(-3) == -3 and neutralise(None) is None


def test_frequency_csv_has_exact_contract_and_is_formula_safe(tmp_path, units, codes):
    t = frequencies(units, codes, CODEBOOK)
    out = write_frequency_csv(t, tmp_path / "freq.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["code", "label", "respondents", "percent", "mentions", "n"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["2preventie"][1] == "'-Preventie=voorop"
    assert by_code["wijk-gericht"][2:] == ["2", "40", "2", "5"]


def test_frequency_excel_is_formatted(tmp_path, units, codes):
    t = frequencies(units, codes, CODEBOOK)
    out = write_frequency_excel(t, tmp_path / "freq.xlsx", title="Figuur 34. Beleid")
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "Figuur 34. Beleid N=5" and ws["A1"].font.bold
    assert [c.value for c in ws[3]] == ["code", "label", "respondents", "percent", "mentions", "n"]
    assert all(c.font.bold for c in ws[3])
    first = [c.value for c in ws[4]]
    assert first[0] == "wijk-gericht" and first[3] == pytest.approx(0.4)
    assert ws.cell(row=4, column=4).number_format == "0%"
    labels = [ws.cell(row=r, column=2) for r in range(4, 4 + len(t))]
    # verbatim text cells in .xlsx (no quote inside the value), with Excel's quote prefix
    evil = next(c for c in labels if c.value == "-Preventie=voorop")
    assert evil.data_type == "s" and evil.quotePrefix
    assert (
        ws.cell(row=len(t) + 5, column=1).value
        == "Noot: percentage van N; meerdere antwoorden mogelijk."
    )
    # nothing was stored as a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_respondent_dataset_matches_frequencies(units, codes):
    ds = coded_dataset(units, codes, CODEBOOK)
    df = ds.frame
    assert list(df["respondent_id"]) == ["r1", "r2", "r3", "r4", "r5", "r6"]
    t = frequencies(units, codes, CODEBOOK).set_index("code")
    for code in CODEBOOK.code_ids:
        assert int(df[code].sum()) == t.loc[code, "respondents"], code
    assert df.set_index("respondent_id").loc["r1", "jeugd"] == 1  # rolled up from its child
    assert list(df["in_n"]) == [1, 1, 1, 1, 0, 1]
    assert df["wijk-gericht"].isna().sum() == 1  # r5: no substantive answer -> missing
    assert df.set_index("respondent_id").loc["r2", "inwonersklasse"] == "=1+1"
    assert ds.labels["2preventie"] == "-Preventie=voorop"


def test_unit_dataset_long_format(units, codes):
    df = coded_dataset(units, codes, CODEBOOK, level="unit").frame
    assert len(df) == len(units)
    assert df.set_index("unit_id").loc["2", "codes"] == "jeugd;hervorming-jeugd"
    assert df.set_index("unit_id").loc["2", "jeugd"] == 1
    assert list(df["substantive"]) == [1, 1, 1, 1, 1, 0, 1, 1]


def test_csv_and_excel_dataset_neutralise_formulas(tmp_path, units, codes):
    ds = coded_dataset(units, codes, CODEBOOK, level="unit")
    write_dataset(ds, tmp_path / "units.csv")
    with (tmp_path / "units.csv").open(encoding="utf-8", newline="") as fh:
        texts = [r["text"] for r in csv.DictReader(fh)]
    for evil in EVIL:
        # the csv module keeps the CR inside the quoted field
        assert "'" + evil in texts
    write_dataset(ds, tmp_path / "units.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "units.xlsx")
    ws = wb["Antwoorden"]
    header = [c.value for c in ws[1]]
    assert ws.cell(row=1, column=1).font.bold
    col = header.index("text") + 1
    cells = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
    for evil in EVIL:
        # verbatim (XML turns a stored CR into LF on reading), stored as text, not a formula
        assert evil.replace("\r", "\n") in cells
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert all(c.quotePrefix for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    attr = [ws.cell(row=r, column=header.index("inwonersklasse") + 1).value for r in range(2, 10)]
    assert "=1+1" in attr
    assert [c.value for c in wb["Codes"][1]] == ["column", "label"]


def test_sav_round_trip_with_labels(tmp_path, units, codes):
    out = tmp_path / "peiling.sav"
    mapping = export_dataset(units, codes, out, codebook=CODEBOOK)
    df, meta = pyreadstat.read_sav(str(out))
    assert mapping["wijk-gericht"] == "wijk_gericht"
    assert mapping["2preventie"] == "v_2preventie"
    assert mapping["hervorming-jeugd"] == "hervorming_jeugd"
    assert mapping["ALL"] == "ALL_v"  # reserved word in SPSS
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["wijk_gericht"] == "Wijkgericht werken"
    assert labels["hervorming_jeugd"] == "Hervormingsagenda jeugd"
    assert meta.variable_value_labels["wijk_gericht"] == {0.0: "niet genoemd", 1.0: "genoemd"}
    assert list(df["respondent_id"]) == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert df["wijk_gericht"].sum() == 2 and df["wijk_gericht"].isna().sum() == 1
    assert df["jeugd"].tolist()[:2] == [1.0, 0.0]
    side = pd.read_csv(tmp_path / "peiling_variables.csv", dtype=str)
    assert dict(zip(side["column"], side["variable"], strict=True))["2preventie"] == "v_2preventie"


def test_sav_unit_level_keeps_texts(tmp_path, units, codes):
    out = tmp_path / "units.sav"
    export_dataset(units, codes, out, level="unit", codebook=CODEBOOK)
    df, meta = pyreadstat.read_sav(str(out))
    assert df["text"].tolist()[0] == "Wijkgericht werken"
    assert df["text"].tolist()[1] == EVIL[0]  # .sav is data, not formulas: verbatim
    assert meta.variable_value_labels["jeugd"][1.0] == "genoemd"


def test_spss_names_are_valid_unique_and_short():
    names = spss_names(
        ["a b", "a_b", "A-B", "é-code", "x" * 100, "x" * 100 + "y", "_", "9", "with"]
    )
    vals = list(names.values())
    assert len({v.upper() for v in vals}) == len(vals)
    for v in vals:
        assert len(v) <= 64 and v[0].isalpha() and not v.endswith((".", "_"))
        assert all(ch.isalnum() or ch in "_." for ch in v)
    assert names["a b"] == "a_b" and names["a_b"] == "a_b_2" and names["A-B"] == "A_B_3"
    assert names["é-code"] == "e_code"
    assert names["with"].upper() != "WITH"


def test_masking_before_export(tmp_path, units, codes):
    u = units.copy()
    u.loc[0, "text"] = "Bel mevrouw Jansen op 06-12345678"
    out = tmp_path / "masked.csv"
    export_dataset(
        u, codes, out, level="unit", mask=lambda t: t.replace("06-12345678", "[TELEFOON]")
    )
    text = out.read_text(encoding="utf-8")
    assert "06-12345678" not in text and "[TELEFOON]" in text


def test_bad_export_arguments(tmp_path, units, codes):
    with pytest.raises(ReportError, match="R048"):
        export_dataset(units, codes, tmp_path / "x.pdf")
    with pytest.raises(ReportError, match="R047"):
        coded_dataset(units, codes, level="code")
    with pytest.raises(ReportError, match="R008"):
        export_dataset(units, codes, tmp_path / "nope" / "x.csv")


def test_masking_runs_once_per_distinct_text(units, codes):
    u = units.assign(cell_text=units["text"])  # single answers: cell_text repeats text
    seen: list[str] = []

    def mask(text: str) -> str:
        seen.append(text)
        return text.upper()

    frame = coded_dataset(u, codes, level="unit", mask=mask).frame
    assert sorted(seen) == sorted(set(u["text"]))  # not once per cell
    assert frame["text"].tolist() == [t.upper() for t in u["text"]]
    assert frame["cell_text"].tolist() == frame["text"].tolist()


def test_bad_chart_name_fails_before_the_data_set_is_written(tmp_path):
    from tests.test_store_support import make_result
    from textanalysis.report.export import export_from_store
    from textanalysis.store import Store

    out = tmp_path / "data.csv"
    with Store(tmp_path / "c.db") as store:
        store.import_result(make_result(n_respondents=3), "peiling", "2022")
        with pytest.raises(ReportError, match=r"\[R014\].*chart\.pdf"):
            export_from_store(store, "peiling", "Q58", out, chart=tmp_path / "chart.pdf")
        with pytest.raises(ReportError, match="R049"):
            export_from_store(store, "peiling", "Q58", out, chart=tmp_path / "nope" / "c.png")
    assert not out.exists()


def test_no_heavy_imports_at_cli_start_or_for_csv_exports():
    import subprocess
    import sys

    def loaded(statement: str) -> list[str]:
        mods = ("textanalysis.store", "textanalysis.report", "textanalysis.report.export")
        code = f"import sys; {statement}; print([m for m in {mods!r} if m in sys.modules])"
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        return eval(run.stdout)  # noqa: S307 (our own printed list)

    # `textanalysis --help` registers every command without loading results or the database;
    # frequency CSVs (and report/export.py as such) need no SQLAlchemy/Alembic
    cli = loaded("import textanalysis.cli as c; c._register()")
    assert "textanalysis.report" not in cli and "textanalysis.report.export" not in cli
    assert loaded("import textanalysis.report.export") == [
        "textanalysis.report",
        "textanalysis.report.export",
    ]


# --- formula injection through every writer ----------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","klik")', "+1", "-2+3", "@SUM(A1)"]


def _csv_cells(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_mask_and_suggest_outputs_neutralise_formulas(tmp_path, codebook_dir):
    from click.testing import CliRunner

    from textanalysis.cli import main

    src = tmp_path / "in.csv"
    pd.DataFrame(
        {"id": FORMULAS, "text": [f"{f} lange wachtlijsten in de jeugdzorg" for f in FORMULAS],
         "klasse": FORMULAS}
    ).to_csv(src, index=False)  # fmt: skip
    masked, suggested = tmp_path / "masked.csv", tmp_path / "sugg.csv"
    res = CliRunner().invoke(
        main, ["mask", "--answers", str(src), "--out", str(masked), "--kinds", "email"]
    )
    assert res.exit_code == 0, res.output
    cells = _csv_cells(masked)
    for f in FORMULAS:
        assert "'" + f in cells and f not in cells  # id and attribute column
        assert f"'{f} lange wachtlijsten in de jeugdzorg" in cells  # the masked text
    res = CliRunner().invoke(
        main,
        ["suggest", "--codebook", str(codebook_dir / "q60_knelpunten.yaml"), "--answers", str(src),
         "--out", str(suggested)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pd.read_csv(suggested, dtype=str, keep_default_na=False)
    assert set(got["id"]) == {"'" + f for f in FORMULAS}
    assert not any(c.startswith(("=", "+", "-", "@")) for c in _csv_cells(suggested))


def test_export_csv_and_xlsx_with_formula_answers(tmp_path):
    units = pd.DataFrame(
        {"unit_id": [1, 2, 3, 4], "respondent_id": FORMULAS, "question_id": "Q1",
         "unit_index": 0, "text": FORMULAS, "substantive": True}
    )  # fmt: skip
    codes = pd.DataFrame({"unit_id": [1, 2], "code": ["wijk-gericht", "jeugd"]})
    ds = coded_dataset(units, codes, CODEBOOK, level="unit")
    write_dataset(ds, tmp_path / "u.csv")
    cells = _csv_cells(tmp_path / "u.csv")
    for f in FORMULAS:
        assert "'" + f in cells and f not in cells
    write_dataset(ds, tmp_path / "u.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "u.xlsx")["Antwoorden"]
    values = {c.value: c for row in ws.iter_rows() for c in row}
    for f in FORMULAS:
        assert f in values and values[f].data_type == "s"  # verbatim, a text cell
        assert "'" + f not in values
    # the raw XML holds no formula element at all
    import zipfile

    with zipfile.ZipFile(tmp_path / "u.xlsx") as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()

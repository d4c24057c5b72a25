"""Import safety (issue 13): no silent data changes, bounded reading, one NUL rule.

Every file is made in the test. Bad input exits 2 with one ``Error: [Ixxx]`` line and leaves
the database byte-identical (compared through ``textanalysis export-db``).
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from textanalysis import ingest
from textanalysis.cli import main
from textanalysis.errors import ImportChangeError, IngestError, StoreError
from textanalysis.ingest import ingest_file, non_substantive_reason, read_table
from textanalysis.store import Store

ARGS = ["--id-column", "resp", "--question", "Q1=Q1", "--attribute", "klasse"]
ORIGINAL = 'resp;klasse;Q1\nR1;klein;Wachtlijsten\nR2;groot;"Werkdruk; armoede"\nR3;klein;nvt\n'


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _dump(db: Path, tmp_path: Path) -> list[str]:
    """The database's content as `textanalysis export-db` writes it (without the timestamp)."""
    out = tmp_path / f"dump-{time.monotonic_ns()}.jsonl"
    res = _run("export-db", "--out", out, "--db", db)
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header.pop("exported_at", None)
    return [json.dumps(header, sort_keys=True), *lines[1:]]


def _import(tmp_path: Path, name: str, content: str | bytes, *extra: str, db: Path | None = None):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return _run(
        "import", path, *ARGS, "--survey", "peiling", *extra, "--db", db or tmp_path / "t.db"
    )


def _refused(tmp_path: Path, db: Path, code: str, *import_args) -> str:
    """Run an import that must fail with ``code`` and leave the database unchanged."""
    before = _dump(db, tmp_path)
    res = _import(tmp_path, *import_args, db=db)
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: [{code}] "), res.stderr
    assert _dump(db, tmp_path) == before
    return lines[0]


@pytest.fixture
def db(tmp_path) -> Path:
    db = tmp_path / "t.db"
    res = _import(tmp_path, "peiling.csv", ORIGINAL, "--wave", "2022", db=db)
    assert res.exit_code == 0, res.output
    return db


# --- 1. changed answers on re-import -----------------------------------------------------

CORRECTED = ORIGINAL.replace("Wachtlijsten", "Wachtlijsten jeugdzorg").replace(
    '"Werkdruk; armoede"', "Werkdruk"
)


def test_unchanged_reimport_is_idempotent(db, tmp_path):
    before = _dump(db, tmp_path)
    res = _import(tmp_path, "peiling.csv", ORIGINAL, "--wave", "2022", db=db)
    assert res.exit_code == 0, res.output
    assert "already imported, nothing new" in res.stdout
    assert _dump(db, tmp_path) == before


def test_changed_answers_stop_by_default_naming_count_ids_and_choices(db, tmp_path):
    line = _refused(tmp_path, db, "I026", "fixed.csv", CORRECTED, "--wave", "2022")
    assert "2 answer(s)" in line and "R1, R2" in line
    assert "--on-change replace" in line and "--on-change new-wave --wave" in line


def test_another_file_into_the_same_wave_does_not_drop_differing_answers(db, tmp_path):
    # A second file with one new respondent and one differing answer: refused, nothing lost.
    other = "resp;klasse;Q1\nR3;klein;Geen tijd\nR4;groot;Armoede\n"
    line = _refused(tmp_path, db, "I026", "other.csv", other, "--wave", "2022")
    assert "1 answer(s)" in line and "R3" in line


def test_replace_updates_text_and_flags_units_with_decisions(db, tmp_path):
    with Store(str(db)) as store:
        units = store.units("peiling", "Q1", "2022")
        by_text = dict(zip(units.text, units.unit_id, strict=True))
        store.record_decision(by_text["Wachtlijsten"], "wachtlijst", "anna")
        store.record_decision(by_text["Wachtlijsten"], "wachtlijst", "bert")  # double coded
        store.record_decision(by_text["armoede"], "armoede", "anna")
        store.record_decision(by_text["armoede"], "armoede", "gold")  # reserved: no own flag
        decisions_before = store.decisions()
    res = _import(
        tmp_path, "fixed.csv", CORRECTED, "--wave", "2022", "--on-change", "replace", db=db
    )
    assert res.exit_code == 0, res.output
    assert "2 changed answers replaced" in res.stdout and "2 with decisions flagged" in res.stdout
    with Store(str(db)) as store:
        units = store.units("peiling", "Q1", "2022", substantive=True)
        assert units.text.tolist() == ["Wachtlijsten jeugdzorg", "Werkdruk"]
        # Same units (ids), new text: the decisions still point at them.
        assert units.unit_id.tolist() == [by_text["Wachtlijsten"], by_text["Werkdruk"]]
        assert store.decisions().equals(decisions_before)  # no decision deleted or changed
        review = store.units_needing_review("peiling", "Q1", "2022")
        assert set(review.reason) == {"text changed", "removed from the answer"}
        row = review[review.reason == "text changed"].iloc[0]
        assert (row.old_text, row.new_text, row.respondent_id) == (
            "Wachtlijsten",
            "Wachtlijsten jeugdzorg",
            "R1",
        )
        # each coder who decided the answer reviews their own decision
        assert sorted(zip(review.reason, review.coder, strict=True)) == [
            ("removed from the answer", "anna"),
            ("text changed", "anna"),
            ("text changed", "bert"),
        ]
        assert store.mark_reviewed(review.unit_id, "anna") == 2
        left = store.units_needing_review()
        assert left.coder.tolist() == ["bert"] and left.reason.tolist() == ["text changed"]
        assert store.mark_reviewed(left.unit_id, "bert") == 1
        assert store.units_needing_review().empty
    again = _import(tmp_path, "fixed.csv", CORRECTED, "--wave", "2022", db=db)
    assert again.exit_code == 0 and "nothing new" in again.stdout


def test_replace_keeps_a_removed_unit_with_decisions_out_of_n(db, tmp_path):
    with Store(str(db)) as store:
        units = store.units("peiling", "Q1", "2022")
        armoede = int(units[units.text == "armoede"].unit_id.iloc[0])
        store.record_decision(armoede, "armoede", "anna")
    res = _import(
        tmp_path, "fixed.csv", CORRECTED, "--wave", "2022", "--on-change", "replace", db=db
    )
    assert res.exit_code == 0, res.output
    with Store(str(db)) as store:
        every = store.units("peiling", "Q1", "2022")
        row = every[every.unit_id == armoede].iloc[0]
        assert (row.text, bool(row.substantive), row.non_substantive_reason) == (
            "armoede",
            False,
            "removed on re-import",
        )
        assert row.cell_text == "Werkdruk"


def test_new_wave_needs_a_new_label(db, tmp_path):
    line = _refused(
        tmp_path, db, "I027", "fixed.csv", CORRECTED, "--wave", "2022", "--on-change", "new-wave"
    )
    assert "--wave 2022-2" in line
    res = _import(
        tmp_path, "fixed.csv", CORRECTED, "--wave", "2022b", "--on-change", "new-wave", db=db
    )
    assert res.exit_code == 0, res.output
    with Store(str(db)) as store:
        assert store.units("peiling", "Q1", "2022b").text.tolist()[0] == "Wachtlijsten jeugdzorg"
        assert store.units("peiling", "Q1", "2022").text.tolist()[0] == "Wachtlijsten"


def test_added_and_missing_respondents_are_reported_not_blocking(db, tmp_path):
    more = "resp;klasse;Q1\nR1;klein;Wachtlijsten\nR9;groot;Eenzaamheid\n"
    res = _import(tmp_path, "more.csv", more, "--wave", "2022", db=db)
    assert res.exit_code == 0, res.output
    assert "1 new units stored" in res.stdout
    assert "2 stored respondents not in this file were kept" in res.stdout


def test_import_changes_previews_without_writing(db, tmp_path):
    path = tmp_path / "fixed.csv"
    path.write_text(CORRECTED, encoding="utf-8")
    result = ingest_file(path, "resp", {"Q1": "Q1"}, ["klasse"])
    before = _dump(db, tmp_path)
    with Store(str(db)) as store:
        report = store.import_changes(result, "peiling", "2022")
        assert report.changed_respondents == ["R1", "R2"] and report.wave_exists
        with pytest.raises(ImportChangeError) as info:
            store.import_result(result, "peiling", "2022")
        assert info.value.code == "I026" and info.value.report.changed == report.changed
    assert _dump(db, tmp_path) == before


def test_unknown_on_change_choice_is_a_typed_error(db, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(ORIGINAL, encoding="utf-8")
    result = ingest_file(path, "resp", {"Q1": "Q1"}, ["klasse"])
    with Store(str(db)) as store, pytest.raises(IngestError, match=r"^\[I028\] "):
        store.import_result(result, "peiling", "2022", on_change="merge")


# --- 7. ids compared case-insensitively --------------------------------------------------


def test_question_survey_and_wave_ids_differing_in_case_reuse_the_stored_ones(db, tmp_path):
    path = tmp_path / "peiling.csv"
    path.write_text(ORIGINAL, encoding="utf-8")
    res = _run(
        "import", path, "--id-column", "resp", "--question", "q1=Q1", "--attribute", "klasse",
        "--survey", "PEILING", "--wave", "2022", "--db", db,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "already imported, nothing new" in res.stdout
    assert "Survey 'PEILING' is stored as 'peiling'" in res.stdout
    assert "Question 'q1' is stored as 'Q1'" in res.stdout
    assert len(res.stdout.strip().splitlines()) == 1
    with Store(str(db)) as store:
        assert store.surveys().survey.tolist() == ["peiling"]
        assert store.questions("peiling", "2022").question_id.tolist() == ["Q1"]


def test_two_question_ids_differing_only_in_case_are_refused(db, tmp_path):
    two = "resp;klasse;Q1;Q2\nR1;klein;a;b\n"
    line = _refused(tmp_path, db, "I045", "two.csv", two, "--question", "q1=Q2", "--wave", "9")
    assert "case-insensitively" in line


# --- 2. hidden sheets ----------------------------------------------------------------------


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Oud"
    old.append(["resp", "klasse", "Q1"])
    old.append(["R1", "klein", "oude tekst"])
    old.sheet_state = "hidden"
    new = wb.create_sheet("Data")
    new.append(["resp", "klasse", "Q1"])
    new.append(["R1", "klein", "nieuwe tekst"])
    wb.save(path)
    return path


def test_hidden_first_sheet_is_skipped_and_reported(tmp_path):
    raw = read_table(_workbook(tmp_path / "h.xlsx"))
    assert raw.sheet == "Data" and raw.df["Q1"].tolist() == ["nieuwe tekst"]
    assert any("hidden sheet 'Oud' skipped" in w for w in raw.warnings)


def test_hidden_sheet_named_with_sheet_is_read_with_a_warning(tmp_path):
    path = _workbook(tmp_path / "h.xlsx")
    res = _run("import", path, *ARGS, "--sheet", "Oud", "--db", tmp_path / "t.db")
    assert res.exit_code == 0, res.output
    assert "sheet 'Oud' is hidden in Excel" in res.stderr
    with Store(str(tmp_path / "t.db")) as store:
        assert store.units("h", "Q1", "1").text.tolist() == ["oude tekst"]


def test_no_visible_sheet_is_a_typed_error(tmp_path):
    path = _raw_xlsx(tmp_path / "h.xlsx", [HEADER_ROW], "A1:C1", state="hidden")
    with pytest.raises(IngestError, match=r"^\[I023\] .*--sheet"):
        read_table(path)


# --- 3. Excel error cells ------------------------------------------------------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{sst}</Types>"
)
_SST_CT = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" {state}r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "{sst}</Relationships>"
)
_SST_REL = '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _raw_xlsx(
    path: Path,
    rows: list[str],
    dimension: str = "A1:C4",
    shared: list[str] | None = None,
    state: str = "visible",
) -> Path:
    """A minimal .xlsx written by hand (cached formula results, odd parts openpyxl won't write)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.format(sst=_SST_CT if shared is not None else ""))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB.format(state=f'state="{state}" '))
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            _WB_RELS.format(sst=_SST_REL if shared is not None else ""),
        )
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            zf.writestr(
                "xl/sharedStrings.xml",
                '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>',
            )
    return path


HEADER_ROW = (
    f'<row r="1">{_inline("A1", "resp")}{_inline("B1", "klasse")}{_inline("C1", "Q1")}</row>'
)


def test_excel_error_cells_are_non_substantive_with_a_reason(tmp_path):
    rows = [
        HEADER_ROW,
        f'<row r="2">{_inline("A2", "R1")}{_inline("B2", "klein")}'
        '<c r="C2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c></row>',
        f'<row r="3">{_inline("A3", "R2")}{_inline("B3", "groot")}'
        '<c r="C3" t="e"><v>#DIV/0!</v></c></row>',
        f'<row r="4">{_inline("A4", "R3")}{_inline("B4", "klein")}{_inline("C4", "Wachtlijsten")}</row>',
    ]
    path = _raw_xlsx(tmp_path / "err.xlsx", rows)
    result = ingest_file(path, "resp", {"Q1": "Q1"}, ["klasse"])
    units = result.units
    assert units.text.tolist() == ["#N/A", "#DIV/0!", "Wachtlijsten"]
    assert units.substantive.tolist() == [False, False, True]
    assert units.non_substantive_reason.tolist()[:2] == ["spreadsheet error"] * 2
    assert any("C2, C3" in w and "Excel error value" in w for w in result.warnings)
    for literal in ("#REF!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!"):
        assert non_substantive_reason(literal) == "spreadsheet error"


def test_excel_error_as_respondent_id_is_refused(tmp_path):
    rows = [
        HEADER_ROW,
        f'<row r="2"><c r="A2" t="e"><v>#REF!</v></c>{_inline("B2", "k")}{_inline("C2", "a")}</row>',
    ]
    path = _raw_xlsx(tmp_path / "err.xlsx", rows, "A1:C2")
    with pytest.raises(IngestError, match=r"^\[I024\] .*row 2"):
        ingest_file(path, "resp", {"Q1": "Q1"})


# --- 4. punctuation-wrapped non-answers ----------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["-geen-", "(geen)", "- nvt -", "'geen'", "*n.v.t.*", "[geen]", "— nee —"]
)
def test_punctuation_wrapped_non_answers(tmp_path, cell):
    path = tmp_path / "p.csv"
    path.write_text(f"resp;Q1\nR1;{cell}\nR2;geen wachtlijsten (-)\n", encoding="utf-8")
    units = ingest_file(path, "resp", {"Q1": "Q1"}).units
    assert units.substantive.tolist() == [False, True]


# --- 5. SPSS user-missing id -----------------------------------------------------------------


def test_sav_user_missing_id_names_the_definition(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    df = pd.DataFrame({"RESPNR": [1.0, 999.0, 3.0], "Q1": ["a", "b", "c"]})
    path = tmp_path / "um.sav"
    pyreadstat.write_sav(df, str(path), missing_ranges={"RESPNR": [999]})
    with pytest.raises(IngestError) as info:
        ingest_file(path, "RESPNR", {"Q1": "Q1"})
    msg = str(info.value)
    assert msg.startswith("[I025] ") and "row 3" in msg
    assert "value 999 is defined as user-missing for variable RESPNR" in msg
    # User-missing values elsewhere stay empty, as SPSS treats them.
    df2 = pd.DataFrame({"RESPNR": [1.0, 2.0], "Q1": ["a", "XX"]})
    path2 = tmp_path / "um2.sav"
    pyreadstat.write_sav(df2, str(path2), missing_ranges={"Q1": ["XX"]})
    units = ingest_file(path2, "RESPNR", {"Q1": "Q1"}).units
    assert units.text.tolist() == ["a", ""] and units.substantive.tolist() == [True, False]


# --- 6. Latin-1 bytes in a UTF-8 (BOM) file ------------------------------------------------


def test_latin1_bytes_in_utf8_bom_file_are_refused_naming_lines(db, tmp_path):
    data = (
        b"\xef\xbb\xbfresp;klasse;Q1\nR1;klein;Cli\xc3\xabnten\nR2;groot;Co\xf6rdinatie\n"
        b"R3;klein;Caf\xe9\n"
    )
    line = _refused(tmp_path, db, "I019", "mixed.csv", data, "--wave", "2022")
    assert "lines 3, 4" in line and "CSV UTF-8" in line


# --- 8. NUL characters: one rule for both engines --------------------------------------------


def test_nul_in_an_answer_is_refused_at_read_time(db, tmp_path):
    data = "resp;klasse;Q1\nR1;klein;Wacht\x00lijsten\nR2;groot;ok\n"
    line = _refused(tmp_path, db, "I020", "nul.csv", data, "--wave", "2022")
    assert "column 'Q1'" in line and "row 2" in line


def test_nul_in_a_library_import_is_refused_by_the_store(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(ORIGINAL, encoding="utf-8")
    result = ingest_file(path, "resp", {"Q1": "Q1"}, ["klasse"])
    result.units.loc[0, "text"] = "a\x00b"
    with Store(str(tmp_path / "t.db")) as store, pytest.raises(StoreError, match=r"^\[S020\] "):
        store.import_result(result, "p", "1")


def _backup_with_nul(tmp_path: Path) -> Path:
    """An export-db file from a database that (by an older version) stored a NUL."""
    db = tmp_path / "src.db"
    assert _import(tmp_path, "p.csv", ORIGINAL, db=db).exit_code == 0
    out = tmp_path / "backup.jsonl"
    assert _run("export-db", "--out", out, "--db", db).exit_code == 0
    text = out.read_text(encoding="utf-8").replace("Wachtlijsten", "Wacht\\u0000lijsten")
    out.write_text(text, encoding="utf-8")
    return out


def test_restore_of_a_backup_with_nul_is_a_typed_error_on_sqlite(tmp_path):
    backup = _backup_with_nul(tmp_path)
    target = tmp_path / "restored.db"
    res = _run("restore", backup, "--db", target)
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("Error: [S021] ") and "line " in res.stderr
    with Store(str(target)) as store:
        assert store.is_empty()


def test_nul_rule_on_postgresql_import_and_restore(tmp_path, postgres_url):
    data = "resp;klasse;Q1\nR1;klein;Wacht\x00lijsten\n"
    res = _import(tmp_path, "nul.csv", data, db=postgres_url)
    assert res.exit_code == 2 and res.stderr.startswith("Error: [I020] "), res.output
    res = _run("restore", _backup_with_nul(tmp_path), "--db", postgres_url)
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("Error: [S021] ")
    with Store(postgres_url) as store:
        assert store.is_empty()
    # And the change rule holds on PostgreSQL too.
    assert _import(tmp_path, "p.csv", ORIGINAL, db=postgres_url).exit_code == 0
    res = _import(tmp_path, "fixed.csv", CORRECTED, db=postgres_url)
    assert res.exit_code == 2 and "[I026]" in res.stderr
    res = _import(tmp_path, "fixed.csv", CORRECTED, "--on-change", "replace", db=postgres_url)
    assert res.exit_code == 0, res.output
    with Store(postgres_url) as store:
        assert store.units("peiling", "Q1", "1").text.tolist()[0] == "Wachtlijsten jeugdzorg"


# --- 9. bounded xlsx reading -----------------------------------------------------------------


def test_formatted_cell_at_the_last_row_costs_nothing(tmp_path):
    rows = [
        HEADER_ROW,
        f'<row r="2">{_inline("A2", "R1")}{_inline("B2", "klein")}{_inline("C2", "tekst")}</row>',
        '<row r="1048576"><c r="XFD1048576" s="0"/></row>',
    ]
    path = _raw_xlsx(tmp_path / "far.xlsx", rows, "A1:XFD1048576")
    start = time.perf_counter()
    raw = read_table(path)
    assert time.perf_counter() - start < 5
    assert raw.df.shape == (1, 3) and raw.df["Q1"].tolist() == ["tekst"]


def test_unused_shared_strings_far_beyond_the_cells_are_refused(tmp_path):
    rows = [
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>',
    ]
    shared = ["resp", "Q1", "R1", "tekst"] + [f"s{i}" for i in range(30_000)]
    path = _raw_xlsx(tmp_path / "sst.xlsx", rows, "A1:B2", shared=shared)
    start = time.perf_counter()
    with pytest.raises(IngestError) as info:
        read_table(path)
    assert time.perf_counter() - start < 5
    assert str(info.value).startswith("[I022] ") and "30,004 texts" in str(info.value)
    # The same sheet with only the strings it uses reads fine.
    ok = _raw_xlsx(tmp_path / "ok.xlsx", rows, "A1:B2", shared=shared[:4])
    assert read_table(ok).df["Q1"].tolist() == ["tekst"]


def test_decompressed_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest.excel, "MAX_XLSX_UNPACKED", 200_000)
    rows = [HEADER_ROW] + [
        f'<row r="{r}">{_inline(f"A{r}", f"R{r}")}{_inline(f"C{r}", "x" * 50)}</row>'
        for r in range(2, 3000)
    ]
    path = _raw_xlsx(tmp_path / "big.xlsx", rows, "A1:C3000")
    with pytest.raises(IngestError, match=r"^\[I021\] .*unpacks to"):
        read_table(path)


def test_zip_bomb_part_is_refused(tmp_path):
    path = _raw_xlsx(tmp_path / "bomb.xlsx", [HEADER_ROW])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(IngestError, match=r"^\[I021\] .*padding.bin"):
        read_table(path)


def test_millions_of_unused_shared_strings_are_refused_quickly(tmp_path):
    rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    shared = ["resp", "Q1"] + [f"s{i}" for i in range(2_000_000)]
    path = _raw_xlsx(tmp_path / "sst.xlsx", rows, "A1:B1", shared=shared)
    start = time.perf_counter()
    with pytest.raises(IngestError, match=r"^\[I022\] "):
        read_table(path)
    assert time.perf_counter() - start < 60


# --- 1. the app's import page shows the same report and choice -------------------------------


@pytest.mark.slow
def test_app_import_page_shows_changes_and_offers_the_choice(db, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TEXTANALYSIS_DB", str(db))
    with Store(str(db)) as store:
        units = store.units("peiling", "Q1", "2022")
        store.record_decision(int(units.unit_id.iloc[0]), "wachtlijst", "anna")
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=180).run()
    at.switch_page("app_pages/importeren.py").run()
    at.file_uploader(key="imp_file").set_value(
        ("fixed.csv", CORRECTED.encode("utf-8"), "text/csv")
    ).run()
    at.selectbox(key="imp_id").select("resp").run()
    at.multiselect(key="imp_questions").select("Q1").run()
    at.text_input(key="imp_survey").input("peiling").run()
    at.text_input(key="imp_wave").input("2022").run()
    at.button(key="imp_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 antwoorden in ronde 2022 verschillen" in w.value for w in at.warning)
    with Store(str(db)) as store:  # nothing stored yet
        assert store.units("peiling", "Q1", "2022").text.iloc[0] == "Wachtlijsten"
    at.radio(key="imp_on_change").set_value("replace").run()
    at.button(key="imp_go_on").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("gewijzigde antwoorden vervangen" in s.value for s in at.success)
    with Store(str(db)) as store:
        assert store.units("peiling", "Q1", "2022").text.iloc[0] == "Wachtlijsten jeugdzorg"
        assert len(store.units_needing_review("peiling")) == 1


# --- bounded work: at most MAX_ANSWER_CELLS answers per import (CSV, .xlsx, .sav alike) ------

CELLS = [("R1", "klein", "a"), ("R2", "groot", ""), ("R3", "klein", "b"), ("R4", "klein", "nvt")]
CELLS += [("R5", "groot", "c"), ("R6", "klein", "  ")]  # 4 non-empty answer cells


def _cells_file(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"cells{suffix}"
    if suffix == ".csv":
        path.write_text("resp;klasse;Q1\n" + "".join(";".join(r) + "\n" for r in CELLS))
    elif suffix == ".xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(["resp", "klasse", "Q1"])
        for r in CELLS:
            wb.active.append(list(r))
        wb.save(path)
    else:
        pyreadstat = pytest.importorskip("pyreadstat")
        import pandas as pd

        df = pd.DataFrame(CELLS, columns=["resp", "klasse", "Q1"])
        pyreadstat.write_sav(df, str(path))
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".sav"])
def test_more_answer_cells_than_the_limit_are_refused_before_any_work(
    db, tmp_path, monkeypatch, suffix
):
    path = _cells_file(tmp_path, suffix)
    monkeypatch.setattr(ingest.tables, "MAX_ANSWER_CELLS", 3)
    line = _refused(tmp_path, db, "I049", path.name, path.read_bytes())
    # .xlsx stops while streaming rows; CSV and .sav are counted before splitting and masking.
    found = "more than 3 (counted up to row 6)" if suffix == ".xlsx" else "4"
    assert f"holds {found} non-empty answer cells in the chosen question columns ('Q1')" in line
    assert "at most 3" in line and "Split the file by rows" in line
    assert "fewer question columns per run" in line
    monkeypatch.setattr(ingest.tables, "MAX_ANSWER_CELLS", 4)  # exactly the limit is accepted
    assert ingest_file(path, "resp", {"Q1": "Q1"}).summary["respondents"] == 6

"""Reading survey exports, splitting multi-answer cells, non-answers, duplicates, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textanalysis.errors import IngestError
from textanalysis.ingest import (
    MAX_CELL_CHARS,
    UNIT_COLUMNS,
    build_units,
    ingest_file,
    non_substantive_reason,
    read_table,
    split_spans,
    split_units,
)

BAD = Path(__file__).resolve().parent / "data" / "bad"
Q = {"Q58": "Q58"}

ROWS = [
    ["respondent", "inwonersklasse", "g40", "Q58", "Q60"],
    ["G001", "< 50.000", "nee", "1. Wachtlijsten jeugd\n2. Werkdruk", "nvt"],
    ["G002", "> 300.000", "ja", "Cliënten; coördinatie met huisartsen", ""],
    [
        "G003",
        "50.000 - 100.000",
        "nee",
        "Meer taken, 1.500 euro per jaar minder",
        "geen wachtlijsten",
    ],
]


def _write_csv(path: Path, rows=ROWS, delimiter=";", encoding="utf-8") -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("cp1252", "\t"), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    path = _write_csv(tmp_path / "export.csv", delimiter=delimiter, encoding=encoding)
    raw = read_table(path)
    assert raw.delimiter == delimiter
    assert raw.encoding == encoding
    assert list(raw.df.columns) == ROWS[0]
    assert raw.df.loc[1, "Q58"] == "Cliënten; coördinatie met huisartsen"
    assert raw.df.loc[0, "Q58"] == "1. Wachtlijsten jeugd\n2. Werkdruk"  # quoted line break kept
    assert raw.warnings == []


def test_units_table_contract(tmp_path):
    res = ingest_file(
        _write_csv(tmp_path / "e.csv"),
        "respondent",
        {"Q58": "Q58", "Q60": "Q60"},
        ["inwonersklasse"],
    )
    assert list(res.units.columns) == [*UNIT_COLUMNS, "inwonersklasse"]
    u = res.units
    g1 = u[(u.respondent_id == "G001") & (u.question_id == "Q58")]
    assert g1.text.tolist() == ["Wachtlijsten jeugd", "Werkdruk"]
    assert g1.unit_index.tolist() == [0, 1]
    assert set(g1.cell_text) == {"1. Wachtlijsten jeugd\n2. Werkdruk"}
    g2 = u[(u.respondent_id == "G002") & (u.question_id == "Q58")]
    assert g2.text.tolist() == ["Cliënten", "coördinatie met huisartsen"]
    g3 = u[(u.respondent_id == "G003") & (u.question_id == "Q58")]
    assert g3.text.tolist() == ["Meer taken, 1.500 euro per jaar minder"]
    q60 = u[u.question_id == "Q60"].set_index("respondent_id")
    assert q60.loc["G001", "non_substantive_reason"] == "not applicable"
    assert (
        q60.loc["G002", "non_substantive_reason"] == "empty" and not q60.loc["G002", "substantive"]
    )
    assert (
        bool(q60.loc["G003", "substantive"]) and q60.loc["G003", "non_substantive_reason"] is None
    )
    assert u.substantive.dtype == bool and u.unit_index.dtype.kind == "i"
    assert res.respondents.to_dict("list") == {
        "respondent_id": ["G001", "G002", "G003"],
        "inwonersklasse": ["< 50.000", "> 300.000", "50.000 - 100.000"],
    }
    assert res.questions == {"Q58": "Q58", "Q60": "Q60"}
    assert res.attribute_columns == ["inwonersklasse"]
    assert res.summary == {"respondents": 3, "units": 8, "non_substantive": 2, "duplicates": 0}
    assert res.source_name == "e.csv" and len(res.source_sha256) == 64


def test_column_names_match_case_insensitively_and_suggest(tmp_path):
    path = _write_csv(tmp_path / "e.csv")
    res = ingest_file(path, "Respondent", {"Q58": "q58"})
    assert res.summary["respondents"] == 3
    with pytest.raises(
        IngestError, match=r"\[I009\].*'Q85'.*Did you mean 'Q58'.*Available columns: 'respondent'"
    ):
        ingest_file(path, "respondent", {"Q58": "Q85"})


def test_column_used_twice_is_refused(tmp_path):
    path = _write_csv(tmp_path / "e.csv")
    with pytest.raises(IngestError, match=r"\[I046\].*'Q58' is used both"):
        ingest_file(path, "respondent", {"Q58": "Q58", "Q58b": "Q58"})
    with pytest.raises(IngestError, match=r"\[I047\]"):
        ingest_file(path, "respondent", {"Q58": "Q58"}, ["respondent"])
    with pytest.raises(IngestError, match=r"\[I043\].*No question"):
        ingest_file(path, "respondent", {})


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Toelichting"
    ws.append(["Constructed export"])
    ws2 = wb.create_sheet("Resultaten")
    ws2.append(["respondent", "inwonersklasse", "Q58"])
    ws2.append([1001, "< 50.000", "• Wachtlijsten\n• Armoede"])
    ws2.append([1002, "> 300.000", 3.5])
    ws2.append([None, None, None])  # empty row: skipped
    wb.save(path)
    return path


def test_excel_sheet_choice_and_number_cells(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx")
    res = ingest_file(path, "respondent", Q, ["inwonersklasse"], sheet="Resultaten")
    assert res.respondents.respondent_id.tolist() == ["1001", "1002"]
    assert res.units.text.tolist() == ["Wachtlijsten", "Armoede", "3.5"]
    with pytest.raises(IngestError, match=r"\[I009\]"):
        ingest_file(path, "respondent", Q)  # first sheet is the notes sheet


def test_excel_formulas_and_merged_cells(tmp_path):
    raw = read_table(BAD / "formulas_merged.xlsx")
    assert raw.df["aantal"].tolist() == ["2", "4", ""]  # cached results; C4 was never calculated
    assert raw.df["inwonersklasse"].tolist()[:2] == ["< 50.000", "< 50.000"]  # merged B2:B3
    assert any("merged range" in w and "B2:B3" in w for w in raw.warnings)
    assert any("without a stored result" in w and "C4" in w for w in raw.warnings)
    res = build_units(raw, "respondent", Q, ["inwonersklasse", "aantal"])
    assert res.units.text.tolist() == [
        "Wachtlijsten jeugd",
        "werkdruk",
        "Armoede",
        "Personeelstekort",
    ]
    assert res.warnings == raw.warnings


def test_spss_value_labels_applied_to_attributes(tmp_path):
    import pyreadstat

    df = pd.DataFrame(
        {
            "respondent": [1001.0, 1002.0, 1003.0],
            "inwonersklasse": [1.0, 3.0, 2.0],
            "Q58": ["Wachtlijsten; werkdruk", "nvt", "Armoede"],
        }
    )
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={
            "inwonersklasse": {1: "< 50.000 inwoners", 2: "50.000 - 100.000", 3: "> 300.000"}
        },
        column_labels={"Q58": "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen?"},
    )
    res = ingest_file(path, "respondent", Q, ["inwonersklasse"])
    # The SPSS variable label is the question text; without a label the header is.
    assert res.questions["Q58"] == "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen?"
    assert res.respondents.respondent_id.tolist() == ["1001", "1002", "1003"]
    assert res.respondents.inwonersklasse.tolist() == [
        "< 50.000 inwoners",
        "> 300.000",
        "50.000 - 100.000",
    ]
    assert res.units.text.tolist() == ["Wachtlijsten", "werkdruk", "nvt", "Armoede"]
    assert res.units.inwonersklasse.tolist()[0] == "< 50.000 inwoners"


def test_demo_data_if_present(data_dir):
    path = data_dir / "peiling2022.sav"
    if not path.exists():
        pytest.skip("demo data not generated yet")
    res = ingest_file(
        path, "gemeente_id", {"Q58": "q58_beleidsontwikkelingen"}, ["inwonersklasse", "g40"]
    )
    assert res.summary["respondents"] >= 60
    assert res.questions["Q58"].startswith(
        "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen"
    )
    assert not res.respondents.inwonersklasse.str.fullmatch(r"\d+").any()  # labels, not codes


# --- duplicates ------------------------------------------------------------------------------

DUP_ROWS = [
    ["respondent", "inwonersklasse", "Q58", "Q60"],
    ["G001", "", "Wachtlijsten", ""],  # partial submission
    ["G002", "< 50.000", "Armoede", "Werkdruk"],
    ["G001", "< 50.000", "Wachtlijsten jeugd", "Personeelstekort"],  # most complete
    ["G001", "< 50.000", "Iets", ""],
]


@pytest.mark.parametrize(
    ("policy", "ids", "g001_text"),
    [
        ("most-complete", ["G002", "G001"], ["Wachtlijsten jeugd"]),
        ("first", ["G001", "G002"], ["Wachtlijsten"]),
        ("all", ["G001", "G002", "G001#2", "G001#3"], ["Wachtlijsten"]),
    ],
)
def test_duplicate_policies(tmp_path, policy, ids, g001_text):
    path = _write_csv(tmp_path / "dup.csv", DUP_ROWS)
    res = ingest_file(path, "respondent", Q, ["inwonersklasse"], duplicates=policy)
    assert res.duplicate_ids == ["G001"]
    assert res.duplicates_policy == policy
    assert res.summary["duplicates"] == 1
    assert res.respondents.respondent_id.tolist() == ids
    assert res.units[res.units.respondent_id == "G001"].text.tolist() == g001_text
    assert any(
        "1 respondent id occur more than once (G001)" in w and policy in w for w in res.warnings
    )


def test_unknown_duplicates_policy(tmp_path):
    with pytest.raises(IngestError, match=r"\[I016\].*'last'.*most-complete, first, all"):
        ingest_file(_write_csv(tmp_path / "d.csv", DUP_ROWS), "respondent", Q, duplicates="last")


# --- bad files -------------------------------------------------------------------------------

BAD_CASES = [
    ("missing.csv", {}, "I001", "does not exist"),
    ("empty.csv", {}, "I002", "is empty"),
    ("header_only.csv", {}, "I008", "no answer rows"),
    ("binary.csv", {}, "I004", "binary file"),
    ("xlsx_renamed.csv", {}, "I036", "renamed to .csv"),
    ("answers.pdf", {}, "I003", "unsupported extension"),
    (
        "unknown_column.csv",
        {},
        "I009",
        "Available columns: 'respondent', 'inwonersklasse', 'Q58_antwoord'",
    ),
    ("duplicate_columns.csv", {}, "I010", "occurs 2 times"),
    ("blank_ids.csv", {}, "I011", "(rows 3, 4)"),
    ("ragged.csv", {}, "I007", "2 rows (3, 4)"),
    ("unclosed_quote.csv", {}, "I006", "row 2: a quote"),
    ("unknown_sheet.xlsx", {"sheet": "Blad1"}, "I012", "Sheets: 'Resultaten', 'Toelichting'"),
    ("truncated.xlsx", {}, "I013", "cannot be read as an Excel"),
    ("unreadable.sav", {}, "I014", "cannot be read as an SPSS"),
    ("empty.csv", {"sheet": "Blad1"}, "I018", "not an Excel file"),
]


@pytest.mark.parametrize(("name", "kwargs", "code", "fragment"), BAD_CASES)
def test_bad_files_give_one_clear_message(name, kwargs, code, fragment):
    with pytest.raises(IngestError) as info:
        ingest_file(BAD / name, "respondent", Q, ["inwonersklasse"], **kwargs)
    msg = str(info.value)
    assert msg.startswith(f"[{code}] ")
    assert fragment in msg
    assert "\n" not in msg


def test_utf8_with_bad_bytes_is_refused_naming_the_lines():
    # Never import replacement characters: the mix of UTF-8 and other bytes is refused.
    with pytest.raises(IngestError) as info:
        read_table(BAD / "bad_utf8.csv")
    msg = str(info.value)
    assert msg.startswith("[I019] ") and "2 bytes on line 3" in msg and "CSV UTF-8" in msg


def test_messages_name_spreadsheet_rows_when_the_file_has_blank_rows(tmp_path):
    # Blank lines (CSV) and empty rows above the header (Excel) are rows in a spreadsheet too.
    path = tmp_path / "gaps.csv"
    path.write_text("respondent;Q58\nG001;wachtlijsten\n\n\n;werkdruk\nG004;a;b\n", "utf-8")
    with pytest.raises(IngestError, match=r"\[I007\].*1 row \(6\)"):
        ingest_file(path, "respondent", Q)
    path.write_text("respondent;Q58\nG001;wachtlijsten\n\n\n;werkdruk\n", "utf-8")
    with pytest.raises(IngestError, match=r"\[I011\].*\(rows 5\)"):
        ingest_file(path, "respondent", Q)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])  # rows 1-2 stay empty; the header is on row 3
    ws.append([])
    ws.append(["respondent", "Q58"])
    ws.append(["G001", "wachtlijsten"])
    ws.append([])
    ws.append([None, "werkdruk"])
    wb.save(tmp_path / "title.xlsx")
    with pytest.raises(IngestError, match=r"\[I011\].*\(rows 6\)"):
        ingest_file(tmp_path / "title.xlsx", "respondent", Q)


def test_attribute_named_like_a_store_column_is_refused(tmp_path):
    # An attribute 'original_text' made the store take it for already-masked units and skip
    # masking: unmasked answers were stored under masking=discard-original.
    rows = [["respondent", "Q58", "original_text"], ["G001", "Bel Jan op 06-12345678", "x"]]
    path = _write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(IngestError, match=r"\[I048\].*'original_text' has a reserved name"):
        ingest_file(path, "respondent", Q, ["original_text"])


def test_multi_megabyte_cell_is_refused(tmp_path):
    big = "wachtlijsten " * (3_000_000 // 13)
    path = _write_csv(
        tmp_path / "big.csv", [["respondent", "Q58"], ["G001", "kort"], ["G002", big]]
    )
    with pytest.raises(
        IngestError, match=rf"\[I015\].*row 3 column 'Q58'.*limit {MAX_CELL_CHARS:,}"
    ):
        ingest_file(path, "respondent", Q)


def test_big_cell_in_unused_column_is_fine(tmp_path):
    big = "x" * 2_000_000
    path = _write_csv(
        tmp_path / "big.csv", [["respondent", "Q58", "notes"], ["G001", "Armoede", big]]
    )
    assert ingest_file(path, "respondent", Q).units.text.tolist() == ["Armoede"]


@pytest.mark.slow
def test_hundred_thousand_answers(tmp_path):
    """Counts of a 100,000-answer export; its speed is printed by bench/ingest_speed.py."""
    answers = [
        "1. Wachtlijsten jeugd-GGZ\n2. Werkdruk",
        "nvt",
        "Meer taken naar de gemeente; minder budget",
        "Armoede en schulden, o.a. vroegsignalering",
    ]
    rows = [["respondent", "inwonersklasse", "Q53", "Q58", "Q60", "Q61"]]
    rows += [
        [
            f"R{i:06d}",
            "< 50.000",
            answers[i % 4],
            answers[(i + 1) % 4],
            answers[(i + 2) % 4],
            f"punt {i}",
        ]
        for i in range(25_000)
    ]
    path = _write_csv(tmp_path / "big.csv", rows)
    res = ingest_file(
        path, "respondent", {q: q for q in ("Q53", "Q58", "Q60", "Q61")}, ["inwonersklasse"]
    )
    assert res.summary["respondents"] == 25_000
    assert res.summary["units"] == 25_000 * (3 * 6 / 4 + 1)  # 6 units per 4 cells, plus Q61
    assert res.summary["non_substantive"] == 25_000 * 3 // 4


# --- splitting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("1. Wachtlijsten\n2. Werkdruk\n3. Geld", ["Wachtlijsten", "Werkdruk", "Geld"]),
        ("1) jeugd 2) Wmo 3) GGZ", ["jeugd", "Wmo", "GGZ"]),
        ("a) jeugd b) Wmo", ["jeugd", "Wmo"]),
        ("• Armoede • Schulden", ["Armoede", "Schulden"]),
        ("- Armoede\n- Schulden", ["Armoede", "Schulden"]),
        ("- Armoede - Schulden", ["Armoede", "Schulden"]),
        ("*Personeelstekort\n*Wachtlijsten", ["Personeelstekort", "Wachtlijsten"]),
        (
            "werkdruk; personeelstekort; wachtlijsten",
            ["werkdruk", "personeelstekort", "wachtlijsten"],
        ),
        ("Wachtlijsten\r\n\r\nWerkdruk", ["Wachtlijsten", "Werkdruk"]),
        # never inside a sentence
        ("Het kost 1.500 euro per jaar.", ["Het kost 1.500 euro per jaar."]),
        (
            "Meer taken, o.a. schuldhulp en art. 3 lid 2. Verder niets.",
            ["Meer taken, o.a. schuldhulp en art. 3 lid 2. Verder niets."],
        ),
        ("Jeugdzorg - vooral de GGZ - is duur", ["Jeugdzorg - vooral de GGZ - is duur"]),
        ("In 2022. Daarna 3. keer", ["In 2022. Daarna 3. keer"]),
        (
            "Meer regie (o.a. Wmo; jeugd) bij gemeente",
            ["Meer regie (o.a. Wmo; jeugd) bij gemeente"],
        ),
        ("Taken &amp; budget", ["Taken &amp; budget"]),
        ("-", ["-"]),
        ("   ", []),
        ("", []),
    ],
)
def test_split_units_examples(cell, units):
    assert split_units(cell) == units


_SEPARATORS = re.compile(r"(?:\s|[;•·▪◦‣*\-–—]|\(?\d{1,2}[.)]|\(?[a-z]\))*")
cells = st.lists(
    st.sampled_from(list("abcxyz ABC019.;,()-*•\n\r\t&é"))
    | st.sampled_from(
        ["1. ", "2. ", "3) ", "a) ", "b) ", " - ", "- ", "&amp;", "1.500", "\n2. ", "o.a. "]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_split_loses_and_duplicates_no_text(cell):
    spans = split_spans(cell)
    units = split_units(cell)
    assert units == [cell[a:b] for a, b in spans]
    pos = 0
    for (a, b), unit in zip(spans, units, strict=True):
        assert unit and unit == unit.strip()
        assert a >= pos, (cell, units)  # in order, no overlap: nothing duplicated
        assert _SEPARATORS.fullmatch(cell[pos:a]), (
            cell,
            units,
            cell[pos:a],
        )  # only separators dropped
        pos = b
    assert _SEPARATORS.fullmatch(cell[pos:]), (cell, units, cell[pos:])
    if cell.strip():
        assert units


@settings(max_examples=300, deadline=None)
@given(cells)
def test_split_is_idempotent_on_units(cell):
    for unit in split_units(cell):
        assert split_units(unit) == [unit], (cell, unit)


# --- non-answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("nvt", "not applicable"),
        ("N.v.t.", "not applicable"),
        ("n.v.t", "not applicable"),
        ("NVT.", "not applicable"),
        ("niet van toepassing", "not applicable"),
        ("geen", "none"),
        ("Geen.", "none"),
        ("Nee", "none"),
        ("nee, geen", "none"),
        ("weet niet", "don't know"),
        ("Weet ik niet", "don't know"),
        ("geen idee", "don't know"),
        ("-", "placeholder"),
        ("x", "placeholder"),
        ("...", "placeholder"),
        ("zie hierboven", "see elsewhere"),
        ("Zie vraag 53", "see elsewhere"),
        ("idem", "see elsewhere"),
        ("geen wachtlijsten", None),
        ("Nee, want het budget is op", None),
        ("geen zicht op de kosten van jeugdzorg", None),
        ("Wmo", None),
        ("x aantal gemeenten werkt samen", None),
    ],
)
def test_non_substantive_reason(text, reason):
    assert non_substantive_reason(text) == reason

"""`textanalysis mask --answers IN.csv --out OUT.csv [--kinds ...]`: every input column kept,
`text` masked, a `masked` column; no planted e-mail address or phone number survives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from textanalysis.cli import main

DATA = Path(__file__).resolve().parent / "data"
pytestmark = pytest.mark.xdist_group("deduce")

PHONES = ["06-12345678", "06 1234 5678", "0612345678", "030-2345678", "0570-123456", "+31 6 12345678",
          "+31 (0)30 1234567", "020 123 4567", "0031 20 7654321", "(050) 3456789", "06.11.22.33.44"]  # fmt: skip
EMAILS = ["j.jansen@gemeente.nl", "info@wijkteam-noord.nl", "anouk.visser@hotmail.com",
          "M.Bakker@Leeuwarden.NL", "wijkteams+peiling@gemeente-amersfoort.nl", "kcc@gemeentehof.eu"]  # fmt: skip


def run(*args: str):
    return CliRunner().invoke(main, ["mask", *args])


def test_mask_contract_keeps_every_column(tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame(
        {
            "id": ["007", "2", "3"],
            "text": ["Bel Petra de Vries: 06-12345678", "Het Rijk moet meer doen.", ""],
            "inwonersklasse": ["klein", "groot", "middel"],
        }
    ).to_csv(src, index=False)
    res = run("--answers", str(src), "--out", str(out))
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns) == ["id", "text", "inwonersklasse", "masked"]
    assert got["id"].tolist() == ["007", "2", "3"]  # ids stay text, leading zeros kept
    assert got["text"].tolist() == ["Bel [PERSOON]: [TELEFOON]", "Het Rijk moet meer doen.", ""]
    assert got["masked"].tolist() == ["person;phone", "", ""]
    assert got["inwonersklasse"].tolist() == ["klein", "groot", "middel"]
    assert "1 of 3 answers" in res.output


def test_no_planted_email_or_phone_survives(tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    planted = pd.read_csv(DATA / "pii_sentences.csv", dtype=str, keep_default_na=False)
    texts = planted["text"].tolist()
    texts += [f"Bereikbaar op {p} na 17 uur." for p in PHONES] + [
        f"Mail naar {e} graag." for e in EMAILS
    ]
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(src, index=False)
    res = run("--answers", str(src), "--out", str(out), "--kinds", "email,phone")
    assert res.exit_code == 0, res.output
    masked = out.read_text(encoding="utf-8")
    secrets = PHONES + EMAILS
    for items in planted["planted"]:
        secrets += [p.split("=", 1)[1] for p in items.split(" | ") if p.startswith("email=")]
    leaked = [s for s in secrets if s in masked]
    assert leaked == []
    assert "[TELEFOON]" in masked and "[E-MAIL]" in masked and "[PERSOON]" not in masked


def test_place_is_masked_by_default_and_can_be_left_out(tmp_path: Path) -> None:
    src, a, b = tmp_path / "in.csv", tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame({"text": ["In Zwolle werken we met vijf wijkteams."]}).to_csv(src, index=False)
    assert run("--answers", str(src), "--out", str(a)).exit_code == 0
    assert pd.read_csv(a)["text"].iloc[0] == "In [GEMEENTE] werken we met vijf wijkteams."
    assert run("--answers", str(src), "--out", str(b), "--kinds", "person,email").exit_code == 0
    assert pd.read_csv(b)["text"].iloc[0] == "In Zwolle werken we met vijf wijkteams."


@pytest.mark.parametrize(
    ("content", "kinds", "code", "needle"),
    [
        (
            b"id,text\n1,hallo\n",
            "person,naam",
            "P001",
            "Valid kinds: person, email, phone, postcode, iban, place",
        ),
        (b"id,antwoord\n1,hallo\n", None, "P002", "has no 'text' column; columns: id, antwoord"),
        (b"", None, "P021", "is empty"),
        (b"id,text\n1,caf\xe9\n", None, "P022", "not UTF-8"),
    ],
)
def test_bad_input_exit_2_one_line(
    tmp_path: Path, content: bytes, kinds: str | None, code: str, needle: str
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(content)
    args = ["--answers", str(src), "--out", str(out)] + (["--kinds", kinds] if kinds else [])
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"Error: [{code}]") and needle in res.output
    assert "Traceback" not in res.output and not out.exists()


def test_missing_output_folder_and_bom_only_file_are_typed_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": ["1"], "text": ["Bel 06-12345678"]}).to_csv(src, index=False)
    res = run("--answers", str(src), "--out", str(tmp_path / "nope" / "out.csv"))
    assert res.exit_code == 2 and res.output.startswith("Error: [P024]"), res.output
    assert "nope" in res.output and "Traceback" not in res.output
    bom = tmp_path / "excel_empty.csv"
    bom.write_bytes(b"\xef\xbb\xbf")
    res = run("--answers", str(bom), "--out", str(tmp_path / "out.csv"))
    assert res.exit_code == 2 and res.output.startswith("Error: [P021]"), res.output

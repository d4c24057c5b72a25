"""REFI-QDA .qdc export/import: namespaced XML, stable guids, lossless round trip, foreign files."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.codebook import Codebook, load_codebook, parse_codebook
from textanalysis.codebook.refi import NS, code_guid, export_qdc, from_qdc, import_qdc, to_qdc
from textanalysis.errors import CodebookError

ROOT = Path(__file__).resolve().parent.parent
CODEBOOKS = sorted((ROOT / "codebook").glob("*.yaml"))
Q = f"{{{NS}}}"


def _tree(cb: Codebook) -> list[tuple[str, str | None, str, str | None]]:
    return [(c.id, parent, c.label, c.description) for c, parent, _ in cb.iter_codes()]


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_round_trip_keeps_everything(path: Path, tmp_path: Path) -> None:
    cb = load_codebook(path)
    out = export_qdc(cb, tmp_path / "cb.qdc")
    back = import_qdc(out)
    assert _tree(back) == _tree(cb)  # ids, hierarchy, labels, descriptions
    assert back.to_dict() == cb.to_dict()  # and keywords, patterns, examples, notes, metadata
    assert back.content_hash == cb.content_hash
    assert to_qdc(back) == to_qdc(cb)


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_xml_is_refi_codebook(path: Path) -> None:
    cb = load_codebook(path)
    xml = to_qdc(cb)
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == f"{Q}CodeBook"
    assert root.get("origin", "").startswith("textanalysis")
    assert re.search(
        r'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"', xml
    )  # default namespace, no prefixes
    for el in root.iter():
        assert el.tag.startswith(Q), el.tag  # every element in the REFI namespace
    assert [c.tag for c in root] == [f"{Q}Codes"]
    codes = list(root.iter(f"{Q}Code"))
    assert len(codes) == len(cb.code_ids)
    guids = [c.get("guid") for c in codes]
    assert len(set(guids)) == len(guids)
    for el in codes:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", el.get("guid")
        )
        assert el.get("name") and el.get("isCodable") in {"true", "false"}
        children = [c.tag for c in el]
        assert children[0] == f"{Q}Description"  # Description comes before nested Codes (xsd order)
        assert all(t == f"{Q}Code" for t in children[1:])
    # Nesting mirrors the codebook tree.
    top = [c.get("name") for c in root.find(f"{Q}Codes")]
    assert top == [c.label for c in cb.codes]


def test_guids_are_deterministic_and_depend_on_name_and_id() -> None:
    cb = load_codebook(ROOT / "codebook" / "q60_knelpunten.yaml")
    assert to_qdc(cb) == to_qdc(load_codebook(ROOT / "codebook" / "q60_knelpunten.yaml"))
    g = code_guid("Q60 Knelpunten", "werkdruk")
    assert uuid.UUID(g).version == 5
    assert g == code_guid("Q60 Knelpunten", "werkdruk")
    assert g != code_guid("Q60 Knelpunten", "personeelstekort")
    assert g != code_guid("Q58", "werkdruk")
    assert f'guid="{g}"' in to_qdc(cb)


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">
  <Codes>
    <Code guid="{0A1B2C3D-0000-4000-8000-000000000001}" name="Personeel" isCodable="false" color="#ff0000">
      <Description>Alles over medewerkers.
Tweede regel.</Description>
      <Code guid="0a1b2c3d-0000-4000-8000-000000000002" name="Werkdruk" isCodable="true"/>
      <Code guid="0a1b2c3d-0000-4000-8000-000000000003" name="Overig" isCodable="true">
        <NoteRef targetGUID="0a1b2c3d-0000-4000-8000-0000000000ff"/>
      </Code>
    </Code>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000004" name="Cliëntervaring: wachttijd" isCodable="true"/>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000005" name="Overig" isCodable="true"/>
  </Codes>
  <Sets><Set guid="0a1b2c3d-0000-4000-8000-000000000009" name="s"/></Sets>
</CodeBook>
"""


def test_import_of_a_qdc_from_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "maxqda_export.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    cb = import_qdc(path)
    assert cb.name == "maxqda_export"
    assert [(c.id, p) for c, p, _ in cb.iter_codes()] == [
        ("personeel", None),
        ("werkdruk", "personeel"),
        ("overig", "personeel"),
        ("clientervaring_wachttijd", None),
        ("overig_2", None),
    ]
    assert cb.get("personeel").description == "Alles over medewerkers.\nTweede regel."
    assert cb.get("clientervaring_wachttijd").label == "Cliëntervaring: wachttijd"
    assert parse_codebook(cb.to_yaml()).code_ids == cb.code_ids  # the YAML it writes is valid
    assert import_qdc(path, name="Eigen naam").name == "Eigen naam"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not xml at all <", "C031"),
        ('<CodeBook origin="x"><Codes/></CodeBook>', "C032"),  # no namespace
        ('<Project xmlns="urn:QDA-XML:project:1.0"/>', "C032"),
        ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "C033"),
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="g" name=" " isCodable="true"/></Codes></CodeBook>',
            "C035",
        ),
    ],
)
def test_bad_qdc_gives_typed_error(text: str, code: str) -> None:
    with pytest.raises(CodebookError) as info:
        from_qdc(text, source="x.qdc")
    assert info.value.code == code
    assert "'x.qdc'" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"\[C067\]"):
        import_qdc(tmp_path / "nope.qdc")
    with pytest.raises(CodebookError, match=r"\[C030\]"):
        export_qdc(load_codebook(CODEBOOKS[0]), tmp_path / "no_dir" / "x.qdc")


def test_cli_export_import(tmp_path: Path) -> None:
    runner = CliRunner()
    src = ROOT / "codebook" / "q58_beleidsontwikkelingen.yaml"
    qdc, yml = tmp_path / "q58.qdc", tmp_path / "q58.yaml"
    res = runner.invoke(main, ["codebook", "export-qdc", str(src), "--out", str(qdc)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["codebook", "import-qdc", str(qdc), "--out", str(yml)])
    assert res.exit_code == 0, res.output
    assert load_codebook(yml).to_dict() == load_codebook(src).to_dict()
    # Never overwrite a codebook without --force; the file stays as it was.
    yml.write_text("name: mine\ncodes:\n  - id: a\n    label: A\n", encoding="utf-8")
    res = runner.invoke(main, ["codebook", "import-qdc", str(qdc), "--out", str(yml)])
    assert res.exit_code == 2 and "[C036]" in res.output
    assert load_codebook(yml).name == "mine"
    res = runner.invoke(main, ["codebook", "import-qdc", str(qdc), "--out", str(yml), "--force"])
    assert res.exit_code == 0 and load_codebook(yml).name == "Q58 Actuele beleidsontwikkelingen"
    bad = tmp_path / "bad.qdc"
    bad.write_text("<nope", encoding="utf-8")
    res = runner.invoke(
        main, ["codebook", "import-qdc", str(bad), "--out", str(tmp_path / "x.yaml")]
    )
    assert res.exit_code == 2 and "[C031]" in res.output and not (tmp_path / "x.yaml").exists()


def test_cli_import_into_a_missing_folder_is_a_typed_error(tmp_path: Path) -> None:
    # Used to end in a FileNotFoundError traceback on the temporary file.
    qdc = export_qdc(load_codebook(CODEBOOKS[0]), tmp_path / "cb.qdc")
    res = CliRunner().invoke(
        main, ["codebook", "import-qdc", str(qdc), "--out", str(tmp_path / "no_dir" / "cb.yaml")]
    )
    assert res.exit_code == 2 and "[C030]" in res.output and "no_dir" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)

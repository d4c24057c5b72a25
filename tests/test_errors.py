"""The error catalogue (textanalysis/errors.py): one definition per code, every code used,
one failure per code, every raise site filling its template, and docs/errors.md current."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalysis import errors
from textanalysis.cli import main
from textanalysis.errors import (
    CodebookError,
    Errors,
    ImportChangeError,
    StoreError,
    TextAnalysisError,
    catalogue,
    catalogue_markdown,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p
    for p in [*(ROOT / "textanalysis").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py")]
    if p != ROOT / "textanalysis" / "errors.py"
) + [ROOT / "app.py"]
CODE = re.compile(r"^[A-Z][0-9]{3}$")

# Codes referenced at more than one place, each reviewed: the places are one failure.
SHARED = {
    "C050": "codebook file too large: read_codebook_file (a path) and validate_codebook_text "
    "(text from the app) check the same limit with the same message",
    "C068": "REFI-QDA codebook too large: import_qdc (a file) and from_qdc (its bytes)",
    "C052": "YAML nested too deep: the composer's depth check and its RecursionError safety net",
}
# Codes passed to a shared helper that raises them: (helper, argument) -> the shared template.
HELPER_TEMPLATES = {
    ("CsvErrors", 1): errors._CSV_MISSING,
    ("CsvErrors", "missing"): errors._CSV_MISSING,
    ("CsvErrors", 2): errors._CSV_NOT_TEXT,
    ("CsvErrors", "encoding"): errors._CSV_NOT_TEXT,
    ("CsvErrors", 3): errors._CSV_EMPTY,
    ("CsvErrors", "empty"): errors._CSV_EMPTY,
    ("CsvErrors", 4): errors._CSV_PARSE,
    ("CsvErrors", "parse"): errors._CSV_PARSE,
    ("check_out", 2): errors._OUT_FOLDER,
    ("check_out", "suffix_code"): errors._OUT_SUFFIX,
    ("_check_choice", 2): errors._NOT_ONE_OF,
}
# Keyword arguments of a raise that are not template fields.
NOT_FIELDS = {"ImportChangeError": {"report"}}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr if func.attr != "of" else ast.unparse(func)
    return ast.unparse(func)


def _uses():
    """Every ``Errors.X`` reference: (code, file:line, enclosing call name, argument, keywords)."""
    out = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Errors"
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            parent = parents.get(node)
            call, arg, kws = None, None, None
            if isinstance(parent, ast.keyword):
                call, arg = parents.get(parent), parent.arg
            elif isinstance(parent, ast.Call) and node in parent.args:
                call, arg = parent, parent.args.index(node)
            if isinstance(call, ast.Call):
                kws = [k.arg for k in call.keywords]
                call = _name(call.func)
            out.append((node.attr, where, call, arg, kws))
    return out


USES = _uses()


def test_every_code_is_defined_once_in_the_catalogue():
    tree = ast.parse((ROOT / "textanalysis" / "errors.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Errors")
    names = [t.id for n in cls.body if isinstance(n, ast.Assign) for t in n.targets]
    assert [n for n in names if names.count(n) > 1] == []
    assert all(CODE.match(n) for n in names)
    assert sorted(names) == sorted(catalogue())
    for code, entry in catalogue().items():
        assert entry.code == code
        assert isinstance(entry.fields, set)  # the template parses


def test_every_used_code_is_defined_and_every_code_is_used():
    used = {code for code, *_ in USES}
    assert sorted(used - set(catalogue())) == []
    assert sorted(set(catalogue()) - used) == []


def test_no_code_literals_outside_the_catalogue():
    """Codes are written only as ``Errors.X``: no "X000" strings, no codes built from a prefix;
    a code named in a comment or docstring as ``[X000]`` exists."""
    found = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if CODE.match(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
            elif isinstance(node, ast.JoinedStr) and re.search(r"\}[0-9]{3}\b", ast.unparse(node)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
        for code in re.findall(r"\[([A-Z][0-9]{3})\]", text):
            if code not in catalogue():
                found.append(f"{path.relative_to(ROOT)}: [{code}] is not in the catalogue")
    assert found == []


def test_one_place_per_code():
    """One code, one failure: each code is raised (or handed to a helper) at one place, or
    the places are reviewed in SHARED."""
    places = defaultdict(list)
    for code, where, *_ in USES:
        places[code].append(where)
    shared = {c: w for c, w in places.items() if len(w) > 1}
    assert sorted(shared) == sorted(SHARED), shared


def test_raise_sites_fill_their_templates():
    """Each raise names exactly the template's fields; a code handed to a helper has the
    helper's template."""
    bad = []
    entries = catalogue()
    for code, where, call, arg, kws in USES:
        entry = entries[code]
        if (call, arg) in HELPER_TEMPLATES:
            if entry.template != HELPER_TEMPLATES[call, arg]:
                bad.append(f"{where} {code} passed to {call} needs its shared template")
        elif arg == 0 and kws is not None and None not in kws:  # Error(Errors.X, field=...)
            given = set(kws) - NOT_FIELDS.get(call, set())
            if given != entry.fields:
                bad.append(f"{where} {code}: gives {sorted(given)}, needs {sorted(entry.fields)}")
        elif not (arg == 0 and kws is not None):  # not a raise, not a known helper
            bad.append(f"{where} {code} used in {call}({arg!r}): add it to HELPER_TEMPLATES")
    assert bad == []


def test_errors_are_raised_from_the_catalogue():
    """No ``SomeError("X000", "message")``: an area error takes one catalogue entry (or
    ``.rendered(...)`` to re-raise a message already rendered from one)."""
    classes = {n for n in dir(errors) if n.endswith("Error")}
    bad = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in classes and len(node.args) > 1:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)[:80]}")
    assert bad == []


def test_docs_table_is_current():
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == catalogue_markdown(), (
        "Regenerate: textanalysis errors --markdown > docs/errors.md"
    )
    out = CliRunner().invoke(main, ["errors", "--markdown"])
    assert out.exit_code == 0 and out.output == catalogue_markdown()


def test_errors_command_lists_codes():
    out = CliRunner().invoke(main, ["errors", "s006"])
    assert out.exit_code == 0 and out.output.startswith("S006  Survey '{survey}'")
    assert CliRunner().invoke(main, ["errors", "Z999"]).exit_code == 2


def test_error_message_comes_from_the_template():
    err = StoreError(Errors.S006, survey="peiling", known="(none)")
    assert err.code == "S006"
    assert str(err) == "[S006] Survey 'peiling' is not in the database. Known surveys: (none)."
    assert isinstance(err, TextAnalysisError)
    with pytest.raises(KeyError):
        StoreError(Errors.S006, survey="peiling")  # a missing field fails loudly in tests
    change = ImportChangeError(
        Errors.I026, report="R", n_changed=1, survey="s", wave="w", ids="7", more=""
    )
    assert change.report == "R" and change.code == "I026"
    rendered = CodebookError.rendered("C003", "Codebook 'x.yaml': something")
    assert str(rendered) == "[C003] Codebook 'x.yaml': something"


def test_cli_prints_code_and_exits_2(tmp_path):
    """The documented contract: `Error: [X000] message` on one line, exit status 2."""
    args = ["import", str(tmp_path / "nope.csv"), "--id-column", "id", "--question", "Q1=q1"]
    res = CliRunner().invoke(main, [*args, "--db", str(tmp_path / "t.db")])
    assert res.exit_code == 2
    assert res.output.strip().startswith("Error: [I001] File ")

"""Codebook model and validation: the demo codebooks are valid, every bad file gets its one message."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.codebook import load_codebook, parse_codebook
from textanalysis.codebook.validate import (
    check_codebook_text,
    token_pattern_error,
    validate_codebook_file,
)
from textanalysis.errors import CodebookError

ROOT = Path(__file__).resolve().parent.parent
CODEBOOKS = sorted((ROOT / "codebook").glob("*.yaml"))
BAD = sorted((ROOT / "tests" / "data" / "bad").glob("codebook_*.yaml"))
_EXPECT = re.compile(r'^# expect: (C\d{3}) line (\d+) "(.*)"$')


def _expectations(path: Path) -> list[tuple[str, int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _EXPECT.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), m.group(3)))
    return out


def test_there_are_codebooks_and_bad_files() -> None:
    assert {p.name for p in CODEBOOKS} >= {
        "q53_geleerde_lessen.yaml",
        "q58_beleidsontwikkelingen.yaml",
        "q60_knelpunten.yaml",
    }
    assert len(BAD) >= 15


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_every_codebook_in_repo_is_valid(path: Path) -> None:
    assert validate_codebook_file(path) == []
    cb = load_codebook(path)
    assert cb.language == "nl" and cb.questions
    assert "overig" in cb.leaf_ids
    for code, _, _ in cb.iter_codes():
        assert code.description, code.id
        if not code.children and code.id != "overig":
            assert code.keywords or code.patterns, f"{code.id} has nothing the rules can match"
            assert code.examples, f"{code.id} has no examples"
        for pat in code.patterns:
            if pat.regex:
                re.compile(pat.regex)
            else:
                assert token_pattern_error(pat.tokens) is None


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_codebook_gives_expected_message(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    problems = validate_codebook_file(path)
    got = [(p.code, p.line) for p in problems]
    assert got == [(c, n) for c, n, _ in expected], [str(p) for p in problems]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        text = str(problem)
        assert fragment in text, text
        assert text.startswith(f"[{problem.code}] Codebook '{path}', line {problem.line}: ")
        assert "\n" not in text
    # Loading raises the first one as a typed error, never a traceback from yaml/pydantic.
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.code == expected[0][0]
    assert f"line {expected[0][1]}" in str(info.value)
    if len(expected) > 1:
        assert f"+{len(expected) - 1} more problem(s)" in str(info.value)


def test_every_problem_has_a_fix_hint() -> None:
    for path in BAD:
        for p in validate_codebook_file(path):
            assert re.search(
                r"\b(Fix|Add|Use|Give|Remove|Replace|Keep|Split|Start|Did you mean|rename|Allowed)\b",
                p.message,
                re.I,
            ), str(p)


def test_numbers_in_yaml_become_text() -> None:
    cb = parse_codebook("name: n\nversion: 2\ncodes:\n  - id: 12\n    label: Twaalf\n")
    assert cb.version == "2" and cb.code_ids == ["12"]


def test_token_patterns_checked_with_spacy_matcher() -> None:
    assert token_pattern_error([{"LOWER": "per"}, {"LOWER": {"IN": ["wijk", "buurt"]}}]) is None
    assert token_pattern_error([{"LEMMA": "wachtlijst", "OP": "+"}]) is None
    assert token_pattern_error([{"LOWER": "x", "OP": "veel"}]) is not None
    assert token_pattern_error([]) == "the pattern is empty"


def test_no_yaml_problem_escapes_as_another_exception() -> None:
    for text in [
        "",
        "[1, 2",
        "name: x\ncodes: 3\n",
        "name: x\ncodes:\n  - 5\n",
        "codes: []\nname: x\n",
        ": :",
    ]:
        cb, problems = check_codebook_text(text, "t.yaml")
        assert cb is None and problems, text
        assert all(p.code.startswith("C") for p in problems)


def test_tree_navigation_on_demo_codebook() -> None:
    cb = load_codebook(ROOT / "codebook" / "q60_knelpunten.yaml")
    assert cb.parent_of("werkdruk") == "personeel"
    assert cb.ancestors("wachtlijst_team") == ["wachtlijsten"]
    assert set(cb.descendants("samenwerking_keten")) == {
        "verkokerd_zorglandschap",
        "aansluiting_tweedelijn",
    }
    assert parse_codebook(cb.to_yaml()).content_hash == cb.content_hash
    with pytest.raises(CodebookError, match=r"\[C003\].*'wachtlijst'"):
        cb.get("wachtlijst")


def test_examples_are_not_the_gold_answers() -> None:
    """Examples come from the report's wording, not from the demo answers the rules are measured on."""
    for q, name in [
        ("Q53", "q53_geleerde_lessen"),
        ("Q58", "q58_beleidsontwikkelingen"),
        ("Q60", "q60_knelpunten"),
    ]:
        cb = load_codebook(ROOT / "codebook" / f"{name}.yaml")
        gold = {
            t.strip().lower()
            for t in pd.read_csv(ROOT / "data" / "gold" / f"{q}_answers.csv")["text"]
        }
        examples = {
            e.strip().lower()
            for c, _, _ in cb.iter_codes()
            for e in c.examples + c.counter_examples
        }
        assert not examples & gold, examples & gold


def test_cli_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["codebook", "validate", *map(str, CODEBOOKS)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("OK ") == len(CODEBOOKS)
    bad = ROOT / "tests" / "data" / "bad" / "codebook_several_problems.yaml"
    res = runner.invoke(main, ["codebook", "validate", str(CODEBOOKS[0]), str(bad)])
    assert res.exit_code == 2
    assert "[C014]" in res.output and "[C019]" in res.output and "[C013]" in res.output
    assert "Traceback" not in res.output
    missing = runner.invoke(main, ["codebook", "validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "[C001]" in missing.output


def test_a_folder_given_as_codebook_is_a_typed_error(tmp_path: Path) -> None:
    # Used to end in an IsADirectoryError traceback.
    res = CliRunner().invoke(main, ["codebook", "validate", str(tmp_path)])
    assert res.exit_code == 2 and "[C061]" in res.output and "folder" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    with pytest.raises(CodebookError, match=r"\[C061\].*folder"):
        load_codebook(tmp_path)

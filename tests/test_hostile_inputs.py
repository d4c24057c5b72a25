"""Hostile codebooks: YAML and XML bombs, huge files, catastrophic-backtracking regexes.

Every file is made here (tmp_path). The CLI runs in a subprocess with its address space
limited to 1 GB: a bomb must end as exit status 2 and one `Error: [Cxxx]` line, not as a
MemoryError/RecursionError traceback or a machine out of memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from textanalysis.codebook import Codebook, parse_codebook
from textanalysis.codebook.refi import from_qdc, import_qdc
from textanalysis.codebook.validate import (
    MAX_CODEBOOK_BYTES,
    check_codebook_file,
    nested_quantifier,
)
from textanalysis.errors import CodebookError, SuggestError

GB = 1 << 30
CLI = str(Path(sys.executable).parent / "textanalysis")


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def _one_error(res: subprocess.CompletedProcess, code: str) -> str:
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith(f"Error: [{code}]"), res.stderr[-2000:]
    assert "Traceback" not in res.stderr
    return lines[0]


def billion_laughs() -> str:
    """Ten levels of nine aliases: 9**10 (3.5 billion) strings when expanded."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    lines += ["name: bomb", "codes:", "  - id: a", "    label: *l9"]
    return "\n".join(lines) + "\n"


HOSTILE_YAML = {
    "billion_laughs": (billion_laughs(), "C051"),
    "recursive_alias": ("name: &x [*x]\ncodes:\n  - id: a\n    label: A\n", "C051"),
    "merge_key": ("base: &b {label: A}\nname: x\ncodes:\n  - <<: *b\n    id: a\n", "C051"),
    "deep_nesting": ("name: x\ncodes: " + "[" * 20000 + "]" * 20000 + "\n", "C052"),
    "too_large": ("name: x\ncodes: []\n# " + "x" * (MAX_CODEBOOK_BYTES + 10) + "\n", "C050"),
}


@pytest.fixture()
def answers(tmp_path: Path) -> Path:
    p = tmp_path / "answers.csv"
    p.write_text("id,text\n1,Lange wachtlijsten\n2," + "a" * 41 + "!\n", encoding="utf-8")
    return p


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE_YAML))
def test_yaml_bombs_refused_by_cli_within_1gb(tmp_path, answers, kind):
    text, code = HOSTILE_YAML[kind]
    cb = tmp_path / f"{kind}.yaml"
    cb.write_text(text, encoding="utf-8")
    # `codebook validate` lists problems as "[Cxxx] ..." lines; `suggest` fails on the first
    res = _cli("codebook", "validate", str(cb))
    assert res.returncode == 2 and res.stderr.startswith(f"[{code}]"), res.stderr[-2000:]
    assert "Traceback" not in res.stderr
    out = tmp_path / "out.csv"
    _one_error(
        _cli("suggest", "--codebook", str(cb), "--answers", str(answers), "--out", str(out)), code
    )
    assert not out.exists()


@pytest.mark.parametrize("kind", sorted(HOSTILE_YAML))
def test_yaml_bombs_refused_by_the_app_parser(kind):
    """The app's Codeboek upload passes the decoded text to parse_codebook."""
    text, code = HOSTILE_YAML[kind]
    start = time.perf_counter()
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, "upload.yaml")
    assert info.value.code == code and "upload.yaml" in info.value.message
    assert time.perf_counter() - start < 10


def test_alias_message_names_line_and_fix(tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text(HOSTILE_YAML["recursive_alias"][0], encoding="utf-8")
    _, problems = check_codebook_file(cb)
    assert [p.code for p in problems] == ["C051"] and problems[0].line == 1
    assert (
        "anchor" in problems[0].message and "Write the repeated values out" in problems[0].message
    )


def test_huge_file_is_not_read_whole(tmp_path):
    cb = tmp_path / "huge.yaml"
    with cb.open("wb") as fh:  # sparse: 3 GB on paper, nothing on disk
        fh.truncate(3 * GB)
    _, problems = check_codebook_file(cb)
    assert [p.code for p in problems] == ["C050"] and str(3 * GB) in problems[0].message


# --- REFI-QDA .qdc (XML) -------------------------------------------------------------------

QDC_BODY = (
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    '<Code guid="8a3e1c1e-6a3b-4b8e-9a57-7465787461ea" name="{name}" isCodable="true"/>'
    "</Codes></CodeBook>\n"
)
XML_ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY l0 "lol">\n'
    + "".join(f' <!ENTITY l{i} "{f"&l{i - 1};" * 10}">\n' for i in range(1, 10))
    + "]>\n"
    + QDC_BODY.format(name="&l9;")
)
XML_EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
    + QDC_BODY.format(name="&ext;")
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "code"),
    [
        (XML_ENTITY_BOMB, "C054"),
        (XML_EXTERNAL, "C054"),
        # a .qdc over the size limit has its own code (C068), apart from the YAML one (C050)
        ("<!-- " + "x" * (MAX_CODEBOOK_BYTES + 1) + " -->\n" + QDC_BODY.format(name="A"), "C068"),
    ],
)
def test_qdc_bombs_refused_by_cli_within_1gb(tmp_path, text, code):
    qdc = tmp_path / "bomb.qdc"
    qdc.write_text(text, encoding="utf-8")
    out = tmp_path / "cb.yaml"
    _one_error(_cli("codebook", "import-qdc", str(qdc), "--out", str(out)), code)
    assert not out.exists()


def test_qdc_entity_refused_in_library_and_plain_qdc_still_imports(tmp_path):
    for text in (XML_ENTITY_BOMB, XML_EXTERNAL.encode("utf-8")):
        with pytest.raises(CodebookError) as info:
            from_qdc(text, "x.qdc")
        assert info.value.code == "C054" and "line 2" in info.value.message
    ok = tmp_path / "ok.qdc"
    ok.write_text('<?xml version="1.0"?>\n' + QDC_BODY.format(name="Wachtlijsten"), "utf-8")
    assert import_qdc(ok).code_ids == ["wachtlijsten"]


# --- catastrophic backtracking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "nested"),
    [
        ("^(a+)+$", True),
        (r"(\w+\s?)*$", True),
        ("(a*b?)*c", True),
        ("(?:x|y+){2,}", True),
        ("wacht(lijst|tijd)", False),
        (r"te weinig (?:mensen|personeel|medewerkers)", False),
        (r"(\d{1,3}\.)+\d+", False),  # bounded inner repeat
        ("(a++)+", False),  # possessive: never backtracks
        ("(?>a+)+", False),  # atomic group
    ],
)
def test_nested_quantifier_detection(expr, nested):
    assert bool(nested_quantifier(expr)) is nested


def _codebook_yaml(pattern: str) -> str:
    return f"name: x\ncodes:\n  - id: a\n    label: A\n    patterns:\n      - {pattern}\n"


@pytest.mark.parametrize(
    "pattern",
    ["{regex: '^(a+)+$'}", "{tokens: [{TEXT: {REGEX: '^(a+)+$'}}]}"],
)
def test_nested_quantifier_refused_at_validation(tmp_path, pattern):
    cb = tmp_path / "cb.yaml"
    cb.write_text(_codebook_yaml(pattern), encoding="utf-8")
    _, problems = check_codebook_file(cb)
    assert [p.code for p in problems] == ["C053"] and problems[0].line == 6
    assert "a++" in problems[0].message


@pytest.mark.slow
def test_backtracking_pattern_times_out_with_a_coded_error(tmp_path, answers):
    """'(a|a)+' passes validation (no nested quantifier) but is exponential: matching has a
    time limit, so `suggest` on a 41-character answer stops with [G040] instead of hanging."""
    cb = tmp_path / "cb.yaml"
    cb.write_text(_codebook_yaml("{regex: '^(a|a)+$'}"), encoding="utf-8")
    start = time.perf_counter()
    res = _cli(
        "suggest",
        "--codebook",
        str(cb),
        "--answers",
        str(answers),
        "--out",
        str(tmp_path / "o.csv"),
    )
    line = _one_error(res, "G040")
    assert "(a|a)+" in line and time.perf_counter() - start < 60


def test_rule_suggester_times_out_on_unvalidated_codebook():
    """A Codebook built in code skips validation: the matching time limit still holds."""
    from textanalysis.suggest.rules import RuleSuggester

    cb = Codebook.model_validate(
        {"name": "x", "codes": [{"id": "a", "label": "A", "patterns": [{"regex": "^(a+)+$"}]}]}
    )
    rules = RuleSuggester(cb).fit()
    start = time.perf_counter()
    try:
        rules.predict_scores(["a" * 41 + "!"])  # the regex engine may see through this one
    except SuggestError as exc:
        assert exc.code == "G040"
    rules2 = RuleSuggester(
        Codebook.model_validate(
            {"name": "y", "codes": [{"id": "b", "label": "B", "patterns": [{"regex": "^(b|b)+$"}]}]}
        )
    ).fit()
    with pytest.raises(SuggestError) as info:
        rules2.predict_scores(["b" * 41 + "!"])
    assert info.value.code == "G040"
    assert time.perf_counter() - start < 30

"""`textanalysis codebook add-code|rename|move|merge|split|delete` and `textanalysis bulk
search|apply|undo|actions`: thin commands; a library error is one line and exit 2."""

from __future__ import annotations

from click.testing import CliRunner
from test_bulk import Q, S, _result

from textanalysis.cli import main
from textanalysis.store import Store


def test_codeframe_and_bulk_commands(tmp_path):
    db = str(tmp_path / "cli.db")
    with Store(db) as store:
        store.import_result(_result(), S, "2022")
    run = CliRunner().invoke
    scope = ["--survey", S, "--question", Q, "--coder", "anna", "--db", db]
    ok = run(main, ["codebook", "add-code", "Wachtlijsten", "--id", "wacht", *scope])
    assert ok.exit_code == 0, ok.output
    assert "add-code 'wacht': v1" in ok.output
    for args in (["add-code", "GGZ", "--id", "ggz"], ["add-code", "Overig", "--id", "z"]):
        assert run(main, ["codebook", *args, *scope]).exit_code == 0
    bulk_scope = ["--survey", S, "--question", Q, "--db", db]
    hits = run(main, ["bulk", "search", "wachtlijst", *bulk_scope])
    assert hits.exit_code == 0 and "[wachtlijsten]" in hits.output and "2 hit(s)" in hits.output
    applied = run(main, ["bulk", "apply", "wachtlijst", "wacht", "--coder", "anna", *bulk_scope])
    assert "bulk #" in applied.output and "on 2 answer(s)" in applied.output, applied.output
    action = applied.output.split("#")[1].split(":")[0]
    assert "undone: 2" in run(main, ["bulk", "undo", action, "--db", db]).output
    again = run(main, ["bulk", "undo", action, "--db", db])
    assert again.exit_code == 2 and "[C083]" in again.output
    run(main, ["bulk", "apply", "ggz", "ggz", "--coder", "anna", *bulk_scope])
    used = run(main, ["codebook", "delete", "ggz", *scope])
    assert used.exit_code == 2 and "[C073]" in used.output
    steps = [
        ["rename", "wacht", "--to", "wachten", "--label", "Wachten"],
        ["move", "z", "--parent", "wachten"],
        ["merge", "ggz", "wachten"],
        ["move", "z"],
        ["split", "wachten", "w1=Wachtlijst", "w2"],
        ["delete", "z"],
    ]
    out = {}
    for step in steps:
        res = run(main, ["codebook", *step, *scope])
        assert res.exit_code == 0, (step, res.output)
        out[step[0]] = res.output
    assert "answer(s) to review" in out["split"]
    with Store(db) as store:
        assert store.load_codebook(question=Q).code_ids == ["w1", "w2"]
    listed = run(main, ["bulk", "actions", "--db", db])
    assert "wachtlijst" in listed.output

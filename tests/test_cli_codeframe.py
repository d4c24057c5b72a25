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
    saved = run(main, ["bulk", "apply", "ggz", "ggz", "--coder", "anna", "--save-keywords",
                       *bulk_scope])  # fmt: skip
    assert "keywords of 'ggz' from search 'ggz': ggz" in saved.output, saved.output
    refused = run(main, ["bulk", "apply", "ggz NOT x", "ggz", "--coder", "anna",
                         "--save-keywords", *bulk_scope])  # fmt: skip
    assert refused.exit_code == 2 and "[C090]" in refused.output
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
    # a whole codebook file: leaving out a code in use is refused, the stored one unchanged
    with Store(db) as store:
        first = int(store.units(S, Q)["unit_id"].iloc[0])
        store.record_decision(first, "w2", "anna")
    yaml = tmp_path / "ander.yaml"
    yaml.write_text(
        "name: ander\nversion: '7'\ncodes:\n  - id: w1\n    label: Wachtlijst\n",
        encoding="utf-8",
    )
    refused = run(main, ["codebook", "add", str(yaml), "--survey", S, "--question", Q, "--db", db])
    assert refused.exit_code == 2 and "[C087]" in refused.output and "'w2'" in refused.output
    with Store(db) as store:
        assert store.load_codebook(question=Q).code_ids == ["w1", "w2"]
        store.record_decisions(
            [
                {"unit_id": int(r.unit_id), "code": "w2", "coder": r.coder, "decision": "rejected"}
                for r in store.current_codes(survey=S, question=Q).itertuples()
                if r.code == "w2"
            ]
        )
    added = run(main, ["codebook", "add", str(yaml), "--survey", S, "--question", Q,
                       "--coder", "bert", "--db", db])  # fmt: skip
    assert added.exit_code == 0, added.output
    with Store(db) as store:
        from textanalysis.codebook import frame

        log = frame.operations(store, Q)
        assert store.load_codebook(question=Q).code_ids == ["w1"]
    assert log[["operation", "coder"]].iloc[-1].tolist() == ["upload", "bert"]
    assert "ander.yaml" in log["summary"].iloc[-1]

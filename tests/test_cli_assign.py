"""`textanalysis assign`: disjoint batches per coder on the demo database, and typed errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from textanalysis.cli import main
from textanalysis.store import Store

pytestmark = pytest.mark.slow  # the demo database is built by the real `textanalysis demo`


def _assign(db, *args: str):
    scope = ["assign", "--db", str(db), "--survey", "peiling", "--question", "Q60"]
    return CliRunner().invoke(main, [*scope, *args])


def _printed(output: str) -> dict[tuple[str, str], list[int]]:
    rows = {}
    for line in output.splitlines():
        coder, what, rest = line.split("\t")
        count, ids = rest.split(" answer(s): ")
        rows[coder, what] = [int(u) for u in ids.split()]
        assert int(count) == len(rows[coder, what])
    return rows


def test_assign_prints_disjoint_batches_and_stores_them(demo_db):
    res = _assign(
        demo_db, "--coders", "anna, bert", "--size", "10", "--double", "0.2", "--seed", "3"
    )
    assert res.exit_code == 0, res.output
    printed = _printed(res.stdout)
    anna, bert = printed["anna", "batch"], printed["bert", "batch"]
    assert len(anna) == len(bert) == 10 and not set(anna) & set(bert)
    # 20% of each batch goes to the other coder as well (blind double coding)
    assert set(printed["bert", "double coding"]) <= set(anna)
    assert set(printed["anna", "double coding"]) <= set(bert)
    assert len(printed["bert", "double coding"]) == 2
    with Store(str(demo_db)) as store:
        stored = store.assignments()
    batch = stored[stored["purpose"] == "batch"]
    assert sorted(batch.loc[batch["coder"] == "anna", "unit_id"].astype(int)) == sorted(anna)
    assert sorted(batch.loc[batch["coder"] == "bert", "unit_id"].astype(int)) == sorted(bert)

    # a second round takes other answers: nobody codes the same answers by accident
    again = _assign(demo_db, "--coders", "carla", "--size", "10", "--seed", "3")
    assert again.exit_code == 0, again.output
    assert not set(_printed(again.stdout)["carla", "batch"]) & (set(anna) | set(bert))


def test_same_seed_same_batches(demo_master, tmp_path):
    import shutil

    outs = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        shutil.copy(demo_master, db)
        res = _assign(db, "--coders", "anna,bert", "--size", "5", "--seed", "7")
        assert res.exit_code == 0, res.output
        outs.append(res.stdout)
    assert outs[0] == outs[1]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--coders", ",", "--size", "5"], "[K017]"),
        (["--coders", "anna", "--size", "0"], "[K032]"),
        (["--coders", "anna,bert", "--size", "5", "--double", "1.5"], "[K018]"),
        (["--coders", "anna", "--size", "5", "--double", "0.1"], "[K034]"),
        (["--coders", "gold", "--size", "5"], "[A001]"),
    ],
)
def test_bad_arguments_are_typed_errors(demo_db, args, code):
    res = _assign(demo_db, *args)
    assert res.exit_code == 2
    assert res.output.startswith(f"Error: {code}")
    assert "Traceback" not in res.output


def test_unknown_survey_or_question(demo_db):
    res = CliRunner().invoke(
        main, ["assign", "--db", str(demo_db), "--survey", "nope", "--question", "Q60",
               "--coders", "anna", "--size", "5"],
    )  # fmt: skip
    assert res.exit_code == 2 and "[S006]" in res.output
    res = CliRunner().invoke(
        main, ["assign", "--db", str(demo_db), "--survey", "peiling", "--question", "Q99",
               "--coders", "anna", "--size", "5"],
    )  # fmt: skip
    assert res.exit_code == 2 and "[S007]" in res.output


def test_nothing_left_to_assign(demo_db):
    res = _assign(demo_db, "--coders", "anna,bert", "--size", "100000")
    assert res.exit_code == 0, res.output
    res = _assign(demo_db, "--coders", "carla", "--size", "5")
    assert res.exit_code == 2 and "[K033]" in res.output

"""Helpers for the store tests: IngestResult builders and the worker processes of the
concurrency and kill tests (module-level so multiprocessing's spawn can import them)."""

from __future__ import annotations

import sys
import time

import pandas as pd

from textanalysis.ingest import IngestResult

ATTRS = ["inwonersklasse", "g40"]
KLASSEN = ["< 20.000 inwoners", "20.000 - 50.000", "50.000 - 100.000", "> 100.000 inwoners"]
ANSWERS = [
    "Wachtlijsten in de jeugdzorg en de GGZ",
    "Meer inzet op preventie en vroegsignalering",
    "nvt",
    "Samenwerking met huisartsen (POH-GGZ) verbeteren",
    "Personeelstekort bij wijkteams",
    "",
    "Administratieve lasten Wmo",
]


def make_result(
    n_respondents: int = 6,
    questions: tuple[str, ...] = ("Q58",),
    units_per_cell: int = 2,
    source: str = "peiling2022.csv",
    text_prefix: str = "",
    with_original: bool = False,
) -> IngestResult:
    """A real IngestResult (the ingest dataclass) with deterministic Dutch answers."""
    rows = []
    resp = []
    for r in range(n_respondents):
        rid = f"G{r:05d}"
        klasse = KLASSEN[r % len(KLASSEN)]
        g40 = "ja" if r % 3 == 0 else "nee"
        resp.append({"respondent_id": rid, "inwonersklasse": klasse, "g40": g40})
        for q in questions:
            n_units = 1 + (r % units_per_cell)
            cell = "\n".join(ANSWERS[(r + i) % len(ANSWERS)] for i in range(n_units))
            for i in range(n_units):
                text = ANSWERS[(r + i) % len(ANSWERS)]
                substantive = text not in ("nvt", "")
                row = {
                    "respondent_id": rid,
                    "question_id": q,
                    "unit_index": i,
                    "text": text_prefix + text,
                    "cell_text": cell,
                    "substantive": substantive,
                    "non_substantive_reason": None
                    if substantive
                    else ("empty" if not text else "nvt"),
                    "inwonersklasse": klasse,
                    "g40": g40,
                }
                if with_original:
                    row["original_text"] = "ORIGINAL " + text
                rows.append(row)
    units = pd.DataFrame(rows)
    respondents = pd.DataFrame(resp)
    return IngestResult(
        units=units,
        respondents=respondents,
        questions={q: f"{q.lower()}_open_vraag" for q in questions},
        attribute_columns=list(ATTRS),
        duplicate_ids=[],
        duplicates_policy="most-complete",
        source_name=source,
        source_sha256="0" * 64,
        summary={
            "respondents": len(respondents),
            "units": len(units),
            "non_substantive": int((~units["substantive"]).sum()),
            "duplicates": 0,
        },
    )


def big_result(n_units: int, prefix: str = "") -> IngestResult:
    """About ``n_units`` units over one question, 2 units per respondent (for benchmarks, kills)."""
    return make_result(
        n_respondents=n_units // 2, units_per_cell=2, text_prefix=prefix, questions=("Q58",)
    )


# --- worker processes ----------------------------------------------------------------------


def decision_worker(url: str, coder: str, n: int, open_evt, ids_q, out_q) -> None:
    """Open the (new) database together with another process (migrations must not race),
    then record ``n`` decisions one by one (each committed), alternating codes and
    apply/reject, at the same time as the other process."""
    from textanalysis.store import Store

    open_evt.wait(30)
    store = Store(url)
    out_q.put(store.schema_revision())
    unit_ids = ids_q.get(timeout=120)
    for i in range(n):
        unit = unit_ids[i % len(unit_ids)]
        code = f"code{i % 3}"
        decision = "rejected" if (i // len(unit_ids)) % 2 else "applied"
        store.record_decision(unit, code, coder, decision=decision, source="manual", score=i / n)
    store.close()


def kill_import_child(path: str, n_units: int) -> None:
    """Import a big result; after the first units chunk is written (inside the transaction),
    say so and wait to be killed."""
    from sqlalchemy import event

    from textanalysis.store import Store, _import

    _import._INSERT_CHUNK = 1000
    store = Store(path)
    store.record_decision(int(store.units("base", "Q58")["unit_id"].iloc[0]), "c1", "anna")
    print("committed-decision", flush=True)

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO UNITS"):
            print("inside-import", flush=True)
            time.sleep(60)

    store.import_result(big_result(n_units, prefix="kill "), survey="peiling", wave="2022")
    print("import-finished", flush=True)


def kill_batch_child(path: str, batch: int, pause_in_batch: int) -> None:
    """Record decision batches, printing the last decision id after each commit; in batch
    ``pause_in_batch`` pause after the INSERT (inside the transaction) until killed."""
    from sqlalchemy import event

    from textanalysis.store import Store

    store = Store(path)
    ids = store.units("base", "Q58")["unit_id"].tolist()
    state = {"batch": 0}

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        if state["batch"] == pause_in_batch and statement.lstrip().upper().startswith(
            "INSERT INTO DECISIONS"
        ):
            print("inside-batch", flush=True)
            time.sleep(60)

    while True:
        rows = [
            {
                "unit_id": ids[(state["batch"] * batch + i) % len(ids)],
                "code": f"c{i % 4}",
                "coder": "anna",
            }
            for i in range(batch)
        ]
        store.record_decisions(rows)
        print(f"committed {state['batch']}", flush=True)
        state["batch"] += 1


if __name__ == "__main__":  # python tests/test_store_support.py import|batch PATH
    if sys.argv[1] == "import":
        kill_import_child(sys.argv[2], int(sys.argv[3]))
    else:
        kill_batch_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))

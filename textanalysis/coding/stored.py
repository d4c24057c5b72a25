"""`textanalysis suggest --survey --question [--coder]`: the Coderen page's suggestions for a
stored question, as a library function (the CLI only parses options and prints).

It lives with the coding workflow, not in ``suggest/``: it uses the page's training rule
(:func:`textanalysis.coding.training.fit_bundle`), and ``suggest/`` never imports ``coding/``.
"""

from __future__ import annotations

import pandas as pd

from ..codebook import load_codebook
from ..suggest.commands import SUGGEST_COLUMNS, check_output, write_output
from .training import fit_bundle


def run_suggest_store(
    db: str, survey: str, question: str, wave: str | None = None, coder: str | None = None,
    codebook: str | None = None, out: str | None = None, top_k: int = 5,
) -> pd.DataFrame:  # fmt: skip
    """The suggestions the Coderen page shows for a stored question: the same model and training
    rule (``coding.fit_bundle``; with ``coder``, as that coder sees them), for every substantive
    answer not decided yet (by ``coder``, or by anyone). ``id`` is the unit id. The run is kept in
    the database (``Store.runs("suggest")``)."""
    from ..store import Store

    check_output(out)
    store = Store(db)
    try:
        cb = load_codebook(codebook) if codebook else store.load_codebook(question=question)
        bundle = fit_bundle(store, survey, question, wave, cb, coder=coder, pool=None)
        units = store.units(survey, question, wave, substantive=True)
        decided = set(
            store.decisions(survey=survey, question=question, wave=wave, coder=coder)["unit_id"]
        )
        todo = units[~units["unit_id"].isin(decided)]
        table = bundle.model.suggest(
            todo["text"].astype(str).tolist(), top_k=top_k, ids=todo["unit_id"].astype(int).tolist()
        )
        store.record_run(
            "suggest",
            {"survey": survey, "question": question, "wave": wave, "coder": coder,
             "codebook_version": cb.content_hash},
            {"answers": len(todo), "suggested": int(table["suggested"].sum()),
             "trained_on": bundle.trained_on},
        )  # fmt: skip
    finally:
        store.close()
    if out:
        write_output(table[SUGGEST_COLUMNS], out)
    table.attrs["mode"] = (
        f"ensemble trained on {bundle.trained_on} coded answers"
        if bundle.model.trained_
        else f"codebook only, {bundle.trained_on} coded answers so far"
    )
    return table

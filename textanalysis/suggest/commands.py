"""What the `suggest`, `evaluate` and `autocode` commands do, as library functions
(the CLI in ``textanalysis/cli/suggest.py`` only parses options and prints)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..codebook import load_codebook
from ..csvio import check_out, write_csv
from ..errors import Errors, SuggestError
from .active import coder_training_set
from .autocode import AutocodeResult, autocode
from .ensemble import MIN_TRAINING_ANSWERS, EnsembleSuggester
from .evaluate import EvaluationResult, evaluate_suggester
from .io import check_target_precision, read_answers, read_gold, read_train

SUGGEST_COLUMNS = ["id", "code", "score", "suggested", "source", "evidence"]


def write_output(df: pd.DataFrame, out: str | Path) -> None:
    try:
        write_csv(df, out)  # formula-looking cells neutralised, as in every CSV the tool writes
    except OSError as exc:
        raise SuggestError(
            Errors.G044,
            out=out,
            reason=exc.strerror,
        ) from None


def check_output(out: str | Path | None) -> None:
    """[G014] before any work, and before any database write, when OUT's folder is missing."""
    if out:
        check_out(out, SuggestError, Errors.G014)


def _fit(codebook, train: pd.DataFrame | None, answers: list[str]) -> EnsembleSuggester:
    """The ensemble, learning from ``train`` when given; the answers to code are its unlabeled
    pool (their texts only: prototypes and per-code statistics come from the survey itself)."""
    model = EnsembleSuggester(codebook)
    if train is None:
        return model.fit(unlabeled=answers)
    return model.fit(train["text"].tolist(), train["codes"].tolist(), unlabeled=answers)


def run_suggest(
    codebook: str, answers: str, out: str, train: str | None = None, top_k: int = 5
) -> pd.DataFrame:
    """Suggestions for every answer: the ``top_k`` best codes (all if fewer) plus every suggested one."""
    check_output(out)
    cb = load_codebook(codebook)
    ans = read_answers(answers)
    tr = read_train(train, cb) if train else None
    model = _fit(cb, tr, ans["text"].tolist())
    table = model.suggest(ans["text"].tolist(), top_k=top_k, ids=ans["id"].tolist())
    write_output(table[SUGGEST_COLUMNS], out)
    if model.trained_:
        table.attrs["mode"] = f"ensemble trained on {len(tr)} coded answers"
    elif tr is not None:
        table.attrs["mode"] = (
            f"codebook only: {len(tr)} coded answers are too few to learn from "
            f"(need {MIN_TRAINING_ANSWERS}, with {model.min_examples}+ per code)"
        )
    else:
        table.attrs["mode"] = "codebook only (rules + similarity to the codebook and the answers)"
    return table


def run_evaluate(
    codebook: str,
    answers: str,
    gold: str,
    train: str | None = None,
    out: str | None = None,
    cv: int = 5,
) -> EvaluationResult:
    check_output(out)
    cb = load_codebook(codebook)
    ans = read_answers(answers)
    g = read_gold(gold, cb, ans["id"].tolist())
    tr = read_train(train, cb) if train else None
    res = evaluate_suggester(
        lambda: EnsembleSuggester(cb), cb, ans["id"].tolist(), ans["text"].tolist(), g,
        None if tr is None else (tr["id"].tolist(), tr["text"].tolist(), tr["codes"].tolist()), cv=cv,
    )  # fmt: skip
    if out:
        write_output(res.table, out)
    return res


def run_autocode(
    codebook: str, answers: str, train: str, target_precision: float, out: str
) -> AutocodeResult:
    check_target_precision(target_precision)
    check_output(out)
    cb = load_codebook(codebook)
    ans = read_answers(answers)
    tr = read_train(train, cb)
    model = _fit(cb, tr, ans["text"].tolist())
    res = autocode(model, ans["text"].tolist(), ans["id"].tolist(), target_precision)
    write_output(res.decisions, out)
    return res


def run_autocode_store(
    db: str, codebook: str | None, survey: str, question: str, coder: str,
    target_precision: float, wave: str | None = None, out: str | None = None,
) -> AutocodeResult:  # fmt: skip
    """Learn from ``coder``'s confirmed codes in the Store and record ``source=auto`` decisions
    (under the same coder) for the units that coder has not decided yet. Without ``codebook``
    (a YAML file) the question's stored codebook is used, as in ``coding.stored.run_suggest_store``."""
    from ..store import Store

    check_target_precision(target_precision)
    check_output(out)  # before decisions are recorded: an error must leave the database unchanged
    store = Store(db)
    try:
        cb = load_codebook(codebook) if codebook else store.load_codebook(question=question)
        units, decided, coded, labels = coder_training_set(store, survey, question, coder, wave)
        for codes in labels:
            for c in codes:
                cb.get(c, source=codebook)
        todo = units[~units["unit_id"].isin(decided)]
        if "substantive" in todo.columns:
            todo = todo[todo["substantive"].astype(bool)]
        model = EnsembleSuggester(cb, cache=store).fit(
            coded["text"].tolist(), labels, unlabeled=units["text"].tolist()
        )
        res = autocode(model, todo["text"].tolist(), todo["unit_id"].tolist(), target_precision)
        version = cb.content_hash  # a YAML dump each time it is read: once, not per decision
        rows = [
            {"unit_id": int(r.id), "code": r.code, "coder": coder, "decision": "applied", "source": "auto",
             "score": float(r.score), "codebook_version": version}
            for r in res.decisions.itertuples()
        ]  # fmt: skip
        store.record_decisions(rows)
        store.record_run(
            "autocode",
            {"survey": survey, "question": question, "coder": coder, "target_precision": target_precision},
            {"coded": res.n_coded, "remaining": res.n_remaining, "est_precision": res.est_precision,
             "est_recall": res.est_recall, "decisions": len(rows)},
        )  # fmt: skip
    finally:
        store.close()
    if out:
        write_output(res.decisions, out)
    return res


def check_suggest_args(codebook, answers, train, out, survey, question) -> str:
    """'csv' (--codebook/--answers/--out) or 'store' (--survey/--question); else [G046]/[G047]."""
    if answers or train:
        if not (codebook and answers and out):
            raise SuggestError(Errors.G046)
        return "csv"
    if survey and question:
        return "store"
    raise SuggestError(Errors.G047)


def check_autocode_args(codebook, answers, train, out, survey, question, coder) -> str:
    """'csv' (--codebook/--answers/--train/--out) or 'store' (--survey/--question/--coder,
    --codebook optional); else [G015]/[G045]."""
    if answers or train:
        if not (codebook and answers and train and out):
            raise SuggestError(Errors.G015)
        return "csv"
    if survey and question and coder:
        return "store"
    raise SuggestError(
        Errors.G045,
    )

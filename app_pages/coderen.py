"""Coderen: one answer at a time, suggestions pre-selected, evidence marked, decisions stored.

Thin page: what a confirmation records is ``appstate.plan_decisions``; escaping and
highlighting is ``appstate.highlight_html``; order/filters are ``appstate``; the model is
re-trained by ``appstate.BackgroundTrainer`` in a worker thread.
"""

from __future__ import annotations

import random

import streamlit as st

from app_pages import common as C
from textanalysis.coding import (
    FILTERS,
    NOBODY,
    ORDERS,
    blind_units,
    coder_state,
    filter_units,
    fit_bundle,
    highlight_html,
    order_units,
    plan_decisions,
    step,
    trainer_scope,
    uncertainty_from_scores,
    unclaimed_units,
    unit_suggestions,
    units_with_code,
    visible_memos,
)
from textanalysis.store import unit_attribute_columns

CUR = "cod_unit"  # current unit id (not a widget key)
HIST = "cod_history"  # units visited, for "Vorige"
SHOW_SCORE_FROM = 0.05


@st.cache_resource(show_spinner="Suggesties voorbereiden ...")
def cold_model(url: str, scope: tuple, codebook_hash: str, _codebook, _texts: list[str]):
    """The untrained ensemble (rules + similarity to the codebook and to this question's
    answers) for a codebook version and question, once per process."""
    from textanalysis.suggest.ensemble import EnsembleSuggester

    emb = C.embedder()
    C.embed_with_progress(emb, _texts)  # a first run embeds every answer once: show how far
    return EnsembleSuggester(_codebook, embedder=emb, cache=C.get_store()).fit(unlabeled=_texts)


def _substantive_texts(units) -> list[str]:
    return units.loc[units["substantive"].astype(bool), "text"].astype(str).tolist()


st.title("Coderen")
store = C.get_store()
coder = C.require_coder()
scope = C.pick_question("cod")
if coder is None or scope is None:
    st.stop()
survey, wave, question = scope
codebook = C.codebook_for(question)
if codebook is None:
    st.stop()
cb_hash = codebook.content_hash
labels = codebook.labels()
all_units = C.units(survey, wave, question)
st.session_state.setdefault("cod_seed", random.randrange(1_000_000))

with st.expander("Volgorde en filters", expanded=False):
    c1, c2, c3 = st.columns(3)
    order = c1.selectbox(
        "Volgorde",
        ORDERS,
        key="cod_order",
        help="Actief leren: eerst de antwoorden waar het model het minst zeker is.",
    )
    mode = c2.selectbox("Filter", FILTERS, index=1, key="cod_filter")
    f_code = f_coder = None
    low = 0.6
    if mode == "met code":
        f_code = c3.selectbox(
            "Code", codebook.code_ids, format_func=lambda c: labels.get(c, c), key="cod_f_code"
        )
    elif mode == "door codeur":
        f_coder = c3.selectbox(
            "Codeur", store.coders(question, survey, wave) or [coder], key="cod_f_coder"
        )
    elif mode == "lage zekerheid":
        low = c3.slider("Hoogste score lager dan", 0.0, 1.0, 0.6, 0.05, key="cod_f_low")
    search = st.text_input(
        "Zoeken in antwoorden", key="cod_search", placeholder="woord of zinsdeel"
    )
    show_non = st.checkbox("Ook niet-inhoudelijke antwoorden (nvt, geen, ...)", key="cod_non")

# independent double coding: a coder with assigned answers gets a model of their own
key = (
    C.db_url(),
    survey,
    wave,
    question,
    cb_hash,
    trainer_scope(store, survey, question, wave, coder),
)
trainer = C.trainer()


_embedder = C.embedder()


def _fit():
    # runs in the trainer's worker thread: no Streamlit calls here (no session there), only
    # objects captured from the script thread
    return fit_bundle(store, survey, question, wave, codebook, embedder=_embedder, coder=key[-1])


def _confirm(uid: int, plan_args: dict, next_uid: int | None, reject_all: bool = False) -> None:
    """Button callback: record the decisions, then move on (runs before the rerun)."""
    sel = (
        []
        if reject_all
        else [c for c in codebook.code_ids if st.session_state.get(f"cod_cb_{uid}_{c}")]
    )
    plan = plan_decisions(sel, plan_args["suggested"], plan_args["current"])
    if not plan and not plan_args["current"]:
        # looked at, no code applies: record it, so progress and agreement see the unit as coded
        plan = plan_decisions([], {c: plan_args["scores"].get(c, 0.0) for c in codebook.code_ids})
        plan = [p.__class__(p.code, "rejected", "manual", None) for p in plan]
    rows = [
        {"unit_id": uid, "code": p.code, "coder": coder, "decision": p.decision, "source": p.source,
         "score": p.score, "codebook_version": cb_hash}
        for p in plan
    ]  # fmt: skip
    try:
        store.record_decisions(rows)
    except Exception as exc:  # noqa: BLE001 - shown, nothing lost: the transaction rolled back
        st.session_state["cod_msg"] = ("error", C.fout_tekst(exc, "Opslaan lukte niet"))
        return
    st.session_state["cod_msg"] = ("ok", f"{len(rows)} beslissing(en) opgeslagen.")
    st.session_state.setdefault(HIST, []).append(uid)
    st.session_state[CUR] = next_uid
    st.session_state["cod_pinned"] = False
    trainer.maybe_retrain(key, trainer.note(key), _fit)


def _goto(target: int | None, push: int | None = None) -> None:
    if push is not None:
        st.session_state.setdefault(HIST, []).append(push)
    st.session_state[CUR] = target
    st.session_state["cod_pinned"] = False


def _back() -> None:
    hist = st.session_state.get(HIST) or []
    if hist:
        st.session_state[CUR] = hist.pop()
        st.session_state["cod_pinned"] = True


def _save_memo(uid: int) -> None:
    text = st.session_state.get(f"cod_memo_{uid}", "")
    try:
        store.add_memo(text, coder, unit_id=uid)
    except Exception as exc:  # noqa: BLE001
        st.session_state["cod_msg"] = ("error", C.fout_tekst(exc, "Memo niet opgeslagen"))
        return
    st.session_state[f"cod_memo_{uid}"] = ""
    st.session_state["cod_msg"] = ("ok", "Memo opgeslagen.")


def _columns_for(codebook, n: int) -> dict[str, int]:
    """Column per code: a top-level code and its children stay together, columns balanced."""
    sizes = [0] * n
    out: dict[str, int] = {}
    for top in codebook.codes:
        col = sizes.index(min(sizes))
        members = [top.id, *codebook.descendants(top.id)]
        for m in members:
            out[m] = col
        sizes[col] += len(members)
    return out


@st.fragment
@C.toon_fouten()  # a fragment reruns on its own, outside app.py's page-wide error display
def panel() -> None:
    """The coding panel; a fragment so a click redraws only this part of the page."""
    trainer.maybe_retrain(key, 0, _fit)  # first model for this question (once)
    bundle = trainer.model(key)
    status = trainer.status(key)
    units = all_units if show_non else all_units[all_units["substantive"]]
    if search:
        units = units[units["text"].str.contains(search, case=False, regex=False, na=False)]
    ids = units["unit_id"].astype(int).tolist()
    mine = store.decisions(survey=survey, question=question, wave=wave, coder=coder)
    decided_by = {int(u): {coder} for u in mine["unit_id"]} if not mine.empty else {}
    codes_of: dict[int, set[str]] = {}
    if mode == "door codeur" and f_coder:
        other = store.decisions(survey=survey, question=question, wave=wave, coder=f_coder)
        for u in other["unit_id"]:
            decided_by.setdefault(int(u), set()).add(f_coder)
    if mode == "met code" and f_code:
        with_code = units_with_code(store, survey, question, wave, f_code, coder)
        codes_of = {u: {f_code} for u in with_code}
    assigned = None
    if mode == "toegewezen aan mij":
        assigned = blind_units(store, survey, question, wave, coder)
    unclaimed = unclaimed_units(store, survey, question, wave, coder) if mode == NOBODY else None
    scores = bundle.scores if bundle is not None else None
    max_score = scores.max(axis=1).to_dict() if scores is not None and len(scores.columns) else {}
    queue = filter_units(
        ids, mode=mode, decided_by=decided_by, codes_of=codes_of, coder=coder, code=f_code,
        other_coder=f_coder, max_score=max_score, low=low, assigned=assigned, unclaimed=unclaimed,
    )  # fmt: skip
    unc = (
        uncertainty_from_scores(scores.loc[scores.index.intersection(queue)])
        if scores is not None
        else None
    )
    queue = order_units(queue, mode=order, uncertainty=unc, seed=st.session_state["cod_seed"])

    prog = store.progress(survey, question, wave)
    total = int(all_units["substantive"].sum())
    done = int(prog.loc[prog["coder"] == coder, "coded_units"].sum()) if not prog.empty else 0
    st.progress(
        min(done / total, 1.0) if total else 0.0,
        text=f"Uw voortgang: {done} van {total} antwoorden gecodeerd",
    )
    if not prog.empty and len(prog) > 1:
        with st.popover("Voortgang per codeur"):
            st.dataframe(
                prog.rename(
                    columns={
                        "coder": "codeur",
                        "coded_units": "gecodeerd",
                        "substantive_units": "totaal",
                        "fraction": "aandeel",
                    }
                ),
                hide_index=True,
            )
    msg = st.session_state.pop("cod_msg", None)
    if msg:
        (st.error if msg[0] == "error" else st.toast)(msg[1])
    if order == "actief leren" and bundle is None:
        st.caption("Het model wordt op de achtergrond getraind; tot dan op volgorde van import.")

    if not queue:
        st.success(
            "Geen antwoorden meer in deze selectie. Kies een ander filter of een andere vraag."
        )
        return
    uid = st.session_state.get(CUR)
    pinned = st.session_state.get("cod_pinned") and uid in set(all_units["unit_id"])
    if uid not in queue and not pinned:
        uid = queue[0]
        st.session_state[CUR] = uid
    in_queue = uid in queue
    pos = queue.index(uid) if in_queue else -1
    row = all_units[all_units["unit_id"] == uid].iloc[0]
    text = str(row["text"])

    model = (
        bundle.model
        if bundle is not None
        else cold_model(C.db_url(), scope, cb_hash, codebook, _substantive_texts(all_units))
    )
    unit_scores = None
    if scores is not None and uid in scores.index:
        unit_scores = {c: float(v) for c, v in scores.loc[uid].items()}
    unit_scores, suggested, spans = unit_suggestions(model, text, unit_scores)
    current = coder_state(mine, uid, coder)

    st.subheader(
        f"Antwoord {pos + 1} van {len(queue)}" if in_queue else "Eerder gecodeerd antwoord"
    )
    attrs = ["wave", *unit_attribute_columns(all_units)]
    st.text(
        f"Respondent {row['respondent_id']}  ·  deel {int(row['unit_index']) + 1}  ·  "
        + "  ·  ".join(
            f"{a}: {row[a]}" for a in attrs if row[a] is not None and str(row[a]) != "nan"
        )
    )
    ev_codes = sorted({s.code for s in spans}, key=codebook.code_ids.index)
    shown = st.session_state.get(f"cod_ev_{uid}", "alle codes")
    visible = [s for s in spans if shown in ("alle codes", s.code)]
    st.html(highlight_html(text, visible, uid))
    if ev_codes:
        st.selectbox(
            "Bewijs markeren voor", ["alle codes", *ev_codes], key=f"cod_ev_{uid}",
            format_func=lambda c: c if c == "alle codes" else labels.get(c, c),
        )  # fmt: skip
    if str(row.get("cell_text") or "") not in ("", text):
        with st.expander("Hele antwoord van deze respondent"):
            st.text(str(row["cell_text"]))
    if not bool(row["substantive"]):
        st.caption(
            f"Niet-inhoudelijk antwoord ({row['non_substantive_reason'] or 'geen antwoord'}): telt niet mee in N."
        )

    st.markdown("**Codes** (voorgestelde codes staan aangevinkt, met hun zekerheid)")
    cols = st.columns(3)
    depth = {c.id: d for c, _, d in codebook.iter_codes()}
    column_of = _columns_for(codebook, 3)
    for code in codebook.code_ids:
        score = unit_scores.get(code, 0.0)
        state = current.get(code)
        default = state == "applied" if state else bool(suggested.get(code))
        mark = " · voorgesteld" if suggested.get(code) else ""
        label = ("— " * depth.get(code, 0)) + C.md_escape(labels.get(code, code))
        if score >= SHOW_SCORE_FROM:
            label += f" ({score:.0%}{mark})"
        cols[column_of[code]].checkbox(
            label, value=default, key=f"cod_cb_{uid}_{code}", help=codebook.get(code).description
        )

    sug = {c: unit_scores.get(c, 0.0) for c, on in suggested.items() if on}
    args = {"suggested": sug, "current": current, "scores": unit_scores}
    if in_queue:
        nxt = step(queue, uid, +1) if pos + 1 < len(queue) else None
    else:
        nxt = queue[0]
    b1, b2, b3, b4 = st.columns(4)
    b1.button(
        "Bevestigen",
        type="primary",
        key="cod_confirm",
        on_click=_confirm,
        args=(uid, args, nxt),
        shortcut="Ctrl+Enter",
        width="stretch",
    )
    b2.button(
        "Geen code van toepassing",
        key="cod_none",
        on_click=_confirm,
        args=(uid, args, nxt, True),
        shortcut="Ctrl+Delete",
        width="stretch",
    )
    b3.button(
        "Vorige",
        key="cod_prev",
        on_click=_back,
        disabled=not st.session_state.get(HIST),
        shortcut="PageUp",
        width="stretch",
    )
    b4.button(
        "Volgende",
        key="cod_next",
        on_click=_goto,
        args=(nxt, uid),
        disabled=nxt is None,
        shortcut="PageDown",
        width="stretch",
    )

    with st.expander("Memo" + (f" ({len(current)} eerdere beslissingen)" if current else "")):
        st.text_input("Memo bij dit antwoord", key=f"cod_memo_{uid}")
        st.button("Memo opslaan", key=f"cod_memo_save_{uid}", on_click=_save_memo, args=(uid,))
        memos = visible_memos(store, uid, coder)
        if not memos.empty:
            st.dataframe(memos[["coder", "text", "created_at"]], hide_index=True)
    if st.toggle("Onderbouwing van de suggesties tonen", key="cod_why"):
        table = model.suggest([text], top_k=5)
        table["label"] = table["code"].map(labels)
        st.dataframe(table[["label", "score", "suggested", "source", "evidence"]], hide_index=True)
    if status["error"]:
        st.caption(f"Hertrainen mislukte (het vorige model blijft actief): {status['error']}")
    elif bundle is not None:
        st.caption(
            f"Model getraind op {bundle.trained_on} gecodeerde antwoorden"
            + (" · wordt bijgewerkt ..." if status["running"] else "")
        )


panel()

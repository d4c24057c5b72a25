"""Coderen: one answer per screen, top suggestions with their confidence, decisions stored.

Thin page: what a confirmation records is ``coding.plan_decisions``; escaping and
highlighting is ``coding.highlight_html``; order/filters are ``coding.queue``; what one
screen shows (top suggestions, labels, where "Bevestigen" goes next) is ``coding.screen``;
the model (also the first, untrained one) is fitted by ``coding.BackgroundTrainer`` in a
worker thread, so the answer is shown at once and its suggestions when they are ready.

Speed: ticking a code never reruns anything (``on_change="ignore"``: the boxes are read
when a button is clicked); the panel is a fragment, so a click redraws only the panel;
the next answer's suggestions are computed ahead (``SuggestionCache``).
"""

from __future__ import annotations

import random

import streamlit as st

from app_pages import common as C
from textanalysis.codebook.frame import add_code, current_codebook, split_choices
from textanalysis.coding import (
    AUTO_OPEN,
    CHANGED,
    DISAGREE,
    FILTERS,
    NOBODY,
    ORDERS,
    REVIEW_FILTERS,
    SuggestionCache,
    auto_applied_codes,
    auto_unreviewed,
    blind_units,
    code_label,
    codeframe_changed,
    coder_state,
    disagreement_units,
    filter_units,
    fit_bundle,
    flagged_units,
    highlight_html,
    memo_title,
    next_to_code,
    order_units,
    plan_decisions,
    position_text,
    step,
    top_codes,
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
VIEW = "cod_view"  # (unit id, its suggestions): kept while the analyst stays on the unit
WAIT_FIRST_MODEL = 0.8  # s: a small question's first model is there before the page shows


@st.cache_resource
def suggestion_cache() -> SuggestionCache:
    """One per process: suggestions per (model, unit), the next answer's computed ahead."""
    return SuggestionCache()


C.compact_page()  # one answer per screen at 1366x768: less padding above the page
head = st.columns([1.1, 1.6, 3.2, 1.5], vertical_alignment="bottom")
head[0].title("Coderen")
store = C.get_store()
coder = C.require_coder()
scope = C.pick_question("cod", cols=(head[1], head[2]), compact=True)
if coder is None or scope is None:
    st.stop()
survey, wave, question = scope


def new_code_form(uid: int, *, first: bool = False) -> None:
    """ "Nieuwe code" beside the answer: label and optional definition; the answer becomes
    the code's first example and is coded with it for this coder (``codebook.frame.add_code``)."""
    with st.popover(
        "Nieuwe code", icon=":material/add:", width="stretch",
        help="Een nieuwe code voor deze vraag; dit antwoord wordt het eerste voorbeeld en krijgt de code.",
    ):  # fmt: skip
        with st.form(f"cod_new_form_{uid}", clear_on_submit=True, border=False):
            label = st.text_input("Label", key="cod_new_label", placeholder="bijv. Wachtlijsten")
            definition = st.text_area("Definitie (optioneel)", key="cod_new_def", height=68)
            add = st.form_submit_button("Code toevoegen", type="primary" if first else "secondary")
        if add:
            if not label.strip():
                st.warning("Geef de code een label.")
                return
            try:
                change = add_code(
                    store, survey, question, label, definition=definition.strip() or None,
                    coder=coder, example_unit=uid,
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - shown in Dutch, nothing stored
                st.error(C.fout_tekst(exc, "Code toevoegen lukte niet"))
                return
            st.session_state["cod_msg"] = ("ok", f"Code '{change.code_id}' toegevoegd.")
            st.session_state[CUR] = uid  # stay on the answer: more codes may apply
            st.session_state["cod_pinned"] = True
            st.rerun()  # the whole page: a new codebook version


codebook = current_codebook(store, survey, question)
if codebook is None:
    # no codebook yet: code the answers from the first one, making codes as they come up
    _units = C.units(survey, wave, question)
    _ids = _units.loc[_units["substantive"].astype(bool), "unit_id"].astype(int).tolist()
    if not _ids:
        st.info("Deze vraag heeft nog geen inhoudelijke antwoorden om te coderen.")
        st.stop()
    _uid = st.session_state.get(CUR)
    _uid = _uid if _uid in _ids else _ids[0]
    st.session_state[CUR] = _uid
    _pos = _ids.index(_uid)
    _l, _r = st.columns(2, gap="medium")
    with _l:
        _p, _n = st.columns([3, 2], vertical_alignment="center")
        _p.markdown(f"**{position_text(_pos, len(_ids))}**")
        with _n:
            new_code_form(_uid, first=True)
        st.html(
            highlight_html(str(_units.loc[_units["unit_id"] == _uid, "text"].iloc[0]), [], _uid)
        )
    with _r:
        st.info(
            f"Er is nog geen codeboek voor {question}. Maak met **Nieuwe code** naast het "
            "antwoord de eerste code: dit antwoord wordt het eerste voorbeeld. Het codeboek "
            "groeit terwijl u codeert (of maak het op de pagina Codeboek)."
        )
        _a, _b = st.columns(2)
        _a.button(
            "Vorige", key="cod_prev", disabled=_pos == 0, width="stretch",
            on_click=lambda: st.session_state.update({CUR: _ids[_pos - 1]}),
        )  # fmt: skip
        _b.button(
            "Volgende", key="cod_next", disabled=_pos + 1 >= len(_ids), width="stretch",
            on_click=lambda: st.session_state.update({CUR: _ids[min(_pos + 1, len(_ids) - 1)]}),
        )  # fmt: skip
    st.stop()
cb_hash = codebook.content_hash
labels = codebook.labels()
all_units = C.units(survey, wave, question)
st.session_state.setdefault("cod_seed", random.randrange(1_000_000))

with head[3].popover("Volgorde en filters", icon=":material/tune:", width="stretch"):
    order = st.selectbox(
        "Volgorde",
        ORDERS,
        key="cod_order",
        help="Actief leren: eerst de antwoorden waar het model het minst zeker is.",
    )
    mode = st.selectbox("Filter", FILTERS, index=1, key="cod_filter")
    f_code = f_coder = None
    low = 0.6
    if mode == "met code":
        f_code = st.selectbox(
            "Code", codebook.code_ids, format_func=lambda c: labels.get(c, c), key="cod_f_code"
        )
    elif mode == "door codeur":
        f_coder = st.selectbox(
            "Codeur", store.coders(question, survey, wave) or [coder], key="cod_f_coder"
        )
    elif mode == "lage zekerheid":
        low = st.slider("Hoogste score lager dan", 0.0, 1.0, 0.6, 0.05, key="cod_f_low")
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
_progress = trainer.reporter(key)


def _fit():
    # runs in the trainer's worker thread: no Streamlit calls here (no session there), only
    # objects captured from the script thread; the embedder loads there too (not in the page)
    from textanalysis.embed import get_embedder

    return fit_bundle(
        store, survey, question, wave, codebook, embedder=get_embedder(), coder=key[-1],
        progress=_progress,
    )  # fmt: skip


def _confirm(uid: int, plan_args: dict, next_uid: int | None, reject_all: bool = False) -> None:
    """Button callback: record the decisions, then move on (runs before the rerun)."""
    sel = (
        []
        if reject_all
        else [c for c in codebook.code_ids if st.session_state.get(f"{plan_args['box']}{uid}_{c}")]
    )
    plan = plan_decisions(sel, plan_args["suggested"], plan_args["current"], plan_args["auto"])
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
        if mode == CHANGED:  # the coder has looked at it again: the review flag is done
            store.mark_reviewed([uid], coder)
    except Exception as exc:  # noqa: BLE001 - shown, nothing lost: the transaction rolled back
        st.session_state["cod_msg"] = ("error", C.fout_tekst(exc, "Opslaan lukte niet"))
        return
    st.session_state.setdefault("cod_reviewed", set()).add(uid)
    # no toast: the next answer and the progress counter say it was stored (a toast per
    # click costs the browser more than the answer itself)
    st.session_state.setdefault(HIST, []).append(uid)
    # active learning: the most informative open answer under the newest model (the panel
    # takes the first open one of its queue), else the next open one in the order shown
    st.session_state[CUR] = None if order == "actief leren" else next_uid
    st.session_state["cod_pinned"] = False
    st.session_state["cod_finished"] = next_uid is None
    trainer.maybe_retrain(key, trainer.note(key), _fit)


def _goto(target: int | None, push: int | None = None) -> None:
    if push is not None:
        st.session_state.setdefault(HIST, []).append(push)
    st.session_state[CUR] = target
    st.session_state["cod_pinned"] = target is not None
    st.session_state["cod_finished"] = False


def _back() -> None:
    hist = st.session_state.get(HIST) or []
    if hist:
        st.session_state[CUR] = hist.pop()
        st.session_state["cod_pinned"] = True
        st.session_state["cod_finished"] = False


def _save_memo(uid: int) -> None:
    text = st.session_state.get(f"cod_memo_{uid}", "")
    try:
        store.add_memo(text, coder, unit_id=uid)
    except Exception as exc:  # noqa: BLE001
        st.session_state["cod_msg"] = ("error", C.fout_tekst(exc, "Memo niet opgeslagen"))
        return
    st.session_state[f"cod_memo_{uid}"] = ""
    st.session_state["cod_msg"] = ("ok", "Memo opgeslagen.")


def _suggestions(model, uid: int, text: str, scores) -> tuple:
    """(scores, pre-selection, evidence spans) of one unit: from the bundle's pool scores,
    from the look-ahead cache, or computed now."""
    row = None
    if scores is not None and uid in scores.index:
        row = {c: float(v) for c, v in scores.loc[uid].items()}
    return suggestion_cache().get((key, id(model), uid), lambda: unit_suggestions(model, text, row))


def _prefetch(model, uid: int | None, scores) -> None:
    if model is None or uid is None:
        return
    match = all_units.loc[all_units["unit_id"] == uid, "text"]
    if match.empty:
        return
    text = str(match.iloc[0])
    row = None
    if scores is not None and uid in scores.index:
        row = {c: float(v) for c, v in scores.loc[uid].items()}
    suggestion_cache().prefetch((key, id(model), uid), lambda: unit_suggestions(model, text, row))


@st.fragment(run_every=1.5)
def _await_model() -> None:
    """Polls only while the first model is being prepared; redraws the page once it is."""
    status = trainer.status(key)
    if trainer.model(key) is not None or status["error"]:
        st.rerun()
    done_total = status.get("progress")
    text = "Suggesties worden voorbereid ..."
    if done_total and done_total[1]:
        text = (
            f"Suggesties worden voorbereid: {done_total[0]:,} van {done_total[1]:,} antwoorden "
            "ingelezen (alleen de eerste keer)."
        ).replace(",", ".")  # Dutch thousands: 10.000
    st.caption(text)


@st.fragment
@C.toon_fouten()  # a fragment reruns on its own, outside app.py's page-wide error display
def panel() -> None:
    """The coding panel; a fragment so a click redraws only this part of the page."""
    trainer.maybe_retrain(key, 0, _fit)  # first model for this question (once)
    bundle = trainer.model(key)
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
    review = flags = None
    split_into: dict[int, list[str]] = {}  # answers waiting for the codes a split code became
    if mode == AUTO_OPEN:
        review = auto_unreviewed(store, survey, question, wave, coder)
    elif mode == DISAGREE:  # on a unit assigned to this coder: only once they decided it
        review = disagreement_units(store, survey, question, wave, coder)
    elif mode == CHANGED:
        flags = codeframe_changed(store, survey, question, wave, coder)
        flags.update(flagged_units(store, survey, question, wave, coder))
        review = set(flags)
        split_into = split_choices(store, survey, question, wave, coder)
    scores = bundle.scores if bundle is not None else None
    max_score = scores.max(axis=1).to_dict() if scores is not None and len(scores.columns) else {}
    queue = filter_units(
        ids, mode=mode, decided_by=decided_by, codes_of=codes_of, coder=coder, code=f_code,
        other_coder=f_coder, max_score=max_score, low=low, assigned=assigned, unclaimed=unclaimed,
        review=review,
    )  # fmt: skip
    unc = (
        uncertainty_from_scores(scores.loc[scores.index.intersection(queue)])
        if scores is not None
        else None
    )
    queue = order_units(queue, mode=order, uncertainty=unc, seed=st.session_state["cod_seed"])

    total = int(all_units["substantive"].sum())
    mine_ids = {int(u) for u in mine["unit_id"]} if not mine.empty else set()
    done = len(mine_ids & set(_substantive_ids()))
    # a review queue is worked through once: "done" are the units confirmed in it here
    # (the coder decided most of them before)
    seen = set(st.session_state.get("cod_reviewed", set())) if mode in REVIEW_FILTERS else mine_ids
    msg = st.session_state.pop("cod_msg", None)
    if msg:
        (st.error if msg[0] == "error" else st.toast)(msg[1])

    uid = st.session_state.get(CUR)
    pinned = st.session_state.get("cod_pinned") and uid in set(all_units["unit_id"])
    if uid not in queue and not pinned:
        uid = next_to_code(queue, seen) if queue else None
        if uid is None and queue and not st.session_state.get("cod_finished"):
            uid = queue[0]  # everything decided, e.g. "alle": review from the start
        st.session_state[CUR] = uid
    if uid is None:
        st.progress(
            min(done / total, 1.0) if total else 0.0,
            text=f"Uw voortgang: {done} van {total} antwoorden gecodeerd",
        )
        if mode == "toegewezen aan mij":
            st.success("Klaar: u hebt alle aan u toegewezen antwoorden gecodeerd.")
        elif queue:
            st.success(f"Klaar: alle {len(queue)} antwoorden in deze selectie zijn gecodeerd.")
        else:
            st.success(
                "Geen antwoorden meer in deze selectie. Kies een ander filter of een andere vraag."
            )
        if queue:
            st.button(
                "Opnieuw doorlopen vanaf het begin", key="cod_restart", on_click=_goto,
                args=(queue[0],),
            )  # fmt: skip
        return
    in_queue = uid in queue
    pos = queue.index(uid) if in_queue else -1
    row = all_units[all_units["unit_id"] == uid].iloc[0]
    text = str(row["text"])
    current = coder_state(mine, uid, coder)

    left, right = st.columns(2, gap="medium")
    attrs = ["wave", *unit_attribute_columns(all_units)]
    meta = "  ·  ".join(
        f"{'golf' if a == 'wave' else a}: {row[a]}"
        for a in attrs
        if row[a] is not None and str(row[a]) not in ("nan", "None", "")
    )
    with left:
        p_col, n_col = st.columns([3, 2], vertical_alignment="center")
        p_col.markdown(f"**{position_text(pos, len(queue), in_queue)}**")
        with n_col:
            new_code_form(uid)
        if flags and uid in flags:
            st.caption(f"Na te kijken: {flags[uid]}.")
        st.caption(
            C.md_escape(
                f"Respondent {row['respondent_id']} · deel {int(row['unit_index']) + 1} · {meta}"
            )
        )
        answer_box = st.empty()  # the answer first: its suggestions may take a moment
        answer_box.html(highlight_html(text, [], uid))

    if bundle is None and not st.session_state.get("cod_waited"):
        # the answer is on screen; a small question's first model is there within a moment
        st.session_state["cod_waited"] = True
        try:
            trainer.wait(key, timeout=WAIT_FIRST_MODEL)
        except Exception:  # noqa: BLE001 - not ready (or failed): shown below
            pass
        bundle = trainer.model(key)
        scores = bundle.scores if bundle is not None else None
    status = trainer.status(key)
    # suggestions: kept per unit while the analyst stays on it (a new model does not move or
    # re-tick boxes); none yet while the first model is prepared in the background
    view = st.session_state.get(VIEW)
    if view is not None and view[0] == uid and view[1] is not None:
        sugg = view[1]
    elif bundle is not None:
        sugg = _suggestions(bundle.model, uid, text, scores)
        st.session_state[VIEW] = (uid, sugg)
    else:
        sugg = None
        st.session_state[VIEW] = (uid, None)
    unit_scores, suggested, spans = sugg if sugg is not None else ({}, {}, [])
    ready = sugg is not None
    # boxes drawn before the suggestions arrived have keys of their own, so the suggested
    # codes are ticked once they are there (a key keeps its value across reruns)
    box_key = "cod_cb_" if ready else "cod_cbw_"

    with left:
        ev_codes = sorted({s.code for s in spans}, key=codebook.code_ids.index)
        shown = st.session_state.get(f"cod_ev_{uid}", "alle codes")
        visible = [s for s in spans if shown in ("alle codes", s.code)]
        if visible:
            answer_box.html(highlight_html(text, visible, uid))
        if str(row.get("cell_text") or "") not in ("", text):
            with st.expander("Hele antwoord van deze respondent"):
                st.text(str(row["cell_text"]))
        if not bool(row["substantive"]):
            st.caption(
                f"Niet-inhoudelijk antwoord ({row['non_substantive_reason'] or 'geen antwoord'}): "
                "telt niet mee in N."
            )
        if len(ev_codes) > 1:
            st.selectbox(
                "Bewijs markeren voor", ["alle codes", *ev_codes], key=f"cod_ev_{uid}",
                format_func=lambda c: c if c == "alle codes" else labels.get(c, c),
            )  # fmt: skip
        memos = visible_memos(store, uid, coder)
        with st.expander(memo_title(len(memos))):
            st.text_input("Memo bij dit antwoord", key=f"cod_memo_{uid}")
            st.button("Memo opslaan", key=f"cod_memo_save_{uid}", on_click=_save_memo, args=(uid,))
            if not memos.empty:
                st.dataframe(
                    memos[["coder", "text", "created_at"]].rename(
                        columns={"coder": "codeur", "text": "memo", "created_at": "tijdstip"}
                    ),
                    hide_index=True,
                )
        if ready and st.toggle("Onderbouwing van de suggesties tonen", key="cod_why"):
            table = bundle.model.suggest([text], top_k=5) if bundle is not None else None
            if table is not None:
                table["label"] = table["code"].map(labels)
                st.dataframe(
                    table[["label", "score", "suggested", "source", "evidence"]].rename(
                        columns={"label": "code", "suggested": "voorgesteld",
                                 "source": "bron", "evidence": "onderbouwing"}
                    ),
                    hide_index=True,
                    column_config={"score": st.column_config.ProgressColumn(
                        "score", format="percent", min_value=0.0, max_value=1.0)},
                )  # fmt: skip

    depth = {c.id: d for c, _, d in codebook.iter_codes()}
    top = top_codes(
        codebook.code_ids, unit_scores, suggested, current, pinned=split_into.get(uid, ())
    )

    def box(code: str, *, nested: bool) -> None:
        state = current.get(code)
        default = state == "applied" if state else bool(suggested.get(code))
        score = unit_scores.get(code) if ready else None
        st.checkbox(
            code_label(
                C.md_escape(labels.get(code, code)), score, bool(suggested.get(code)),
                depth=depth.get(code, 0) if nested else 0,
            ),
            value=default, key=f"{box_key}{uid}_{code}", help=codebook.get(code).description,
            on_change="ignore", wrap=True,
        )  # fmt: skip

    with right:
        st.progress(
            min(done / total, 1.0) if total else 0.0,
            text=f"Uw voortgang: {done} van {total} antwoorden gecodeerd",
        )
        if ready:
            st.markdown("**Voorgestelde codes** (aangevinkt = voorgesteld)")
        else:
            _await_model()
        for code in top:  # also before the model is ready: applied and pinned codes stay in view
            box(code, nested=False)
        rest = [c for c in codebook.code_ids if c not in top]
        with st.expander(
            f"Alle codes ({len(codebook.code_ids)})" if not top else f"Andere codes ({len(rest)})",
        ):
            for code in rest:
                box(code, nested=True)

        sug = {c: unit_scores.get(c, 0.0) for c, on in suggested.items() if on}
        args = {"suggested": sug, "current": current, "scores": unit_scores, "box": box_key,
                "auto": auto_applied_codes(mine, uid, coder)}  # fmt: skip
        nxt = next_to_code(queue, seen | {uid}, after=uid)
        b1, b2 = st.columns([5, 7])
        b1.button(
            "Bevestigen", type="primary", key="cod_confirm", on_click=_confirm,
            args=(uid, args, nxt), shortcut="Ctrl+Enter", width="stretch",
        )  # fmt: skip
        b2.button(
            "Geen code van toepassing", key="cod_none", on_click=_confirm,
            args=(uid, args, nxt, True), shortcut="Ctrl+Delete", width="stretch", wrap=True,
        )  # fmt: skip
        step_next = step(queue, uid, +1) if in_queue and pos + 1 < len(queue) else None
        if not in_queue:
            step_next = queue[0] if queue else None
        b3, b4 = st.columns(2)
        b3.button(
            "Vorige", key="cod_prev", on_click=_back, disabled=not st.session_state.get(HIST),
            shortcut="PageUp", width="stretch",
        )  # fmt: skip
        b4.button(
            "Volgende", key="cod_next", on_click=_goto, args=(step_next, uid),
            disabled=step_next is None, shortcut="PageDown", width="stretch",
        )  # fmt: skip
        if status["error"]:
            st.caption(f"Hertrainen mislukte (het vorige model blijft actief): {status['error']}")
        elif bundle is not None:
            st.caption(
                f"Model getraind op {bundle.trained_on} gecodeerde antwoorden"
                + (" · wordt bijgewerkt ..." if status["running"] else "")
            )
        if order == "actief leren" and bundle is None:
            st.caption("Tot het model er is: op volgorde van import.")
        prog_popover()
    if bundle is not None:  # while the analyst reads: the next answer's suggestions
        _prefetch(bundle.model, nxt, scores)


def _substantive_ids() -> list[int]:
    return all_units.loc[all_units["substantive"].astype(bool), "unit_id"].astype(int).tolist()


@st.cache_data(ttl=20, show_spinner=False, max_entries=32)
def _progress_table(url: str, survey: str, question: str, wave: str | None):
    """Every coder's progress; a few seconds old at most (it is only looked at now and then)."""
    return C.get_store().progress(survey, question, wave)


def prog_popover() -> None:
    """Progress of every coder, on demand (a small popover, not on the screen)."""
    with st.popover("Voortgang per codeur", width="stretch"):
        prog = _progress_table(C.db_url(), survey, question, wave)
        if prog.empty:
            st.caption("Nog niemand heeft antwoorden gecodeerd.")
            return
        st.dataframe(
            prog.rename(
                columns={"coder": "codeur", "coded_units": "gecodeerd",
                         "substantive_units": "totaal", "fraction": "aandeel"}
            ),
            hide_index=True,
            column_config={"aandeel": st.column_config.NumberColumn(format="percent")},
        )  # fmt: skip


panel()

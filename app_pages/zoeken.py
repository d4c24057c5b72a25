"""Zoeken en coderen: search a question's answers, tick hits, apply a code to them at once.

The search, applying and undoing are ``textanalysis.coding.bulk`` (lemma-aware words,
phrases, AND/OR/NOT; source ``bulk``; undo appends decisions, nothing is deleted).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis.codebook import frame
from textanalysis.coding import bulk
from textanalysis.errors import TextAnalysisError

QUERY = "zk_query_done"  # the query the hits below belong to
MSG = "zk_msg"

st.title("Zoeken en coderen")
st.caption(
    'Zoek antwoorden met een woord, een "zinsdeel tussen aanhalingstekens", EN/OF/NIET en '
    "haakjes (wachtlijst vindt ook wachtlijsten; wacht* zoekt op het begin van een woord). "
    "Vink de treffers aan en geef ze in één keer een code; één klik maakt dat weer ongedaan."
)
store, survey, wave, question = C.page_scope("zk")
LAST = "zk_last_action"  # the action just applied: undone with one click below its message


def _undo(action_id: int) -> None:
    who = C.require_coder()
    if who:
        with C.toon_fouten("Ongedaan maken lukte niet"):
            n = bulk.undo(store, int(action_id), coder=who)
            st.session_state.pop(LAST, None)
            st.session_state[MSG] = (
                f"Actie #{action_id} ongedaan gemaakt: {n} beslissing(en) teruggezet."
            )
            st.rerun()


if msg := st.session_state.pop(MSG, None):
    st.success(msg)
if (last := st.session_state.get(LAST)) is not None:
    if st.button(f"Ongedaan maken (actie #{last})", key="zk_undo_last"):
        _undo(last)


@st.cache_data(show_spinner="Zoeken ...", max_entries=8)
def _search(url: str, version: int, survey: str, wave: str, question: str, query: str):
    return bulk.search(C._store(url), survey, question, query, wave=wave)


with st.form("zk_form"):
    query = st.text_input("Zoekopdracht", key="zk_query", placeholder='bijv. wachtlijst NIET "ggz"')
    if st.form_submit_button("Zoeken", type="primary"):
        st.session_state[QUERY] = query.strip()
        for key in [k for k in st.session_state if str(k).startswith("zk_hit_")]:
            del st.session_state[key]
        st.session_state.pop("zk_all", None)

query = st.session_state.get(QUERY)
hits = None
if query:
    with C.toon_fouten("Deze zoekopdracht is niet te lezen"):
        hits = _search(C.db_url(), C.data_version(), survey, wave, question, query)

codebook = frame.current_codebook(store, survey, question)
if hits is not None:
    st.subheader(f"{len(hits)} antwoord(en) gevonden voor: {query}")
    if hits.empty:
        st.info(
            "Geen antwoorden gevonden. Probeer een ander woord, of wacht* voor woorden die zo beginnen."
        )
    else:
        keys = {int(u): f"zk_hit_{int(u)}" for u in hits["unit_id"]}

        def _select_all() -> None:
            for key in keys.values():
                st.session_state[key] = bool(st.session_state.get("zk_all"))

        st.checkbox("Alles selecteren", key="zk_all", on_change=_select_all)
        for r in hits.itertuples():
            st.checkbox(
                f"{C.md_escape(r.before)}**{C.md_escape(r.match)}**{C.md_escape(r.after)}",
                key=keys[int(r.unit_id)],
                help=C.md_escape(f"Respondent {r.respondent_id}: {r.text}"),
            )
        chosen = [u for u, key in keys.items() if st.session_state.get(key)]
        labels = codebook.labels() if codebook is not None else {}
        NEW = "__nieuw__"
        code = st.selectbox(
            "Code",
            [*(codebook.code_ids if codebook is not None else []), NEW],
            format_func=lambda c: "＋ nieuwe code ..." if c == NEW else f"{labels[c]} ({c})",
            key="zk_code",
        )
        new_label = (
            st.text_input("Label van de nieuwe code", key="zk_new_label") if code == NEW else ""
        )
        try:  # only words and phrases joined by OF can become trigger words
            words = bulk.query_keywords(query)
        except TextAnalysisError:
            words = []
        keep = bool(words) and st.checkbox(
            f"Zoekwoorden ook als trefwoorden van de code bewaren ({', '.join(words)})",
            key="zk_save_kw",
            help="Dan stelt Coderen deze code voortaan voor bij antwoorden met deze woorden.",
        )
        if st.button(
            f"Toepassen op {len(chosen)} antwoord(en)",
            type="primary",
            disabled=not chosen or (code == NEW and not new_label.strip()),
            key="zk_apply",
        ):
            who = C.require_coder()
            if who:
                with C.toon_fouten("Toepassen lukte niet"):
                    if code == NEW:  # a code made for these hits: the codebook's next version
                        code = frame.add_code(store, survey, question, new_label, coder=who).code_id
                        labels[code] = new_label.strip()
                    done = bulk.apply(
                        store, survey, question, query, code, coder=who, unit_ids=chosen,
                        wave=wave,
                    )  # fmt: skip
                    extra = f" ({done.already} hadden de code al)" if done.already else ""
                    if keep and bulk.save_as_keywords(
                        store, survey, question, query, code, coder=who
                    ):
                        extra += "; de zoekwoorden zijn trefwoorden van de code geworden"
                    st.session_state[MSG] = (
                        f"Code '{labels[code]}' toegepast op {done.applied} antwoord(en)"
                        f"{extra} als codeur {who}; actie #{done.action_id}."
                    )
                    if done.applied:  # nothing recorded: nothing to undo
                        st.session_state[LAST] = done.action_id
                    else:
                        st.session_state.pop(LAST, None)
                    C.bump_data_version()
                    st.rerun()

st.subheader("Eerdere acties")
done = bulk.actions(store, survey, question)
if done.empty:
    st.caption("Nog geen codes via zoeken toegepast op deze vraag.")
else:
    shown = done.iloc[::-1].assign(
        status=done.iloc[::-1]["undone"].map({True: "ongedaan gemaakt", False: "actief"})
    )
    shown = shown.rename(
        columns={
            "action_id": "actie",
            "created_at": "tijdstip",
            "query": "zoekopdracht",
            "coder": "codeur",
            "answers": "antwoorden",
        }
    )
    st.dataframe(
        shown[["actie", "tijdstip", "zoekopdracht", "code", "codeur", "antwoorden", "status"]],
        hide_index=True,
    )
    open_ = done[~done["undone"]].set_index("action_id")
    if not open_.empty:
        pick = st.selectbox(
            "Actie",
            open_.index[::-1].tolist(),
            format_func=lambda a: f"#{a}: {open_.loc[a, 'query']} → {open_.loc[a, 'code']}",
            key="zk_undo_pick",
        )
        if st.button("Ongedaan maken", key="zk_undo"):
            _undo(int(pick))

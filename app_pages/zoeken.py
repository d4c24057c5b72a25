"""Zoeken en coderen: search a question's answers, tick hits, apply a code to them at once.

The search, applying and undoing are ``textanalysis.coding.bulk`` (lemma-aware words,
phrases, AND/OR/NOT; source ``bulk``; undo appends decisions, nothing is deleted).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis.codebook import frame
from textanalysis.coding import bulk

QUERY = "zk_query_done"  # the query the hits below belong to
MSG = "zk_msg"

st.title("Zoeken en coderen")
st.caption(
    'Zoek antwoorden met een woord, een "zinsdeel tussen aanhalingstekens", EN/OF/NIET en '
    "haakjes (wachtlijst vindt ook wachtlijsten; wacht* zoekt op het begin van een woord). "
    "Vink de treffers aan en geef ze in één keer een code; één klik maakt dat weer ongedaan."
)
store, survey, wave, question = C.page_scope("zk")
if msg := st.session_state.pop(MSG, None):
    st.success(msg)


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
        if codebook is None:
            st.info(
                f"Er is nog geen codeboek voor {question}. Maak eerst codes op de pagina Codeboek."
            )
        else:
            labels = codebook.labels()
            code = st.selectbox(
                "Code",
                codebook.code_ids,
                format_func=lambda c: f"{labels[c]} ({c})",
                key="zk_code",
            )
            if st.button(
                f"Toepassen op {len(chosen)} antwoord(en)",
                type="primary",
                disabled=not chosen,
                key="zk_apply",
            ):
                who = C.require_coder()
                if who:
                    with C.toon_fouten("Toepassen lukte niet"):
                        done = bulk.apply(
                            store, survey, question, query, code, coder=who, unit_ids=chosen,
                            wave=wave,
                        )  # fmt: skip
                        extra = f" ({done.already} hadden de code al)" if done.already else ""
                        st.session_state[MSG] = (
                            f"Code '{labels[code]}' toegepast op {done.applied} antwoord(en)"
                            f"{extra} als codeur {who}; actie #{done.action_id}."
                        )
                        st.rerun()

st.subheader("Eerdere acties")
done = bulk.actions(store, survey, question)
if done.empty:
    st.caption("Nog geen codes via zoeken toegepast op deze vraag.")
else:
    shown = done.iloc[::-1].rename(
        columns={
            "action_id": "actie",
            "created_at": "tijdstip",
            "query": "zoekopdracht",
            "coder": "codeur",
            "answers": "antwoorden",
        }
    )
    st.dataframe(
        shown[["actie", "tijdstip", "zoekopdracht", "code", "codeur", "antwoorden"]],
        hide_index=True,
    )
    pick = st.selectbox(
        "Actie",
        shown["actie"].tolist(),
        format_func=lambda a: (
            f"#{a}: {done.set_index('action_id').loc[a, 'query']} → "
            f"{done.set_index('action_id').loc[a, 'code']}"
        ),
        key="zk_undo_pick",
    )
    if st.button("Ongedaan maken", key="zk_undo"):
        who = C.require_coder()
        if who:
            with C.toon_fouten("Ongedaan maken lukte niet"):
                n = bulk.undo(store, int(pick), coder=who)
                st.session_state[MSG] = (
                    f"Actie #{pick} ongedaan gemaakt: {n} beslissing(en) teruggezet."
                )
                st.rerun()

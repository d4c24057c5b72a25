"""Thema's ontdekken: BERTopic themes in the answers, their overlap with codes, topic -> code.

All work is in ``textanalysis.topics``; runs are saved in the database and can be reopened.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis import topics
from textanalysis.codebook import frame
from textanalysis.codebook.edit import code_id_from_label, code_with_label
from textanalysis.errors import TextAnalysisError

RESULT = "top_result"

st.title("Thema's ontdekken")
st.caption(
    "Zoek thema's in de antwoorden die het codeboek (nog) mist, en maak er met één klik een code van."
)
store, survey, wave, question = C.page_scope("top")
codebook = C.codebook_for(question)
units = C.units(survey, wave, question)

ALL, NOBODY = "alle", topics.NOBODY
me = C.coder()
with st.form("top_form"):
    c1, c2, c3, c4 = st.columns(4)
    scope_options = [ALL, NOBODY, *([me] if me else [])]
    scope = c1.selectbox(
        "Antwoorden",
        scope_options,
        format_func=lambda s: {
            ALL: "alle antwoorden",
            NOBODY: "antwoorden die nog niemand heeft gecodeerd",
        }.get(s, f"antwoorden die {s} nog niet heeft gecodeerd"),
        key="top_scope",
    )
    n_topics = c2.number_input("Aantal thema's (0 = automatisch)", 0, 50, 0, key="top_n")
    seed = c3.number_input("Seed", 0, 10_000, 42, key="top_seed")
    fast = c4.checkbox("Snelle instelling (PCA + KMeans)", value=True, key="top_fast")
    go = st.form_submit_button("Thema's zoeken", type="primary")

only_uncovered = scope != ALL
data = None
if go:
    data = topics.units_to_explore(
        store, survey, question, wave, not_coded_by=None if scope == ALL else scope
    )
    who = "niemand" if scope == NOBODY else scope
    if only_uncovered and data.empty:
        st.info(
            f"Er zijn geen antwoorden meer die {who} nog niet heeft gecodeerd: alle antwoorden op "
            f"{question} zijn gecodeerd. Kies 'alle antwoorden' om thema's in alle antwoorden te "
            "zoeken."
        )
        data = None
    elif len(data) < topics.MIN_ANSWERS:
        st.info(
            f"Er zijn nog maar {len(data)} antwoord(en) om in te zoeken; thema's zoeken heeft er "
            f"minstens {topics.MIN_ANSWERS} nodig. Kies 'alle antwoorden' of codeer deze "
            "antwoorden zelf."
        )
        data = None
if data is not None:
    try:
        with st.spinner(f"Thema's zoeken in {len(data)} antwoorden ..."):
            result = topics.fit_topics(
                data["text"].tolist(),
                data["unit_id"].astype(str).tolist(),
                n_topics=int(n_topics) or None,
                seed=int(seed),
                fast=bool(fast),
                embedder=C.embedder(),
                cache=store,
            )
            result.params.update(
                {
                    "survey": survey,
                    "wave": wave,
                    "question": question,
                    "only_uncovered": only_uncovered,
                    "not_coded_by": None if scope == ALL else scope,
                }
            )
            topics.save_run(store, result)
        st.session_state[RESULT] = result
    except TextAnalysisError as exc:
        C.toon_fout(exc, "Thema's zoeken lukte niet")

runs = store.runs(kind=topics.RUN_KIND)
runs = runs[
    runs["params"].map(
        lambda p: (
            isinstance(p, dict) and p.get("question") == question and p.get("survey") == survey
        )
    )
]
if not runs.empty:
    ids = runs["run_id"].tolist()
    pick = st.selectbox(
        "Eerdere run openen",
        [None, *reversed(ids)],
        format_func=lambda r: "—" if r is None else f"run {r}",
        key="top_run",
    )
    if pick is not None and (
        st.session_state.get(RESULT) is None or st.session_state[RESULT].run_id != pick
    ):
        st.session_state[RESULT] = C.run_safely(
            lambda: topics.load_saved_run(store, int(pick)), "Run openen lukte niet"
        )

result = st.session_state.get(RESULT)
if result is None:
    st.info("Nog geen thema's. Kies de instellingen en klik op **Thema's zoeken**.")
    st.stop()

st.subheader(f"{int((result.topics['topic'] >= 0).sum())} thema's (run {result.run_id})")
valid = [int(t) for t in result.topics["topic"] if t >= 0]
# each theme by its proposed code label (a key phrase of its typical answers), not a word list
names = {t: C.run_safely(lambda t=t: topics.propose_label(result, t, cache=store)) for t in valid}
names = {t: n or f"Thema {t}" for t, n in names.items()}
st.altair_chart(topics.topic_sizes_chart(result, names=names))
if not result.doc_map.empty:
    with st.expander("Kaart van de antwoorden"):
        st.altair_chart(topics.topic_map_chart(result, names=names))
table = result.topics.copy()
table["label"] = table["topic"].map(lambda t: names.get(int(t), "overig"))
table["keywords"] = table["keywords"].map(lambda k: ", ".join(k))
if "representative_texts" in table:
    table["representative_texts"] = table["representative_texts"].map(lambda t: " | ".join(t))
st.dataframe(
    table.drop(columns=[c for c in ("representative_ids",) if c in table]).rename(
        columns={
            "topic": "thema",
            "size": "antwoorden",
            "label": "naam",
            "keywords": "trefwoorden",
            "representative_texts": "typerende antwoorden",
        }
    ),
    hide_index=True,
)

codes = store.current_codes(survey=survey, question=question, wave=wave)
if codebook is not None and not codes.empty:
    st.subheader("Thema's en bestaande codes")
    overlap = topics.topic_code_overlap(result, codes, codebook)
    shown = overlap.assign(topic_label=overlap["topic"].map(lambda t: names.get(int(t), "overig")))
    st.dataframe(
        shown.rename(
            columns={"topic": "thema", "topic_label": "naam", "size": "antwoorden",
                     "code_label": "label", "answers": "met deze code", "share": "aandeel"}
        ),
        hide_index=True,
        column_config={"aandeel": st.column_config.NumberColumn(format="percent")},
    )  # fmt: skip
    for topic, best in topics.best_code_per_topic(overlap).items():
        name = names.get(int(topic), f"Thema {topic}")
        if best is None:
            st.text(
                f"Thema {topic} ({name}) past bij geen bestaande code: een kandidaat voor een "
                "nieuwe code."
            )
        else:
            st.text(
                f"Thema {topic} ({name}) is vooral '{best[1]}' ({best[2]:.0%} van de antwoorden)."
            )

MSG = "top_msg"  # the outcome of a promotion, shown after the rerun
st.subheader("Thema omzetten naar code")
if msg := st.session_state.pop(MSG, None):
    st.success(msg)
ids_now = codebook.code_ids if codebook is not None else []
labels_now = codebook.labels() if codebook is not None else {}
topic = st.selectbox("Thema", valid, format_func=lambda t: f"{t}: {names[t]}", key="top_pick")
proposed = names[topic]
same = code_with_label(codebook, proposed)
if same is not None:  # two codes named alike cannot be told apart: offer the existing one
    st.info(
        f"Er is al een code '{C.md_escape(same.label)}' ({same.id}). Voeg het thema "
        "daarmee samen (tab 'Samenvoegen met bestaande code'), of geef de nieuwe code een ander "
        "label."
    )
    st.session_state.setdefault("top_merge_code", same.id)
tab1, tab2 = st.tabs(["Nieuwe code", "Samenvoegen met bestaande code"])
with tab1:
    row = result.topic_row(topic)
    specific = C.run_safely(lambda: topics.distinctive_keywords(result, topic, cache=store)) or []
    examples = list(row["representative_texts"])[:3]
    st.markdown("**Meest typerende antwoorden** (worden de voorbeelden van de code):")
    for text in examples:
        st.text(f"• {text}")
    st.caption(
        "Trefwoorden voor suggesties: "
        + (
            ", ".join(specific)
            if specific
            else "geen (geen woord komt vooral in dit thema voor; de code wordt voorgesteld op "
            "label, definitie en voorbeelden)"
        )
    )


def _saved(change, text: str) -> None:  # noqa: ANN001
    """After a codeframe operation: the message after a rerun, so everything shows the new
    version (also the cached codebook of Coderen)."""
    C.bump_data_version()
    st.session_state[MSG] = (
        f"{text}; codeboek versie {change.codebook.version} ({change.version}) opgeslagen."
    )
    st.rerun()


with tab1, st.form("top_promote"):
    label = st.text_input("Label", value=proposed or "", key=f"top_label_{result.run_id}_{topic}")
    definition = st.text_area(
        "Definitie (voorstel, pas aan)",
        value=topics.definition_draft(result, topic, proposed or f"thema {topic}"),
        key=f"top_def_{result.run_id}_{topic}",
    )
    code_id = st.text_input("Code-id (mag leeg: wordt gemaakt van het label)", key="top_code_id")
    parent = st.selectbox(
        "Onder",
        [None, *ids_now],
        format_func=lambda c: "(bovenste niveau)" if c is None else labels_now[c],
        key="top_parent",
    )
    if st.form_submit_button("Code toevoegen (nieuwe codeboekversie)"):
        who = C.require_coder()
        new_id = code_id.strip() or code_id_from_label(label, ids_now)
        change = who and C.run_safely(
            lambda: frame.save_version(
                store,
                survey,
                question,
                topics.promote_topic(
                    codebook,
                    result,
                    topic,
                    new_id,
                    label.strip(),
                    parent,
                    definition=definition,
                    keywords=specific,
                    question=question,
                ),
                coder=who,
                operation="promote-topic",
                summary=f"promote topic {topic} of run {result.run_id} -> '{new_id}'",
                extra={"topic_run": result.run_id, "topic": topic, "code_id": new_id},
            ),  # fmt: skip
            "Code toevoegen lukte niet",
        )
        if change:
            _saved(change, f"Code '{label.strip()}' ({new_id}) toegevoegd")
with tab2:
    if codebook is None:
        st.info(f"{question} heeft nog geen codes om mee samen te voegen.")
    else:
        with st.form("top_merge"):
            target = st.selectbox(
                "Code", ids_now, format_func=lambda c: labels_now[c], key="top_merge_code"
            )
            if st.form_submit_button(
                "Trefwoorden en voorbeelden toevoegen (nieuwe codeboekversie)"
            ):
                who = C.require_coder()
                change = who and C.run_safely(
                    lambda: frame.save_version(
                        store,
                        survey,
                        question,
                        topics.merge_topic(codebook, result, topic, target),
                        coder=who,
                        operation="topic-to-code",
                        summary=f"topic {topic} of run {result.run_id} -> '{target}'",
                        extra={"topic_run": result.run_id, "topic": topic, "code_id": target},
                    ),
                    "Samenvoegen lukte niet",
                )
                if change:
                    _saved(change, f"Thema {topic} samengevoegd met '{target}'")

"""Betrouwbaarheid: double-coding sample, agreement per code, disagreement review, adjudication.

Statistics and rules are in ``textanalysis.reliability`` (kappa by scikit-learn, alpha by
``krippendorff``); this page only collects choices and shows tables.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis import reliability as rel
from textanalysis.coding import assign_batches, assignment_progress
from textanalysis.errors import ReliabilityError
from textanalysis.store import unit_attribute_columns

st.title("Betrouwbaarheid")
st.caption(
    "Laat een tweede codeur een steekproef coderen, bekijk de overeenstemming en stel verschillen vast."
)
store, survey, wave, question = C.page_scope("rel")
codebook = C.codebook_for(question)
labels = codebook.labels() if codebook is not None else {}
coders = [c for c in store.coders(question, survey, wave) if c != rel.CONSENSUS_CODER]

st.subheader("1. Steekproef voor dubbel coderen")
with st.form("rel_sample"):
    c1, c2, c3 = st.columns(3)
    second = c1.text_input("Tweede codeur", key="rel_second")
    first = c2.selectbox(
        "Eerste codeur (optioneel)",
        [None, *coders],
        format_func=lambda c: c or "—",
        key="rel_first",
    )
    n = c3.number_input("Aantal antwoorden", 1, 10_000, 30, key="rel_n")
    attrs = unit_attribute_columns(C.units(survey, wave, question))
    strata = st.selectbox(
        "Gelaagd naar",
        [None, *attrs, "codes"],
        format_func=lambda s: {None: "niet gelaagd", "codes": "codes van de eerste codeur"}.get(
            s, s
        ),
        key="rel_strata",
    )
    if st.form_submit_button("Steekproef trekken en toewijzen"):
        sample = C.run_safely(
            lambda: rel.assign_double_coding(
                store,
                survey,
                question,
                second.strip(),
                int(n),
                strata=strata,
                first_coder=first,
                wave=wave,
            ),
            "Steekproef trekken lukte niet",
        )
        if sample is not None:
            st.success(
                f"{len(sample)} antwoorden toegewezen aan {second.strip()}. Zij coderen ze op Coderen met het "
                "filter 'toegewezen aan mij' en zien daar de beslissingen van anderen niet."
            )

st.subheader("Werk verdelen")
st.caption(
    "Geef elke codeur een eigen portie antwoorden die nog niemand heeft gecodeerd of toegewezen "
    "gekregen: zo coderen twee mensen nooit per ongeluk dezelfde antwoorden. Een deel kan "
    "bewust dubbel: die antwoorden codeert ook de volgende codeur, zonder elkaars codes te zien."
)
with st.form("rel_batches"):
    b1, b2, b3 = st.columns(3)
    names = b1.text_input(
        "Codeurs (komma-gescheiden)", key="rel_batch_coders", placeholder="anna, bert"
    )
    size = b2.number_input("Antwoorden per codeur", 1, 10_000, 50, key="rel_batch_size")
    share = b3.slider("Waarvan dubbel coderen", 0, 50, 0, 5, format="%d%%", key="rel_batch_double")
    if st.form_submit_button("Porties toewijzen"):
        coders_in = [x.strip() for x in names.split(",") if x.strip()]
        made = C.run_safely(
            lambda: assign_batches(
                store, survey, question, coders_in, int(size), wave=wave, double=share / 100
            ),
            "Porties toewijzen lukte niet",
        )
        if made is not None:
            per = made.groupby("coder").size()
            st.success(
                "Toegewezen: "
                + ", ".join(f"{c}: {int(k)} antwoorden" for c, k in per.items())
                + ". Zij vinden ze op Coderen met het filter 'toegewezen aan mij'."
            )
prog = assignment_progress(store, survey, question, wave)
if not prog.empty:
    prog["purpose"] = (
        prog["purpose"].map({"batch": "portie", "double": "dubbel coderen"}).fillna(prog["purpose"])
    )
    st.dataframe(
        prog.rename(
            columns={
                "coder": "codeur",
                "purpose": "soort",
                "assigned": "toegewezen",
                "done": "gecodeerd",
            }
        ),
        hide_index=True,
    )

st.subheader("2. Overeenstemming")
chosen = st.multiselect(
    "Codeurs", coders, default=coders[:2], key="rel_coders", placeholder="Kies codeurs"
)
if len(chosen) < 2:
    st.info("Kies minstens twee codeurs die dezelfde antwoorden hebben gecodeerd.")
else:
    try:
        table = rel.store_agreement(store, survey, question, wave, coders=chosen, codebook=codebook)
    except ReliabilityError as exc:
        st.info(C.fout_tekst(exc))
    else:
        shown = table.drop(columns=["note", "coders"], errors="ignore")
        shown.insert(
            1,
            "thema",
            shown["code"].map(lambda c: labels.get(c, "alle codes" if c == "ALL" else c)),
        )
        st.dataframe(
            shown.rename(
                columns={
                    "units": "antwoorden",
                    "percent_agreement": "% overeenstemming",
                    "alpha_units": "antwoorden (alpha)",
                }
            ),
            hide_index=True,
            column_config={
                "% overeenstemming": st.column_config.NumberColumn(format="%.1f%%"),
                "cohen_kappa": st.column_config.NumberColumn("Cohen's kappa", format="%.2f"),
                "krippendorff_alpha": st.column_config.NumberColumn(
                    "Krippendorffs alpha", format="%.2f"
                ),
            },
        )
        st.caption(
            "Alleen antwoorden die de codeurs allebei hebben bekeken tellen mee. Kappa alleen bij precies twee codeurs."
        )
        why = rel.kappa_explanation(table, labels)
        if why:
            st.info(why, icon=":material/info:")

st.subheader("3. Verschillen vaststellen")
dis = rel.store_disagreements(
    store, survey, question, wave, coders=chosen if len(chosen) >= 2 else None
)
if dis.empty:
    st.info("Geen verschillen tussen codeurs (of nog geen dubbel gecodeerde antwoorden).")
    st.stop()
open_only = st.checkbox("Alleen nog niet vastgestelde verschillen", value=True, key="rel_open")
todo = dis[dis["consensus"] == ""] if open_only else dis
st.caption(
    f"{len(dis)} verschillen, waarvan {int((dis['consensus'] == '').sum())} nog niet vastgesteld."
)
if todo.empty:
    st.success(
        "Alle verschillen zijn vastgesteld; Resultaten kan de codering 'consensus' gebruiken."
    )
    st.stop()
options = list(range(len(todo)))
i = st.selectbox(
    "Verschil",
    options,
    format_func=lambda k: (
        f"antwoord {todo.iloc[k]['id']} · {labels.get(todo.iloc[k]['code'], todo.iloc[k]['code'])}"
    ),
    key="rel_pick",
)
row = todo.iloc[i]
st.text(str(row["text"]))
st.text(
    f"Code: {labels.get(row['code'], row['code'])}   ·   toegekend door: {row['applied_by'] or '—'}   ·   niet door: {row['not_applied_by'] or '—'}"
)
who = C.coder()
with st.form("rel_adjudicate"):
    verdict = st.radio(
        "Besluit",
        ["applied", "rejected"],
        format_func={"applied": "Code geldt", "rejected": "Code geldt niet"}.get,
        horizontal=True,
        key="rel_verdict",
    )
    note = st.text_input("Toelichting (optioneel)", key="rel_note")
    if st.form_submit_button("Vastleggen", disabled=not who):
        done = C.run_safely(
            lambda: rel.adjudicate(
                store, int(row["id"]), str(row["code"]), verdict, who, note=note, codebook=codebook
            ),
            "Vastleggen lukte niet",
        )
        if done is not None:
            st.success("Vastgelegd in de consensuscodering.")
if not who:
    st.caption("Vul links uw naam in om verschillen vast te leggen.")

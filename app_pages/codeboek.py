"""Codeboek: browse and edit codes, see how well the suggestions match confirmed codes.

Edits become a new codebook version via ``codebook.edit_code`` (through the validator);
quality per code via ``coding.check_suggestions``; REFI-QDA via ``textanalysis.codebook.refi``.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis.codebook import edit_code, parse_codebook, refi
from textanalysis.coding import check_suggestions, training_data
from textanalysis.errors import TextAnalysisError

st.title("Codeboek")
store = C.get_store()
scope = C.pick_question("cb")
if scope is None:
    st.stop()
survey, wave, question = scope

with st.expander("Codeboek uploaden (YAML of REFI-QDA .qdc)"):
    up = st.file_uploader("Bestand", type=["yaml", "yml", "qdc"], key="cb_upload")
    if up is not None and st.button("Opslaan als nieuwe versie", key="cb_upload_save"):
        try:
            raw = up.getvalue()
            cb_new = (
                refi.from_qdc(raw, up.name)
                if up.name.endswith(".qdc")
                else parse_codebook(raw.decode("utf-8"), up.name)
            )
            if question not in cb_new.questions:
                cb_new = cb_new.model_copy(update={"questions": [*cb_new.questions, question]})
            version = store.save_codebook(cb_new, question=question)
            st.success(
                f"Codeboek '{cb_new.name}' versie {cb_new.version} ({version}) opgeslagen voor {question}."
            )
        except UnicodeDecodeError:
            st.error(f"'{C.md_escape(up.name)}' is geen UTF-8-tekst. Sla het bestand op als UTF-8.")
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Dit codeboek is niet geldig")

codebook = C.codebook_for(question)
if codebook is None:
    st.stop()
labels = codebook.labels()
versions = store.codebooks(question)
st.caption(
    f"**{codebook.name}**, versie {codebook.version} ({codebook.content_hash}); {len(versions)} opgeslagen versie(s) voor {question}."
)

d1, d2 = st.columns(2)
d1.download_button(
    "Download YAML",
    codebook.to_yaml(),
    file_name=f"{codebook.name}.v{codebook.version}.yaml",
    mime="text/yaml",
    key="cb_dl_yaml",
)
d2.download_button(
    "Download REFI-QDA (.qdc)",
    lambda: refi.to_qdc(codebook),
    file_name=f"{codebook.name}.v{codebook.version}.qdc",
    mime="application/xml",
    key="cb_dl_qdc",
)

st.subheader("Codes, bevestigde antwoorden en kwaliteit van de suggesties")
texts, gold = training_data(store, survey, question, wave)
ids = list(range(len(texts)))
try:
    table, mistakes = check_suggestions(codebook, texts, gold, ids)
except TextAnalysisError as exc:
    C.toon_fout(exc, "Suggesties toetsen lukte niet")
    st.stop()
depth = {c.id: d for c, _, d in codebook.iter_codes()}
parent = {c.id: p for c, p, _ in codebook.iter_codes()}
table["niveau"] = table["code"].map(depth)
table["bovenliggend"] = table["code"].map(lambda c: labels.get(parent.get(c) or "", ""))
if texts:
    st.caption(
        f"Trefwoorden en patronen van het codeboek getoetst op {len(texts)} door mensen gecodeerde antwoorden. "
        "Fout-positief: voorgesteld maar niet bevestigd; gemist: bevestigd maar niet voorgesteld."
    )
else:
    st.caption(
        "Nog geen gecodeerde antwoorden: precisie en recall verschijnen zodra er gecodeerd is."
    )
st.dataframe(
    table[
        ["code", "label", "bovenliggend", "confirmed", "predicted", "precision", "recall", "f1"]
    ].rename(
        columns={"confirmed": "bevestigd", "predicted": "voorgesteld", "precision": "precisie"}
    ),
    hide_index=True,
    column_config={
        "precisie": st.column_config.NumberColumn(format="%.2f"),
        "recall": st.column_config.NumberColumn(format="%.2f"),
        "f1": st.column_config.NumberColumn(format="%.2f"),
    },
)

code_id = st.selectbox(
    "Code bekijken en bewerken",
    codebook.code_ids,
    format_func=lambda c: f"{'— ' * depth[c]}{labels[c]} ({c})",
    key="cb_code",
)
code = codebook.get(code_id)
mine = mistakes[mistakes["code"] == code_id]
c1, c2 = st.columns(2)
with c1:
    fp = mine[mine["kind"] == "fout-positief"]
    st.markdown(f"**Fout-positief ({len(fp)})** – trefwoord te ruim?")
    if not fp.empty:
        st.dataframe(fp[["text", "score"]], hide_index=True)
with c2:
    fn = mine[mine["kind"] == "gemist"]
    st.markdown(f"**Gemist ({len(fn)})** – trefwoord of voorbeeld toevoegen?")
    if not fn.empty:
        st.dataframe(fn[["text", "score"]], hide_index=True)

with st.form(f"cb_edit_{code_id}"):
    label = st.text_input("Label", code.label)
    description = st.text_area("Definitie", code.description or "")
    i1, i2 = st.columns(2)
    include = i1.text_area("Wel (include)", code.include or "")
    exclude = i2.text_area("Niet (exclude)", code.exclude or "")
    keywords = st.text_area("Trefwoorden (één per regel)", "\n".join(code.keywords))
    examples = st.text_area("Voorbeelden (één per regel)", "\n".join(code.examples))
    if st.form_submit_button("Opslaan als nieuwe versie", type="primary"):
        fields = {
            "label": label.strip(),
            "description": description.strip(),
            "include": include.strip(),
            "exclude": exclude.strip(),
            "keywords": [k.strip() for k in keywords.splitlines() if k.strip()],
            "examples": [e.strip() for e in examples.splitlines() if e.strip()],
        }
        try:
            new = edit_code(codebook, code_id, fields)
            version = store.save_codebook(new, question=question)
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Niet opgeslagen")
        else:
            st.success(f"Versie {new.version} ({version}) opgeslagen.")

with st.expander("Nieuwe code toevoegen"), st.form("cb_new"):
    new_id = st.text_input("Code-id (kort, vast; beslissingen verwijzen ernaar)", key="cb_new_id")
    new_label = st.text_input("Label", key="cb_new_label")
    new_parent = st.selectbox(
        "Onder",
        [None, *codebook.code_ids],
        format_func=lambda c: "(bovenste niveau)" if c is None else labels[c],
        key="cb_new_parent",
    )
    if st.form_submit_button("Toevoegen"):
        try:
            new = edit_code(
                codebook,
                None,
                {"id": new_id.strip(), "label": new_label.strip()},
                parent=new_parent,
            )
            version = store.save_codebook(new, question=question)
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Niet toegevoegd")
        else:
            st.success(
                f"Code '{new_id.strip()}' toegevoegd; versie {new.version} ({version}) opgeslagen."
            )

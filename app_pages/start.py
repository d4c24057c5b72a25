"""Start: what is in the database and how far the coding is."""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis.report.charts import readable_question_text

st.title("textanalysis")
st.caption(
    "Open antwoorden uit peilingen coderen: importeren, coderen met suggesties, thema's vinden, rapporteren."
)
store = C.get_store()
surveys = C.run_safely(store.surveys, "De database lezen lukte niet")
if surveys is None:
    st.stop()
if surveys.empty:
    st.info(
        "Deze database is nog leeg. Importeer een export op de pagina **Importeren**, of laad de "
        "demodata: `textanalysis demo --db PAD`."
    )
    st.stop()
st.subheader("Peilingen")
st.dataframe(
    surveys[["survey", "wave", "questions", "respondents", "units"]].rename(
        columns={
            "survey": "peiling",
            "wave": "ronde",
            "questions": "vragen",
            "respondents": "respondenten",
            "units": "antwoorden",
        }
    ),
    hide_index=True,
)
st.subheader("Vragen en voortgang")
qs = store.questions()
rows = []
for q in qs.itertuples():
    prog = store.progress(q.survey, q.question_id, q.wave)
    coders = (
        ", ".join(f"{r.coder} {r.coded_units}/{r.substantive_units}" for r in prog.itertuples())
        or "nog niet gecodeerd"
    )
    rows.append(
        {"peiling": q.survey, "ronde": q.wave, "vraag": q.question_id, "tekst": readable_question_text(q.question_id, q.question_text),
         "antwoorden": q.units, "inhoudelijk": q.substantive_units, "respondenten": q.respondents, "gecodeerd (per codeur)": coders}
    )  # fmt: skip
st.dataframe(rows, hide_index=True)
st.page_link("app_pages/coderen.py", label="Naar Coderen", icon=":material/edit:")

"""Resultaten: frequencies like the report's figure 34, cross-tabs, wave comparison, downloads.

Counting rules live in ``textanalysis.report`` (N, roll-up, confirmed vs auto); charts in
``textanalysis.report.charts``; files in ``textanalysis.report.export``. Downloads are generated only
when clicked (callables), so the page stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages import common as C
from textanalysis import report
from textanalysis.errors import TextAnalysisError
from textanalysis.report import charts, export
from textanalysis.store import unit_attribute_columns

ALL = "alle codeurs"

st.title("Resultaten")
store = C.get_store()
scope = C.pick_question("res")
if scope is None:
    st.stop()
survey, wave, question = scope
codebook = C.codebook_for(question)
qtext = dict(
    zip(*[store.questions(survey, wave)[c] for c in ("question_id", "question_text")], strict=True)
)

coders = store.coders(question, survey, wave)
c1, c2, c3 = st.columns(3)
who = c1.selectbox(
    "Welke codering",
    [ALL, *coders],
    key="res_coder",
    help="'consensus' is de vastgestelde codering na dubbel coderen (Betrouwbaarheid).",
)
include_auto = c2.checkbox("Ook automatisch gecodeerd (apart geteld)", key="res_auto")
k = c3.slider("Aantal thema's in de grafiek", 3, 20, 8, key="res_k")
coder = None if who == ALL else who

table = C.run_safely(
    lambda: report.frequencies_from_store(
        store, survey, question, wave, codebook=codebook, coder=coder, include_auto=include_auto
    ),
    "Frequenties berekenen lukte niet",
)
if table is None:
    st.stop()
n = int(table.attrs.get("n", table["n"].iloc[0] if len(table) else 0))
coded = int(table["respondents"].sum())
title = charts.question_title(question, qtext.get(question))
st.subheader(f"Meest genoemde thema's (N={n})")
if coded == 0:
    st.info(
        "Nog geen bevestigde codes voor deze vraag"
        + (f" door {who}" if coder else "")
        + ". Codeer antwoorden op de pagina Coderen; de tabel telt nu overal 0."
    )
else:
    chart = charts.top_k_chart(table, k, title=title)
    st.altair_chart(chart)
st.caption(f"{report.NOTE} N = respondenten met een inhoudelijk antwoord op {question}.")

shown = table.rename(
    columns={
        "label": "thema",
        "respondents": "respondenten",
        "percent": "percentage",
        "mentions": "vermeldingen",
        "rank": "rang",
    }
)
cols = [
    c
    for c in (
        "rang",
        "code",
        "thema",
        "respondenten",
        "percentage",
        "vermeldingen",
        "respondents_auto",
    )
    if c in shown
]
if "respondents_auto" in shown:
    shown = shown.rename(columns={"respondents_auto": "respondenten (automatisch)"})
    cols[-1] = "respondenten (automatisch)"
st.table(shown[cols].set_index("code"))


def _via_file(suffix: str, write) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        write(path)
        return path.read_bytes()


base = f"{survey}_{wave}_{question}".replace(" ", "_")
st.markdown("**Downloads**")
d = st.columns(4)
d[0].download_button(
    "Frequenties (CSV)",
    lambda: _via_file(".csv", lambda p: export.write_frequency_csv(table, p)),
    file_name=f"{base}_frequenties.csv",
    mime="text/csv",
    key="res_dl_csv",
)
d[1].download_button(
    "Frequenties (Excel)",
    lambda: _via_file(".xlsx", lambda p: export.write_frequency_excel(table, p, title=title)),
    file_name=f"{base}_frequenties.xlsx",
    key="res_dl_xlsx",
)
if coded:
    d[2].download_button(
        "Grafiek (PNG)",
        lambda: charts.chart_bytes(charts.top_k_chart(table, k, title=title), "png"),
        file_name=f"{base}_grafiek.png",
        mime="image/png",
        key="res_dl_png",
    )
    d[3].download_button(
        "Grafiek (SVG)",
        lambda: charts.chart_bytes(charts.top_k_chart(table, k, title=title), "svg"),
        file_name=f"{base}_grafiek.svg",
        mime="image/svg+xml",
        key="res_dl_svg",
    )
e = st.columns(3)
for i, (fmt, label) in enumerate((("csv", "CSV"), ("xlsx", "Excel"), ("sav", "SPSS .sav"))):
    e[i].download_button(
        f"Gecodeerde dataset ({label})",
        lambda fmt=fmt: _via_file(
            f".{fmt}",
            lambda p: export.export_from_store(
                store,
                survey,
                question,
                p,
                wave=wave,
                codebook=codebook,
                coder=coder,
                include_auto=include_auto,
            ),
        ),
        file_name=f"{base}_dataset.{fmt}",
        key=f"res_dl_ds_{fmt}",
    )

st.divider()
st.subheader("Kruistabel")
attrs = unit_attribute_columns(C.units(survey, wave, question))
if attrs:
    attr = st.selectbox("Uitsplitsen naar", attrs, key="res_attr")
    ct = C.run_safely(
        lambda: report.crosstab_from_store(
            store,
            survey,
            question,
            attr,
            wave,
            codebook=codebook,
            coder=coder,
            include_auto=include_auto,
        ),
        "Kruistabel lukte niet",
    )
    if ct is not None:
        st.dataframe(ct, hide_index=True)
        st.caption(
            "Percentage van de N van elke groep. Toets: chi-kwadraat of Fisher waar de aantallen het toelaten."
        )
else:
    st.caption("Geen respondentkenmerken om naar uit te splitsen.")

waves = sorted(
    set(store.questions(survey)["wave"][store.questions(survey)["question_id"] == question])
)
if len(waves) > 1:
    st.divider()
    st.subheader("Vergelijking tussen peilingen")
    chosen = st.multiselect("Rondes", waves, default=waves[-2:], key="res_waves")
    if len(chosen) >= 2:
        try:
            long = report.compare_waves_from_store(
                store,
                survey,
                question,
                chosen,
                codebook_by_wave=None,
                coder=coder,
                include_auto=include_auto,
                long=True,
            )
            st.altair_chart(charts.wave_chart(long, k, title=f"{question} per ronde"))
            st.dataframe(long, hide_index=True)
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Vergelijken lukte niet")

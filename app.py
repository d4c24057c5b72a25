"""textanalysis app: code Dutch open survey answers in the browser.

Run: ``streamlit run app.py -- --db PATH`` (or ``make run``). Without ``--db`` the database
is ``$DATABASE_URL``, else ``$TEXTANALYSIS_DB``, else ``./textanalysis.db``. The app binds to
127.0.0.1 (``.streamlit/config.toml``); for a team see docs/app.md, "Team set-up".
"""

from __future__ import annotations

import sys

import streamlit as st

from app_pages.common import login_gate, sidebar, toon_fouten

# The model re-trains in a worker thread; a shorter GIL switch interval (default 5 ms) lets
# the page's script thread get the interpreter back quickly after each database call.
sys.setswitchinterval(0.0005)
st.set_page_config(page_title="textanalysis", page_icon=":material/edit_note:", layout="wide")

PAGES = [
    st.Page(
        "app_pages/start.py", title="Start", icon=":material/home:", url_path="start", default=True
    ),
    st.Page(
        "app_pages/importeren.py",
        title="Importeren",
        icon=":material/upload:",
        url_path="importeren",
    ),
    st.Page("app_pages/coderen.py", title="Coderen", icon=":material/edit:", url_path="coderen"),
    st.Page(
        "app_pages/zoeken.py",
        title="Zoeken en coderen",
        icon=":material/manage_search:",
        url_path="zoeken",
    ),
    st.Page(
        "app_pages/codeboek.py", title="Codeboek", icon=":material/menu_book:", url_path="codeboek"
    ),
    st.Page(
        "app_pages/themas.py",
        title="Thema's ontdekken",
        icon=":material/bubble_chart:",
        url_path="themas",
    ),
    st.Page(
        "app_pages/resultaten.py",
        title="Resultaten",
        icon=":material/bar_chart:",
        url_path="resultaten",
    ),
    st.Page(
        "app_pages/betrouwbaarheid.py",
        title="Betrouwbaarheid",
        icon=":material/group:",
        url_path="betrouwbaarheid",
    ),
]

page = st.navigation(PAGES)
login_gate()  # with a team login set up: the logged-in user is the coder, else no access
with toon_fouten():
    sidebar()
with toon_fouten():  # every page: coded errors in Dutch, never a traceback
    page.run()

"""End to end in a real browser: `streamlit run app.py` + Debian's headless Chromium (Playwright).

Codes three answers on Coderen (one of them an XSS attempt, which must show as literal
text and run nothing), then checks on Resultaten that the counts follow, and compares
them with the library's own computation on the same database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from app_server import CHROMIUM, app_in_chromium

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.browser]

XSS = (
    "Meer preventie <script>window.__xss=1</script> <img src=x onerror=\"window.__xss=2,alert('xss')\"> "
    "**vet** [klik](javascript:window.__xss=3) <b>html</b> <iframe src=javascript:window.__xss=4></iframe>"
)
TIMEOUT = 90_000  # ms; the first page load warms spaCy and the embedder


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/test-services.sh does it in make test)"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )


def make_demo_db(path: Path, *, xss: bool = True) -> Path:
    """A fresh database with the demo data (+ one XSS answer for Q58 of peiling 2022)."""
    exe = Path(sys.executable).with_name("textanalysis")
    subprocess.run([str(exe), "demo", "--db", str(path)], check=True, capture_output=True, cwd=ROOT)
    if xss:
        from textanalysis.ingest import ingest_file
        from textanalysis.store import Store

        csv = path.with_name("xss.csv")
        pd.DataFrame(
            {"gemeente_id": ["X999"], "inwonersklasse": ["< 50.000"], "g40": ["nee"], "q58": [XSS]}
        ).to_csv(csv, index=False, sep=";")
        result = ingest_file(csv, "gemeente_id", {"Q58": "q58"}, ["inwonersklasse", "g40"])
        with Store(str(path)) as store:
            store.import_result(result, "peiling", "2022")
    return path


def select_option(page, label: str, option_text: str) -> None:
    """Choose an option in a Streamlit selectbox by its label."""
    page.locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]').first.click()
    page.locator('[role="option"]').filter(has_text=option_text).first.click()


def wait_idle(page) -> None:
    """Wait until Streamlit is not running a script any more."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT
    )


def answer_text(page) -> str:
    return page.locator(".ta-answer").first.inner_text(timeout=TIMEOUT)


def progress_count(page) -> int:
    text = page.get_by_text("Uw voortgang:").first.inner_text(timeout=TIMEOUT)
    return int(text.split("Uw voortgang:")[1].split("van")[0])


def code_current_answer(page) -> str:
    """Tick the first unticked code, confirm, and wait until the decision is stored.

    Waits on the progress counter (coded answers of this coder), not on timing; a click
    that landed while a rerun replaced the button is repeated only if nothing was stored.
    """
    before = answer_text(page)
    done = progress_count(page)
    page.locator('[class*="st-key-cod_cb_"] input').first.wait_for(
        state="attached", timeout=TIMEOUT
    )  # the suggestions are there (the first model is fitted in the background)
    wait_idle(page)
    # pick the box inside the page (one snapshot: reruns re-render the list), click it by its key
    key = page.evaluate(
        """() => {
          const boxes = [...document.querySelectorAll('[class*="st-key-cod_cb_"]')];
          const box = boxes.find(b => { const i = b.querySelector('input');
            return i && !i.checked && !b.closest('[data-testid="stExpander"]'); });
          if (!box) return null;
          return [...box.classList].find(c => c.startsWith('st-key-cod_cb_'));
        }"""
    )
    assert key, "every code is already ticked"
    page.locator(f".{key} label").first.click()
    page.wait_for_function(
        "(k) => document.querySelector('.' + k + ' input')?.checked === true",
        arg=key,
        timeout=TIMEOUT,
    )
    wait_idle(page)
    for _attempt in range(3):
        page.get_by_role("button", name="Bevestigen").click()
        try:
            page.wait_for_function(
                "(n) => { const e = [...document.querySelectorAll('p,div')].find(x => x.innerText?.startsWith('Uw voortgang:'));"
                " return e && parseInt(e.innerText.split(':')[1]) > n; }",
                arg=done,
                timeout=30_000,
            )
            break
        except Exception:  # noqa: BLE001 - the click was lost in a rerun; nothing stored yet
            assert progress_count(page) == done
    wait_idle(page)
    return before


def results_table(page) -> pd.DataFrame:
    table = page.locator('[data-testid="stTable"] table').first
    table.wait_for(timeout=TIMEOUT)
    headers = [h.inner_text().strip() for h in table.locator("thead th").all()]
    rows = [
        [c.inner_text().strip() for c in r.locator("th, td").all()]
        for r in table.locator("tbody tr").all()
    ]
    return pd.DataFrame(rows, columns=headers)


def open_page(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT)
    wait_idle(page)


def test_code_three_answers_results_follow_and_xss_is_inert(tmp_path):
    _need_browser()
    from textanalysis import report
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "e2e.db")
    dialogs: list[str] = []
    with app_in_chromium(db, tmp_path, viewport={"width": 1400, "height": 1000}) as session:
        server = session.server
        page = session.page
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url, timeout=TIMEOUT)
        name = page.locator('input[aria-label="Uw naam (codeur)"]')
        name.fill("e2e")
        name.press("Enter")
        wait_idle(page)

        # Resultaten before coding: Q58 has no confirmed codes yet
        open_page(page, "Resultaten")
        select_option(page, "Vraag", "Q58")
        wait_idle(page)
        page.get_by_text("Nog geen gecodeerde respondenten").first.wait_for(timeout=TIMEOUT)
        before = results_table(page)
        assert before["respondenten"].astype(int).sum() == 0

        # Coderen: two ordinary answers, then the XSS answer found with the search box
        open_page(page, "Coderen")
        coded = [code_current_answer(page), code_current_answer(page)]
        page.get_by_text("Volgorde en filters").click()
        search = page.locator('input[aria-label="Zoeken in antwoorden"]')
        search.fill("onerror")
        search.press("Enter")
        page.keyboard.press("Escape")  # close the popover
        page.wait_for_function(
            "() => (document.querySelector('.ta-answer')||{}).innerText?.includes('onerror')",
            timeout=TIMEOUT,
        )
        wait_idle(page)
        shown = answer_text(page)
        assert "<script>window.__xss=1</script>" in shown
        assert "<img src=x onerror=" in shown and "**vet**" in shown
        assert "[klik](javascript:window.__xss=3)" in shown and "<b>html</b>" in shown
        answer = page.locator(".ta-answer").first
        assert answer.locator("script, img, iframe, b, a").count() == 0
        assert answer.locator("mark").count() >= 1  # the evidence 'preventie' is marked
        page.screenshot(path=str(tmp_path / "coderen.png"), full_page=True)
        coded.append(code_current_answer(page))
        assert page.evaluate("() => window.__xss") is None
        assert dialogs == []

        # Resultaten after coding: the counts changed and equal the library's
        open_page(page, "Resultaten")
        after = results_table(page)
        page.screenshot(path=str(tmp_path / "resultaten.png"), full_page=True)

    assert len(coded) == 3
    with Store(str(db)) as store:
        dec = store.decisions(coder="e2e")
        assert dec["unit_id"].nunique() == 3 and set(dec["decision"]) == {"applied"}
        expected = report.frequencies_from_store(
            store, "peiling", "Q58", "2022", codebook=store.load_codebook(question="Q58")
        )
    got = dict(zip(after["code"], after["respondenten"].astype(int), strict=True))
    library = dict(zip(expected["code"], expected["respondents"].astype(int), strict=True))
    assert got and {c: library.get(c) for c in got} == got  # the page's rows (one level)
    assert sum(got.values()) > 0
    assert (tmp_path / "coderen.png").stat().st_size > 10_000
    if os.environ.get("TEXTANALYSIS_KEEP_SCREENSHOTS"):
        keep = Path(os.environ["TEXTANALYSIS_KEEP_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        for name in ("coderen.png", "resultaten.png"):
            (keep / name).write_bytes((tmp_path / name).read_bytes())


# --- one screen per answer: 20 answers at 1366x768 without scrolling ------------------------


SCREEN_STATE = """
() => {
  const inView = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 &&
      r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  };
  const answer = document.querySelector('.ta-answer');
  const unit = answer ? answer.dataset.unit : null;
  const confirm = [...document.querySelectorAll('button')].find(b => b.innerText.startsWith('Bevestigen'));
  const boxes = [...document.querySelectorAll(`[class*="st-key-cod_cb_${unit}_"]`)]
    .filter(b => b.querySelector('input[type="checkbox"]'))
    .filter(b => !b.closest('[data-testid="stExpander"]'));  // the top suggestions, not the full list
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    unit,
    answerInView: inView(answer),
    confirmInView: inView(confirm),
    confirmBox: confirm ? (() => { const r = confirm.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })() : null,
    top: boxes.map(b => ({
      code: [...b.classList].find(c => c.startsWith('st-key-cod_cb_')).slice(`st-key-cod_cb_${unit}_`.length),
      checked: b.querySelector('input').checked,
      inView: inView(b),
      label: b.innerText,
    })),
    scrolled: window.scrollY + (main ? main.scrollTop : 0),
  };
}
"""


def screen_state(page) -> dict:
    return page.evaluate(SCREEN_STATE)


def wait_suggestions(page, unit: str | None = None) -> dict:
    """Wait until the answer (another one than ``unit``) shows its top suggestions."""
    page.wait_for_function(
        "(u) => { const a = document.querySelector('.ta-answer'); if (!a || a.dataset.unit === u) return false;"
        " const b = [...document.querySelectorAll('button')].find(x => x.innerText.startsWith('Bevestigen'));"
        ' return !!b && document.querySelector(`[class*="st-key-cod_cb_${a.dataset.unit}_"]`) !== null; }',
        arg=unit,
        timeout=TIMEOUT,
    )
    # the first model may still be on its way: once it arrives the page redraws the answer
    # with its pre-selection, so wait for that, then for two identical snapshots in a row
    page.wait_for_function(
        "() => !document.body.innerText.includes('Suggesties worden voorbereid')", timeout=TIMEOUT
    )
    return stable_state(page)


def stable_state(page, tries: int = 40, need_top: bool = True) -> dict:
    """The screen once it stopped changing (a slow, loaded machine may still be redrawing)."""
    wait_idle(page)
    state = screen_state(page)
    for _ in range(tries):
        page.wait_for_timeout(250)
        wait_idle(page)
        again = screen_state(page)
        if again == state and again["confirmBox"] is not None and (again["top"] or not need_top):
            return again
        state = again
    return state


def test_code_twenty_answers_on_one_screen_without_scrolling(tmp_path):
    """At 1366x768 the answer, its top suggestions (with confidence) and Bevestigen are in
    view for each of 20 answers; clicks go to screen coordinates (nothing scrolls the page);
    the database holds exactly what was ticked. The choices survive a reload and a new tab."""
    _need_browser()
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "screen.db", xss=False)
    shots = Path(os.environ.get("TEXTANALYSIS_KEEP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    expected: dict[int, set[str]] = {}
    with app_in_chromium(db, shots) as session:
        server = session.server
        context = session.context
        page = session.page
        page.goto(
            f"{server.url}/coderen?codeur=scherm&peiling=peiling&golf=2022&vraag=Q58",
            timeout=TIMEOUT,
        )
        state = wait_suggestions(page)
        for i in range(20):
            assert state["scrolled"] == 0, state
            assert state["answerInView"] and state["confirmInView"], (i, state)
            assert state["top"], (i, state)  # top suggestions shown first ...
            for box in state["top"]:  # ... inside the viewport, confidence not cut off
                assert box["inView"], (i, box)
            assert "%" in state["top"][0]["label"], state["top"][0]
            if i == 0:
                page.screenshot(path=str(shots / "coderen_1366x768.png"))
            if i % 3 == 1:  # now and then the analyst adds a code that was not ticked
                extra = next((b for b in state["top"] if not b["checked"]), None)
                if extra is not None:
                    key = f".st-key-cod_cb_{state['unit']}_{extra['code']}"
                    box = page.locator(f"{key} label").first.bounding_box()
                    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)
                    page.wait_for_function(
                        "(k) => document.querySelector(k + ' input')?.checked === true",
                        arg=key,
                        timeout=TIMEOUT,
                    )
                    extra["checked"] = True
            ticked = {b["code"] for b in state["top"] if b["checked"]}
            expected[int(state["unit"])] = ticked
            page.mouse.click(*state["confirmBox"])  # the button where it is on screen
            state = wait_suggestions(page, state["unit"])
        page.screenshot(path=str(shots / "coderen_after_20.png"))
        progress = progress_count(page)

        # remembered choices: a reload, and a new tab without anything in its URL
        page.reload()
        wait_suggestions(page)
        assert page.locator('input[aria-label="Uw naam (codeur)"]').input_value() == "scherm"
        tab = context.new_page()
        tab.goto(server.url, timeout=TIMEOUT)
        tab.wait_for_function(
            "() => new URL(location.href).searchParams.get('codeur') === 'scherm'",
            timeout=TIMEOUT,
        )
        tab.locator('[data-testid="stSidebarNav"] a').filter(has_text="Coderen").first.click()
        wait_suggestions(tab)
        assert tab.locator('input[aria-label="Uw naam (codeur)"]').input_value() == "scherm"
        tab.screenshot(path=str(shots / "coderen_new_tab.png"))
        chosen = tab.locator('input[aria-label="Vraag"]').first
        shown = chosen.input_value() or chosen.evaluate(
            "e => e.closest('[data-baseweb=\"select\"]')?.innerText || ''"
        )
        assert shown.startswith("Q58"), shown  # the question chosen in the other tab

    assert len(expected) == 20 and progress == 20
    with Store(str(db)) as store:
        dec = store.decisions(coder="scherm")
        cur = store.current_codes(coder="scherm")
    assert set(dec["unit_id"].astype(int)) == set(expected)
    got = {u: set() for u in expected}
    for uid, code in zip(cur["unit_id"].astype(int), cur["code"], strict=True):
        got[uid].add(str(code))
    assert got == expected
    # an answer confirmed with nothing ticked is recorded as looked at (all rejected)
    for uid in (u for u, codes in expected.items() if not codes):
        assert set(dec.loc[dec["unit_id"] == uid, "decision"]) == {"rejected"}


# --- issue 16: start coding a question without a codebook ----------------------------------

NEW_QUESTION_ANSWERS = [
    "De wachtlijsten in de jeugdzorg zijn veel te lang",
    "Te weinig personeel in de wijkteams, vacatures blijven open",
    "De gemeente moet bezuinigen, er is te weinig geld",
    "Wachtlijsten bij de ggz",
]

BOXES_OF = """
(u) => [...document.querySelectorAll('[class*="st-key-cod_cb"]')]
  .map(b => [[...b.classList].find(c => c.startsWith('st-key-cod_cb')), b.querySelector('input')])
  .filter(([k, i]) => k && i && k.includes(`_${u}_`))
  .map(([k, i]) => [k.slice(k.indexOf(`_${u}_`) + `_${u}_`.length), i.checked])
"""


def test_new_question_three_codes_while_coding(tmp_path):
    """A question without a codebook: the analyst makes three codes beside three answers
    ("Nieuwe code"), confirms, and the database holds codebook versions 1-3 and the codes."""
    _need_browser()
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "new.db", xss=False)
    csv = tmp_path / "q99.csv"
    pd.DataFrame(
        {
            "gemeente_id": [f"N{i}" for i in range(4)],
            "g40": ["nee"] * 4,
            "q99": NEW_QUESTION_ANSWERS,
        }
    ).to_csv(csv, index=False, sep=";")
    with Store(str(db)) as store:
        store.import_result(
            ingest_file(csv, "gemeente_id", {"Q99": "q99"}, ["g40"]), "peiling", "2022"
        )
    shots = Path(os.environ.get("TEXTANALYSIS_KEEP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    labels = ["Wachtlijsten", "Personeelstekort", "Financiën"]
    expected: dict[int, set[str]] = {}
    with app_in_chromium(db, shots, failure="failure_new.png") as session:
        server = session.server
        page = session.page
        page.goto(
            f"{server.url}/coderen?codeur=nieuw&peiling=peiling&golf=2022&vraag=Q99",
            timeout=TIMEOUT,
        )
        page.get_by_text("nog geen codeboek").first.wait_for(timeout=TIMEOUT)
        for i, label in enumerate(labels):
            page.locator(".ta-answer").first.wait_for(timeout=TIMEOUT)
            wait_idle(page)
            unit = page.locator(".ta-answer").first.get_attribute("data-unit")
            if i == 0:
                page.screenshot(path=str(shots / "coderen_zonder_codeboek.png"))
            page.locator("button").filter(has_text="Nieuwe code").first.click()
            page.locator('input[aria-label="Label"]').first.fill(label)
            page.locator("button").filter(has_text="Code toevoegen").first.click()
            # the code is there, ticked, beside the same answer (the model may still train)
            page.wait_for_function(
                "([u, n]) => { const a = document.querySelector('.ta-answer');"
                " return a && a.dataset.unit === u && document.querySelectorAll("
                ' `[class*="st-key-cod_cb"][class*="_${u}_"] input`).length === n; }',
                arg=[unit, i + 1],
                timeout=TIMEOUT,
            )
            state = stable_state(page, need_top=False)
            assert state["confirmInView"] and state["answerInView"], state
            ticked = {c for c, on in page.evaluate(BOXES_OF, unit) if on}
            assert ticked, ticked
            expected[int(unit)] = ticked
            page.mouse.click(*state["confirmBox"])
            page.wait_for_function(
                "(u) => { const a = document.querySelector('.ta-answer'); return a && a.dataset.unit !== u; }",
                arg=unit,
                timeout=TIMEOUT,
            )
        wait_idle(page)
        page.screenshot(path=str(shots / "coderen_drie_nieuwe_codes.png"))

    with Store(str(db)) as store:
        cb = store.load_codebook(question="Q99")
        versions = store.codebooks("Q99")
        cur = store.current_codes(coder="nieuw", question="Q99")
        texts = store.units("peiling", "Q99", "2022").set_index("unit_id")["text"]
    assert [cb.get(c).label for c in cb.code_ids] == labels and len(versions) == 3
    got: dict[int, set[str]] = {}
    for uid, code in zip(cur["unit_id"].astype(int), cur["code"], strict=True):
        got.setdefault(uid, set()).add(str(code))
    assert got == expected
    for code_id, uid in zip(cb.code_ids, expected, strict=True):  # each code's first example
        assert code_id in got[uid] and list(cb.get(code_id).examples) == [texts[uid]]

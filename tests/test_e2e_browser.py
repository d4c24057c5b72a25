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
from app_server import CHROMIUM, CHROMIUM_ARGS, AppServer

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
    wait_idle(page)
    # pick the box inside the page (one snapshot: reruns re-render the list), click it by its key
    key = page.evaluate(
        """() => {
          const boxes = [...document.querySelectorAll('[class*="st-key-cod_cb_"]')];
          const box = boxes.find(b => { const i = b.querySelector('input'); return i && !i.checked; });
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
    from playwright.sync_api import sync_playwright

    from textanalysis import report
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "e2e.db")
    dialogs: list[str] = []
    with AppServer(str(ROOT / "app.py"), str(db)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
            page.get_by_text("Nog geen bevestigde codes").first.wait_for(timeout=TIMEOUT)
            before = results_table(page)
            assert before["respondenten"].astype(int).sum() == 0

            # Coderen: two ordinary answers, then the XSS answer found with the search box
            open_page(page, "Coderen")
            coded = [code_current_answer(page), code_current_answer(page)]
            page.get_by_text("Volgorde en filters").click()
            search = page.locator('input[aria-label="Zoeken in antwoorden"]')
            search.fill("onerror")
            search.press("Enter")
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
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failure.png'}\nserver log:\n{server.log()}")
            raise
        finally:
            browser.close()

    assert len(coded) == 3
    with Store(str(db)) as store:
        dec = store.decisions(coder="e2e")
        assert dec["unit_id"].nunique() == 3 and set(dec["decision"]) == {"applied"}
        expected = report.frequencies_from_store(
            store, "peiling", "Q58", "2022", codebook=store.load_codebook(question="Q58")
        )
    got = dict(zip(after["code"], after["respondenten"].astype(int), strict=True))
    assert got == dict(zip(expected["code"], expected["respondents"].astype(int), strict=True))
    assert sum(got.values()) > 0
    assert (tmp_path / "coderen.png").stat().st_size > 10_000
    if os.environ.get("TEXTANALYSIS_KEEP_SCREENSHOTS"):
        keep = Path(os.environ["TEXTANALYSIS_KEEP_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        for name in ("coderen.png", "resultaten.png"):
            (keep / name).write_bytes((tmp_path / name).read_bytes())

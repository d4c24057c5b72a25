"""The screenshots of the user guide (docs/handleiding.md), regenerated in a real browser.

Visits every page of the app at 1366x768 on the demo database (with the demo's gold codes,
as after `make run`), does what the guide shows there (an upload, a search, a theme run,
work divided over two coders) and checks each page: its title is there and no error or
exception is shown. The PNGs go to docs/handleiding/ only when TEXTANALYSIS_SCREENSHOTS=1
(`make screenshots`), so a normal test run does not modify the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_server import CHROMIUM, VIEWPORT, app_in_chromium

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "handleiding"
pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 120_000  # ms; the first page load warms spaCy and the embedder
SCOPE = "codeur=anna&peiling=peiling&golf=2022&vraag=Q60"
MAX_BYTES = 300_000
# text that only shows when something went wrong (app_pages.common.GENERIC_ERROR, fout_tekst)
ERROR_TEXTS = ("Er ging onverwacht iets mis", "Foutcode", "Traceback")


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/test-services.sh does it in make test)"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )


def wait_idle(page) -> None:
    """Wait until Streamlit is not running a script any more."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT
    )


def check_page(page, title: str) -> None:
    """The page's title is shown and nothing on it reports an error."""
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, title
    assert page.get_by_text("Page not found").count() == 0, title
    body = page.locator('[data-testid="stMain"]').inner_text()
    for bad in ERROR_TEXTS:
        assert bad not in body, f"{title}: {bad!r} on the page:\n{body[:2000]}"


def save(page, tmp: Path, name: str) -> Path:
    """Screenshot of the viewport, reduced to a 256-colour palette (small PNGs for the docs)."""
    from PIL import Image

    raw = tmp / f"raw-{name}"
    page.screenshot(path=str(raw))
    small = tmp / name
    with Image.open(raw) as img:
        assert img.size == (VIEWPORT["width"], VIEWPORT["height"])
        img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            small, optimize=True
        )
    assert 10_000 < small.stat().st_size < MAX_BYTES, (name, small.stat().st_size)
    return small


def scroll_to(page, text: str) -> None:
    page.get_by_text(text, exact=True).first.scroll_into_view_if_needed(timeout=TIMEOUT)
    page.wait_for_timeout(300)


def test_guide_screenshots(demo_db, tmp_path):
    _need_browser()
    # as after `make run`: the demo's gold codes, so Resultaten and the suggestions have data
    exe = Path(sys.executable).with_name("textanalysis")
    subprocess.run(
        [str(exe), "demo", "--with-gold-codes", "--db", str(demo_db)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    shots: list[Path] = []
    with app_in_chromium(demo_db, tmp_path) as session:
        server = session.server
        page = session.page
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def visit(path: str, title: str, scope: str = SCOPE) -> None:
            page.goto(f"{server.url}/{path}?{scope}", timeout=TIMEOUT)
            check_page(page, title)

        visit("", "textanalysis")  # Start is the default page
        page.get_by_text("Vragen en voortgang").first.wait_for(timeout=TIMEOUT)
        page.locator('[data-testid="stDataFrame"]').nth(1).wait_for(timeout=TIMEOUT)
        shots.append(save(page, tmp_path, "start.png"))

        visit("importeren", "Importeren")
        page.locator('input[type="file"]').first.set_input_files(
            str(ROOT / "data" / "peiling2022.csv")
        )
        page.get_by_role("heading", name="Kolommen kiezen").first.wait_for(timeout=TIMEOUT)
        wait_idle(page)
        box = page.locator('[data-testid="stMultiSelect"] input[aria-label*="Open vragen"]')
        box.first.click()
        box.first.press_sequentially("q60")
        box.first.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_role("heading", name="Zo wordt het opgeslagen").first.wait_for(timeout=TIMEOUT)
        check_page(page, "Importeren")
        scroll_to(page, "Kolommen kiezen")
        shots.append(save(page, tmp_path, "importeren.png"))

        visit("coderen", "Coderen")
        page.locator(".ta-answer").first.wait_for(timeout=TIMEOUT)
        page.locator('[class*="st-key-cod_cb_"] input').first.wait_for(
            state="attached", timeout=TIMEOUT
        )  # the suggestions are there
        page.get_by_role("button", name="Bevestigen").first.wait_for(timeout=TIMEOUT)
        check_page(page, "Coderen")
        assert page.get_by_text("Uw voortgang:").count() >= 1
        shots.append(save(page, tmp_path, "coderen.png"))

        visit("zoeken", "Zoeken en coderen")
        search = page.locator('input[aria-label="Zoekopdracht"]')
        search.fill("wachtlijst")
        page.get_by_role("button", name="Zoeken").first.click()
        page.get_by_text("gevonden voor: wachtlijst").first.wait_for(timeout=TIMEOUT)
        check_page(page, "Zoeken en coderen")
        shots.append(save(page, tmp_path, "zoeken.png"))

        visit("codeboek", "Codeboek")
        page.get_by_text("Codes, bevestigde antwoorden").first.wait_for(timeout=TIMEOUT)
        check_page(page, "Codeboek")
        shots.append(save(page, tmp_path, "codeboek.png"))
        scroll_to(page, "Codes toevoegen en ordenen")
        shots.append(save(page, tmp_path, "codeboek-ordenen.png"))

        visit("themas", "Thema's ontdekken")
        page.get_by_role("button", name="Thema's zoeken").first.click()
        page.get_by_role("heading", name="thema's (run").first.wait_for(timeout=300_000)
        check_page(page, "Thema's ontdekken")
        scroll_to(page, "Thema omzetten naar code")
        shots.append(save(page, tmp_path, "themas.png"))

        visit("resultaten", "Resultaten")
        page.get_by_role("heading", name="Meest genoemde thema's").first.wait_for(timeout=TIMEOUT)
        page.locator('[data-testid="stVegaLiteChart"], .vega-embed').first.wait_for(timeout=TIMEOUT)
        check_page(page, "Resultaten")
        shots.append(save(page, tmp_path, "resultaten.png"))
        scroll_to(page, "Kruistabel")
        shots.append(save(page, tmp_path, "resultaten-kruistabel.png"))

        # the 2019 wave: in 2022 'gold' coded every answer, so nothing is left to divide
        visit("betrouwbaarheid", "Betrouwbaarheid", SCOPE.replace("2022", "2019"))
        page.locator('input[aria-label="Codeurs (komma-gescheiden)"]').fill("anna, bert")
        page.locator('input[aria-label="Antwoorden per codeur"]').fill("20")
        page.get_by_role("button", name="Porties toewijzen").first.click()
        page.get_by_text("Toegewezen: anna").first.wait_for(timeout=TIMEOUT)
        check_page(page, "Betrouwbaarheid")
        scroll_to(page, "Werk verdelen")
        shots.append(save(page, tmp_path, "betrouwbaarheid.png"))
        assert dialogs == []

    assert len(shots) == 10
    if os.environ.get("TEXTANALYSIS_SCREENSHOTS") == "1":
        OUT.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            (OUT / shot.name).write_bytes(shot.read_bytes())

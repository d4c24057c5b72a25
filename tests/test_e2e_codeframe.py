"""Issue 16 end to end in a real browser (`streamlit run app.py` + Debian's headless Chromium,
1366x768): bulk coding by search and its undo, merging and splitting codes (with the split's
review list on Codeboek and on Coderen), and a topic promoted into a code. Each test drives
the pages as an analyst would, then checks the database with the library.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from app_server import app_in_chromium
from store_helpers import record_codes
from test_e2e_browser import (
    BOXES_OF,
    TIMEOUT,
    _need_browser,
    make_demo_db,
    results_table,
    select_option,
    wait_idle,
    wait_suggestions,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]
S, W, Q = "peiling", "2022", "Q58"
LONG = 240_000  # ms: topic discovery embeds every answer on a loaded 2-core machine


# --- helpers -------------------------------------------------------------------------------


def shots_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("TEXTANALYSIS_KEEP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def visit(page, server, path: str, coder: str) -> None:
    """Open a page with the coder and the question in the URL, as a bookmark would."""
    page.goto(f"{server.url}/{path}?codeur={coder}&peiling={S}&golf={W}&vraag={Q}", timeout=TIMEOUT)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=TIMEOUT)
    wait_idle(page)


def see(page, text: str, timeout: int = TIMEOUT) -> str:
    """Wait until ``text`` is on the page; return the element's text."""
    found = page.get_by_text(text).first
    found.wait_for(timeout=timeout)
    return found.inner_text()


def click(page, name: str, *, exact: bool = True) -> None:
    """Click the visible button called ``name`` once Streamlit is idle (forms and tabs hide
    buttons of the same name elsewhere on the page; ``exact=False``: its name also shows a
    keyboard shortcut)."""
    wait_idle(page)
    button = page.get_by_role("button", name=name, exact=exact).locator("visible=true").first
    button.wait_for(timeout=TIMEOUT)
    button.click()


def open_options(page, label: str, text: str = ""):
    """Open the selectbox ``label`` (typing ``text`` to filter) and return its options; a
    click that a rerun swallowed (the list closed again) is repeated."""
    box = page.locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]')
    box = box.locator("visible=true").first
    options = page.locator('[role="option"]').filter(has_text=text)
    for _attempt in range(5):
        wait_idle(page)
        box.click()
        if text:
            box.press("Control+a")  # the input shows the current choice: type over it
            box.press_sequentially(text)
        try:
            options.first.wait_for(timeout=10_000)
            return options
        except Exception:  # noqa: BLE001 - the list closed in a rerun: once more
            page.keyboard.press("Escape")
    raise AssertionError(f"the options of {label!r} ({text!r}) did not open")


def choose(page, label: str, text: str) -> None:
    """Type ``text`` into the selectbox ``label`` and take the option that shows it (again
    when a rerun closed the list before the click, or the choice did not stick)."""
    for _attempt in range(5):
        try:
            option = open_options(page, label, text).first
            full = option.inner_text(timeout=5_000).strip()  # more than the typed text
            option.click(timeout=5_000)
            page.wait_for_function(
                '([l, t]) => [...document.querySelectorAll(`input[aria-label="${l}"]`)]'
                ".some(i => i.value.trim() === t && i.getAttribute('aria-expanded') !== 'true')",
                arg=[label, full],
                timeout=10_000,
            )
            return
        except Exception:  # noqa: BLE001 - lost in a rerun: choose once more
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {text!r} in {label!r}")


def open_tab(page, name: str) -> None:
    wait_idle(page)
    page.get_by_role("tab", name=name, exact=True).click()
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('[role=tab]')].some(t =>"
        " t.innerText.trim() === n && t.getAttribute('aria-selected') === 'true')",
        arg=name,
        timeout=TIMEOUT,
    )


def counts(table: pd.DataFrame) -> dict[str, int]:
    return dict(zip(table["code"], table["respondenten"].astype(int), strict=True))


def codes_by_unit(cur: pd.DataFrame) -> dict[int, set[str]]:
    got: dict[int, set[str]] = {}
    for uid, code in zip(cur["unit_id"].astype(int), cur["code"], strict=True):
        got.setdefault(uid, set()).add(str(code))
    return got


def single_answer_units(db: Path, n: int) -> list[int]:
    """Ids of ``n`` substantive Q58 answers of respondents who gave one answer (so answers
    and respondents count the same)."""
    from textanalysis.store import Store

    with Store(str(db)) as store:
        units = store.units(S, Q, W, substantive=True)
    single = units.groupby("respondent_id").filter(lambda g: len(g) == 1)
    return single["unit_id"].astype(int).tolist()[:n]


def download(page, name: str, to: Path) -> Path:
    wait_idle(page)
    with page.expect_download(timeout=TIMEOUT) as dl:
        page.get_by_role("button", name=name, exact=True).first.click()
    dl.value.save_as(str(to))
    return to


# --- 1. bulk coding by search, and undo -----------------------------------------------------

QUERY = "wijkteam"  # the demo has "wijkteam" and "Wijkteams": the lemma finds both
CODE = "inrichting_toegang"  # Inrichting van toegang en team


def test_bulk_code_search_hits_and_undo(tmp_path):
    """Zoeken en coderen: the lemma query finds every form of the word (KWIC list), all hits
    get one code in one click (source 'bulk'), and one click undoes exactly that."""
    _need_browser()
    from textanalysis.coding import bulk
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "bulk.db", xss=False)
    with Store(str(db)) as store:
        hits = bulk.search(store, S, Q, QUERY, wave=W)
    hit_ids = hits["unit_id"].astype(int).tolist()
    assert len(hit_ids) >= 4 and {m.lower() for m in hits["match"]} >= {"wijkteam", "wijkteams"}
    # the coder had coded some hits before: the code itself, the code rejected, another code
    had, rejected, other = hit_ids[:3]
    record_codes(db, "bulk", {had: [CODE], other: ["personeel_deskundigheid"]})
    record_codes(db, "bert", {u: ["wijkgericht_werken"] for u in hit_ids[:2]})
    with Store(str(db)) as store:
        store.record_decisions(
            [{"unit_id": rejected, "code": CODE, "coder": "bulk", "decision": "rejected"}]
        )
        before = store.current_codes(survey=S, question=Q)
        looked = store.decisions(survey=S, question=Q, coder="bulk")["decision_id"].tolist()
    key = ["unit_id", "code", "coder", "source"]
    shots = shots_dir(tmp_path)
    with app_in_chromium(db, shots, failure="failure_bulk.png") as session:
        page = session.page
        visit(page, session.server, "zoeken", "bulk")
        page.locator('input[aria-label="Zoekopdracht"]').fill(QUERY)
        click(page, "Zoeken")
        see(page, f"{len(hit_ids)} antwoord(en) gevonden voor: {QUERY}")
        kwic = page.wait_for_function(  # the KWIC lines, once every one shows its match
            """(n) => { const rows = [...document.querySelectorAll('[class*="st-key-zk_hit_"]')]
                 .map(b => [[...b.classList].find(c => c.startsWith('st-key-zk_hit_')).slice(14),
                            b.querySelector('strong')?.innerText || '', b.innerText]);
               return rows.length === n && rows.every(r => r[1]) && rows; }""",
            arg=len(hit_ids),
            timeout=TIMEOUT,
        ).json_value()
        assert sorted(int(u) for u, _, _ in kwic) == sorted(hit_ids)
        shown = {bold.lower() for _, bold, _ in kwic}
        assert shown == {"wijkteam", "wijkteams"}, kwic  # the match in bold, both forms
        page.locator(".st-key-zk_all label").first.click()
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('[class*=\"st-key-zk_hit_\"] input')]"
            ".filter(i => i.checked).length === n",
            arg=len(hit_ids),
            timeout=TIMEOUT,
        )
        choose(page, "Code", "Inrichting van toegang")
        click(page, f"Toepassen op {len(hit_ids)} antwoord(en)")
        done = see(page, f"toegepast op {len(hit_ids) - 1} antwoord(en)")
        assert "Inrichting van toegang en team" in done and "(1 hadden de code al)" in done
        page.screenshot(path=str(shots / "zoeken_toegepast.png"))
        with Store(str(db)) as store:
            dec = store.decisions(survey=S, question=Q, coder="bulk")
            applied = store.current_codes(survey=S, question=Q, coder="bulk")
            action = bulk.actions(store, S, Q)
        mine = dec[dec["source"] == "bulk"]
        assert set(mine["decision"]) == {"applied"} and set(mine["code"]) == {CODE}
        assert mine["reason"].str.contains(QUERY).all()
        assert sorted(mine["unit_id"].astype(int)) == sorted(set(hit_ids) - {had})
        assert set(applied.loc[applied["code"] == CODE, "unit_id"].astype(int)) == set(hit_ids)
        assert action["query"].tolist() == [QUERY] and action["answers"].tolist() == [
            len(hit_ids) - 1
        ]
        action_id = int(action["action_id"].iloc[0])

        # the action is listed under "Eerdere acties"; one click undoes it
        see(page, "Eerdere acties")
        click(page, "Ongedaan maken")
        undone = see(page, "ongedaan gemaakt")
        assert f"Actie #{action_id} ongedaan gemaakt: {len(hit_ids) - 1} beslissing(en)" in undone
        page.screenshot(path=str(shots / "zoeken_ongedaan.png"))

    with Store(str(db)) as store:
        after = store.current_codes(survey=S, question=Q)
        now = store.decisions(survey=S, question=Q, coder="bulk")["decision_id"].tolist()
        log = store.decisions(survey=S, question=Q, coder="bulk", include_undone=True)
    rows = lambda df: sorted(map(tuple, df[key].astype(str).to_numpy().tolist()))  # noqa: E731
    assert rows(after) == rows(before)  # every coder's codes exactly as before
    assert now == looked  # the undone action leaves no trace of looking (progress) ...
    assert len(log) == len(dec) + len(hit_ids) - 1  # ... but the log keeps both halves
    assert (log["reason"].fillna("").str.startswith(f"undo bulk #{action_id}")).sum() == len(
        hit_ids
    ) - 1


# --- 2. merge: Resultaten and the exports follow, the old version's counts stay --------------

A, B = "wams", "bestaanszekerheid"
A_LABEL, B_LABEL = "Wams (aanpak meervoudige problematiek)", "Bestaanszekerheid, armoede"


def test_merge_two_codes_results_and_exports_follow(tmp_path):
    """Merge A into B on Codeboek: Resultaten, the CSV/Excel frequency downloads and the coded
    data set (CSV, Excel, SPSS) count B for every respondent with A or B (once), A is gone; the
    old version still counts as before."""
    _need_browser()
    pyreadstat = pytest.importorskip("pyreadstat")
    from textanalysis import report
    from textanalysis.codebook import frame
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "merge.db", xss=False)
    u = single_answer_units(db, 9)
    # A only: 4, B only: 2, A and B on one answer: 1, something else: 2
    coding = {x: [A] for x in u[:4]} | {x: [B] for x in u[4:6]} | {u[6]: [A, B]}
    record_codes(db, "anna", coding | {x: ["gezinsaanpak"] for x in u[7:]})
    with Store(str(db)) as store:
        old = store.load_codebook(question=Q)
        old_table = report.frequencies_from_store(store, S, Q, W, codebook=old, coder="anna")
        units_ = store.units(S, Q, W, unit_ids=u)
        respondents = set(units_["respondent_id"].astype(str))
    expected_b = len(u[:7])  # respondents with A or B, the one with both counted once
    shots = shots_dir(tmp_path)
    with app_in_chromium(db, shots, failure="failure_merge.png") as session:
        page = session.page
        visit(page, session.server, "resultaten", "anna")
        first = counts(results_table(page))
        assert first[A] == 5 and first[B] == 3 and first["gezinsaanpak"] == 2

        visit(page, session.server, "codeboek", "anna")
        open_tab(page, "Samenvoegen")
        choose(page, "Code A (verdwijnt)", A_LABEL)
        choose(page, "Samenvoegen in code B", B_LABEL)
        click(page, "Samenvoegen")
        merged = see(page, "Codes samengevoegd")
        assert "de codes van 5 antwoord(en) zijn meegenomen" in merged
        page.get_by_text("Codes samengevoegd").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "codeboek_samengevoegd.png"))

        visit(page, session.server, "resultaten", "anna")
        table = results_table(page)
        got = counts(table)
        assert A not in got and got[B] == expected_b and got["gezinsaanpak"] == 2
        assert not table["thema"].str.startswith("Wams").any()
        page.screenshot(path=str(shots / "resultaten_samengevoegd.png"), full_page=True)
        csv = pd.read_csv(download(page, "Frequenties (CSV)", tmp_path / "freq.csv"))
        xlsx = pd.read_excel(
            download(page, "Frequenties (Excel)", tmp_path / "freq.xlsx"), header=2
        )
        data = {  # the coded data set, one row per respondent and a 0/1 variable per code
            "csv": pd.read_csv(download(page, "Gecodeerde dataset (CSV)", tmp_path / "d.csv")),
            "xlsx": pd.read_excel(
                download(page, "Gecodeerde dataset (Excel)", tmp_path / "d.xlsx")
            ),
            "sav": pyreadstat.read_sav(
                str(download(page, "Gecodeerde dataset (SPSS .sav)", tmp_path / "d.sav"))
            )[0],
        }

    for name, exported in (("csv", csv), ("xlsx", xlsx)):
        exported = exported.dropna(subset=["code"])
        exported = exported[exported["code"].isin(got)]  # the Excel note row below the table
        by_code = dict(zip(exported["code"], exported["respondents"].astype(int), strict=True))
        assert A not in by_code and by_code[B] == expected_b, (name, by_code)
        assert by_code == got, name  # the same counts as on the screen
        assert set(exported["n"].astype(int)) == {len(u)}, name

    for name, frame_ in data.items():
        assert A not in frame_.columns and B in frame_.columns, (name, list(frame_.columns))
        coded_rows = frame_[frame_["respondent_id"].astype(str).isin(respondents)]
        assert int(coded_rows[B].sum()) == expected_b, name
        assert int(frame_[B].sum()) == expected_b, name  # nobody else has B

    with Store(str(db)) as store:
        new = store.load_codebook(question=Q)
        assert A not in new.code_ids and new.content_hash != old.content_hash
        codes, coded = frame.codes_as_of(
            store, old.content_hash, survey=S, question=Q, wave=W, coder="anna"
        )
        units = store.units(S, Q, W)
    again = report.frequencies(units, codes, old, coded_units=coded)
    cols = ["code", "respondents", "mentions", "n"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(again)[cols].reset_index(drop=True),
        pd.DataFrame(old_table)[cols].reset_index(drop=True),
    )  # the old version's table is what it was: A 5, B 3


# --- 3. split and the review list -----------------------------------------------------------

SPLIT = "gezinsaanpak"
B_SPLIT, C_SPLIT = "Gezinsaanpak jeugd", "Gezinsaanpak volwassenen"


def assign(page, was: str, uid: int, option: str) -> None:
    """Pick ``option`` for answer ``uid`` in the split's review list (a radio per answer)."""
    group = page.locator(f".st-key-cb_review_{was}_{uid} [role='radiogroup']").first
    group.get_by_text(option, exact=True).first.click()
    page.wait_for_function(
        "([k, o]) => [...document.querySelectorAll(`.${k} [role=radiogroup] label`)].some(l =>"
        " l.innerText.trim() === o && l.querySelector('input')?.checked)",
        arg=[f"st-key-cb_review_{was}_{uid}", option],
        timeout=TIMEOUT,
    )


def test_split_code_and_work_through_review_list(tmp_path):
    """Split A into B and C on Codeboek; A's answers wait on the review list; three are
    assigned there (B, C, neither), the last on Coderen with the review filter; the list
    empties and Resultaten counts B and C."""
    _need_browser()
    from textanalysis.codebook import frame
    from textanalysis.codebook.edit import code_id_from_label
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "split.db", xss=False)
    u = single_answer_units(db, 5)
    record_codes(db, "anna", {x: [SPLIT] for x in u[:4]} | {u[4]: ["wams"]})
    with Store(str(db)) as store:
        ids = store.load_codebook(question=Q).code_ids
    b = code_id_from_label(B_SPLIT, ids)
    c = code_id_from_label(C_SPLIT, [*ids, b])
    shots = shots_dir(tmp_path)
    with app_in_chromium(db, shots, failure="failure_split.png") as session:
        page = session.page
        visit(page, session.server, "codeboek", "anna")
        open_tab(page, "Splitsen")
        choose(page, "Code A", "Gezinsaanpak")
        page.locator('input[aria-label="Label van B"]').fill(B_SPLIT)
        page.locator('input[aria-label="Label van C"]').fill(C_SPLIT)
        click(page, "Splitsen")
        assert "4 antwoord(en) staan klaar om toe te wijzen" in see(page, "Code gesplitst")
        see(page, "Gesplitste codes toewijzen (4 antwoorden")
        for x in u[:4]:  # every answer coded A is on the list, with its text
            page.locator(f".st-key-cb_review_{SPLIT}_{x}").first.wait_for(timeout=TIMEOUT)
        page.get_by_text("Gesplitste codes toewijzen (").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "codeboek_splitsen.png"))
        assign(page, SPLIT, u[0], B_SPLIT)
        assign(page, SPLIT, u[1], C_SPLIT)
        assign(page, SPLIT, u[2], "geen van beide")
        click(page, "Toewijzen")
        see(page, "3 antwoord(en) toegewezen.")
        see(page, "Gesplitste codes toewijzen (1 antwoorden")  # the list after the rerun
        wait_idle(page)
        assert page.locator(f".st-key-cb_review_{SPLIT}_{u[3]}").count() == 1

        # the last one on Coderen: the filter of answers changed by a codebook change
        visit(page, session.server, "coderen", "anna")
        wait_suggestions(page)
        page.get_by_text("Volgorde en filters").first.click()
        select_option(page, "Filter", "gewijzigd door codeboekwijziging")
        page.keyboard.press("Escape")
        page.wait_for_function(
            "(u) => document.querySelector('.ta-answer')?.dataset.unit === u",
            arg=str(u[3]),
            timeout=TIMEOUT,
        )
        see(page, f"Na te kijken: code '{SPLIT}' is gesplitst")
        state = wait_suggestions(page)
        assert state["unit"] == str(u[3])
        others = page.get_by_text(re.compile(r"^(Andere|Alle) codes \(\d+\)$")).first
        others.click()  # C may be among the other codes: open that list
        for code, on in page.evaluate(BOXES_OF, str(u[3])):
            if on != (code == c):  # only C ticked
                box = page.locator(f".st-key-cod_cb_{u[3]}_{code} label").first
                box.scroll_into_view_if_needed()
                box.click()
                page.wait_for_function(
                    "([k, v]) => document.querySelector(`.${k} input`)?.checked === v",
                    arg=[f"st-key-cod_cb_{u[3]}_{code}", code == c],
                    timeout=TIMEOUT,
                )
        page.screenshot(path=str(shots / "coderen_gesplitst.png"))
        click(page, "Bevestigen", exact=False)
        page.wait_for_function(
            "(u) => document.querySelector('.ta-answer')?.dataset.unit !== u",
            arg=str(u[3]),
            timeout=TIMEOUT,
        )
        see(page, "in deze selectie")  # nothing left to review

        visit(page, session.server, "codeboek", "anna")
        see(page, "Codes, bevestigde antwoorden")
        wait_idle(page)
        assert page.get_by_text("Gesplitste codes toewijzen").count() == 0
        visit(page, session.server, "resultaten", "anna")
        got = counts(results_table(page))
        page.screenshot(path=str(shots / "resultaten_gesplitst.png"), full_page=True)

    assert got[b] == 1 and got[c] == 2 and SPLIT not in got and got["wams"] == 1
    with Store(str(db)) as store:
        cur = codes_by_unit(store.current_codes(survey=S, question=Q, coder="anna"))
        left = frame.split_review(store, S, Q, wave=W)
        assigned = store.decisions(survey=S, question=Q, coder="anna")
    assert {x: cur.get(x, set()) for x in u} == {
        u[0]: {b},
        u[1]: {c},
        u[2]: set(),
        u[3]: {c},
        u[4]: {"wams"},
    }
    assert left.empty
    on_list = assigned[assigned["reason"] == f"split '{SPLIT}': assigned"]
    assert sorted(on_list["unit_id"].astype(int)) == sorted(u[:2])  # B and C on Codeboek's list


# --- 4. a topic becomes a code ---------------------------------------------------------------


def test_promote_topic_into_code_with_readable_label(tmp_path):
    """Thema's ontdekken (fast settings): a topic's proposed label is a short readable name,
    not a keyword list; promoted, it is a code of a new codebook version with a definition and
    up to three of the answers as examples, and Coderen offers it for the question."""
    _need_browser()
    from textanalysis.store import Store

    db = make_demo_db(tmp_path / "topics.db", xss=False)
    with Store(str(db)) as store:
        versions = len(store.codebooks(Q))
        texts = set(store.units(S, Q, W)["text"].astype(str))
        taken = {c.label.casefold() for c, _, _ in store.load_codebook(question=Q).iter_codes()}
    shots = shots_dir(tmp_path)
    with app_in_chromium(db, shots, failure="failure_topics.png") as session:
        page = session.page
        visit(page, session.server, "themas", "anna")
        fast = page.locator(".st-key-top_fast input").first
        assert fast.is_checked()  # the fast setting (PCA + KMeans) is the default
        click(page, "Thema's zoeken")
        found = see(page, "thema's (run ", timeout=LONG)
        run = re.search(r"\(run (\d+)\)", found).group(1)
        see(page, "Thema omzetten naar code")
        wait_idle(page)
        # choose a topic named unlike every code (a name like an existing code's gets the
        # advice to merge the theme into that code instead)
        options = open_options(page, "Thema")
        names = [o.inner_text().strip() for o in options.all()]
        fresh = [n for n in names if n.split(": ", 1)[-1].casefold() not in taken]
        assert fresh, names
        chosen = fresh[1] if len(fresh) > 1 else fresh[0]
        page.keyboard.press("Escape")
        choose(page, "Thema", chosen)
        topic = chosen.split(":")[0]
        label_input = page.locator(f".st-key-top_label_{run}_{topic} input")
        label_input.first.wait_for(timeout=TIMEOUT)
        wait_idle(page)
        proposed = label_input.first.input_value().strip()
        examples = [
            t.inner_text().strip().removeprefix("• ").strip()
            for t in page.locator('[data-testid="stText"]').filter(has_text="• ").all()
        ]
        page.screenshot(path=str(shots / "themas_voorstel.png"), full_page=True)
        # readable: a short name starting with a capital, no comma-separated keywords
        words = proposed.split()
        assert proposed and "," not in proposed and proposed[0].isupper(), proposed
        assert 1 <= len(words) <= 6 and len(proposed) <= 60, proposed
        assert all(re.fullmatch(r"[\wÀ-ÿ'()&/-]+", w) for w in words), proposed
        assert 1 <= len(examples) <= 3 and set(examples) <= texts, examples
        click(page, "Code toevoegen (nieuwe codeboekversie)")
        added = see(page, f"Code '{proposed}'")
        assert "toegevoegd; codeboek versie" in added
        new_id = re.search(r"\(([^)]+)\) toegevoegd", added).group(1)

        visit(page, session.server, "coderen", "anna")
        state = wait_suggestions(page)
        box = page.locator(f".st-key-cod_cb_{state['unit']}_{new_id}")
        box.first.wait_for(state="attached", timeout=TIMEOUT)
        assert proposed in box.first.text_content()
        page.screenshot(path=str(shots / "coderen_thema_code.png"))

    with Store(str(db)) as store:
        cb = store.load_codebook(question=Q)
        assert len(store.codebooks(Q)) == versions + 1
    code = cb.get(new_id)
    assert code.label == proposed and code.description and code.description.strip()
    assert 1 <= len(code.examples) <= 3 and set(code.examples) <= texts
    assert list(code.examples) == examples  # the typical answers shown became the examples

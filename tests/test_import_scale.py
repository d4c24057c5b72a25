"""Import at the size limit (issue 13): masking skips deduce only where it cannot find anything,
deduce's compact lookup structures answer as its own, and a masked import stores the same units.

Timings are in bench/big_import.py (printed, never asserted here)."""

from __future__ import annotations

import gc
import hashlib
import random
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest

from textanalysis import privacy
from textanalysis.privacy import ALL_KINDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import big_import  # noqa: E402 (the benchmark's generator of realistic answers)


def _corpus(n_generated: int = 1500) -> list[str]:
    """PII sentences, the demo exports' cells, generated answers and crafted name contexts."""
    texts = list(
        pd.read_csv(ROOT / "tests/data/pii_sentences.csv", dtype=str, keep_default_na=False)["text"]
    )
    for name in ("peiling2022.csv", "peiling2019.csv"):
        df = pd.read_csv(ROOT / "data" / name, sep=";", dtype=str, keep_default_na=False)
        for col in df.columns:
            texts += [v for v in df[col] if v]
    rng = random.Random(13)
    texts += [big_import.answer(rng, multi=i % 3 == 0) for i in range(n_generated)]
    # titles, initials and interfixes before unknown capitalised words, policy words as names
    lead = [
        "mevrouw",
        "Dhr.",
        "dhr.",
        "J.",
        "A.B.",
        "de heer",
        "collega",
        "van",
        "Van der",
        "in het",
    ]
    lead += ["dhr. van", "J. de", "Mw. ter", "het", "de", "vanuit het", "Piet", "met", ""]
    word = ["Bakkenes", "Zwanenburg", "Rijk", "Wmo", "GGD", "Veilig Thuis", "Dijk", "Noord"]
    word += ["Kamer", "West", "Jansen", "Utrecht", "Thuis", "Raad", "Hervormingsagenda"]
    after = ["", " belde.", " en de gemeente", "-Bakkenes", " van Bakkenes", " Bakkenes", ": ja"]
    for a in lead:
        for w in word:
            for z in after:
                texts.append(f"{a} {w}{z}".strip())
                texts.append(f"Wij spraken {a} {w}{z}".replace("  ", " "))
    return [t for t in dict.fromkeys(texts) if t.strip()]


def test_deduce_prefilter_changes_no_span() -> None:
    """Texts the prefilter keeps from deduce get the same spans as with deduce."""
    texts = _corpus()
    skipped = [t for t in texts if not privacy._deduce_may_find(t)]
    assert len(skipped) > len(texts) / 4  # it does skip plain policy text
    for text in texts:
        assert privacy._deduce_spans(text, ALL_KINDS) == privacy._deduce_spans(
            text, ALL_KINDS, prefilter=False
        ), text


def test_deduce_prefilter_catches_names_in_context() -> None:
    for text in (
        "mevrouw Bakkenes belde",
        "Gesproken met dhr. Zwanenburg",
        "J. Zwanenburg",
        "dhr. van Zwanenburg",
        "Petra weet het",
        "in het Rijk",
        "Piet Rijk belde",
        "bel 06-12345678",
        "mail a@b.nl",
    ):
        assert privacy._deduce_may_find(text), text
    for text in ("De financiering vanuit het Rijk is te beperkt.", "Wachtlijsten bij de GGD"):
        assert not privacy._deduce_may_find(text), text


def test_compact_trie_answers_as_deduce_trie() -> None:
    """longest_matching_prefix of the compact trie equals a real docdeid LookupTrie's."""
    from docdeid.ds import LookupTrie
    from docdeid.str import LowercaseString

    items = [["Den", "Haag"], ["Den", "Helder"], ["Den"], ["Bergen", "op", "Zoom"], ["x", "y", "z"]]
    for pipeline in (None, [LowercaseString()]):
        trie = LookupTrie(matching_pipeline=pipeline)
        for item in items:
            trie.add_item(item)
        _, entries, starts, pipe = privacy._compact_structs({"t": trie})["t"]
        compact = privacy._compact_trie_class()(entries, starts, pipe)
        assert set(compact.children) == set(trie.children)
        tokens = "Den Haag Den Helder Den x y Bergen op Zoom Bergen op den haag x y z".split()
        tokens += ["DEN", "HAAG"]
        for i in range(len(tokens) + 1):
            assert compact.longest_matching_prefix(tokens, start_i=i) == (
                trie.longest_matching_prefix(tokens, start_i=i)
            ), (pipeline, i)
        assert (["Den", "Haag"] in compact) == (["Den", "Haag"] in trie)


@pytest.mark.slow
def test_compact_lookup_structures_give_deduce_s_annotations() -> None:
    """The shared (compact) Deduce annotates every corpus text exactly as a plain one."""
    compact = privacy.get_deduce()
    plain = privacy._plain_deduce(privacy._import_deduce())  # 1.2 GB while this test runs
    disabled = privacy._DEDUCE_DISABLED | {"redactor"}

    def annotations(instance, text: str) -> list[tuple]:
        doc = instance.deidentify(text, disabled=disabled)
        return sorted((a.start_char, a.end_char, a.tag, a.text) for a in doc.annotations)

    try:
        for text in _corpus(600):
            assert annotations(compact, text) == annotations(plain, text), text
    finally:
        del plain
        gc.collect()


def test_masked_import_stores_the_same_units(tmp_path: Path) -> None:
    """A small masked file: stored texts, originals and hashes equal per-unit mask_text."""
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store

    rows = list(big_import.rows(150, seed=5))
    rows[3][3] = "Bel mevrouw Bakkenes op 06-12345678 of mail p.bakkenes@gemeente.nl."
    rows[4][4] = "• Wachtlijsten in Zwolle\n• Vanuit het Rijk te weinig geld"
    path = tmp_path / "small.csv"
    big_import.write_csv(path, rows)
    result = ingest_file(
        path, "respnr", {"Q53": "q53", "Q58": "q58", "Q60": "q60"}, ["inwonersklasse"]
    )
    with Store(tmp_path / "t.db") as store:
        store.import_result(result, survey="s", wave="1", masking="keep-original")
    with sqlite3.connect(tmp_path / "t.db") as conn:
        stored = {
            (q, r, ix): (text, cell, original, h)
            for q, r, ix, text, cell, original, h in conn.execute(
                "SELECT q.question_id, r.respondent_id, u.unit_index, u.text, u.cell_text, "
                "u.original_text, u.text_hash FROM units u "
                "JOIN questions q ON u.question_pk = q.id JOIN respondents r ON u.respondent_pk = r.id"
            )
        }
    units = result.units
    assert len(stored) == len(units)
    expected = []
    for row in units.itertuples():
        masked = privacy.mask_text(row.text).text
        expected.append(masked)
        got = stored[(row.question_id, row.respondent_id, int(row.unit_index))]
        assert got == (
            masked,
            privacy.mask_text(row.cell_text).text,
            row.text,
            hashlib.sha256(masked.encode()).hexdigest(),
        )
    assert "[PERSOON]" in " ".join(expected) and "[GEMEENTE]" in " ".join(expected)


def _reimport_setup(tmp_path: Path):
    """A small masked survey 's' (keep-original) and its file with 3 answers corrected."""
    from textanalysis.ingest import ingest_file

    rows = list(big_import.rows(120, seed=11))
    rows[3][3] = "Bel mevrouw Bakkenes op 06-12345678 of mail p.bakkenes@gemeente.nl."
    rows[4][4] = "• Wachtlijsten in Zwolle\n• Vanuit het Rijk te weinig geld"
    first, fixed = tmp_path / "first.csv", tmp_path / "fixed.csv"
    big_import.write_csv(first, rows)
    changed = [list(r) for r in rows]
    changed[3][3] = "Bel mevrouw Bakkenes op 06-87654321."  # the masked text changes
    changed[4][4] = "• Wachtlijsten in Zwolle"  # a unit leaves the answer
    changed[9][5] = changed[9][5] + " (gecorrigeerd door Jan Jansen)"

    def ingest(path: Path):
        spec = {"Q53": "q53", "Q58": "q58", "Q60": "q60"}
        return ingest_file(path, "respnr", spec, ["inwonersklasse"])

    big_import.write_csv(fixed, changed)
    return ingest, first, fixed


def _units_table(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return sorted(
            conn.execute(
                "SELECT q.question_id, r.respondent_id, u.unit_index, u.text, u.cell_text, "
                "u.original_text, u.text_hash, u.substantive, u.non_substantive_reason FROM units u "
                "JOIN questions q ON u.question_pk = q.id JOIN respondents r ON u.respondent_pk = r.id"
            )
        )


def test_reimport_masks_only_changed_answers_with_the_same_result(
    tmp_path: Path, monkeypatch
) -> None:
    """A re-import masks only the answers whose text differs from the stored original; the
    change report and the stored units equal those of masking every answer again."""
    from textanalysis.errors import ImportChangeError
    from textanalysis.store import Store
    from textanalysis.store import _import as imp

    ingest, first, fixed = _reimport_setup(tmp_path)
    masked: list[str] = []
    real = imp._mask_texts

    def counting(masking, texts, cells):
        masked.extend(texts)
        return real(masking, texts, cells)

    monkeypatch.setattr(imp, "_mask_texts", counting)
    dbs = {"selective": tmp_path / "a.db", "full": tmp_path / "b.db"}
    for db in dbs.values():
        with Store(db) as store:
            store.import_result(ingest(first), survey="s", wave="1", masking="keep-original")
    n_units = len(ingest(first).units)
    masked.clear()

    def run(kind: str, path: Path, on_change: str):
        result = ingest(path)
        with Store(dbs[kind]) as store:
            engine = store.engine if kind == "selective" else None
            prep = imp.prepare_import(result, "s", "1", "keep-original", engine)
            with store._write() as conn:
                return imp.write_import(conn, prep, on_change)

    summary = run("selective", first, "stop")  # unchanged: nothing masked, nothing stored
    assert masked == [] and not summary["created"] and summary["skipped_units"] == n_units
    reports = {}
    for kind in dbs:
        with pytest.raises(ImportChangeError) as err:
            run(kind, fixed, "stop")
        reports[kind] = err.value.report
    assert reports["selective"].changed == reports["full"].changed
    assert reports["selective"].changed_units == reports["full"].changed_units
    assert reports["selective"].examples == reports["full"].examples
    assert [k[1] for k in reports["full"].changed] == ["R0000003", "R0000004", "R0000009"]
    masked.clear()
    summaries = {kind: run(kind, fixed, "replace") for kind in dbs}
    assert 0 < len(masked) - n_units < 10  # full: every unit; selective: the 3 answers' units
    assert _units_table(dbs["selective"]) == _units_table(dbs["full"])
    keep = ("changes",)
    assert {k: v for k, v in summaries["selective"].items() if k not in keep} == {
        k: v for k, v in summaries["full"].items() if k not in keep
    }
    stored = {
        (q, r, ix): (text, original)
        for q, r, ix, text, _, original, *_ in _units_table(dbs["full"])
    }
    assert stored[("Q53", "R0000003", 0)] == (
        privacy.mask_text("Bel mevrouw Bakkenes op 06-87654321.").text,
        "Bel mevrouw Bakkenes op 06-87654321.",
    )


def test_unmasked_units_are_masked_when_stored_after_all(tmp_path: Path) -> None:
    """Units left unmasked as unchanged are masked before anything stores them: here the
    stored answers change between preparing the import and writing it (another import)."""
    from textanalysis.store import Store
    from textanalysis.store import _import as imp

    ingest, first, fixed = _reimport_setup(tmp_path)
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.import_result(ingest(first), survey="s", wave="1", masking="keep-original")
        prep = imp.prepare_import(ingest(first), "s", "1", "keep-original", store.engine)
        assert len(prep.pending) == len(prep.texts)  # all unchanged: none masked
        store.import_result(
            ingest(fixed), survey="s", wave="1", masking="keep-original", on_change="replace"
        )
        with sqlite3.connect(db) as conn:  # and one unit disappears altogether
            conn.execute("DELETE FROM units WHERE id = (SELECT max(id) FROM units)")
        with store._write() as conn:
            summary = imp.write_import(conn, prep, "replace")
    # the deleted unit, and the unit the replace removed from R0000004's Q58 answer
    assert summary["changed_answers"] >= 3 and summary["new_units"] == 2
    for q, r, ix, text, cell, original, h, *_ in _units_table(db):
        assert text == privacy.mask_text(original).text, (q, r, ix)
        assert h == hashlib.sha256(text.encode()).hexdigest()
        assert cell is not None and "06-" not in cell and "Bakkenes" not in text

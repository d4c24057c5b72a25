"""The offline Dutch pipeline on real Dutch survey language, and its parse cache."""

from __future__ import annotations

import pytest
import spacy

from textanalysis import nlp
from textanalysis.embed import text_key


@pytest.fixture(scope="module")
def offline():
    return nlp.load_pipeline("offline")


def _lemma_map(text: str, pipe) -> dict[str, str]:
    doc = nlp.process([text], pipe)[0]
    return {t.lower_: t.lemma_ for t in doc}


def test_inflection(offline):
    lem = _lemma_map(
        "De wachtlijsten bij gemeenten werden langer en het team werkte hard.", offline
    )
    assert lem["wachtlijsten"] == "wachtlijst"
    assert lem["gemeenten"] == "gemeente"
    assert lem["werkte"] == "werken"
    assert lem["werden"] == "worden"


def test_exception_table_fixes_simplemma_slips(offline):
    import simplemma

    assert simplemma.lemmatize("kosten", lang="nl") == "kost"  # the slip the table corrects
    lem = nlp.lemmas(
        ["De kosten van de jeugdzorg, met name de zorgkosten voor jongeren."], offline
    )[0]
    assert "kosten" in lem and "kost" not in lem
    assert lem[lem.index("met") + 1] == "name"  # not "naam"
    assert "jongere" in lem


def test_compounds_stay_one_token_and_get_head_lemma(offline):
    doc = nlp.process(["Jeugdhulpaanbieders en wijkteams hebben samenwerkingsafspraken."], offline)[
        0
    ]
    texts = [t.text for t in doc]
    assert "Jeugdhulpaanbieders" in texts and "samenwerkingsafspraken" in texts
    lem = {t.text: t.lemma_ for t in doc}
    assert lem["Jeugdhulpaanbieders"] == "jeugdhulpaanbieder"
    assert lem["wijkteams"] == "wijkteam"
    assert lem["samenwerkingsafspraken"] == "samenwerkingsafspraak"


def test_abbreviations_and_hyphenated_words_tokenize(offline):
    doc = nlp.process(
        ["N.v.t., de Wmo-consulent doet o.a. de intake (art. 3) voor 1.500 euro."], offline
    )[0]
    texts = [t.text for t in doc]
    assert "N.v.t." in texts
    assert "Wmo-consulent" in texts
    assert "o.a." in texts and "1.500" in texts
    assert len(list(doc.sents)) == 1  # no split at abbreviation dots


def test_stop_words(offline):
    doc = nlp.process(["Er is geen tijd voor de wachtlijsten"], offline)[0]
    stops = {t.lower_ for t in doc if t.is_stop}
    assert {"er", "is", "de", "voor"} <= stops
    assert "wachtlijsten" not in stops


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1. Wachtlijsten\n2. Werkdruk\n3. Te weinig geld",
            ["Wachtlijsten", "Werkdruk", "Te weinig geld"],
        ),
        ("1) jeugd 2) Wmo; GGZ", ["jeugd", "Wmo", "GGZ"]),
        ("- Personeelstekort\n- Wachtlijsten GGZ", ["Personeelstekort", "Wachtlijsten GGZ"]),
        ("Meer taken. Minder geld! • Regeldruk", ["Meer taken.", "Minder geld!", "Regeldruk"]),
    ],
)
def test_sentence_splits_in_list_answers(offline, text, expected):
    doc = nlp.process([text], offline)[0]
    sents = [s.text.strip().lstrip("-•").strip() for s in doc.sents]
    sents = [s.split(" ", 1)[1] if s[:2] in ("1.", "2.", "3.", "1)", "2)") else s for s in sents]
    assert [s.rstrip(";").strip() for s in sents] == expected


def test_inline_number_without_sequence_does_not_split(offline):
    doc = nlp.process(["Volgens art. 3 lid 2. Verder niets."], offline)[0]
    assert [s.text for s in doc.sents] == ["Volgens art. 3 lid 2.", "Verder niets."]


def test_lemmas_and_lemma_strings_drop_punctuation(offline):
    assert nlp.lemmas(["Wachtlijsten, werkdruk!"], offline) == [["wachtlijst", "werkdruk"]]
    assert nlp.lemma_strings(["Gemeenten: 2 wachtlijsten."], offline) == ["gemeente 2 wachtlijst"]


class MemoryCache:
    def __init__(self):
        self.data: dict[tuple[str, str], bytes] = {}
        self.gets = 0

    def nlp_get(self, pipeline_key, hashes):
        self.gets += 1
        return {h: self.data[(pipeline_key, h)] for h in hashes if (pipeline_key, h) in self.data}

    def nlp_put(self, pipeline_key, docs):
        for h, blob in docs.items():
            self.data[(pipeline_key, h)] = blob


def test_each_text_is_parsed_once(offline):
    nlp.clear_memory_cache()
    texts = ["Unieke tekst over wachtlijsten 8812", "Unieke tekst over werkdruk 8812"]
    before = nlp.parse_count()
    docs = nlp.process(texts + texts[:1], offline, batch_size=1)
    assert nlp.parse_count() - before == 2
    assert docs[0] is docs[2]
    nlp.process(texts, offline)
    assert nlp.parse_count() - before == 2


def test_persistent_cache_round_trip(offline):
    cache = MemoryCache()
    nlp.clear_memory_cache()
    text = "Wachtlijsten bij jeugdhulpaanbieders 4471; werkdruk"
    before = nlp.parse_count()
    first = nlp.process([text], offline, cache=cache)[0]
    assert nlp.parse_count() - before == 1
    key = nlp.pipeline_key(offline)
    assert (key, nlp.text_hash(text)) in cache.data
    nlp.clear_memory_cache()  # a new process: only the persistent cache is left
    again = nlp.process([text], offline, cache=cache)[0]
    assert nlp.parse_count() - before == 1
    assert [t.lemma_ for t in again] == [t.lemma_ for t in first]
    assert [s.text for s in again.sents] == [s.text for s in first.sents]
    assert again.user_data["pipeline"] == key


def test_text_hash_matches_embed_key():
    assert nlp.text_hash("Wmo-consulent") == text_key("Wmo-consulent")


def test_pipeline_info_and_key(offline):
    info = nlp.pipeline_info(offline)
    assert info.is_fallback
    assert info.name == nlp.OFFLINE_NAME
    assert "nl_core_news_md" in info.hint
    key = nlp.pipeline_key(offline)
    assert "simplemma" in key and nlp.EXCEPTIONS_VERSION in key and spacy.__version__ in key
    assert offline.pipe_names == ["simplemma_lemmatizer", "sentencizer", "list_sentencizer"]
    assert nlp.load_pipeline("offline") is offline  # cached per process


def test_pipeline_can_be_rebuilt_from_config(offline):
    rebuilt = spacy.blank("nl").from_config(offline.config)
    doc = rebuilt("De gemeenten werkten samen.")
    assert [t.lemma_ for t in doc][:2] == ["de", "gemeente"]


def test_unknown_pipeline_raises_nlp_error():
    from textanalysis.errors import NlpError

    with pytest.raises(NlpError, match=r"\[N001\].*not installed"):
        nlp.load_pipeline("nl_core_news_doesnotexist")


def test_parses_persist_in_the_store(offline, tmp_path):
    from textanalysis.store import Store

    texts = ["Wachtlijsten bij de Wmo-consulent 5521", "1. Werkdruk\n2. Armoede 5521"]
    nlp.clear_memory_cache()
    before = nlp.parse_count()
    with Store(str(tmp_path / "nlp.db")) as store:
        first = nlp.process(texts, offline, cache=store)
    nlp.clear_memory_cache()  # as if in a new process
    with Store(str(tmp_path / "nlp.db")) as store:
        again = nlp.process(texts, offline, cache=store)
    assert nlp.parse_count() - before == 2
    assert [[t.lemma_ for t in d] for d in again] == [[t.lemma_ for t in d] for d in first]
    assert [len(list(d.sents)) for d in again] == [1, 2]

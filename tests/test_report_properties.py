"""Property-based checks (issue 9): frequencies never exceed N and ignore row order."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textanalysis.codebook import parse_codebook
from textanalysis.report import frequencies

CODEBOOK = parse_codebook(
    "name: p\ncodes:\n - id: a\n   label: A\n   children:\n"
    "    - id: a1\n      label: A1\n    - id: a2\n      label: A2\n"
    " - id: b\n   label: B\n - id: c\n   label: C\n"
)
LEAVES = ["a1", "a2", "b", "c", "a"]


@st.composite
def coded_data(draw):
    n_units = draw(st.integers(min_value=1, max_value=30))
    respondents = draw(
        st.lists(st.integers(0, 9), min_size=n_units, max_size=n_units).map(
            lambda xs: [f"r{x}" for x in xs]
        )
    )
    substantive = draw(st.lists(st.booleans(), min_size=n_units, max_size=n_units))
    if not any(substantive):
        substantive[0] = True
    units = pd.DataFrame(
        {"unit_id": list(range(n_units)), "respondent_id": respondents, "substantive": substantive}
    )
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n_units - 1), st.sampled_from(LEAVES)), max_size=60)
    )
    codes = pd.DataFrame(pairs, columns=["unit_id", "code"])
    seed = draw(st.integers(0, 2**31 - 1))
    return units, codes, seed


def _key(t: pd.DataFrame) -> pd.DataFrame:
    cols = ["code", "respondents", "percent", "mentions", "n", "rank"]
    return t[cols].sort_values("code").reset_index(drop=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coded_data())
def test_frequencies_never_exceed_n_and_ignore_row_order(data):
    units, codes, seed = data
    t = frequencies(units, codes, CODEBOOK)
    n = units.loc[units["substantive"], "respondent_id"].nunique()
    assert t.n == n
    assert (t["respondents"] <= n).all()
    assert (t["percent"] <= 100).all() and (t["percent"] >= 0).all()
    assert (t["respondents"] <= t["mentions"]).all()
    rows = t.set_index("code")
    # roll-up: a parent is at least as frequent as each of its children
    assert rows.loc["a", "respondents"] >= max(
        rows.loc["a1", "respondents"], rows.loc["a2", "respondents"]
    )
    shuffled = frequencies(
        units.sample(frac=1, random_state=seed),
        codes.sample(frac=1, random_state=seed + 1),
        CODEBOOK,
    )
    pd.testing.assert_frame_equal(_key(t), _key(shuffled))

"""With masking on, nothing that leaves the tool holds the planted personal data:
unit-level exports (CSV, Excel, SPSS), the frequency table and the chart."""

from __future__ import annotations

import zipfile

import pandas as pd
import pyreadstat
import pytest

from tests.test_store_support import make_result
from textanalysis import report
from textanalysis.report import export
from textanalysis.store import Store

PLANTED = ["06-12345678", "jan.devries@example.nl", "Jan de Vries"]
ANSWER = "Bel Jan de Vries op 06-12345678 of mail jan.devries@example.nl over de wachtlijsten"


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["keep-original", "discard-original"])
def test_exports_never_hold_unmasked_text(tmp_path, policy):
    result = make_result(n_respondents=3)
    result.units.loc[0, "text"] = ANSWER
    result.units.loc[0, "cell_text"] = ANSWER
    with Store(tmp_path / "m.db") as store:
        store.import_result(result, "peiling", "2022", masking=policy)
        units = store.units("peiling", "Q58", "2022")
        store.record_decisions(
            [{"unit_id": int(u), "code": "wachtlijsten", "coder": "anna"} for u in units["unit_id"]]
        )
        files = {}
        for fmt in ("csv", "xlsx", "sav"):
            path = tmp_path / f"units.{fmt}"
            export.export_from_store(
                store, "peiling", "Q58", path, fmt=fmt, level="unit", wave="2022",
                chart=tmp_path / "chart.svg" if fmt == "csv" else None,
            )  # fmt: skip
            files[fmt] = path
        table = report.frequencies_from_store(store, "peiling", "Q58", "2022")
    texts = [files["csv"].read_text(encoding="utf-8-sig"), (tmp_path / "chart.svg").read_text()]
    with zipfile.ZipFile(files["xlsx"]) as zf:
        texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
    df, _ = pyreadstat.read_sav(str(files["sav"]))
    texts.append(df.to_csv(index=False))
    texts.append(table.to_csv(index=False))
    joined = "\n".join(texts)
    assert "wachtlijsten" in joined.lower()  # the answer itself is there ...
    for secret in PLANTED:  # ... without the personal data
        assert secret not in joined, (secret, policy)
    assert "[TELEFOON]" in joined and "[E-MAIL]" in joined
    assert isinstance(df, pd.DataFrame)

"""Figure-34-style charts: Altair specs and real PNG/SVG files rendered offline."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest

from textanalysis.codebook import parse_codebook
from textanalysis.errors import ReportError
from textanalysis.report import NOTE, compare_waves_long, frequencies
from textanalysis.report.charts import save_chart, top_k_chart, wave_chart

CODEBOOK = parse_codebook(
    """
name: beleid
codes:
  - id: jeugd
    label: Jeugd en gezin
    children:
      - id: hervorming
        label: Hervormingsagenda jeugd
      - id: gezin
        label: Gezinsaanpak
  - id: wijk
    label: Wijkgericht werken
  - id: preventie
    label: Preventie
"""
)


@pytest.fixture()
def table():
    units = pd.DataFrame(
        {"unit_id": range(10), "respondent_id": [f"g{i}" for i in range(10)], "question_id": "Q58"}
    )
    codes = pd.DataFrame(
        {
            "unit_id": [0, 1, 2, 3, 4, 5, 6, 7],
            "code": [
                "wijk",
                "wijk",
                "wijk",
                "preventie",
                "hervorming",
                "hervorming",
                "gezin",
                "wijk",
            ],
        }
    )
    return frequencies(units, codes, CODEBOOK)


def _layer_data(chart: alt.VConcatChart) -> pd.DataFrame:
    spec = chart.to_dict()
    name = next(iter(spec["datasets"]))
    return pd.DataFrame(spec["datasets"][name])


def _texts(spec) -> list[str]:
    out = []
    if isinstance(spec, dict):
        for v in spec.values():
            out += _texts(v)
    elif isinstance(spec, list):
        for v in spec:
            out += _texts(v)
    elif isinstance(spec, str):
        out.append(spec)
    return out


def test_top_k_chart_spec(table):
    chart = top_k_chart(table, k=3, title="Figuur 34. Beleidsontwikkelingen")
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Figuur 34. Beleidsontwikkelingen N=10"
    data = _layer_data(chart)
    # leaves only, sorted by percentage, whole-percent labels
    # ties (Gezinsaanpak, Preventie: 1 each) in codebook order
    assert list(data["label"]) == ["Wijkgericht werken", "Hervormingsagenda jeugd", "Gezinsaanpak"]
    assert list(data["percent_label"]) == ["40%", "20%", "10%"]
    body = spec["vconcat"][0]
    assert body["layer"][0]["mark"]["type"] == "bar"
    assert body["layer"][0]["encoding"]["y"]["sort"] == list(data["label"])
    assert body["layer"][1]["encoding"]["text"]["field"] == "percent_label"
    assert NOTE in _texts(spec)


def test_top_level_chart_and_default_title(table):
    data = _layer_data(top_k_chart(table, level="top"))
    assert list(data["label"]) == ["Wijkgericht werken", "Jeugd en gezin", "Preventie"]
    assert top_k_chart(table).to_dict()["title"]["text"] == "Q58 N=10"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_save_png_and_svg_offline(tmp_path, table):
    chart = top_k_chart(table, title="Figuur 34. Beleidsontwikkelingen")
    png = save_chart(chart, tmp_path / "fig34.png")
    w, h = _png_size(png.read_bytes())
    assert w > 300 and h > 100
    svg = save_chart(chart, tmp_path / "fig34.svg")
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "Figuur 34. Beleidsontwikkelingen N=10" in text
    assert "40%" in text and "Wijkgericht werken" in text
    assert "Noot: percentage van N" in text


def test_wave_chart_has_n_per_wave_and_geen_data(tmp_path, table):
    units19 = pd.DataFrame({"unit_id": range(4), "respondent_id": list("abcd")})
    codes19 = pd.DataFrame({"unit_id": [0, 1], "code": ["wijk", "preventie"]})
    cb19 = parse_codebook(
        "name: b19\ncodes:\n - id: wijk\n   label: Wijkgericht werken\n"
        " - id: preventie\n   label: Preventie\n"
    )
    long = compare_waves_long(
        {"2019": frequencies(units19, codes19, cb19), "2022": table},
        codebook_by_wave={"2019": cb19, "2022": CODEBOOK},
    )
    chart = wave_chart(long, title="Beleid")
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Beleid N2022=10; N2019=4"
    data = _layer_data(chart)
    assert set(data["wave_label"]) == {"2019 (N=4)", "2022 (N=10)"}
    miss = data[(data["code"] == "hervorming") & (data["wave"] == "2019")].iloc[0]
    assert miss["text"] == "geen data" and miss["value"] == 0
    svg = save_chart(chart, tmp_path / "trend.svg").read_text(encoding="utf-8")
    text = "".join(ET.fromstring(svg).itertext())
    assert "geen data" in text and "2019 (N=4)" in text


def test_bad_chart_path(tmp_path, table):
    with pytest.raises(ReportError, match="R014"):
        save_chart(top_k_chart(table), tmp_path / "chart.pdf")
    with pytest.raises(ReportError, match="R049"):
        save_chart(top_k_chart(table), tmp_path / "missing" / "chart.png")


def test_question_title_drops_repeated_number_and_shortens_at_a_word() -> None:
    from textanalysis.report.charts import question_title

    long = (
        "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen waarmee de (wijk)teams recent "
        "of in de nabije toekomst aan de slag (zullen) gaan? (benoem maximaal 3 ontwikkelingen)"
    )
    title = question_title("Q58", long, limit=80)
    assert title.startswith("Q58: Wat zijn de belangrijkste")
    assert len(title) <= 80 and title.endswith("…")
    assert question_title("Q60", "q60_knelpunten") == "Q60"  # a column name is no question text
    assert question_title("Q60", None) == "Q60"

"""Charts in the style of the report's figures, as Altair objects the app renders.

Figure 34 of the 2022 report: horizontal bars of the most mentioned themes sorted by
percentage, the percentage printed at each bar, N in the title ("... N=63") and the
footnote "Noot: percentage van N; meerdere antwoorden mogelijk.". Trend figures put
waves side by side with N per wave ("N2022=68; N2019=163"). :func:`save_chart` writes
PNG or SVG offline with ``vl-convert-python`` (its own renderer, no browser, no network).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import altair as alt
import pandas as pd

from ..errors import Errors, ReportError
from .counting import NO_DATA, NOTE, table_n
from .tables import top_k

BAR_COLOR = "#1b5e9c"
WAVE_COLORS = ["#9cc3e6", "#1b5e9c", "#e07b39", "#5a9e4b", "#7f5a9e"]
CHART_FORMATS = (".png", ".svg")


def _wrap(text: str, width: int = 45) -> list[str] | str:
    """Long labels over several lines (Vega-Lite draws a list as lines); words are never split."""
    words = " ".join(str(text).split())
    lines = textwrap.wrap(words, width, break_long_words=False, break_on_hyphens=False) or [""]
    return lines if len(lines) > 1 else lines[0]


def _note_chart(width: int, note: str) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame({"note": [note]}))
        .mark_text(align="left", baseline="middle", fontStyle="italic", fontSize=11, color="#444")
        .encode(text="note:N", x=alt.value(0), y=alt.value(8))
        .properties(width=width, height=16)
    )


def readable_question_text(question_id: str, text: str | None) -> str:
    """The question's text as a person wrote it, or "" when the export had none and the
    importer kept the column name ("q60_knelpunten") or the id instead."""
    text = " ".join((text or "").split())
    if not text or text == question_id or re.fullmatch(r"[A-Za-z][\w.]*", text):
        return ""
    return text


def question_title(question_id: str, text: str | None, limit: int = 400) -> str:
    """Chart/table title for a question: "Q58: <text>", without repeating a leading "58.".

    The whole question is kept (the chart wraps it over lines; a title cut mid-sentence
    misquotes the questionnaire); only a text beyond ``limit`` characters is shortened at
    a word boundary. A column name as text ("q60_knelpunten", no question text in the
    export) gives just the question id.
    """
    text = readable_question_text(question_id, text)
    number = question_id.lstrip("Qq")
    if not text:
        return question_id
    if number and re.match(rf"{re.escape(number)}\s*[.):]\s", text):
        text = re.sub(rf"^{re.escape(number)}\s*[.):]\s*", "", text)
    return textwrap.shorten(f"{question_id}: {text}", width=limit, placeholder=" …")


def top_k_chart(
    table: pd.DataFrame,
    k: int = 8,
    *,
    title: str | None = None,
    width: int = 420,
    bar_height: int = 26,
    level: str = "leaves",
) -> alt.VConcatChart:
    """Top-k horizontal bar chart of a :class:`~textanalysis.report.FrequencyTable`.

    The title is ``title`` (default: the question) followed by ``N=<n>``; bars are
    sorted by percentage (ties in table order) and labelled with whole percents. By default
    the ``leaves`` of the codebook are shown (the themes, as in figure 34); ``level="top"``
    shows the rolled-up groups, ``"all"`` both.
    """
    top = top_k(table, k, level=level)  # the same rows, order and ties as at_level's table
    n = table_n(table)
    base = title or table.attrs.get("question") or "Meest genoemde thema's"
    data = pd.DataFrame(
        {
            "label": _unique_labels(top),
            "code": [str(x) for x in top["code"]],
            "percent": [int(x) for x in top["percent"]],
            "respondents": [int(x) for x in top["respondents"]],
        }
    )
    data["percent_label"] = data["percent"].map(lambda p: f"{p}%")
    order = list(data["label"])
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=360, labelFontSize=12, ticks=False, domain=False),
    )
    x_max = max(100, int(data["percent"].max()) if len(data) else 100)
    x = alt.X(
        "percent:Q",
        title=None,
        scale=alt.Scale(domain=[0, x_max]),
        axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Thema"),
        alt.Tooltip("percent_label:N", title="Percentage"),
        alt.Tooltip("respondents:Q", title="Respondenten"),
    ]
    bars = alt.Chart(data).mark_bar(color=BAR_COLOR).encode(y=y, x=x, tooltip=tooltip)
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(y=y, x=x, text="percent_label:N")
    )
    body = (bars + labels).properties(width=width, height=max(bar_height * len(data), 40))
    chart = alt.vconcat(body, _note_chart(width, table.attrs.get("note", NOTE)), spacing=6)
    return chart.properties(
        title=alt.TitleParams(text=_title_lines(f"{base} N={n}"), anchor="start", fontSize=14)
    ).configure_view(stroke=None)


def _title_lines(text: str, width: int = 70) -> list[str] | str:
    """The title over lines of at most ``width`` characters (Vega draws a list as lines and
    never cuts it, in the app and in the PNG/SVG export alike)."""
    return _wrap(text, width)


def _unique_labels(top: pd.DataFrame) -> list[str]:
    """Bar labels; two codes with the same label (under different parents) get their code
    added, so the chart never merges them into one bar."""
    labels = [str(x) for x in top["label"]]
    seen = pd.Series(labels).duplicated(keep=False).tolist()
    return [
        f"{lab} ({code})" if dup else lab
        for lab, code, dup in zip(labels, top["code"], seen, strict=True)
    ]


def wave_chart(
    long: pd.DataFrame,
    k: int | None = 8,
    *,
    title: str | None = None,
    width: int = 420,
) -> alt.VConcatChart:
    """Grouped horizontal bars per code, one bar per wave, N per wave in the legend.

    ``long`` is :func:`~textanalysis.report.compare_waves_long`; codes a wave did not have
    show the text "geen data" instead of a 0% bar.
    """
    n_by_wave = long.attrs.get("n_by_wave") or long.groupby("wave")["n"].first().to_dict()
    codes = list(dict.fromkeys(long["code"]))
    if k is not None:
        codes = codes[:k]
    data = long[long["code"].isin(codes)].copy()
    data["wave_label"] = data["wave"].map(lambda w: f"{w} (N={n_by_wave.get(w, '?')})")
    data["value"] = data["percent"].astype("Float64").fillna(0).astype(float)
    data["text"] = [
        NO_DATA if s == NO_DATA else f"{int(p)}%"
        for s, p in zip(data["status"], data["percent"], strict=True)
    ]
    data = data[["code", "label", "wave", "wave_label", "value", "text"]].astype(
        {"label": str, "wave": str, "wave_label": str, "text": str}
    )
    order = list(dict.fromkeys(data["label"]))
    wave_order = [f"{w} (N={n})" for w, n in n_by_wave.items()]
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360, ticks=False))
    y_off = alt.YOffset("wave_label:N", sort=wave_order)
    x = alt.X("value:Q", title=None, scale=alt.Scale(domain=[0, 100]), axis=None)
    color = alt.Color(
        "wave_label:N",
        sort=wave_order,
        title="Peiling",
        scale=alt.Scale(domain=wave_order, range=WAVE_COLORS[: len(wave_order)]),
        legend=alt.Legend(orient="top"),
    )
    bars = alt.Chart(data).mark_bar().encode(y=y, yOffset=y_off, x=x, color=color)
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=y, yOffset=y_off, x=x, text="text:N")
    )
    per_code = max(len(wave_order), 1) * 14 + 10
    body = (bars + text).properties(width=width, height=max(per_code * len(order), 40))
    ns = "; ".join(f"N{w}={n}" for w, n in reversed(list(n_by_wave.items())))
    chart = alt.vconcat(body, _note_chart(width, long.attrs.get("note", NOTE)), spacing=6)
    heading = f"{title} {ns}" if title else ns
    return chart.properties(
        title=alt.TitleParams(text=_wrap(heading, 70), anchor="start", fontSize=14)
    ).configure_view(stroke=None)


def _vl_version() -> str | None:
    import vl_convert as vlc  # noqa: PLC0415

    want = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return want if want in vlc.get_vegalite_versions() else None


def chart_bytes(chart: alt.TopLevelMixin, fmt: str, *, scale: float = 2.0) -> bytes:
    """Render offline to ``png`` or ``svg`` bytes (no network: data is inline)."""
    import vl_convert as vlc  # noqa: PLC0415

    spec = chart.to_dict()
    if fmt == "png":
        return vlc.vegalite_to_png(
            spec, vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
        )
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[]).encode(
            "utf-8"
        )
    raise ReportError(Errors.R055, fmt=fmt)


def check_chart_path(path: str | Path) -> Path:
    """``path`` as a Path when it can take a chart (.png/.svg in an existing folder), else R014/R008."""
    p = Path(path)
    if p.suffix.lower() not in CHART_FORMATS:
        raise ReportError(
            Errors.R014,
            path=p,
            suffix=p.suffix,
        )
    if not p.parent.exists():
        raise ReportError(Errors.R049, folder=p.parent)
    return p


def save_chart(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write ``chart`` as PNG or SVG (chosen by the file extension)."""
    p = check_chart_path(path)
    p.write_bytes(chart_bytes(chart, p.suffix.lower().lstrip("."), scale=scale))
    return p

"""Charts of a topic run for the app (Altair figure objects; the app renders them)."""

from __future__ import annotations

from .result import (
    TopicResult,
)


# --------------------------------------------------------------------------------------
# Charts for the app (figure objects; the app renders them)
# --------------------------------------------------------------------------------------
def topic_sizes_chart(
    result: TopicResult, top_keywords: int = 5, names: dict[int, str] | None = None
):
    """Altair bar chart (Dutch): answers per topic, named by ``names`` (e.g. the proposed
    labels) or the topic's keywords, keywords beside the bar and in the tooltip."""
    import altair as alt

    df = result.topics[result.topics["topic"] >= 0].copy()
    df["keywords_text"] = df["keywords"].map(lambda ks: ", ".join(ks[:top_keywords]))
    names = names or {}
    df["name"] = df.apply(lambda r: f"{r['topic']}: {names.get(r['topic'], r['label'])}", axis=1)
    df = df[["topic", "name", "size", "label", "keywords_text"]]
    base = alt.Chart(df).encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("size", order="descending"), title=None),
        x=alt.X("size:Q", title="antwoorden"),
        tooltip=[
            alt.Tooltip("topic:Q", title="thema"),
            alt.Tooltip("name:N", title="naam"),
            alt.Tooltip("size:Q", title="antwoorden"),
            alt.Tooltip("keywords_text:N", title="kenmerkende woorden"),
        ],
    )
    bars = base.mark_bar()
    text = base.mark_text(align="left", dx=4).encode(text="keywords_text:N")
    return (bars + text).properties(title="Thema's", width=400)


def topic_map_chart(result: TopicResult, names: dict[int, str] | None = None):
    """Altair scatter (Dutch) of answers in 2-D (PCA of embeddings), coloured by topic, text
    on hover."""
    import altair as alt

    df = result.doc_map.copy()
    names = names or {}
    df["topic_name"] = df.apply(
        lambda r: f"{r['topic']}: {names.get(r['topic'], r['topic_label'])}", axis=1
    )
    return (
        alt.Chart(df)
        .mark_circle(size=50, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color("topic_name:N", title="thema"),
            tooltip=[
                alt.Tooltip("id:N", title="antwoord"),
                alt.Tooltip("topic_name:N", title="thema"),
                alt.Tooltip("text:N", title="tekst"),
            ],
        )
        .properties(title="Antwoorden per thema", width=500, height=400)
    )

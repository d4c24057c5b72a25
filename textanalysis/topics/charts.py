"""Charts of a topic run for the app (Altair figure objects; the app renders them)."""

from __future__ import annotations

from .result import (
    TopicResult,
)


# --------------------------------------------------------------------------------------
# Charts for the app (figure objects; the app renders them)
# --------------------------------------------------------------------------------------
def topic_sizes_chart(result: TopicResult, top_keywords: int = 5):
    """Altair bar chart: answers per topic, keywords in the tooltip and beside the bar."""
    import altair as alt

    df = result.topics[result.topics["topic"] >= 0].copy()
    df["keywords_text"] = df["keywords"].map(lambda ks: ", ".join(ks[:top_keywords]))
    df["name"] = df.apply(lambda r: f"{r['topic']}: {r['label']}", axis=1)
    df = df[["topic", "name", "size", "label", "keywords_text"]]
    base = alt.Chart(df).encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("size", order="descending"), title=None),
        x=alt.X("size:Q", title="answers"),
        tooltip=["topic", "label", "size", alt.Tooltip("keywords_text:N", title="keywords")],
    )
    bars = base.mark_bar()
    text = base.mark_text(align="left", dx=4).encode(text="keywords_text:N")
    return (bars + text).properties(title="Topics", width=400)


def topic_map_chart(result: TopicResult):
    """Altair scatter of answers in 2-D (PCA of embeddings), coloured by topic, text on hover."""
    import altair as alt

    df = result.doc_map.copy()
    df["topic_name"] = df.apply(lambda r: f"{r['topic']}: {r['topic_label']}", axis=1)
    return (
        alt.Chart(df)
        .mark_circle(size=50, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color("topic_name:N", title="topic"),
            tooltip=["id", "topic", "topic_label", "text"],
        )
        .properties(title="Answers by topic", width=500, height=400)
    )

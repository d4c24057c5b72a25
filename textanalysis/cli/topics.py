"""`textanalysis topics`: theme discovery on a CSV of answers (exact CSV contract, see docs)."""

from __future__ import annotations

import click

from . import friendly, main


@main.command("topics")
@click.option("--answers", required=True, metavar="ANSWERS.csv", help="CSV with columns id,text.")
@click.option(
    "--out",
    required=True,
    metavar="TOPICS.csv",
    help="id,topic,topic_label,probability (+ TOPICS_topics.csv).",
)
@click.option(
    "--n-topics",
    type=int,
    default=None,
    metavar="K",
    help="Number of topics (default: chosen from N).",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same topics)."
)
@click.option(
    "--fast", is_flag=True, help="Fast deterministic PCA + KMeans instead of UMAP + HDBSCAN."
)
@friendly
def topics_command(answers: str, out: str, n_topics: int | None, seed: int, fast: bool) -> None:
    """Find themes in open answers with BERTopic; non-answers get topic -1 ('geen antwoord')."""
    from ..topics import run_topics_csv

    result = run_topics_csv(answers, out, n_topics=n_topics, seed=seed, fast=fast)
    n_themes = int((result.topics["topic"] >= 0).sum())
    click.echo(f"{len(result.assignments)} answers, {n_themes} topics -> {out}")

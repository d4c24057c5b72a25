"""Command-line interface: thin commands that call the library and turn its errors into messages.

Each area registers its commands in its own module (``cli/data.py``, ``cli/suggest.py``, ...);
this module holds the group, the shared ``--db`` option and the error handling.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from ..errors import TextAnalysisError


def db_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--db PATH`` or ``--db=PATH`` in the script arguments (``streamlit run
    app.py -- --db PATH``), else None."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return None


def resolve_db(db: str | None) -> str:
    """--db PATH/URL, else DATABASE_URL, else TEXTANALYSIS_DB, else ./textanalysis.db."""
    from ..store.engine import location  # the one rule; imported when a database is wanted

    return location(db)


db_option = click.option(
    "--db",
    "db",
    default=None,
    metavar="PATH",
    help="SQLite file or database URL (default: $DATABASE_URL, $TEXTANALYSIS_DB, ./textanalysis.db).",
)


survey_option = click.option("--survey", required=True, help="Survey name (as imported).")
question_option = click.option("--question", required=True, help="Question id, e.g. Q58.")
wave_option = click.option("--wave", default=None, help="Only this wave.")


def options(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Several click options as one decorator, in the order given (shared scopes)."""

    def apply(fn: Any) -> Any:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line on stderr and exit status 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TextAnalysisError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textanalysis")
def main() -> None:
    """textanalysis: code Dutch open survey answers (import, suggest, topics, frequencies, agreement)."""


def _register() -> None:
    # Each area module adds its commands to `main` on import; one line per module.
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")


# Modules under textanalysis/cli/ that define commands (keep alphabetical).
_COMMAND_MODULES: list[str] = [
    "assign",
    "bulk",
    "catalogue",
    "codebook",
    "data",
    "db",
    "quality",
    "report",
    "suggest",
    "topics",
]

_register()

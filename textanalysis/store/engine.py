"""Opening a database: path or URL, SQLite pragmas, write locks, Alembic ``upgrade head``.

SQLite: WAL journal (readers never block the writer), ``foreign_keys=ON``, a 30 s busy
timeout and ``synchronous=NORMAL``: a committed transaction survives the process being
killed (SIGKILL, crash); only a power cut or OS crash may lose the last few commits (never
corrupting the file). Set ``TEXTANALYSIS_SQLITE_SYNCHRONOUS=FULL`` to fsync every commit.
Write transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue for the write
lock up front instead of failing half-way with "database is locked"; the wait polls every
millisecond or so (SQLite's own busy handler backs off to 100 ms sleeps, which makes two
analysts saving at once needlessly slow).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import StaticPool

from ..errors import Errors, StoreError

DEFAULT_DB = "textanalysis.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_WRITE_FLAG = "textanalysis_write"
_PG_MIGRATION_LOCK = 724_3001  # pg_advisory_xact_lock key for schema upgrades


def location(db: str | os.PathLike[str] | None = None) -> str:
    """--db PATH/URL, else $DATABASE_URL, else $TEXTANALYSIS_DB, else ./textanalysis.db; as given."""
    if db:
        return os.fspath(db)
    return os.environ.get("DATABASE_URL") or os.environ.get("TEXTANALYSIS_DB") or DEFAULT_DB


def resolve(db: str | os.PathLike[str] | None = None) -> str:
    """:func:`location` as a URL (a path becomes an absolute ``sqlite:///`` URL)."""
    raw = location(db)
    if "://" in raw:
        return raw
    if raw == ":memory:":
        return "sqlite://"
    path = Path(raw).expanduser().resolve()
    if not path.parent.is_dir():
        raise StoreError(
            Errors.S022,
            raw=raw,
            folder=path.parent,
        )
    if path.is_dir():
        raise StoreError(
            Errors.S023,
            raw=raw,
        )
    return "sqlite:///" + path.as_posix()


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for other engines and in-memory databases."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def display_url(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def create(url: str) -> Engine:
    """An Engine with the SQLite pragmas and write-lock handling installed."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            Errors.S024,
            url=url,
        ) from None
    kwargs: dict = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    memory = sqlite and parsed.database in (None, "", ":memory:")
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    elif sqlite:
        kwargs.update(connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            Errors.S025,
            url=display_url(url),
            exc=exc,
        ) from None
    if sqlite:
        _install_sqlite_hooks(engine, memory)
    return engine


def _install_sqlite_hooks(engine: Engine, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        # We emit BEGIN ourselves (below); pysqlite's implicit transactions are off.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={_synchronous()}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.info.pop(_WRITE_FLAG, False):
            _begin_immediate(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql("BEGIN DEFERRED")


def _synchronous() -> str:
    value = os.environ.get("TEXTANALYSIS_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    return value if value in ("OFF", "NORMAL", "FULL", "EXTRA") else "NORMAL"


def _begin_immediate(dbapi_conn) -> None:  # noqa: ANN001
    """BEGIN IMMEDIATE, polling briefly while another connection holds the write lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.0002, 0.002))
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.info[_WRITE_FLAG] = True
            with conn.begin():
                yield conn
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise unavailable(engine, exc, "nothing of this step was saved") from None


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    except OperationalError as exc:
        raise unavailable(engine, exc, "nothing was read") from None


def unavailable(engine: Engine, exc: Exception, what: str) -> StoreError:
    """[S001] for a database that went away, is locked too long, is read-only or full."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return StoreError(
        Errors.S026,
        url=display_url(str(engine.url)),
        detail=detail,
        what=what,
    )


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` under a lock, so two processes opening a new database
    at once do not both create the tables."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    try:
        current = current_revision(engine)
    except DBAPIError as exc:
        raise _open_error(engine, exc) from None
    if current == head and revision == "head":
        return
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise StoreError(
            Errors.S002,
            url=display_url(str(engine.url)),
            current=current,
        )
    cfg = alembic_config()
    try:
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except DBAPIError as exc:
        raise _open_error(engine, exc) from None


def _open_error(engine: Engine, exc: DBAPIError) -> StoreError:
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return StoreError(
        Errors.S027,
        url=display_url(str(engine.url)),
        detail=detail,
    )

"""Shared fixtures. Area-specific fixtures live in the area's own test module or
in a clearly marked section below."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def codebook_dir() -> Path:
    return ROOT / "codebook"


# --- PostgreSQL (store tests) ------------------------------------------------------------
# A throwaway cluster per test process (so per xdist worker): initdb into a fresh temp dir,
# pg_ctl start on a free loopback port with the unix socket in that dir, torn down at the
# end of the session. As root, the server runs as the 'postgres' (or 'nobody') OS user.
# When PostgreSQL cannot be started the tests that need it skip with the reason (see -ra).


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """dict(host, port, user, socket_dir) of a running throwaway PostgreSQL, or skip."""
    import os
    import pwd
    import shutil
    import tempfile

    if os.environ.get("TEXTANALYSIS_TEST_POSTGRES") == "0":
        pytest.skip("PostgreSQL tests skipped: TEXTANALYSIS_TEST_POSTGRES=0")
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip(
            "PostgreSQL tests skipped: initdb/pg_ctl not found (install Debian's postgresql; "
            "scripts/test-services.sh does so in `make test` when run as root)."
        )
    root = Path(tempfile.mkdtemp(prefix="ta-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            user, pw = "nobody", pwd.getpwnam("nobody")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        run_as = ["runuser", "-u", user, "--"]
    data = root / "data"
    log = root / "server.log"

    def run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                run_as + args, capture_output=True, text=True, timeout=timeout, cwd=root
            )
        except (OSError, subprocess.TimeoutExpired) as exc:  # e.g. no runuser, hung server
            return subprocess.CompletedProcess(args, 1, "", str(exc))

    started = False
    try:
        init = run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        if init.returncode != 0:
            pytest.skip(
                f"PostgreSQL tests skipped: initdb failed: {(init.stderr or init.stdout).strip()[-300:]}"
            )
        last_error = ""
        for _attempt in range(3):
            port = _free_port()
            opts = (
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            start = run(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "30",
                    "-o",
                    opts,
                    "start",
                ]
            )
            if start.returncode == 0:
                started = True
                break
            last_error = (log.read_text(errors="replace") if log.exists() else start.stderr)[-300:]
        if not started:
            pytest.skip(f"PostgreSQL tests skipped: pg_ctl start failed: {last_error.strip()}")
        yield {"host": "127.0.0.1", "port": port, "user": "postgres", "socket_dir": str(root)}
    finally:
        if started:
            run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the throwaway server: postgresql+psycopg://... URL
    (dropped after the test, so the cluster stays small)."""
    import uuid

    psycopg = pytest.importorskip(
        "psycopg", reason="PostgreSQL tests skipped: psycopg not installed"
    )
    name = f"t_{uuid.uuid4().hex[:12]}"
    conninfo = f"host={postgres_server['host']} port={postgres_server['port']} user=postgres dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" STRATEGY = FILE_COPY')
    yield f"postgresql+psycopg://postgres@{postgres_server['host']}:{postgres_server['port']}/{name}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the demo database for the app tests -------------------------------------------------


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory) -> Path:
    """The demo data imported once per test module by the real `textanalysis demo` command."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    exe = Path(sys.executable).with_name("textanalysis")
    subprocess.run([str(exe), "demo", "--db", str(db)], check=True, capture_output=True, cwd=ROOT)
    return db


@pytest.fixture
def demo_db(demo_master, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database, made the app's database via TEXTANALYSIS_DB."""
    db = tmp_path / "app.db"
    with sqlite3.connect(demo_master) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TEXTANALYSIS_DB", str(db))
    return db


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("postgres")]),
    ]
)
def store_url(request, tmp_path) -> str:
    """A fresh database on each engine: a SQLite file in tmp_path, then the throwaway PostgreSQL
    (skipped with a reason when there is none)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")

"""A safe app by default: loopback binding, no tracebacks, reserved coder names, team logins."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalysis import identity
from textanalysis.cli import main
from textanalysis.errors import AppError, ReliabilityError

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import app_pages.common as C  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ("start", "importeren", "coderen", "codeboek", "themas", "resultaten", "betrouwbaarheid")


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(identity.AUTH_HEADER_ENV, raising=False)
    db = tmp_path / "leeg.db"
    monkeypatch.setenv("TEXTANALYSIS_DB", str(db))
    return db


# --- 1. loopback, no error details, no developer menu -------------------------------------


def test_streamlit_config_is_safe_by_default():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["server"].get("enableXsrfProtection", True) is True
    # make run passes no address of its own unless told (ADDRESS=...)
    dry = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    assert "streamlit run app.py" in dry and "--server.address" not in dry
    dry = subprocess.run(
        ["make", "-n", "run", "ADDRESS=0.0.0.0"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "--server.address 0.0.0.0" in dry


def _listening_addresses(port: int) -> set[str]:
    """Local addresses listening on ``port`` (IPv4, from /proc/net/tcp)."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, _remote, state = line.split()[1:4]
        host, hport = local.split(":")
        if int(hport, 16) == port and state == "0A":  # LISTEN
            out.add(socket.inet_ntoa(bytes.fromhex(host)[::-1]))
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_streamlit_run_binds_loopback(empty_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("streamlit")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    proc = subprocess.Popen(
        [str(exe), "run", "app.py", "--server.port", str(port), "--", "--db", str(empty_db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "streamlit did not start within 60 s"
                time.sleep(0.5)
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _errors_script():
    import streamlit as st

    from app_pages import common as C
    from textanalysis.errors import CodebookError

    with C.toon_fouten("Opslaan lukte niet"):
        raise CodebookError.rendered("C003", "Code '*x*' is [bad](http://evil).")
    with C.toon_fouten():
        raise RuntimeError("secret /etc/passwd details")
    st.write("verder")


def test_errors_are_dutch_coded_and_without_traceback():
    at = AppTest.from_function(_errors_script).run()
    assert not at.exception
    coded, generic = (e.value for e in at.error)
    assert coded.startswith("Opslaan lukte niet. Er is een probleem met het codeboek.")
    assert "Foutcode C003" in coded and "\\[bad\\]" in coded  # markdown in a message is escaped
    assert "onverwacht" in generic and "secret" not in generic and "RuntimeError" not in generic
    assert at.markdown[-1].value == "verder"  # the page goes on after a caught block


def test_every_page_shows_a_broken_database_in_dutch(tmp_path, monkeypatch, empty_db):
    bad = tmp_path / "kapot.db"
    bad.write_bytes(b"dit is geen database" * 100)
    monkeypatch.setenv("TEXTANALYSIS_DB", str(bad))
    at = AppTest.from_file(APP, default_timeout=120).run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        texts = [e.value for e in at.error]
        assert texts, page
        assert all("Traceback" not in t for t in texts), page


# --- 2. reserved coder names --------------------------------------------------------------


@pytest.mark.parametrize("name", ["gold", "Gold", " CONSENSUS ", "consensus"])
def test_reserved_coder_names_are_refused(name):
    assert identity.is_reserved_coder(name)
    with pytest.raises(AppError) as exc:
        identity.check_coder_name(name)
    assert exc.value.code == "A001"
    assert identity.check_coder_name(" anna ") == "anna"
    assert not identity.is_reserved_coder("golden")


def test_app_refuses_a_reserved_coder_name(empty_db):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.text_input(key="side_coder").input("Consensus").run()
    assert any("A001" in e.value for e in at.sidebar.error)
    at.switch_page("app_pages/coderen.py").run()
    assert not at.exception
    assert any("A001" in e.value for e in at.main.error)  # and the page asks for another name


def test_cli_autocode_refuses_a_reserved_coder(tmp_path):
    db = tmp_path / "x.db"
    res = CliRunner().invoke(
        main,
        ["autocode", "--codebook", "codebook/q60_knelpunten.yaml", "--survey", "s",
         "--question", "Q60", "--coder", "GOLD", "--db", str(db)],
    )  # fmt: skip
    assert res.exit_code == 2 and "[A001]" in res.output, res.output
    assert not db.exists()  # refused before the database was opened


def test_library_paths_still_write_reserved_names(tmp_path):
    from textanalysis import reliability as rel
    from textanalysis.store import Store

    assert rel.CONSENSUS_CODER in identity.RESERVED_CODERS
    with Store(str(tmp_path / "r.db")) as store:
        with pytest.raises(AppError):
            rel.assign_double_coding(store, "s", "Q1", "Gold", 1)
        with pytest.raises(ReliabilityError) as exc:
            rel.adjudicate(store, 1, "x", "applied", "Consensus")
        assert exc.value.code == "K014"


# --- 3. team logins: the logged-in user is the coder -------------------------------------


def test_coder_from_headers():
    headers = {"Host": "x", "x-forwarded-user": " anna@gemeente.nl "}
    assert identity.coder_from_headers(headers, "X-Forwarded-User") == "anna@gemeente.nl"
    for bad in ({}, {"X-Forwarded-User": "  "}, None):
        with pytest.raises(AppError) as exc:
            identity.coder_from_headers(bad, "X-Forwarded-User")
        assert exc.value.code == "A002"
    with pytest.raises(AppError) as exc:
        identity.coder_from_headers({"X-Forwarded-User": "gold"}, "X-Forwarded-User")
    assert exc.value.code == "A001"
    assert identity.login_config({}).enabled is False
    assert identity.login_config({identity.AUTH_HEADER_ENV: "X-Forwarded-User"}).header == (
        "X-Forwarded-User"
    )
    with pytest.raises(AppError) as exc:
        identity.login_config({identity.AUTH_HEADER_ENV: "X Forwarded: User"})
    assert exc.value.code == "A004"


def test_coder_from_oidc():
    assert identity.coder_from_oidc({"email": "b@x.nl", "name": "B"}) == "b@x.nl"
    assert identity.coder_from_oidc({"name": "Bea"}) == "Bea"
    with pytest.raises(AppError) as exc:
        identity.coder_from_oidc({"sub": "123"})
    assert exc.value.code == "A003"


def test_header_login_makes_the_user_the_coder(empty_db, monkeypatch):
    monkeypatch.setenv(identity.AUTH_HEADER_ENV, "X-Forwarded-User")
    monkeypatch.setattr(C, "request_headers", lambda: {"X-Forwarded-User": "anna@gemeente.nl"})
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and not at.error
    assert at.session_state[C.LOGIN_KEY] == "anna@gemeente.nl"
    assert not [w for w in at.sidebar.text_input if w.key == C.CODER_KEY]  # cannot be typed
    assert any("Ingelogd als" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/coderen.py").run()
    assert not at.warning  # no "fill in your name": the login is the name


def test_header_login_without_header_refuses_access(empty_db, monkeypatch):
    monkeypatch.setenv(identity.AUTH_HEADER_ENV, "X-Forwarded-User")
    monkeypatch.setattr(C, "request_headers", lambda: {"Host": "example"})
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert any("A002" in e.value and "Geen toegang" in e.value for e in at.error)
    assert not at.title  # no page ran
    assert C.LOGIN_KEY not in at.session_state


# --- 4. masking is on by default for a new survey on the import page ------------------------


def _masking_script():
    import streamlit as st

    from app_pages import common as C

    st.write(f"nieuw={C.default_masking('nieuw')}")


def test_import_page_masks_a_new_survey_by_default(empty_db):
    at = AppTest.from_function(_masking_script).run()
    assert not at.exception
    assert at.markdown[0].value == "nieuw=keep-original"

"""Test harness: ``streamlit run app.py`` for the browser test and ``bench/ui_latency.py``.

Lives in tests/ (not in the library): nothing in ``textanalysis`` starts the app.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def sys_executable() -> str:
    return sys.executable


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``streamlit run app.py`` on a loopback port against one database, as a context manager.

    Used by the browser test and ``bench/ui_latency.py``; waits for ``/_stcore/health``.
    """

    def __init__(
        self, app: str, db: str, *, port: int | None = None, timeout: float = 60.0
    ) -> None:
        self.app, self.db, self.timeout = app, db, timeout
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log_path: str | None = None

    def __enter__(self) -> AppServer:
        import os
        import subprocess
        import tempfile
        import time
        import urllib.request
        from pathlib import Path

        exe = Path(sys_executable()).with_name("streamlit")
        cmd = [
            str(exe) if exe.exists() else "streamlit",
            "run",
            self.app,
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--",
            "--db",
            self.db,
        ]
        log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)
        self.log_path = log.name
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEXTANALYSIS_DB")}
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(Path(self.app).resolve().parent),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"streamlit not healthy after {self.timeout}s:\n{self.log()}")

    def log(self) -> str:
        from pathlib import Path

        return Path(self.log_path).read_text(errors="replace")[-4000:] if self.log_path else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except Exception:  # noqa: BLE001
                self.proc.kill()
                self.proc.wait(5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


VIEWPORT = {"width": 1366, "height": 768}  # the analysts' laptops


@dataclass
class Session:
    server: AppServer
    browser: Any
    context: Any
    page: Any


@contextmanager
def app_in_chromium(
    db: str | Path,
    shots: Path,
    *,
    failure: str = "failure.png",
    viewport: dict[str, int] | None = None,
    timeout: float = 60.0,
) -> Iterator[Session]:
    """The app on ``db`` in headless Chromium (one context, one page).

    On a failure it keeps a full-page screenshot of ``session.page`` as ``shots/failure`` and
    prints it with the server's log, so a red browser test says what the analyst saw.
    """
    from playwright.sync_api import sync_playwright

    app = Path(__file__).resolve().parent.parent / "app.py"
    with AppServer(str(app), str(db), timeout=timeout) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=viewport or VIEWPORT)
        session = Session(server, browser, context, context.new_page())
        try:
            yield session
        except BaseException:
            shot = Path(shots) / failure
            try:
                session.page.screenshot(path=str(shot), full_page=True)
            except Exception:  # noqa: BLE001 - the page itself may be gone
                shot = None
            print(f"screenshot: {shot}\nserver log:\n{server.log()}")
            raise
        finally:
            browser.close()

"""The package layout stays readable: one direction of imports, no long modules without a reason.

Static checks on the source (nothing is imported): every ``import`` of a ``textanalysis``
module, also inside functions, is an edge of the module graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "textanalysis"
MAX_LINES = 500
LONG_REASON = "Long on purpose:"  # the one-line reason a longer module gives near its top


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in PKG.rglob("*.py")
        if "migrations" not in p.relative_to(PKG).parts
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {n: _imports(n, p, set(mods)) for n, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _is_package_edge(a: str, b: str) -> bool:
    """A package's ``__init__`` re-exporting its own submodules is not a design cycle."""
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles_between_modules():
    graph = _graph()
    # a package and its own submodules may import each other (re-exports); everything else not
    graph = {a: {b for b in bs if not _is_package_edge(a, b)} for a, bs in graph.items()}
    assert _cycles(graph) == []


def test_no_library_module_imports_the_cli():
    offenders = [
        n
        for n, deps in _graph().items()
        if not n.startswith("textanalysis.cli")
        and any(d.startswith("textanalysis.cli") for d in deps)
    ]
    assert offenders == []


def test_long_modules_say_why():
    unexplained = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(LONG_REASON in line for line in lines[:40]):
            unexplained.append(f"{name} ({len(lines)} lines)")
    assert unexplained == [], f"split these or add '{LONG_REASON} ...' near the top"


def test_test_harnesses_live_in_tests():
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "class AppServer" not in text and "/usr/bin/chromium" not in text, path


def test_suggest_submodules_import_from_two_threads_at_once():
    """The app's background trainer imports ``suggest.ensemble`` while a page imports
    ``suggest.rules``: with an eager package ``__init__`` that deadlocked (_DeadlockError,
    then KeyError 'textanalysis.suggest' on the page). A fresh interpreter, three threads."""
    import subprocess
    import sys

    code = (
        "import threading\n"
        "errs = []\n"
        "def imp(stmt):\n"
        "    try:\n"
        "        exec(stmt, {})\n"
        "    except Exception as e:\n"
        "        errs.append(repr(e))\n"
        "stmts = ['from textanalysis.suggest.rules import RuleSuggester',\n"
        "         'from textanalysis.suggest.ensemble import EnsembleSuggester',\n"
        "         'from textanalysis.suggest import autocode, next_units']\n"
        "ts = [threading.Thread(target=imp, args=(s,)) for s in stmts]\n"
        "[t.start() for t in ts]\n"
        "[t.join() for t in ts]\n"
        "print(errs)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "[]", res.stdout + res.stderr

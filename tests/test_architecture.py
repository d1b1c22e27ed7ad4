"""The layout is the architecture: the library never depends on the UI."""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "cxkpi"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_library_never_imports_streamlit() -> None:
    offenders = [str(p.relative_to(LIB)) for p in LIB.rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == [], f"cxkpi/ must not import streamlit; move UI code to pages/: {offenders}"


def test_the_library_has_the_rooms_of_the_design() -> None:
    for room in ("store", "sources", "ingest", "metrics"):
        assert (LIB / room / "__init__.py").is_file(), f"cxkpi/{room}/ is missing"
    assert (LIB / "cli.py").is_file()

# SPDX-License-Identifier: EUPL-1.2
"""The layout holds (DEVELOPERS.md): the core imports no door, no tool and not the model."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("api", "streaming", "batch", "dags", "cli", "synthetic", "models", "benchmarks")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_core_module_names_a_door_a_tool_or_the_model() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(
            n for n in _imports(path) if n.split(".")[0] in OUTSIDE
        )
        for path in sorted((ROOT / "vroegsignaal").rglob("*.py"))
    }
    assert {k: v for k, v in offending.items() if v} == {}


def test_the_core_imports_without_models_streaming_or_the_command_line() -> None:
    """Import every core module as the first one of the core (so an import cycle shows,
    whichever module a door imports first); none of those may come along."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "vroegsignaal").rglob("*.py")
        if "migrations" not in p.parts
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    for k in [k for k in sys.modules if k.split('.')[0] == 'vroegsignaal']:\n"
        "        del sys.modules[k]\n"
        "    importlib.import_module(m)\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & {set(OUTSIDE)!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
    assert len(modules) > 40  # the walk found the core

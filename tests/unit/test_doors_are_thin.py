# SPDX-License-Identifier: EUPL-1.2
"""Doors translate transport and nothing more (ADR 0001, DEVELOPERS.md rule 2): a rule the
core has is not written again in api/, streaming/, batch/, dags/ or cli/.

Each core rule leaves a fingerprint when it is copied into a door:

- the own-creditor rule (vroegsignaal/intake/sender.py): comparing a `schuldeiser` for
  equality or membership (a presence check, `is None`, a query's filter on a column and a
  compound key that holds a schuldeiser are the door's own business);
- what a creditor is told (vroegsignaal/feedback.py): reading `ddas_status` or calling
  `creditor_status` instead of asking the feedback module for a whole outcome;
- eligibility and matching: importing their modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOORS = ("api", "streaming", "batch", "dags", "cli")
RULE_MODULES = (
    "vroegsignaal.eligibility.check", "vroegsignaal.matching", "vroegsignaal.cases.state"
)


def _is_schuldeiser(node: ast.AST) -> bool:
    """`schuldeiser`, `x.schuldeiser`, `x["schuldeiser"]`, `x.get("schuldeiser")`."""
    if isinstance(node, ast.Name):
        return node.id == "schuldeiser"
    if isinstance(node, ast.Attribute):
        return node.attr == "schuldeiser"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "schuldeiser"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "get" and any(
            isinstance(a, ast.Constant) and a.value == "schuldeiser" for a in node.args
        )
    return False


def _is_column(node: ast.AST) -> bool:
    """`Table.column`: an SQL expression (a query's filter), not a rule in Python."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
    )


def _compares_schuldeiser(node: ast.Compare) -> bool:
    """A schuldeiser compared for equality or membership as itself; a query's filter and a
    schuldeiser inside a larger key (a tuple) are bookkeeping, not the rule."""
    operands = [node.left, *node.comparators]
    return (
        any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops)
        and any(_is_schuldeiser(o) for o in operands)
        and not any(_is_column(o) for o in operands)
    )


def findings(source: str) -> list[str]:
    """The core rules this door source repeats, as 'line: what'."""
    out = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare) and _compares_schuldeiser(node):
            out.append(f"{line}: compares a schuldeiser (the own-creditor rule)")
        elif isinstance(node, ast.Attribute) and node.attr == "ddas_status":
            out.append(f"{line}: reads ddas_status (what a creditor is told)")
        elif isinstance(node, ast.Name) and node.id == "creditor_status":
            out.append(f"{line}: uses creditor_status (what a creditor is told)")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
            RULE_MODULES
        ):
            out.append(f"{line}: imports {node.module} (eligibility or matching)")
    return sorted(out, key=lambda f: int(f.split(":")[0]))


def test_the_check_sees_a_copied_rule() -> None:
    copied = (
        "def post(messages, creditor):\n"
        "    for m in messages:\n"
        "        if m.get('schuldeiser') != creditor:\n"
        "            raise Forbidden()\n"
        "    status = outcome.reden.ddas_status\n"
        "from vroegsignaal.eligibility.check import check_signal\n"
    )
    assert [f.split(":")[0] for f in findings(copied)] == ["3", "5", "6"]
    also_copied = "ok = row['schuldeiser'] == key.schuldeiser or schuldeiser in allowed\n"
    assert len(findings(also_copied)) == 2
    bookkeeping = (
        "new = [d for d in found if (d.schuldeiser, d.name) not in held]\n"
        "q = select(Levering).where(Levering.schuldeiser == schuldeiser)\n"
    )
    assert findings(bookkeeping) == []


@pytest.mark.parametrize(
    "path",
    sorted(p for door in DOORS for p in (ROOT / door).rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_door_repeats_a_core_rule(path: Path) -> None:
    assert findings(path.read_text(encoding="utf-8")) == []

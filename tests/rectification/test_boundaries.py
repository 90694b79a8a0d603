"""The rectification app depends only on portal and stations; evaluations and inspections
reach it through its services and selectors and no longer import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(app: str) -> set[str]:
    """Top-level packages ``app``'s code imports (migrations included)."""
    found: set[str] = set()
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


DOMAIN = {"evaluations", "inspections", "funding", "talent", "services", "rectification"}


def test_rectification_imports_no_other_domain_app():
    assert _imports("rectification") & DOMAIN <= {"rectification"}


@pytest.mark.parametrize(
    ("app", "other"), [("evaluations", "inspections"), ("inspections", "evaluations")]
)
def test_evaluations_and_inspections_do_not_import_each_other(app, other):
    assert other not in _imports(app)

"""Shared helpers: lint a text with the built-in pack and look at the findings."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from healthlint.pipeline import Linter

ROOT = Path(__file__).resolve().parents[1]

# Rule packs cached during the tests (by this process and the CLIs it starts) go to a temporary folder.
os.environ.setdefault("HEALTHLINT_CACHE_DIR", tempfile.mkdtemp(prefix="healthlint-test-cache-"))
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter()


@pytest.fixture
def lint(linter):
    """lint(text, kind="markdown", rule=None) -> list of (line, column, rule)."""

    def run(text: str, kind: str = "markdown", rule: str | None = None):
        found = linter.lint_text(text, "doc.md" if kind == "markdown" else "doc.txt", kind)
        return [(d.line, d.column, d.rule) for d in found if rule is None or d.rule == rule]

    return run

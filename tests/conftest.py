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


@pytest.fixture(scope="session", autouse=True)
def built_in_pack_cached():
    """The built-in pack, compiled once into the session's cache before any test starts a CLI or a server.

    Compiling it from its files takes seconds; a language server or CLI that
    a test starts then reads it back (and compiles only a test's own rule
    folder on top), so that a test's timeout measures what it tests, not
    the first compilation.
    """
    from healthlint.rules.loader import load_packs

    load_packs()


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

"""Inputs that once crashed or fooled the readers (found by fuzzing and probing) stay fixed.

Add a file to tests/fuzz_regressions/ for every crash fuzz/fuzz_lint.py finds, once it is fixed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from fuzz import oracles
from healthlint import Linter
from healthlint.sources import UnreadableFile, decode
from tests.helpers import offsets

CASES = sorted((Path(__file__).parent / "fuzz_regressions").glob("*.*"))


@pytest.fixture(scope="module")
def linter():
    return Linter()


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_regression_input_lints(linter, path, kind):
    try:
        text = decode(path.read_bytes())
    except UnreadableFile:
        text = path.read_bytes().decode("utf-8", "replace")
    for d in linter.lint_text(text, path.name, kind):
        start, end = offsets(text, d)
        assert 0 <= start <= end <= len(text)


@pytest.mark.parametrize("name", ["front-matter-too-deep.md", "blockquote-past-max-nesting.md"])
def test_the_claim_in_each_is_found(linter, name):
    text = (Path(__file__).parent / "fuzz_regressions" / name).read_text()
    assert any(d.rule == "unhedged-cure-claim" for d in linter.lint_text(text, name))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_every_word_a_renderer_shows_reaches_the_rules(path):
    try:
        text = decode(path.read_bytes())
    except UnreadableFile:
        text = path.read_bytes().decode("utf-8", "replace")
    assert not oracles.missing_words(text)

"""The server's parts, without a server: positions, fixes, settings, the cache, the debounce."""
from __future__ import annotations

import asyncio
import random

import pytest

pytest.importorskip("lsprotocol")
from lsprotocol.types import Position, PositionEncodingKind  # noqa: E402

from healthlint.lsp.actions import append_referral, insert_disclosure, suppress_edit  # noqa: E402
from healthlint.lsp.incremental import IncrementalLinter  # noqa: E402
from healthlint.lsp.positions import PositionEncoder  # noqa: E402
from healthlint.lsp.scheduler import Debouncer  # noqa: E402
from healthlint.lsp.settings import DEFAULT_DEBOUNCE_MS, Settings, parse_settings  # noqa: E402
from healthlint.pipeline import Linter  # noqa: E402


# -- positions -------------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [
    (PositionEncodingKind.Utf16, 5),   # é=1, 😀=2, 中=1, space=1
    (PositionEncodingKind.Utf8, 10),   # é=2, 😀=4, 中=3, space=1
    (PositionEncodingKind.Utf32, 4),
])
def test_columns_count_code_units_of_the_encoding(encoding, expected):
    encoder = PositionEncoder("é😀中 x\n", encoding)
    assert encoder.position(1, 5) == Position(0, expected)


def test_every_line_break_style_starts_a_line():
    encoder = PositionEncoder("a\r\nb\rc\n😀d")
    assert encoder.position(2, 1) == Position(1, 0)
    assert encoder.position(3, 1) == Position(2, 0)
    assert encoder.position(4, 2) == Position(3, 2)
    assert encoder.end() == Position(3, 3)


# -- fixes -----------------------------------------------------------------------

def _apply(text, edit):
    encoder = PositionEncoder(text)
    lines = encoder.lines

    def offset(p):  # ASCII-only texts here: units are characters
        return lines.line_start(p.line + 1) + p.character if p.line < lines.line_count else len(text)

    return text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]


SETTINGS = Settings(disclosure="DISCLOSED.", referral="ASK YOUR DOCTOR.")


@pytest.mark.parametrize("text, expected", [
    ("# Title\n\nBody.\n", "# Title\n\nDISCLOSED.\n\nBody.\n"),
    ("# Title\nBody.\n", "# Title\n\nDISCLOSED.\n\nBody.\n"),
    ("Body.\n", "DISCLOSED.\n\nBody.\n"),
    ("---\ntitle: x\n---\n# Title\n\nBody.\n", "---\ntitle: x\n---\n# Title\n\nDISCLOSED.\n\nBody.\n"),
    ("# Title", "# Title\nDISCLOSED.\n\n"),
    ("# Title\r\n\r\nBody.\r\n", "# Title\r\n\r\nDISCLOSED.\r\n\r\nBody.\r\n"),
])
def test_disclosure_goes_under_the_title(text, expected):
    assert _apply(text, insert_disclosure(text, "markdown", PositionEncoder(text), SETTINGS)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Body.", "Body.\n\nASK YOUR DOCTOR.\n"),
    ("Body.\n", "Body.\n\nASK YOUR DOCTOR.\n"),
    ("Body.\n\n", "Body.\n\nASK YOUR DOCTOR.\n"),
    ("", "ASK YOUR DOCTOR.\n"),
])
def test_referral_is_appended(text, expected):
    assert _apply(text, append_referral(text, "markdown", PositionEncoder(text), SETTINGS)) == expected


def test_no_suppression_comment_inside_front_matter():
    assert suppress_edit("---\ntitle: x\n---\nBody\n", 0, "r", "markdown") is None
    assert suppress_edit("---\ntitle: x\n---\nBody\n", 3, "r", "markdown").new_text.startswith("<!--")


# -- settings --------------------------------------------------------------------

def test_settings_resolve_rule_folders_and_report_wrong_values(tmp_path):
    s = parse_settings({"healthlint": {"rules": "pack", "ignore": ["a"], "debounce_ms": "soon"}}, str(tmp_path))
    assert s.rules == (str(tmp_path / "pack"),)
    assert s.ignore == ("a",)
    assert s.debounce_ms == DEFAULT_DEBOUNCE_MS
    assert s.problems == ("setting 'debounce_ms' must be a number of milliseconds from 0 to 10000",)
    assert parse_settings(None) == Settings()


# -- the sentence cache ----------------------------------------------------------

def test_incremental_linter_agrees_with_the_linter_through_edits():
    plain, cached = Linter(), IncrementalLinter()
    sentences = []
    for rule in plain.rules:
        sentences += list(rule.examples.fail) + list(rule.examples.pass_)
    rng = random.Random(5)
    text = "\n\n".join(sentences)
    for _ in range(40):
        at = rng.randrange(len(text) + 1)
        piece = rng.choice(sentences + ["may ", "not ", "😀", "\n\n", "# ", "- ", "?"])
        if rng.random() < 0.3:
            text = text[:at] + text[at + rng.randrange(1, 30):]
        else:
            text = text[:at] + piece + text[at:]
        assert cached.lint_text(text, "post.md") == plain.lint_text(text, "post.md")


# -- debounce --------------------------------------------------------------------

def test_debounce_lints_at_once_then_coalesces_a_burst():
    touches, runs = [0], []

    async def scenario():
        async def run(key):
            runs.append(touches[0])  # how many edits the lint saw

        debouncer = Debouncer(run, 0.05)
        for _ in range(11):  # a burst of edits, the first one alone before the loop turns
            touches[0] += 1
            debouncer.touch("a")
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert runs == [1, 11]  # the first edit at once, the rest of the burst once, with the last edit


def test_build_linter_reads_the_workspace_configuration(tmp_path):
    from healthlint.lsp.server import build_linter
    from healthlint.lsp.settings import Settings

    (tmp_path / ".healthlint.yaml").write_text("ignore: [unhedged-cure-claim]\n", encoding="utf-8")
    linter, error = build_linter(Settings(), None, str(tmp_path))
    assert error is None
    assert "unhedged-cure-claim" not in {r.id for r in linter.rules}
    assert "unqualified-safety-claim" in {r.id for r in linter.rules}

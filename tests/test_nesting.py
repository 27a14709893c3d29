"""Nesting never hides text: what a CommonMark renderer shows is linted however deep, at its own position."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz import oracles
from healthlint import Linter
from healthlint.text.document import read_document
from tests.helpers import run_cli
from tests.test_properties import DOCUMENTS

CLAIM = "Kratom cures depression. [Buy kratom](https://amzn.to/x?tag=a)"
MARKERS = (">", "-", "*", "+", "1.")


@pytest.fixture(scope="module")
def linter():
    return Linter(rule_timeout=None)


def _found(linter, text):
    return {d.rule: d for d in linter.lint_text(text, "deep.md")}


def _assert_flagged_at(found, text):
    claim = found.get("unhedged-cure-claim")
    assert claim is not None, text
    assert (claim.line, claim.column) == (1, text.index("cures depression") + 1), text
    assert claim.end_column == claim.column + len("cures depression")
    call = found.get("undisclosed-affiliate-link")
    assert call is not None, text
    assert call.column == text.index("Buy kratom") + 1, text


def test_the_issue_prefix_is_flagged_on_the_cli(tmp_path):
    path = tmp_path / "deep.md"
    text = "> - " * 8 + CLAIM + "\n"
    path.write_text(text)
    result = run_cli(path)
    out = result.stdout.decode()
    assert result.returncode == 1, (out, result.stderr)
    assert f"{path}:1:{text.index('cures depression') + 1}: error unhedged-cure-claim" in out
    assert f"{path}:1:{text.index('Buy kratom') + 1}: error undisclosed-affiliate-link" in out


def test_random_prefixes_of_mixed_container_markers_never_hide_the_claim(linter):
    rng = random.Random(17)
    for _ in range(1000):
        prefix = " ".join(rng.choice(MARKERS) for _ in range(rng.randint(16, 40))) + " "
        _assert_flagged_at(_found(linter, prefix + CLAIM), prefix + CLAIM)


def test_the_link_past_the_limit_is_recorded_at_its_url():
    text = "> - " * 8 + CLAIM + "\n"
    doc = read_document(text, "deep.md")
    assert [(link.kind, link.url, link.url_start) for link in doc.links] == [
        ("inline", "https://amzn.to/x?tag=a", text.index("https://"))]
    assert text[doc.links[0].text_start:doc.links[0].text_end] == "Buy kratom"


def test_text_past_the_limit_is_read_as_inline_markdown_with_its_scope():
    deep = "> " * 25
    text = ("Intro.\n\n" + deep + "Kratom *cures* depression,\n" + deep + "truly. [Buy][r]\n" + deep + "\n"
            + deep + "[r]: https://amzn.to/y\n" + deep + "- item one\n" + deep + "- item two\n")
    doc = read_document(text, "deep.md")
    words = [(" ".join(doc.prose[s.start:s.end].split()), s.scope) for s in doc.segments]
    assert words == [("Intro.", "paragraph"), ("Kratom cures depression, truly. Buy", "blockquote"),
                     ("item one", "list"), ("item two", "list")]
    # the reference definition is not prose, and the link that uses it (before it) resolves
    assert [(link.kind, link.url) for link in doc.links] == [
        ("reference", "https://amzn.to/y"), ("definition", "https://amzn.to/y")]
    assert doc.links[0].url_start == text.index("https://amzn.to/y")


def test_a_continued_paragraph_past_the_limit_is_one_segment(linter):
    text = "Intro.\n\n" + "> " * 30 + "Kratom cures\n" + "> " * 30 + "depression.\n"
    found = _found(linter, text)
    assert found["unhedged-cure-claim"].line == 3
    assert found["unhedged-cure-claim"].end_line == 4


def test_a_definition_cannot_interrupt_a_paragraph_past_the_limit(linter):
    # CommonMark: a line shaped like a link reference definition right after prose is prose
    deep = "> " * 30
    text = deep + "Kratom helps.\n" + deep + "[buy]: https://amzn.to/z 'Kratom cures depression'\n"
    doc = read_document(text, "deep.md")
    assert "Kratom cures depression" in doc.prose
    assert not oracles.missing_words(text), text


def test_a_table_past_the_limit_is_read_a_segment_per_cell(linter):
    # each cell is a segment of its own, as at any depth, so a claim after a topic label is found
    deep = "> " * 12
    text = (deep + "- - - - | a | b |\n" + deep + "        | --- | --- |\n"
            + deep + "        | x | Insomnia? Gone in three weeks. |\n")
    doc = read_document(text, "deep.md")
    assert [(doc.prose[s.start:s.end], s.scope) for s in doc.segments] == [
        ("a", "table.cell"), ("b", "table.cell"), ("x", "table.cell"),
        ("Insomnia? Gone in three weeks.", "table.cell")]
    assert "unhedged-cure-claim" in _found(linter, text)


def test_the_renderer_oracle_sees_no_comment_inside_a_quoted_attribute():
    assert oracles.shown_words('<div>\n<a href="x <!-- y">Buy</a> now\n</div>\n') == {"Buy": 1, "now": 1}


def test_the_renderer_oracle_reads_an_escaped_reference_as_its_literal_text():
    assert not oracles.missing_words("> " * 40 + "Kratom \\&amp; cures\n")
    assert not oracles.missing_words("Kratom \\&amp; cures\n")


@pytest.mark.parametrize("inner", ["```\nKratom cures depression.\n```\n", "<!-- Kratom cures depression. -->\n"])
def test_code_and_comments_stay_out_of_prose_when_markdown_it_places_them(inner):
    text = "> " * 16 + "Intro.\n\n" + inner
    assert "Kratom" not in read_document(text, "deep.md").prose


# --- the oracles of fuzz/fuzz_lint.py, as properties ---------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = oracles.sentence_examples(Linter(rule_timeout=None))
CONTAINER_PREFIXES = st.lists(st.sampled_from(oracles.CONTAINERS), max_size=48)


@PROPERTY
@given(st.sampled_from(EXAMPLES), CONTAINER_PREFIXES, st.sampled_from(oracles.INLINE),
       st.sampled_from(oracles.BLOCKS))
@example(("unhedged-cure-claim", "Kratom relieves depression."), [">", "-"] * 8, "{}", "{}")  # the issue's shape
def test_wrapping_a_flagged_sentence_keeps_it_flagged(linter, example_, containers, inline, block):
    rule, sentence = example_
    wrapped = oracles.wrap(sentence, containers, inline, block)
    assert not oracles.lost_findings(linter, rule, sentence, wrapped), wrapped


@PROPERTY
@given(CONTAINER_PREFIXES, DOCUMENTS)
@example([">", "-"] * 8, CLAIM)
@example([], "<div>\nKratom cures depression.\n</div>\n")  # an HTML block: a browser shows its text
@example([">"] * 20, "Kratom cur&#101;s depression, don&rsquo;t you see ’")  # references
def test_the_prose_holds_every_word_a_renderer_shows(containers, text):
    text = "".join(marker + " " for marker in containers) + text
    assert not oracles.missing_words(text), text

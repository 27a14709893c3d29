"""HTML blocks in Markdown: a browser shows their text, so it is linted, at its source offsets (both readers)."""
from __future__ import annotations

import pytest

from healthlint import Linter
from healthlint.text.markdown import read_markdown
from healthlint.text.markdown_nested import read_nested_markdown

READERS = pytest.mark.parametrize("read", [read_markdown, read_nested_markdown], ids=["pulldown", "markdown-it"])


def words(doc):
    return [(" ".join(doc.prose[s.start:s.end].split()), s.scope) for s in doc.segments]


@READERS
def test_the_visible_text_of_an_html_block_is_prose_at_its_offsets(read):
    text = ('Intro.\n\n<div class="x">\nKratom cures depression. <a href="https://amzn.to/x">Buy it</a>\n'
            "<!-- a comment -->\n<script>cures()</script>\n</div>\n")
    doc = read(text)
    assert words(doc) == [("Intro.", "paragraph"), ("Kratom cures depression. Buy it", "paragraph")]
    assert doc.prose.index("Kratom") == text.index("Kratom")
    assert "comment" not in doc.prose and "cures()" not in doc.prose and "class" not in doc.prose
    assert [(link.url, link.url_start, text[link.text_start:link.text_end]) for link in doc.links] == [
        ("https://amzn.to/x", text.index("https://"), "Buy it")]


@READERS
def test_an_html_block_inside_a_quote_leaves_out_the_markers(read):
    text = "> <p>\n> Kratom cures depression.\n> </p>\n"
    doc = read(text)
    assert words(doc) == [("Kratom cures depression.", "blockquote")]
    assert doc.prose.index("Kratom") == text.index("Kratom")
    assert ">" not in doc.prose


@READERS
def test_a_character_reference_keeps_the_words_around_it(read):
    doc = read("<p>It don&rsquo;t &amp; won&#39;t</p>\n")
    assert words(doc) == [("It don t & won t", "paragraph")]


def test_a_claim_in_an_html_block_is_flagged_at_its_position():
    text = "<div>\nKratom cures depression.\n</div>\n"
    found = [(d.rule, d.line, d.column) for d in Linter(rule_timeout=None).lint_text(text, "x.md")]
    assert ("unhedged-cure-claim", 2, 8) in found


# --- words that differ from their source: references, escapes, NUL --------------------------------

@READERS
def test_a_word_spelled_with_character_references_is_read_decoded(read):
    text = "Kratom cur&#101;s depression and caf&eacute; too.\n"
    doc = read(text)
    assert " ".join(doc.prose.split()) == "Kratom cures depression and café too."
    assert doc.prose.index("cures") == text.index("cur&")  # the word starts where it starts
    assert doc.prose.index("depression") == text.index("depression")  # the slack stays before the next word


def test_a_claim_spelled_with_references_is_flagged():
    text = "Kratom cur&#101;s depression.\n"
    found = {d.rule: d for d in Linter(rule_timeout=None).lint_text(text, "x.md")}
    claim = found["unhedged-cure-claim"]
    assert (claim.column, claim.end_column) == (text.index("cur&") + 1, text.index(".") + 1)


@READERS
def test_a_mark_a_reference_stands_for_never_swallows_the_words_after_it(read):
    doc = read("don&rsquo;t say it cures depression ’\n")
    assert "it cures depression" in doc.prose


@READERS
def test_a_mark_never_jumps_over_a_reference_to_a_letter(read):
    # '&#0;' shows U+FFFD; the same mark written after '&#100;' (a 'd') was taken for it and the 'd' lost
    text = "<div>\nKratom cures&#0;&#100;#\ufffd depression\n</div>\n"
    doc = read(text)
    assert "d#" in doc.prose and doc.prose.index("d#") == text.index("&#100;")


@READERS
def test_an_unknown_name_that_starts_with_a_legacy_one_is_read_as_a_browser_decodes_it(read):
    # 'eacuteeacute' is no name; a browser reads its legacy prefix '&eacute' and shows 'éeacute;'
    text = "<div>\nIf&eacuteeacute;o then\n</div>\n"
    doc = read(text)
    assert "Ifé" in doc.prose and doc.prose.index("Ifé") == text.index("If&")


@READERS
def test_a_word_spelled_with_a_numeric_reference_without_its_semicolon_is_placed_among_found_words(read):
    # HTML reads '&#1' with no ';' as a control character (shown as nothing) and '&#101' as 'e';
    # after a mark ('#') the word was looked for as a reference with its ';' only, and lost
    text = "<div>\nKratom #tr&#1uly cur&#101s depression\n</div>\n"
    doc = read(text)
    assert " ".join(doc.prose.split()) == "Kratom #truly cures depression"
    assert doc.prose.index("truly") == text.index("tr&") and doc.prose.index("cures") == text.index("cur&")


@READERS
def test_an_escaped_underscore_keeps_the_words_around_it(read):
    text = "Kratom\\_cures depression\n"
    doc = read(text)
    assert doc.prose.index("cures") == text.index("cures")
    assert doc.prose.startswith("Kratom")


def test_nul_characters_in_a_deep_document_hide_no_words():
    # markdown-it reads NUL as U+FFFD, which the aligner once found on the next line, skipping its words
    text = "--\x00\x00-\nthe \ufffd words here\n---\n\n" + ">" * 18 + " - More.\n"
    doc = read_nested_markdown(text)
    assert "the \ufffd words here" in doc.prose


def test_a_text_found_further_on_never_jumps_over_words():
    # markdown-it reads the NULs as U+FFFD; the same characters written on the next line were
    # taken for them, and "Kr" between was lost
    text = "# Kratom\n" + ">" * 16 + "\x00\x00\nKr\ufffd\ufffdom\n"
    doc = read_nested_markdown(text)
    assert "Kr\ufffd\ufffdom" in doc.prose


@READERS
def test_a_reference_without_its_semicolon_in_an_html_block_is_read_as_a_browser_decodes_it(read):
    # HTML (not CommonMark) decodes '&#101' with no ';': the word is placed decoded at its first offset
    text = "<div>\nKratom cur&#101s depression, cur&#101Kratom.\n</div>\n"
    doc = read(text)
    assert words(doc) == [("Kratom cures depression, cureKratom.", "paragraph")]
    assert doc.prose.index("cures") == text.index("cur&")
    found = [(d.rule, d.line, d.column) for d in Linter(rule_timeout=None).lint_text(text, "x.md")]
    assert ("unhedged-cure-claim", 2, 8) in found

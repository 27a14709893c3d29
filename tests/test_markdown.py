"""Markdown positions: prose keeps source offsets; code, front matter, comments and URLs are not prose."""
from healthlint.text.document import read_document


def doc(text):
    return read_document(text, "t.md", "markdown")


def prose_words(text):
    return doc(text).prose.split()


def test_prose_has_source_length_and_offsets():
    text = "# Title\n\nSome *emphasis* and **strong** text.\n"
    d = doc(text)
    assert len(d.prose) == len(text)
    start = d.prose.index("emphasis")
    assert text[start:start + 8] == "emphasis"


def test_front_matter_is_not_prose_but_its_fields_are_available():
    d = doc("---\ntitle: Kratom cures pain\naffiliate_disclosure: We earn commissions.\n---\n\nBody.\n")
    assert "cures" not in d.prose
    assert d.front_matter["affiliate_disclosure"] == "We earn commissions."


def test_code_comments_and_urls_are_not_prose():
    text = ("Use `cures anxiety` inline.\n\n```\nkratom cures pain\n```\n\n    indented cures code\n\n"
            "<!-- kratom cures depression -->\n\nSee [the study](https://example.org/cures) and <https://x.org/a>.\n")
    words = prose_words(text)
    assert "cures" not in words
    assert "study" in words and "See" in words


def test_headings_lists_blockquotes_tables_are_prose_with_scopes():
    text = "# Heading words\n\n- item words\n\n> quoted words\n\n| a | b |\n|---|---|\n| cell words | x |\n"
    d = doc(text)
    scopes = {d.prose[s.start:s.end]: s.scope for s in d.sentences}
    assert scopes["Heading words"] == "heading"
    assert scopes["item words"] == "list"
    assert scopes["quoted words"] == "blockquote"
    assert scopes["cell words"] == "table.cell"


def test_links_inline_reference_definition_autolink_and_bare():
    text = ("Buy [here](https://a.example/?ref=me) or [there][shop] or <https://b.example/go/x>.\n"
            "Plain https://c.example/path?tag=x-20 too.\n\n[shop]: https://d.example/recommends/y\n")
    d = doc(text)
    kinds = {link.kind: link for link in d.links}
    assert kinds["inline"].url == "https://a.example/?ref=me"
    assert text[kinds["inline"].url_start:kinds["inline"].url_end] == "https://a.example/?ref=me"
    assert text[kinds["inline"].text_start:kinds["inline"].text_end] == "here"
    assert kinds["reference"].url == "https://d.example/recommends/y"
    assert kinds["definition"].url_start == text.index("https://d.example")
    assert kinds["autolink"].url == "https://b.example/go/x"
    assert kinds["bare"].url == "https://c.example/path?tag=x-20"
    assert "https" not in d.prose


def test_crlf_positions_are_exact(lint):
    text = "# Title\r\n\r\nIntro line.\r\nKratom relieves depression.\r\n"
    found = lint(text, rule="unhedged-cure-claim")
    assert found == [(4, 8, "unhedged-cure-claim")]


def test_non_ascii_columns_count_code_points(lint):
    text = "Café ☕ naïve — Kratom relieves depression.\n"
    found = lint(text, rule="unhedged-cure-claim")
    assert found == [(1, text.index("relieves") + 1, "unhedged-cure-claim")]


def test_soft_break_claim_is_reported_where_it_is(lint):
    text = "Kratom acts on the same receptors as opioids, which is why it\n**relieves chronic pain** so well.\n"
    assert lint(text, rule="unhedged-cure-claim") == [(2, 3, "unhedged-cure-claim")]


def test_escapes_and_entities_are_aligned():
    d = doc("Fish \\*oil\\* &amp; krill relieve pain.\n")
    assert "relieve" in d.prose and "krill" in d.prose

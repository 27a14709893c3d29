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


def test_non_ascii_text_keeps_code_point_offsets_after_byte_ranges():
    # pulldown-cmark reports UTF-8 byte ranges; every offset must still be a code-point offset
    text = "## Café ☕ 日本\n\nNaïve 🙂 text: kratom [cures](https://x.org/é) pain.\n"
    d = doc(text)
    assert len(d.prose) == len(text)
    for word in ("Café", "日本", "Naïve", "kratom", "cures", "pain"):
        assert text[d.prose.index(word):d.prose.index(word) + len(word)] == word
    (link,) = [link for link in d.links if link.kind == "inline"]
    assert text[link.url_start:link.url_end] == "https://x.org/é"
    assert text[link.text_start:link.text_end] == "cures"


def test_lone_carriage_returns_end_lines():
    d = doc("# Title\r\rKratom cures pain.\r\r```\rcode cures\r```\r")
    assert [(text_of(d, s), s.scope) for s in d.segments] == [("Title", "heading"), ("Kratom cures pain.", "paragraph")]


def text_of(d, segment):
    return d.source[segment.start:segment.end]


def test_entities_and_escapes_are_placed_inside_their_own_span():
    text = "A &#65; B &amp; C \\* D\n"
    d = doc(text)
    assert d.prose[text.index("&amp;")] == "&"  # the ampersand of &amp;, not the one of &#65;
    assert d.prose[text.index("&#65;")] == "A"  # a letter a reference spells is placed decoded, at its first offset
    assert d.prose[text.index("\\*") + 1] == "*"


def test_reference_definitions_anywhere_between_blocks_are_links():
    text = "Buy [it][shop] now.\n\n---\n\n[shop]: https://affiliate.example/x \"t\"\n[unused]: <https://u.example>\n"
    d = doc(text)
    kinds = sorted((link.kind, link.url) for link in d.links)
    assert kinds == [("definition", "https://affiliate.example/x"), ("definition", "https://u.example"),
                     ("reference", "https://affiliate.example/x")]
    reference = next(link for link in d.links if link.kind == "reference")
    assert text[reference.url_start:reference.url_end] == "https://affiliate.example/x"
    assert "affiliate.example" not in d.prose


def test_a_definition_inside_a_paragraph_or_code_is_not_one():
    d = doc("Text\n[a]: https://x.example\n\n```\n[b]: https://y.example\n```\n")
    assert not [link for link in d.links if link.kind == "definition"]


def test_images_alt_text_and_autolink_text_are_not_prose():
    d = doc("See ![kratom cures pain](i.png) and <https://cures.example/> today.\n")
    assert "cures" not in d.prose
    assert [(link.kind, link.url) for link in d.links] == [("autolink", "https://cures.example/")]


def test_tight_list_items_are_segments_of_their_own():
    d = doc("- first item\n  - nested item\n- second *item*\n")
    assert [(text_of(d, s), s.scope) for s in d.segments] == [
        ("first item", "list"), ("nested item", "list"), ("second *item", "list")]


def test_deeply_nested_documents_are_read_by_the_nesting_limited_reader():
    text = "Intro.\n\n" + "> " * 30 + "Kratom cures depression.\n"
    d = doc(text)
    assert "Kratom cures depression." in d.prose
    assert d.prose.index("Kratom") == text.index("Kratom")


def test_front_matter_needs_its_closing_line():
    d = doc("---\ntitle: x\n\nKratom cures pain.\n")
    assert d.front_matter == {}
    assert "Kratom cures pain." in d.prose


def test_a_long_rule_of_dashes_is_not_deep_nesting(monkeypatch):
    from healthlint.text import markdown

    def refuse(source, path):
        raise AssertionError("read as deeply nested")

    monkeypatch.setattr(markdown, "_read_nested", refuse)
    d = doc("Intro.\n\n" + "-" * 60 + "\n\n" + "*" * 40 + "\n\nKratom cures pain.\n")
    assert [text_of(d, s) for s in d.segments] == ["Intro.", "Kratom cures pain."]

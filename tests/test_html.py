"""HTML input: visible text only, positions in the HTML source, links from <a href>."""
import pytest

from healthlint import lint_text
from healthlint.text.document import kind_for_path, read_document
from healthlint.sources import discover


def doc(src):
    d = read_document(src, "t.html", "html")
    assert len(d.prose) == len(src)
    return d


def rules_at(src, **kw):
    return [(d.rule, d.line, d.column) for d in lint_text(src, filename="post.html", **kw)]


def test_claim_reported_at_html_line_and_column():
    src = '<html><body>\n<h1>Kratom</h1>\n<p class="x">Honestly, kratom relieves depression.</p>\n</body></html>\n'
    found = lint_text(src, filename="post.html")
    cure = [d for d in found if d.rule == "unhedged-cure-claim"]
    assert len(cure) == 1
    d = cure[0]
    line = src.splitlines()[d.line - 1]
    assert (d.line, d.column) == (3, line.index("relieves") + 1)
    assert line[d.column - 1:d.end_column - 1] == "relieves depression"


def test_kind_argument_and_extension_pick_html():
    src = "<p>Kratom relieves <b>depression</b>.</p>"
    # a claim the cure rule reports asks for a clinician referral, on line 1
    assert rules_at(src) == [("missing-clinician-referral", 1, 1), ("unhedged-cure-claim", 1, 11)]
    assert [d.rule for d in lint_text(src, kind="html")] == ["missing-clinician-referral", "unhedged-cure-claim"]
    assert kind_for_path("a/b.HTM") == "html" and kind_for_path("x.html") == "html"


@pytest.mark.parametrize("src", [
    "<script>var a = 'Kratom relieves depression.';</script><p>Fine text.</p>",
    "<style>/* Kratom relieves depression. */</style><p>Fine text.</p>",
    "<pre>Kratom relieves depression.</pre>",
    "<p>Write <code>Kratom relieves depression.</code> never.</p>",
    '<p title="Kratom relieves depression.">Fine text.</p>',
    '<img alt="Kratom relieves depression.">',
    "<!-- Kratom relieves depression. --><p>Fine.</p>",
    "<div hidden>Kratom relieves depression.</div>",
])
def test_not_prose(src):
    assert [d for d in lint_text(src, kind="html") if d.rule == "unhedged-cure-claim"] == []


def test_entities_keep_words_and_offsets():
    src = "<p>It doesn&rsquo;t cure &amp; it&#39;s safe &mdash; caf&eacute;.</p>"
    d = doc(src)
    text = d.prose[d.segments[0].start:d.segments[0].end]
    assert "doesn’t" in text and "it's" in text and "café" in text and "—" in text
    # white space keeps its source offset
    for i, ch in enumerate(src):
        if ch == " ":
            assert d.prose[i] == " "


@pytest.mark.parametrize("reference", ["&#12a", "&#1d", "&#x", "&#"])
def test_a_reference_the_parser_cannot_read_does_not_stop_the_page(reference):
    # html.parser waits at such a '&#' for input that never comes and hands the rest of the page to
    # its text: the script's words would become prose and the shop link a bare URL
    src = f"<p>ok {reference} <a href='https://amzn.to/x'>buy</a></p><script>Kratom cures cancer.</script>"
    d = doc(src)
    assert "Kratom" not in d.prose and "<a" not in d.prose
    assert [(link.kind, src[link.text_start:link.text_end]) for link in d.links] == [("inline", "buy")]


def test_a_numeric_reference_ends_at_its_last_digit():
    d = doc("<p>r&#1depression, &#65;B and &#x41g.</p>")
    # '&#1' is a control character: nothing shown (the slack of each reference goes to the next blank)
    assert d.prose.split() == ["rdepression,", "AB", "and", "Ag."]


def test_a_named_reference_that_ends_the_page_is_decoded():
    # html.parser waits for the name to end and then hands it on as text; a browser decodes it
    assert doc("<p>Caf&eacute").prose.split() == ["Café"]
    assert doc("<p>- &amprcB").prose.split() == ["-", "&rcB"]
    assert doc("<p>x &zzz").prose.split() == ["x", "&zzz"]  # no name HTML5 knows: literal text


def test_a_tag_or_comment_left_open_at_the_end_of_the_page_is_not_shown():
    for src in ("<p>Fine text <a href='x' cures cancer", "<p>Fine text <!-- cures cancer"):
        assert "cancer" not in doc(src).prose


def test_entity_word_is_linted_as_one_word():
    src = "<p>It doesn&rsquo;t cause side effects.</p>"
    found = lint_text(src, kind="html")
    assert [x.rule for x in found] == ["unqualified-safety-claim"]
    assert found[0].column == src.index("doesn") + 1


def test_segments_follow_blocks_and_scopes():
    src = "<h2>Title here</h2><ul><li>One<li>Two</ul><table><tr><td>Cell</td></tr></table><p>Para<br>still</p>"
    d = doc(src)
    got = [(d.prose[s.start:s.end], s.scope) for s in d.segments]
    assert got == [("Title here", "heading"), ("One", "list"), ("Two", "list"),
                   ("Cell", "table.cell"), ("Para    still", "paragraph")]


def test_links_from_anchor_href_with_offsets():
    src = '<p>See <a class="c" href="https://amzn.to/x?a=1&amp;b=2">this shop</a> and <a href=/local>here</a>.</p>'
    d = doc(src)
    first, second = d.links
    assert first.url == "https://amzn.to/x?a=1&b=2"
    assert src[first.url_start:first.url_end] == "https://amzn.to/x?a=1&amp;b=2"
    assert src[first.text_start:first.text_end] == "this shop"
    assert second.url == "/local" and src[second.url_start:second.url_end] == "/local"


def test_affiliate_link_in_html_reported_at_href():
    src = '<p>My pick:</p>\n<p><a href="https://amzn.to/3xYz">magnesium</a></p>\n'
    found = [d for d in lint_text(src, kind="html") if d.rule == "undisclosed-affiliate-link"]
    assert [(d.line, d.column) for d in found] == [(2, src.splitlines()[1].index("https") + 1)]


def test_disclosure_in_html_satisfies_link_rule():
    src = '<p>We may earn a commission from affiliate links.</p><p><a href="https://amzn.to/3xYz">buy</a></p>'
    assert [d for d in lint_text(src, kind="html") if d.rule == "undisclosed-affiliate-link"] == []


def test_crlf_and_multiline_positions():
    src = "<div>\r\n<p>\r\n  Kratom relieves\r\n  depression.\r\n</p></div>"
    found = lint_text(src, kind="html")
    assert [(d.rule, d.line, d.column, d.end_line) for d in found] == [
        ("missing-clinician-referral", 1, 1, 1), ("unhedged-cure-claim", 3, 10, 4)]


@pytest.mark.parametrize("src", ["", "<", "<p", "&", "&#", "&#x;", "<a href=>x</a>", "</p></div>",
                                 "<p>unclosed <b>bold", "<![CDATA[x]]>", "<?php echo 1 ?>", "\x00<p>a</p>",
                                 "<p>&unknown; &amp</p>", "<a href='x'", "<sCrIpT>Kratom relieves depression."])
def test_malformed_html_never_crashes(src):
    d = doc(src)
    for link in d.links:
        assert 0 <= link.url_start <= link.url_end <= len(src)
    lint_text(src, kind="html")


def test_html_files_discovered_in_folders(tmp_path):
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "b.htm").write_text("<p>x</p>")
    (tmp_path / "c.css").write_text("x")
    assert sorted(p.rsplit("/", 1)[-1] for p in discover([str(tmp_path)])) == ["a.html", "b.htm"]

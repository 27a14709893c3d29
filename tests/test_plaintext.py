from healthlint.text.document import read_document


def sentences(text):
    d = read_document(text, "t.txt", "text")
    return [d.prose[s.start:s.end] for s in d.sentences]


def test_one_paragraph_per_line_keeps_headings_apart():
    long = "Kratom is a plant. " * 10
    text = f"A Heading Without Punctuation\n{long}\n"
    assert sentences(text)[0] == "A Heading Without Punctuation"


def test_hard_wrapped_paragraph_joins_lines():
    text = ("What magnesium does do, in my experience, is help me wind down. Magnesium\n"
            "relieves tension headaches and eases the muscle soreness that follows a\n"
            "hard workout.\n")
    assert "Magnesium\nrelieves tension headaches" in sentences(text)[1]


def test_list_markers_are_not_prose_and_start_items():
    text = "Benefits\n1. Treats depression\n2. Eases anxiety\n"
    assert sentences(text) == ["Benefits", "Treats depression", "Eases anxiety"]


def test_bare_urls_become_links():
    d = read_document("Grab it here: https://bit.ly/3xyz and amzn.to/abc.\n", "t.txt", "text")
    assert [link.url for link in d.links] == ["https://bit.ly/3xyz", "amzn.to/abc"]
    assert "bit.ly" not in d.prose

"""Claim shapes: the word-level pattern language rule authors write instead of regex."""
from __future__ import annotations

import pytest
import regex

from healthlint.errors import RuleError
from healthlint.rules.loader import load_pack
from healthlint.rules.shapes import ShapeError, compile_shape, references

FRAGMENTS = {
    "conditions": r"(?<!\w)(?:pain|migraines?|depression|blood\s+pressure)(?!\w)",
    "verbs": r"(?<!\w)(?:relieves?|eases?|brings?)(?!\w)",
    "gap": r"\s+(?:(?!(?:if|but)\b)[\w'’-]+\s+){0,5}?",
}


def finds(shape, text):
    return any(regex.search(p, text, regex.IGNORECASE) for p in compile_shape(shape, FRAGMENTS))


@pytest.mark.parametrize("shape, text, expected", [
    ("{verbs} ... {conditions}", "It relieves chronic back pain.", True),
    ("{verbs} ... {conditions}", "Stop if your pain gets worse.", False),  # no efficacy verb
    ("{verbs} ... {conditions}", "It eases, if taken early, pain.", False),  # not across punctuation
    ("help~ ...2 with|for {conditions}", "It helped so much with depression", True),
    ("help~ ...2 with|for {conditions}", "It helpful with depression", False),
    ('"say goodbye to"|"no more" ...3 {conditions}', "No more nagging pain", True),
    ("{conditions} will? be history|gone", "Your migraines will be history", True),
    ("{conditions} will? be history|gone", "Your migraines be gone", True),
    ("{verbs} {conditions} down", "It brings blood pressure down fast", True),
    ("lose~|lost # percent? ...3 weight", "patients lose 15–20% of their weight", True),
    ("lose~|lost # percent? ...3 weight", "patients lose 15 percent of body weight", True),
    ("{conditions} ...2!not|never fade~", "the pain will fade", True),
    ("{conditions} ...2!not|never fade~", "the pain will never fade", False),
    ("nature's {conditions}", "nature’s pain", True),
    ("anti-inflammatory", "an anti inflammatory", True),
    ("anti-inflammatory", "antiinflammatory", True),
    ("pain", "painkiller", False),  # whole words
])
def test_shape_matches(shape, text, expected):
    assert finds(shape, text) is expected


def test_named_slots_in_several_orders():
    shape = {"slots": {"effect": "{verbs}", "target": "{conditions}"},
             "orders": ["effect ... target", "target ...3 effect"]}
    assert len(compile_shape(shape, FRAGMENTS)) == 2
    assert finds(shape, "it relieves pain")
    assert finds(shape, "pain that it eases")


def test_references_include_the_default_gap():
    assert references("{verbs} ... {conditions}") == {"verbs", "gap", "conditions"}
    assert references("{verbs} ...3 {conditions}") == {"verbs", "conditions"}


@pytest.mark.parametrize("shape, message", [
    ("... {verbs}", "begin or end with a gap"),
    ("{verbs} ...", "begin or end with a gap"),
    ("{nope} pain", "unknown vocabulary {nope}"),
    ("{verbs} ...40 pain", "longer than"),
    ("{verbs} (pain)", "cannot read the shape"),
    ({"slots": {"a": "x"}}, "slots' and 'orders'"),
])
def test_bad_shapes_are_refused(shape, message):
    with pytest.raises(ShapeError, match=regex.escape(message)):
        compile_shape(shape, FRAGMENTS)


def _pack(tmp_path, vocab: str, rule_pattern: str = "'{claims}'"):
    (tmp_path / "vocabularies").mkdir()
    (tmp_path / "vocabularies" / "claims.yaml").write_text(vocab)
    (tmp_path / "r.yaml").write_text(
        "id: r\nkind: sentence\nseverity: error\nmessage: m\ndescription: d\n"
        f"patterns:\n  - {rule_pattern}\nexamples:\n  fail: ['It relieves pain.']\n")
    return load_pack(tmp_path)


def test_a_vocabulary_of_shapes_loads_and_matches(tmp_path):
    pack = _pack(tmp_path, "name: claims\ndescription: d\nshapes:\n  - relieve~ ...3 pain\n")
    assert regex.search(pack.vocabularies["claims"].fragment, "it relieves the pain")
    assert pack.vocabularies["claims"].shapes == ("relieve~ ...3 pain",)


def test_a_check_can_be_a_shape(tmp_path):
    pack = _pack(tmp_path, "name: claims\ndescription: d\nterms: [x]\n", "{shape: 'relieve~ ...3 pain'}")
    assert pack.rules["r"].id == "r"


def test_a_bad_shape_is_an_error_at_its_line(tmp_path):
    with pytest.raises(RuleError) as e:
        _pack(tmp_path, "name: claims\ndescription: d\nshapes:\n  - relieve~ ...3 pain\n  - '... pain'\n")
    assert e.value.line == 5 and "invalid shape" in str(e.value)


def test_shapes_and_terms_are_exclusive(tmp_path):
    with pytest.raises(RuleError, match="one of 'terms', 'shapes' or 'pattern'"):
        _pack(tmp_path, "name: claims\ndescription: d\nterms: [x]\nshapes: ['a b']\n")

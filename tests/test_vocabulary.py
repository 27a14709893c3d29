"""Vocabularies: plain phrases written as one trie match exactly what the list of phrases matches."""
import regex
from hypothesis import given, settings, strategies as st

from healthlint.rules.inflect import inflect
from healthlint.rules.literals import required_literals
from healthlint.rules.vocabulary import build_fragment


def as_list(terms, how=None):
    """The same vocabulary written the plain way: one alternative per phrase."""
    forms = {form for term in terms for form in (inflect(term, how) if how else {term})}
    alternatives = []
    for form in forms:
        alternatives.append("".join(r"\s+" if ch == " " else r"[-\s]?" if ch == "-" else "['’]" if ch in "'’"
                                    else regex.escape(ch) for ch in form))
    return r"(?<![\w])(?:" + "|".join(sorted(alternatives, key=lambda a: (-len(a), a))) + r")(?![\w])"


def test_a_trie_shares_beginnings():
    assert build_fragment(["relieve", "relief", "pain", "pain relief"], None) == \
        r"(?<![\w])(?:(?:pain(?:\s+relief)?|relie(?:ve|f)))(?![\w])"


def test_regex_terms_stay_as_written_before_the_trie():
    fragment = build_fragment(["cures?", "heal"], "verb")
    assert fragment.startswith(r"(?<![\w])(?:(?:cures?)|heal")


WORDS = st.lists(st.text(alphabet="abe -'", min_size=1, max_size=6).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and s[0].isalpha() and s[-1].isalpha()), min_size=1, max_size=12, unique=True)


@settings(max_examples=200, deadline=None)
@given(WORDS, st.lists(st.text(alphabet="abe -'’\n", max_size=30), min_size=1, max_size=8))
def test_the_trie_finds_what_the_list_finds(terms, texts):
    trie = regex.compile(build_fragment(terms, None), regex.I)
    listed = regex.compile(as_list(terms), regex.I)
    for text in texts:
        assert {m.start() for m in trie.finditer(text, overlapped=True)} == \
            {m.start() for m in listed.finditer(text, overlapped=True)}
        assert bool(trie.fullmatch(text)) == bool(listed.fullmatch(text))


def test_every_inflected_form_of_the_built_in_pack_still_matches(linter):
    for vocabulary in linter.pack.vocabularies.values():
        compiled = regex.compile(vocabulary.fragment, regex.I)
        for term in vocabulary.terms:
            if regex.fullmatch(r"[\w '’-]+", term):
                assert compiled.search(f" {term} "), (vocabulary.name, term)


def test_a_word_beginning_is_carried_into_an_alternation_too_large_to_spell_out():
    endings = [a + b + c for a in "aeiou" for b in "bcdfgklmnprst" for c in "aeiouy"]  # 390 endings
    (shape,) = required_literals("rel(?:" + "|".join(endings) + r")\b", regex.I)
    best = shape[0]
    assert "relabe" in best and all(s.startswith("rel") for s in best)


def test_the_built_in_claim_verbs_are_required_as_words():
    (shape,) = required_literals(build_fragment(["relieve", "reduce", "resolve", "repair", "reverse"], "verb")
                                 + r"\s+(?:pain|anxiety)", regex.I)
    verbs = next(clause for clause in shape if "relieves " in clause)  # the white space after it is required too
    assert all(len(s.rstrip(" ")) >= 6 for s in verbs)

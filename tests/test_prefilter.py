"""The literal prefilter and shape-by-shape search change the work done, never the findings."""
from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthlint import Linter
from healthlint.kinds import prefilter
from healthlint.kinds.prefilter import PatternPlan
from healthlint.rules import alternatives
from healthlint.rules.alternatives import split_alternatives
from healthlint.rules.literals import WHITE_SPACE, conjunction, required_literals, searchable
from tests.conftest import ROOT, SHARED
from tests.test_properties import DOCUMENTS


# --- what a pattern requires ---------------------------------------------------------------

def test_a_claim_needs_a_verb_and_a_condition():
    shapes = required_literals(r"\b(?:cures?|heals)\s+(?:\w+\s+){0,2}?(?:anxiety|depression)\b", regex.I)
    assert shapes == ((frozenset({" anxiety", " depression"}), frozenset({"cure ", "cures ", "heals "})),)


def test_white_space_is_a_literal_space():
    # "\s" reads as " " both before and after it; an optional piece ending in white space keeps the space
    assert conjunction(r"ok\s+of") == (frozenset({"ok "}), frozenset({" of"}))
    assert conjunction(r"foo(?:x\s+)?bar") == (frozenset({"foo"}), frozenset({"obar", " bar"}))
    assert conjunction(r"money[-\s]back") == (frozenset({"money back", "money-back"}),)


def test_a_clause_implied_by_another_is_dropped():
    # text with "cures " always has "cures": looking for both would only cost time
    assert conjunction(r"cures\s+insomnia") == (frozenset({" insomnia"}), frozenset({"cures "}))


def test_common_words_come_last():
    # " of " is longer than "ok " but nearly every sentence has it; the rarer clause is searched first
    clauses = conjunction(r"(?:guidance|ok)\s+of\s+(?:your|the)\s+doctor")
    assert clauses == (frozenset({" doctor"}), frozenset({"guidance ", "ok "}), frozenset({" your ", " the "}))


def test_each_top_level_shape_has_its_own_requirement():
    shapes = required_literals(r"(?:miracle\s+cure|guaranteed\s+results)", regex.I)
    assert [sorted(s for clause in shape for s in clause) for shape in shapes] == [
        [" cure", "miracle "], [" results", "guaranteed "]]


@pytest.mark.parametrize("pattern", [
    r"\w+",                      # no literal at all
    r"(?:ab|cd)",                # literals too short to be selective
    r"(?:miracle|\d+)",          # one shape without a literal
    r"(?:foo",                   # invalid
    r"x\L<names>y",              # regex-only syntax the stdlib parser rejects
])
def test_patterns_without_a_known_requirement(pattern):
    assert required_literals(pattern) is None


def test_regex_only_zero_width_escapes_are_ignored():
    assert required_literals(r"\G(?:buy|order)\b") == ((frozenset({"buy", "order"}),),)


def test_small_classes_and_optional_letters_are_expanded():
    assert conjunction(r"#(?:sp|ad)s?\b") == (frozenset({"#sp", "#sps", "#ad", "#ads"}),)


def test_non_ascii_pieces_end_a_literal_run():
    assert conjunction(r"Alzheimer['’]s\s+disease") == (frozenset({"alzheimer"}), frozenset({" disease"}))


def test_searchable_keeps_every_offset_and_folds_like_the_regex_module():
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    folded = searchable(everything)
    assert len(folded) == len(everything)
    ascii_letter = regex.compile("[a-z]", regex.IGNORECASE)
    for original, lowered in zip(everything, folded):
        if ascii_letter.fullmatch(original):
            assert lowered.isascii() and regex.fullmatch(lowered, original, regex.IGNORECASE), hex(ord(original))


def test_searchable_reads_all_white_space_as_a_space():
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    space = regex.compile(r"\s")
    white = {ch for ch in everything if ch.isspace() or space.fullmatch(ch)}
    assert white == set(WHITE_SPACE)
    assert searchable(WHITE_SPACE) == " " * len(WHITE_SPACE)
    assert searchable("Cures\u00a0Anxiety\tfast") == "cures anxiety fast"


# Pieces of patterns to build random ones from (literals, white space, classes, optional and repeated
# groups, alternations, word boundaries, lookarounds), each with text it can match.
_SPACE = st.sampled_from(" \t\n\u00a0\u2003")
_WORD = st.text(alphabet="abcxABC", min_size=1, max_size=3)
_PIECES = {
    "ab": st.sampled_from(["ab", "AB", "aB"]),
    "cab": st.just("cab"),
    "a": st.sampled_from(["a", "A"]),
    "c": st.just("c"),
    r"\s": _SPACE,
    r"\s+": st.lists(_SPACE, min_size=1, max_size=3).map("".join),
    r"\s*": st.lists(_SPACE, max_size=2).map("".join),
    " ": st.just(" "),
    "[ab]": st.sampled_from("abB"),
    "[a-c]": st.sampled_from("abc"),
    r"[-\s]": st.sampled_from("- \t\u00a0"),
    r"\w": st.sampled_from("abx"),
    r"\w+": _WORD,
    r"\b": st.just(""),
    r"(?<!a)": st.just(""),
    r"(?=b)": st.just(""),
    ".": st.sampled_from("ax -"),
    "(?:ab|c)": st.sampled_from(["ab", "c"]),
    r"(?:a\s+)?": st.one_of(st.just(""), _SPACE.map(lambda space: "a" + space)),
    "(?:b|)": st.sampled_from(["b", ""]),
    "c{1,3}": st.sampled_from(["c", "cc", "ccc"]),
    r"(?:\w+\s+){0,2}?": st.lists(st.tuples(_WORD, _SPACE).map("".join), max_size=2).map("".join),
}


@st.composite
def _pattern_and_text(draw):
    """A random pattern (sometimes a two-shape alternation) and a text that often holds a match of it."""
    shapes = [draw(st.lists(st.sampled_from(sorted(_PIECES)), min_size=1, max_size=6))]
    if draw(st.booleans()):
        shapes.append(draw(st.lists(st.sampled_from(sorted(_PIECES)), min_size=1, max_size=4)))
    pattern = "".join(shapes[0]) if len(shapes) == 1 else "(?:" + "|".join("".join(s) for s in shapes) + ")"
    matched = "".join(draw(_PIECES[piece]) for piece in draw(st.sampled_from(shapes)))
    around = st.text(alphabet="abcx \t-", max_size=4)
    return pattern, draw(around) + matched + draw(around)


def _satisfied(requirement, text: str) -> bool:
    folded = searchable(text)
    return any(all(any(s in folded for s in clause) for clause in shape) for shape in requirement)


@settings(max_examples=1500, deadline=None)
@given(_pattern_and_text())
def test_every_match_holds_what_the_pattern_requires(pattern_and_text):
    # the prefilter may only ever skip text in which the pattern cannot match
    pattern, text = pattern_and_text
    requirement = required_literals(pattern, regex.IGNORECASE)
    if requirement is not None and regex.search(pattern, text, regex.IGNORECASE):
        assert _satisfied(requirement, text), (requirement, searchable(text))


# --- splitting alternations ----------------------------------------------------------------

def test_split_alternatives():
    assert split_alternatives(r"(?:ab\|c|[|)]d|(?:e|f)g)") == [r"ab\|c", "[|)]d", "(?:e|f)g"]


@pytest.mark.parametrize("pattern", [
    r"(?:a(b)|c)",      # a capturing group
    r"(?:\Ga|b)",       # \G depends on where a search starts
    r"(?:a*|b)",        # an alternative that can match nothing
    r"(?i)(?:a|b)",     # a global flag
    r"(?:ab)",          # a single alternative
    r"(?:a|b",          # unbalanced
])
def test_split_alternatives_refuses(pattern):
    assert split_alternatives(pattern) is None


def test_a_shape_led_by_a_vocabulary_is_distributed_over_it(monkeypatch):
    # (?:a|b)rest tries a, then rest, before b: as a part per leading alternative does
    monkeypatch.setattr(alternatives, "DISTRIBUTED_LEAD", 0)
    assert split_alternatives(r"(?:(?<!x)(?:ab|(?:c|d))\s+e(?!y)|f)") == [
        r"(?<!x)ab\s+e(?!y)", r"(?<!x)c\s+e(?!y)", r"(?<!x)d\s+e(?!y)", "f"]
    assert split_alternatives(r"(?:a|b)c") == ["ac", "bc"]


def test_a_short_leading_alternation_is_left_whole():
    # a handful of words costs the engine little, and each copy of what follows would be compiled
    assert split_alternatives(r"(?:(?:is|are)\s+good|bad)") == [r"(?:is|are)\s+good", "bad"]
    vocabulary = "(?:" + "|".join(f"word{i}" for i in range(60)) + ")"
    assert len(split_alternatives(vocabulary + r"\s+x")) == 60


@pytest.mark.parametrize("pattern", [
    r"(?:a|b)?c",       # a quantified group is not an alternation to distribute
    r"(?:a|b)+c",
    r"(?:a|b){2}c",
    r"(?:(?:a|b)*c)",
])
def test_a_quantified_leading_group_is_not_distributed(pattern, monkeypatch):
    monkeypatch.setattr(alternatives, "DISTRIBUTED_LEAD", 0)
    assert split_alternatives(pattern) is None


def test_a_plan_of_a_compiled_pattern_searches_it_whole_too():
    pattern = regex.compile(r"\bcures?\b", regex.I)
    plan = PatternPlan(pattern)
    assert [m.span() for m in plan.finditer("It cures. Cure!", 0, 15, None)] == [(3, 8), (10, 14)]
    assert plan.search("It cures.", 0, 9, None)


def test_distributing_stops_at_the_size_limit(monkeypatch):
    monkeypatch.setattr(alternatives, "DISTRIBUTED_LEAD", 0)
    monkeypatch.setattr(alternatives, "DISTRIBUTED_SIZE", 20)
    assert split_alternatives(r"(?:a|b|c)" + "x" * 10) is None


def test_alternatives_beyond_the_size_limit_share_parts_in_order(monkeypatch):
    monkeypatch.setattr(alternatives, "DISTRIBUTED_LEAD", 0)
    monkeypatch.setattr(alternatives, "DISTRIBUTED_SIZE", 30)
    assert split_alternatives(r"(?:a|b|c|d|e)xyz") == ["axyz", "(?:b|c)xyz", "(?:d|e)xyz"]


SHAPES = ["ab", "a", "abc", "b+c", "ca", "c(?=a)", "(?<=b)a", "a[bc]a", r"\Ga", r"\Gb+", r"\G[ab]c"]
LEADS = ["a", "b", "ab", "a+", "b?c", "(?<=a)b", "c(?!a)"]
RESTS = ["", "a", "b*", "c|a", "(?:a|bc)", "a??b", "x*"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcx ", max_size=40), st.data())
def test_distributed_search_finds_the_same_matches(text, data):
    leads = data.draw(st.lists(st.sampled_from(LEADS), min_size=2, max_size=4, unique=True))
    rest = data.draw(st.sampled_from(RESTS))
    pattern = regex.compile("(?:(?:" + "|".join(leads) + ")(?:" + rest + ")|xx)")
    size = data.draw(st.sampled_from([alternatives.DISTRIBUTED_SIZE, 40, 50]))  # small: runs share a part
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alternatives, "DISTRIBUTED_LEAD", 0)
        patch.setattr(alternatives, "DISTRIBUTED_SIZE", size)
        plan = PatternPlan(pattern)
    if plan.parts is None:  # an alternative could match nothing
        return
    if size == alternatives.DISTRIBUTED_SIZE:
        assert len(plan.parts) == len(leads) + 1
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = [m.span() for m in pattern.finditer(text, start, end)]
    found = [m.span() for m in plan.finditer(text, start, end, tuple(range(len(plan.parts))))]
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcx ", max_size=40), st.data())
def test_shape_by_shape_search_finds_the_same_matches(text, data):
    shapes = data.draw(st.lists(st.sampled_from(SHAPES), min_size=2, max_size=5, unique=True))
    pattern = regex.compile("(?:" + "|".join(shapes) + ")")
    plan = PatternPlan(pattern)
    assert plan.parts == shapes
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = [m.span() for m in pattern.finditer(text, start, end)]
    found = [m.span() for m in plan.finditer(text, start, end, tuple(range(len(shapes))))]
    assert found == expected


# --- the whole pack, with and without the prefilter ----------------------------------------

@pytest.fixture(scope="module")
def linters():
    with_prefilter = Linter(profile="strict", rule_timeout=None)
    patch = pytest.MonkeyPatch()
    patch.setattr(prefilter, "required_literals", lambda pattern, flags=0: None)
    patch.setattr(prefilter, "split_alternatives", lambda pattern, **options: None)
    patch.setenv("HEALTHLINT_NO_CACHE", "1")
    try:
        without = Linter(profile="strict", rule_timeout=None)
    finally:
        patch.undo()
    matchers = [part for rule in without.rules for part in vars(rule.check).values() if hasattr(part, "plans")]
    assert matchers and all(plan is None or plan.id is None for matcher in matchers
                            for plan in (*matcher.plans, *matcher.rule_exception_plans,
                                         *(p for plans in matcher.exception_plans for p in plans)))
    return with_prefilter, without


def _documents():
    folders = [ROOT / "tests" / "probes", ROOT / "tests" / "fixtures", ROOT / "examples",
               SHARED / "corpus" / "seeds", SHARED / "corpus" / "dev"]
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".md", ".txt", ".html") and path.is_file():
                    yield path


def test_same_findings_on_every_document_we_have(linters):
    with_prefilter, without = linters
    checked = 0
    for path in _documents():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        assert with_prefilter.lint_text(text, str(path)) == without.lint_text(text, str(path)), path
        checked += 1
    assert checked > 20


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_same_findings_on_generated_documents(linters, text):
    with_prefilter, without = linters
    for name in ("doc.md", "doc.txt"):
        assert with_prefilter.lint_text(text, name) == without.lint_text(text, name)


# --- link destinations -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def link_targets():
    linter = Linter(profile="strict")
    targets = [t for rule in linter.rules for t in getattr(rule.check, "targets", ())]
    assert targets and all(t.requirement is not None for t in targets)
    return targets


URL_PIECES = ["https://", "http://", "www.", "amzn.to/", "amazon.com/dp/B0", "?tag=", "&ref=", "/go/", "bit.ly/",
              "shareasale.com", "example.com", "/recommends/", "?aff_id=", "utm_source=", "-20", "ODS.OD.NIH.GOV/",
              "a", "/", ".", "=", "x1"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join))
def test_a_link_target_is_skipped_only_where_it_cannot_match(link_targets, url):
    for target in link_targets:
        expected = target.pattern.search(url)
        found = target.search(url)
        assert (found and found.span()) == (expected and expected.span()), (target.pattern, url)


def test_link_targets_pickle_without_their_automaton(link_targets):
    import pickle

    target = pickle.loads(pickle.dumps(link_targets[0]))
    assert target.search("https://amzn.to/3xYz") is not None
    assert target.search("https://ods.od.nih.gov/factsheets/") is None

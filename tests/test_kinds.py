"""Each rule kind, on a small pack of its own."""
import textwrap

import pytest

from healthlint.pipeline import Linter
from healthlint.rules.loader import RulePack, builtin_pack_dir

HEAD = "severity: error\nmessage: 'hit {match}'\ndescription: d\nexamples: {fail: [x]}\n"


def make_linter(tmp_path, body):
    (tmp_path / "r.yaml").write_text("id: r\n" + HEAD + textwrap.dedent(body), encoding="utf-8")
    pack = RulePack()
    pack.add_dir(builtin_pack_dir())  # for the shared vocabularies
    pack.add_dir(tmp_path)
    return Linter(pack=pack, select=["r"])


def lines(linter, text, kind="markdown"):
    return [(d.line, d.column) for d in linter.lint_text(text, "t.md", kind)]


def test_sentence_kind_with_exception_scopes(tmp_path):
    linter = make_linter(tmp_path, """\
        kind: sentence
        patterns: ['wonder drug']
        unless:
          - {pattern: 'maybe', scope: sentence}
          - {pattern: 'not', scope: preceding}
          - {pattern: 'sarcasm', scope: following}
        """)
    assert lines(linter, "It is a wonder drug.") == [(1, 9)]
    assert lines(linter, "It is maybe a wonder drug.") == []
    assert lines(linter, "It is not a wonder drug.") == []
    assert lines(linter, "It is a wonder drug, not a cure.") == [(1, 9)]  # negation follows: still reported
    assert lines(linter, "A wonder drug (sarcasm).") == [(1, 3)]  # other clause
    assert lines(linter, "A wonder drug sarcasm.") == []
    assert lines(linter, "Is it a wonder drug?") == []  # questions are skipped


def test_sentence_kind_reports_once_per_sentence_and_respects_scopes(tmp_path):
    linter = make_linter(tmp_path, """\
        kind: sentence
        scopes: [heading]
        patterns: ['wonder']
        """)
    assert lines(linter, "# A wonder, a wonder\n\nA wonder.\n") == [(1, 5)]


def test_document_kind(tmp_path):
    linter = make_linter(tmp_path, """\
        kind: document
        trigger: ['dose']
        min_triggers: 2
        require: ['ask a grown-up']
        front_matter: [grown_up]
        """)
    assert lines(linter, "One dose.\n") == []
    assert lines(linter, "One dose.\n\nTwo dose.\n") == [(1, 1)]
    assert lines(linter, "One dose.\n\nTwo dose. Ask a grown-up.\n") == []
    assert lines(linter, "---\ngrown_up: yes\n---\nOne dose. Two dose.\n") == []


def test_link_kind(tmp_path):
    linter = make_linter(tmp_path, """\
        kind: link
        targets: ['[?&]ref=']
        phrases: ['buy now']
        disclosures: ['we earn money']
        """)
    text = "[A](https://x.example/?ref=1) and [B](https://y.example/).\n\nBuy now! Buy now!\n"
    assert lines(linter, text) == [(1, 5), (3, 1)]  # one per line
    assert lines(linter, text + "\nWe earn money from these links.\n") == []
    ref = "Try [this][x].\n\n[x]: https://x.example/?ref=2\n"
    assert lines(linter, ref) == [(3, 6)]  # at the definition


@pytest.mark.parametrize("scope", ["preceding", "following", "clause", "before", "after", "match"])
def test_every_exception_scope_loads(tmp_path, scope):
    make_linter(tmp_path, f"kind: sentence\npatterns: ['x']\nunless: [{{pattern: 'y', scope: {scope}}}]\n")


def test_a_topic_check_reports_what_is_said_after_a_label_that_names_its_topic(tmp_path):
    linter = make_linter(tmp_path, """\
        kind: sentence
        patterns:
          - shape: 'gone|"shuts off"'
            topic: '{conditions}'
        """)
    assert lines(linter, "## Insomnia? Gone in three weeks.\n") == [(1, 14)]
    assert lines(linter, "- **Anxiety.** The point shuts off the panic.\n") == [(1, 26)]
    assert lines(linter, "Chronic insomnia: gone.\n") == [(1, 19)]  # one word may come before the topic
    # no topic, or the topic is not what opens the segment: a sentence, not a label
    assert lines(linter, "Gone in three weeks.\n") == []
    assert lines(linter, "I've had insomnia since I was six. Gone now.\n") == []
    assert lines(linter, "Does it work for insomnia? It is gone.\n") == []
    assert lines(linter, "Fatigue and jet lag? Gone.\n\nInsomnia is common. Sleep is gone.\n") == [(1, 22)]
    # the match must come after the topic, in the same paragraph, list item or heading
    assert lines(linter, "Insomnia?\n\nGone in three weeks.\n") == []
    assert lines(linter, "- Insomnia.\n- Gone in three weeks.\n") == []
    # a long opening is a sentence, not a label
    assert lines(linter, "Insomnia and one two three four five six seven eight nine ten eleven: gone.\n") == []


def test_a_topic_is_a_shape(tmp_path):
    (tmp_path / "r.yaml").write_text("id: r\n" + HEAD + "kind: sentence\npatterns:\n  - shape: gone\n"
                                     "    topic: '{no_such_vocabulary}'\n", encoding="utf-8")
    pack = RulePack()
    pack.add_dir(builtin_pack_dir())
    with pytest.raises(Exception, match=r"r\.yaml:9:12: invalid shape: unknown vocabulary \{no_such_vocabulary\}"):
        pack.add_dir(tmp_path)

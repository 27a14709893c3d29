"""The topic a paragraph, list item or heading opens with, and the claims made about it after.

Sales copy names a condition as a label and makes the claim about it in the
words that follow, where no sentence names both::

    Dry eye? Gone in three weeks.
    - **Colic and reflux in babies.** A gentle adjustment ends the screaming nights.
    - Anxiety: the Shen Men point shuts off the panic response.

A topic is the opening of a segment (paragraph, list item, heading) up to the
first question mark, colon, full stop, exclamation mark or dash, when that
opening is at most ``MAX_TOPIC_WORDS`` words long and has no auxiliary or
copula (is, has, can...: those make it a clause). A check with a ``topic``
shape reports a match only when it lies after such an opening and the
opening starts with the shape (after at most ``MAX_WORDS_BEFORE`` word, such
as "Knee" or "Chronic"): a label names its topic first, where a sentence
("Does elderberry work for COVID?", "I've had migraines since I was
fourteen.") has a subject and a verb before it. The topic is found once per
segment.
"""
from __future__ import annotations

import regex

from healthlint.budget import remaining
from healthlint.rules.patterns import Pattern

MAX_TOPIC_WORDS = 12
MAX_WORDS_BEFORE = 1
# The opening's end: a mark followed by white space (or the end), or a dash; never a decimal point or a URL's colon.
_TOPIC_END = regex.compile(r"[?:.!](?=\s|$)|\s[—–-]\s|[—–]")
_WORD = regex.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# An auxiliary or a copula makes the opening a clause ("Insomnia is common."), not a label.
_CLAUSE = regex.compile(r"\b(?:is|are|was|were|am|be|been|being|has|have|had|do|does|did|can|could|will|would|"
                        r"shall|should|may|might|must)\b|n['’]t\b", regex.IGNORECASE)
_NO_TOPIC = -1


def topic_end(document, segment_start: int, segment_end: int) -> int:
    """Where the topic opening ``segment_start`` ends (after its mark), or -1 if the segment opens with none."""
    key = (_TOPIC_END, segment_start)
    end = document.cache.get(key)
    if end is None:
        end = _NO_TOPIC
        prose = document.prose
        m = _TOPIC_END.search(prose, segment_start, segment_end)
        if m is not None and m.end() < segment_end:
            words = _WORD.findall(prose, segment_start, m.start())
            if 0 < len(words) <= MAX_TOPIC_WORDS and not _CLAUSE.search(prose, segment_start, m.start()):
                end = m.end()
        document.cache[key] = end
    return end


def after_topic(document, sentence, m_start: int, topic: Pattern) -> bool:
    """Is the match at ``m_start`` after a topic opening of its segment that starts with ``topic``?"""
    end = topic_end(document, sentence.segment_start, sentence.segment_end)
    if end == _NO_TOPIC or m_start < end:
        return False
    key = (topic, sentence.segment_start)
    held = document.cache.get(key)
    if held is None:
        found = topic.search(document.prose, sentence.segment_start, end, timeout=remaining())
        held = document.cache[key] = found is not None and len(
            _WORD.findall(document.prose, sentence.segment_start, found.start())) <= MAX_WORDS_BEFORE
    return held

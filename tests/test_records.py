"""Records are frozen dataclasses in every respect but the speed of making one."""
import dataclasses
import pickle

import pytest

from healthlint.diagnostics import Diagnostic, Severity
from healthlint.records import record
from healthlint.text.document import Sentence


def test_a_record_is_a_frozen_dataclass():
    s = Sentence(1, 5, "paragraph")
    assert s == Sentence(1, 5, "paragraph", 0, 0) == Sentence(start=1, end=5, scope="paragraph")
    assert hash(s) == hash(Sentence(1, 5, "paragraph"))
    assert repr(s) == "Sentence(start=1, end=5, scope='paragraph', segment_start=0, segment_end=0)"
    assert dataclasses.replace(s, end=9).end == 9 and pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.start = 2
    with pytest.raises(TypeError):
        Sentence(1, 5)


def test_ordering_is_kept():
    a = Diagnostic("a.md", 2, 1, 2, 5, "r", Severity.ERROR, "m")
    b = Diagnostic("a.md", 1, 9, 1, 12, "r", Severity.ERROR, "m")
    assert sorted([a, b]) == [b, a]


def test_only_plain_fields():
    with pytest.raises(TypeError):
        @record
        class Listed:
            items: list = dataclasses.field(default_factory=list)

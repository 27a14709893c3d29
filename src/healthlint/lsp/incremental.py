"""A Linter that remembers sentence findings, so an edit re-checks only the sentences it touched.

While a writer types, almost every sentence of the document is unchanged. A
``sentence`` rule's findings are local to each sentence (that is the kind's
contract: it reports per sentence, from the sentence and what precedes it), so
they can be cached under the sentence's text. The key holds the sentence, its
scope and ``CONTEXT`` characters before it, because a pattern's look-behind
may look back past the sentence's start; findings are kept relative to the
sentence. The rule's own ``run`` does the work, on a view of the document
that lists only the sentences not yet cached: no rule logic is repeated here.

Other kinds (document, link) read the whole document and are run afresh.
"""
from __future__ import annotations

import bisect
import threading

from healthlint.pipeline import Linter

CONTEXT = 256
MAX_ENTRIES = 50_000


class IncrementalLinter(Linter):
    """A :class:`~healthlint.pipeline.Linter` whose ``sentence`` rules reuse earlier results."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cache: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def run_rule(self, rule, document):
        if rule.kind != "sentence":
            return rule.run(document)
        prose = document.prose
        sentences = document.sentences
        keys = [(rule.id, s.scope, s.start - max(0, s.start - CONTEXT),
                 prose[max(0, s.start - CONTEXT):s.end]) for s in sentences]
        with self._lock:
            known = [self._cache.get(k) for k in keys]
        missing = [i for i, hit in enumerate(known) if hit is None]
        if missing:
            fresh = {i: [] for i in missing}
            starts = [sentences[i].start for i in missing]
            view = document.with_sentences([sentences[i] for i in missing])
            for start, end, message in rule.run(view):
                i = missing[bisect.bisect_right(starts, start) - 1]
                base = sentences[i].start
                fresh[i].append((start - base, end - base, message))
            with self._lock:
                if len(self._cache) + len(missing) > MAX_ENTRIES:
                    self._cache.clear()
                for i, found in fresh.items():
                    known[i] = self._cache[keys[i]] = tuple(found)
        findings = []
        for sentence, found in zip(sentences, known):
            findings.extend((sentence.start + s, sentence.start + e, m) for s, e, m in found)
        return findings

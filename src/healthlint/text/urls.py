"""Bare URLs in prose: found once, taken out of the prose and kept as links."""
from __future__ import annotations

import regex

# A scheme URL, a www. host, or a bare host with a path (bit.ly/x, amzn.to/y).
BARE_URL = regex.compile(
    r"""(?:(?<![\w@/.])(?:https?://|www\.)[^\s<>"'`]+"""
    r"""|(?<![\w@/.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,12}/[^\s<>"'`]*)""",
    regex.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"*_’”"


def find_urls(text: str, start: int = 0, end: int | None = None):
    """Yield ``(start, end)`` of each bare URL in ``text[start:end]``, trailing punctuation excluded."""
    for m in BARE_URL.finditer(text, start, len(text) if end is None else end):
        s, e = m.span()
        while e > s and text[e - 1] in _TRAILING:
            # keep a closing parenthesis that belongs to the URL, as in Wikipedia links
            if text[e - 1] == ")" and text.count("(", s, e) >= text.count(")", s, e):
                break
            e -= 1
        if e > s:
            yield s, e

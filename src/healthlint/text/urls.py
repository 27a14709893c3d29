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
# Every URL holds a "/" or a "www." and no white space, so BARE_URL need only run over
# the white-space-delimited words from the first such hint to the last.
_HINT = regex.compile(r"/|www\.", regex.IGNORECASE)
_LAST_HINT = regex.compile(r"/|www\.", regex.IGNORECASE | regex.REVERSE)
_SPACE = regex.compile(r"\s")
_LAST_SPACE = regex.compile(r"\s", regex.REVERSE)


def _window(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of ``text[start:end]`` that can hold a URL, or None."""
    first = _HINT.search(text, start, end)
    if first is None:
        return None
    last = _LAST_HINT.search(text, first.start(), end)
    space_before = _LAST_SPACE.search(text, start, first.start())
    space_after = _SPACE.search(text, last.end(), end)
    return (space_before.end() if space_before else start), (space_after.start() if space_after else end)


def may_hold_url(text: str) -> bool:
    """False when ``text`` certainly holds no bare URL (the cheap test before :func:`find_urls`)."""
    return "/" in text or "www." in text.lower()


def find_urls(text: str, start: int = 0, end: int | None = None):
    """Yield ``(start, end)`` of each bare URL in ``text[start:end]``, trailing punctuation excluded."""
    window = _window(text, start, len(text) if end is None else end)
    if window is None:
        return
    for m in BARE_URL.finditer(text, *window):
        s, e = m.span()
        while e > s and text[e - 1] in _TRAILING:
            # keep a closing parenthesis that belongs to the URL, as in Wikipedia links
            if text[e - 1] == ")" and text.count("(", s, e) >= text.count(")", s, e):
                break
            e -= 1
        if e > s:
            yield s, e

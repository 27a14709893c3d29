"""Documents as prose: Markdown and plain text become prose with source offsets.

Both readers produce a :class:`~healthlint.text.document.Document` whose
``prose`` string has exactly the length of the source: every character that is
not prose (markup, code, URLs, front matter, comments) is replaced by a space,
line breaks are kept. An offset into the prose is therefore an offset into the
source, and no position ever has to be searched for again.
"""
from healthlint.text.document import Document, Link, Segment, read_document

__all__ = ["Document", "Link", "Segment", "read_document"]

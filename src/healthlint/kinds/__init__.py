"""The closed set of rule kinds. Each module declares its FIELDS and a checker with ``build`` and ``run``."""
from healthlint.kinds import document, link, sentence

KINDS = {
    "sentence": (sentence.FIELDS, sentence.SentenceKind),
    "document": (document.FIELDS, document.DocumentKind),
    "link": (link.FIELDS, link.LinkKind),
}

__all__ = ["KINDS"]

"""Claim shapes: a word-level pattern language for rule authors, compiled to the engine's patterns.

A compliance editor writes what a claim looks like as a sequence of slots,
separated by spaces, instead of a regular expression::

    {efficacy_verbs} ... {conditions}              relieves (chronic) pain
    help~ ...2 with|against|for ... {conditions}    helps a lot with depression
    "say goodbye to"|"no more" ...3 {conditions}    say goodbye to joint pain
    {conditions} will? be history|gone              your migraines will be history

Slots:

=================  ==========================================================
``{name}``         a term of the vocabulary ``name``
``word``           the word itself (any case); ``'`` matches ' or ’, ``-`` is optional
``word~``          the word and its inflections (help, helps, helped, helping)
``a|b|"c d"``      one of these words or quoted phrases
``#``              a number, with its own % sign: 20, 1.5, 15–20, 99.9%, 120/80
``...``            up to five words, never across a clause word (the ``{gap}`` vocabulary)
``...N``           up to N words
``...N!a|b``       up to N words, none of them ``a`` or ``b``
``X?``             the slot ``X`` is optional (any slot but a gap)
=================  ==========================================================

Slots never match across punctuation: a gap's words are runs of letters,
digits and ``'’%/-``. A shape may also name its parts and list the orders in
which they may come, so one claim is written once for each word order::

    - slots: {agent: '{remedy_nouns}', target: '{conditions}'}
      orders:
        - agent for|against ...4 target
        - target agent

The compiled patterns use no lookaround except the ``!`` of a gap (which a
multi-pattern scanner can judge on the hit instead) and whole-word
boundaries, so every shape can be scanned in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from healthlint.rules.inflect import verb_forms

_TOKEN = regex.compile(
    r"""\s*(?:
        (?P<gap>\.\.\.(?P<count>\d+)?(?:!(?P<stop>(?:[\w'’-]+)(?:\|[\w'’-]+)*))?)
      | (?P<alt>(?:\{[a-z][a-z0-9_]*\}|"[^"]+"|[\w'’%/.+&-]+~?|\#)(?:\|(?:\{[a-z][a-z0-9_]*\}|"[^"]+"|[\w'’%/.+&-]+~?|\#))*)(?P<opt>\?)?
    )""",
    regex.VERBOSE,
)
_REFERENCE = regex.compile(r"\{([a-z][a-z0-9_]*)\}")
_DEFAULT_GAP = regex.compile(r"\.\.\.(?![\d!])")
_NUMBER = r"\d+(?:[.,]\d+)?(?:\s*(?:[-–]|to)\s*\d+(?:[.,]\d+)?)?(?:\s*%|/\d+)?"
_GAP_WORD = r"[\w'’%/-]+"
MAX_GAP = 12


class ShapeError(ValueError):
    """A shape that cannot be compiled; the message says which slot and why."""


@dataclass(frozen=True)
class _Slot:
    body: str  # regex for the slot's own text, no surrounding white space
    optional: bool = False
    gap: bool = False  # a gap: its words bring their own leading white space
    owns_space: bool = False  # the {gap} vocabulary: white space on both sides is its own


def _word(text: str) -> str:
    out = []
    for ch in text:
        if ch == " ":
            out.append(r"\s+")
        elif ch == "-":
            out.append(r"[-\s]?")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(regex.escape(ch))
    return "".join(out)


def _alternative(text: str, fragments: dict[str, str]) -> str:
    if text.startswith("{"):
        name = text[1:-1]
        if name not in fragments:
            raise ShapeError(f"unknown vocabulary {text}")
        return fragments[name]
    if text == "#":
        return r"(?<![\w.])" + _NUMBER
    if text.startswith('"'):
        return _whole(" ".join(text[1:-1].split()))
    if text.endswith("~"):
        forms = sorted(verb_forms(text[:-1].lower()), key=lambda f: (-len(f), f))
        return "(?:" + "|".join(_whole(f) for f in forms) + ")"
    return _whole(text)


def _whole(text: str) -> str:
    """A literal that matches only as whole words: a boundary where it begins or ends with a letter."""
    before = r"\b" if text[:1].isalnum() or text[:1] == "_" else ""
    after = r"\b" if text[-1:].isalnum() or text[-1:] == "_" else ""
    return before + _word(text) + after


def _split_alternatives(text: str) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "|" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _slots(shape: str, fragments: dict[str, str], named: dict[str, list[_Slot]]) -> list[_Slot]:
    slots: list[_Slot] = []
    pos = 0
    shape = shape.strip()
    while pos < len(shape):
        m = _TOKEN.match(shape, pos)
        if not m or m.end() == pos:
            raise ShapeError(f"cannot read the shape from {shape[pos:pos + 20]!r}")
        pos = m.end()
        if m.group("gap"):
            count = m.group("count")
            if count is None and not m.group("stop") and "gap" in fragments:
                slots.append(_Slot(fragments["gap"], owns_space=True))
                continue
            n = int(count) if count else 5
            if n > MAX_GAP:
                raise ShapeError(f"a gap of {n} words is longer than {MAX_GAP}")
            word = _GAP_WORD
            if m.group("stop"):
                stops = "|".join(_word(w) for w in m.group("stop").split("|"))
                word = rf"(?!(?:{stops})\b){_GAP_WORD}"
            slots.append(_Slot(rf"(?:\s+{word}){{0,{n}}}?", gap=True))
            continue
        texts = _split_alternatives(m.group("alt"))
        optional = bool(m.group("opt"))
        if len(texts) == 1 and texts[0] in named:
            inner = named[texts[0]]
            if optional:
                slots.append(_Slot(_join(inner), optional=True))
            else:
                slots.extend(inner)
            continue
        body = "|".join(_alternative(t, fragments) for t in texts)
        slots.append(_Slot(f"(?:{body})", optional=optional))
    if not slots:
        raise ShapeError("an empty shape")
    if slots[0].gap or slots[0].owns_space or slots[-1].gap or slots[-1].owns_space:
        raise ShapeError("a shape cannot begin or end with a gap")
    return slots


def _join(slots: list[_Slot]) -> str:
    """One regex for a sequence of slots: white space between words, none inside a gap's own."""
    out = []
    started = False  # a word that must be there has been placed
    for i, slot in enumerate(slots):
        after_owner = i > 0 and slots[i - 1].owns_space
        if slot.owns_space:
            out.append(slot.body)
        elif slot.gap:
            out.append(slot.body)
        elif not started:
            if slot.optional:
                out.append(f"(?:{slot.body}\\s+)?")
            else:
                out.append(slot.body)
                started = True
        elif after_owner:
            out.append(f"(?:{slot.body})?" if slot.optional else slot.body)
        elif slot.optional:
            out.append(f"(?:\\s+{slot.body})?")
        else:
            out.append(r"\s+" + slot.body)
        if slot.owns_space:
            started = True
    return "".join(out)


def compile_shape(shape, fragments: dict[str, str]) -> list[str]:
    """The regexes of one shape: a string, or a mapping of named ``slots`` and their ``orders``."""
    if isinstance(shape, str):
        return [_join(_slots(shape, fragments, {}))]
    if not isinstance(shape, dict) or set(shape) != {"slots", "orders"}:
        raise ShapeError("a shape is a string, or a mapping with 'slots' and 'orders'")
    slots, orders = shape["slots"], shape["orders"]
    if not isinstance(slots, dict) or not all(isinstance(v, str) for v in slots.values()):
        raise ShapeError("'slots' maps names to shapes")
    if not isinstance(orders, list) or not orders or not all(isinstance(o, str) for o in orders):
        raise ShapeError("'orders' is a list of shapes that use the slots' names")
    named = {name: _slots(value, fragments, {}) for name, value in slots.items()}
    return [_join(_slots(order, fragments, named)) for order in orders]


def references(shape) -> set[str]:
    """The vocabularies a shape uses: its ``{name}`` slots, and ``{gap}`` for a plain ``...``."""
    text = shape if isinstance(shape, str) else " ".join([*shape["slots"].values(), *shape["orders"]])
    names = set(_REFERENCE.findall(text))
    if _DEFAULT_GAP.search(text):
        names.add("gap")
    return names


def describe(shape) -> str:
    """A shape as a rule author wrote it, for ``healthlint explain``."""
    if isinstance(shape, str):
        return shape
    slots = ", ".join(f"{name} = {value}" for name, value in shape["slots"].items())
    return "; ".join(shape["orders"]) + f"   (where {slots})"

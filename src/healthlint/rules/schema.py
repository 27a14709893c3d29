"""The rule file schema: typed fields, validated with the position of every mistake.

Each rule kind declares its own fields (``kinds.*.FIELDS``); the fields every
rule has are :data:`COMMON_FIELDS`. Values are checked and compiled here, so
rules and kinds never validate their own configuration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import regex

from healthlint.errors import RuleError
from healthlint.rules.patterns import Pattern
from healthlint.rules.shapes import ShapeError, compile_shape
from healthlint.rules.model import EXCEPTION_SCOPES, Check, Exception_, Examples
from healthlint.text.document import SCOPES

# ASCII-only: the standard library's re reads them exactly as regex does, and compiles them faster.
VOCAB_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


# What a pattern may cost to compile: ``regex`` writes out the copies a counted
# repetition asks for, so ``(?:(?:a{1000}){1000}){20}`` (27 characters) would be
# 20 million parts and gigabytes. Counted as the pattern's parts, each times the
# counts of the repetitions around it (the largest count of each; 1 for *, + and ?).
MAX_PATTERN_SIZE = 200_000
_COUNT = re.compile(r"\{[\d\s,]*\}")
_NUMBER = re.compile(r"\d+")


def pattern_size(pattern: str, flags: int = 0) -> int:
    """How many parts ``pattern`` compiles to, counting repetitions multiplied through their nesting.

    Exact, or a bound on it when that bound is within MAX_PATTERN_SIZE.

    Read with ``regex``'s own parser (no second reading of the syntax to
    disagree with it), and only when a quick bound (the pattern's length times
    every count written in it) does not already show it small, which it does
    for most patterns. Raises ``regex.error`` as compiling would.
    """
    numbers = [int(n) for count in _COUNT.findall(pattern) for n in _NUMBER.findall("".join(count.split()))]
    bound = len(pattern)
    for n in numbers:
        bound *= max(n, 1)
        if bound > MAX_PATTERN_SIZE:
            break
    else:
        return bound
    from regex import _regex_core as core  # the engine's parser; parsing writes out no copies

    global_flags = flags
    while True:
        source = core.Source(pattern)
        info = core.Info(global_flags, source.char_type, {})
        source.ignore_space = bool(info.flags & regex.VERBOSE)
        try:
            tree = core._parse_pattern(source, info)
            break
        except core._UnscopedFlagSet:  # an inline flag for the whole pattern: parse again with it, as regex does
            global_flags = info.global_flags
    size, stack = 0, [(tree, 1)]
    while stack:
        node, times = stack.pop()
        if isinstance(node, core.GreedyRepeat):  # and the lazy and possessive repeats derived from it
            times *= node.max_count if node.max_count is not None else max(node.min_count, 1)
        children = [child for value in vars(node).values()
                    for child in (value if isinstance(value, (list, tuple)) else (value,))
                    if isinstance(child, core.RegexBase)]
        if children:
            stack.extend((child, times) for child in children)
        else:
            size += times
    return size


@dataclass(frozen=True)
class Field:
    """One key of a rule file: how to read it, whether it is required, its default, its meaning."""

    read: Callable[["Reader", Any, Any, Any], Any]
    required: bool = False
    default: Any = None
    doc: str = ""


def _close_matches(word, possibilities, n: int = 1) -> list:
    """``difflib.get_close_matches``, imported when a mistake needs a hint."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n)


def position(parent, key) -> tuple[int, int]:
    """1-based (line, column) of ``parent[key]``'s value, or of the mapping itself."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # only an error needs a position

    try:
        if isinstance(parent, CommentedMap) and key in parent:
            line, col = parent.lc.value(key)
            return line + 1, col + 1
        if isinstance(parent, CommentedSeq) and isinstance(key, int):
            line, col = parent.lc.item(key)
            return line + 1, col + 1
        return parent.lc.line + 1, parent.lc.col + 1
    except (AttributeError, KeyError, TypeError):
        return 1, 1


def key_position(parent, key) -> tuple[int, int]:
    try:
        line, col = parent.lc.key(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return position(parent, None)


class Reader:
    """Reads one YAML file's values, compiling patterns against the known vocabularies."""

    def __init__(self, path: str, fragments: dict[str, str], cache: dict):
        self.path = path
        self.fragments = fragments
        self.cache = cache

    def error(self, parent, key, message: str) -> RuleError:
        line, col = position(parent, key)
        return RuleError(self.path, line, col, message)

    def expand(self, text: str, parent, key) -> str:
        def replace(m):
            name = m.group(1)
            if name not in self.fragments:
                close = _close_matches(name, self.fragments, n=1)
                hint = f" (did you mean {{{close[0]}}}?)" if close else ""
                raise self.error(parent, key, f"unknown vocabulary {{{name}}}{hint}")
            return self.fragments[name]

        return VOCAB_REF.sub(replace, text)

    def compile(self, text: str, parent, key, flags: int = regex.IGNORECASE) -> Pattern:
        expanded = self.expand(text, parent, key)
        cache_key = (expanded, flags)
        compiled = self.cache.get(cache_key)
        if compiled is None:
            try:
                size = pattern_size(expanded, flags)
                if size > MAX_PATTERN_SIZE:
                    raise self.error(parent, key, f"pattern too large: its repetitions make {size:,} parts to "
                                                  f"compile, more than {MAX_PATTERN_SIZE:,} (use * or + "
                                                  f"rather than large counts such as {{1000}})")
                compiled = Pattern.validated(expanded, flags)
            except regex.error as e:
                raise self.error(parent, key, f"invalid regular expression: {e}") from None
            self.cache[cache_key] = compiled
        return compiled

    def shape_patterns(self, shapes, parent, key) -> list[str]:
        """The regexes of claim shapes (:mod:`healthlint.rules.shapes`), each error at its shape."""
        out = []
        for i, shape in enumerate(shapes):
            try:
                out.extend(compile_shape(shape, self.fragments))
            except ShapeError as e:
                where = (parent[key], i) if isinstance(parent, dict) and isinstance(parent.get(key), list) else (parent, key)
                raise self.error(*where, f"invalid shape: {e}") from None
        return out

    def fields(self, node, specs: dict[str, Field], what: str) -> dict[str, Any]:
        """Validate a mapping against ``specs``; return the read values (defaults filled in)."""
        if not isinstance(node, dict):
            raise RuleError(self.path, 1, 1, f"{what} must be a mapping")
        for key in node:
            if key not in specs:
                close = _close_matches(str(key), specs, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                line, col = key_position(node, key)
                raise RuleError(self.path, line, col, f"unknown key {key!r} in {what}{hint}")
        values = {}
        for name, spec in specs.items():
            if name in node and node[name] is not None:
                values[name] = spec.read(self, node[name], node, name)
            elif spec.required:
                line, col = position(node, None)
                raise RuleError(self.path, line, col, f"{what} is missing the required key {name!r}")
            else:
                values[name] = spec.default
        return values


# --- readers: (reader, value, parent, key) -> python value -------------------------------

def text(reader: Reader, value, parent, key) -> str:
    if not isinstance(value, str):
        raise reader.error(parent, key, f"{key!r} must be a string, not {type(value).__name__}")
    return str(value)  # a plain str, not ruamel's block-scalar subclass: a cached pack needs no ruamel


def boolean(reader: Reader, value, parent, key) -> bool:
    if not isinstance(value, bool):
        raise reader.error(parent, key, f"{key!r} must be true or false")
    return value


def integer(reader: Reader, value, parent, key) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise reader.error(parent, key, f"{key!r} must be a whole number ≥ 0")
    return value


def choice(*options: str):
    def read(reader: Reader, value, parent, key) -> str:
        if value not in options:
            raise reader.error(parent, key, f"{key!r} must be one of {', '.join(options)}; got {value!r}")
        return options[options.index(value)]
    return read


def text_list(reader: Reader, value, parent, key) -> tuple[str, ...]:
    if isinstance(value, str):
        return (str(value),)
    if not isinstance(value, list):
        raise reader.error(parent, key, f"{key!r} must be a list of strings")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise reader.error(value, i, f"each item of {key!r} must be a string")
    return tuple(map(str, value))


def plain_data(value):
    """YAML's round-trip containers as plain dicts, lists and strings (rule and configuration files alike)."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value if not isinstance(value, str) else str(value)


def shape_list(reader: Reader, value, parent, key) -> tuple:
    """Claim shapes: each a string, or a mapping of named ``slots`` and their ``orders``."""
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise reader.error(parent, key, f"{key!r} must be a list of shapes")
    for i, item in enumerate(value):
        if not isinstance(item, (str, dict)):
            raise reader.error(value, i, f"each item of {key!r} must be a shape (a string or slots and orders)")
    return tuple(plain_data(v) for v in value)


def scope_list(reader: Reader, value, parent, key) -> frozenset[str]:
    items = text_list(reader, value, parent, key)
    for i, item in enumerate(items):
        if item not in SCOPES:
            close = _close_matches(item, SCOPES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise reader.error(value if isinstance(value, list) else parent, i if isinstance(value, list) else key,
                               f"unknown scope {item!r}{hint}; scopes are {', '.join(SCOPES)}")
    return frozenset(items)


def pattern(reader: Reader, value, parent, key) -> Pattern:
    return reader.compile(text(reader, value, parent, key), parent, key)


def pattern_list(reader: Reader, value, parent, key) -> tuple[Pattern, ...]:
    if isinstance(value, str):
        return (reader.compile(value, parent, key),)
    if not isinstance(value, list):
        raise reader.error(parent, key, f"{key!r} must be a list of patterns")
    return tuple(pattern(reader, item, value, i) for i, item in enumerate(value))


_EXCEPTION_FIELDS = {
    "pattern": Field(pattern, default=None, doc="what cancels the match, in the prose"),
    "link": Field(pattern, default=None, doc="or: a link whose destination matches this, in scope"),
    "scope": Field(choice(*EXCEPTION_SCOPES), default="sentence",
                   doc="where it is looked for, relative to the match"),
}


def exceptions(reader: Reader, value, parent, key) -> tuple[Exception_, ...]:
    if not isinstance(value, list):
        raise reader.error(parent, key, f"{key!r} must be a list of exceptions")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(Exception_(reader.compile(item, value, i), "sentence"))
        else:
            fields = reader.fields(item, _EXCEPTION_FIELDS, f"an item of {key!r}")
            if (fields["pattern"] is None) == (fields["link"] is None):
                raise reader.error(value, i, "an exception has either 'pattern' or 'link'")
            if fields["link"] is not None:
                out.append(Exception_(fields["link"], fields["scope"], links=True))
            else:
                out.append(Exception_(fields["pattern"], fields["scope"]))
    return tuple(out)


_CHECK_FIELDS = {
    "shape": Field(shape_list, default=(), doc="a claim shape (or a list): slots over vocabularies and words"),
    "pattern": Field(pattern, default=None, doc="or: a regular expression (an escape hatch); {name} inserts a vocabulary"),
    "unless": Field(exceptions, default=(), doc="exceptions for this pattern only"),
    "topic": Field(shape_list, default=(), doc="only after a topic that opens the paragraph, list item or heading "
                                             "(a few words ending at ? : . or a dash) and holds this shape"),
}


def checks(reader: Reader, value, parent, key) -> tuple[Check, ...]:
    if isinstance(value, str):
        return (Check(reader.compile(value, parent, key), written=("pattern", str(value))),)
    if not isinstance(value, list) or not value:
        raise reader.error(parent, key, f"{key!r} must be a non-empty list of patterns")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(Check(reader.compile(item, value, i), written=("pattern", str(item))))
        else:
            fields = reader.fields(item, _CHECK_FIELDS, f"an item of {key!r}")
            if bool(fields["shape"]) == (fields["pattern"] is not None):
                raise reader.error(value, i, "a check has either 'shape' or 'pattern'")
            found = fields["pattern"]
            if fields["shape"]:
                found = reader.compile("|".join(reader.shape_patterns(fields["shape"], item, "shape")), item, "shape")
            topic = None
            if fields["topic"]:
                topic = reader.compile("|".join(reader.shape_patterns(fields["topic"], item, "topic")), item, "topic")
            written = ("shape", fields["shape"]) if fields["shape"] else ("pattern", str(item["pattern"]))
            out.append(Check(found, fields["unless"], topic, written, fields["topic"]))
    return tuple(out)


_EXAMPLE_FIELDS = {
    "fail": Field(text_list, default=(), doc="texts on which the rule must report"),
    "pass": Field(text_list, default=(), doc="texts on which the rule must stay quiet"),
}


def examples(reader: Reader, value, parent, key) -> Examples:
    fields = reader.fields(value, _EXAMPLE_FIELDS, "'examples'")
    return Examples(fields["fail"], fields["pass"])


def rule_id(reader: Reader, value, parent, key) -> str:
    value = text(reader, value, parent, key)
    if not RULE_ID.match(value):
        raise reader.error(parent, key, f"rule id {value!r} must be a lowercase slug such as 'unhedged-cure-claim'")
    return value


COMMON_FIELDS: dict[str, Field] = {
    "id": Field(rule_id, required=True, doc="stable identifier, a lowercase slug"),
    "kind": Field(text, required=True, doc="the rule kind: sentence, document or link"),
    "severity": Field(choice("error", "warning", "info"), required=True, doc="error, warning or info"),
    "message": Field(text, required=True, doc="the one-line message; {match} inserts the matched words"),
    "description": Field(text, required=True, doc="what it checks and why: the regulation or guideline"),
    "instead": Field(text, default="", doc="what to write instead"),
    "references": Field(text_list, default=(), doc="links to the regulation or guidance"),
    "scopes": Field(scope_list, default=frozenset(SCOPES), doc="where in a document the rule looks"),
    "examples": Field(examples, required=True, doc="texts that must fail and must pass"),
}

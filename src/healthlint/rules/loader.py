"""Loading rule packs: vocabularies first, then one rule per YAML file, all validated.

A pack is a folder: ``vocabularies/*.yaml`` (each a named term list or regex)
and ``*.yaml`` rule files. Packs load in order (the built-in pack first); a
later pack may add rules and vocabularies and may redefine a vocabulary, but
a rule id may be defined once. Every error names ``file:line:column``.
"""
from __future__ import annotations

import fnmatch
import io
import os
import stat
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from healthlint.diagnostics import Severity
from healthlint.errors import RuleError
from healthlint.kinds import KINDS
from healthlint.rules.model import Rule
from healthlint.rules.schema import VOCAB_REF, COMMON_FIELDS, Field, Reader, boolean, choice, shape_list, text, text_list
from healthlint.rules.shapes import references as shape_references
from healthlint.rules.vocabulary import Vocabulary, build_fragment
from healthlint.sources import UnreadableFile, read_bytes

MAX_RULE_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 32  # nested mappings and lists
MAX_YAML_NODES = 100_000  # values, counting each alias as the whole of what it repeats

_VOCABULARY_FIELDS = {
    "name": Field(text, required=True, doc="the name rules use, as {name}"),
    "description": Field(text, required=True, doc="what the list holds and where it comes from"),
    "inflect": Field(choice("verb", "noun", "none"), default="none", doc="inflect plain terms as verbs or nouns"),
    "terms": Field(text_list, default=(), doc="the phrases; plain words, or regex fragments"),
    "pattern": Field(text, default=None, doc="one regular expression instead of terms (an escape hatch: say why)"),
    "shapes": Field(shape_list, default=(), doc="claim shapes: slots over vocabularies, words and gaps (see shapes)"),
    "whole_words": Field(boolean, default=True, doc="terms match only as whole words"),
}


@lru_cache(maxsize=None)
def builtin_pack_dir() -> Path:
    """The shipped rule pack: inside the installed wheel, or ``rules/`` of a source checkout."""
    shipped = resources.files("healthlint") / "_pack"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "rules"


def load_yaml(path, error: Callable[[str, int, int, str], Exception] = RuleError):
    """A YAML file of healthlint's own (a rule, vocabulary, profile or configuration file), as plain data.

    Read by the reading policy of :func:`healthlint.sources.read_bytes` (a regular
    file of at most MAX_RULE_FILE_BYTES, never a pipe or device), decoded as
    UTF-8, and refused if nested deeper than MAX_YAML_DEPTH or larger than
    MAX_YAML_NODES values once aliases expand. Every mistake is
    ``error(path, line, column, reason)``.
    """
    try:
        raw = read_bytes(path, MAX_RULE_FILE_BYTES)
    except UnreadableFile as e:
        raise error(str(path), 1, 1, f"cannot read: {e}") from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(str(path), 1, 1, f"not UTF-8 ({e.reason} at byte {e.start})") from None
    # Imported here, not above: a pack from the cache reads no YAML.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        _check_shape(yaml.parse(io.StringIO(source)), str(path), error)
        return yaml.load(io.StringIO(source))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise error(str(path), line, col, f"invalid YAML: {e.problem or e.context}") from None
    except YAMLError as e:
        raise error(str(path), 1, 1, f"invalid YAML: {e}") from None


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; one that cannot be looked at (no permission on the way) is a RuleError."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        raise RuleError(str(path), 0, 0, f"cannot read folder: {e.strerror or e}") from None


def yaml_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` entries of a pack folder, sorted; a folder that cannot be listed is a RuleError.

    (``Path.glob`` answers an unreadable folder with nothing, which would load a
    pack without its rules and let through what they catch.)
    """
    try:
        names = os.listdir(folder)
    except OSError as e:
        raise RuleError(str(folder), 0, 0, f"cannot read folder: {e.strerror or e}") from None
    return sorted(Path(folder) / name for name in names if fnmatch.fnmatchcase(name, "*.yaml"))


def _check_shape(events, path: str, error=RuleError) -> None:
    """Refuse YAML nested deeper than MAX_YAML_DEPTH or larger than MAX_YAML_NODES once aliases expand.

    Read from the parser's events, before anything is built, so an alias bomb
    ("billion laughs") is refused at the alias that makes it too large. The
    round-trip loader builds only plain data (no objects from tags).
    """
    from ruamel.yaml.events import (AliasEvent, CollectionStartEvent, MappingEndEvent, NodeEvent, ScalarEvent,
                                    SequenceEndEvent)

    sizes: list[int] = []  # the node count of each open collection
    anchored: dict[str, int] = {}  # anchor -> node count of its value
    anchors: list[str | None] = []
    total = 0

    def fail(event, message):
        mark = event.start_mark
        raise error(path, mark.line + 1, mark.column + 1, message)

    def done(size: int, anchor: str | None) -> None:
        nonlocal total
        if anchor:
            anchored[anchor] = size
        if sizes:
            sizes[-1] += size
        total += size if not sizes else 0

    for event in events:
        if isinstance(event, AliasEvent):
            size = anchored.get(event.anchor, 1)
            if sum(sizes) + total + size > MAX_YAML_NODES:
                fail(event, f"YAML alias *{event.anchor} makes the file larger than {MAX_YAML_NODES} values")
            done(size, None)
        elif isinstance(event, CollectionStartEvent):
            if len(sizes) >= MAX_YAML_DEPTH:
                fail(event, f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
            sizes.append(1)
            anchors.append(event.anchor)
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            done(sizes.pop(), anchors.pop())
        elif isinstance(event, ScalarEvent):
            done(1, event.anchor)
        if isinstance(event, NodeEvent) and sum(sizes) + total > MAX_YAML_NODES:
            fail(event, f"YAML file has more than {MAX_YAML_NODES} values")


@dataclass
class RulePack:
    """The loaded rules, by id, and the vocabularies they were built from."""

    rules: dict[str, Rule] = field(default_factory=dict)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    def fragments(self) -> dict[str, str]:
        return {name: v.fragment for name, v in self.vocabularies.items()}

    def add_dir(self, folder: Path) -> None:
        folder = Path(folder)
        if not is_folder(folder):
            raise RuleError(str(folder), 1, 1, "rule pack folder does not exist")
        vocab_dir = folder / "vocabularies"
        if is_folder(vocab_dir):
            pending = {}
            for path in yaml_files(vocab_dir):
                node = load_yaml(path)
                values = Reader(str(path), {}, self._cache).fields(node, _VOCABULARY_FIELDS, "a vocabulary")
                pending[values["name"]] = (path, node, values)
            for name in list(pending):
                self._add_vocabulary(name, pending, ())
        for path in yaml_files(folder):
            self._add_rule(path)
        self._link_rules()

    def _link_rules(self) -> None:
        """Resolve the rules a check names (a document kind's ``trigger_rules``), once all are loaded."""
        for rule in list(self.rules.values()):
            named = getattr(rule.check, "rules_named", None)
            if named is None or not named():
                continue
            missing = [r for r in named() if r not in self.rules]
            if missing:
                raise RuleError(rule.path, rule.line, 1, f"trigger_rules: no rule {missing[0]!r} is loaded")
            chained = [r for r in named() if getattr(self.rules[r].check, "rules_named", tuple)()]
            if chained:  # (no chains, so no cycles: a rule names only rules that name none)
                raise RuleError(rule.path, rule.line, 1,
                                f"trigger_rules: {chained[0]!r} has trigger_rules of its own; name rules that have none")
            self.rules[rule.id] = replace(rule, check=rule.check.linked(self.rules))

    def _add_vocabulary(self, name: str, pending: dict, chain: tuple) -> None:
        """Build a vocabulary after the ones it references (from the same pack or earlier packs)."""
        if name not in pending:
            return
        path, node, values = pending[name]
        if name in chain:
            raise RuleError(str(path), 1, 1, f"vocabularies reference each other in a cycle: {' → '.join(chain + (name,))}")
        text = " ".join(values["terms"]) + (values["pattern"] or "")
        refs = set(VOCAB_REF.findall(text)).union(*(shape_references(shape) for shape in values["shapes"]))
        for ref in sorted(refs):
            if ref in pending and ref != name:
                self._add_vocabulary(ref, pending, chain + (name,))
        del pending[name]
        reader = Reader(str(path), self.fragments(), self._cache)
        if sum(map(bool, (values["pattern"] is not None, values["terms"], values["shapes"]))) > 1:
            raise reader.error(node, "pattern", "a vocabulary has one of 'terms', 'shapes' or 'pattern'")
        if values["shapes"]:
            fragment = "(?:" + "|".join(reader.shape_patterns(values["shapes"], node, "shapes")) + ")"
            reader.compile(fragment, node, "shapes")
        elif values["pattern"] is not None:
            fragment = "(?:" + reader.expand(values["pattern"], node, "pattern") + ")"
            reader.compile(fragment, node, "pattern")
        elif values["terms"]:
            how = None if values["inflect"] == "none" else values["inflect"]
            fragment = reader.expand(build_fragment(values["terms"], how, values["whole_words"]), node, "terms")
            reader.compile(fragment, node, "terms")
        else:
            raise reader.error(node, None, "a vocabulary needs 'terms', 'shapes' or 'pattern'")
        self.vocabularies[values["name"]] = Vocabulary(
            values["name"], values["description"], fragment, values["terms"], str(path), values["shapes"])

    def _add_rule(self, path: Path) -> None:
        node = load_yaml(path)
        reader = Reader(str(path), self.fragments(), self._cache)
        if not isinstance(node, dict):
            raise RuleError(str(path), 1, 1, "a rule file must be a mapping")
        kind_name = node.get("kind")
        if not isinstance(kind_name, str) or kind_name not in KINDS:
            if kind_name is None:
                specs = COMMON_FIELDS  # reports the missing 'kind'
            else:
                raise reader.error(node, "kind", f"unknown rule kind {kind_name!r}; kinds are {', '.join(KINDS)}")
        else:
            specs = {**COMMON_FIELDS, **KINDS[kind_name][0]}
        values = reader.fields(node, specs, "a rule")
        if values["id"] in self.rules:
            raise reader.error(node, "id", f"rule id {values['id']!r} is already defined in {self.rules[values['id']].path}")
        defaults = {"clause_breaks": reader.compile("{clause_breaks}", node, "clause_breaks")
                    if "clause_breaks" in self.vocabularies else reader.compile(r"[,;:()]", node, None)}
        checker = KINDS[kind_name][1].build(values, defaults)
        examples = values["examples"]
        if not examples.fail and not examples.pass_:
            raise reader.error(node, "examples", "a rule needs at least one example under 'fail' or 'pass'")
        self.rules[values["id"]] = Rule(
            id=values["id"], kind=kind_name, severity=Severity.parse(values["severity"]),
            message=values["message"], description=values["description"], examples=examples,
            scopes=values["scopes"], check=checker, instead=values["instead"],
            references=values["references"], path=str(path), line=getattr(node.lc, "line", 0) + 1,
        )


def load_pack(folder) -> RulePack:
    return load_packs([folder], builtin=False)


def load_packs(extra_dirs=(), builtin: bool = True) -> RulePack:
    """The built-in pack (unless ``builtin`` is false), then each extra folder in order.

    A pack loaded before from the same files comes from the cache
    (:mod:`healthlint.rules.cache`), and so does every leading part of it: the
    pack of the first k folders is cached on its own, so that adding or
    editing a folder of one's own rules compiles that folder alone, on top of
    the built-in pack read back from the cache, instead of every rule again.
    """
    from healthlint.rules.cache import load_cached

    folders = ([builtin_pack_dir()] if builtin else []) + [Path(folder) for folder in extra_dirs]
    for folder in folders:
        if not is_folder(folder):
            raise RuleError(str(folder), 1, 1, "rule pack folder does not exist")

    def first(count: int) -> RulePack:
        """The pack of ``folders[:count]``, from the cache or built on the pack of one folder fewer."""
        def build() -> RulePack:
            pack = first(count - 1) if count > 1 else RulePack()
            pack.add_dir(folders[count - 1])
            pack._cache.clear()  # only needed while loading
            return pack
        return load_cached(folders[:count], build)

    return first(len(folders)) if folders else RulePack()

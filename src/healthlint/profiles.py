"""Profiles: named, shipped configuration (``rules/profiles/*.yaml``): which rules run, at what severity.

A profile file holds ``name``, ``description``, ``rules`` (the rule ids it
enables), an optional ``severity`` table and an optional ``extends`` (another
profile whose rules and severities it starts from). Profiles are data, found in
the ``profiles/`` folder of the built-in pack and of every extra rule pack.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from healthlint.errors import HealthlintError, RuleError
from healthlint.rules.schema import Field, Reader, choice, text, text_list


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    rules: tuple[str, ...]
    severity: tuple[tuple[str, str], ...]
    path: str


def _severity_table(reader: Reader, value, parent, key):
    if not isinstance(value, dict):
        raise reader.error(parent, key, "'severity' must be a mapping of rule id to severity")
    read = choice("error", "warning", "info")
    return tuple((str(rule), read(reader, sev, value, rule)) for rule, sev in value.items())


_FIELDS = {
    "name": Field(text, required=True, doc="the name used with --profile and `profile =`"),
    "description": Field(text, required=True, doc="who the profile is for"),
    "extends": Field(text, default=None, doc="a profile to start from"),
    "rules": Field(text_list, default=(), doc="rule ids the profile enables"),
    "severity": Field(_severity_table, default=(), doc="severity overrides"),
}


def _read(path: Path) -> tuple[dict, str | None]:
    from healthlint.rules.loader import load_yaml  # a profile is read as a rule file is, with its limits

    node = load_yaml(path)
    values = Reader(str(path), {}, {}).fields(node, _FIELDS, "a profile")
    if values["name"] != path.stem:
        raise RuleError(str(path), 1, 1, f"profile name {values['name']!r} must match its file name {path.stem!r}")
    return values, values["extends"]


def available_profiles(pack_dirs) -> dict[str, Path]:
    """Profile name → file, later packs overriding earlier ones."""
    from healthlint.rules.loader import is_folder, yaml_files

    found: dict[str, Path] = {}
    for folder in pack_dirs:
        profile_dir = Path(folder) / "profiles"
        if is_folder(profile_dir):
            for path in yaml_files(profile_dir):
                found[path.stem] = path
    return found


def load_profile(name: str, pack_dirs) -> Profile:
    """The named profile, with what it extends folded in.

    Like a rule pack, a resolved profile is cached (:mod:`healthlint.rules.cache`),
    keyed by every file of the packs it may come from, so a run reads no YAML.
    """
    from healthlint.rules.cache import load_cached

    folders = [Path(folder) for folder in pack_dirs]
    key = "\0".join([name, *map(str, folders)])  # the paths as given: they show in Profile.path
    return load_cached(folders, lambda: _resolve(name, folders), kind="profile", name=key)


def _resolve(name: str, pack_dirs) -> Profile:
    files = available_profiles(pack_dirs)
    rules: list[str] = []
    severity: dict[str, str] = {}
    chain, seen = [], set()
    current: str | None = name
    while current is not None:
        if current in seen:
            raise HealthlintError(f"profile {name!r}: 'extends' loops through {current!r}")
        if current not in files:
            raise HealthlintError(f"unknown profile {current!r}; profiles are: {', '.join(sorted(files))}")
        seen.add(current)
        values, current = _read(files[current])
        chain.append(values)
    for values in reversed(chain):
        rules += [r for r in values["rules"] if r not in rules]
        severity.update(values["severity"])
    top = chain[0]
    return Profile(name, top["description"], tuple(rules), tuple(severity.items()), str(files[name]))

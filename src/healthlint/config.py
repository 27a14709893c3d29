"""Configuration: an immutable Config, found from each file's folder upward, merged with the command line.

Sources, nearest first: ``.healthlint.yaml`` (or ``.healthlint.yml``), then
``pyproject.toml`` with a ``[tool.healthlint]`` table. The closest folder with
either wins (``.healthlint.yaml`` before ``pyproject.toml`` in one folder); the
command line is merged on top (:meth:`Config.merged`). Every key is validated
here; a mistake is a :class:`ConfigError` reading ``file:line: what``.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from healthlint.errors import HealthlintError, LocatedError

# The YAML and TOML readers are imported by the functions that read a file: most
# runs find no configuration file, and a one-file run should not pay for them.

CONFIG_FILES = (".healthlint.yaml", ".healthlint.yml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")

DEFAULT_DISCLOSURE = ("Disclosure: this page contains affiliate links; we may earn a commission "
                      "if you buy through them.")
DEFAULT_REFERRAL = ("Talk to your doctor or pharmacist before starting a new supplement or treatment, "
                    "especially if you take other medicines.")
DEFAULT_DSHEA = ("These statements have not been evaluated by the Food and Drug Administration. "
                 "This product is not intended to diagnose, treat, cure, or prevent any disease.")


class ConfigError(LocatedError):
    """An invalid configuration file; the message reads ``file:line: what``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(path, line, None, message)


@dataclass(frozen=True)
class Config:
    """The effective configuration for a file. Paths in it are absolute; globs are relative to ``root``."""

    path: str | None = None                     # the file it was read from, None for the defaults
    root: str = "."                             # the folder globs and rule packs are relative to
    profile: str = "default"
    select: tuple[str, ...] = ()                # when set, exactly these rules
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (rule, severity) overrides
    rule_packs: tuple[str, ...] = ()
    include: tuple[str, ...] = ()               # globs for files found in folders (default: *.md, *.markdown, *.txt)
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    disclosure_fields: tuple[str, ...] = ()     # front-matter fields that also count as a disclosure
    referral_fields: tuple[str, ...] = ()       # ... and as a clinician referral
    require_reason: bool = False
    fix_disclosure: str = DEFAULT_DISCLOSURE
    fix_referral: str = DEFAULT_REFERRAL
    fix_dshea: str = DEFAULT_DSHEA
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def where(self, key: str) -> tuple[str, int]:
        """(file, line) of ``key`` in the file this came from, for error messages."""
        return self.path or "<command line>", dict(self.lines).get(key, 1)

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(*self.where(key), message)

    def merged(self, **overrides) -> "Config":
        """This configuration with the command line's values on top; empty values change nothing.

        ``select``, ``profile`` and ``require_reason`` replace; ``ignore`` and ``rule_packs`` add.
        """
        changes = {}
        for name, value in overrides.items():
            if value in (None, (), [], False, ""):
                continue
            if name in ("ignore", "rule_packs"):
                value = getattr(self, name) + tuple(value)
            elif isinstance(value, list):
                value = tuple(value)
            changes[name] = value
        return dataclasses.replace(self, **changes) if changes else self

    def relative(self, path: str) -> str:
        return Path(os.path.relpath(os.path.abspath(path), self.root)).as_posix()

    def excludes(self, path: str) -> bool:
        return matches_any(self.relative(path), self.exclude)

    def includes(self, path: str) -> bool:
        return matches_any(self.relative(path), self.include)

    def ignored_for(self, path: str) -> frozenset[str]:
        """Rules that ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()  # no path to work out
        rel = self.relative(path)
        return frozenset(r for glob, rules in self.per_file_ignores if matches_any(rel, (glob,)) for r in rules)

    def to_dict(self) -> dict:
        return {
            "config-file": self.path,
            "profile": self.profile,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
            "rule-packs": list(self.rule_packs),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "per-file-ignores": {g: list(r) for g, r in self.per_file_ignores},
            "disclosure-fields": list(self.disclosure_fields),
            "referral-fields": list(self.referral_fields),
            "require-reason": self.require_reason,
            "fix": {"disclosure": self.fix_disclosure, "referral": self.fix_referral, "dshea": self.fix_dshea},
        }


def matches_any(rel_path: str, globs) -> bool:
    """fnmatch against the relative path, and against the file name for a glob with no ``/``."""
    name = rel_path.rsplit("/", 1)[-1]
    for glob in globs:
        glob = glob.removeprefix("./")
        if fnmatch.fnmatchcase(rel_path, glob) or ("/" not in glob and fnmatch.fnmatchcase(name, glob)):
            return True
        if glob.endswith("/") and (rel_path + "/").startswith(glob):
            return True
    return False


# --- the schema: key → (attribute, reader) ------------------------------------------------

def _text(where, key, value):
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(*where(key), f"'{key}' must be a non-empty string")
    return value


def _strings(where, key, value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(*where(key), f"'{key}' must be a list of strings")
    return tuple(value)


def _bool(where, key, value):
    if not isinstance(value, bool):
        raise ConfigError(*where(key), f"'{key}' must be true or false")
    return value


def _severity(where, key, value):
    if not isinstance(value, dict):
        raise ConfigError(*where(key), f"'{key}' must be a table of rule = severity")
    out = []
    for rule, sev in value.items():
        if sev not in SEVERITIES:
            raise ConfigError(*where(f"{key}.{rule}"),
                              f"severity of {rule!r} must be one of {', '.join(SEVERITIES)}; got {sev!r}")
        out.append((str(rule), sev))
    return tuple(out)


def _per_file(where, key, value):
    if not isinstance(value, dict):
        raise ConfigError(*where(key), f"'{key}' must be a table of glob = [rules]")
    return tuple((str(glob), _strings(where, f"{key}.{glob}", rules)) for glob, rules in value.items())


_FIX_KEYS = {"disclosure": "fix_disclosure", "referral": "fix_referral", "dshea": "fix_dshea"}

_KEYS = {
    "profile": ("profile", _text),
    "select": ("select", _strings),
    "ignore": ("ignore", _strings),
    "severity": ("severity", _severity),
    "rule-packs": ("rule_packs", _strings),
    "include": ("include", _strings),
    "exclude": ("exclude", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "disclosure-fields": ("disclosure_fields", _strings),
    "referral-fields": ("referral_fields", _strings),
    "require-reason": ("require_reason", _bool),
    "fix": (None, None),  # a table, read below
}


def build_config(data: dict, lines: dict[str, int], path: str) -> Config:
    """Validate the raw mapping read from ``path`` into a Config."""

    def where(key):
        return path, lines.get(key, lines.get(key.split(".")[0], 1))

    if not isinstance(data, dict):
        raise ConfigError(path, 1, "the configuration must be a mapping of keys to values")
    root = os.path.dirname(os.path.abspath(path))
    values: dict = {}
    for key, value in data.items():
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(*where(key), f"unknown key {key!r}{hint}; keys are {', '.join(_KEYS)}")
        attr, read = _KEYS[key]
        if key == "fix":
            if not isinstance(value, dict):
                raise ConfigError(*where(key), "'fix' must be a table of disclosure, referral, dshea texts")
            for fkey, text in value.items():
                if fkey not in _FIX_KEYS:
                    raise ConfigError(*where(f"fix.{fkey}"),
                                      f"unknown key {fkey!r} in 'fix'; keys are {', '.join(_FIX_KEYS)}")
                values[_FIX_KEYS[fkey]] = _text(where, f"fix.{fkey}", text).strip()
            continue
        values[attr] = read(where, key, value)
    if "rule_packs" in values:
        values["rule_packs"] = tuple(os.path.normpath(os.path.join(root, p)) for p in values["rule_packs"])
    return Config(path=path, root=root, lines=tuple(lines.items()), **values)


# --- reading files -----------------------------------------------------------------------

def _yaml_lines(node, prefix="", out=None) -> dict[str, int]:
    out = {} if out is None else out
    if hasattr(node, "lc") and isinstance(node, dict):
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                continue
            out[prefix + str(key)] = line
            if isinstance(node[key], dict) and not prefix:
                _yaml_lines(node[key], f"{key}.", out)
    return out


def _config_error(path: str, line: int, column: int, message: str) -> ConfigError:
    return ConfigError(path, line, message)


def read_yaml_config(path: str) -> Config:
    """A ``.healthlint.yaml``, read as rule files are (:func:`healthlint.rules.loader.load_yaml`): a regular
    file of at most 1 MB, nested at most 32 levels, at most 100,000 values counting what aliases repeat."""
    from healthlint.rules.loader import load_yaml
    from healthlint.rules.schema import plain_data

    node = load_yaml(path, _config_error)
    if node is None:
        node = {}
    return build_config(plain_data(node), _yaml_lines(node), path)


_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _toml_lines(source: str) -> dict[str, int]:
    """Line of each key under ``[tool.healthlint]`` (tomllib keeps no positions)."""
    lines: dict[str, int] = {}
    table = None
    for number, text in enumerate(source.splitlines(), start=1):
        m = _TABLE.match(text)
        if m:
            name = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
            table = name if name == "tool.healthlint" or name.startswith("tool.healthlint.") else None
            if table and table != "tool.healthlint":
                lines.setdefault(table.removeprefix("tool.healthlint."), number)
            continue
        m = _KEY.match(text)
        if m and table:
            key = m.group(1).strip("\"'")
            prefix = "" if table == "tool.healthlint" else table.removeprefix("tool.healthlint.") + "."
            lines.setdefault(prefix + key, number)
    return lines


_TOML_STRING = {  # the rest of a string, from after its opening quotes
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2}(?!"))?', re.S),
    "'''": re.compile(r"(?:[^']|'(?!''))*'''(?:'{1,2}(?!'))?", re.S),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"[^'\n]*'"),
}
_TOML_SPECIAL = re.compile(r"""[\[\]{}#"'\n]""")


def _toml_too_deep(source: str, limit: int) -> int | None:
    """The line where ``source``'s arrays and inline tables nest deeper than ``limit``, if they do.

    tomllib reads nesting by recursion, so a file nested 100,000 deep would end
    it with a RecursionError: this scan (strings and comments skipped) finds
    the place first, without recursing.
    """
    depth, line, pos = 0, 1, 0
    while True:
        m = _TOML_SPECIAL.search(source, pos)
        if m is None:
            return None
        ch, pos = m.group(), m.end()
        if ch == "\n":
            line += 1
        elif ch == "#":
            end = source.find("\n", pos)
            pos = len(source) if end < 0 else end
        elif ch in "\"'":
            quote = ch * 3 if source.startswith(ch * 3, pos - 1) else ch
            rest = _TOML_STRING[quote].match(source, pos - 1 + len(quote))
            if rest is None:
                return None  # an unterminated string: tomllib says where
            line += rest.group().count("\n")
            pos = rest.end()
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        else:
            depth = max(0, depth - 1)


def _toml_key_line(source: str, table: str, key: str) -> int:
    """The line of ``key`` (or a dotted key under it) directly in ``[table]`` ("" for the top level)."""
    current = ""
    for number, text in enumerate(source.splitlines(), start=1):
        m = _TABLE.match(text)
        if m:
            current = m.group(1).replace('"', "").replace("'", "").replace(" ", "").strip("[]")
            continue
        m = _KEY.match(text)
        if m and current == table:
            name = m.group(1).strip("\"'")
            if name == key or name.startswith(key + "."):
                return number
    return 1


def read_pyproject(path: str) -> Config | None:
    """The ``[tool.healthlint]`` table of a pyproject.toml, or None when it has none.

    Read by the same policy and limits as a ``.healthlint.yaml`` (a regular file
    of at most 1 MB, nested at most 32 levels); every mistake is ``file:line``.
    """
    import tomllib

    from healthlint.rules.loader import MAX_RULE_FILE_BYTES, MAX_YAML_DEPTH
    from healthlint.sources import UnreadableFile, read_bytes

    try:
        source = read_bytes(path, MAX_RULE_FILE_BYTES).decode("utf-8")
    except UnreadableFile as e:
        raise ConfigError(path, 1, f"cannot read: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(path, 1, f"cannot read: not UTF-8 ({e.reason} at byte {e.start})") from None
    deep = _toml_too_deep(source, MAX_YAML_DEPTH)
    if deep is not None:
        raise ConfigError(path, deep, f"TOML nested more than {MAX_YAML_DEPTH} levels deep")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(path, int(m.group(1)) if m else 1, f"invalid TOML: {e}") from None
    except RecursionError:  # nesting the scan above did not see as such
        raise ConfigError(path, 1, "invalid TOML: nested too deeply") from None
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(path, _toml_key_line(source, "", "tool"),
                          f"'tool' must be a table ([tool.healthlint] holds healthlint's settings), "
                          f"not {_toml_type(tool)}")
    table = tool.get("healthlint")
    if table is None:
        return None
    if not isinstance(table, dict):
        line = _toml_key_line(source, "tool", "healthlint")
        if line == 1:
            line = _toml_key_line(source, "", "tool.healthlint")
        raise ConfigError(path, line, f"'tool.healthlint' must be a table of settings, not {_toml_type(table)}")
    return build_config(table, _toml_lines(source), path)


def _toml_type(value) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array"}.get(
        type(value), f"a {type(value).__name__}")


def read_config(path: str) -> Config:
    """Read one configuration file named explicitly (``--config``)."""
    if os.path.basename(path) == "pyproject.toml":
        config = read_pyproject(path)
        if config is None:
            raise ConfigError(path, 1, "no [tool.healthlint] table")
        return config
    if not os.path.lexists(path):
        raise HealthlintError(f"configuration file {path!r} does not exist")
    return read_yaml_config(path)


@lru_cache(maxsize=None)
def _config_in(folder: str) -> Config | None:
    for name in CONFIG_FILES:
        candidate = os.path.join(folder, name)
        if os.path.lexists(candidate):  # a pipe, a device or a broken link is an error, not no file
            if name == "pyproject.toml":
                config = read_pyproject(candidate)
                if config is not None:
                    return config
            else:
                return read_yaml_config(candidate)
    return None


@lru_cache(maxsize=None)
def discover_config(folder: str) -> Config:
    """The configuration that applies in ``folder``: the nearest config file upward, or the defaults."""
    folder = os.path.abspath(folder)
    while True:
        found = _config_in(folder)
        if found is not None:
            return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return Config(root=os.getcwd())
        folder = parent


def config_for(path: str) -> Config:
    """The configuration for a file (or a folder), discovered from its folder upward."""
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    return discover_config(os.path.abspath(folder))


def clear_cache() -> None:
    _config_in.cache_clear()
    discover_config.cache_clear()

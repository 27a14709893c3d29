"""A validated rule pack kept on disk, so that a run does not re-read and re-check every rule file.

Reading the YAML, validating every field and analysing every pattern takes
far longer than linting one article; a pre-commit hook or an editor lints one
article at a time. After a pack loads without error it is written here, and
the next run with the same pack reads it back in a few milliseconds. Each
distinct pattern is written with its compiled program (compiled now if the
loader had not needed to), and comes back uncompiled: a pattern is made
ready from its program, without parsing it again, when a document first
needs it (:mod:`healthlint.rules.patterns`).

The cache is looked up by a key over everything the loaded pack depends on:
the content of every rule and vocabulary file of every folder, in order; the
healthlint code that builds and runs rules (the size and modification time
of each of its modules); and the Python, ``regex`` and pyahocorasick
versions. Change any of them and the pack is loaded from its files again. A
cache file that cannot be read, or was not written by this user, is ignored.

Where: ``$HEALTHLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/healthlint``, else
``~/.cache/healthlint``. ``HEALTHLINT_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import fnmatch
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable

import regex

from healthlint.rules.patterns import Pattern, Program
from healthlint.sources import UnreadableFile, read_bytes

PACKAGE = Path(__file__).resolve().parents[1]
_FORMAT = b"healthlint-pack-1"


def cache_dir() -> Path | None:
    """Where cached packs live, or ``None`` when caching is off."""
    if os.environ.get("HEALTHLINT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("HEALTHLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "healthlint"


def pack_key(folders: list[Path]) -> str | None:
    """A digest of everything a pack loaded from ``folders`` depends on; ``None`` if a file cannot be read."""
    import ahocorasick

    digest = hashlib.sha256(_FORMAT)
    digest.update(f"{sys.version}|{regex.__version__}|{getattr(ahocorasick, '__version__', '')}".encode())
    try:
        for relative, module in _files(str(PACKAGE), lambda name: name.endswith(".py")):
            stat = os.stat(module)
            digest.update(f"{relative}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
        for folder in folders:
            digest.update(b"\0folder\0" + str(folder.resolve()).encode())
            for relative, path in _files(str(folder), lambda name: fnmatch.fnmatchcase(name, "*.y*ml")):
                # by the one reading policy: a FIFO or /dev/zero among the rule files is not read
                digest.update(relative.encode() + b"\0" + read_bytes(path) + b"\0")
    except (OSError, UnreadableFile):
        return None  # not cached: loading the files reports what is wrong
    return digest.hexdigest()


def _files(top: str, wanted: Callable[[str], bool]) -> list[tuple[str, str]]:
    """``(path relative to top, path)`` of every file under ``top`` whose name is ``wanted``, sorted.

    Symlinked folders are not entered; a folder that cannot be read is an OSError.
    """
    def fail(error: OSError):
        raise error

    found = []
    for folder, _, names in os.walk(top, onerror=fail):
        for name in names:
            if wanted(name):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, top), path))
    found.sort()
    return found


def load_cached(folders: list[Path], build: Callable[[], object], kind: str = "pack", name: str = ""):
    """The pack for ``folders``: from the cache when its key matches, else ``build()`` (then cached).

    Anything else built from the same folders' files alone (a resolved
    profile: ``kind="profile"``, ``name`` the profile's) is cached the same way.
    """
    where = cache_dir()
    key = pack_key(folders) if where is not None else None
    if key is None:
        return build()
    if name:
        key = hashlib.sha256(f"{key}\0{name}".encode()).hexdigest()
    path = where / f"{kind}-{key[:32]}.pickle"
    value = _read(path)
    if value is not None:
        return value
    value = build()  # raises on a broken rule file: nothing is cached then
    _write(path, value)
    return value


def _read(path: Path):
    try:
        with open(path, "rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None  # only ever unpickle what this user wrote
            if f.read(len(_FORMAT)) != _FORMAT:
                return None
            collecting = gc.isenabled()
            gc.disable()  # a pack is tens of thousands of new objects, none of them garbage
            try:
                return pickle.load(f)
            finally:
                if collecting:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or stale file: load from the rule files instead
        return None


class _PackPickler(pickle.Pickler):
    """Pickles a pack with the compiled program of each distinct pattern, written once."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._programs: dict[tuple[str, int], Program | None] = {}

    def reducer_override(self, obj):
        if type(obj) is not Pattern:
            return NotImplemented
        key = (obj.pattern, obj.flags)
        if key not in self._programs:
            self._programs[key] = obj.program()
        return obj.reduce_with(self._programs[key])


def _write(path: Path, pack) -> None:
    """Write atomically; a cache that cannot be written is simply not used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(_FORMAT)
                _PackPickler(f).dump(pack)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        pass

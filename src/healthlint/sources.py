"""Reading files: which files a path names, and how their bytes become text.

Encoding policy: UTF-8, with or without a byte-order mark; UTF-16 and UTF-32
with a byte-order mark. Anything else (invalid UTF-8, NUL bytes in UTF-8 text)
is not guessed at: the file is reported as unreadable and the rest are linted.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXTENSIONS = (".md", ".markdown", ".txt", ".html", ".htm")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnreadableFile(Exception):
    """A file that exists but cannot be linted; the message says why."""


def decode(raw: bytes) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as e:
                raise UnreadableFile(f"invalid {encoding.upper()} ({e.reason} at byte {e.start})") from None
    if b"\x00" in raw:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnreadableFile(f"not valid UTF-8 ({e.reason} at byte {e.start}); save it as UTF-8") from None


def read_text(path: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except IsADirectoryError:
        raise UnreadableFile("is a directory") from None
    except OSError as e:
        raise UnreadableFile(e.strerror or str(e)) from None
    return decode(raw)


@dataclass(frozen=True)
class MissingPath:
    path: str
    reason: str


def discover(paths, extensions=DEFAULT_EXTENSIONS):
    """Yield the files to lint, in a stable order, and a MissingPath for each path that is not there.

    Directories are walked recursively (hidden folders skipped, symlinked
    folders not followed, so a link loop cannot trap the walk); a file named
    explicitly is linted whatever its extension.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.lower().endswith(extensions):
                        found.append(os.path.join(root, name))
            yield from sorted(found)
        elif path.exists() or path.is_symlink():
            yield str(raw)
        else:
            yield MissingPath(str(raw), "no such file or directory")

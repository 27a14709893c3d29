"""Reading files: which files a path names, and how their bytes become text.

Encoding policy: UTF-8, with or without a byte-order mark; UTF-16 and UTF-32
with a byte-order mark. Anything else (invalid UTF-8, NUL bytes in UTF-8 text)
is not guessed at: the file is reported as unreadable and the rest are linted.
Latin-1 and other legacy encodings are not guessed either (a wrong guess would
move every column); such a file is reported, with the byte that is not UTF-8.

Limits: only regular files are read (a FIFO or a device named on the command
line would block or never end), and a file larger than MAX_FILE_BYTES is
reported instead of read, so one enormous file cannot exhaust memory or time.
"""
from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXTENSIONS = (".md", ".markdown", ".txt", ".html", ".htm")
MAX_FILE_BYTES = 16 * 1024 * 1024  # 16 MiB
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


def _too_large(limit: int) -> UnreadableFile:
    return UnreadableFile(f"larger than the {limit // (1024 * 1024)} MiB limit; not read (split the file)")


def read_limited(stream, limit: int = MAX_FILE_BYTES, expected: int | None = None) -> bytes:
    """Read a binary stream, refusing one longer than ``limit`` bytes without reading the rest.

    ``expected``: the size the stream should have (a file's, from stat). A read
    asks for that much and one byte more, rather than for ``limit`` bytes, whose
    buffer would be allocated in full for every small file; a file that grew
    meanwhile is read on up to the limit.
    """
    if expected is not None and expected < limit:
        raw = stream.read(expected + 1)
        if len(raw) <= expected:
            return raw
        raw += stream.read(limit + 1 - len(raw))
    else:
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    return raw


def read_text(path: str) -> str:
    """The text of a regular file, decoded by the policy above; UnreadableFile says why not."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a pipe, socket or device); not read")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(MAX_FILE_BYTES)
        with open(path, "rb") as f:
            raw = read_limited(f, expected=info.st_size)
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

"""Reading files: which files a path names, and how their bytes become text.

Encoding policy: UTF-8, with or without a byte-order mark; UTF-16 and UTF-32
with a byte-order mark. Anything else (invalid UTF-8, NUL bytes in UTF-8 text)
is not guessed at: the file is reported as unreadable and the rest are linted.
Latin-1 and other legacy encodings are not guessed either (a wrong guess would
move every column); such a file is reported, with the byte that is not UTF-8.

Limits: only regular files are read (a FIFO or a device would block or never
end), and a file larger than MAX_FILE_BYTES (or the limit its reader gives) is
reported instead of read, so one enormous file cannot exhaust memory or time.
:func:`read_bytes` is that policy for every file healthlint reads.
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


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    if limit % 1_000_000 == 0:
        return f"{limit // 1_000_000} MB"
    return f"{limit} bytes"


def _too_large(limit: int) -> UnreadableFile:
    return UnreadableFile(f"larger than the {_size(limit)} limit; not read (split the file)")


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


def _check_regular(info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("not a regular file (a pipe, socket or device); not read")
    if info.st_size > limit:
        raise _too_large(limit)


def _open_nonblocking(path, flags):
    return os.open(path, flags | _NONBLOCK)


_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_bytes(path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UnreadableFile says why not.

    The reading policy for every file healthlint reads (linted files, --fix and
    --diff, rule files, vocabularies, profiles, configuration, baselines). A
    pipe, socket or device is refused before it is opened (a FIFO would block,
    ``/dev/zero`` never ends), and checked again on what was opened, which is
    opened without blocking: a FIFO swapped in after the check cannot hang the
    open. A file larger than ``limit`` is refused from its size, and a file
    that grows while read is cut off one byte past the limit and refused.
    """
    try:
        _check_regular(os.stat(path), limit)
        with open(path, "rb", opener=_open_nonblocking) as f:
            info = os.fstat(f.fileno())
            _check_regular(info, limit)
            return read_limited(f, limit, expected=info.st_size)
    except OSError as e:
        raise UnreadableFile(e.strerror or str(e)) from None
    except ValueError:  # a NUL in the name
        raise UnreadableFile("not a valid file name") from None


def read_text(path: str, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file, decoded by the policy above; UnreadableFile says why not."""
    return decode(read_bytes(path, limit))


def encoding_of(raw: bytes) -> str:
    """The encoding :func:`decode` reads ``raw`` in, to write it back the same way."""
    return next((encoding for bom, encoding in _BOMS if raw.startswith(bom)), "utf-8")


@dataclass(frozen=True)
class PathError:
    """A path named or found that cannot be linted (missing, a folder that cannot be read), and why."""

    path: str
    reason: str


MissingPath = PathError  # its first name, when only a missing path was reported


def discover(paths, extensions=DEFAULT_EXTENSIONS):
    """Yield the files to lint, in a stable order, and a PathError for each path that cannot be.

    Directories are walked recursively (hidden folders skipped, symlinked
    folders not followed, so a link loop cannot trap the walk); a folder the
    walk cannot list (no permission) is a PathError naming it, never skipped
    in silence. A file named explicitly is linted whatever its extension;
    one that cannot even be looked at (in a folder without permission) is
    yielded too, and reading it reports why.
    """
    for raw in paths:
        try:
            is_dir = stat.S_ISDIR(os.stat(raw).st_mode)
        except FileNotFoundError:
            if not os.path.islink(raw):
                yield PathError(str(raw), "no such file or directory")
                continue
            is_dir = False  # a dangling link: reading it says so
        except (OSError, ValueError):
            is_dir = False  # permission denied, a link loop, a NUL in the name...: reading it says so
        if not is_dir:
            yield str(raw)
            continue
        found: list = []

        def unlisted(error: OSError) -> None:
            where = error.filename or str(raw)
            found.append((where, PathError(where, f"cannot read folder: {error.strerror or error}")))

        for root, dirs, files in os.walk(str(Path(raw)), onerror=unlisted, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.lower().endswith(extensions):
                    path = os.path.join(root, name)
                    found.append((path, path))
        found.sort(key=lambda item: item[0])
        for _, item in found:
            yield item

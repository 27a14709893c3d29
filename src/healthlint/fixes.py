"""Safe fixes: the few edits healthlint can make without changing what an article claims.

=============================  ==========================================================
rule                           fix
=============================  ==========================================================
undisclosed-affiliate-link     insert the configured disclosure (``fix.disclosure``) as its
                               own paragraph before the block holding the first flagged link
missing-clinician-referral     append the configured referral (``fix.referral``)
missing-supplement-disclaimer  append the configured DSHEA disclaimer (``fix.dshea``),
                               once the strict profile ships that rule
=============================  ==========================================================

A fix is applied only if, linting the result again, the rule it targets is
silent and no other rule reports more than before; so a second run never
changes anything. Claims themselves are never rewritten. Files are written
atomically (a temporary file in the same folder, then a rename), in their own
encoding, and only when changed. An interruption (SIGINT, SIGTERM) takes
effect between two files, never in the middle of one.

A fix never clobbers: the fixed file keeps the original's mode and owner (or
is not written); a read-only file, or one this user may not write, is not
replaced; a symlink is followed and its target fixed in its own folder, the
link left as it is; a file with several hard links is not split from them;
and a file that changed after it was read (its identity, size, modification
time or text) is left as it is now. Each refusal is a :class:`NotWritten`.
"""
from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from healthlint.config import Config
from healthlint.signals import signals_held
from healthlint.sources import UnreadableFile, decode, encoding_of, read_bytes

_FRONT_MATTER_FENCES = ("---", "+++")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after Markdown front matter (0 when there is none)."""
    if lines and lines[0].strip() in _FRONT_MATTER_FENCES:
        for i in range(1, len(lines)):
            if lines[i].strip() == lines[0].strip():
                return i + 1
    return 0


def insert_disclosure(text: str, targets, config: Config, kind: str) -> str:
    lines = text.splitlines(keepends=True)
    first = min(d.line for d in targets) - 1
    floor = _front_matter_end(lines) if kind == "markdown" else 0
    line = first
    while line > floor and lines[line - 1].strip() and not (kind == "markdown" and lines[line - 1].lstrip().startswith("#")):
        line -= 1
    nl = _newline(text)
    pos = _line_starts(text)[line]
    return text[:pos] + config.fix_disclosure + nl + nl + text[pos:]


def _appender(setting: str):
    def append(text: str, targets, config: Config, kind: str) -> str:
        nl = _newline(text)
        body = text.rstrip("\r\n \t")
        return (body + nl + nl if body else "") + getattr(config, setting) + nl
    return append


@dataclass(frozen=True)
class Fix:
    rule: str
    description: str
    apply: Callable[[str, list, Config, str], str]


FIXES = {f.rule: f for f in (
    Fix("undisclosed-affiliate-link", "insert the configured affiliate disclosure before the first affiliate link",
        insert_disclosure),
    Fix("missing-clinician-referral", "append the configured clinician referral", _appender("fix_referral")),
    Fix("missing-supplement-disclaimer", "append the configured DSHEA disclaimer", _appender("fix_dshea")),
)}


def fix_text(text: str, path: str, linter) -> tuple[str, list[str]]:
    """``text`` with every safe fix applied, and the rules fixed."""
    from healthlint.text.document import kind_for_path

    kind = kind_for_path(path)
    found = linter.lint_text(text, path)
    applied = []
    for rule_id, fix in FIXES.items():
        targets = [d for d in found if d.rule == rule_id]
        if not targets:
            continue
        candidate = fix.apply(text, targets, linter.config, kind)
        if candidate == text:
            continue
        after = linter.lint_text(candidate, path)
        if any(d.rule == rule_id for d in after):
            continue  # the fix would not settle it: leave the file alone
        others_before = sum(1 for d in found if d.rule != rule_id)
        if sum(1 for d in after if d.rule != rule_id) > others_before:
            continue
        text, found = candidate, after
        applied.append(rule_id)
    return text, applied


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path.lstrip('/')}", tofile=f"b/{path.lstrip('/')}"))


def read_for_fix(path: str) -> tuple[str, str]:
    """The file's text and the encoding to write it back in, read as linting reads it
    (:func:`healthlint.sources.read_bytes`); UnreadableFile says why not."""
    raw = read_bytes(path)
    return decode(raw), encoding_of(raw)


class NotWritten(Exception):
    """A fix that was not written, and why; the file is as it was (or as someone else has since made it)."""


CHANGED_WHILE_FIXING = "changed while fixing, not written"


def _digest(text: str, encoding: str) -> bytes:
    return hashlib.sha256(encoding.encode() + b"\0" + text.encode("utf-8", "surrogatepass")).digest()


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read for fixing, compared again right before the fixed text replaces it.

    ``read(path) -> (text, encoding)`` is the reading policy that read it; it
    reads the file again for the comparison, so the text hash compares like
    with like.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: bytes
    read: Callable[[str], tuple[str, str]] = field(compare=False, repr=False)

    @classmethod
    def read_file(cls, path: str, read: Callable[[str], tuple[str, str]]) -> tuple[str, str, "Snapshot"]:
        """``read(path)``'s text and encoding, and the snapshot of the file they came from."""
        info = os.stat(path)  # before reading: a change made while it is read shows in the next stat
        text, encoding = read(path)
        return text, encoding, cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
                                   _digest(text, encoding), read)

    def unchanged(self, path: str) -> bool:
        """Is the file at ``path`` still the one read, with the same size, modification time and text?"""
        try:
            info = os.stat(path)
            if (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) != (
                    self.device, self.inode, self.size, self.mtime_ns):
                return False
            text, encoding = self.read(path)
        except (OSError, UnreadableFile):
            return False
        return _digest(text, encoding) == self.digest


def _refuse_to_replace(path: str, info: os.stat_result) -> None:
    """Raise NotWritten if replacing the file at ``path`` would clobber something."""
    if not stat.S_ISREG(info.st_mode):
        raise NotWritten("not a regular file; not written")
    if not info.st_mode & 0o222:
        raise NotWritten("read-only file (no write permission); not written")
    if not os.access(path, os.W_OK):
        raise NotWritten("not writable (permissions, or a read-only file system); not written")
    if info.st_nlink > 1:
        raise NotWritten(f"has {info.st_nlink} hard links, which replacing it would leave unfixed; not written")


def _keep_owner_and_mode(temporary: str, info: os.stat_result) -> None:
    """Give the temporary file the original's owner, group and permission bits, or raise NotWritten."""
    made = os.stat(temporary)
    if (made.st_uid, made.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.chown(temporary, info.st_uid, info.st_gid)
        except OSError:
            raise NotWritten(f"owned by uid {info.st_uid}, gid {info.st_gid}, an owner this user cannot give "
                             f"the fixed file; not written") from None
    os.chmod(temporary, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits


def write_atomic(path: str, text: str, encoding: str = "utf-8", expected: Snapshot | None = None) -> None:
    """Write through a temporary file in the file's folder and a rename; keep its mode and owner.

    A symlink is followed: its target is written, in the target's folder, and
    the link is left as it is. Raises :class:`NotWritten` instead of replacing
    a file it would clobber (see the module's docstring), or, with
    ``expected``, one no longer as it was read; OSError when writing fails.

    SIGINT and SIGTERM are held until the rename is done (in the main thread),
    and the temporary file is removed if the write fails or is refused: the
    file is either as it was or entirely ``text``, and nothing else is left in
    the folder.
    """
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None  # a new file
    if info is not None:
        _refuse_to_replace(target, info)
    with signals_held():
        fd, tmp = tempfile.mkstemp(prefix=".healthlint-", dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())  # a full disk fails here, not after the rename
            if info is not None:
                _keep_owner_and_mode(tmp, info)
            if expected is not None and not expected.unchanged(target):
                raise NotWritten(CHANGED_WHILE_FIXING)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

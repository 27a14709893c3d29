"""The CLI's optional stages around linting: safe fixes before, the baseline after."""
from __future__ import annotations

from healthlint.baseline import Fingerprinter, new_findings, read_baseline, write_baseline
from healthlint.fixes import NotWritten, Snapshot, fix_text, read_for_fix, unified_diff, write_atomic
from healthlint.pipeline import FileError
from healthlint.sources import PathError, UnreadableFile


def apply_fixes(project, paths, *, write: bool, out, err, errors: list | None = None,
                unread: list | None = None) -> int:
    """Fix (``write``) or show as a diff each file's safe fixes; return how many files change.

    A path that cannot be read (by the one reading policy: missing, not a regular
    file, too large, undecodable) is never fixed nor written; it is added to
    ``unread`` as a FileError, for the caller to report. A fix that cannot be
    written is added to ``errors`` and the other files are still fixed.
    """
    changed = 0
    for path in project.files(paths):
        if isinstance(path, PathError):
            if unread is not None:
                unread.append(FileError(path.path, path.reason))
            continue
        try:
            before, encoding, snapshot = Snapshot.read_file(path, read_for_fix)
        except (OSError, UnreadableFile) as e:
            if unread is not None:
                unread.append(FileError(path, str(e) if isinstance(e, UnreadableFile) else (e.strerror or str(e))))
            continue
        after, rules = fix_text(before, path, project.linter_for(path))
        if after == before:
            continue
        if write:
            try:
                write_atomic(path, after, encoding, expected=snapshot)
            except NotWritten as e:
                if errors is not None:
                    errors.append(FileError(path, str(e)))
                continue
            except (OSError, UnicodeError) as e:
                if errors is not None:
                    errors.append(FileError(path, f"could not write the fix ({getattr(e, 'strerror', None) or e}); "
                                              f"the file is as it was"))
                continue
            err.write(f"{path}: fixed {', '.join(rules)}\n")
        else:
            out.write(unified_diff(path, before, after))
        changed += 1
    if write:
        err.write(f"Fixed {changed} file{'' if changed == 1 else 's'}.\n")
    return changed


def baseline_stage(diagnostics, sources, baseline: str | None, write: str | None, err, rules=None):
    """Record the findings (``write``), or keep only those the ``baseline`` does not hold."""
    document_rules = [rule_id for rule_id, rule in (rules or {}).items() if getattr(rule, "kind", "") == "document"]
    fingerprint = Fingerprinter(sources, document_rules=document_rules)
    if write:
        count = write_baseline(write, diagnostics, fingerprint)
        err.write(f"Wrote {count} finding{'' if count == 1 else 's'} to {write}.\n")
        return diagnostics
    return new_findings(diagnostics, read_baseline(baseline), fingerprint)

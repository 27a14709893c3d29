"""Linting many files on every core: batches of files, each linted by a worker process.

The parent discovers the files and loads every rule pack the run needs
*before* the workers start; on Linux the workers are forked from it and
inherit the compiled rules, so no worker reads or compiles a rule file.
Elsewhere (spawned workers) each worker builds its own linters once.

Results come back batch by batch in the order of the files, so the report
is the same whatever the number of jobs. If the run is interrupted the
workers are stopped at once (linting writes nothing, so nothing is left
half-done).
"""
from __future__ import annotations

import os
import signal
from typing import Sequence

from healthlint.pipeline import LintResult, lint_files
from healthlint.sources import MissingPath

# Files per batch: large enough that sending results back is cheap, small enough to share the load.
MAX_BATCH = 64
# Below this many files per job, starting workers costs more than it saves.
MIN_FILES_PER_JOB = 8

_PROJECT = None  # the project a worker lints with


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def lint_in_parallel(items: Sequence, project, jobs: int) -> LintResult:
    """Lint ``items`` (paths and MissingPaths, in report order) with up to ``jobs`` worker processes."""
    files = [item for item in items if not isinstance(item, MissingPath)]
    jobs = min(jobs, len(files) // MIN_FILES_PER_JOB)
    if jobs <= 1:
        return lint_files(items, project.linter_for)
    import multiprocessing  # not before it is needed: a one-file run starts no workers

    for path in files:
        project.linter_for(path)  # load every configuration's rules once, before the workers start
    size = max(1, min(MAX_BATCH, len(items) // (jobs * 8)))
    batches = [list(items[i:i + size]) for i in range(0, len(items), size)]
    global _PROJECT
    _PROJECT = project
    try:
        if "fork" in multiprocessing.get_all_start_methods():
            context, adopted = multiprocessing.get_context("fork"), None
        else:  # pragma: no cover - macOS and Windows spawn workers that start from nothing
            context, adopted = multiprocessing.get_context("spawn"), project
        result = LintResult()
        with context.Pool(jobs, initializer=_start_worker, initargs=(adopted,)) as pool:
            for part in pool.imap(_lint_batch, batches):
                result.diagnostics.extend(part.diagnostics)
                result.errors.extend(part.errors)
                result.files += part.files
        return result
    finally:
        _PROJECT = None


def _start_worker(project) -> None:
    """The parent handles interrupts and stops the workers; a worker just ends when told."""
    global _PROJECT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if project is not None:
        _PROJECT = project


def _lint_batch(batch: list) -> LintResult:
    return lint_files(batch, _PROJECT.linter_for)

"""Profiles: a name a client may send, mapped to a Linter built once and then shared.

Each shipped profile (``rules/profiles/*.yaml``: ``default``, ``strict``)
is a function from the operator's rule folders to a Linter.
"""
from __future__ import annotations

import functools
import threading
from typing import Callable

from healthlint.pipeline import Linter
from healthlint.profiles import available_profiles
from healthlint.rules.loader import builtin_pack_dir


def profile_linter(profile: str, rule_dirs: list[str]) -> Linter:
    return Linter(rule_dirs, profile=profile)


# The table is sent to the linting process (lint_process.py), so its entries must pickle: functions
# defined at module level, or partials of them; not lambdas.
BUILTIN: dict[str, Callable[[list[str]], Linter]] = {
    name: functools.partial(profile_linter, name) for name in available_profiles([builtin_pack_dir()])}


class UnknownProfile(LookupError):
    def __str__(self) -> str:
        return self.args[0]


class Profiles:
    def __init__(self, rule_dirs: list[str], table: dict[str, Callable] | None = None):
        self.rule_dirs = rule_dirs
        self.table = dict(BUILTIN if table is None else table)
        self.linters: dict[str, Linter] = {}
        self.lock = threading.Lock()

    def names(self) -> list[str]:
        return sorted(self.table)

    def check(self, name: str) -> None:
        """UnknownProfile unless ``name`` is a profile (nothing is built)."""
        if name not in self.table:
            raise UnknownProfile(f"unknown profile {name!r}; profiles are: {', '.join(self.names())}")

    def loaded(self, name: str) -> Linter | None:
        """The profile's Linter if it is built already (a dictionary lookup, safe in the event loop)."""
        return self.linters.get(name)

    def get(self, name: str) -> Linter:
        linter = self.linters.get(name)
        if linter is not None:
            return linter
        self.check(name)
        with self.lock:
            if name not in self.linters:
                self.linters[name] = self.table[name](self.rule_dirs)
            return self.linters[name]

"""The server's settings: from ``initializationOptions`` or ``workspace/didChangeConfiguration``.

Every key is optional; a client may send them flat or under ``healthlint``::

    {"rules": ["style/rules"], "select": [], "ignore": ["missing-clinician-referral"],
     "debounce_ms": 150, "reload_timeout_ms": 30000, "docs_url": null, "disclosure": "...", "referral": "..."}

Relative rule folders are resolved against the workspace root. A wrong value is
reported (not fatal): the server keeps that key's default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_DISCLOSURE = "We earn a commission if you buy through links on this page."
DEFAULT_REFERRAL = ("Talk to your doctor or pharmacist before starting, stopping or changing "
                    "a treatment, especially if you take other medicines.")
DEFAULT_DEBOUNCE_MS = 150
# How long reading the workspace's configuration and rules may take before the reload is abandoned.
DEFAULT_RELOAD_TIMEOUT_MS = 30_000  # a cold start compiles the rule pack: ~11 s on a busy 2-core machine
_MILLISECONDS = {"debounce_ms": (0, 10_000), "reload_timeout_ms": (100, 120_000)}

_LISTS = ("rules", "select", "ignore")
_TEXTS = ("docs_url", "disclosure", "referral")


@dataclass(frozen=True)
class Settings:
    rules: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    reload_timeout_ms: int = DEFAULT_RELOAD_TIMEOUT_MS
    docs_url: str | None = None  # a template with {rule}; None links to the rule's YAML file
    disclosure: str = DEFAULT_DISCLOSURE
    referral: str = DEFAULT_REFERRAL
    problems: tuple[str, ...] = field(default=(), compare=False)


def parse_settings(options, root: str | None = None) -> Settings:
    """Settings from a client's JSON object; unknown keys are ignored, wrong types are reported."""
    if isinstance(options, dict) and isinstance(options.get("healthlint"), dict):
        options = options["healthlint"]
    if not isinstance(options, dict):
        return Settings()
    values, problems = {}, []
    for key in _LISTS:
        if key in options:
            value = options[key]
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                values[key] = tuple(value)
            else:
                problems.append(f"setting {key!r} must be a list of strings")
    for key in _TEXTS:
        if key in options and options[key] is not None:
            if isinstance(options[key], str) and options[key].strip():
                values[key] = options[key]
            else:
                problems.append(f"setting {key!r} must be a non-empty string")
    for key, (low, high) in _MILLISECONDS.items():
        if key in options:
            value = options[key]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
                values[key] = int(value)
            else:
                problems.append(f"setting {key!r} must be a number of milliseconds from {low} to {high}")
    if root and "rules" in values:
        values["rules"] = tuple(os.path.normpath(os.path.join(root, d)) for d in values["rules"])
    return replace(Settings(), **values, problems=tuple(problems))

"""Which rules run, as what: a Config and a loaded pack → the tuned, immutable rules to check with.

Order: the profile's rules (plus every rule of an extra pack), or exactly
``select`` when given; less ``ignore``; then severities (the profile's, then
the configuration's) and extra front-matter fields. Rules are never mutated:
a changed rule is a new value (``dataclasses.replace``).
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from healthlint.config import Config
from healthlint.diagnostics import Severity
from healthlint.errors import HealthlintError
from healthlint.profiles import load_profile
from healthlint.rules.loader import RulePack, builtin_pack_dir

def _check_known(pack: RulePack, ids, config: Config, key: str) -> None:
    for rule_id in ids:
        if rule_id not in pack.rules:
            import difflib

            close = difflib.get_close_matches(rule_id, pack.rules, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if config.path is None:
                raise HealthlintError(f"unknown rule {rule_id!r}{hint}; rules are: {', '.join(sorted(pack.rules))}")
            raise config.error(key, f"unknown rule {rule_id!r} in '{key}'{hint}")


def _is_builtin(rule, builtin: Path) -> bool:
    try:
        return Path(rule.path).resolve().is_relative_to(builtin)
    except (OSError, ValueError):
        return False


def pack_dirs(config: Config) -> list:
    return [builtin_pack_dir(), *config.rule_packs]


def configure_rules(pack: RulePack, config: Config) -> list:
    """The rules ``config`` runs, each with its severity and front-matter fields applied."""
    _check_known(pack, config.select, config, "select")
    _check_known(pack, config.ignore, config, "ignore")
    _check_known(pack, [r for r, _ in config.severity], config, "severity")
    for glob, rules in config.per_file_ignores:
        _check_known(pack, rules, config, f"per-file-ignores.{glob}")
    if config.select:
        chosen = [pack.rules[r] for r in config.select]
        severity = {}
    else:
        profile = load_profile(config.profile, pack_dirs(config))
        missing = [r for r in profile.rules if r not in pack.rules]
        if missing:
            raise HealthlintError(f"{profile.path}: profile {profile.name!r} names unknown rules: {', '.join(missing)}")
        builtin = builtin_pack_dir().resolve()
        extra = [r for r in pack.rules.values() if not _is_builtin(r, builtin) and r.id not in profile.rules]
        chosen = [pack.rules[r] for r in profile.rules] + extra
        severity = dict(profile.severity)
    severity.update(config.severity)
    out = []
    for rule in chosen:
        if rule.id in config.ignore:
            continue
        if rule.id in severity:
            rule = dataclasses.replace(rule, severity=Severity.parse(severity[rule.id]))
        # A rule names the setting (disclosure-fields, referral-fields) whose fields also satisfy it.
        setting = getattr(rule.check, "front_matter_setting", None)
        fields = getattr(config, f"{setting}_fields") if setting else ()
        if fields:
            check = dataclasses.replace(rule.check, front_matter=tuple(rule.check.front_matter) + fields)
            rule = dataclasses.replace(rule, check=check)
        out.append(rule)
    return out

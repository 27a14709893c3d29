"""SARIF 2.1.0, the format GitHub code scanning uploads: rules described from their documentation.

Columns are Unicode code points (``columnKind: unicodeCodePoints``); paths are
relative to the working directory (``uriBaseId: %SRCROOT%``) when they lie
under it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from healthlint import __version__
from healthlint.diagnostics import Severity
from healthlint.formatters.base import Formatter, Summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> dict:
    absolute = Path(os.path.abspath(path))
    try:
        return {"uri": absolute.relative_to(Path.cwd()).as_posix(), "uriBaseId": "%SRCROOT%"}
    except ValueError:
        return {"uri": absolute.as_uri()}


def describe_rule(rule_id: str, rule) -> dict:
    """A ``reportingDescriptor`` from a Rule, or from a meta-rule's ``(severity, description)``."""
    if isinstance(rule, tuple):
        severity, description = rule
        return {"id": rule_id, "name": rule_id, "shortDescription": {"text": description.split(". ")[0]},
                "fullDescription": {"text": description}, "help": {"text": description},
                "defaultConfiguration": {"level": _LEVELS[severity]}}
    from healthlint.explain import explain

    paragraphs = rule.description.strip().split("\n\n")
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": " ".join(paragraphs[0].split())},
        "fullDescription": {"text": " ".join(rule.description.split())},
        "help": {"text": explain(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["health", "compliance", rule.kind]},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


class SarifFormatter(Formatter):
    def start(self) -> None:
        self.results = []
        self.used: dict[str, int] = {}

    def handle(self, d) -> None:
        result = {
            "ruleId": d.rule,
            "level": _LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _uri(d.path),
                "region": {"startLine": d.line, "startColumn": d.column,
                           "endLine": d.end_line, "endColumn": max(d.end_column, 1)},
            }}],
        }
        if d.rule in self.rules:
            result["ruleIndex"] = self.used.setdefault(d.rule, len(self.used))
        self.results.append(result)

    def finish(self, summary: Summary) -> None:
        # Every known rule is described; those reported come first so ruleIndex stays valid.
        order = list(self.used) + sorted(r for r in self.rules if r not in self.used)
        run = {
            "tool": {"driver": {
                "name": "healthlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/healthlint/healthlint",
                "rules": [describe_rule(r, self.rules[r]) for r in order],
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "results": self.results,
            "invocations": [{
                "executionSuccessful": not summary.unreadable,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": f"{e.path}: {e.reason}"}} for e in summary.unreadable
                ],
            }],
        }
        json.dump({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, self.out, indent=2, ensure_ascii=False)
        self.out.write("\n")

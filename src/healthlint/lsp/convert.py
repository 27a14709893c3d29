"""healthlint values as LSP values: a Diagnostic, a rule or configuration error on its file, a document too large."""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from healthlint.diagnostics import Diagnostic, Severity
from healthlint.config import ConfigError
from healthlint.errors import RuleError
from healthlint.lsp.positions import PositionEncoder
from healthlint.sources import UnreadableFile, read_text

SOURCE = "healthlint"
RULE_ERROR_CODE = "rule-error"
CONFIG_ERROR_CODE = "config-error"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def rule_docs_url(rule, template: str | None) -> str | None:
    """The rule's documentation: ``template`` with ``{rule}`` filled in, else its YAML file."""
    if template:
        return template.replace("{rule}", rule.id)
    if rule.path:
        return Path(rule.path).resolve().as_uri()
    return None


def to_lsp(diagnostic: Diagnostic, encoder: PositionEncoder, rule=None, docs_template: str | None = None):
    href = rule_docs_url(rule, docs_template) if rule is not None else None
    return types.Diagnostic(
        range=encoder.range(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column),
        message=diagnostic.message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"rule": diagnostic.rule},
    )


def file_error_diagnostic(error: RuleError | ConfigError, encoding: str) -> types.Diagnostic:
    """The error where it is: from its line (and column) to the end of that line of the rule or config file.

    The file is read by the one reading policy (``sources.read_text``): a file
    that is a pipe, a device, too large or not text puts the error at 1:1.
    """
    try:
        text = read_text(error.path)
    except UnreadableFile:
        text = ""
    encoder = PositionEncoder(text, encoding)
    line = min(max(error.line, 1), encoder.lines.line_count)
    start = encoder.lines.line_start(line)
    end = encoder.lines.starts[line] if line < encoder.lines.line_count else len(text)
    length = len(text[start:end].rstrip("\r\n"))
    column = min(max(getattr(error, "column", None) or 1, 1), length + 1)
    return types.Diagnostic(
        range=encoder.range(line, column, line, max(column, length + 1)),
        message=error.reason,
        severity=types.DiagnosticSeverity.Error,
        code=RULE_ERROR_CODE if isinstance(error, RuleError) else CONFIG_ERROR_CODE,
        source=SOURCE,
    )


def too_large_diagnostic(limit: int) -> types.Diagnostic:
    """In place of the findings of a document over ``limit`` bytes (no code: nothing to suppress or fix)."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"Not linted: this document is larger than the {limit // (1024 * 1024)} MiB limit.",
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
    )

"""healthlint: a linter for health content.

The pipeline, read top to bottom: configuration → rules → document → checks →
report. ``lint_text`` and ``lint_paths`` are the library entry points; the CLI
is a thin layer over them.
"""
from healthlint.diagnostics import Diagnostic, Severity
from healthlint.pipeline import Linter, lint_paths, lint_text

__version__ = "0.1.0"

__all__ = ["Diagnostic", "Severity", "Linter", "lint_text", "lint_paths", "__version__"]

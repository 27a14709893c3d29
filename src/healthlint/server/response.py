"""The body of a ``POST /v1/lint`` answer, within a number of findings and a number of bytes.

    {"verdict": "block" | "review" | "pass", "diagnostics": [...], "summary": {...}}

and, when the answer had to be cut short (more findings than ``max_findings``,
a body that would pass ``max_bytes``, a lint stopped at its CPU deadline)::

    {..., "verdict": "block", "truncated": true, "reason": "..."}

A truncated answer always blocks: what was not listed cannot be reviewed or
approved, whatever the listed findings say. ``summary`` still counts every
finding (for a lint that was stopped: none were counted).
"""
from __future__ import annotations

import json

from healthlint.verdict import BLOCK, review

DEFAULT_MAX_FINDINGS = 1000
DEFAULT_MAX_RESPONSE = 1024 * 1024  # bytes
MIN_RESPONSE = 4096  # room for the envelope and a few findings
_ENVELOPE = 1024  # bytes kept for the verdict, the summary and the reason
_EMPTY_SUMMARY = {"problems": 0, "errors": 0, "warnings": 0, "info": 0, "approved": 0}


def _json(value) -> bytes:
    # As Starlette's JSONResponse renders: compact, UTF-8, no NaN.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _body(verdict: str, findings: list[bytes], summary: dict, reason: str | None) -> bytes:
    body = (b'{"verdict":' + _json(verdict) + b',"diagnostics":[' + b",".join(findings) + b'],"summary":'
            + _json(summary))
    if reason is not None:
        body += b',"truncated":true,"reason":' + _json(reason)
    return body + b"}"


def lint_response(linter, request, max_findings: int = DEFAULT_MAX_FINDINGS,
                  max_bytes: int = DEFAULT_MAX_RESPONSE) -> bytes:
    """Lint ``request`` (a ``LintRequest``) with ``linter`` and render the answer within the limits."""
    diagnostics = linter.lint_text(request.content, request.filename or "<content>", request.kind)
    document_rules = {rule.id for rule in linter.rules if rule.kind == "document"}
    outcome = review(request.content, diagnostics, approved=request.approved, document_rules=document_rules)
    listed: list[bytes] = []
    room = max(0, max_bytes - _ENVELOPE)
    cut = None
    for finding in outcome.findings:
        if len(listed) == max_findings:
            cut = f"at most {max_findings} findings are listed"
            break
        item = _json(finding.to_dict())
        room -= len(item) + 1
        if room < 0:
            cut = f"an answer is at most {max_bytes} bytes"
            break
        listed.append(item)
    if cut is None:
        return _body(outcome.verdict, listed, outcome.summary(), None)
    reason = (f"{len(outcome.findings)} findings, of which the first {len(listed)} are listed ({cut}); "
              f"the verdict is {BLOCK} until there are fewer")
    return _body(BLOCK, listed, outcome.summary(), reason)


def stopped_response(reason: str) -> bytes:
    """The answer for a lint that did not finish: nothing listed, and the verdict blocks."""
    return _body(BLOCK, [], _EMPTY_SUMMARY, reason)

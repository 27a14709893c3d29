"""The body of ``POST /v1/lint``: checked field by field, every mistake named.

    {"content": "...", "kind": "markdown" | "text" | "html", "filename": "post.md",
     "profile": "default", "approved": ["<fingerprint>", ...]}

Only ``content`` is required. ``kind`` defaults to what ``filename``'s
extension implies, else Markdown. ``approved`` lists fingerprints an editor
has accepted: those findings are reported but no longer count for the verdict.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from healthlint.text.document import KINDS, kind_for_path

FIELDS = ("content", "kind", "filename", "profile", "approved")
DEFAULT_MAX_BODY = 2 * 1024 * 1024
DEFAULT_READ_TIMEOUT = 30.0  # seconds for a request's headers, and again for its body
MAX_FILENAME = 1024
MAX_APPROVED = 10_000


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class LintRequest:
    content: str
    kind: str
    filename: str | None = None
    profile: str = "default"
    approved: frozenset[str] = frozenset()


def _invalid(message: str) -> BadRequest:
    return BadRequest(422, message)


def _optional_str(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(f"'{key}' must be a string, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _invalid(f"'{key}' contains an unpaired surrogate escape (\\ud800-\\udfff)") from None
    return value


def parse_lint_request(body: bytes, content_type: str | None) -> LintRequest:
    if content_type and content_type.split(";")[0].strip().lower() not in ("application/json", "text/json"):
        raise BadRequest(415, f"send JSON with 'Content-Type: application/json' (got {content_type!r})")
    if not body.strip():
        raise BadRequest(400, "empty body; send a JSON object such as {\"content\": \"...\"}")
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise BadRequest(400, "body is not UTF-8") from None
    except (ValueError, RecursionError) as e:
        raise BadRequest(400, f"body is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise _invalid(f"body must be a JSON object, not {type(data).__name__}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise _invalid(f"unknown field(s) {', '.join(map(repr, unknown))}; fields are: {', '.join(FIELDS)}")
    if "content" not in data:
        raise _invalid("'content' is required: the text to lint")
    content = _optional_str(data, "content")
    if content is None:
        raise _invalid("'content' must be a string, not null")
    filename = _optional_str(data, "filename")
    if filename is not None and (len(filename) > MAX_FILENAME or "\x00" in filename):
        raise _invalid(f"'filename' must be at most {MAX_FILENAME} characters, without NUL")
    kind = _optional_str(data, "kind") or (kind_for_path(filename) if filename else "markdown")
    if kind not in KINDS:
        raise _invalid(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    profile = _optional_str(data, "profile") or "default"
    approved = data.get("approved") or []
    if not isinstance(approved, list) or not all(isinstance(a, str) for a in approved):
        raise _invalid("'approved' must be a list of fingerprint strings")
    if len(approved) > MAX_APPROVED:
        raise _invalid(f"'approved' may list at most {MAX_APPROVED} fingerprints")
    return LintRequest(content, kind, filename, profile, frozenset(approved))

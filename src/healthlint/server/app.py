"""The ASGI app a CMS asks "may this be published?": ``POST /v1/lint``, ``GET /v1/rules``, ``GET /healthz``.

Nothing a client sends reaches the file system: ``filename`` is only a label
(and picks the kind when ``kind`` is absent), profiles are names looked up in
a fixed table, rule folders are the operator's, given when the app is built.
Bodies are read up to a limit and refused past it (413), and within a read
timeout: a client that stalls or trickles its body is answered 408 and its
connection closed, so it cannot hold the server. Every other mistake is a 400
(not JSON), 415 (not a JSON content type) or 422 (JSON of the wrong shape)
with a message saying what to fix. Linting runs in a worker thread so the
event loop keeps answering health checks.
"""
from __future__ import annotations

import contextlib
import hmac
import logging
import os
from typing import Callable, Iterable

from anyio import CapacityLimiter, fail_after, to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from healthlint import __version__
from healthlint.server.profiles import Profiles, UnknownProfile
from healthlint.server.request import (DEFAULT_MAX_BODY, DEFAULT_READ_TIMEOUT, BadRequest, LintRequest,
                                       parse_lint_request)
from healthlint.verdict import review

TOKEN_ENV = "HEALTHLINT_TOKEN"
MAX_BODY_ENV = "HEALTHLINT_MAX_BODY"
# Linting is CPU work under the GIL: threads of one process linting at once only take turns, and
# many of them starve the event loop that reads requests and writes answers. One at a time per
# worker process; use --workers for more cores. Waiting requests cost only their buffered body.
LINTS_AT_ONCE = 1
RULES_ENV = "HEALTHLINT_RULES"
READ_TIMEOUT_ENV = "HEALTHLINT_READ_TIMEOUT"
log = logging.getLogger("healthlint.server")


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def read_timeout_from_env() -> float | None:
    """``$HEALTHLINT_READ_TIMEOUT`` in seconds (default 30; 0: none), as ``healthlint serve`` sets it."""
    value = os.environ.get(READ_TIMEOUT_ENV, "")
    try:
        seconds = float(value) if value else DEFAULT_READ_TIMEOUT
    except ValueError:
        seconds = DEFAULT_READ_TIMEOUT
    if not seconds >= 0:  # negative or NaN
        seconds = DEFAULT_READ_TIMEOUT
    return seconds or None


class _Api:
    def __init__(self, profiles: Profiles, token: str | None, max_body: int, read_timeout: float | None):
        self.profiles = profiles
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body
        self.read_timeout = read_timeout
        self._lint_slots = None  # one lint at a time per process (made in the event loop)

    def unauthorized(self, request: Request) -> Response | None:
        if self.token is None:
            return None
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"), self.token):
            return None
        return _error(401, "missing or wrong bearer token (send 'Authorization: Bearer <token>')",
                      {"WWW-Authenticate": 'Bearer realm="healthlint"'})

    async def read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise BadRequest(400, "invalid Content-Length header")
            if int(declared) > self.max_body:
                raise BadRequest(413, f"body is larger than the limit of {self.max_body} bytes")
        chunks, size = [], 0
        try:
            with fail_after(self.read_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > self.max_body:
                        raise BadRequest(413, f"body is larger than the limit of {self.max_body} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise BadRequest(408, f"the body did not arrive within {self.read_timeout:g} s") from None
        except ClientDisconnect:  # gone, or its chunked framing broke, before the end of the body
            raise BadRequest(400, "the client disconnected before the end of the body") from None
        return b"".join(chunks)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def rules(self, request: Request) -> Response:
        denied = self.unauthorized(request)
        if denied:
            return denied
        name = request.query_params.get("profile", "default")
        try:
            linter = await to_thread.run_sync(self.profiles.get, name)
        except UnknownProfile as e:
            return _error(422, str(e))
        rules = [{
            "id": rule.id,
            "severity": str(rule.severity),
            "kind": rule.kind,
            "summary": rule.description.strip().split("\n")[0],
            "scopes": sorted(rule.scopes),
        } for rule in sorted(linter.rules, key=lambda r: r.id)]
        return JSONResponse({"profile": name, "rules": rules})

    async def lint(self, request: Request) -> Response:
        denied = self.unauthorized(request)
        if denied:
            return denied
        try:
            body = await self.read_body(request)
            lint_request = parse_lint_request(body, request.headers.get("content-type"))
            # Building a profile's rules takes a while: in a thread, once; afterwards it is a lookup.
            linter = (self.profiles.loaded(lint_request.profile)
                      or await to_thread.run_sync(self.profiles.get, lint_request.profile))
        except BadRequest as e:
            # After a 408 the rest of the body may still be on its way: close rather than read it.
            return _error(e.status, e.message, {"Connection": "close"} if e.status == 408 else None)
        except UnknownProfile as e:
            return _error(422, str(e))
        try:
            if self._lint_slots is None:
                self._lint_slots = CapacityLimiter(LINTS_AT_ONCE)
            result = await to_thread.run_sync(_lint, linter, lint_request, limiter=self._lint_slots)
        except Exception:  # a bug must cost one request, never the worker
            log.exception("linting failed")
            return _error(500, "internal error while linting; the server log has the details")
        return JSONResponse(result)


def _lint(linter, req: LintRequest) -> dict:
    diagnostics = linter.lint_text(req.content, req.filename or "<content>", req.kind)
    document_rules = {rule.id for rule in linter.rules if rule.kind == "document"}
    outcome = review(req.content, diagnostics, approved=req.approved, document_rules=document_rules)
    return {
        "verdict": outcome.verdict,
        "diagnostics": [finding.to_dict() for finding in outcome.findings],
        "summary": outcome.summary(),
    }


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return _error(exc.status_code, exc.detail or "error", getattr(exc, "headers", None))


def create_app(*, token: str | None = None, max_body: int = DEFAULT_MAX_BODY, rule_dirs: Iterable[str] = (),
               profiles: dict[str, Callable] | None = None,
               read_timeout: float | None = DEFAULT_READ_TIMEOUT) -> Starlette:
    """Build the app. ``token`` turns on bearer-token auth for ``/v1/*``; ``max_body`` is in bytes;
    a body must arrive within ``read_timeout`` seconds (``None``: no limit), else the answer is 408."""
    api = _Api(Profiles(list(rule_dirs), profiles), token or None, max_body, read_timeout or None)
    routes = [
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/v1/rules", api.rules, methods=["GET"]),
        Route("/v1/lint", api.lint, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        linter = await to_thread.run_sync(api.profiles.get, "default")  # rules load before the first request
        await to_thread.run_sync(linter.warm_up)
        yield

    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)


def app_from_env() -> Starlette:
    """The app as ``healthlint serve`` configures it, from the environment (for ``uvicorn --factory``)."""
    max_body = os.environ.get(MAX_BODY_ENV, "")
    rules = os.environ.get(RULES_ENV, "")
    return create_app(token=os.environ.get(TOKEN_ENV) or None,
                      max_body=int(max_body) if max_body.isdigit() else DEFAULT_MAX_BODY,
                      rule_dirs=[d for d in rules.split(os.pathsep) if d], read_timeout=read_timeout_from_env())

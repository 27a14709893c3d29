"""The ASGI app a CMS asks "may this be published?": ``POST /v1/lint``, ``GET /v1/rules``, ``GET /healthz``.

Nothing a client sends reaches the file system: ``filename`` is only a label
(and picks the kind when ``kind`` is absent), profiles are names looked up in
a fixed table, rule folders are the operator's, given when the app is built.
Bodies are read up to a limit and refused past it (413), and within a read
timeout: a client that stalls or trickles its body is answered 408 and its
connection closed, so it cannot hold the server. Every other mistake is a 400
(not JSON), 415 (not a JSON content type) or 422 (JSON of the wrong shape)
with a message saying what to fix.

Linting runs in a child process (``lint_process.py``), one request at a time,
each within a deadline of CPU time: a lint that uses more is stopped and its
answer blocks. Requests wait for their turn in a queue of ``max_queue``, ranked
so that a small article is not held up by large ones (``turns.py``);
beyond it the answer is 503 with ``Retry-After``, and ``/healthz`` says
``saturated`` (503) while the queue is full. An answer lists at most
``max_findings`` findings in at most ``max_response`` bytes; one cut short says
``"truncated": true`` and blocks (``response.py``). The event loop only reads
requests and writes answers, so it keeps answering health checks.
"""
from __future__ import annotations

import contextlib
import hmac
import logging
import math
import os
import time
from typing import Callable, Iterable

from anyio import fail_after, to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from healthlint import __version__
from healthlint.errors import HealthlintError
from healthlint.server.lint_process import DEFAULT_CPU_DEADLINE, DEFAULT_MAX_QUEUE, LintProcess, LintProcessError
from healthlint.server.profiles import Profiles, UnknownProfile
from healthlint.server.request import DEFAULT_MAX_BODY, DEFAULT_READ_TIMEOUT, BadRequest, parse_lint_request
from healthlint.server.response import DEFAULT_MAX_FINDINGS, DEFAULT_MAX_RESPONSE, MIN_RESPONSE
from healthlint.server.turns import Turns, rank

TOKEN_ENV = "HEALTHLINT_TOKEN"
MAX_BODY_ENV = "HEALTHLINT_MAX_BODY"
# One lint at a time per worker process (in its linting process); use --workers for more cores.
# Waiting requests cost only their buffered body, and at most max_queue of them wait (turns.py).
LINTS_AT_ONCE = 1
RULES_ENV = "HEALTHLINT_RULES"
READ_TIMEOUT_ENV = "HEALTHLINT_READ_TIMEOUT"
CPU_DEADLINE_ENV = "HEALTHLINT_CPU_DEADLINE"
MAX_QUEUE_ENV = "HEALTHLINT_MAX_QUEUE"
MAX_FINDINGS_ENV = "HEALTHLINT_MAX_FINDINGS"
MAX_RESPONSE_ENV = "HEALTHLINT_MAX_RESPONSE"
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
    def __init__(self, profiles: Profiles, token: str | None, max_body: int, read_timeout: float | None,
                 lints: LintProcess, max_queue: int):
        self.profiles = profiles
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.lints = lints
        self.max_queue = max_queue
        self.retry_after = str(max(1, math.ceil(lints.cpu_deadline)))
        self.admitted = 0  # lints running or waiting (only the event loop changes it)
        self.turns = Turns()  # one lint at a time per process, the smallest expected cost first

    def queue(self) -> dict:
        running = min(self.admitted, LINTS_AT_ONCE)
        return {"running": running, "waiting": self.admitted - running, "limit": self.max_queue}

    def saturated(self) -> bool:
        """Every lint slot is busy and the queue is full: the next lint would be refused."""
        return self.admitted >= LINTS_AT_ONCE + self.max_queue

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
        if self.saturated():
            return JSONResponse({"status": "saturated", "version": __version__, "queue": self.queue()},
                                status_code=503, headers={"Retry-After": self.retry_after})
        return JSONResponse({"status": "ok", "version": __version__, "queue": self.queue()})

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
            self.profiles.check(lint_request.profile)
        except BadRequest as e:
            # After a 408 the rest of the body may still be on its way: close rather than read it.
            return _error(e.status, e.message, {"Connection": "close"} if e.status == 408 else None)
        except UnknownProfile as e:
            return _error(422, str(e))
        if self.saturated():
            queue = self.queue()
            return _error(503, f"the gate is saturated ({queue['running']} lint running, {queue['waiting']} "
                               f"waiting, the queue holds {self.max_queue}); retry later",
                          {"Retry-After": self.retry_after})
        self.admitted += 1
        try:
            await self.turns.take(rank(time.monotonic(), len(lint_request.content), self.lints.cpu_deadline))
            try:
                answer = await to_thread.run_sync(self.lints.lint, lint_request)
            finally:
                self.turns.give_back()
        except Exception as e:  # a bug must cost one request, never the worker
            log.error("linting failed: %s", e, exc_info=not isinstance(e, LintProcessError))
            return _error(500, "internal error while linting; the server log has the details")
        finally:
            self.admitted -= 1
        return Response(answer, media_type="application/json")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return _error(exc.status_code, exc.detail or "error", getattr(exc, "headers", None))


def create_app(*, token: str | None = None, max_body: int = DEFAULT_MAX_BODY, rule_dirs: Iterable[str] = (),
               profiles: dict[str, Callable] | None = None,
               read_timeout: float | None = DEFAULT_READ_TIMEOUT, cpu_deadline: float = DEFAULT_CPU_DEADLINE,
               max_queue: int = DEFAULT_MAX_QUEUE, max_findings: int = DEFAULT_MAX_FINDINGS,
               max_response: int = DEFAULT_MAX_RESPONSE) -> Starlette:
    """Build the app. ``token`` turns on bearer-token auth for ``/v1/*``; ``max_body`` is in bytes;
    a body must arrive within ``read_timeout`` seconds (``None``: no limit), else the answer is 408.

    Each lint may use ``cpu_deadline`` seconds of CPU time; ``max_queue`` requests may wait for
    their turn; an answer lists at most ``max_findings`` findings in at most ``max_response`` bytes.
    ``profiles`` maps names to functions of the rule folders that build a Linter; the table is sent
    to the linting process, so its functions must be importable (module level, or partials of such).
    """
    _check_limits(cpu_deadline, max_queue, max_findings, max_response)
    profiles = Profiles(list(rule_dirs), profiles)
    lints = LintProcess(profiles.rule_dirs, profiles.table, cpu_deadline=cpu_deadline,
                        max_findings=max_findings, max_response=max_response)
    api = _Api(profiles, token or None, max_body, read_timeout or None, lints, max_queue)
    routes = [
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/v1/rules", api.rules, methods=["GET"]),
        Route("/v1/lint", api.lint, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:  # the rules load (in the linting process) before the first request
            await to_thread.run_sync(lints.start)
        except LintProcessError as e:
            raise HealthlintError(str(e)) from None
        try:
            yield
        finally:
            await to_thread.run_sync(lints.close)

    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)


def _check_limits(cpu_deadline: float, max_queue: int, max_findings: int, max_response: int) -> None:
    if not cpu_deadline > 0:
        raise HealthlintError(f"the CPU deadline must be a positive number of seconds, not {cpu_deadline!r}")
    if max_queue < 0:
        raise HealthlintError(f"the queue limit must be 0 or more, not {max_queue!r}")
    if max_findings < 1:
        raise HealthlintError(f"the findings limit must be 1 or more, not {max_findings!r}")
    if max_response < MIN_RESPONSE:
        raise HealthlintError(f"the response limit must be at least {MIN_RESPONSE} bytes, not {max_response!r}")


def _from_env(name: str, parse, default):
    value = os.environ.get(name, "")
    try:
        return parse(value) if value else default
    except ValueError:
        return default


def app_from_env() -> Starlette:
    """The app as ``healthlint serve`` configures it, from the environment (for ``uvicorn --factory``)."""
    max_body = os.environ.get(MAX_BODY_ENV, "")
    rules = os.environ.get(RULES_ENV, "")
    return create_app(token=os.environ.get(TOKEN_ENV) or None,
                      max_body=int(max_body) if max_body.isdigit() else DEFAULT_MAX_BODY,
                      rule_dirs=[d for d in rules.split(os.pathsep) if d], read_timeout=read_timeout_from_env(),
                      cpu_deadline=_from_env(CPU_DEADLINE_ENV, float, DEFAULT_CPU_DEADLINE),
                      max_queue=_from_env(MAX_QUEUE_ENV, int, DEFAULT_MAX_QUEUE),
                      max_findings=_from_env(MAX_FINDINGS_ENV, int, DEFAULT_MAX_FINDINGS),
                      max_response=_from_env(MAX_RESPONSE_ENV, int, DEFAULT_MAX_RESPONSE))

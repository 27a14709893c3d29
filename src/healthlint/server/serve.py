"""``healthlint serve``: run the HTTP service under uvicorn."""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from healthlint.errors import HealthlintError

_EPILOG = """\
endpoints:
  POST /v1/lint    {"content": ..., "kind": "markdown"|"text"|"html", "filename": ..., "profile": ...}
                   -> {"verdict": "block"|"review"|"pass", "diagnostics": [...], "summary": {...}}
                   (cut short: also "truncated": true and a "reason", and the verdict is "block")
  GET  /v1/rules   the rules of a profile (?profile=default)
  GET  /healthz    {"status": "ok", "queue": {"running", "waiting", "limit"}}; 503 "saturated" when full

slow clients:
  A client has --read-timeout seconds to send a request's headers (counted from
  when it connects or its previous answer ends), then as long again for the
  body. Headers that do not arrive in time: the connection is closed. A body
  that does not: 408, and the connection is closed. Headers still incomplete
  after 16 KiB: 400. A body over --max-body: 413.

under load:
  Each worker lints one request at a time, in a process of its own. A lint that
  uses more than --cpu-deadline seconds of CPU time is stopped: its answer is
  "block", with "truncated": true and the reason. At most --max-queue requests
  wait for their turn (small ones ahead of large ones that arrived a little
  earlier); beyond that the answer is 503 with Retry-After, and
  /healthz answers 503 "saturated" (with the queue's depth) while it is full.
  An answer lists at most --max-findings findings in at most --max-response
  bytes; one cut short says "truncated": true, and its verdict is "block".

environment:
  HEALTHLINT_TOKEN          bearer token required on /v1/* (same as --token; keeps it out of `ps`)
  HEALTHLINT_MAX_BODY       body limit in bytes (same as --max-body)
  HEALTHLINT_READ_TIMEOUT   seconds for headers, and for a body (same as --read-timeout)
  HEALTHLINT_CPU_DEADLINE   seconds of CPU time per lint (same as --cpu-deadline)
  HEALTHLINT_MAX_QUEUE      requests that may wait for a lint (same as --max-queue)
  HEALTHLINT_MAX_FINDINGS   findings listed in an answer (same as --max-findings)
  HEALTHLINT_MAX_RESPONSE   bytes in an answer (same as --max-response)
"""


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds ≥ 0, not {value!r}")
    return seconds


def _positive_seconds(value: str) -> float:
    seconds = _seconds(value)
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, not {value!r}")
    return seconds


def _at_least(low: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if number < low:
            raise argparse.ArgumentTypeError(f"must be a whole number ≥ {low}, not {value!r}")
        return number
    return parse


def _parser() -> argparse.ArgumentParser:
    from healthlint.server.lint_process import DEFAULT_CPU_DEADLINE, DEFAULT_MAX_QUEUE
    from healthlint.server.request import DEFAULT_MAX_BODY, DEFAULT_READ_TIMEOUT
    from healthlint.server.response import DEFAULT_MAX_FINDINGS, DEFAULT_MAX_RESPONSE, MIN_RESPONSE

    p = argparse.ArgumentParser(prog="healthlint serve", description="Serve the publishing gate over HTTP.",
                                epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    p.add_argument("--token", default=None, help="require 'Authorization: Bearer TOKEN' on /v1/* "
                   "(default: $HEALTHLINT_TOKEN; none on loopback)")
    p.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                   help=f"largest request body accepted (default: $HEALTHLINT_MAX_BODY or {DEFAULT_MAX_BODY})")
    p.add_argument("--read-timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="time a client has to send a request's headers, and again its body; slower "
                        "clients are disconnected "
                        f"(default: $HEALTHLINT_READ_TIMEOUT or {DEFAULT_READ_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--cpu-deadline", type=_positive_seconds, default=None, metavar="SECONDS",
                   help="CPU time one lint may use; a lint stopped there answers 'block', truncated "
                        f"(default: $HEALTHLINT_CPU_DEADLINE or {DEFAULT_CPU_DEADLINE:g})")
    p.add_argument("--max-queue", type=_at_least(0), default=None, metavar="N",
                   help="requests that may wait for a lint, per worker; beyond: 503 with Retry-After "
                        f"(default: $HEALTHLINT_MAX_QUEUE or {DEFAULT_MAX_QUEUE})")
    p.add_argument("--max-findings", type=_at_least(1), default=None, metavar="N",
                   help="findings listed in one answer; more: truncated, 'block' "
                        f"(default: $HEALTHLINT_MAX_FINDINGS or {DEFAULT_MAX_FINDINGS})")
    p.add_argument("--max-response", type=_at_least(MIN_RESPONSE), default=None, metavar="BYTES",
                   help="size of one answer; more: truncated, 'block' "
                        f"(default: $HEALTHLINT_MAX_RESPONSE or {DEFAULT_MAX_RESPONSE})")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default: 1; use one per core)")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="add a rule pack folder")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return p


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        import uvicorn

        from healthlint.server.app import (CPU_DEADLINE_ENV, MAX_BODY_ENV, MAX_FINDINGS_ENV, MAX_QUEUE_ENV,
                                           MAX_RESPONSE_ENV, READ_TIMEOUT_ENV, RULES_ENV, TOKEN_ENV)
    except ImportError as e:
        raise HealthlintError(f"the server needs extra packages ({e.name} is missing): "
                              "pip install 'healthlint[server]'") from None
    # Workers are separate processes that build the app from the environment.
    if args.token:
        os.environ[TOKEN_ENV] = args.token
    if args.max_body is not None:
        if args.max_body <= 0:
            raise HealthlintError("--max-body must be a positive number of bytes")
        os.environ[MAX_BODY_ENV] = str(args.max_body)
    if args.read_timeout is not None:
        os.environ[READ_TIMEOUT_ENV] = repr(args.read_timeout)
    for value, name in ((args.cpu_deadline, CPU_DEADLINE_ENV), (args.max_queue, MAX_QUEUE_ENV),
                        (args.max_findings, MAX_FINDINGS_ENV), (args.max_response, MAX_RESPONSE_ENV)):
        if value is not None:
            os.environ[name] = repr(value)
    if args.rules:
        os.environ[RULES_ENV] = os.pathsep.join(os.path.abspath(d) for d in args.rules)
    if not os.environ.get(TOKEN_ENV) and not _is_loopback(args.host):
        sys.stderr.write(f"healthlint: warning: listening on {args.host} without a token; "
                         "anyone who can reach it can use it (set --token or HEALTHLINT_TOKEN)\n")
    # Load the rules once here so a broken pack fails now, with its file:line:col, not per request.
    from healthlint.pipeline import Linter

    Linter(args.rules)
    # The h11 protocol with a deadline for request headers (see server/protocol.py).
    options = dict(app="healthlint.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                   log_level=args.log_level, server_header=False, proxy_headers=False,
                   http="healthlint.server.protocol:HeaderDeadlineProtocol")
    from healthlint.server.workers import balanced_workers_supported, run_workers

    if args.workers > 1 and balanced_workers_supported():
        return run_workers(args.host, args.port, args.workers, options)
    uvicorn.run(workers=max(1, args.workers), **options)
    return 0

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
  GET  /v1/rules   the rules of a profile (?profile=default)
  GET  /healthz    liveness

environment:
  HEALTHLINT_TOKEN      bearer token required on /v1/* (same as --token; keeps it out of `ps`)
  HEALTHLINT_MAX_BODY   body limit in bytes (same as --max-body)
"""


def _parser() -> argparse.ArgumentParser:
    from healthlint.server.request import DEFAULT_MAX_BODY

    p = argparse.ArgumentParser(prog="healthlint serve", description="Serve the publishing gate over HTTP.",
                                epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    p.add_argument("--token", default=None, help="require 'Authorization: Bearer TOKEN' on /v1/* "
                   "(default: $HEALTHLINT_TOKEN; none on loopback)")
    p.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                   help=f"largest request body accepted (default: $HEALTHLINT_MAX_BODY or {DEFAULT_MAX_BODY})")
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

        from healthlint.server.app import MAX_BODY_ENV, RULES_ENV, TOKEN_ENV
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
    if args.rules:
        os.environ[RULES_ENV] = os.pathsep.join(os.path.abspath(d) for d in args.rules)
    if not os.environ.get(TOKEN_ENV) and not _is_loopback(args.host):
        sys.stderr.write(f"healthlint: warning: listening on {args.host} without a token; "
                         "anyone who can reach it can use it (set --token or HEALTHLINT_TOKEN)\n")
    # Load the rules once here so a broken pack fails now, with its file:line:col, not per request.
    from healthlint.pipeline import Linter

    Linter(args.rules)
    uvicorn.run("healthlint.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=max(1, args.workers), log_level=args.log_level, server_header=False,
                proxy_headers=False)
    return 0

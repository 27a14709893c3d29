"""``healthlint lsp``: a Language Server Protocol server with live diagnostics, hovers and quick fixes.

Needs the ``lsp`` extra (``pip install healthlint[lsp]``), which brings pygls.
"""
from __future__ import annotations

import argparse

from healthlint.errors import HealthlintError


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="healthlint lsp",
                                description="Start the healthlint language server on standard input/output.")
    p.add_argument("--stdio", action="store_true", help="use standard input/output (the default and only transport)")
    p.parse_args(argv)
    try:
        from healthlint.lsp.server import serve
    except ImportError as e:
        raise HealthlintError(f"healthlint lsp needs pygls ({e}); install it with: pip install 'healthlint[lsp]'") from None
    serve()
    return 0

"""``healthlint lsp`` in which reading the workspace's configuration and rules never finishes.

A stand-in for any reload that hangs (a configuration file that never ends, a
rule folder on a stalled network mount): ``build_linter`` blocks for ever.
``tests/lsp/test_config_failures.py`` starts this instead of ``healthlint lsp``.
"""
import threading

import healthlint.lsp.server as server


def _never_returns(*args, **kwargs):
    threading.Event().wait()


server.build_linter = _never_returns
server.serve()

"""uvicorn's HTTP/1.1 protocol (h11), with a deadline for each request's headers.

uvicorn closes a keep-alive connection that stays idle, but a client that
sends part of a request line or of its headers and then stalls, or sends them
a byte at a time, keeps its connection for as long as it likes: enough of
those and the server runs out of connections ("slowloris"). Here each request
must have its headers complete within the read timeout, counted from when the
connection opens or the previous response ends; otherwise the connection is
closed. The body has its own deadline, kept by the app (``app._Api.read_body``),
so that one holds under any ASGI server.

h11 refuses (400) a request whose line and headers are still incomplete after
16 KiB, so they cannot grow without bound either.

``healthlint serve`` runs uvicorn with this protocol; the timeout comes from
``$HEALTHLINT_READ_TIMEOUT``, which ``serve`` sets from ``--read-timeout``.
"""
from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

from healthlint.server.app import read_timeout_from_env


class HeaderDeadlineProtocol(H11Protocol):
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        _send_without_delay(transport)
        self._expect_request(after=None)

    def on_response_complete(self) -> None:
        finished = self.cycle
        super().on_response_complete()  # may already start a pipelined request: a new cycle
        self._expect_request(after=finished)

    def connection_lost(self, exc) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _expect_request(self, after) -> None:
        """Close the connection unless a request newer than ``after`` has its headers in time."""
        self._cancel_deadline()
        seconds = read_timeout_from_env()
        if seconds is not None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(seconds, self._drop_if_no_request, after, seconds)

    def _drop_if_no_request(self, after, seconds: float) -> None:
        self._deadline = None
        if self.cycle is after and not self.transport.is_closing():
            self.logger.info("closed a connection from %s: no complete request headers within %g s",
                             self.client, seconds)
            self.transport.close()

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


def _send_without_delay(transport) -> None:
    """Turn off Nagle's algorithm, as asyncio does for the sockets it accepts itself.

    With ``--workers`` uvicorn's workers accept on a socket handed to them,
    and their connections kept Nagle on: every answer after the first on a
    kept-alive connection waited ~40 ms for the client's delayed ACK.
    """
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

"""``serve --workers N``: N uvicorn processes, each listening on its own socket, the kernel balancing them.

uvicorn's own workers accept from one shared socket, and a worker that wakes
first accepts every connection waiting: when a client opens its connections
together (as a CMS's connection pool or a load generator does), about half
the time one worker got all of them and one core did all the work (half the
throughput). Here each worker binds its own socket to the address with
``SO_REUSEPORT``, and the kernel spreads new connections over the workers'
sockets.

The supervising process checks that nothing listens on the address yet (a
second server would otherwise join the first one's sockets and silently take
half its requests), holds the address (bound, not listening, so it is given
no connections), starts the
workers, starts a worker again if one dies (and gives up with exit status 1
when they keep dying as they start), and on SIGINT or SIGTERM stops them all
(uvicorn finishes the requests in flight).
"""
from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time

from healthlint.errors import HealthlintError

log = logging.getLogger("healthlint.server")

# How long stopping workers may take before they are killed, in seconds.
STOP_GRACE = 10.0
# How often the supervisor looks for a dead worker, in seconds.
CHECK_EVERY = 0.5
# Workers that die this soon after starting, this many times in a row, cannot start: give up.
EARLY_DEATH = 5.0
EARLY_DEATHS_TO_GIVE_UP = 3


def balanced_workers_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _shared_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to the address with ``SO_REUSEPORT``, not yet listening."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, uvicorn_options: dict) -> None:
    import uvicorn

    sock = _shared_port_socket(host, port)  # uvicorn's server starts listening on it
    uvicorn.Server(uvicorn.Config(**uvicorn_options)).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, uvicorn_options: dict) -> int:
    """Serve until SIGINT or SIGTERM with ``workers`` processes; ``uvicorn_options`` go to ``uvicorn.Config``."""
    try:
        # First without SO_REUSEPORT: a server already on the port (another healthlint too) makes this
        # fail, where joining its sockets would silently split the requests with it.
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
            port = probe.getsockname()[1]  # the port the kernel chose, for --port 0
        holder = _shared_port_socket(host, port)
    except OSError as e:
        raise HealthlintError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    started: dict[multiprocessing.Process, float] = {}

    def start() -> multiprocessing.Process:
        process = context.Process(target=_worker, args=(host, port, uvicorn_options), daemon=False)
        process.start()
        started[process] = time.monotonic()
        return process

    def stop(signum, frame) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    log.info("healthlint serving on %s:%d with %d worker processes", host, port, workers)
    early_deaths = 0
    status = 0
    try:
        while not stopping.wait(CHECK_EVERY):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                early = time.monotonic() - started.pop(process) < EARLY_DEATH
                early_deaths = early_deaths + 1 if early else 0
                if early_deaths >= EARLY_DEATHS_TO_GIVE_UP:
                    log.error("workers keep exiting as they start (last exit status %s); stopping",
                              process.exitcode)
                    stopping.set()
                    status = 1
                    break
                log.warning("worker %d exited with %s; starting another", process.pid, process.exitcode)
                processes[i] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn stops accepting and finishes what is in flight
        for process in processes:
            process.join(STOP_GRACE)
            if process.is_alive():
                process.kill()
                process.join()
        holder.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status

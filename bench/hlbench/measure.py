"""Run one process and measure it: wall time, CPU time, peak RSS of its largest process.

Wall time is ``time.perf_counter`` around spawn and exit. CPU time (user + sys)
and peak RSS come from ``os.wait4``: the kernel's resource usage of the child
and of every descendant it waited for, where ``ru_maxrss`` is the peak resident
set of the *largest single process* in that tree, not a sum (this is what
``/usr/bin/time -v`` reports too). A multi-process healthlint (``--jobs``) is
therefore measured per process. ``TreeSampler`` adds what rusage cannot say:
how many processes ran and their peak RSS added together, by polling /proc.
"""
from __future__ import annotations

import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DIAGNOSTIC_LINE = re.compile(rb":\d+:\d+:")


@dataclass(frozen=True)
class Run:
    """One timed run of a command."""

    wall_s: float
    user_s: float
    sys_s: float
    maxrss_kb: int          # the largest single process of the tree (rusage)
    exit: str               # exit code as text, "sigN" or "timeout"
    diagnostics: int        # output lines that look like path:line:col:
    processes: int = 0      # processes seen by TreeSampler (0: not sampled)
    peak_total_rss_kb: int = 0  # their RSS added together, at its peak (sampled)
    max_hwm_kb: int = 0     # largest VmHWM of one process seen by TreeSampler

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def ok(self) -> bool:
        """healthlint exits 0 (clean) or 1 (findings); anything else is a failed run."""
        return self.exit in ("0", "1")


def count_diagnostics(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            if DIAGNOSTIC_LINE.search(line):
                n += 1
    return n


def _maxrss_kb(ru_maxrss: int) -> int:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss


def enable_subreaper() -> bool:
    """Make this process the reaper of its children's orphans (Linux ``PR_SET_CHILD_SUBREAPER``).

    A worker whose parent exits before it (a multiprocessing forkserver is left
    to exit on its own, and its workers are its children) is re-parented to
    init, and its CPU time and RSS never reach the measured process's rusage.
    As a subreaper, this process receives such orphans and reaps them itself.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_leftovers(wait_s: float, group: int | None) -> list:
    """Reap every child still around (orphans handed to us); kill ``group`` after wait_s. Their rusages."""
    usages, deadline = [], time.monotonic() + wait_s
    while True:
        try:
            pid, _, ru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return usages
        if pid:
            usages.append(ru)
        elif group is None or time.monotonic() > deadline:
            if group is None:
                return usages
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
            group = None
            deadline = time.monotonic() + wait_s
        else:
            time.sleep(0.005)


def run_once(argv: list[str], out: Path, *, timeout: float | None = None,
             sample: bool = False, env: dict[str, str] | None = None) -> Run:
    """Run argv with stdout to ``out`` (stderr to ``out`` + ".err") and measure it.

    Wall time ends when argv's process exits. CPU time and peak RSS also
    count orphans it left behind (see enable_subreaper), reaped afterwards.
    """
    sampler = None
    _reap_leftovers(0, None)  # zombies from earlier commands are not this run's
    with open(out, "wb") as fo, open(str(out) + ".err", "wb") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
        if sample:
            sampler = TreeSampler(os.getpid())
            sampler.start()
        timed_out = threading.Event()
        timer = None
        if timeout:
            def kill() -> None:
                timed_out.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            timer = threading.Timer(timeout, kill)
            timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped here, so Popen must not wait for it again
    usages = [ru, *_reap_leftovers(10.0, proc.pid)]
    if sampler:
        sampler.stop()
    if timed_out.is_set():
        exit_ = "timeout"
    elif code < 0:
        exit_ = f"sig{-code}"
    else:
        exit_ = str(code)
    return Run(
        wall_s=wall, user_s=sum(u.ru_utime for u in usages), sys_s=sum(u.ru_stime for u in usages),
        maxrss_kb=max(_maxrss_kb(u.ru_maxrss) for u in usages),
        exit=exit_, diagnostics=count_diagnostics(out),
        processes=len(sampler.hwm_kb) if sampler else 0,
        peak_total_rss_kb=sampler.peak_total_kb if sampler else 0,
        max_hwm_kb=max(sampler.hwm_kb.values(), default=0) if sampler else 0,
    )


class TreeSampler(threading.Thread):
    """Polls /proc every ``interval`` s for the process tree under ``root`` (not counting root).

    Records each process's VmHWM (its own peak RSS so far) and the peak of the
    tree's summed VmRSS. Linux only; elsewhere it records nothing. Polling costs
    CPU, so it is meant for a separate memory run, not for the timed runs.
    """

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.hwm_kb: dict[int, int] = {}
        self.peak_total_kb = 0
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self._stopped.is_set():
            self.sample()
            self._stopped.wait(self.interval)

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(b")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(name))
        tree, todo = [], list(children.get(self.root, ()))
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        total = 0
        for pid in tree:
            status = read_status(pid)
            if "VmHWM" in status:
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status["VmHWM"])
                total += status.get("VmRSS", 0)
        self.peak_total_kb = max(self.peak_total_kb, total)


def read_status(pid: int) -> dict[str, int]:
    """The kB fields of /proc/PID/status ({} once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return {}
    return parse_status_kb(text)


def parse_status_kb(text: str) -> dict[str, int]:
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            fields[key] = int(parts[0])
    return fields


# --------------------------------------------------------------------------
# The command under test
# --------------------------------------------------------------------------

def resolve_command(cmd: str) -> list[str]:
    """Split CMD; resolve its program on PATH, and past a pyenv shim to the real script.

    A pyenv shim is a bash script that starts pyenv to pick the interpreter
    (about 20 ms here); timing it would measure pyenv, not healthlint.
    """
    argv = shlex.split(cmd)
    if not argv:
        raise ValueError("empty healthlint command")
    found = shutil.which(argv[0])
    if found is None:
        raise FileNotFoundError(f"{argv[0]}: not found on PATH")
    if "/shims/" in found and shutil.which("pyenv"):
        real = subprocess.run(["pyenv", "which", os.path.basename(found)],
                              capture_output=True, text=True)
        if real.returncode == 0 and real.stdout.strip():
            found = real.stdout.strip()
    return [found, *argv[1:]]


def help_lists_jobs(help_text: str) -> bool:
    return re.search(r"(^|\s)--jobs\b", help_text) is not None


def supports_jobs(argv: list[str]) -> bool:
    proc = subprocess.run([*argv, "--help"], capture_output=True, text=True)
    return help_lists_jobs(proc.stdout + proc.stderr)


def command_version(argv: list[str]) -> str:
    proc = subprocess.run([*argv, "--version"], capture_output=True, text=True)
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else "unknown"


def interpreter_of(program: str) -> str | None:
    """The Python that runs ``program``: itself, or the one its #! line names."""
    if os.path.basename(program).startswith("python"):
        return program
    try:
        with open(program, "rb") as fh:
            first = fh.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        return shlex.split(first[2:])[0]
    return None


def bytecode_env(cache: Path) -> dict[str, str]:
    """The environment with Python's bytecode cache on, kept under ``cache``.

    An installed healthlint has its modules compiled; PYTHONDONTWRITEBYTECODE
    (set in some sandboxes) would make every cold start compile them again.
    The cache goes to its own folder so the linted package's tree is not written.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------

def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _first_match(path: str, pattern: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = re.match(pattern, line)
                if m:
                    return m.group(1).strip()
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def machine_info(argv: list[str], repo: Path) -> dict[str, str]:
    """The machine and the healthlint under test: its version, where it is imported from, its git state."""
    mem_kb = _first_match("/proc/meminfo", r"MemTotal:\s+(\d+)")
    os_name = _first_match("/etc/os-release", r'PRETTY_NAME="?([^"\n]*)') or platform.system()
    python = interpreter_of(argv[0])
    py_version, source = platform.python_version(), str(repo)
    if python:
        probe = ("import os, platform, healthlint; "
                 "print(platform.python_version()); print(os.path.dirname(healthlint.__file__))")
        proc = subprocess.run([python, "-c", probe], capture_output=True, text=True)
        if proc.returncode == 0 and len(proc.stdout.split("\n")) >= 2:
            py_version, source = proc.stdout.split("\n")[:2]
    git = subprocess.run(["git", "-C", source, "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    return {
        "load": load_average(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": str(usable_cores()),
        "cpu": _first_match("/proc/cpuinfo", r"model name\s*:\s*(.*)") or platform.processor() or "unknown",
        "ram": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "os": f"{os_name}, {platform.system()} {platform.release()}",
        "python": py_version,
        "healthlint": command_version(argv),
        "source": source,
        "git": git.stdout.strip() if git.returncode == 0 else "unknown",
    }

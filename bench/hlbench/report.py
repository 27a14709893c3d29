"""RESULTS.md: the machine, the targets with pass/fail, the runs, the peers; and the README paste.

Everything here is a pure function of the measurements, so it is unit-tested
without running anything.
"""
from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field, replace

from .measure import Run

START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"
TARGET_FILES = 10_000
LINEAR_SLACK = 1.2


# --------------------------------------------------------------------------
# Measurements as the report sees them
# --------------------------------------------------------------------------

@dataclass
class Series:
    """Repeated runs of one input: a corpus (files > 1) or a single file."""

    label: str
    files: int
    bytes: int
    runs: list[Run] = field(default_factory=list)

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    @property
    def failed(self) -> str | None:
        """Why this series has no usable run, or None."""
        if not self.runs:
            return "not run"
        bad = sorted({r.exit for r in self.runs if not r.ok})
        return f"exit {', '.join(bad)}" if bad else None

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.ok_runs)

    @property
    def wall(self) -> float:
        return self.median("wall_s")

    @property
    def max_rss_mb(self) -> float:
        return max(r.maxrss_kb for r in self.ok_runs) / 1024


@dataclass
class Measurements:
    corpora: list[Series] = field(default_factory=list)   # by size, ascending
    cold: Series | None = None
    memory: Run | None = None                              # sampled run on the largest corpus
    memory_files: int = 0
    big_files: list[Series] = field(default_factory=list)  # by size, ascending


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

def num(x: float) -> str:
    """About three significant digits, thousands separated: 0.0532, 1.23, 45.6, 1,234."""
    if x != x:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def seconds(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{num(x)} s"


def megabytes(n_bytes: int) -> str:
    return f"{num(n_bytes / 1e6)} MB"


def table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A Markdown table; align has one letter per column, l or r."""
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Targets (issue 7)
# --------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def linear_ratio(small: Series, big: Series) -> float:
    """Cost per byte of the big input over that of the small one (1.0: linear)."""
    return (big.wall / big.bytes) / (small.wall / small.bytes)


def _scaling_row(small: Series, big: Series) -> list[str]:
    label = f"Linear scaling, {small.label} → {big.label}"
    target = f"≤ {LINEAR_SLACK}× linear"
    why = small.failed or big.failed
    if why:
        return [label, target, why, "**FAIL**"]
    ratio = linear_ratio(small, big)
    measured = (f"{ratio:.2f}× ({seconds(small.wall)} → {seconds(big.wall)} "
                f"for {big.bytes / small.bytes:.1f}× the bytes)")
    return [label, target, measured, verdict(ratio <= LINEAR_SLACK)]


def target_rows(m: Measurements) -> list[list[str]]:
    rows = []
    if m.corpora:
        whole = next((s for s in m.corpora if s.files == TARGET_FILES), m.corpora[-1])
        label = f"Whole corpus, {whole.files:,} files ({megabytes(whole.bytes)})"
        if whole.failed:
            rows.append([label, "< 4 s wall", whole.failed, "**FAIL**"])
        else:
            measured = (f"{num(whole.wall)} s wall, {num(whole.median('cpu_s'))} s CPU; "
                        f"{num(whole.files / whole.wall)} files/s, {num(whole.bytes / 1e6 / whole.wall)} MB/s")
            ok = whole.files == TARGET_FILES
            rows.append([label, "< 4 s wall", measured,
                         verdict(whole.wall < 4) if ok else f"not judged (target: {TARGET_FILES:,} files)"])
    if m.cold:
        label = "One file, cold (`healthlint one.md`)"
        if m.cold.failed:
            rows.append([label, "< 150 ms wall", m.cold.failed, "**FAIL**"])
        else:
            walls = [r.wall_s for r in m.cold.ok_runs]
            measured = (f"{seconds(m.cold.wall)} median of {len(walls)} (CPU {seconds(m.cold.median('cpu_s'))}; "
                        f"min {seconds(min(walls))}, max {seconds(max(walls))}; {m.cold.bytes:,} B file)")
            rows.append([label, "< 150 ms wall", measured, verdict(m.cold.wall < 0.150)])
    mem = _memory_row(m)
    if mem:
        rows.append(mem)
    if len(m.corpora) >= 2:
        rows.append(_scaling_row(m.corpora[0], m.corpora[-1]))
    if len(m.big_files) >= 2:
        rows.append(_scaling_row(m.big_files[0], m.big_files[-1]))
    return rows


def _memory_row(m: Measurements) -> list[str] | None:
    largest = m.corpora[-1] if m.corpora else None
    files = largest.files if largest else m.memory_files
    peaks_kb = [r.maxrss_kb for r in (largest.ok_runs if largest else [])]
    detail = ""
    if m.memory and m.memory.ok:
        peaks_kb += [m.memory.maxrss_kb, m.memory.max_hwm_kb]
        if m.memory.processes:
            detail = (f"; {m.memory.processes} process{'es' if m.memory.processes > 1 else ''}, "
                      f"{num(m.memory.peak_total_rss_kb / 1024)} MB together at peak")
    if not peaks_kb:
        return None if not (m.memory or largest) else [
            "Peak RSS of one process", "< 150 MB", "no successful run", "**FAIL**"]
    peak = max(peaks_kb) / 1024
    label = f"Peak RSS of one process, {files:,}-file run"
    judged = verdict(peak < 150) if files == TARGET_FILES else f"not judged (target: {TARGET_FILES:,} files)"
    return [label, "< 150 MB", f"{num(peak)} MB{detail}", judged]


def runs_table(m: Measurements) -> str:
    rows = []
    for s in m.corpora + m.big_files:
        if s.failed:
            rows.append([s.label, f"{s.files:,}", num(s.bytes / 1e6), s.failed, "", "", "", "", "", f"0/{len(s.runs)}"])
            continue
        rows.append([s.label, f"{s.files:,}", num(s.bytes / 1e6), num(s.wall), num(s.median("cpu_s")),
                     num(s.files / s.wall), num(s.bytes / 1e6 / s.wall), num(s.max_rss_mb),
                     f"{s.ok_runs[-1].diagnostics:,}", str(len(s.ok_runs))])
    return table(["input", "files", "MB", "wall s", "CPU s", "files/s", "MB/s", "peak RSS MB", "diagnostics", "runs"],
                 rows, "lrrrrrrrrr")


# --------------------------------------------------------------------------
# Peers (run_peers.sh's results.tsv)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class PeerRow:
    corpus: str
    peer: str
    rules: str
    files: int
    bytes: int
    runs: int
    wall_s: float
    cpu_s: float
    rss_mb: float
    diagnostics: int
    note: str

    @property
    def seconds_per_mb(self) -> float:
        return self.wall_s / (self.bytes / 1e6)


def summarize_peers(tsv_text: str) -> list[PeerRow]:
    """Medians per (corpus, peer, files) of run_peers.sh's results.tsv; failed runs left out."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv_text), delimiter="\t"):
        groups.setdefault((row["label"], row["peer"], row["n_files"]), []).append(row)
    out = []
    for (label, peer, n), rows in groups.items():
        ok = [r for r in rows if r["exit"] != "timeout" and not r["exit"].startswith("sig")]
        notes = sorted({r["note"] for r in rows if r.get("note")})
        if peer == "healthlint":
            ok = [r for r in ok if r["exit"] in ("0", "1")]
        if not ok:
            notes.append("no successful run (exit " + ", ".join(sorted({r["exit"] for r in rows})) + ")")
            out.append(PeerRow(label, peer, rows[0]["rules"], int(n), int(rows[0]["bytes"]), 0,
                               float("nan"), float("nan"), float("nan"), 0, "; ".join(notes)))
            continue
        diags = int(ok[-1]["diags"])
        if diags == 0:
            notes.append("no diagnostics")
        out.append(PeerRow(
            corpus=label, peer=peer, rules=rows[0]["rules"], files=int(n), bytes=int(rows[0]["bytes"]),
            runs=len(ok),
            wall_s=statistics.median(float(r["wall_s"]) for r in ok),
            cpu_s=statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in ok),
            rss_mb=statistics.median(float(r["maxrss_kb"]) for r in ok) / 1024,
            diagnostics=diags, note="; ".join(notes)))
    return out


def flag_unseen_workers(rows: list[PeerRow], m: Measurements) -> list[PeerRow]:
    """Note healthlint rows whose CPU time /usr/bin/time under-counts.

    run_peers.sh's /usr/bin/time sees only the processes its command waited
    for; workers orphaned by their parent (a forkserver's, say) escape it. This
    harness counts them (see measure.enable_subreaper), so a much larger CPU
    time here on the same number of files means the peers row misses them.
    """
    own = {s.files: s for s in m.corpora if not s.failed}
    out = []
    for r in rows:
        s = own.get(r.files)
        if r.peer == "healthlint" and r.runs and s and s.median("cpu_s") > 1.5 * r.cpu_s + 0.05:
            note = (f"CPU and RSS miss worker processes /usr/bin/time cannot see; this harness measured "
                    f"{num(s.median('cpu_s'))} s CPU, {num(s.max_rss_mb)} MB")
            r = replace(r, note="; ".join(filter(None, [r.note, note])))
        out.append(r)
    return out


def peers_table(rows: list[PeerRow]) -> str:
    """One table, corpus by corpus, fastest first; time ÷ healthlint compares seconds per MB."""
    body = []
    corpora = list(dict.fromkeys(r.corpus for r in rows))
    for corpus in corpora:
        here = [r for r in rows if r.corpus == corpus]
        hl = next((r for r in here if r.peer == "healthlint" and r.runs), None)
        here.sort(key=lambda r: (r.runs == 0, r.seconds_per_mb if r.runs else 0))
        for r in here:
            name = f"**{r.peer}**" if r.peer == "healthlint" else r.peer
            if not r.runs:
                body.append([corpus, name, r.rules, f"{r.files:,}", "—", "", "", "", "", "", "", r.note])
                continue
            ratio = f"{num(r.seconds_per_mb / hl.seconds_per_mb)}×" if hl else ""
            body.append([corpus, name, r.rules, f"{r.files:,}", num(r.wall_s), num(r.cpu_s), num(r.rss_mb),
                         num(r.files / r.wall_s), num(r.bytes / 1e6 / r.wall_s), f"{r.diagnostics:,}",
                         ratio, r.note])
    return table(["corpus", "tool", "rules", "files", "wall s", "CPU s", "peak RSS MB", "files/s", "MB/s",
                  "diagnostics", "time ÷ healthlint", "note"], body, "lllrrrrrrrrl")


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------

def render(machine: dict[str, str], command: str, settings: str, m: Measurements,
           peers: list[PeerRow] | None, peers_settings: str, reproduce: str) -> str:
    out = ["# healthlint benchmark results", "",
           "<!-- written by bench/run_bench.py; python3 bench/update_readme.py pastes it into README.md -->", "",
           f"Ran {machine['date']} on {machine['cores']} cores ({machine['cpu']}), {machine['ram']} RAM, "
           f"{machine['os']}; Python {machine['python']}; {machine['healthlint']} from `{machine.get('source', '?')}` (git {machine['git']}). "
           f"Command: `{command}`. {settings} {load_note(machine)}".rstrip(), ""]
    rows = target_rows(m)
    if rows:
        out += ["**Targets** (issue #7)", "",
                table(["measurement", "target", "measured", "result"], rows, "llll")]
    if m.corpora or m.big_files:
        out += ["**Runs** (medians; CPU = user + sys of all processes; peak RSS = largest single process)", "",
                runs_table(m)]
    if peers is not None:
        out += ["**Peers, same run** " + peers_settings, ""]
        out += [peers_table(flag_unseen_workers(peers, m)) if peers else "No peer ran (none installed? `bash ../shared/bench/install_peers.sh`).\n"]
    out += [f"Reproduce: `{reproduce}`", ""]
    return "\n".join(out)


def load_note(machine: dict[str, str]) -> str:
    """The 1-minute load average before the run; a warning when something else was running."""
    load = machine.get("load", "unknown")
    try:
        busy = float(load) > 0.5
    except ValueError:
        busy = False
    return f"Load average before the run: {load}" + (
        " (other processes were running: timings are noisy)." if busy else ".")


def readme_body(results_md: str) -> str:
    """RESULTS.md without its title and comments: the part README.md shows."""
    lines = results_md.splitlines()
    keep = [ln for ln in lines if not ln.startswith("# ") and not ln.startswith("<!--")]
    return "\n".join(keep).strip() + "\n"


def paste_between_markers(readme: str, body: str) -> str:
    start = readme.find(START_MARKER)
    end = readme.find(END_MARKER)
    if start < 0 or end < 0 or end < start:
        raise ValueError(f"README has no {START_MARKER} ... {END_MARKER} block")
    return readme[:start + len(START_MARKER)] + "\n" + body + readme[end:]

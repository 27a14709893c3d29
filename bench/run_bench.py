#!/usr/bin/env python3
"""Performance benchmark of healthlint (issue 7): measure the targets, time the peers, write RESULTS.md.

    python3 bench/run_bench.py                                   # everything: ~1 h with all peers
    python3 bench/run_bench.py --sizes 200 1000 --file-mb 0.1 1 --peers quick --runs 1
    python3 bench/run_bench.py --only cold --cold-runs 20        # one measurement
    python3 bench/update_readme.py                               # paste RESULTS.md into README.md

Measurements (``--only`` / ``--skip``):
  corpus   healthlint on each generated corpus (--sizes): wall, CPU, files/s, MB/s,
           peak RSS; the smallest vs the largest gives the files scaling
  memory   one more run on the largest corpus, polling /proc: processes and their RSS together
  cold     ``healthlint one.md`` (a median-sized article), a new process each time
  bigfile  one file of each --file-mb size, articles concatenated: the size scaling
  peers    ../shared/bench/run_peers.sh on the same corpora with healthlint as one more row

The corpora come from ../shared/bench/make_corpus.py (seed 42), or --corpus DIR.
healthlint is the ``healthlint`` on PATH unless --healthlint says otherwise; when
its --help lists ``--jobs``, corpus runs add ``--jobs <usable cores>`` (--jobs).
Nothing here is a test: nothing is asserted, the table says pass or fail.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from hlbench import corpus, measure, report  # noqa: E402

MEASUREMENTS = ("corpus", "memory", "cold", "bigfile", "peers")
QUICK_PEERS = "rg writegood-rules proselint-rules py-re"


def default_shared() -> Path:
    return REPO.parent / "shared" / "bench"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--healthlint", default="healthlint", metavar="CMD",
                   help="the command to measure (default: healthlint on PATH; a pyenv shim is resolved)")
    p.add_argument("--jobs", default="auto", metavar="auto|none|N",
                   help="add --jobs N to corpus runs: auto = usable cores when --help lists --jobs (default)")
    p.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000], metavar="N",
                   help="corpus sizes in files (default: 1000 10000)")
    p.add_argument("--corpus", action="append", type=Path, default=[], metavar="DIR",
                   help="use this corpus instead of generating (repeatable; replaces --sizes)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--runs", type=int, default=3, help="timed runs per corpus and big file (default 3)")
    p.add_argument("--cold-runs", type=int, default=20, help="timed runs of one file (default 20)")
    p.add_argument("--file-mb", nargs="+", type=float, default=[1, 10], metavar="MB",
                   help="single-file sizes in MB of 10^6 bytes (default: 1 10)")
    p.add_argument("--only", default="", metavar="LIST", help=f"only these measurements: {','.join(MEASUREMENTS)}")
    p.add_argument("--skip", default="", metavar="LIST", help="skip these measurements")
    p.add_argument("--peers", default="all", metavar="all|quick|none|'a b ...'",
                   help=f"peers for run_peers.sh (default all, ~50 min; quick = {QUICK_PEERS})")
    p.add_argument("--peer-sizes", nargs="+", type=int, metavar="N",
                   help="corpus sizes for the peers (default: --sizes)")
    p.add_argument("--peer-runs", type=int, help="runs per peer and corpus (default: --runs)")
    p.add_argument("--budget", type=int, default=600, help="run_peers.sh's longest run in s (default 600)")
    p.add_argument("--timeout", type=float, default=1800, help="kill a healthlint run after this many s (default 1800)")
    p.add_argument("--shared", type=Path, default=default_shared(), metavar="DIR",
                   help="the shared bench folder (default: ../shared/bench beside the repo)")
    p.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "healthlint-bench",
                   help="scratch folder for corpora and outputs (default: $TMPDIR/healthlint-bench)")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the table (bench/RESULTS.md)")
    p.add_argument("--as-is-env", action="store_true",
                   help="run healthlint in this environment unchanged (default: bytecode cache on, see README)")
    p.add_argument("--update-readme", action="store_true", help="then paste it into README.md between the markers")
    args = p.parse_args(argv)
    wanted = set(args.only.replace(",", " ").split()) or set(MEASUREMENTS)
    wanted -= set(args.skip.replace(",", " ").split())
    unknown = wanted - set(MEASUREMENTS)
    if unknown:
        p.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    if args.peers == "none":
        wanted.discard("peers")
    args.wanted = wanted
    return args


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def jobs_args(args: argparse.Namespace, argv: list[str]) -> tuple[list[str], str]:
    """The --jobs arguments for multi-file runs, and a sentence for the report."""
    if args.jobs == "none":
        return [], "No `--jobs` added."
    if not measure.supports_jobs(argv):
        if args.jobs != "auto":
            sys.exit(f"run_bench: --jobs {args.jobs}: `{shlex.join(argv)} --help` lists no --jobs")
        return [], "`--jobs` is not in `healthlint --help`: one process."
    n = str(measure.usable_cores()) if args.jobs == "auto" else args.jobs
    return ["--jobs", n], ""


def timed_series(label: str, argv: list[str], target: Path, runs: int, out: Path, **kw) -> report.Series:
    n, size = (1, target.stat().st_size) if target.is_file() else corpus.corpus_stats(target)
    series = report.Series(label, n, size)
    for i in range(runs):
        run = measure.run_once([*argv, str(target)], out, **kw)
        series.runs.append(run)
        say(f"   {label} run {i + 1}/{runs}: wall {run.wall_s:.3f}s cpu {run.cpu_s:.3f}s "
            f"maxrss {run.maxrss_kb / 1024:.1f}MB exit {run.exit} diagnostics {run.diagnostics}")
        if not run.ok:
            say(f"   stopping {label}: exit {run.exit} (stderr: {out}.err)")
            break
    return series


def reproducing_args(argv: list[str]) -> list[str]:
    """argv less the options that only say where files go (--work, --out, --update-readme)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--work", "--out"):
            skip = True
        elif not (a.startswith(("--work=", "--out=")) or a == "--update-readme"):
            out.append(a)
    return out


def runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def size_label(mb: float) -> str:
    return f"{mb:g} MB file"


def run_peers(args, chosen: list[Path], hl_cmd: str, env: dict[str, str] | None) -> list[report.PeerRow]:
    script = args.shared / "run_peers.sh"
    if not script.is_file():
        say(f"skip peers: {script} not found")
        return []
    peers = {"all": "", "quick": QUICK_PEERS}.get(args.peers, args.peers)
    if peers and "healthlint" not in peers.split():
        peers += " healthlint"
    work = args.work / "peers"
    cmd = ["bash", str(script), "--runs", str(args.peer_runs or args.runs), "--budget", str(args.budget),
           "--work", str(work), "--healthlint", hl_cmd]
    for c in chosen:
        cmd += ["--corpus", str(c)]
    if peers:
        cmd += ["--peers", peers]
    say("== peers: " + shlex.join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env)
    tsv = work / "results.tsv"
    if proc.returncode != 0 or not tsv.is_file():
        say(f"run_peers.sh failed (exit {proc.returncode})")
        return []
    return report.summarize_peers(tsv.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    measure.enable_subreaper()
    base = measure.resolve_command(args.healthlint)
    jobs, jobs_note = jobs_args(args, base)
    multi = [*base, *jobs]
    shown = shlex.join([shlex.split(args.healthlint)[0], *base[1:], *jobs])
    say(f"healthlint: {shlex.join(multi)}")
    args.work.mkdir(parents=True, exist_ok=True)
    out_dir = args.work / "out"
    out_dir.mkdir(exist_ok=True)
    machine = measure.machine_info(base, REPO)
    env = None if args.as_is_env else measure.bytecode_env(args.work / "pycache")

    # Inputs
    if args.corpus:
        corpora = [c.resolve() for c in args.corpus]
    else:
        make = args.shared / "make_corpus.py"
        if not make.is_file():
            sys.exit(f"run_bench: {make} not found: pass --shared DIR or --corpus DIR")
        corpora = [corpus.ensure_corpus(make, args.work, n, args.seed) for n in sorted(set(args.sizes))]
    corpora.sort(key=lambda c: corpus.corpus_stats(c)[1])
    all_files = [corpus.corpus_files(c) for c in corpora]
    for files in all_files:
        corpus.warm_page_cache(files)
    warm = corpus.subset(all_files[0][:10], corpora[0], args.work / f"warm-{corpora[0].name}")
    kw = {"timeout": args.timeout, "env": env}
    measure.run_once([*multi, str(warm)], out_dir / "warm.out", **kw)

    m = report.Measurements()
    if "corpus" in args.wanted:
        for c in corpora:
            n = corpus.corpus_stats(c)[0]
            say(f"== corpus {c} ({n} files)")
            m.corpora.append(timed_series(f"{n:,} files", multi, c, args.runs, out_dir / f"corpus-{n}.out", **kw))
    if "memory" in args.wanted:
        say(f"== memory: {corpora[-1]} with /proc sampling")
        m.memory = measure.run_once([*multi, str(corpora[-1])], out_dir / "memory.out", sample=True, **kw)
        m.memory_files = corpus.corpus_stats(corpora[-1])[0]
        say(f"   {m.memory.processes} processes, largest {m.memory.max_hwm_kb / 1024:.1f}MB (VmHWM), "
            f"{m.memory.maxrss_kb / 1024:.1f}MB (rusage), together {m.memory.peak_total_rss_kb / 1024:.1f}MB")
    if "cold" in args.wanted:
        one = args.work / "cold" / "one.md"
        one.parent.mkdir(exist_ok=True)
        one.write_bytes(corpus.median_sized(all_files[0][:101]).read_bytes())
        say(f"== cold: {one} ({one.stat().st_size} bytes)")
        measure.run_once([*base, str(one)], out_dir / "cold.out", **kw)  # warm-up
        m.cold = timed_series("one file", base, one, args.cold_runs, out_dir / "cold.out", **kw)
    if "bigfile" in args.wanted:
        for mb in sorted(args.file_mb):
            target = int(mb * 1e6)
            big = corpus.ensure_big_file(all_files[-1], args.work / f"big-{target}-seed{args.seed}.md", target)
            say(f"== big file {big} ({big.stat().st_size} bytes)")
            m.big_files.append(timed_series(size_label(mb), base, big, args.runs, out_dir / f"big-{target}.out", **kw))

    peers = None
    if "peers" in args.wanted:
        if args.peer_sizes and not args.corpus:
            peer_corpora = [corpus.ensure_corpus(args.shared / "make_corpus.py", args.work, n, args.seed)
                            for n in sorted(set(args.peer_sizes))]
        else:
            peer_corpora = corpora
        peers = run_peers(args, peer_corpora, shlex.join(multi) + " {corpus}", env)

    bytecode = "" if args.as_is_env else " Python bytecode cache on (as after an install)."
    settings = (f"{jobs_note}{bytecode} Corpora: `make_corpus.py OUT N {args.seed}` (Markdown, 2-10 KB articles); "
                f"page cache warm; medians of {runs(args.runs)}, one-file median of {runs(args.cold_runs)} "
                f"after a warm-up run; big files: generated articles concatenated, front matter "
                f"kept only on the first.").strip()
    peers_settings = (f"(`../shared/bench/run_peers.sh`, same corpora, medians of {runs(args.peer_runs or args.runs)} "
                      f"under `/usr/bin/time -v`; rules: *project* = healthlint's full built-in pack with "
                      f"Markdown handling, *same-41* = the 41 shared regexes of `peers/rules.tsv`, *built-in* = "
                      f"the tool's own prose rules. time ÷ healthlint = seconds per MB relative to healthlint's "
                      f"on the same corpus.)")
    reproduce = shlex.join(["python3", "bench/run_bench.py",
                            *reproducing_args(sys.argv[1:] if argv is None else argv)])
    text = report.render(machine, shown, settings, m, peers, peers_settings, reproduce)
    args.out.write_text(text, encoding="utf-8")
    raw = {"machine": machine, "command": multi,
           "measurements": asdict(m), "peers": [asdict(p) for p in peers or []]}
    (args.work / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    say(f"wrote {args.out} (raw: {args.work / 'results.json'})")
    print(text)
    if args.update_readme:
        readme = REPO / "README.md"
        readme.write_text(report.paste_between_markers(readme.read_text(encoding="utf-8"),
                                                       report.readme_body(text)), encoding="utf-8")
        say(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

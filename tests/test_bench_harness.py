"""The benchmark harness's own logic (bench/hlbench): tables, verdicts, inputs. No timing is asserted."""
from __future__ import annotations

import sys

import pytest
from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "bench"))

from hlbench import corpus, measure, report  # noqa: E402
from hlbench.measure import Run  # noqa: E402


def run(wall, rss_mb=40.0, exit="1", diags=5):
    return Run(wall_s=wall, user_s=wall * 0.9, sys_s=0.0, maxrss_kb=int(rss_mb * 1024), exit=exit, diagnostics=diags)


def series(label, files, nbytes, *walls, **kw):
    return report.Series(label, files, nbytes, [run(w, **kw) for w in walls])


def rows_by_name(m):
    return {row[0].split(",")[0].split(" (")[0]: row for row in report.target_rows(m)}


def test_numbers_keep_about_three_digits():
    assert [report.num(x) for x in (0.05321, 1.234, 45.67, 1234.5)] == ["0.0532", "1.23", "45.7", "1,234"]
    assert report.seconds(0.1234) == "123 ms" and report.seconds(3.21) == "3.21 s"


def test_targets_pass_and_fail_at_10000_files():
    m = report.Measurements(
        corpora=[series("1,000 files", 1000, 5_000_000, 0.5, 0.4, 0.6),
                 series("10,000 files", 10_000, 50_000_000, 3.9, 4.5, 3.8, rss_mb=120)],
        cold=series("one file", 1, 4443, *[0.1] * 19, 0.9),
        big_files=[series("1 MB file", 1, 1_000_000, 1.0), series("10 MB file", 1, 10_000_000, 13.0)])
    rows = rows_by_name(m)
    assert rows["Whole corpus"][3] == "pass"          # median 3.9 s < 4 s
    assert rows["One file"][3] == "pass"              # the median, not the slow outlier
    assert rows["Peak RSS of one process"][3] == "pass"
    files, size = [r for r in report.target_rows(m) if r[0].startswith("Linear scaling")]
    assert files[2].startswith("0.78×") and files[3] == "pass"     # 3.9 s / 50 MB over 0.5 s / 5 MB
    assert size[2].startswith("1.30×") and size[3] == "**FAIL**"   # 13 s for 10× the bytes


def test_targets_are_not_judged_on_a_smaller_corpus():
    m = report.Measurements(corpora=[series("200 files", 200, 1_000_000, 1.0, rss_mb=300)])
    rows = rows_by_name(m)
    assert rows["Whole corpus"][3].startswith("not judged")
    assert rows["Peak RSS of one process"][3].startswith("not judged")


def test_a_failed_run_fails_its_target():
    m = report.Measurements(cold=series("one file", 1, 100, 0.01, exit="2"))
    assert rows_by_name(m)["One file"][2:] == ["exit 2", "**FAIL**"]


def test_memory_takes_the_largest_process_of_every_run():
    sampled = Run(wall_s=4, user_s=7, sys_s=0, maxrss_kb=100 * 1024, exit="0", diagnostics=0,
                  processes=3, peak_total_rss_kb=260 * 1024, max_hwm_kb=155 * 1024)
    m = report.Measurements(corpora=[series("10,000 files", 10_000, 50_000_000, 3.0, rss_mb=90)], memory=sampled)
    row = rows_by_name(m)["Peak RSS of one process"]
    assert row[2].startswith("155 MB; 3 processes, 260 MB together") and row[3] == "**FAIL**"


PEERS_TSV = (
    "peer\trules\tlabel\tn_files\tbytes\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\texit\tdiags\tnote\n"
    "rg\tsame-41\tc1000\t1000\t5000000\t1\t0.06\t0.05\t0.01\t15000\t0\t2100\t\n"
    "rg\tsame-41\tc1000\t1000\t5000000\t2\t0.04\t0.05\t0.01\t15000\t0\t2100\t\n"
    "healthlint\tproject\tc1000\t1000\t5000000\t1\t0.5\t0.9\t0.1\t40960\t1\t1039\t\n"
    "textlint-prh\tsame-41\tc1000\t500\t2500000\t1\t5.0\t6\t0\t204800\t0\t900\tfirst 500 of 1000 files\n"
    "alex\tbuilt-in\tc1000\t1000\t5000000\t1\t600\t600\t0\t1\ttimeout\t0\t\n"
)


def test_peers_summary_takes_medians_and_compares_seconds_per_mb():
    rows = report.summarize_peers(PEERS_TSV)
    rg = next(r for r in rows if r.peer == "rg")
    assert rg.runs == 2 and rg.wall_s == pytest.approx(0.05) and rg.cpu_s == pytest.approx(0.06)
    md = report.peers_table(rows).splitlines()
    order = [line.split(" | ")[1] for line in md[2:]]
    assert order == ["rg", "**healthlint**", "textlint-prh", "alex"]   # fastest first, failed last
    assert " | 0.1× | " in md[2] and " | 20.0× | " in md[4]               # textlint on half the files
    assert "no successful run (exit timeout)" in md[5]


def test_healthlint_row_is_flagged_when_time_misses_its_workers():
    rows = report.summarize_peers(PEERS_TSV)                      # healthlint: 1.0 s CPU on 1,000 files
    m = report.Measurements(corpora=[series("1,000 files", 1000, 5_000_000, 4.0)])  # 3.6 s CPU here
    hl = next(r for r in report.flag_unseen_workers(rows, m) if r.peer == "healthlint")
    assert hl.note.startswith("CPU and RSS miss worker processes") and "3.60 s CPU" in hl.note
    m = report.Measurements(corpora=[series("1,000 files", 1000, 5_000_000, 1.0)])
    assert all(not r.note.startswith("CPU") for r in report.flag_unseen_workers(rows, m))


def test_readme_gets_the_results_between_its_markers():
    readme = f"# x\n\n## Performance\n\n{report.START_MARKER}\nold\n{report.END_MARKER}\n\nafter\n"
    results = "# healthlint benchmark results\n\n<!-- written by ... -->\n\nRan today.\n\n| a |\n"
    once = report.paste_between_markers(readme, report.readme_body(results))
    assert once == f"# x\n\n## Performance\n\n{report.START_MARKER}\nRan today.\n\n| a |\n{report.END_MARKER}\n\nafter\n"
    assert report.paste_between_markers(once, report.readme_body(results)) == once
    with pytest.raises(ValueError):
        report.paste_between_markers("# no markers\n", "x")


def test_jobs_is_found_only_as_an_option():
    assert measure.help_lists_jobs("  -j N, --jobs N   worker processes")
    assert not measure.help_lists_jobs("usage: healthlint [--format F] PATH  (lint jobs in CI)")


def test_proc_status_fields_in_kb():
    text = "Name:\thealthlint\nVmHWM:\t  51200 kB\nVmRSS:\t  40960 kB\nThreads:\t1\n"
    assert measure.parse_status_kb(text) == {"VmHWM": 51200, "VmRSS": 40960}


def test_run_once_reports_exit_and_counts_diagnostics(tmp_path):
    code = "import sys; print('a.md:1:2: error r one'); print('a.md:3:4: error r two'); print('x'); sys.exit(1)"
    result = measure.run_once([sys.executable, "-c", code], tmp_path / "out.txt")
    assert (result.exit, result.diagnostics, result.ok) == ("1", 2, True)
    assert result.maxrss_kb > 0 and result.wall_s > 0


def test_concatenated_articles_keep_only_the_first_front_matter():
    a = "---\ntitle: A\n---\n\n# A\n\nText a.\n"
    b = "---\ntitle: B\n---\n# B\n\nText b."
    text = corpus.concat_articles([a, b], 60)
    assert text.count("---\n") == 2 and text.startswith("---\ntitle: A")
    assert "\n# B\n\nText b.\n" in text and len(text.encode()) >= 60
    assert corpus.strip_front_matter("# no front matter\n") == "# no front matter\n"


@pytest.mark.skipif(not (SHARED / "bench" / "make_corpus.py").exists(), reason="../shared/bench is not present")
def test_generated_corpus_builds_a_big_file(tmp_path):
    root = corpus.ensure_corpus(SHARED / "bench" / "make_corpus.py", tmp_path, 3, 42)
    files = corpus.corpus_files(root)
    assert len(files) == 3 and corpus.corpus_stats(root)[1] > 3 * 2048
    big = corpus.ensure_big_file(files, tmp_path / "big.md", 40_000)
    text = big.read_text(encoding="utf-8")
    assert len(text.encode()) >= 40_000 and text.startswith("---\n")
    assert text.count("\n---\n") == 1   # only the first article's front matter closes


ORPHANING_CHILD = """
import multiprocessing as mp
def work(n):
    b = bytearray(n << 20)
    b[::4096] = bytes(len(b[::4096]))
    return len(b)
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(1) as pool:
        print(pool.map(work, [64]))
"""

HARNESS = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from hlbench import measure
assert measure.enable_subreaper()
r = measure.run_once([sys.executable, sys.argv[2]], Path(sys.argv[3]))
print(r.maxrss_kb, r.exit)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="child subreaper is Linux only")
def test_workers_orphaned_by_a_forkserver_are_still_measured(tmp_path):
    import subprocess
    child = tmp_path / "child.py"
    child.write_text(ORPHANING_CHILD)
    proc = subprocess.run([sys.executable, "-c", HARNESS, str(ROOT / "bench"), str(child), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    maxrss_kb, exit_ = proc.stdout.split()
    assert exit_ == "0" and int(maxrss_kb) > 64 * 1024   # the worker's 64 MB, which /usr/bin/time misses


def test_where_time_goes_accounts_for_every_part(tmp_path):
    """The floor script runs in a process of its own (it wraps module globals) and reports each part."""
    import subprocess

    for name in ("apple-cider-vinegar-guide.md", "elderberry-immune-gummies.md"):
        (tmp_path / name).write_text((ROOT / "examples" / name).read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "where_time_goes.py"), str(tmp_path), "--top", "3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("2 articles,")
    for part in ("regex:", "(clause automaton)", "(markdown parser)", "the rest:", "floor of this design",
                 "The 3 costliest patterns"):
        assert part in out


def test_where_time_goes_refuses_a_folder_without_articles(tmp_path):
    import subprocess

    done = subprocess.run([sys.executable, str(ROOT / "bench" / "where_time_goes.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no .md files" in done.stderr

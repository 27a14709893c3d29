"""CPU time per file of the document stage: reading a Document, then its sentences and line index.

A benchmark, not a test. Each stage runs over every file of the corpus
several times and the best round is reported, in CPU milliseconds per file.

    python3 ../shared/bench/make_corpus.py /tmp/hb/c200 200 42
    PYTHONPATH=src python bench/document_speed.py /tmp/hb/c200
"""
from __future__ import annotations

import argparse
import gc
import glob
import os
import time

from healthlint.text.document import kind_for_path, read_document


def best(rounds: int, fn) -> float:
    """The smallest CPU time of ``rounds`` runs of ``fn``."""
    times = []
    for _ in range(rounds):
        gc.collect()
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="a folder of articles (searched recursively)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = sorted(p for p in glob.glob(os.path.join(args.corpus, "**", "*"), recursive=True) if os.path.isfile(p))
    files = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            files.append((f.read(), kind_for_path(path)))
    n = len(files)

    def read_all():
        return [read_document(source, "x", kind) for source, kind in files]

    def after_reading(attribute):
        docs = read_all()
        gc.collect()
        started = time.process_time()
        for doc in docs:
            getattr(doc, attribute)
        return time.process_time() - started

    reading = best(args.rounds, read_all)
    sentences = min(after_reading("sentences") for _ in range(args.rounds))
    lines = min(after_reading("lines") for _ in range(args.rounds))
    print(f"{n} files, best of {args.rounds} rounds, CPU ms per file")
    for label, seconds in (("read_document", reading), ("sentences", sentences), ("lines", lines),
                           ("document stage", reading + sentences + lines)):
        print(f"  {label:16s} {1000 * seconds / n:7.3f}")


if __name__ == "__main__":
    main()

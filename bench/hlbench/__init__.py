"""Helpers of bench/run_bench.py: run and measure processes, build inputs, write the tables.

measure  one timed process (wall, CPU, peak RSS per process), /proc sampling, the machine
corpus   generated corpora (../shared/bench/make_corpus.py) and single big files
report   the RESULTS.md tables, the peers summary, pasting into README.md
"""

#!/usr/bin/env python3
"""Paste the latest bench/RESULTS.md into README.md between <!-- bench:start --> and <!-- bench:end -->.

    python3 bench/update_readme.py [--results bench/RESULTS.md] [--readme README.md] [--check]

--check changes nothing and exits 1 when README.md does not show RESULTS.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hlbench import report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--readme", type=Path, default=HERE.parent / "README.md")
    p.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date; write nothing")
    args = p.parse_args(argv)
    readme = args.readme.read_text(encoding="utf-8")
    try:
        updated = report.paste_between_markers(readme, report.readme_body(args.results.read_text(encoding="utf-8")))
    except ValueError as err:
        print(f"update_readme: {args.readme}: {err}", file=sys.stderr)
        return 2
    if args.check:
        if updated != readme:
            print(f"{args.readme} does not show {args.results}: run python3 bench/update_readme.py", file=sys.stderr)
            return 1
        return 0
    if updated != readme:
        args.readme.write_text(updated, encoding="utf-8")
        print(f"updated {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

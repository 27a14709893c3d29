"""Command line: arguments → Linter → formatter. No lint logic lives here.

    healthlint [OPTIONS] [PATH ...]     lint files and folders (``-`` reads standard input)
    healthlint rules                    list the rules
    healthlint explain RULE             what a rule checks, why, and what to write instead
    healthlint test-rules [DIR ...]     run the rules' own examples
    healthlint serve [OPTIONS]          the HTTP publishing gate (an optional extra)
    healthlint config [PATH]            print the effective configuration for PATH
    healthlint lsp                      start the language server (stdio)
"""
from __future__ import annotations

import argparse
import gc
import os
import sys

from healthlint import __version__
from healthlint.budget import DEFAULT_RULE_TIMEOUT
from healthlint.diagnostics import Severity
from healthlint.errors import HealthlintError
from healthlint.formatters import FORMATTERS, Summary, default_format
from healthlint.pipeline import FileError, Linter
from healthlint.project import Project
from healthlint.signals import Terminated, terminate_on_sigterm

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

_EPILOG = """\
commands:
  healthlint rules               list the rules, their severities and kinds
  healthlint explain RULE        what RULE checks, why it matters, examples
  healthlint test-rules [DIR]    run every rule's examples (the built-in pack and DIR)
  healthlint serve               the publishing gate over HTTP (pip install healthlint[server])
  healthlint config [PATH]       the effective configuration for PATH (default: .)
  healthlint lsp                 start the language server for editors (needs healthlint[lsp])

exit status:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or rule error, or a file that could not be read

examples:
  healthlint articles/
  healthlint --format json post.md
  cat post.md | healthlint - --stdin-filename post.md
  healthlint --format sarif articles/ > healthlint.sarif
  healthlint --write-baseline .healthlint-baseline.json articles/
  healthlint --baseline .healthlint-baseline.json articles/
  healthlint --diff articles/ ; healthlint --fix articles/
"""


def _seconds(value: str) -> float:
    seconds = float(value)
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds ≥ 0, not {value!r}")
    return seconds


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of jobs, got {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 job, got {jobs}")
    return jobs


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _lint_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="healthlint",
        description="Lint health content for unsupported cure claims, unqualified safety claims, "
                    "undisclosed affiliate links and missing clinician referrals.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to lint (folders: *.md, *.markdown, *.txt, *.html, *.htm); - for standard input")
    p.add_argument("--format", choices=sorted(FORMATTERS), default=None,
                   help="output format (default: github under GitHub Actions, else text)")
    p.add_argument("--fail-on", choices=["error", "warning", "info"], default="error",
                   help="lowest severity that makes the exit status 1 (default: error)")
    p.add_argument("--select", type=_csv, default=[], metavar="RULES", help="only these rules (comma-separated)")
    p.add_argument("--ignore", type=_csv, default=[], metavar="RULES", help="skip these rules (comma-separated)")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="add a rule pack folder (repeatable)")
    p.add_argument("--stdin-filename", metavar="NAME", help="the name to report for standard input "
                   "(its extension picks Markdown, text or HTML)")
    p.add_argument("--config", metavar="FILE", help="use this configuration file for every path "
                   "(default: .healthlint.yaml or pyproject.toml [tool.healthlint], found from each file upward)")
    p.add_argument("--profile", metavar="NAME", help="rule profile: default, strict, ... (default: from config)")
    p.add_argument("--require-reason", action="store_true", help="every inline suppression must give a reason")
    p.add_argument("--statistics", action="store_true", help="count findings per rule")
    p.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    p.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    p.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    p.add_argument("--diff", action="store_true", help="show the safe fixes as a diff without writing them")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                   help="colour text output (auto: on a terminal unless NO_COLOR is set)")
    p.add_argument("--rule-timeout", type=_seconds, default=DEFAULT_RULE_TIMEOUT, metavar="SECONDS",
                   help="stop a rule that uses more CPU time than this on one file and report it as an error "
                        f"(default: {DEFAULT_RULE_TIMEOUT:g}; 0: no limit)")
    p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="lint with N worker processes (default: one per core; 1: no workers)")
    p.add_argument("--version", action="version", version=f"healthlint {__version__}")
    return p


def _use_color(choice: str, stream) -> bool:
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _report_unreadable(errors) -> None:
    for error in errors:
        sys.stderr.write(f"{error.path}: error: {error.reason}\n")


def _lint(argv: list[str]) -> int:
    args = _lint_parser().parse_args(argv)
    if not args.paths:
        _lint_parser().print_usage(sys.stderr)
        sys.stderr.write("healthlint: error: no PATH given (use - for standard input)\n")
        return EXIT_ERROR
    project = Project(dict(select=args.select, ignore=args.ignore, rule_packs=args.rules, profile=args.profile,
                           require_reason=args.require_reason), args.config,
                      rule_timeout=args.rule_timeout or None)
    diagnostics, errors, files, sources = [], [], 0, {}
    paths = [p for p in args.paths if p != "-"]
    if (args.fix or args.diff) and paths:
        from healthlint.workflows import apply_fixes

        unread: list = []  # --fix: the lint that follows reads every path again and reports those it cannot read
        changed = apply_fixes(project, paths, write=args.fix, out=sys.stdout, err=sys.stderr, errors=errors,
                              unread=None if args.fix else unread)
        if args.diff and not args.fix:
            _report_unreadable(unread)
            _report_unreadable(errors)
            return EXIT_ERROR if unread or errors else EXIT_FINDINGS if changed else EXIT_OK
    if "-" in args.paths:
        from healthlint.sources import UnreadableFile, decode, read_limited

        name = args.stdin_filename or "<stdin>"
        try:
            text = read_limited(sys.stdin.buffer)
            sources[name] = decode(text)
            diagnostics.extend(project.linter_for(args.stdin_filename or ".").lint_text(sources[name], name))
            files += 1
        except UnreadableFile as e:
            errors.append(FileError(name, str(e)))
    if paths:
        from healthlint.parallel import default_jobs

        result = project.lint_paths(paths, jobs=args.jobs or default_jobs())
        diagnostics.extend(result.diagnostics)
        errors.extend(result.errors)
        files += result.files
    _report_unreadable(errors)
    if args.write_baseline or args.baseline:
        from healthlint.workflows import baseline_stage

        diagnostics = baseline_stage(diagnostics, sources, args.baseline, args.write_baseline, sys.stderr,
                                     project.documented_rules())
        if args.write_baseline:
            return EXIT_ERROR if errors else EXIT_OK
    name = args.format or default_format()
    formatter = FORMATTERS[name](sys.stdout, sys.stderr, _use_color(args.color, sys.stdout), project.documented_rules())
    if args.statistics:
        from healthlint.formatters.statistics import StatisticsFormatter, Tee

        stats = StatisticsFormatter(sys.stdout if name == "text" else sys.stderr, sys.stderr)
        formatter = Tee(formatter, stats)
    summary = Summary(files=files, unreadable=errors)
    formatter.start()
    for d in sorted(diagnostics):
        summary.count(d)
        formatter.handle(d)
    formatter.finish(summary)
    if errors:
        return EXIT_ERROR
    threshold = Severity.parse(args.fail_on)
    return EXIT_FINDINGS if any(d.severity >= threshold for d in diagnostics) else EXIT_OK


def _rules(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="healthlint rules", description="List the rules.")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="add a rule pack folder")
    args = p.parse_args(argv)
    pack = Linter(args.rules).pack
    linter = Linter(pack=pack, select=list(pack.rules))
    width = max(len(r.id) for r in linter.rules)
    for rule in sorted(linter.rules, key=lambda r: r.id):
        summary = rule.description.strip().split("\n")[0]
        sys.stdout.write(f"{rule.id:{width}}  {str(rule.severity):7}  {rule.kind:8}  {summary}\n")
    return EXIT_OK


def _explain(argv: list[str]) -> int:
    from healthlint.explain import explain

    p = argparse.ArgumentParser(prog="healthlint explain", description="Explain a rule.")
    p.add_argument("rule")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="add a rule pack folder")
    args = p.parse_args(argv)
    linter = Linter(args.rules)
    rule = linter.pack.rules.get(args.rule)
    if rule is None:
        raise HealthlintError(f"unknown rule {args.rule!r}; see `healthlint rules`")
    sys.stdout.write(explain(rule, linter.pack.vocabularies))
    return EXIT_OK


def _test_rules(argv: list[str]) -> int:
    from healthlint.examples import run_examples

    p = argparse.ArgumentParser(prog="healthlint test-rules",
                                description="Run every rule's examples: 'fail' must report, 'pass' must not.")
    p.add_argument("dirs", nargs="*", metavar="DIR", help="rule pack folders to add to the built-in pack")
    args = p.parse_args(argv)
    pack = Linter(args.dirs).pack
    linter = Linter(pack=pack, select=list(pack.rules))
    count, failures = run_examples(linter)
    missing = [r.id for r in linter.rules if not (r.examples.fail or r.examples.pass_)]
    for failure in failures:
        sys.stdout.write(failure.describe() + "\n")
    for rule_id in missing:
        sys.stdout.write(f"{rule_id}: has no examples\n")
    sys.stdout.write(f"{count - len(failures)} passed, {len(failures)} failed\n")
    return EXIT_FINDINGS if failures or missing else EXIT_OK


def _config(argv: list[str]) -> int:
    import json

    p = argparse.ArgumentParser(prog="healthlint config", description="Print the effective configuration for a path.")
    p.add_argument("path", nargs="?", default=".")
    p.add_argument("--config", metavar="FILE", help="use this configuration file instead of discovering one")
    p.add_argument("--profile", metavar="NAME")
    args = p.parse_args(argv)
    project = Project(dict(profile=args.profile), args.config)
    config = project.config_for(args.path)
    linter = project.linter_for(args.path)
    doc = config.to_dict()
    doc["rules"] = {r.id: str(r.severity) for r in linter.rules}
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _serve(argv: list[str]) -> int:
    from healthlint.server.serve import serve

    return serve(argv)



def _lsp(argv: list[str]) -> int:
    from healthlint.lsp import main as lsp_main

    return lsp_main(argv)


COMMANDS = {"rules": _rules, "explain": _explain, "test-rules": _test_rules, "config": _config,
            "serve": _serve, "lsp": _lsp}


def main(argv: list[str] | None = None) -> int:
    """Run healthlint with ``argv`` (default: the program's own arguments, when it is the program)."""
    if argv is None:
        try:
            return _main(sys.argv[1:])
        finally:
            # The process ends now. CPython would first run a full garbage collection over
            # every object still alive (the rule pack alone is tens of thousands), ~10 ms of a
            # one-file run, to free what the exit frees anyway: take them out of its sight.
            gc.freeze()
    return _main(list(argv))


def _main(argv: list[str]) -> int:
    try:
        with terminate_on_sigterm():
            if argv and argv[0] in COMMANDS:
                return COMMANDS[argv[0]](argv[1:])
            return _lint(argv)
    except HealthlintError as e:
        sys.stderr.write(e.report() + "\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("healthlint: interrupted\n")
        return 130
    except Terminated as e:
        sys.stderr.write("healthlint: terminated\n")
        return 128 + e.signum
    except BrokenPipeError:
        return EXIT_ERROR

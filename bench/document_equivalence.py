"""Do two versions of healthlint build the same Documents?

A check, not a test: it builds every Document twice, once with the code of a
baseline git revision and once with the working tree's, and compares all that
checks read: prose, segments with scopes, links with offsets and kinds, front
matter, sentences and line starts. It exits 1 on any difference and prints the
first few.

    PYTHONPATH=src python bench/document_equivalence.py --baseline main
    PYTHONPATH=src python bench/document_equivalence.py --baseline main /tmp/hb/c1000 more.md

Inputs: the given files and folders (searched recursively), the default
folders below that exist, the pathological inputs of the tests, and a few
thousand generated Markdown snippets that mix every construct the reader
handles (nesting, references, autolinks, escapes, entities, tables, HTML, line
endings, non-ASCII). Every file is read as Markdown, and also as its own kind
when its extension names another one.
"""
from __future__ import annotations

import argparse
import os
import pickle
import random
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_FOLDERS = (
    "/tmp/hb/c1000",
    os.path.join(REPO, "tests", "fixtures"),
    os.path.join(REPO, "tests", "probes"),
    os.path.join(REPO, "tests", "fuzz_regressions"),
    os.path.join(REPO, "examples"),
    os.path.join(REPO, "..", "shared", "corpus", "seeds"),
    os.path.join(REPO, "..", "shared", "corpus", "dev"),
    "/work/shared/corpus/seeds",
    "/work/shared/corpus/dev",
)
TEXT_EXTENSIONS = (".md", ".markdown", ".txt", ".html", ".htm")
CLAIM = "Kratom cures depression."


def pathological() -> dict[str, str]:
    """The hostile shapes of tests/test_bad_inputs.py, and a few more."""
    cases = {}
    for opener in ("> ", "- ", "1. ", "* > ", "+ ", "> - "):
        for depth in (18, 19, 20, 21, 40, 10_000):
            cases[f"nested {opener!r} x{depth}"] = "Intro.\n\n" + opener * depth + CLAIM + "\n"
    cases["indent nesting"] = "".join("  " * i + "- item\n" for i in range(40)) + "  " * 40 + "- " + CLAIM + "\n"
    for name, text in {
        "brackets": "[" * 10_000 + CLAIM + "]" * 10_000,
        "emphasis": "*" * 10_000 + CLAIM + "*" * 10_000,
        "parens": "[a](" + "(" * 10_000 + ")" * 10_000 + ") " + CLAIM,
        "angles": "<" * 10_000 + CLAIM,
        "backticks": "`" * 10_000 + CLAIM,
        "front matter too deep": "---\nx: " + "[" * 10_000 + "\n---\n\n" + CLAIM,
        "images in images": "![a" * 200 + "](b)" * 200 + " " + CLAIM,
        "links in emphasis": "*[a](b) " * 300 + CLAIM,
    }.items():
        cases[name] = text
    return cases


_WORDS = ("Kratom", "cures", "depression", "it", "may", "help", "Dr.", "e.g.", "2.5", "mg",
          "é", "naïve", "日本", "🙂", "U.S.", "J.", "Smith", "www.example.com", "bit.ly/x",
          "https://a.example/p?q=1", "(see", "this)", "\"quoted\"", "’s", "and/or", "x_y", "a*b")
_INLINE = (
    lambda r: r.choice(_WORDS),
    lambda r: f"*{r.choice(_WORDS)}*", lambda r: f"**{r.choice(_WORDS)} {r.choice(_WORDS)}**",
    lambda r: f"_{r.choice(_WORDS)}_", lambda r: f"~~{r.choice(_WORDS)}~~",
    lambda r: f"`{r.choice(_WORDS)}`", lambda r: f"``a ` b``",
    lambda r: f"[{r.choice(_WORDS)}](https://x.example/{r.randint(0, 9)})",
    lambda r: f"[{r.choice(_WORDS)} {r.choice(_WORDS)}](<a b> \"t (x)\")",
    lambda r: f"[{r.choice(_WORDS)}][ref{r.randint(0, 3)}]", lambda r: f"[ref{r.randint(0, 3)}][]",
    lambda r: f"[Ref{r.randint(0, 3)}]", lambda r: "[no such ref]",
    lambda r: f"![{r.choice(_WORDS)}](i.png)", lambda r: "![alt *em*][ref1]",
    lambda r: "[![img](i.png) text](https://y.example)",
    lambda r: "<https://auto.example/x>", lambda r: "<mail@example.com>",
    lambda r: "<b>bold</b>", lambda r: "<!-- comment -->", lambda r: "&amp;", lambda r: "&copy;",
    lambda r: "&#65;", lambda r: "\\*", lambda r: "\\[", lambda r: "\\", lambda r: "*", lambda r: "_",
    lambda r: "[", lambda r: "]", lambda r: "(", lambda r: ")", lambda r: "!", lambda r: "<", lambda r: ">",
    lambda r: "  \n", lambda r: "\\\n", lambda r: "\n", lambda r: ".", lambda r: "?", lambda r: "\t",
    lambda r: "\u00a0", lambda r: "\x00",
)


def _inline(r: random.Random) -> str:
    return " ".join(r.choice(_INLINE)(r) for _ in range(r.randint(1, 12)))


def _block(r: random.Random, depth: int = 0) -> str:
    kind = r.randrange(16)
    if kind == 0:
        return "#" * r.randint(1, 7) + " " + _inline(r)
    if kind == 1:
        return _inline(r) + "\n" + r.choice("=-") * r.randint(1, 4)
    if kind == 2 and depth < 4:
        inner = _block(r, depth + 1)
        return "\n".join(r.choice(("> ", ">", "")) + line for line in inner.split("\n"))
    if kind == 3 and depth < 4:
        marker = r.choice(("- ", "* ", "+ ", "1. ", "2) "))
        items = []
        for _ in range(r.randint(1, 3)):
            inner = _block(r, depth + 1)
            pad = " " * len(marker)
            items.append(marker + inner.replace("\n", "\n" + r.choice((pad, "", " "))))
        return r.choice(("\n", "\n\n")).join(items)
    if kind == 4:
        return "```" + r.choice(("", "py")) + "\n" + _inline(r) + "\n```"
    if kind == 5:
        return "    code " + _inline(r)
    if kind == 6:
        return "<div>\n" + _inline(r) + "\n</div>"
    if kind == 7:
        return f"[ref{r.randint(0, 3)}]: https://ref.example/{r.randint(0, 9)} \"title\""
    if kind == 8:
        return f"[Ref{r.randint(0, 3)}]:\n  <https://ref.example/{r.randint(0, 9)}>"
    if kind == 9:
        cols = r.randint(1, 3)
        rows = ["| " + " | ".join(_inline(r).replace("\n", " ") for _ in range(cols)) + " |"
                for _ in range(r.randint(1, 3))]
        return rows[0] + "\n|" + "---|" * cols + ("\n" + "\n".join(rows[1:]) if rows[1:] else "")
    if kind == 10:
        return r.choice(("---", "***", "___"))
    return _inline(r)


def generated(count: int = 3000, seed: int = 7) -> dict[str, str]:
    r = random.Random(seed)
    cases = {}
    for i in range(count):
        blocks = [_block(r) for _ in range(r.randint(1, 8))]
        text = r.choice(("\n\n", "\n")).join(blocks) + r.choice(("\n", ""))
        if r.random() < 0.15:
            text = "---\ntitle: T\naffiliate: " + r.choice(("true", "no", "[a, b]", "{x: 1}", "'")) + "\n---\n" + text
        ending = r.random()
        if ending < 0.1:
            text = text.replace("\n", "\r\n")
        elif ending < 0.15:
            text = text.replace("\n", "\r")
        cases[f"generated #{i}"] = text
    return cases


def inputs(paths: list[str]) -> dict[str, tuple[str, str]]:
    """name -> (source, kind) for every input."""
    from healthlint.text.document import kind_for_path

    found = {}
    folders = list(paths) + [p for p in DEFAULT_FOLDERS if os.path.isdir(p)]
    seen = set()
    for root in folders:
        files = [root] if os.path.isfile(root) else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(TEXT_EXTENSIONS))
        for path in files:
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
                source = f.read()
            found[path + " as markdown"] = (source, "markdown")
            kind = kind_for_path(path)
            if kind != "markdown":
                found[f"{path} as {kind}"] = (source, kind)
    for name, text in {**pathological(), **generated()}.items():
        found[name] = (text, "markdown")
        found[name + " as text"] = (text, "text")
    return found


def describe(source: str, kind: str) -> dict:
    from healthlint.text.document import read_document

    doc = read_document(source, "x", kind)
    return {
        "prose": doc.prose,
        "segments": [(s.start, s.end, s.scope) for s in doc.segments],
        "links": [(l.url, l.url_start, l.url_end, l.kind, l.text_start, l.text_end) for l in doc.links],
        "front_matter": repr(doc.front_matter),
        "sentences": [(s.start, s.end, s.scope, s.segment_start, s.segment_end) for s in doc.sentences],
        "lines": list(doc.lines.starts),
        "kind": doc.kind,
    }


def dump(out: str, paths: list[str]) -> None:
    result = {}
    for name, (source, kind) in inputs(paths).items():
        try:
            result[name] = describe(source, kind)
        except Exception as exc:  # a crash is a result to compare too
            result[name] = {"error": f"{type(exc).__name__}: {exc}"}
    with open(out, "wb") as f:
        pickle.dump(result, f)


def baseline_dump(rev: str, paths: list[str], out: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", REPO, "archive", rev, "src"], check=True, capture_output=True).stdout
        tar_path = os.path.join(tmp, "src.tar")
        with open(tar_path, "wb") as f:
            f.write(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        env = dict(os.environ, PYTHONPATH=os.path.join(tmp, "src"))
        subprocess.run([sys.executable, __file__, "--dump", out, *paths], check=True, env=env)


def first_difference(a, b) -> str:
    if isinstance(a, str) and isinstance(b, str):
        i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return f"at {i}: {a[max(0, i - 30):i + 30]!r} != {b[max(0, i - 30):i + 30]!r}"
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return f"item {i}: {x!r} != {y!r}"
        return f"lengths {len(a)} != {len(b)}"
    return f"{a!r} != {b!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="more files or folders")
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--show", type=int, default=10, help="differences to print")
    args = parser.parse_args()
    if args.dump:
        dump(args.dump, args.paths)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = os.path.join(tmp, "old.pickle"), os.path.join(tmp, "new.pickle")
        baseline_dump(args.baseline, args.paths, old_path)
        dump(new_path, args.paths)
        with open(old_path, "rb") as f:
            old = pickle.load(f)
        with open(new_path, "rb") as f:
            new = pickle.load(f)
    differing = []
    for name in old:
        if old[name] != new.get(name):
            fields = sorted(k for k in old[name] if old[name].get(k) != new[name].get(k)) if "error" not in old[name] else ["error"]
            differing.append((name, fields))
    for name, fields in differing[:args.show]:
        print(f"DIFF {name}: {', '.join(fields)}")
        for field in fields:
            print(f"    {field}: {first_difference(old[name].get(field), new[name].get(field))}")
    print(f"{len(old)} documents compared with {args.baseline}: {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())

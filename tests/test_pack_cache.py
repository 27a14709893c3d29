"""The rule-pack cache: same rules as loading the files, invalidated by any change, never trusted blindly."""
from __future__ import annotations

import os
import pickle
import shutil

import pytest
import regex

from healthlint import Linter
from healthlint.rules import cache, load_packs
from healthlint.rules.loader import RulePack, builtin_pack_dir
from healthlint.rules import patterns
from healthlint.rules.patterns import Pattern, Program

TEXT = "Kratom relieves depression. It is completely safe. Buy kratom online now!\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("HEALTHLINT_CACHE_DIR", str(where))
    monkeypatch.delenv("HEALTHLINT_NO_CACHE", raising=False)
    return where


@pytest.fixture
def pack_copy(tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(builtin_pack_dir(), folder)
    return folder


def _cached_files(where):
    return sorted(p.name for p in where.glob("pack-*.pickle"))


def test_a_cached_pack_lints_exactly_like_a_loaded_one(cache_dir, monkeypatch):
    first = Linter(profile="strict")
    assert len(_cached_files(cache_dir)) == 1
    second = Linter(profile="strict")  # from the cache
    monkeypatch.setenv("HEALTHLINT_NO_CACHE", "1")
    fresh = Linter(profile="strict")
    assert first.lint_text(TEXT) == second.lint_text(TEXT) == fresh.lint_text(TEXT) != []
    assert sorted(second.pack.rules) == sorted(fresh.pack.rules)


def test_patterns_come_back_uncompiled():
    pattern = Pattern.validated("cures?", 0)
    restored = pickle.loads(pickle.dumps(pattern))
    assert restored._compiled is None and restored == pattern
    assert restored.search("it cures").group() == "cures"


def test_any_change_to_a_rule_file_invalidates(cache_dir, pack_copy):
    load_packs([pack_copy], builtin=False)
    load_packs([pack_copy], builtin=False)
    assert len(_cached_files(cache_dir)) == 1
    vocabulary = pack_copy / "vocabularies" / "conditions.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "  - quizzical gout\n", encoding="utf-8")
    pack = load_packs([pack_copy], builtin=False)
    assert len(_cached_files(cache_dir)) == 2
    assert "quizzical" in pack.vocabularies["conditions"].fragment


def test_a_broken_rule_file_is_reported_not_cached(cache_dir, pack_copy):
    (pack_copy / "broken.yaml").write_text("id: broken\nkind: sentence\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(Exception) as caught:
            load_packs([pack_copy], builtin=False)
        assert "broken.yaml" in str(caught.value)
    assert _cached_files(cache_dir) == []


OWN_RULE = ("id: no-miracle\nkind: sentence\nseverity: warning\nmessage: 'Avoid {match}'\n"
            "description: Miracle talk.\npatterns: ['miracle {conditions}']\n"
            "examples:\n  fail: ['A miracle arthritis fix.']\n")


def test_a_folder_of_ones_own_rules_is_compiled_on_top_of_the_cached_built_in_pack(cache_dir, tmp_path, monkeypatch):
    own = tmp_path / "own"
    own.mkdir()
    (own / "miracle.yaml").write_text(OWN_RULE, encoding="utf-8")
    load_packs()
    built = []
    add_dir = RulePack.add_dir

    def counted(pack, folder):
        built.append(folder)
        add_dir(pack, folder)

    monkeypatch.setattr(RulePack, "add_dir", counted)
    pack = load_packs([own])
    assert built == [own]  # the built-in pack came from the cache, and its vocabularies served the new rule
    assert len(_cached_files(cache_dir)) == 2
    (own / "broken.yaml").write_text("id: broken\nkind: sentence\n", encoding="utf-8")
    with pytest.raises(Exception, match="broken.yaml"):
        load_packs([own])
    assert built == [own, own]
    monkeypatch.setenv("HEALTHLINT_NO_CACHE", "1")
    (own / "broken.yaml").unlink()
    fresh = load_packs([own])
    assert sorted(pack.rules) == sorted(fresh.rules) and "no-miracle" in pack.rules
    text = "A miracle arthritis fix. Kratom relieves depression.\n"
    assert Linter(pack=pack).lint_text(text) == Linter(pack=fresh).lint_text(text) != []


def test_a_corrupt_cache_file_is_ignored_and_replaced(cache_dir):
    load_packs()
    (path,) = cache_dir.glob("pack-*.pickle")
    path.write_bytes(b"healthlint-pack-1" + b"\x80\x05garbage")
    pack = load_packs()
    assert "unhedged-cure-claim" in pack.rules
    assert len(pickle.loads(path.read_bytes()[len(b"healthlint-pack-1"):]).rules) == len(pack.rules)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file away")
def test_a_cache_file_written_by_someone_else_is_not_read(cache_dir):
    load_packs()
    (path,) = cache_dir.glob("pack-*.pickle")
    os.chown(path, 12345, 12345)
    assert cache._read(path) is None


def test_no_cache_when_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("HEALTHLINT_NO_CACHE", "1")
    load_packs()
    assert not cache_dir.exists()


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HEALTHLINT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("HEALTHLINT_NO_CACHE", raising=False)
    assert "unhedged-cure-claim" in load_packs().rules


def _patterns(obj, seen=None):
    """Every Pattern reachable from ``obj`` (rules, checks, plans...)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Pattern):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _patterns(value, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for value in obj:
            yield from _patterns(value, seen)
    elif hasattr(obj, "__dict__"):
        yield from _patterns(vars(obj), seen)


def _compiles_from_source(monkeypatch) -> list:
    """Record every pattern compiled from its source from now on."""
    compiled = []
    original = patterns.regex.compile

    def counting(pattern, flags=0, *args, **kwargs):
        compiled.append(pattern)
        return original(pattern, flags, *args, **kwargs)

    monkeypatch.setattr(patterns.regex, "compile", counting)
    return compiled


def _restored(source: str, flags: int, program: Program) -> Pattern:
    """A pattern as the pack cache restores it: uncompiled, with ``program`` to load on first use."""
    make, args, state = Pattern(source, flags).reduce_with(program)
    pattern = make(*args)
    pattern.__setstate__(state)
    return pattern


def test_a_cached_pack_restores_compiled_programs_instead_of_compiling(cache_dir, monkeypatch):
    expected = Linter(profile="strict").lint_text(TEXT)  # loads the rule files, writes the cache
    cached = Linter(profile="strict")
    restored = list(_patterns(cached.pack))
    assert restored and all(p._compiled is None and p._program is not None for p in restored)
    assert all(p._program.load(p.pattern, p.flags) is not None for p in restored)
    from_source = _compiles_from_source(monkeypatch)
    assert cached.lint_text(TEXT) == expected != []
    assert from_source == []


def test_each_distinct_pattern_is_written_once(cache_dir):
    load_packs()
    (path,) = cache_dir.glob("pack-*.pickle")
    pack = pickle.loads(path.read_bytes()[len(cache._FORMAT):])
    programs = {}
    for p in _patterns(pack):
        programs.setdefault((p.pattern, p.flags), set()).add(id(p._program))
    assert all(len(ids) == 1 for ids in programs.values())


def test_a_program_from_another_regex_version_is_never_used(monkeypatch):
    program = Program.of("cures?", 0, regex.compile("cures?"))
    monkeypatch.setattr(patterns.regex, "__version__", regex.__version__ + ".post1")
    assert program.load("cures?", 0) is None
    from_source = _compiles_from_source(monkeypatch)
    pattern = _restored("cures?", 0, program)
    assert pattern.search("it cures").group() == "cures"
    assert from_source == ["cures?"]


def test_a_program_for_another_pattern_or_flags_is_never_used():
    program = Program.of("cures?", regex.IGNORECASE, regex.compile("cures?", regex.IGNORECASE))
    assert program.load("cures?", regex.IGNORECASE) is not None
    assert program.load("heals?", regex.IGNORECASE) is None
    assert program.load("cures?", 0) is None
    program.pattern = "heals?"  # a program that claims the wrong source is refused after loading
    assert program.load("heals?", regex.IGNORECASE) is None


def test_a_damaged_program_falls_back_to_compiling(monkeypatch):
    program = Program.of("cures?", 0, regex.compile("cures?"))
    program.data = program.data[: len(program.data) // 2]
    pattern = _restored("cures?", 0, program)
    from_source = _compiles_from_source(monkeypatch)
    assert pattern.search("it cures").group() == "cures"
    assert from_source == ["cures?"]


def test_a_pattern_restored_from_its_program_keeps_the_time_budget():
    source = r"(a|aa)+$"
    pattern = _restored(source, 0, Program.of(source, 0, regex.compile(source)))
    assert pattern.search("aaaa").group() == "aaaa"
    with pytest.raises(TimeoutError):
        pattern.search("a" * 40 + "b", timeout=0.05)
    assert pattern._program is None  # the program is dropped once loaded


def test_a_pattern_that_does_not_compile_is_cached_without_a_program():
    assert Pattern("(unclosed", 0).program() is None
    assert Pattern("cures?", 0).program() is not None


def test_a_regex_upgrade_is_a_new_pack(cache_dir, monkeypatch):
    load_packs()
    monkeypatch.setattr(cache.regex, "__version__", regex.__version__ + ".post1")
    load_packs()
    assert len(_cached_files(cache_dir)) == 2  # built again, nothing read from the old file
    programs = [p._program for p in _patterns(load_packs())]
    assert programs and all(program.version == regex.__version__ for program in programs)


def _cached_profiles(where):
    return sorted(p.name for p in where.glob("profile-*.pickle"))


def test_a_resolved_profile_is_cached_and_any_change_to_a_profile_file_invalidates(cache_dir, pack_copy):
    from healthlint.profiles import load_profile

    first = load_profile("strict", [pack_copy])
    assert load_profile("strict", [pack_copy]) == first
    assert len(_cached_profiles(cache_dir)) == 1
    default = pack_copy / "profiles" / "default.yaml"  # what strict extends
    default.write_text(default.read_text(encoding="utf-8").replace("  - ambiguous-disclosure\n", ""),
                       encoding="utf-8")
    changed = load_profile("strict", [pack_copy])
    assert len(_cached_profiles(cache_dir)) == 2
    assert "ambiguous-disclosure" in first.rules and "ambiguous-disclosure" not in changed.rules


def test_a_broken_profile_is_reported_not_cached(cache_dir, pack_copy):
    from healthlint.errors import HealthlintError
    from healthlint.profiles import load_profile

    (pack_copy / "profiles" / "loop.yaml").write_text("name: loop\ndescription: x\nextends: loop\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(HealthlintError, match="loops"):
            load_profile("loop", [pack_copy])
        with pytest.raises(HealthlintError, match="unknown profile 'lenient'"):
            load_profile("lenient", [pack_copy])
    assert _cached_profiles(cache_dir) == []


def test_a_cached_pack_holds_plain_strings(cache_dir):
    load_packs()
    (path,) = cache_dir.glob("pack-*.pickle")
    assert b"ruamel" not in path.read_bytes()  # so reading it needs no YAML library

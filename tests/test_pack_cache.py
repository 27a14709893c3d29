"""The rule-pack cache: same rules as loading the files, invalidated by any change, never trusted blindly."""
from __future__ import annotations

import os
import pickle
import shutil

import pytest

from healthlint import Linter
from healthlint.rules import cache, load_packs
from healthlint.rules.loader import builtin_pack_dir
from healthlint.rules.patterns import Pattern

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

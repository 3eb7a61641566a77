"""patterncache: compiled patterns kept between runs, never different from re.compile's."""

from __future__ import annotations

import marshal
import re
import sys

import pytest

from factlint import patterncache
from factlint.patterncache import Cache

PATTERNS = [
    (r"[\u4e00-\u9fff]{2,}", 0),  # a large CJK range: the slowest kind to compile
    (r"(?P<number>[0-9\uff10-\uff19]+)(?P<unit>[ \t\u00a0\u3000]?亿元|%)?", 0),
    (r"<sup>\s*(\d{1,4})\s*</sup>", re.IGNORECASE),
    (r"(?<![A-Za-z])(?i:us\$)|\bfirst\b", 0),
    (r"^#+ (.*)$", re.MULTILINE),
]

pytestmark = pytest.mark.skipif(patterncache.interpreter() is None,
                                reason="programs are kept on CPython only")


def writing(monkeypatch) -> None:
    """As on a user's machine: Python may write bytecode (the suite runs with -B's flag)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def fresh(tmp_path, name: str | None = None) -> Cache:
    return Cache(str(tmp_path / "patterns.bin"), name or patterncache.interpreter())


def test_a_kept_program_builds_the_pattern_re_compile_makes(tmp_path, monkeypatch):
    writing(monkeypatch)
    first = fresh(tmp_path)
    made = [first.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert not (tmp_path / "patterns.bin").exists()  # written at exit, not per pattern
    first.write()
    second = fresh(tmp_path)
    for (pattern, flags), earlier in zip(PATTERNS, made, strict=True):
        again = second.compile(pattern, flags)
        reference = re.compile(pattern, flags)
        # patterns compare equal only with the same source, flags and program
        assert again == reference == earlier
        assert again.groupindex == reference.groupindex
        assert again.groups == reference.groups
    assert len(second.used) == len(PATTERNS) and second.new == {}
    text = "数据产业规模１２０亿元，增长 15%"
    found = second.compile(*PATTERNS[1]).search(text)
    assert found.group("number", "unit") == ("１２０", "亿元")


def test_nothing_is_kept_when_python_writes_no_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = fresh(tmp_path)
    assert cache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    cache.write()
    assert cache.new == {} and not (tmp_path / "patterns.bin").exists()


@pytest.mark.parametrize("content", [
    b"",
    b"not marshal data at all",
    marshal.dumps({"interpreter": "cpython-0-other", "patterns": {}})[:-3],  # truncated
    marshal.dumps(["a", "list"]),
    marshal.dumps({"interpreter": None, "patterns": "x"}),
])
def test_an_unreadable_or_corrupt_file_reads_as_empty_and_is_replaced(tmp_path, monkeypatch,
                                                                       content):
    writing(monkeypatch)
    (tmp_path / "patterns.bin").write_bytes(content)
    cache = fresh(tmp_path)
    assert cache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    assert cache.used == set()
    cache.write()
    assert fresh(tmp_path).read().keys() == {f"0:{PATTERNS[0][0]}"}


def test_another_interpreters_programs_are_not_read(tmp_path, monkeypatch):
    writing(monkeypatch)
    other = fresh(tmp_path, name="cpython-399-0-00000000")
    other.compile(*PATTERNS[0])
    other.write()
    cache = fresh(tmp_path)
    assert cache.read() == {}
    assert cache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    assert cache.used == set()


@pytest.mark.parametrize("damage", [
    lambda entry: (entry[0], entry[1][:-4], *entry[2:]),  # program cut short
    lambda entry: (entry[0], b"\xff" * len(entry[1]), *entry[2:]),  # not a program
    lambda entry: (entry[0], "text", *entry[2:]),  # not bytes
    lambda entry: entry[:4],  # a field missing
])
def test_a_damaged_program_falls_back_to_re_compile(tmp_path, monkeypatch, damage):
    writing(monkeypatch)
    first = fresh(tmp_path)
    first.compile(*PATTERNS[1])
    first.write()
    data = marshal.loads((tmp_path / "patterns.bin").read_bytes())
    key = f"0:{PATTERNS[1][0]}"
    data["patterns"][key] = damage(data["patterns"][key])
    (tmp_path / "patterns.bin").write_bytes(marshal.dumps(data))
    cache = fresh(tmp_path)
    assert cache.compile(*PATTERNS[1]) == re.compile(*PATTERNS[1])
    assert cache.used == set()


def test_programs_kept_by_another_run_meanwhile_are_kept_too(tmp_path, monkeypatch):
    writing(monkeypatch)
    one, two = fresh(tmp_path), fresh(tmp_path)
    one.compile(*PATTERNS[0])
    two.compile(*PATTERNS[2])
    one.write()
    two.write()
    assert fresh(tmp_path).read().keys() == {f"0:{PATTERNS[0][0]}", f"2:{PATTERNS[2][0]}"}


def test_a_full_file_keeps_only_what_this_run_used(tmp_path, monkeypatch):
    writing(monkeypatch)
    filler = fresh(tmp_path)
    for number in range(3):
        filler.compile(f"old{number}")
    filler.write()
    monkeypatch.setattr(patterncache, "LIMIT", (tmp_path / "patterns.bin").stat().st_size)
    cache = fresh(tmp_path)
    cache.compile("old1")
    cache.compile(*PATTERNS[0])
    cache.write()
    assert fresh(tmp_path).read().keys() == {"0:old1", f"0:{PATTERNS[0][0]}"}


def test_an_unwritable_folder_is_no_error(tmp_path, monkeypatch):
    writing(monkeypatch)
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be", encoding="utf-8")
    cache = Cache(str(blocker / "factlint" / "patterns.bin"), patterncache.interpreter())
    assert cache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    cache.write()
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_file_lives_in_the_cache_folder_named_for_this_interpreter(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert patterncache.cache_folder() == str(tmp_path / "factlint")
    name = patterncache.interpreter()
    assert name.startswith(sys.implementation.cache_tag + "-")
    assert patterncache.CACHE.path.endswith(f"patterns-{name}.bin")


def test_this_interpreter_builds_the_patterns_re_compile_makes():
    assert patterncache.faithful()


def test_nothing_is_kept_where_built_patterns_would_differ(tmp_path, monkeypatch):
    writing(monkeypatch)
    monkeypatch.setattr(patterncache, "faithful", lambda: False)
    cache = fresh(tmp_path)
    assert cache.compile(*PATTERNS[1]) == re.compile(*PATTERNS[1])
    assert cache.new == {}


def test_a_bad_pattern_raises_what_re_compile_raises(tmp_path, monkeypatch):
    writing(monkeypatch)
    cache = fresh(tmp_path)
    with pytest.raises(re.error) as ours:
        cache.compile(r"(?P<n>[0-9]+")
    with pytest.raises(re.error) as theirs:
        re.compile(r"(?P<n>[0-9]+")
    assert str(ours.value) == str(theirs.value)
    assert cache.new == {}


def test_without_a_home_folder_there_is_no_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("os.path.expanduser", lambda path: path)  # "~" stays "~"
    writing(monkeypatch)
    monkeypatch.chdir(tmp_path)
    cache = patterncache.default_cache()
    assert cache.path is None
    assert cache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    cache.write()
    assert list(tmp_path.iterdir()) == []

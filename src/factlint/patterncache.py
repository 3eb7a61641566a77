"""Compiled regular expressions kept from one run to the next, as Python keeps bytecode.

Compiling factlint's patterns takes ~60 ms of a one-brief run: ``re``'s compiler is
Python code, and large Chinese character classes (and any class of more than two runs
that holds a character above U+00FF) are its slowest case. Pickling a pattern compiles
it again. But a compiled pattern is only the program ``re``'s compiler writes (a list of
integers) with its group names, and building a pattern from a program is what
``re.compile`` itself ends with (``_sre.compile``): microseconds. So the programs are
kept in a file, one per interpreter:

``<cache folder>/patterns-<interpreter>.bin`` — the folder of the URL results cache
(``$XDG_CACHE_HOME/factlint``, else ``~/.cache/factlint``; ``%LOCALAPPDATA%\\factlint`` on
Windows); ``<interpreter>`` names the exact Python (implementation, version and build, word
size, the regex engine's MAGIC and limits), so no other Python ever reads the file.

- A program is what ``re``'s own compiler writes (its parser and ``_code``), so a pattern
  missing from the file is compiled once, as ``re.compile`` would, and built from its
  program. Before the first is kept, patterns built that way from probe patterns (named and
  numbered groups, global and inline flags) must compare equal to ``re.compile``'s
  (patterns compare by source, flags and program): a Python whose steps differ keeps none.
- New programs are written once, at exit, to a temporary file renamed over the cache; not
  at all when Python is told not to write bytecode (``PYTHONDONTWRITEBYTECODE``, ``-B``),
  and silently not when the folder cannot be written.
- The file is ``marshal`` data (plain values only: a dict of strings, integers, bytes and
  tuples), as Python's own bytecode files are: reading the file (~0.7 MB with both
  languages' patterns) takes under a millisecond (as JSON: ~8 ms). A file that cannot be read, does
  not hold that shape or was made by another interpreter reads as empty; a stored program
  that does not build falls back to ``re.compile``.

Only CPython's engine is known here; elsewhere every pattern is compiled by ``re``.
"""

from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
import zlib
from array import array
from functools import cache
from typing import Any

from factlint import firstchar

try:  # CPython's regex engine and compiler; the cache is off without them
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - not CPython
    _sre = None

# Past this size (bytes) the file keeps only the programs this process used: a tree whose
# packs change often must not grow the cache without end, nor make every run read more.
# The built-in packs' programs, both languages, take ~0.7 MB.
LIMIT = 4_000_000
_ENTRY_LENGTH = 5
# Flags whose patterns re.compile treats apart (it prints DEBUG's tree; TEMPLATE warns)
_NOT_KEPT = re.DEBUG | re.TEMPLATE
_PROBES = (
    (r"(?P<year>\d{4})年(?i:q[1-4])?|(?m:^[\u4e00-\u9fff]+$)", 0),
    (r"(a)(?P<b>[ \t\u3000]+|b)(?:c)\1", re.IGNORECASE | re.MULTILINE),
)


def interpreter() -> str | None:
    """The name of this interpreter's programs, or None when they cannot be kept."""
    if _sre is None or array("I").itemsize != _sre.CODESIZE:
        return None
    # the build and the engine's limits: a program holds MAXREPEAT, code words are CODESIZE
    build = f"{sys.version}|{sys.maxsize}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"
    return f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{zlib.crc32(build.encode()):08x}"


def cache_folder() -> str:
    """Where the cache lives: beside the URL results (urls.default_cache_dir)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "factlint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "factlint")


def program_of(pattern: str, flags: int, gate: bool = False) -> list[Any]:
    """What the cache keeps of ``re.compile(pattern, flags)``: (flags, program as bytes,
    groups, group index, index group) — the arguments ``re`` passes to ``_sre.compile``.
    With ``gate``, the program may begin with a first-character look-ahead and name its
    first characters in its info block (firstchar.py): the same matches, found faster."""
    tree = _parser.parse(pattern, flags)
    gate = gate and isinstance(pattern, str)
    if gate:
        firstchar.gated(tree, flags)
    code = _compiler._code(tree, flags)
    if gate:
        code = firstchar.with_first_characters(code, tree, flags)
    group_index = dict(tree.state.groupdict)
    index_group: list[str | None] = [None] * tree.state.groups
    for name, number in group_index.items():
        index_group[number] = name
    return (flags | tree.state.flags, array("I", code).tobytes(), tree.state.groups - 1,
            group_index, tuple(index_group))


def built(pattern: str, entry: Any) -> re.Pattern[str] | None:
    """The pattern a kept entry describes, or None when the entry does not build one."""
    try:
        flags, code, groups, group_index, index_group = entry
        program = array("I")
        program.frombytes(code)
        return _sre.compile(pattern, flags, program.tolist(), groups, group_index, index_group)
    except (TypeError, ValueError, OverflowError, RuntimeError):
        return None


@cache
def faithful() -> bool:
    """Whether a pattern built from its program here is the one ``re.compile`` makes."""
    try:
        return all(built(p, program_of(p, f)) == re.compile(p, f) for p, f in _PROBES)
    except Exception:  # any difference in the interpreter's internals: keep nothing
        return False


class Cache:
    """The programs of one cache file: those read from it and those made since."""

    def __init__(self, path: str | None, name: str | None) -> None:
        self.path = path
        self.name = name
        self.kept: dict[str, Any] | None = None  # read when first asked
        self.used: set[str] = set()
        self.new: dict[str, Any] = {}

    def read(self) -> dict[str, Any]:
        """The programs in the file; empty when it is missing, unreadable or foreign."""
        if self.path is None:
            return {}
        try:
            with open(self.path, "rb") as file:
                # from bytes: marshal.load(file) asks the file for each value in turn (5x)
                data = marshal.loads(file.read())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(data, dict) or data.get("interpreter") != self.name:
            return {}
        programs = data.get("patterns")
        return programs if isinstance(programs, dict) else {}

    def compile(self, pattern: str, flags: int = 0, gate: bool = False) -> re.Pattern[str]:
        """``re.compile(pattern, flags)``, from the kept program when there is one. With
        ``gate``, its program may begin with a first-character gate (see program_of), kept
        apart from the plain one; made so even when nothing is kept."""
        flags = int(flags)
        if self.name is None:
            return re.compile(pattern, flags)
        if self.kept is None:
            self.kept = self.read()
        # "gated2": programs whose info block names their first characters (firstchar.py);
        # the "gated:" ones of earlier versions are left to age out of the file
        key = f"gated2:{flags}:{pattern}" if gate else f"{flags}:{pattern}"
        entry = self.kept.get(key)
        if isinstance(entry, tuple) and len(entry) == _ENTRY_LENGTH:
            compiled = built(pattern, entry)
            if compiled is not None:
                self.used.add(key)
                return compiled
        if (sys.dont_write_bytecode and not gate) or flags & _NOT_KEPT or not faithful():
            return re.compile(pattern, flags)
        try:
            entry = program_of(pattern, flags, gate)
        except (re.error, RecursionError, OverflowError, ValueError):
            return re.compile(pattern, flags)  # which raises re's own error
        compiled = built(pattern, entry)
        if compiled is None:
            return re.compile(pattern, flags)
        if sys.dont_write_bytecode:
            return compiled
        if not self.new:
            atexit.register(self.write)
        self.new[key] = entry
        return compiled

    def write(self) -> None:
        """Add the new programs to the file (re-read now: another run may have added some)."""
        if not self.new or self.path is None:
            return
        programs = {**self.read(), **self.new}
        data = marshal.dumps({"interpreter": self.name, "patterns": programs})
        if len(data) > LIMIT:
            programs = {key: programs[key] for key in self.used | self.new.keys()
                        if key in programs}
            data = marshal.dumps({"interpreter": self.name, "patterns": programs})
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(temporary, "wb") as file:
                file.write(data)
            os.replace(temporary, self.path)
        except OSError:
            try:
                os.remove(temporary)
            except OSError:
                pass
        self.new = {}


def default_cache() -> Cache:
    """The cache of this interpreter in the user's cache folder (none without either)."""
    name, folder = interpreter(), cache_folder()
    if name is None or not os.path.isabs(folder):  # no home folder: no cache, no "~" here
        return Cache(None, None)
    return Cache(os.path.join(folder, f"patterns-{name}.bin"), name)


CACHE = default_cache()


def compile(pattern: str, flags: int = 0, gate: bool = False) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, built from the kept program when there is one (with
    ``gate``: see Cache.compile)."""
    return CACHE.compile(pattern, flags, gate)

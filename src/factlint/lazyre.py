"""Regular expressions compiled when first used.

Compiling factlint's patterns (large Chinese character classes, long alternations of
pack words) costs more than checking a brief with them, and most briefs use only some of
them: a brief without fact file, tables or English never needs their patterns. A pattern
written ``lazy(r"...")`` instead of ``re.compile(r"...")`` is compiled by the first
method call on it, so a process pays only for the patterns it uses. After that first
call its methods are the compiled pattern's own (no indirection per match).

A pattern's compiled program is kept across processes by patterncache.py (as Python
keeps bytecode): a later run builds the pattern from it instead of compiling it again.
Its program may begin with a first-character gate (firstchar.py): the same matches, found
without trying the whole pattern at every position.
"""

from __future__ import annotations

import re
from typing import Any

from factlint import patterncache

# What a compiled pattern offers; copied onto the stand-in when it compiles.
_PATTERN_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn",
                       "split", "scanner", "flags", "groups", "groupindex")


class LazyPattern:
    """Stands in for ``re.compile(pattern, flags)``, compiled on first use.

    ``pattern`` (the source) is there without compiling, so other patterns can be built
    from it.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    @property
    def source_flags(self) -> int:
        """The flags it was written with (``flags`` is the compiled pattern's)."""
        return self._flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if not yet)."""
        compiled = patterncache.compile(self.pattern, self._flags, gate=True)
        for name in _PATTERN_ATTRIBUTES:
            setattr(self, name, getattr(compiled, name))
        return compiled

    def __getattr__(self, name: str) -> Any:
        # Called only for names the instance does not hold yet: the first use compiles.
        if name not in _PATTERN_ATTRIBUTES:
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return LazyPattern, (self.pattern, self._flags)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return LazyPattern(pattern, flags)

"""Regular expressions from rule packs a checked tree supplies, run in linear time.

factlint runs on pull requests from strangers, and a pack named in the tree's config
(``packs:``) brings its own patterns. Python's ``re`` backtracks: ``(a+)+$`` or
``\\s*x?\\s*y`` can hold a CI job for hours on one line. Such patterns are compiled by
RE2 (google-re2) instead, whose matching time is linear in the text for every pattern it
accepts. RE2 refuses what it cannot run in linear time (backreferences, lookahead and
lookbehind), so a pack that uses them is refused with a message, never slow.

Checking patterns for "dangerous" shapes instead would be a heuristic: most of the slow
patterns tests/test_regex_growth.py found had no nested quantifier at all (``\\s*x?\\s*``,
or ``“[^”]{4,}”`` scanning the rest of a line from every opening quote), which is what such
checks look for. A time limit per match (the ``regex`` module's ``timeout``) would bound
each call but not a run of thousands of calls, and would turn a slow pattern into missed
findings. RE2 bounds both by construction. The built-in packs keep ``re`` (they are ours,
use lookaround, and tests/test_regex_growth.py measures how their time grows).

Differences to know when writing a pack: in RE2, ``\\b``, ``\\w``, ``\\d`` and ``\\s`` are
ASCII (write ``[\\u4e00-\\u9fff]`` or the characters themselves for CJK).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class UnsafePatternError(ValueError):
    """A pattern RE2 cannot run in linear time, or cannot read."""


def compile_linear(pattern: str) -> Any:
    """``pattern`` compiled by RE2: search, match, finditer and sub as in ``re``."""
    import re2  # only when a checked tree brings patterns: it takes 0.1 s to import

    options = re2.Options()
    options.log_errors = False  # the error is ours to report, not RE2's to print
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise UnsafePatternError(
            f"pattern {pattern!r} cannot run in linear time ({reason}): packs from the "
            "checked tree are matched by RE2, which has no backreferences, lookahead or "
            "lookbehind") from exc


@dataclass(frozen=True)
class FirstOf:
    """Several patterns tried in turn where one is expected: ``match`` returns the first
    match (the built-in references headings in ``re``, a tree's own in RE2)."""

    patterns: tuple[Any, ...]

    def match(self, text: str):
        for pattern in self.patterns:
            found = pattern.match(text)
            if found:
                return found
        return None

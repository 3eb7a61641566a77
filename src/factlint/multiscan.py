"""What several patterns' ``finditer`` find in one text, from one pass of ``re`` over it.

A pattern whose matches can begin with any of several characters costs ``re``'s search a
test of each character of the text (about 56 instructions a character under callgrind,
against 5 for a pattern that opens with one literal): the four claim-trigger patterns of a
pack run over a brief cost four such passes. Written as one pattern of optional look-
aheads, ``(?=[abc…])(?:(?=(P1))|)(?:(?=(P2))|)…[abc…]`` that matches (the one character)
where one of them does, the text is passed once. Each pattern's own matches are then read from the
positions where its look-ahead matched, skipping those inside its previous match, as its
own ``finditer`` skips them: a pattern's match at a position is the same whether its
search or a look-ahead tries it there.

Patterns are combined only when that is sure to give their matches: built-in patterns
(``lazy``: their source is known) without groups (numbers and back-references stay as
written), that never match the empty string, whose first characters can be told exactly
(firstchar.py). Any other pattern runs its own ``finditer``.
"""

from __future__ import annotations

from collections.abc import Sequence

from factlint import firstchar, patterncache
from factlint.lazyre import LazyPattern

Span = tuple[int, int]


def _first_characters(pattern: object) -> str | None:
    """The first characters of ``pattern`` when it can take part in a combined pass."""
    if not isinstance(pattern, LazyPattern) or pattern.source_flags:
        return None
    return firstchar.first_characters(pattern.pattern, groups=False)


class MultiScan:
    """The spans each of ``patterns`` finds in a text (``spans``), combined where it can."""

    def __init__(self, patterns: Sequence) -> None:
        self.patterns = tuple(patterns)
        self._combined = None  # the combined pattern, compiled when first used
        self.together: tuple[int, ...] | None = None  # indices of the combined patterns

    def _compile(self) -> None:
        firsts = [_first_characters(p) for p in self.patterns]
        together = tuple(i for i, first in enumerate(firsts) if first is not None)
        self.together = together if len(together) > 1 else ()
        if not self.together:
            return
        # each look-ahead behind its own first characters: tried only where it can match
        lookaheads = "".join(f"(?:(?=[{firsts[i]}])(?=({self.patterns[i].pattern}))|)"
                             for i in together)
        # the empty match only where one of the look-aheads matched
        matched = "(?!)"
        for number in range(len(together), 0, -1):
            matched = f"(?({number})|{matched})"
        first = "[" + "".join(firsts[i] for i in together) + "]"
        # the character there is taken too: re's search skips to the first characters only
        # for a pattern that takes one (firstchar.with_first_characters)
        self._combined = patterncache.compile(f"(?={first}){lookaheads}{matched}{first}",
                                              gate=True)

    def spans(self, text: str) -> list[list[Span]]:
        """``[[m.span() for m in p.finditer(text)] for p in patterns]``."""
        if self.together is None:
            self._compile()
        found: list[list[Span]] = [[] for _ in self.patterns]
        together = self.together
        if together:
            ends = [0] * len(together)
            lists = [found[i] for i in together]
            groups = range(1, len(together) + 1)
            for match in self._combined.finditer(text):
                at = match.start()
                for number in groups:
                    start, end = match.span(number)
                    if start >= 0 and at >= ends[number - 1]:
                        lists[number - 1].append((start, end))
                        ends[number - 1] = end
        for index, pattern in enumerate(self.patterns):
            if index not in together:
                found[index] = [m.span() for m in pattern.finditer(text)]
        return found

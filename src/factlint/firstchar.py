"""A first-character gate for a regular expression that ``re`` would try at every position.

``re`` skips ahead at C speed to where a match can begin when a pattern starts with a
literal or a plain character class. A pattern that starts with a word boundary, a look-
behind or a case-insensitive word (``(?i:\\bthe\\s+largest…)``, most English rule-pack
patterns) gets no such help: every position of the text runs the whole first step. A
look-ahead on the characters a match can start with, ``(?=[tTwWoOuU])``, fails at most
positions in one cheap step instead; since every match starts with one of them, the
matches are the same.

``gated(tree, flags)`` adds that look-ahead to a parsed pattern (``re._parser``'s tree)
when it helps: the pattern has no literal prefix or character set ``re`` uses already,
its first step passes a zero-width assertion or matches without regard to case, and
every match begins with a character from a set that can be written down (not ``\\w``,
``.`` or a negated class, and not an empty match).

An alternation whose branches begin with groups of words, ``(?:全国|全球)(?:最大|最高)|
规模最大``, is written out first as ``全国(?:…)|全球(?:…)|规模最大``: the same matches in
the same order, and now every branch begins with a character, which ``re`` skips to by
itself (five times faster on a Chinese brief than trying the groups at every position).

A gate still costs a step of ``re``'s matcher at every position of the text. When the
first characters are known exactly (no case folding), ``with_first_characters`` names them
in the compiled program's info block too, as ``re`` does itself for a pattern that opens
with a character class: its search then skips to the next such character in a loop of its
own and tries the pattern there only (about three times faster again over a brief).
"""

from __future__ import annotations

from typing import Any

try:
    from re import _compiler, _parser
    from re._constants import (
        ASSERT,
        ASSERT_NOT,
        AT,
        AT_BEGINNING,
        AT_BEGINNING_STRING,
        ATOMIC_GROUP,
        BRANCH,
        IN,
        INFO,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        POSSESSIVE_REPEAT,
        RANGE,
        SRE_FLAG_IGNORECASE,
        SRE_INFO_CHARSET,
        SRE_INFO_PREFIX,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - not CPython 3.11+: no gates
    _parser = None


class _Unknown(Exception):
    """The first characters cannot be told (or would be nearly any character)."""


class _First:
    def __init__(self) -> None:
        self.exact: list[tuple[Any, Any]] = []  # (LITERAL, code) / (RANGE, (lo, hi)), as written
        self.folded: list[tuple[Any, Any]] = []  # the same, matched without regard to case
        self.costly = False  # a zero-width step or a case-insensitive one comes first

    def starts(self, items, flags: int) -> bool:
        """Add the characters a match of ``items`` (a sequence) can begin with; True when it
        can match the empty string (so what follows it can begin the match too)."""
        for op, av in items:
            if op in (AT, ASSERT, ASSERT_NOT):  # zero width: the next step begins the match
                self.costly = True
                continue
            if not self._item(op, av, flags):
                return False
        return True

    def _item(self, op, av, flags: int) -> bool:
        """Add the first characters of one item; True when it can match the empty string."""
        if op is LITERAL:
            self._add([(LITERAL, av)], flags)
            return False
        if op is IN:
            if any(o not in (LITERAL, RANGE) for o, _ in av):  # \d, \w, a negated class
                raise _Unknown
            self._add(av, flags)
            return False
        if op is SUBPATTERN:
            _, add, remove, inner = av
            return self.starts(inner, (flags | add) & ~remove)
        if op is ATOMIC_GROUP:
            return self.starts(av, flags)
        if op is BRANCH:
            empty = False
            for alternative in av[1]:
                empty = self.starts(alternative, flags) or empty
            return empty
        if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            low, _, inner = av
            return self.starts(inner, flags) or low == 0
        raise _Unknown  # any character, a back-reference, a conditional group

    def _add(self, items, flags: int) -> None:
        if flags & SRE_FLAG_IGNORECASE:
            self.costly = True
            self.folded.extend(items)
        else:
            self.exact.extend(items)


def _class(items) -> str:
    def char(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(char(av) if op is LITERAL else f"{char(av[0])}-{char(av[1])}"
                   for op, av in items)


def _starts_found(tree: Any, flags: int) -> bool:
    """Does ``re`` find where a match of ``tree`` can begin by itself (a literal prefix or
    a set of first characters)?"""
    info: list[int] = []
    _compiler._compile_info(info, tree, flags | tree.state.flags)
    return bool(info[2] & (SRE_INFO_PREFIX | SRE_INFO_CHARSET))


def _written_out(alternatives, state) -> list | None:
    """The branches of an alternation with each leading group of branches written out
    (``(?:a|b)c`` -> ``ac``, ``bc``), so that each begins with a character; None when one
    cannot be."""
    out = []
    for alternative in alternatives:
        items = list(alternative)
        if items and items[0][0] is LITERAL:
            out.append(alternative)
            continue
        if items and items[0][0] is BRANCH:  # re's parser leaves (?:a|b) as the alternation
            heads = [list(branch) for branch in items[0][1][1]]
        elif items and items[0][0] is SUBPATTERN and items[0][1][:3] == (None, 0, 0):
            heads = [list(items[0][1][3])]  # a group that neither captures nor sets flags
        else:
            return None
        written = _written_out([_parser.SubPattern(state, head + items[1:]) for head in heads],
                               state)
        if written is None:
            return None
        out += written
    return out


def _write_out(tree: Any, flags: int) -> bool:
    """Write out a top-level alternation (see _written_out) when ``re`` then finds where
    matches begin; whether it did. Only in patterns without groups, which stay numbered as
    written."""
    if tree.state.groups != 1 or len(tree.data) != 1 or tree.data[0][0] is not BRANCH:
        return False
    written = _written_out(tree.data[0][1][1], tree.state)
    if written is None:
        return False
    original = tree.data[0]
    tree.data[0] = (BRANCH, (None, written))
    if _starts_found(tree, flags):
        return True
    tree.data[0] = original
    return False


def gated(tree: Any, flags: int) -> bool:
    """Put a first-character look-ahead at the start of the parsed pattern ``tree``, or
    write out its leading groups, when that helps (see the module's docstring); whether
    it did."""
    if _parser is None or _starts_found(tree, flags):
        return False  # re finds where matches can begin by itself
    if _write_out(tree, flags):
        return True
    first = _First()
    try:
        if first.starts(tree.data, flags | tree.state.flags):
            return False  # an empty match: it may begin anywhere
    except _Unknown:
        return False
    if not first.costly:
        return False
    parts = ([f"[{_class(first.exact)}]"] if first.exact else []) + (
        [f"(?i:[{_class(first.folded)}])"] if first.folded else [])
    gate = _parser.parse(f"(?={'|'.join(parts)})", 0)
    # after a leading ^ or \A: re tries such a pattern at the start alone, gate or no gate
    at = next((i for i, (op, av) in enumerate(tree.data)
               if not (op is AT and av in (AT_BEGINNING, AT_BEGINNING_STRING))), len(tree.data))
    tree.data.insert(at, gate.data[0])
    return True


def first_characters(pattern: str, flags: int = 0, *, groups: bool = True) -> str | None:
    """The inside of a character class holding every character a match of ``pattern`` can
    begin with, when they can be told exactly (no case folding; every match takes one at
    least); else None, and None too for a pattern with groups unless ``groups``."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern, flags)
    except _parser.error:
        return None
    if not groups and tree.state.groups != 1:
        return None
    first = _First()
    try:
        if first.starts(tree.data, flags | tree.state.flags):
            return None
    except _Unknown:
        return None
    return None if first.folded or not first.exact else _class(first.exact)


def _gate_characters(tree: Any, flags: int) -> list[tuple[Any, Any]] | None:
    """The set of a leading look-ahead on one exact character set, ``(?=[abc])…``: every
    match, even an empty one, begins at one of them."""
    if not tree.data or flags & SRE_FLAG_IGNORECASE:
        return None
    op, av = tree.data[0]
    if op is not ASSERT or av[0] != 1 or len(av[1].data) != 1:
        return None
    inner, items = av[1].data[0]
    if inner is LITERAL:
        return [(LITERAL, items)]
    if inner is IN and all(o in (LITERAL, RANGE) for o, _ in items):
        return list(items)
    return None


def with_first_characters(code: list[int], tree: Any, flags: int) -> list[int]:
    """``code`` (``tree`` compiled) with an info block naming the characters a match can
    begin with, when ``re``'s own names no start and they can be told exactly (no case
    folding); else ``code`` as it is. A pattern anchored at the start keeps ``re``'s
    block, which tries the start alone. One whose first characters cannot be told gets
    the block when it opens with a look-ahead on one exact set (multiscan.py's). Never
    one that may match the empty string: re's search would find that match again and
    again at one position (it takes the set's character as the match's first)."""
    if (_parser is None or code[0] != INFO or code[2] & (SRE_INFO_PREFIX | SRE_INFO_CHARSET)
            or not code[3] or (tree.data and tree.data[0][0] is AT)):
        return code  # re knows where matches begin, or a match may be empty, or ^…
    exact = None
    first = _First()
    try:
        if not first.starts(tree.data, flags | tree.state.flags) and not first.folded:
            exact = first.exact
    except _Unknown:
        pass
    if not exact:
        exact = _gate_characters(tree, flags | tree.state.flags)
    if not exact:
        return code
    charset, _ = _compiler._optimize_charset(exact)
    info = [INFO, 0, SRE_INFO_CHARSET, code[3], code[4]]
    _compiler._compile_charset(charset, flags, info)
    info[1] = len(info) - 1  # the skip to the pattern itself
    return info + code[1 + code[1] :]

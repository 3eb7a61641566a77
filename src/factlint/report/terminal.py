"""How the text report fits a terminal: display widths, excerpts of long lines, wrapping,
and whether to colour.

Widths come from wcwidth (East Asian wide characters take two columns, combining marks
none, an emoji ZWJ sequence or a character with VS16 is one wide cell), counted over
clusters: a base character with the marks and joined characters that follow it, so that a
caret never lands inside one. A tab advances to the next multiple of TAB_SIZE, measured
from the start of the source line, in the shown line and the caret line alike. A line of
printable ASCII is measured by its length and never loads wcwidth.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate
from operator import add
from typing import NamedTuple, TextIO

TAB_SIZE = 4  # columns between tab stops in a shown line (a terminal's 8 wastes the width)
DEFAULT_WIDTH = 100  # columns when the output is no terminal and COLUMNS is not set
MIN_WIDTH = 40  # narrower than this leaves no room for a line's text beside the gutter
ELLIPSIS = "…"  # marks where a shown line is cut
ZWJ, VS16 = "\u200d", "\ufe0f"
COMMAND_STARTS = ("::", "##[")  # how GitHub's runner recognises a workflow command in a line
NO_BREAK_BEFORE = frozenset("，。、；：！？）》」』】〕…,.;:!?)]}”’")  # punctuation ends a line
NO_BREAK_AFTER = frozenset("（《「『【〔([{“‘")


def _is_plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


def display_width(text: str) -> int:
    """Columns a terminal gives text (one line, no controls but tabs)."""
    if _is_plain(text):
        return len(text)
    return Cells(text).total


class Cells:
    """Where each code point of a line is drawn: ``start[i]`` and ``end[i]`` are the
    display columns of the cluster holding code point i (``start[len] == total``)."""

    def __init__(self, text: str):
        self.text = text
        self.pieces: list[str] | None = None  # what each cluster is drawn as, when not itself
        n = len(text)
        if _is_plain(text):
            self.start = list(range(n + 1))
            self.end = [*range(1, n + 1), n]
            self.total = n
            return
        from wcwidth import wcwidth

        widths = list(map(wcwidth, text))
        if "\t" in text or ZWJ in text or VS16 in text or min(widths) < 0:
            self._walk(text)
            return
        # one code point, one cluster, but for zero-width marks: they join the one before
        self.start = list(accumulate(widths, initial=0))
        self.total = self.start[-1]
        self.end = [*map(add, self.start, widths), self.total]
        if widths.count(0):
            for i in (i for i, width in enumerate(widths) if width == 0 and i):
                self.start[i], self.end[i] = self.start[i - 1], self.end[i - 1]

    def _walk(self, text: str) -> None:
        """Clusters one by one: tabs to the next stop, ZWJ sequences and VS16 measured whole."""
        from wcwidth import wcswidth, wcwidth

        self.start, self.end, self.pieces = [], [], []
        column, i, n = 0, 0, len(text)
        while i < n:
            j = i + 1
            if text[i] != "\t":
                while j < n and text[j] != "\t" and (
                        text[j - 1] == ZWJ or text[j] == VS16 or wcwidth(text[j]) == 0):
                    j += 1
            cluster = text[i:j]
            width = (TAB_SIZE - column % TAB_SIZE if cluster == "\t"
                     else max(wcswidth(cluster), 0))
            self.pieces.append(" " * width if cluster == "\t" else cluster)
            self.pieces.extend("" for _ in range(j - i - 1))
            self.start.extend(column for _ in range(j - i))
            column += width
            self.end.extend(column for _ in range(j - i))
            i = j
        self.start.append(column)
        self.end.append(column)
        self.total = column

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Display columns [first, past) under code points [start, end); at least one column
        (a point, or the place just past the line's end, gets one caret)."""
        start = min(max(start, 0), len(self.text))
        first = self.start[start]
        past = self.end[min(end, len(self.text)) - 1] if end > start else first
        return first, max(past, first + 1)

    def drawn(self, first: int, past: int) -> tuple[str, int, int]:
        """The clusters lying wholly within display columns [first, past): their text,
        and the columns where that text starts and ends."""
        n = len(self.text)
        low = bisect_left(self.start, first, 0, n)  # starts and ends never decrease
        high = bisect_right(self.end, past, low, n)
        if high <= low:
            return "", first, first
        text = self.text[low:high] if self.pieces is None else "".join(self.pieces[low:high])
        return text, self.start[low], self.end[high - 1]


class Excerpt(NamedTuple):
    """A source line as shown: its text (cut ends marked …) and, for each span asked for,
    the column where its caret starts and how many columns it covers."""

    text: str
    carets: tuple[tuple[int, int], ...]


def excerpt(cells: Cells, spans: Sequence[tuple[int, int]], room: int) -> Excerpt | None:
    """The line cut to ``room`` columns around the spans (0-based code points [start, end)),
    or None when they do not fit in one window together."""
    marks = [cells.span(start, end) for start, end in spans]
    low, high = min(first for first, _ in marks), max(past for _, past in marks)
    extent = max(cells.total, high)  # a caret may sit just past the line's end
    if extent <= room:
        first, past = 0, extent
    else:
        if len(marks) > 1 and high - low > room - 2:
            return None
        free = room - 2 - (high - low)
        first = max(0, low - free // 3) if free > 0 else low  # a third of the slack before
        past = first + room - (1 if first else 0) - 1
        if past >= extent:  # the window reaches the end: no tail, give the room to the left
            past, first = extent, max(0, extent - room + 1)
    text, start, end = cells.drawn(first, past)
    head = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < cells.total else ""
    limit = end if tail else max(past, end)  # carets stop where the shown text is cut
    carets = tuple((len(head) + max(a, start) - start, max(min(b, limit) - max(a, start), 1))
                   for a, b in marks)
    return Excerpt(head + text + tail, carets)


def wrap(text: str, width: int, indent: str = "    ", keep: int = 0) -> list[str]:
    """Text broken into lines of at most ``width`` columns, the later ones indented;
    breaks fall at spaces or beside wide (CJK) characters, never before closing
    punctuation or between a number and the word after it, and no line begins with what a
    CI runner reads as a command. The first ``keep`` characters and the word they end in
    (a report line's path, place, code and severity) stay on the first line, though they
    may not fit; a later word longer than a line is cut where the line is full."""
    lines: list[str] = []
    rest, room = text, width
    while display_width(rest) > room:
        cut = _break(rest, room, 0 if lines else keep + 1)
        if cut >= len(rest):
            break
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" ")
        room = width - len(indent)
    if rest or not lines:
        lines.append(rest)
    return [lines[0], *(indent + line for line in lines[1:])]


def _break(text: str, room: int, keep: int) -> int:
    """Where to break text so that what comes before fits in ``room`` columns, at
    ``keep`` or later (the first break after it, when nothing from it on fits)."""
    cells = Cells(text)
    fits = next((i for i in range(len(text)) if cells.end[i] > room), len(text))
    best = next((i for i in range(fits, max(keep, 1) - 1, -1) if _can_break(text, i)), None)
    if best is not None:
        return best
    if keep:
        return next((i for i in range(max(fits + 1, keep), len(text)) if _can_break(text, i)),
                    len(text))
    # one long word: cut it where it fills the line, between clusters
    return max(next((i for i in range(fits, 0, -1) if cells.start[i] != cells.start[i - 1]),
                    fits), 1)


def _can_break(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    if after in NO_BREAK_BEFORE or before in NO_BREAK_AFTER:
        return False
    if text[i:].lstrip(" ").startswith(COMMAND_STARTS):
        return False
    if before == " " and i >= 2 and (text[i - 2].isdigit()  # "3 infos", "1159 家" hold
                                     or after.isdigit() and _wide(text[i - 2])):  # "第 55"
        return False
    return before == " " or (after != " " and (_wide(before) or _wide(after)))


def _wide(char: str) -> bool:
    return not char.isascii() and display_width(char) == 2


def terminal_width(environ: Mapping[str, str], stream: TextIO) -> int:
    """The columns a report may use: COLUMNS, else the terminal's width when the stream
    is one, else DEFAULT_WIDTH; never under MIN_WIDTH."""
    columns = environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif _is_terminal(stream):
        import shutil  # only for a terminal: it imports bz2 and lzma

        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    else:
        width = DEFAULT_WIDTH
    return max(width, MIN_WIDTH)


def color_wanted(choice: str, environ: Mapping[str, str], stream: TextIO) -> bool:
    """``--color always|never`` decides; with ``auto`` a non-empty NO_COLOR turns colour
    off (no-color.org), then a non-empty FORCE_COLOR turns it on (force-color.org), then
    TERM=dumb turns it off, and otherwise a terminal gets colour and a pipe does not."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return environ.get("TERM") != "dumb" and _is_terminal(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False

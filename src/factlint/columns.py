"""The rows of a CSV data file held column by column, compactly.

A list of rows of Python strings costs some 60 bytes per cell besides its text: a 100 MB
CSV took 15 to 30 times its size. Here each column is one string, its cells joined by
SEP, and an array of where each cell ends, so a table costs about its text plus 4 bytes
a cell. Rows are packed in chunks as they stream in, so the cells of the whole file never
exist as separate objects at once; a whole column comes back by one split().
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from operator import add

CHUNK_ROWS = 16384  # rows gathered as lists of Python strings before they are packed
SEP = "\x1f"  # the unit separator: no CSV cell of text holds it (one that does is sliced)


class CompactRows(Sequence[list[str]]):
    """Rows of ``width`` cells (shorter rows padded with "", longer ones cut), added with
    ``extend()``, then ``finish()``-ed; row ``i`` reads back as a list, a column as a list."""

    def __init__(self, width: int):
        self.width = width
        self._count = 0
        self._pending: list[list[str]] = []  # rows not packed yet
        self._chunks: list[list[str]] = [[] for _ in range(width)]
        # after[c][i]: where cell i of column c ends, plus one for its separator; 32 bits,
        # as a column of a data file (at most MAX_DATA_BYTES) holds fewer characters
        self._after = [array("I") for _ in range(width)]
        self._texts = [""] * width
        self._splittable = [True] * width  # no cell of the column holds SEP

    def extend(self, records: list[list[str]]) -> None:
        """Add rows; the caller gathers them in lists of about CHUNK_ROWS (one call per
        list costs less than one per row)."""
        self._pending.extend(records)
        if len(self._pending) >= CHUNK_ROWS:
            self._pack()

    def finish(self) -> CompactRows:
        self._pack()
        self._texts = [SEP.join(chunks) for chunks in self._chunks]
        self._chunks = [[] for _ in range(self.width)]
        return self

    def _pack(self) -> None:
        if not self._pending:
            return
        width = self.width
        padding = [""] * width
        rows = [row if len(row) == width else (row + padding)[:width] for row in self._pending]
        self._count += len(rows)
        self._pending = []
        for position, cells in enumerate(zip(*rows, strict=True)):
            after = self._after[position]
            base = after[-1] if after else 0
            lengths = map(add, map(len, cells), repeat(1))  # each cell and its separator
            after.extend(islice(accumulate(lengths, initial=base), 1, None))
            joined = SEP.join(cells)
            if self._splittable[position] and joined.count(SEP) != len(cells) - 1:
                self._splittable[position] = False
            self._chunks[position].append(joined)

    def cell(self, row: int, position: int) -> str:
        after = self._after[position]
        return self._texts[position][after[row - 1] if row else 0 : after[row] - 1]

    def column(self, position: int) -> Iterator[str] | list[str]:
        """Every cell of one column, in row order."""
        text = self._texts[position]
        if self._splittable[position]:
            return text.split(SEP) if self._count else []
        after = self._after[position]
        return (text[start:end - 1] for start, end in zip(chain((0,), after), after,
                                                            strict=False))

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self._count))]
        if row < 0:
            row += self._count
        if not 0 <= row < self._count:
            raise IndexError("row index out of range")
        return [self.cell(row, position) for position in range(self.width)]

    def __iter__(self) -> Iterator[list[str]]:
        return (self[row] for row in range(self._count))

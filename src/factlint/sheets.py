"""Spreadsheets as data files: .xlsx (openpyxl, read-only) and .ods (the zip's content.xml).

A workbook is read once into plain rows of text, each cell as a person sees it in the
spreadsheet app: a value stored as 0.68 under the format ``0%`` reads "68%", 1159 under
``#,##0`` reads "1,159", a formula reads its last saved result, and every cell of a
merged range reads the value of its top-left cell. The first non-empty row is the header
(a title row merged across the whole table is skipped); when a header cell is merged
across several columns, the row below names them too, and each column is called by both
names: a header ``2024年`` over ``企业数`` and ``占比`` gives the columns "2024年 企业数" and
"2024年 占比".

openpyxl reads .xlsx (values, not formulas, in read-only mode); its read-only sheets do
not report merged ranges, so those come from the sheet's own XML, read with the standard
library. .ods needs no library: its content.xml already holds each cell's displayed text.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

__all__ = ["SUFFIXES", "Sheet", "SheetError", "Workbook", "displayed", "read_workbook"]

SUFFIXES = (".xlsx", ".xlsm", ".ods")
MAX_CELLS = 5_000_000  # a workbook larger than this is no fact file's data source
MAX_REPEAT = 1000  # .ods repeats empty rows and columns to the sheet's edge: not data

_CELL = re.compile(r"([A-Za-z]{1,3})([1-9][0-9]{0,6})")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


class SheetError(Exception):
    """A workbook, sheet or cell that cannot give a value (FL305)."""


@dataclass
class Sheet:
    """One sheet as text: ``grid[r][c]`` is row r + 1, column c + 1 as displayed."""

    name: str
    grid: list[list[str]]
    across: frozenset[int] = frozenset()  # rows (0-based) with a cell merged over columns
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the rows under the header
    row_numbers: list[int] = field(default_factory=list)  # their numbers in the sheet

    def cell(self, reference: str) -> str:
        """The displayed value of a cell named like B7."""
        match = _CELL.fullmatch(reference.strip())
        if match is None:
            raise SheetError(f"cell '{reference}' is not a cell name such as B7")
        row, column = int(match.group(2)) - 1, column_number(match.group(1)) - 1
        if row >= len(self.grid) or column >= len(self.grid[row]):
            return ""
        return self.grid[row][column]


@dataclass
class Workbook:
    name: str
    sheets: list[Sheet]

    def sheet(self, name: str | None) -> Sheet:
        """The sheet called ``name``, or the first sheet when no name is given."""
        if name is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.name == str(name) or sheet.name.strip().casefold() == str(name).casefold():
                return sheet
        names = ", ".join(s.name for s in self.sheets)
        raise SheetError(f"{self.name} has no sheet '{name}' (sheets: {names})")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def read_workbook(path: Path, data: bytes | None = None) -> Workbook:
    """Every sheet of an .xlsx or .ods file as displayed text; ``data`` is the file's bytes
    when the caller has read them already (within its limits). Raises SheetError."""
    data = path.read_bytes() if data is None else data
    try:
        if path.suffix.lower() == ".ods":
            sheets = list(_ods_sheets(path, data))
        else:
            sheets = list(_xlsx_sheets(path, data))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as exc:
        raise SheetError(f"{path.name} is not a readable spreadsheet ({exc}): save it again "
                         "from the spreadsheet app") from None
    if not sheets:
        raise SheetError(f"{path.name} has no sheets")
    for sheet in sheets:
        _split_header(sheet)
    return Workbook(path.name, sheets)


# --- .xlsx -------------------------------------------------------------------------------


def _xlsx_sheets(path: Path, data: bytes) -> Iterator[Sheet]:
    import openpyxl  # only workbooks pay for it

    merges = _xlsx_merges(path, data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, ValueError, TypeError) as exc:
        raise SheetError(f"{path.name} cannot be read as a workbook: {exc}") from None
    try:
        cells = 0
        for worksheet in book.worksheets:
            grid = []
            for row in worksheet.iter_rows():
                cells += len(row)
                if cells > MAX_CELLS:
                    raise SheetError(f"{path.name} has more than {MAX_CELLS:,} cells: too "
                                     "large to read as a data file")
                grid.append([displayed(getattr(c, "value", None),
                                       getattr(c, "number_format", "General")) for c in row])
            across = _fill_merges(grid, merges.get(worksheet.title, ()))
            yield Sheet(worksheet.title, grid, across)
    finally:
        book.close()


def _xlsx_merges(path: Path, data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name -> merged ranges (first row, first column, last row, last column; 0-based)."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise SheetError(f"{path.name} is not an .xlsx workbook (no xl/workbook.xml)")
        targets = {}
        if "xl/_rels/workbook.xml.rels" in names:
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_R}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            ranges = []
            with archive.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{_MAIN}mergeCell":
                        span = _range(element.get("ref", ""))
                        if span:
                            ranges.append(span)
                    element.clear()
            found[sheet.get("name", "")] = ranges
    return found


def _range(reference: str) -> tuple[int, int, int, int] | None:
    first, _, last = reference.partition(":")
    a, b = _CELL.fullmatch(first), _CELL.fullmatch(last or first)
    if a is None or b is None:
        return None
    return (int(a.group(2)) - 1, column_number(a.group(1)) - 1,
            int(b.group(2)) - 1, column_number(b.group(1)) - 1)


def _fill_merges(grid: list[list[str]], ranges) -> frozenset[int]:
    """Give every cell of a merged range its top-left value; return the rows holding a
    range over several columns."""
    for top, left, bottom, right in ranges:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = value
    return frozenset(top for top, left, _, right in ranges if right > left)


# --- what a number looks like under its format ----------------------------------------------

_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\[\]]*\]|_.|\*.')  # [^[]: one scan per run of [


def displayed(value: Any, number_format: str = "General") -> str:
    """A cell value as the spreadsheet app shows it under ``number_format``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if not isinstance(value, (int, float)):
        return str(value).strip()
    section = _LITERAL.sub("", (number_format or "General").split(";")[0])
    if "General" in section or not re.search(r"[0#?]", section) or re.search(r"[Ee][+-]", section):
        return _general(value)
    decimals = len(re.search(r"(?:\.([0#?]*))?$", section.split("%")[0].rstrip()).group(1) or "")
    if "%" in section:
        return f"{value * 100:.{decimals}f}%"
    separator = "," if re.search(r"[0#?],[0#?]", section) else ""
    return f"{value:{separator}.{decimals}f}"


def _general(value: float) -> str:
    if isinstance(value, int) or value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


# --- .ods ------------------------------------------------------------------------------------


def _ods_sheets(path: Path, data: bytes) -> Iterator[Sheet]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "content.xml" not in archive.namelist():
            raise SheetError(f"{path.name} is not an .ods spreadsheet (no content.xml)")
        with archive.open("content.xml") as stream:
            cells = 0
            for _, element in ElementTree.iterparse(stream):
                if element.tag != f"{_TABLE}table":
                    continue
                grid, ranges = [], []
                for row in element.iter(f"{_TABLE}table-row"):
                    values = _ods_row(row, len(grid), ranges)
                    repeat = int(row.get(f"{_TABLE}number-rows-repeated", "1") or 1)
                    if not any(values):
                        repeat = min(repeat, MAX_REPEAT)
                    for _ in range(repeat):
                        grid.append(list(values))
                    cells += len(values) * repeat
                    if cells > MAX_CELLS:
                        raise SheetError(f"{path.name} has more than {MAX_CELLS:,} cells: too "
                                         "large to read as a data file")
                while grid and not any(grid[-1]):
                    grid.pop()
                across = _fill_merges(grid, ranges)
                yield Sheet(element.get(f"{_TABLE}name", ""), grid, across)
                element.clear()


def _ods_row(row, row_index: int, ranges: list) -> list[str]:
    values: list[str] = []
    for cell in row:
        if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            continue
        text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{_TEXT}p")).strip()
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1") or 1)
        if not text:
            repeat = min(repeat, MAX_REPEAT)
        across = int(cell.get(f"{_TABLE}number-columns-spanned", "1") or 1)
        down = int(cell.get(f"{_TABLE}number-rows-spanned", "1") or 1)
        if across > 1 or down > 1:
            column = len(values)
            ranges.append((row_index, column, row_index + down - 1, column + across - 1))
        values.extend([text] * repeat)
    while values and not values[-1]:
        values.pop()
    return values


# --- header and rows -----------------------------------------------------------------------


def _split_header(sheet: Sheet) -> None:
    grid = sheet.grid
    across = sheet.across
    width = max((len(r) for r in grid), default=0)
    top = 0
    while top < len(grid) and not any(grid[top]):
        top += 1
    if top < len(grid) - 1 and top in across and len(set(filter(None, grid[top]))) == 1 \
            and sum(1 for v in grid[top] if v) >= max(2, width - 1):
        top += 1  # a title merged across the whole table
    bottom = top
    while bottom + 1 < len(grid) and bottom in across and bottom - top < 2:
        bottom += 1  # a header merged across columns names them with the row below
    names = []
    for column in range(width):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            value = grid[r][column] if column < len(grid[r]) else ""
            if value and value not in parts:
                parts.append(value)
        names.append(" ".join(parts))
    sheet.header = names
    for number in range(bottom + 1, len(grid)):
        row = grid[number]
        if any(row):
            sheet.rows.append(row + [""] * (width - len(row)))
            sheet.row_numbers.append(number + 1)

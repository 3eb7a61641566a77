"""Fact files and data files -> FactFile, and the check of a brief's figures against them.

A fact file (SPEC §2) is read with PyYAML's *composer* only: we turn the node graph into
plain values ourselves, so every value keeps the line and column it was written at, dates
stay text, and no tag can build a Python object. Anchors and aliases are allowed within a
small budget; a "billion laughs" file is refused (FL501) after a bounded amount of work.

`verify(doc, facts, …)` computes once per brief, for each claim: where its quote is in the
brief, which figure it covers, the true value and where it came from, the interval the
wording allows, and the verdict. The engine asks once per brief (``Context.verifications``);
the FL30x rules, the `figures_verified` count and the HTML report read that one result.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from factlint.columns import CHUNK_ROWS, CompactRows
from factlint.finding import UrlRef
from factlint.lazyre import lazy
from factlint.messages import Message
from factlint.numbers import (
    Figure,
    Interval,
    Lexicon,
    builtin_lexicon,
    format_number,
    interval_for,
    normalise_unit,
    parse_number,
    split_unit,
)
from factlint.reading import RefusedFile, open_limited, outside_reason, read_bytes_limited
from factlint.sheets import SUFFIXES as SHEET_SUFFIXES
from factlint.sheets import SheetError, Workbook, read_workbook
from factlint.trust import repository_root

if TYPE_CHECKING:
    from factlint.document import Document, Sentence

FACT_SUFFIXES = (".facts.yaml", ".facts.yml", ".facts.json")
MAX_FACT_BYTES = 4 * 1024 * 1024
MAX_DATA_BYTES = 256 * 1024 * 1024
MAX_INTEGER_DIGITS = 4000  # below Python's own limit on converting text to int (4300)
MAX_INTEGER_BITS = 13_000  # about 3,900 decimal digits: str() of it stays within that limit
MAX_ALIASES = 1000
# Converting the node graph may visit an aliased node more than once; a file may cost at
# most this many visits more than it has nodes, which no hand-written file comes near.
EXPANSION_ALLOWANCE = 10_000

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:str",
}


# --- positions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A span of a file: 1-based line and column (code points), exclusive end column."""

    line: int
    column: int
    end_line: int
    end_column: int


NOWHERE = Place(1, 1, 1, 2)


class FactFileError(Exception):
    """A fact or data file that cannot be read as YAML/JSON at all."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Tree:
    """Plain values (dict/list/str/int/float/bool/None) plus the place of every node."""

    value: Any
    places: dict[tuple, Place] = field(default_factory=dict)  # path -> place of the value
    key_places: dict[tuple, Place] = field(default_factory=dict)  # path -> place of its key
    text: str = field(default="", repr=False)

    def clamped(self, place: Place) -> Place:
        """``place`` moved inside the text (LibYAML marks the end of input past it)."""
        line, column = _clamp(self.text, place.line, place.column)
        if (line, column) == (place.line, place.column):
            return place
        return Place(line, column, line, column + 1)

    def place(self, path: Iterable) -> Place:
        """The place of the node at ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.places:
                return self.places[path]
            path = path[:-1]
        return self.places.get((), NOWHERE)


# --- YAML (and JSON) with positions ------------------------------------------------------


def _place_of(node) -> Place:
    start, end = node.start_mark, node.end_mark
    if (end.line, end.column) <= (start.line, start.column):
        return Place(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    if end.column == 0 and end.line > start.line:  # a block node ends at the next line's start
        return Place(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Place(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _composer_class():
    import yaml

    class BudgetLoader(yaml.SafeLoader):
        """SafeLoader that counts anchors/aliases and nodes while composing."""

        def __init__(self, stream):
            super().__init__(stream)
            self.aliases = 0
            self.nodes = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    mark = self.peek_event().start_mark
                    raise FactFileError(
                        f"more than {MAX_ALIASES} aliases (*name): refused as a possible alias "
                        "bomb; write the values out", mark.line + 1, mark.column + 1)
            else:
                self.nodes += 1
            return super().compose_node(parent, index)

    return BudgetLoader


_LOADER = None
_MAYBE_ALIAS = lazy(r"[&*!]|<<")


def compose_tree(text: str) -> Tree:
    """YAML text -> Tree, safely. Raises FactFileError with a line and column."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _composer_class()
    # LibYAML composes ~10x faster but cannot count aliases as it goes: use it only for
    # text in which no anchor or alias can occur (nearly every fact file).
    fast = getattr(yaml, "CSafeLoader", None) if not _MAYBE_ALIAS.search(text) else None
    loader = fast(text) if fast is not None else _LOADER(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or str(exc)
            if "nesting depth" in problem:  # PyYAML 6.0.4 and later limit depth themselves
                raise FactFileError("nesting is too deep to be a fact file") from None
            if exc.context and exc.problem:
                where = exc.context_mark
                opened = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
                problem = f"{problem} ({exc.context}{opened})"
            line, column = _clamp(text, mark.line + 1 if mark else 1,
                                  mark.column + 1 if mark else 1)
            raise FactFileError(f"YAML syntax error: {problem}", line, column) from None
        except yaml.YAMLError as exc:
            raise FactFileError(f"YAML syntax error: {exc}") from None
        except RecursionError:
            raise FactFileError("nesting is too deep to be a fact file") from None
        tree = Tree(None, text=text)
        if node is None:
            return tree
        budget = [getattr(loader, "nodes", len(text)) + EXPANSION_ALLOWANCE]
        constructor = yaml.constructor.SafeConstructor()
        try:
            tree.value = _convert(node, (), tree, constructor, budget, set())
        except RecursionError:
            raise FactFileError("nesting is too deep to be a fact file") from None
        finally:
            _EXPLICIT_KEYS.clear()
        return tree
    finally:
        loader.dispose()


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """A position inside ``text`` (LibYAML may report the end of input one line past it)."""
    lines = text.split("\n")
    if line > len(lines):
        line, column = len(lines), len(lines[-1]) + 1
    return line, max(1, min(column, len(lines[line - 1]) + 1))


def _convert(node, path: tuple, tree: Tree, constructor, budget: list[int], active: set[int]):
    import yaml

    budget[0] -= 1
    if budget[0] < 0:
        place = _place_of(node)
        raise FactFileError(
            "aliases expand to far more values than the file holds: refused as an alias bomb",
            place.line, place.column)
    tree.places.setdefault(path, _place_of(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _TIMESTAMP_TAG or node.tag not in _PLAIN_TAGS:
            if node.tag.startswith("tag:yaml.org,2002:") or node.tag == _TIMESTAMP_TAG:
                return node.value  # dates, binary…: keep the text as written
            place = _place_of(node)
            raise FactFileError(f"unsupported tag {node.tag}: fact files hold plain values only",
                                place.line, place.column)
        try:
            value = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            place = _place_of(node)
            raise FactFileError(f"cannot read value: {exc}", place.line, place.column) from None
        except ValueError:  # an integer of more digits than Python converts: keep its text
            return node.value
        if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
            return node.value  # 0x… with thousands of digits: str() of it would fail later
        return value
    if id(node) in active:
        place = _place_of(node)
        raise FactFileError("an alias refers to the node that contains it (recursive alias)",
                            place.line, place.column)
    active.add(id(node))
    try:
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            place = _place_of(node)
            raise FactFileError(f"unsupported tag {node.tag}: fact files hold plain values only",
                                place.line, place.column)
        if isinstance(node, yaml.SequenceNode):
            return [_convert(item, path + (i,), tree, constructor, budget, active)
                    for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            explicit = _EXPLICIT_KEYS.get(id(node))
            if explicit is None:
                explicit = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
                constructor.flatten_mapping(node)  # << merge keys, placed before the explicit ones
                _EXPLICIT_KEYS[id(node)] = explicit
            result: dict[str, Any] = {}
            written: set[str] = set()  # keys written in this mapping, not merged in
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    place = _place_of(key_node)
                    raise FactFileError("a key must be plain text, not a list or mapping",
                                        place.line, place.column)
                key = _convert(key_node, path + ("<key>",), tree, constructor, budget, active)
                key = "" if key is None else (
                    str(key).lower() if isinstance(key, bool) else str(key))
                tree.places.pop(path + ("<key>",), None)
                key_place = _place_of(key_node)
                if key in result and (id(key_node) not in explicit or key not in written):
                    pass  # an explicit key overrides one merged in with <<
                elif key in result:
                    first = tree.key_places[path + (key,)]
                    raise FactFileError(
                        f"key '{key}' appears twice in this mapping (first at line {first.line})",
                        key_place.line, key_place.column)
                if id(key_node) in explicit:
                    written.add(key)
                tree.key_places[path + (key,)] = key_place
                result[key] = _convert(value_node, path + (key,), tree, constructor, budget, active)
            return result
    finally:
        active.discard(id(node))
    place = _place_of(node)
    raise FactFileError("unexpected YAML node", place.line, place.column)


_EXPLICIT_KEYS: dict[int, set[int]] = {}


def json_integer(text: str) -> int | str:
    """An integer of JSON text; one too long to convert stays text (and so is no number)."""
    return int(text) if len(text.lstrip("-")) <= MAX_INTEGER_DIGITS else text


def parse_json_tree(text: str) -> Tree:
    """JSON text -> Tree. Values come from the json module; positions from the YAML
    composer (JSON is nearly YAML) when it can read the file, else the top of the file."""
    try:
        value = json.loads(text, parse_int=json_integer)
    except json.JSONDecodeError as exc:
        raise FactFileError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise FactFileError("nesting is too deep to be a fact file") from None
    try:
        tree = compose_tree(text)
    except FactFileError as exc:
        if "twice" in exc.message:
            raise
        tree = Tree(None, text=text)
    tree.value = value
    return tree


# --- the records ---------------------------------------------------------------------------


class _Placed:
    """Where a source or claim, and each of its fields, was written in the fact file."""

    place: Place
    places: dict[str, Place]

    @property
    def line(self) -> int:
        return self.place.line

    @property
    def column(self) -> int:
        return self.place.column

    def field_place(self, name: str) -> Place:
        return self.places.get(name, self.place)


@dataclass(frozen=True)
class Source(_Placed):
    """A source of the fact file, keyed by the brief's label."""

    label: str
    publisher: str | None
    title: str | None
    url: str | None
    doi: str | None
    accessed: str | None
    note: str | None
    place: Place  # of the source's mapping
    places: dict[str, Place] = field(default_factory=dict, compare=False, hash=False)
    file: str | None = None  # a local copy of the source, relative to the fact file (evidence)


@dataclass(frozen=True)
class DataRef:
    file: str
    where: tuple[tuple[str, Any], ...]
    column: str | None
    pointer: str | None
    sheet: str | None = None  # spreadsheets: which sheet (default: the first)
    cell: str | None = None  # spreadsheets: a cell such as B7, instead of where/column

    def describe(self) -> str:
        if self.pointer is not None:
            return f"{self.file} {self.pointer}"
        if self.cell is not None:
            return f"{clip(self.file)} cell {clip(self.cell)}"
        where = ", ".join(f"{clip(k)} = {clip(v)}" for k, v in self.where)
        return f"{clip(self.file)} where {where}, column {clip(self.column)}"


@dataclass(frozen=True)
class Claim(_Placed):
    index: int
    quote: str
    id: str | None
    figure: str | None
    value: float | None
    data: DataRef | None
    unit: str | None
    source: str | None
    tolerance: float | None
    note: str | None
    place: Place  # of the claim's mapping
    places: dict[str, Place] = field(default_factory=dict, compare=False, hash=False)
    compute: Compute | None = None

    @property
    def name(self) -> str:
        return f"claim '{self.id}'" if self.id else f"claims[{self.index}]"


@dataclass(frozen=True)
class Compute:
    """A derived true value: ``compute: {op: share, of: [part-id, whole-id]}``."""

    op: str  # one of COMPUTE_OPS
    of: tuple[str | DataRef, ...]  # claim ids and data references, in order


@dataclass(frozen=True)
class TrueValue:
    """The true value of a claim, in the brief's base unit, and where it came from."""

    value: float | None  # in the fact's unit, as written in the fact or data file
    origin: str  # facts: x.facts.yaml line 14 | data: x.csv row 3, column value
    problem: str = ""  # why there is no value (FL305), when there is none


@dataclass(frozen=True)
class Verification:
    """What verify() found for one claim."""

    claim: Claim
    verdict: str  # see VERDICTS
    # where the quote occurs in the brief (original offsets)
    spans: tuple[tuple[int, int], ...] = ()
    figure: Figure | None = None
    sentence: Sentence | None = None
    truth: TrueValue | None = None
    interval: Interval | None = None
    true_value: float | None = None  # scaled to the figure's base unit
    detail: str = ""  # the explanation for verdicts other than holds/unverified
    tolerance: float | None = None  # the claim's tolerance in the figure's base unit


VERDICTS = (
    "holds",  # the figure holds for the true value
    "mismatch",  # FL301
    "quote-not-found", "quote-repeated", "figure-not-found",  # FL302
    "unverified",  # the claim has no value or data
    "data-error",  # FL305
    "unit-mismatch",  # FL307
)


@dataclass(eq=False)
class FactFile:
    path: str
    sources: dict[str, Source]
    claims: list[Claim]
    tree: Tree | None = field(default=None, repr=False)
    root: Path | None = None  # the repository top its data files must stay inside

    @property
    def data_root(self) -> Path:
        return self.root if self.root is not None else repository_root(self.path)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def folder(self) -> Path:
        return Path(self.path).resolve().parent

    def url_refs(self) -> list[UrlRef]:
        """Each source URL at its own place in the fact file, for the URL checker."""
        refs = []
        for source in self.sources.values():
            if source.url:
                place = source.field_place("url")
                refs.append(UrlRef(source.url.strip(), self.path, place.line, place.column,
                                   place.end_line, place.end_column))
        return refs

    def data_paths(self) -> set[Path]:
        """The data files the claims read (for --changed-since: a change counts for the brief)."""
        refs = [c.data for c in self.claims if c.data is not None] + [
            r for c in self.claims if c.compute is not None for r in c.compute.of
            if isinstance(r, DataRef)]
        return {(self.folder / ref.file).resolve() for ref in refs}


# --- finding and loading fact files --------------------------------------------------------


def find_fact_file(brief_path: str | os.PathLike) -> Path | None:
    """``<stem>.facts.yaml`` / ``.facts.yml`` / ``.facts.json`` beside the brief, if any."""
    brief = Path(brief_path)
    for suffix in FACT_SUFFIXES:
        candidate = brief.with_name(brief.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def read_tree(path: str, text: str | None = None, root: str | os.PathLike | None = None) -> Tree:
    """Read a YAML or JSON file (or ``text``, as if it were that file's) into a Tree; only a
    regular file, inside ``root`` when given, within the size limit while reading.
    Raises FactFileError, OSError."""
    if text is None:
        size = os.path.getsize(path)
        if size > MAX_FACT_BYTES:
            raise FactFileError(
                f"file is {size / 1e6:.1f} MB, larger than a fact file can be "
                f"({MAX_FACT_BYTES // (1024 * 1024)} MB): move bulk data to a data file")
        try:
            data = read_bytes_limited(path, MAX_FACT_BYTES, "fact file", root)
        except RefusedFile as exc:
            raise FactFileError(f"cannot read the fact file: {exc.why}") from None
        text = _decode(data)
    if path.lower().endswith(".json"):
        return parse_json_tree(text)
    return compose_tree(text)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise FactFileError(f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8",
                            line, column) from None


# --- schema validation with editor-friendly messages ---------------------------------------

_WHAT = {
    "quote": "the text of the brief that holds the figure",
    "file": "the data file, relative to the fact file",
    "factlint": "the format version, 1",
}


SHOWN_CHARACTERS = 60  # of a value quoted in a message
SHOWN_ITEMS = 20  # of a list named in a message


def clip(value: Any) -> str:
    """A value as a message quotes it: its text, cut to SHOWN_CHARACTERS."""
    text = value if isinstance(value, str) else _show(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def listed(items: list[str]) -> str:
    """Items as a message lists them: the first SHOWN_ITEMS, each clipped, and how many more."""
    shown = ", ".join(clip(item) for item in items[:SHOWN_ITEMS])
    more = len(items) - SHOWN_ITEMS
    return shown + (f" and {more} more" if more > 0 else "")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "…")
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _type_name(types) -> str:
    if isinstance(types, str):
        types = [types]
    names = {"object": "a mapping", "array": "a list", "string": "text", "number": "a number",
             "integer": "a whole number", "null": "empty", "boolean": "true or false"}
    return " or ".join(names.get(t, t) for t in types)


def schema_problems(tree: Tree) -> tuple[list[tuple[str, Place, str]], set[int]]:
    """(severity, place, message) for each violation ('fatal' when the file can't be used),
    and the indexes of the claims that break the schema (left out of the checks)."""
    from factlint.schemas import json_path, validator

    value = tree.value
    if not isinstance(value, dict):
        return [("fatal", tree.place(()),
                 f"(top level): a fact file is a mapping with `factlint: 1`, `sources` and "
                 f"`claims`, got {_show(value) if value is not None else 'an empty file'}")], set()
    problems = []
    bad_claims: set[int] = set()
    errors = sorted(validator("facts").iter_errors(value),
                    key=lambda e: (tree.place(e.absolute_path).line,
                                   list(map(str, e.absolute_path))))
    for error in errors:
        path = tuple(error.absolute_path)
        if len(path) >= 2 and path[0] == "claims" and isinstance(path[1], int):
            bad_claims.add(path[1])
        place = tree.place(path)
        message = _message(error, path)
        if error.validator == "additionalProperties":
            extra = _extra_keys(error)
            if extra:
                place = tree.key_places.get(path + (extra[0],), place)
        severity = "fatal" if not path or path[0] != "claims" and path[0] != "sources" else "claim"
        problems.append((severity, place, f"{json_path(path)}: {message}"))
    problems.extend(_id_problems(tree))
    for index, problem in _number_problems(tree, bad_claims):
        bad_claims.add(index)
        problems.append(problem)
    return problems, bad_claims


def _extra_keys(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return ([k for k in error.instance if k not in allowed]
            if isinstance(error.instance, dict) else [])


def _message(error, path: tuple) -> str:
    import difflib

    field_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
    instance = error.instance
    kind = error.validator
    if kind == "pattern" and field_name in ("value", "tolerance"):
        return f"{field_name} must be a number, got {_show(instance)}"
    if kind == "pattern" and field_name == "accessed":
        return f"accessed must be a date written YYYY-MM-DD, got {_show(instance)}"
    if kind == "pattern" and field_name == "doi":
        return f"doi must look like 10.1000/xyz123, got {_show(instance)}"
    if kind == "pattern":
        return f"{field_name or 'value'} has an unexpected form: {_show(instance)}"
    if kind == "type":
        what = field_name or "this"
        if field_name == "value":
            return f"value must be a number, got {_show(instance)}"
        return f"{what} must be {_type_name(error.validator_value)}, got {_show(instance)}"
    if kind == "required":
        missing = re.search(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else error.message
        what = f" ({_WHAT[name]})" if name in _WHAT else ""
        return f"`{name}` is required{what}"
    if kind == "additionalProperties":
        extra = _extra_keys(error)
        allowed = sorted(error.schema.get("properties", {}))
        parts = []
        for key in extra:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            parts.append(f"unknown field '{key}'{hint}")
        return "; ".join(parts) + f"; known fields: {', '.join(allowed)}"
    if kind == "const" and field_name == "factlint":
        return f"factlint must be 1 (the format version), got {_show(instance)}"
    if kind == "not" and path and path[0] == "claims" and isinstance(instance, dict) \
            and "value" in instance and "data" in instance:
        return "give either `value` or `data`, not both"
    if kind == "not" and isinstance(instance, dict) and "compute" in instance:
        return "give one of `value`, `data` or `compute`, not several"
    if kind == "oneOf" and (field_name == "data" or isinstance(instance, dict)
                            and "file" in instance):
        return ("data needs either `pointer` (JSON/YAML file), `where` and `column` "
                "(CSV file or sheet), or `cell` (spreadsheet)")
    if kind in ("minLength", "minProperties"):
        return f"{field_name or 'this'} must not be empty"
    return error.message


_NUMERIC_TEXT = lazy(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _number_problems(tree: Tree, bad: set[int]) -> list[tuple[int, tuple[str, Place, str]]]:
    """A `value` or `tolerance` the schema lets through that is no finite number (1e999,
    NaN, an integer of thousands of digits), as (claim index, problem)."""
    claims = tree.value.get("claims") if isinstance(tree.value, dict) else None
    problems = []
    for index, claim in enumerate(claims if isinstance(claims, list) else ()):
        if not isinstance(claim, dict) or index in bad:
            continue
        for name in ("value", "tolerance"):
            given = claim.get(name)
            if isinstance(given, bool) or given is None:
                continue
            numeric = isinstance(given, (int, float)) or (
                isinstance(given, str) and _NUMERIC_TEXT.fullmatch(given.strip()))
            if numeric and parse_number(given) is None:
                problems.append((index, ("claim", tree.place(("claims", index, name)),
                                         f"claims[{index}].{name}: {name} must be a finite "
                                         f"number, got {_show(given)}")))
                break
    return problems


def _id_problems(tree: Tree) -> list[tuple[str, Place, str]]:
    claims = tree.value.get("claims") if isinstance(tree.value, dict) else None
    if not isinstance(claims, list):
        return []
    seen: dict[str, int] = {}
    problems = []
    for index, claim in enumerate(claims):
        if not isinstance(claim, dict) or not isinstance(claim.get("id"), str):
            continue
        ident = claim["id"]
        if ident in seen:
            first = tree.place(("claims", seen[ident], "id"))
            problems.append(("claim", tree.place(("claims", index, "id")),
                             f"claims[{index}].id: id '{ident}' is already used by "
                             f"claims[{seen[ident]}] (line {first.line}): ids must be unique"))
        else:
            seen[ident] = index
    return problems


# --- building the records ------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float | None:
    return parse_number(value) if value is not None else None


def build_fact_file(path: str, tree: Tree, bad: set[int]) -> FactFile:
    data = tree.value
    sources: dict[str, Source] = {}
    raw_sources = data.get("sources")
    if isinstance(raw_sources, dict):
        for label, raw in raw_sources.items():
            if not isinstance(raw, dict):
                continue
            base = ("sources", label)
            sources[label] = Source(
                label=label,
                publisher=_text(raw.get("publisher")),
                title=_text(raw.get("title")),
                url=_text(raw.get("url")),
                doi=_text(raw.get("doi")),
                accessed=_text(raw.get("accessed")),
                note=_text(raw.get("note")),
                place=tree.key_places.get(base, tree.place(base)),
                places={k: tree.place(base + (k,)) for k in raw},
                file=_text(raw.get("file")),
            )
    claims: list[Claim] = []
    raw_claims = data.get("claims")
    if isinstance(raw_claims, list):
        for index, raw in enumerate(raw_claims):
            if not isinstance(raw, dict) or index in bad or not isinstance(raw.get("quote"), str):
                continue
            base = ("claims", index)
            ref = raw.get("data")
            data_ref = _data_ref(ref) if isinstance(ref, dict) else None
            claims.append(Claim(
                index=index,
                quote=raw["quote"],
                id=_text(raw.get("id")),
                figure=_text(raw.get("figure")),
                value=_number(raw.get("value")),
                data=data_ref,
                unit=_text(raw.get("unit")),
                source=_text(raw.get("source")),
                tolerance=_number(raw.get("tolerance")),
                note=_text(raw.get("note")),
                place=tree.place(base),
                places={k: tree.place(base + (k,)) for k in raw},
                compute=_compute(raw.get("compute")),
            ))
    return FactFile(path, sources, claims, tree)


def _data_ref(ref: dict) -> DataRef:
    where = ref.get("where") if isinstance(ref.get("where"), dict) else {}
    return DataRef(str(ref.get("file", "")), tuple(where.items()), _text(ref.get("column")),
                   _text(ref.get("pointer")), _text(ref.get("sheet")), _text(ref.get("cell")))


def _compute(raw: Any) -> Compute | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("of"), list):
        return None
    of = tuple(_data_ref(r) if isinstance(r, dict) else str(r) for r in raw["of"])
    return Compute(str(raw.get("op", "")), of)


# --- data files ----------------------------------------------------------------------------


class DataError(Exception):
    """A data reference that cannot give a value (FL305)."""


@dataclass
class _Table:
    """A data file read once: CSV rows (with their line numbers) or a JSON/YAML value."""

    header: list[str] | None = None
    rows: Sequence[list[str]] = field(default_factory=list)  # a CompactRows for a CSV file
    row_lines: Sequence[int] = field(default_factory=list)
    value: Any = None  # JSON/YAML content
    indexes: dict[tuple[str, ...], Any] = field(default_factory=dict)  # columns -> _RowIndex

    def column_index(self, name: str) -> int | None:
        if self.header is None:
            return None
        key = _key(name)
        for i, head in enumerate(self.header):
            if _key(head) == key:
                return i
        return None


# Tables read in this process, most recently used last: kept while they fit in
# MAX_CACHED_DATA_BYTES (counting their files' sizes), so that briefs sharing a data file
# read it once, and released when other data files need the room.
_TABLES: OrderedDict[tuple[str, int, int], _Table] = OrderedDict()
MAX_CACHED_DATA_BYTES = 512 * 1024 * 1024


def _remember(cache_key: tuple[str, int, int], table: _Table) -> None:
    _TABLES[cache_key] = table
    while len(_TABLES) > 1 and sum(key[2] for key in _TABLES) > MAX_CACHED_DATA_BYTES:
        _TABLES.popitem(last=False)


_INTEGER = lazy(r"([-+]?\d+)(?:\.0*)?")
_DECIMAL = lazy(r"[-+]?\d*\.\d+")
_NUMBER_START = frozenset("0123456789+-.")


def _key(value: Any) -> str:
    """Cells and `where` values compare as folded text; 2025, 2025.0 and '２０２５' agree."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value == int(value) else repr(value)
    text = str(value).strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    if text[:1] not in _NUMBER_START:
        return text.casefold()
    integer = _INTEGER.fullmatch(text)
    if integer and len(integer.group(1)) <= MAX_INTEGER_DIGITS:
        return str(int(integer.group(1)))
    if _DECIMAL.fullmatch(text):
        return repr(float(text))
    return text.casefold()


def load_table(path: Path) -> _Table:
    """Read (once per run: cached by path, mtime and size) a CSV, JSON, YAML or spreadsheet
    data file."""
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    table = _TABLES.get(cache_key)
    if table is not None:
        _TABLES.move_to_end(cache_key)
        return table
    if stat.st_size > MAX_DATA_BYTES:
        raise DataError(f"{path.name} is {stat.st_size // (1024 * 1024)} MB, too large to read")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".json", ".yaml", ".yml", *SHEET_SUFFIXES):
        raise DataError(f"{path.name}: data files are .csv, .json, .yaml, .yml, .xlsx or .ods")
    # Only a regular file, and never more than the limit, whatever stat() said.
    if suffix == ".csv" or suffix == ".tsv":
        with open_limited(path, MAX_DATA_BYTES, "data file") as stream:
            table = _read_csv(stream, path, "\t" if suffix == ".tsv" else ",")
    elif suffix in SHEET_SUFFIXES:
        data = read_bytes_limited(path, MAX_DATA_BYTES, "data file")
        try:
            table = _Table(value=read_workbook(path, data))
        except SheetError as exc:
            raise DataError(str(exc)) from None
    else:
        data = read_bytes_limited(path, MAX_DATA_BYTES, "data file")
        table = _Table(value=_read_tree_data(data, path, suffix))
    _remember(cache_key, table)
    return table


def _read_tree_data(data: bytes, path: Path, suffix: str) -> Any:
    """The content of a JSON or YAML data file; DataError for one that can't be read."""
    try:
        if suffix == ".json":
            return json.loads(data.decode("utf-8-sig"), parse_int=json_integer)
        return compose_tree(_decode(data)).value
    except json.JSONDecodeError as exc:
        raise DataError(f"{path.name} is not valid JSON "
                        f"(line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    except FactFileError as exc:
        raise DataError(f"{path.name} cannot be read (line {exc.line}, column {exc.column}): "
                        f"{exc.message}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name} is not valid UTF-8: save it as UTF-8") from None
    except RecursionError:
        raise DataError(f"{path.name} is nested too deeply to be a data file") from None
    except ValueError:  # an integer of more digits than Python converts (4300)
        raise DataError(f"{path.name} holds a number too long to read") from None


def _read_csv(stream: BinaryIO, path: Path, delimiter: str) -> _Table:
    """A CSV file read as it streams in, into compact columns (factlint.columns), with the
    line each row starts on (rows may hold line breaks inside quoted cells)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path.name} is empty: a CSV data file needs a header row")
        rows = CompactRows(len(header))
        row_lines = array("I")
        pending: list[list[str]] = []
        line = reader.line_num + 1  # where the next record starts
        for record in reader:
            if len(record) > 1 or (record and record[0].strip()):
                pending.append(record)
                row_lines.append(line)
                if len(pending) == CHUNK_ROWS:
                    rows.extend(pending)
                    pending = []
            line = reader.line_num + 1
        rows.extend(pending)
    except csv.Error as exc:
        raise DataError(f"{path.name} line {reader.line_num}: {clip(str(exc))}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name} is not valid UTF-8 (after line {reader.line_num}): "
                        "save it as UTF-8 (spreadsheet apps: 'CSV UTF-8')") from None
    return _Table(header=[cell.strip() for cell in header], rows=rows.finish(),
                  row_lines=row_lines)


@dataclass(frozen=True)
class _RowIndex:
    """Rows by the folded values of some columns, in 16 bytes a row: the hash of each row's
    key, sorted, beside its row number. A lookup finds the rows of the key's hash by
    bisection, then keeps those whose key really is the one asked for."""

    hashes: array  # array("q"), sorted
    rows: array  # array("Q"): rows[i] is the row whose key hashes to hashes[i]
    key_of: Callable[[int], tuple[str, ...]]

    def get(self, key: tuple[str, ...], default: list[int]) -> list[int]:
        wanted = hash(key)
        low = bisect_left(self.hashes, wanted)
        high = bisect_right(self.hashes, wanted, low)
        found = sorted(row for row in self.rows[low:high] if self.key_of(row) == key)
        return found or default


def _index(table: _Table, columns: tuple[str, ...]) -> _RowIndex:
    """Rows indexed by their values in ``columns`` (built once per column set)."""
    index = table.indexes.get(columns)
    if index is not None:
        return index
    rows = table.rows
    positions = [table.column_index(c) for c in columns]
    fold = lru_cache(maxsize=65536)(_key)  # most columns repeat a few values (years, units)
    folded_columns = [
        itertools.repeat("", len(rows)) if position is None
        else map(fold, rows.column(position) if isinstance(rows, CompactRows)
                 else map(itemgetter(position), rows))
        for position in positions
    ]
    hashes = array("q", map(hash, zip(*folded_columns, strict=True)))
    order = sorted(range(len(hashes)), key=hashes.__getitem__)
    sorted_hashes = array("q", map(hashes.__getitem__, order))
    del hashes

    def key_of(row: int) -> tuple[str, ...]:
        return tuple("" if position is None else _key(rows[row][position]
                     if not isinstance(rows, CompactRows) else rows.cell(row, position))
                     for position in positions)

    index = _RowIndex(sorted_hashes, array("Q", order), key_of)
    table.indexes[columns] = index
    return index


def _records_index(records: list, columns: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
    index: dict[tuple[str, ...], list[int]] = {}
    for number, record in enumerate(records):
        if isinstance(record, dict):
            key = tuple(_key(record.get(c, "")) for c in columns)
            index.setdefault(key, []).append(number)
    return index


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901: '' is the whole document; '/a/0' is document['a'][0]."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise DataError(f"pointer '{clip(pointer)}' must start with /")
    current = document
    raws = pointer[1:].split("/")
    for depth, raw in enumerate(raws, 1):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            if token not in current:
                raise DataError(f"pointer {clip(pointer)}: no key '{clip(token)}' at "
                                f"{clip('/' + '/'.join(raws[:depth]))}")
            current = current[token]
        elif isinstance(current, list):
            # at most 18 digits: int() of thousands of them would raise
            if not re.fullmatch(r"0|[1-9]\d{0,17}", token) or int(token) >= len(current):
                raise DataError(f"pointer {clip(pointer)}: no item {clip(token)} at "
                                f"{clip('/' + '/'.join(raws[:depth]))} "
                                f"(the list has {len(current)})")
            current = current[int(token)]
        else:
            raise DataError(f"pointer {clip(pointer)}: {clip('/' + '/'.join(raws[:depth]))} "
                            "goes inside a plain value")
    return current


def read_data_value(facts: FactFile, ref: DataRef) -> TrueValue:
    """The true value a `data` reference points at, or a TrueValue with a problem.

    The data file must resolve inside the repository: an absolute path, a `..` that leads
    out or a symlink pointing out is refused before it is opened, and the message names
    only the path the fact file wrote, never anything read from such a file."""
    shown = clip(ref.file)
    if os.path.isabs(ref.file) or ref.file.startswith("~"):
        return TrueValue(None, f"data: {shown}", f"data file {shown} must be a path relative "
                                                f"to the fact file, inside the repository")
    path = (facts.folder / ref.file)
    if outside_reason(path, facts.data_root) is not None:
        return TrueValue(None, f"data: {shown}", f"data file {shown} resolves outside the "
                                                f"repository ({facts.data_root}): not read")
    try:
        table = load_table(path)
    except FileNotFoundError:
        return TrueValue(None, f"data: {shown}", f"data file {shown} not found "
                                                f"(looked in {facts.folder})")
    except IsADirectoryError:
        return TrueValue(None, f"data: {shown}", f"data file {shown} is a folder")
    except RefusedFile as exc:
        return TrueValue(None, f"data: {shown}", f"cannot read data file {shown}: {exc.why}")
    except OSError as exc:
        return TrueValue(None, f"data: {shown}", f"cannot read data file {shown}: "
                                                f"{exc.strerror or exc}")
    except DataError as exc:
        return TrueValue(None, f"data: {shown}", str(exc))
    if isinstance(table.value, Workbook) or ref.sheet is not None or ref.cell is not None:
        try:
            table, shown, cell_origin = _sheet_table(table, ref, shown)
        except (DataError, SheetError) as exc:
            return TrueValue(None, f"data: {shown}", str(exc))
        if cell_origin:
            return _cell_value(table, cell_origin)
    try:
        if ref.pointer is not None:
            if table.header is not None:
                raise DataError(f"{shown} is a CSV file: select a row with `where` and `column`, "
                                "not `pointer`")
            cell = resolve_pointer(table.value, ref.pointer)
            origin = f"data: {shown} {clip(ref.pointer)}"
        else:
            cell, origin = _select(table, ref, shown)
    except DataError as exc:
        return TrueValue(None, f"data: {shown}", str(exc))
    value = parse_number(cell) if not isinstance(cell, (dict, list)) else None
    if value is None:
        return TrueValue(None, origin, f"{origin[6:]} holds {_show(cell)}, not a number")
    return TrueValue(value, origin)


def _sheet_table(table: _Table, ref: DataRef, shown: str) -> tuple[Any, str, str]:
    """(the sheet's rows as a table, or its cell's text; the name to show; the cell's origin
    when `cell` picks one)."""
    book = table.value
    if not isinstance(book, Workbook):
        raise DataError(f"{shown} is not a spreadsheet: `sheet` and `cell` are for .xlsx and "
                        ".ods files")
    if ref.pointer is not None:
        raise DataError(f"{shown} is a spreadsheet: pick a value with `cell` or with `where` "
                        "and `column`, not `pointer`")
    sheet = book.sheet(ref.sheet)
    shown = f"{shown} sheet {sheet.name}"
    if ref.cell is not None:
        return sheet.cell(ref.cell), shown, f"data: {shown} cell {ref.cell.strip().upper()}"
    rows = table.indexes.get(("\0sheet", sheet.name))  # the sheet's table, built once
    if rows is None:
        rows = _Table(header=sheet.header, rows=sheet.rows, row_lines=sheet.row_numbers)
        table.indexes[("\0sheet", sheet.name)] = rows
    return rows, shown, ""


def _cell_value(text: str, origin: str) -> TrueValue:
    value = parse_number(text)
    if value is None:
        return TrueValue(None, origin, f"{origin[6:]} holds {_show(text)}, not a number")
    return TrueValue(value, origin)


def _select(table: _Table, ref: DataRef, shown: str) -> tuple[Any, str]:
    columns = tuple(str(k) for k, _ in ref.where)
    wanted = tuple(_key(v) for _, v in ref.where)
    condition = ", ".join(f"{clip(k)} = {clip(v)}" for k, v in ref.where)
    if table.header is None:  # a JSON/YAML list of records
        records = table.value if isinstance(table.value, list) else None
        if records is None:
            raise DataError(f"{shown} holds no list of records: use `pointer` to pick a value")
        matches = _records_index(records, columns).get(wanted, [])
        if len(matches) != 1:
            raise DataError(_count_problem(shown, condition, len(matches), []))
        record = records[matches[0]]
        if ref.column not in record:
            raise DataError(f"{shown}: record {matches[0]} has no field '{ref.column}'")
        return record[ref.column], f"data: {shown} record {matches[0]}, field {clip(ref.column)}"
    missing = [c for c in columns + (ref.column or "",) if table.column_index(c) is None]
    if missing:
        raise DataError(f"{shown} has no column '{clip(missing[0])}' (columns: "
                        f"{listed(table.header)})")
    matches = _index(table, columns).get(wanted, [])
    if len(matches) != 1:
        raise DataError(_count_problem(shown, condition, len(matches),
                                       [table.row_lines[i] for i in matches[:5]]))
    row = table.rows[matches[0]]
    column = table.column_index(ref.column)
    cell = row[column] if column < len(row) else ""
    return cell, f"data: {shown} row {table.row_lines[matches[0]]}, column {clip(ref.column)}"


def _count_problem(shown: str, condition: str, count: int, lines: list[int]) -> str:
    if count == 0:
        return f"no row of {shown} has {condition}"
    rows = ", ".join(map(str, lines))
    return (f"{count} rows of {shown} have {condition} (rows {rows}): add a column to `where` "
            "so it picks exactly one")


# --- finding quotes in the brief -----------------------------------------------------------


_WHITESPACE = lazy(r"\s+")


def fold(text: str) -> str:
    """What quotes are compared on: NFKC (full-width → half-width), no whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass
class Searchable:
    """The brief's prose folded for quote look-up, with a map back to original offsets.

    Source definitions and citation markers are left out, so a quote may run across a
    page split or past a marker.
    """

    text: str
    origin: list[int]  # origin[i] = original offset of folded character i

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        spans = []
        if not needle:
            return spans
        start = self.text.find(needle)
        while start >= 0:
            spans.append((self.origin[start], self.origin[start + len(needle) - 1] + 1))
            start = self.text.find(needle, start + 1)
        return spans

    def count(self, needle: str, limit: int = 2) -> int:
        found = 0
        start = self.text.find(needle)
        while start >= 0 and found < limit:
            found += 1
            start = self.text.find(needle, start + 1)
        return found

    def folded_index(self, original: int) -> int:
        return bisect_left(self.origin, original)


def searchable(doc: Document) -> Searchable:
    cut = sorted([(d.start, d.end) for d in doc.definitions]
                 + [(m.start, m.end) for m in doc.markers])
    text = doc.text
    parts: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end in cut + [(len(text), len(text))]:
        if start < position:
            position = max(position, end)
            continue
        _fold_into(text, position, start, parts, origin)
        position = max(position, end)
    return Searchable("".join(parts), origin)


def _fold_into(text: str, start: int, end: int, parts: list[str], origin: list[int]) -> None:
    chunk = text[start:end]
    if chunk.isascii():
        for match in re.finditer(r"\S+", chunk):
            parts.append(match.group())
            base = start + match.start()
            origin.extend(range(base, base + len(match.group())))
        return
    for offset, char in enumerate(chunk):
        if char.isspace():
            continue
        folded = unicodedata.normalize("NFKC", char)
        folded = _WHITESPACE.sub("", folded)
        if folded:
            parts.append(folded)
            origin.extend([start + offset] * len(folded))


# --- verification ----------------------------------------------------------------------------

CURRENCY_PREFIX = lazy(r"\s*(US\$|HK\$|[$£€¥₹])\s*(.*)$")


def fact_unit(unit: str | None, lexicon: Lexicon) -> tuple[float, str]:
    """(scale, base unit) of a fact's unit: 亿元 → (1e8, 元), £bn → (1e9, £), % → (1, %)."""
    if not unit:
        return 1.0, ""
    scale, base = split_unit(unit, lexicon)
    if scale == 1.0:
        currency = CURRENCY_PREFIX.match(unit)
        if currency and currency.group(2):
            scale, rest = split_unit(currency.group(2), lexicon)
            base = currency.group(1) + rest
    return scale, base


def brief_figures(doc: Document) -> list[tuple[Figure, Sentence | None]]:
    """Every figure of the brief a fact may cover: in sentences, headings and counts."""
    found: list[tuple[Figure, Sentence | None]] = []
    for sentence in doc.sentences:
        found.extend((f, sentence) for f in sentence.figures)
    for figures in doc.heading_figures.values():
        found.extend((f, None) for f in figures)
    for enumeration in doc.enumerations:
        figure = enumeration.figure
        owner = next((s for s in doc.sentences if s.start <= figure.start < s.end), None)
        found.append((figure, owner))
    found.sort(key=lambda pair: pair[0].start)
    return found


def verify(doc: Document, facts: FactFile, near_ratio: float = 0.9,
           about_ratio: float = 0.05) -> list[Verification]:
    """One Verification per claim, in fact-file order. It reads the data files and searches
    the brief: ask once per brief (``rules.Context.verifications`` keeps the result)."""
    lexicon = builtin_lexicon(doc.language)
    search = searchable(doc)
    figures = brief_figures(doc)
    starts = [f.start for f, _ in figures]
    return [_verify_claim(claim, doc, facts, search, figures, starts, lexicon,
                          near_ratio, about_ratio) for claim in facts.claims]


def _truth(claim: Claim, facts: FactFile, active: tuple[str, ...] = ()) -> TrueValue | None:
    if claim.compute is not None:
        return computed_value(claim, facts, active)
    if claim.value is not None:
        return TrueValue(claim.value, f"facts: {facts.name} line {claim.field_place('value').line}")
    if claim.data is not None:
        return read_data_value(facts, claim.data)
    return None


COMPUTE_OPS = {  # op -> (how many refs, what it computes from their values)
    "sum": (0, lambda v: sum(v)),
    "difference": (2, lambda v: v[0] - v[1]),
    "ratio": (2, lambda v: v[0] / v[1]),
    "multiple": (2, lambda v: v[0] / v[1]),
    "share": (2, lambda v: v[0] / v[1] * 100),
    "growth": (2, lambda v: (v[1] - v[0]) / v[0] * 100),
}


def computed_value(claim: Claim, facts: FactFile, active: tuple[str, ...] = ()) -> TrueValue:
    """The true value of a derived claim (`compute`), from the claims and data it names.

    Each referenced claim's value is scaled by its own unit (亿元, 万); data references are
    read as they stand. A sum or difference comes out in the claim's unit, or else in the
    unit of the first claim it names; share and growth are percent; ratio and multiple
    (first / second) have no unit."""
    compute = claim.compute
    origin = f"computed: {compute.op}"
    arity, formula = COMPUTE_OPS.get(compute.op, (None, None))
    if formula is None:
        return TrueValue(None, origin, f"compute: unknown op '{compute.op}' (one of "
                                       f"{', '.join(COMPUTE_OPS)})")
    if arity and len(compute.of) != arity:
        return TrueValue(None, origin, f"compute: {compute.op} takes {arity} references "
                                       f"(first, second), got {len(compute.of)}")
    chain = (*active, claim.id or claim.name)
    by_id = {c.id: c for c in facts.claims if c.id}
    values, shown, first_unit = [], [], None
    for ref in compute.of:
        if isinstance(ref, DataRef):
            truth, scale, name = read_data_value(facts, ref), 1.0, ref.describe()
        else:
            other = by_id.get(ref)
            if other is None:
                return TrueValue(None, origin, f"compute: no claim has id '{ref}'")
            if ref in chain:
                return TrueValue(None, origin, "compute: the claims refer to each other in a "
                                               f"circle ({' → '.join((*chain, ref))})")
            truth = _truth(other, facts, chain)
            scale, name = _unit_scale(other.unit), f"claim '{ref}'"
            first_unit = first_unit if first_unit is not None else other.unit
        if truth is None or truth.value is None:
            why = truth.problem if truth is not None else "it has no value"
            if not why.startswith("compute:"):  # a problem further down the chain says it all
                why = f"compute: {name}: {why}"
            return TrueValue(None, origin, why)
        values.append(truth.value * scale)
        shown.append(f"{name} = {format_number(truth.value)}")
    try:
        result = formula(values)
    except ZeroDivisionError:
        return TrueValue(None, origin, f"compute: {compute.op} divides by zero "
                                       f"({'; '.join(shown)})")
    if compute.op in ("sum", "difference"):
        result /= _unit_scale(claim.unit or first_unit)
    return TrueValue(result, f"{origin} of {'; '.join(shown)}")


def _unit_scale(unit: str | None) -> float:
    language = "en" if unit and re.search(r"[A-Za-z]", unit) else "zh"
    return fact_unit(unit, builtin_lexicon(language))[0]


def _verify_claim(claim, doc, facts, search, figures, starts, lexicon, near_ratio, about_ratio):
    spans = tuple(search.find_all(fold(claim.quote)))
    if not spans:
        return Verification(claim, "quote-not-found", detail=_near_miss(claim.quote, search))
    if len(spans) > 1:
        lines = ", ".join(str(doc.position(s)[0]) for s, _ in spans[:5])
        return Verification(claim, "quote-repeated", spans,
                            detail=f"found {len(spans)} times (lines {lines})")
    start, end = spans[0]
    inside = [pair for pair in figures[bisect_left(starts, start - 40): bisect_right(starts, end)]
              if pair[0].start < end and start < pair[0].end]
    truth = _truth(claim, facts)
    figure, sentence, problem = _pick_figure(claim, inside)
    if figure is None:
        sentence = next((s for s in doc.sentences if s.start <= start < s.end), None)
        if truth is None:
            return Verification(claim, "unverified", spans, sentence=sentence)
        return Verification(claim, "figure-not-found", spans, sentence=sentence, truth=truth,
                            detail=problem)
    if truth is None:
        return Verification(claim, "unverified", spans, figure, sentence)
    if truth.value is None:
        return Verification(claim, "data-error", spans, figure, sentence, truth,
                            detail=truth.problem)
    scale, base = fact_unit(claim.unit, lexicon)
    if not claim.unit:  # no unit: the value is read in the brief's written scale
        scale = 1.0 if figure.is_percent else figure.scale
    tolerance = claim.tolerance * scale if claim.tolerance else None
    interval = interval_for(figure, near_ratio, about_ratio, tolerance)
    value = truth.value * scale
    counted_noun = figure.unit == "大" and doc.text.startswith(base, figure.end)  # 八大行动: 行动
    if (base and figure.unit and normalise_unit(base) != normalise_unit(figure.unit)
            and not counted_noun):
        return Verification(claim, "unit-mismatch", spans, figure, sentence, truth, interval, value,
                            detail=f"the brief writes {_unit_words(figure)} but the fact file's "
                                   f"unit is {claim.unit}")
    if interval.contains(value):
        return Verification(claim, "holds", spans, figure, sentence, truth, interval, value)
    if (scale != figure.scale and interval.contains(truth.value * figure.scale)
            and _farther(value, truth.value * figure.scale, figure.value)):
        return Verification(
            claim, "unit-mismatch", spans, figure, sentence, truth, interval, value,
            detail=f"scale slip: the brief writes {figure.scale_text or 'no scale'} "
                   f"({_unit_words(figure)}) but the fact file's unit is {claim.unit}; the value "
                   f"{format_number(truth.value)} fits only if read as {_unit_words(figure)}")
    return Verification(claim, "mismatch", spans, figure, sentence, truth, interval, value,
                        tolerance=tolerance)


def _farther(recorded: float, misread: float, stated: float) -> bool:
    """Is the value as recorded farther from the stated figure (by ratio) than misread?

    A scale slip is a value that makes sense only under the other scale: 9.8 元 against
    10亿元. A value in base units (980000000 元 against 突破10亿元) is near the figure as
    recorded; read under 亿 it would fit an open interval (≥ 10亿) but mean nothing.
    """
    def distance(a: float) -> float:
        if a == stated:
            return 0.0
        if a == 0 or stated == 0:
            return math.inf
        return abs(math.log(abs(a) / abs(stated)))

    return distance(recorded) > distance(misread)


def _unit_words(figure: Figure) -> str:
    return (figure.scale_text + figure.unit) if figure.scale_text != "成" else "%"


def _pick_figure(claim: Claim, inside: list) -> tuple[Figure | None, Any, str]:
    if claim.figure:
        wanted = fold(claim.figure)
        for pair in inside:
            if fold(pair[0].text) == wanted:
                return pair[0], pair[1], ""
        for pair in inside:
            text = fold(pair[0].text)
            if wanted in text or text in wanted:
                return pair[0], pair[1], ""
        shown = ", ".join(f"“{f.text}”" for f, _ in inside) or "none"
        return None, None, (f"the quote holds no figure written “{claim.figure}” "
                            f"(figures in it: {shown})")
    if len(inside) == 1:
        return inside[0][0], inside[0][1], ""
    if not inside:
        return None, None, "the quote holds no figure factlint can read"
    shown = ", ".join(f"“{f.text}”" for f, _ in inside)
    return None, None, f"the quote holds {len(inside)} figures ({shown}): say which with `figure:`"


def _near_miss(quote: str, search: Searchable) -> str:
    """A hint: the longest head of the quote that is in the brief."""
    folded = fold(quote)
    low, high = 0, len(folded)
    while low < high:
        middle = (low + high + 1) // 2
        if search.count(folded[:middle], 1):
            low = middle
        else:
            high = middle - 1
    if low >= 4 and low < len(folded):
        return f"the brief has “{folded[:low]}” but not what follows (“{folded[low:low + 12]}”)"
    return ""


# --- describing an interval for people -------------------------------------------------------

_MEANING = {
    "exact": "{s} to the written precision",
    "over": "more than {s}",
    "at_least": "at least {s}",
    "plus": "more than {s} and less than {s_next}",
    "near": "nearly {s}: from {near} up to {s}",
    "about": "about {s}",
    "under": "less than {s}",
    "at_most": "at most {s}",
    "range": "between {s} and {h}",
}


def describe(figure: Figure, interval: Interval, near_ratio: float = 0.9) -> str:
    """'超 → more than 120, i.e. (120, ∞)' in the figure's own written scale."""
    scale = figure.scale or 1.0
    unit = _unit_words(figure) if figure.scale_text else (figure.unit if figure.is_percent else "")

    def number(v: float) -> str:
        return format_number(_tidy(v / scale))

    written = "%" if figure.is_percent else (_unit_words(figure) if figure.scale_text else "")
    s = number(figure.value) + written
    h = (number(figure.high) + written) if figure.high is not None else s
    meaning = _MEANING.get(figure.qualifier, "{s}").format(
        s=s, h=h, s_next=number(figure.value + figure.step) + written,
        near=number(figure.value * near_ratio) + written)
    if figure.qualifier == "exact" and figure.step and not (figure.scale != 1 or figure.is_percent
                                                           or figure.decimals):
        meaning = f"exactly {s}"
    shown = Interval(interval.low / scale, interval.high / scale, interval.low_closed,
                     interval.high_closed)
    word = figure.qualifier_text or "as written"
    suffix = f" {unit}" if unit and unit != "%" else ""
    return f"{word} → {meaning}, i.e. {_tidy_interval(shown)}{suffix}"


def meaning(figure: Figure, near_ratio: float = 0.9) -> Message:
    """What the figure's wording promises, in plain words: 超120家 -> more than 120."""
    scale = figure.scale or 1.0

    def number(v: float) -> str:
        return format_number(_tidy(v / scale))

    written = "%" if figure.is_percent else (_unit_words(figure) if figure.scale_text else "")
    s = number(figure.value) + written
    h = (number(figure.high) + written) if figure.high is not None else s
    kind = figure.qualifier if figure.qualifier in _MEANING else "plain"
    if figure.qualifier == "exact" and figure.step and not (figure.scale != 1 or figure.is_percent
                                                           or figure.decimals):
        kind = "exactly"
    return Message(f"meaning.{kind}", s=s, h=h, s_next=number(figure.value + figure.step) + written,
                   near=number(figure.value * near_ratio) + written)


def _tidy(v: float) -> float:
    return v if not math.isfinite(v) else round(v, 10)


def _tidy_interval(interval: Interval) -> str:
    return str(Interval(_tidy(interval.low), _tidy(interval.high), interval.low_closed,
                        interval.high_closed))


def shown_value(verification: Verification) -> str:
    """The true value in the brief's written scale: 118, 9.8亿元, 67.6%."""
    figure, value = verification.figure, verification.true_value
    if figure is None or value is None:
        return ""
    number = format_number(_tidy(value / (figure.scale or 1.0)))
    if figure.is_percent:
        return number + "%"
    if figure.scale_text:
        return number + _unit_words(figure)
    return number

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
from factlint.messages import Message, Phrase, Quoted, joined
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
                    raise FactFileError(Phrase("fact.aliases", limit=MAX_ALIASES),
                                        mark.line + 1, mark.column + 1)
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
                raise FactFileError(Phrase("fact.nesting")) from None
            if exc.context and exc.problem:
                where = exc.context_mark
                opened = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
                problem = f"{problem} ({exc.context}{opened})"
            line, column = _clamp(text, mark.line + 1 if mark else 1,
                                  mark.column + 1 if mark else 1)
            raise FactFileError(Phrase("fact.yaml-syntax", problem=problem), line,
                                column) from None
        except yaml.YAMLError as exc:
            raise FactFileError(Phrase("fact.yaml-syntax", problem=str(exc))) from None
        except RecursionError:
            raise FactFileError(Phrase("fact.nesting")) from None
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
        raise FactFileError(Phrase("fact.alias-bomb"), place.line, place.column)
    tree.places.setdefault(path, _place_of(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _TIMESTAMP_TAG or node.tag not in _PLAIN_TAGS:
            if node.tag.startswith("tag:yaml.org,2002:") or node.tag == _TIMESTAMP_TAG:
                return node.value  # dates, binary…: keep the text as written
            place = _place_of(node)
            raise FactFileError(Phrase("fact.tag", tag=node.tag), place.line, place.column)
        try:
            value = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            place = _place_of(node)
            raise FactFileError(Phrase("fact.value", why=str(exc)), place.line,
                                place.column) from None
        except ValueError:  # an integer of more digits than Python converts: keep its text
            return node.value
        if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
            return node.value  # 0x… with thousands of digits: str() of it would fail later
        return value
    if id(node) in active:
        place = _place_of(node)
        raise FactFileError(Phrase("fact.recursive-alias"), place.line, place.column)
    active.add(id(node))
    try:
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            place = _place_of(node)
            raise FactFileError(Phrase("fact.tag", tag=node.tag), place.line, place.column)
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
                    raise FactFileError(Phrase("fact.key-not-plain"), place.line, place.column)
                key = _convert(key_node, path + ("<key>",), tree, constructor, budget, active)
                key = "" if key is None else (
                    str(key).lower() if isinstance(key, bool) else str(key))
                tree.places.pop(path + ("<key>",), None)
                key_place = _place_of(key_node)
                if key in result and (id(key_node) not in explicit or key not in written):
                    pass  # an explicit key overrides one merged in with <<
                elif key in result:
                    first = tree.key_places[path + (key,)]
                    raise FactFileError(Phrase("fact.key-twice", key=key, line=first.line),
                                        key_place.line, key_place.column)
                if id(key_node) in explicit:
                    written.add(key)
                tree.key_places[path + (key,)] = key_place
                result[key] = _convert(value_node, path + (key,), tree, constructor, budget, active)
            return result
    finally:
        active.discard(id(node))
    place = _place_of(node)
    raise FactFileError(Phrase("fact.unexpected-node"), place.line, place.column)


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
        raise FactFileError(Phrase("fact.json-syntax", problem=exc.msg), exc.lineno,
                            exc.colno) from None
    except RecursionError:
        raise FactFileError(Phrase("fact.nesting")) from None
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

    def describe(self) -> Phrase:
        if self.pointer is not None:
            return Phrase("place.data-pointer", file=self.file, pointer=self.pointer)
        if self.cell is not None:
            return Phrase("place.data-cell", file=clip(self.file), cell=clip(self.cell))
        return Phrase("place.data-where", file=clip(self.file), where=_condition(self.where),
                      column=clip(self.column))


def _condition(where: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{clip(k)} = {clip(v)}" for k, v in where)


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
    def name(self) -> Phrase:
        return (Phrase("claim.id", id=self.id) if self.id
                else Phrase("claim.index", index=self.index))


@dataclass(frozen=True)
class Compute:
    """A derived true value: ``compute: {op: share, of: [part-id, whole-id]}``."""

    op: str  # one of COMPUTE_OPS
    of: tuple[str | DataRef, ...]  # claim ids and data references, in order


@dataclass(frozen=True)
class TrueValue:
    """The true value of a claim, in the brief's base unit, and where it came from."""

    value: float | None  # in the fact's unit, as written in the fact or data file
    origin: str  # facts: x.facts.yaml line 14 | data: x.csv row 3, column value (a Phrase)
    problem: str = ""  # why there is no value (FL305), when there is none (a Phrase)


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
    detail: str = ""  # the explanation for verdicts other than holds/unverified (a Phrase)
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
            raise FactFileError(Phrase("fact.too-large", size=f"{size / 1e6:.1f}",
                                       limit=MAX_FACT_BYTES // (1024 * 1024)))
        try:
            data = read_bytes_limited(path, MAX_FACT_BYTES, "fact file", root)
        except RefusedFile as exc:
            raise FactFileError(Phrase("fact.refused", why=exc.why)) from None
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
        raise FactFileError(Phrase("fact.not-utf8", byte=exc.start), line, column) from None


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
    return Phrase("list.and-more", items=shown, more=more) if more > 0 else shown


def _show(value: Any) -> Phrase:
    if isinstance(value, str):
        return Phrase("shown.text", text=value if len(value) <= 60 else value[:57] + "…")
    if isinstance(value, (dict, list)):
        return Phrase("shown.mapping" if isinstance(value, dict) else "shown.list")
    text = json.dumps(value)
    return Phrase("shown.value", text=text if len(text) <= 60 else text[:57] + "…")


_TYPES = ("object", "array", "string", "number", "integer", "null", "boolean")


def _type_name(types) -> Phrase:
    if isinstance(types, str):
        types = [types]
    names = [Phrase(f"type.{t}") if t in _TYPES else Phrase("shown.value", text=t)
             for t in types]
    return joined(names, "list.or-plain")



def schema_problems(tree: Tree) -> tuple[list[tuple[str, Place, str]], set[int]]:
    """(severity, place, message) for each violation ('fatal' when the file can't be used),
    and the indexes of the claims that break the schema (left out of the checks)."""
    from factlint.schemas import json_path, validator

    value = tree.value
    if not isinstance(value, dict):
        return [("fatal", tree.place(()), Phrase(
            "schema.top", got=_show(value) if value is not None else Phrase("shown.empty-file"))
        )], set()
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
        problems.append((severity, place, Phrase("schema.at", problem=message, path=json_path(
            path) if path else Phrase("schema.top-level"))))
    problems.extend(_id_problems(tree))
    for index, problem in _number_problems(tree, bad_claims):
        bad_claims.add(index)
        problems.append(problem)
    return problems, bad_claims


def _extra_keys(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return ([k for k in error.instance if k not in allowed]
            if isinstance(error.instance, dict) else [])


def _message(error, path: tuple) -> Phrase:
    """A schema violation in an editor's words: the common validator kinds from the
    catalog, the validator's own text only for rare ones."""
    import difflib

    field_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
    instance = error.instance
    kind = error.validator
    if kind == "pattern" and field_name in ("value", "tolerance"):
        return Phrase("schema.number", field=field_name, got=_show(instance))
    if kind == "pattern" and field_name == "accessed":
        return Phrase("schema.date", got=_show(instance))
    if kind == "pattern" and field_name == "doi":
        return Phrase("schema.doi", got=_show(instance))
    if kind == "pattern":
        return Phrase("schema.form", field=field_name or "value", got=_show(instance))
    if kind == "type":
        if field_name == "value":
            return Phrase("schema.number", field="value", got=_show(instance))
        return Phrase("schema.type" if field_name else "schema.type-here", field=field_name,
                      types=_type_name(error.validator_value), got=_show(instance))
    if kind == "required":
        missing = re.search(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else error.message
        what = Phrase(f"field-what.{name}") if name in _WHAT else ""
        return Phrase("schema.required", name=name, what=what)
    if kind == "additionalProperties":
        extra = _extra_keys(error)
        allowed = sorted(error.schema.get("properties", {}))
        parts = []
        for key in extra:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = Phrase("schema.did-you-mean", name=close[0]) if close else ""
            parts.append(Phrase("schema.unknown-field", key=key, hint=hint))
        return Phrase("schema.unknown-fields", unknown=joined(parts, "list.semicolon"),
                      known=", ".join(allowed))
    if kind == "const" and field_name == "factlint":
        return Phrase("schema.version", got=_show(instance))
    if kind == "not" and path and path[0] == "claims" and isinstance(instance, dict) \
            and "value" in instance and "data" in instance:
        return Phrase("schema.value-or-data")
    if kind == "not" and isinstance(instance, dict) and "compute" in instance:
        return Phrase("schema.value-data-or-compute")
    if kind == "oneOf" and (field_name == "data" or isinstance(instance, dict)
                            and "file" in instance):
        return Phrase("schema.data-form")
    if kind in ("minLength", "minProperties", "minItems"):
        return Phrase("schema.empty" if field_name else "schema.empty-here", field=field_name)
    if kind == "enum":
        return Phrase("schema.enum", field=field_name or "value", got=_show(instance),
                      allowed=", ".join(map(str, error.validator_value)))
    return Phrase("schema.other", text=error.message)


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
                problems.append((index, ("claim", tree.place(("claims", index, name)), Phrase(
                    "schema.at", path=f"claims[{index}].{name}",
                    problem=Phrase("schema.finite", field=name, got=_show(given))))))
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
            problems.append(("claim", tree.place(("claims", index, "id")), Phrase(
                "schema.at", path=f"claims[{index}].id",
                problem=Phrase("schema.id-used", id=ident, first=seen[ident], line=first.line))))
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
    """A data reference that cannot give a value (FL305); ``problem`` says why."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


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
        raise DataError(Phrase("data.too-large", file=path.name,
                               size=stat.st_size // (1024 * 1024)))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".json", ".yaml", ".yml", *SHEET_SUFFIXES):
        raise DataError(Phrase("data.kind", file=path.name))
    # Only a regular file, and never more than the limit, whatever stat() said.
    if suffix == ".csv" or suffix == ".tsv":
        with open_limited(path, MAX_DATA_BYTES, "data file") as stream:
            table = _read_csv(stream, path, "\t" if suffix == ".tsv" else ",")
    elif suffix in SHEET_SUFFIXES:
        data = read_bytes_limited(path, MAX_DATA_BYTES, "data file")
        try:
            table = _Table(value=read_workbook(path, data))
        except SheetError as exc:
            raise DataError(Phrase("data.sheet-problem", problem=str(exc))) from None
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
        raise DataError(Phrase("data.json", file=path.name, line=exc.lineno,
                               column=exc.colno, problem=exc.msg)) from None
    except FactFileError as exc:
        raise DataError(Phrase("data.unreadable-at", file=path.name, line=exc.line,
                               column=exc.column, problem=exc.message)) from None
    except UnicodeDecodeError:
        raise DataError(Phrase("data.not-utf8", file=path.name)) from None
    except RecursionError:
        raise DataError(Phrase("data.nesting", file=path.name)) from None
    except ValueError:  # an integer of more digits than Python converts (4300)
        raise DataError(Phrase("data.long-number", file=path.name)) from None


def _read_csv(stream: BinaryIO, path: Path, delimiter: str) -> _Table:
    """A CSV file read as it streams in, into compact columns (factlint.columns), with the
    line each row starts on (rows may hold line breaks inside quoted cells)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(Phrase("data.empty-csv", file=path.name))
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
        raise DataError(Phrase("data.csv", file=path.name, line=reader.line_num,
                               problem=clip(str(exc)))) from None
    except UnicodeDecodeError:
        raise DataError(Phrase("data.csv-not-utf8", file=path.name,
                               line=reader.line_num)) from None
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
        raise DataError(Phrase("data.pointer-start", pointer=clip(pointer)))
    current = document
    raws = pointer[1:].split("/")
    for depth, raw in enumerate(raws, 1):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            if token not in current:
                raise DataError(Phrase("data.pointer-key", pointer=clip(pointer),
                                       key=clip(token), at=clip("/" + "/".join(raws[:depth]))))
            current = current[token]
        elif isinstance(current, list):
            # at most 18 digits: int() of thousands of them would raise
            if not re.fullmatch(r"0|[1-9]\d{0,17}", token) or int(token) >= len(current):
                raise DataError(Phrase("data.pointer-item", pointer=clip(pointer),
                                       item=clip(token), at=clip("/" + "/".join(raws[:depth])),
                                       count=len(current)))
            current = current[int(token)]
        else:
            raise DataError(Phrase("data.pointer-plain", pointer=clip(pointer),
                                   at=clip("/" + "/".join(raws[:depth]))))
    return current


def read_data_value(facts: FactFile, ref: DataRef) -> TrueValue:
    """The true value a `data` reference points at, or a TrueValue with a problem.

    The data file must resolve inside the repository: an absolute path, a `..` that leads
    out or a symlink pointing out is refused before it is opened, and the message names
    only the path the fact file wrote, never anything read from such a file."""
    shown = clip(ref.file)
    origin = Phrase("origin.data", where=shown)
    if os.path.isabs(ref.file) or ref.file.startswith("~"):
        return TrueValue(None, origin, Phrase("data.absolute", file=shown))
    path = (facts.folder / ref.file)
    if outside_reason(path, facts.data_root) is not None:
        return TrueValue(None, origin, Phrase("data.outside", file=shown,
                                              root=str(facts.data_root)))
    try:
        table = load_table(path)
    except FileNotFoundError:
        return TrueValue(None, origin, Phrase("data.not-found", file=shown,
                                              folder=str(facts.folder)))
    except IsADirectoryError:
        return TrueValue(None, origin, Phrase("data.folder", file=shown))
    except RefusedFile as exc:
        return TrueValue(None, origin, Phrase("data.refused", file=shown, why=exc.why))
    except OSError as exc:
        return TrueValue(None, origin, Phrase("data.os-error", file=shown,
                                              why=str(exc.strerror or exc)))
    except DataError as exc:
        return TrueValue(None, origin, exc.problem)
    if isinstance(table.value, Workbook) or ref.sheet is not None or ref.cell is not None:
        try:
            table, shown, cell_origin = _sheet_table(table, ref, shown)
        except DataError as exc:
            return TrueValue(None, Phrase("origin.data", where=shown), exc.problem)
        except SheetError as exc:
            return TrueValue(None, Phrase("origin.data", where=shown),
                             Phrase("data.sheet-problem", problem=str(exc)))
        if cell_origin:
            return _cell_value(table, cell_origin)
    try:
        if ref.pointer is not None:
            if table.header is not None:
                raise DataError(Phrase("data.csv-pointer", file=shown))
            cell = resolve_pointer(table.value, ref.pointer)
            origin = Phrase("origin.data", where=Phrase("place.data-pointer", file=shown,
                                                        pointer=clip(ref.pointer)))
        else:
            cell, origin = _select(table, ref, shown)
    except DataError as exc:
        return TrueValue(None, Phrase("origin.data", where=shown), exc.problem)
    value = parse_number(cell) if not isinstance(cell, (dict, list)) else None
    if value is None:
        return TrueValue(None, origin, _not_a_number(origin, cell))
    return TrueValue(value, origin)


def _not_a_number(origin: Phrase, cell: Any) -> Phrase:
    """"x.csv row 3, column value holds '约七成', not a number": the origin's place."""
    place = Phrase(origin.message.id.replace("origin.", "place."), **dict(origin.message.arguments))
    return Phrase("data.not-a-number", place=place, got=_show(cell))


def _sheet_table(table: _Table, ref: DataRef, shown: str) -> tuple[Any, str, str]:
    """(the sheet's rows as a table, or its cell's text; the name to show; the cell's origin
    when `cell` picks one)."""
    book = table.value
    if not isinstance(book, Workbook):
        raise DataError(Phrase("data.not-sheet", file=shown))
    if ref.pointer is not None:
        raise DataError(Phrase("data.sheet-pointer", file=shown))
    sheet = book.sheet(ref.sheet)
    shown = Phrase("place.sheet", file=shown, sheet=sheet.name)
    if ref.cell is not None:
        return sheet.cell(ref.cell), shown, Phrase("origin.data-cell", file=shown,
                                                   cell=ref.cell.strip().upper())
    rows = table.indexes.get(("\0sheet", sheet.name))  # the sheet's table, built once
    if rows is None:
        rows = _Table(header=sheet.header, rows=sheet.rows, row_lines=sheet.row_numbers)
        table.indexes[("\0sheet", sheet.name)] = rows
    return rows, shown, ""


def _cell_value(text: str, origin: Phrase) -> TrueValue:
    value = parse_number(text)
    if value is None:
        return TrueValue(None, origin, _not_a_number(origin, text))
    return TrueValue(value, origin)


def _select(table: _Table, ref: DataRef, shown: str) -> tuple[Any, str]:
    columns = tuple(str(k) for k, _ in ref.where)
    wanted = tuple(_key(v) for _, v in ref.where)
    condition = _condition(ref.where)
    if table.header is None:  # a JSON/YAML list of records
        records = table.value if isinstance(table.value, list) else None
        if records is None:
            raise DataError(Phrase("data.no-records", file=shown))
        matches = _records_index(records, columns).get(wanted, [])
        if len(matches) != 1:
            raise DataError(_count_problem(shown, condition, len(matches), []))
        record = records[matches[0]]
        if ref.column not in record:
            raise DataError(Phrase("data.no-field", file=shown, record=matches[0],
                                   field=ref.column))
        return record[ref.column], Phrase("origin.data-record", file=shown, record=matches[0],
                                          field=clip(ref.column))
    missing = [c for c in columns + (ref.column or "",) if table.column_index(c) is None]
    if missing:
        raise DataError(Phrase("data.no-column", file=shown, column=clip(missing[0]),
                               columns=listed(table.header)))
    matches = _index(table, columns).get(wanted, [])
    if len(matches) != 1:
        raise DataError(_count_problem(shown, condition, len(matches),
                                       [table.row_lines[i] for i in matches[:5]]))
    row = table.rows[matches[0]]
    column = table.column_index(ref.column)
    cell = row[column] if column < len(row) else ""
    return cell, Phrase("origin.data-row", file=shown, row=table.row_lines[matches[0]],
                        column=clip(ref.column))


def _count_problem(shown: str, condition: str, count: int, lines: list[int]) -> Phrase:
    if count == 0:
        return Phrase("data.no-row", file=shown, condition=condition)
    return Phrase("data.rows", count=count, file=shown, condition=condition,
                  rows=", ".join(map(str, lines)))


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
        return TrueValue(claim.value, Phrase("origin.facts", file=facts.name,
                                             line=claim.field_place("value").line))
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
    origin = Phrase("origin.computed", op=compute.op)
    arity, formula = COMPUTE_OPS.get(compute.op, (None, None))
    if formula is None:
        return TrueValue(None, origin, Phrase("compute.unknown-op", op=compute.op,
                                              ops=", ".join(COMPUTE_OPS)))
    if arity and len(compute.of) != arity:
        return TrueValue(None, origin, Phrase("compute.arity", op=compute.op, arity=arity,
                                              count=len(compute.of)))
    chain = (*active, claim.id or claim.name)
    by_id = {c.id: c for c in facts.claims if c.id}
    values, shown, first_unit = [], [], None
    for ref in compute.of:
        if isinstance(ref, DataRef):
            truth, scale, name = read_data_value(facts, ref), 1.0, ref.describe()
        else:
            other = by_id.get(ref)
            if other is None:
                return TrueValue(None, origin, Phrase("compute.no-claim", id=ref))
            if ref in chain:
                return TrueValue(None, origin, Phrase("compute.circle",
                                                      chain=" → ".join((*chain, ref))))
            truth = _truth(other, facts, chain)
            scale, name = _unit_scale(other.unit), Phrase("claim.id", id=ref)
            first_unit = first_unit if first_unit is not None else other.unit
        if truth is None or truth.value is None:
            why = truth.problem if truth is not None else Phrase("compute.no-value")
            if not why.startswith("compute:"):  # a problem further down the chain says it all
                why = Phrase("compute.of", name=name, why=why)
            return TrueValue(None, origin, why)
        values.append(truth.value * scale)
        shown.append(Phrase("compute.value", name=name, value=format_number(truth.value)))
    try:
        result = formula(values)
    except ZeroDivisionError:
        return TrueValue(None, origin, Phrase("compute.zero", op=compute.op,
                                              values=joined(shown, "list.semicolon")))
    if compute.op in ("sum", "difference"):
        result /= _unit_scale(claim.unit or first_unit)
    return TrueValue(result, Phrase("origin.computed-of", op=compute.op,
                                    values=joined(shown, "list.semicolon")))


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
                            detail=Phrase("verify.repeated", count=len(spans), lines=lines))
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
                            detail=Phrase("verify.unit", written=_unit_words(figure),
                                          unit=claim.unit))
    if interval.contains(value):
        return Verification(claim, "holds", spans, figure, sentence, truth, interval, value)
    if (scale != figure.scale and interval.contains(truth.value * figure.scale)
            and _farther(value, truth.value * figure.scale, figure.value)):
        return Verification(
            claim, "unit-mismatch", spans, figure, sentence, truth, interval, value,
            detail=Phrase("verify.scale-slip" if figure.scale_text else "verify.scale-slip-none",
                          scale=figure.scale_text, written=_unit_words(figure), unit=claim.unit,
                          value=format_number(truth.value)))
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
        if not inside:
            return None, None, Phrase("verify.no-such-figure-none", figure=claim.figure)
        return None, None, Phrase("verify.no-such-figure", figure=claim.figure,
                                  figures=Quoted(f.text for f, _ in inside))
    if len(inside) == 1:
        return inside[0][0], inside[0][1], ""
    if not inside:
        return None, None, Phrase("verify.no-figure")
    return None, None, Phrase("verify.figures", count=len(inside),
                              figures=Quoted(f.text for f, _ in inside))


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
        return Phrase("verify.near-miss", found=folded[:low], rest=folded[low:low + 12])
    return ""


# --- describing an interval for people -------------------------------------------------------

_MEANING = ("exact", "over", "at_least", "plus", "near", "about", "under", "at_most", "range")


def meaning(figure: Figure, near_ratio: float = 0.9) -> Message:
    """What the figure's wording promises, in plain words: 超120家 -> more than 120, 20余家
    -> between 20 and 30, 突破150亿元 -> at least 150亿元 (meaning.KIND in the catalog)."""
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

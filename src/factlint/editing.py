"""What an editor asks of a brief beside its findings, over code-point offsets.

Where a marker's source is defined (in this file or another file of its document) and
which markers cite a definition; what a figure's fact says; the brief's outline and cited
links; and the edits behind two quick fixes: a suppression directive for one line, and a
skeleton claim appended to the fact file. Pure functions of Documents and texts: the
language server (lsp.py) turns their offsets into the client's positions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from factlint.document import Definition, Document, Heading, Marker, read_document
from factlint.documents import Book, label_key
from factlint.engine import read_brief
from factlint.extract import claim_skeleton, table_cell
from factlint.messages import render, told

DIRECTIVE_LINE = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*factlint-disable-next-line\s+(?P<codes>[^>]*?)\s*-->[ \t]*$")
LABEL = re.compile(r"[^\s,，、\-–~\[\]<>/^]+")


@dataclass(frozen=True)
class Place:
    """A span of a file: [start, end) code-point offsets of ``path``'s text."""

    path: str
    start: int
    end: int


@dataclass(frozen=True)
class Symbol:
    """A heading of the outline, with the headings under it."""

    name: str
    level: int
    start: int  # the heading's text
    end: int
    section_end: int  # where the next heading of its level or higher starts
    children: tuple[Symbol, ...] = ()


# --- markers and their definitions ------------------------------------------------------


def marker_at(doc: Document, offset: int) -> tuple[Marker, str] | None:
    """The marker at ``offset`` and the label under it (``<sup>3,4</sup>``: 3 or 4)."""
    for marker in doc.markers:
        if marker.start <= offset <= marker.end:
            return marker, _label_under(doc.text, marker, offset)
    return None


def _label_under(text: str, marker: Marker, offset: int) -> str:
    if len(marker.labels) == 1:
        return marker.labels[0]
    for match in LABEL.finditer(text, marker.start, marker.end):
        if match.start() <= offset <= match.end() and match.group() in marker.labels:
            return match.group()
    return marker.labels[0]


def definition_at(doc: Document, offset: int) -> Definition | None:
    """The definition whose label (or marker part, before its body) is at ``offset``."""
    for definition in doc.definitions:
        if definition.start <= offset <= max(definition.label_end, definition.body_start):
            return definition
    return None


def book_for(doc: Document, files: Sequence[str], packs: tuple[str, ...] = ()) -> Book:
    """The Book of ``doc`` and the other ``files`` of its document (read from disk, with
    the rule ``packs`` of the configuration)."""
    if not files:
        return Book((doc,))
    docs = []
    own = Path(doc.path).resolve()
    for path in files:
        if Path(path).resolve() == own:
            docs.append(doc)
            continue
        text, _ = read_brief(path)
        if text is not None:
            docs.append(read_document(path, text, extra_packs=packs))
    return Book(docs if any(d is doc for d in docs) else [doc, *docs])


def definition_of(book: Book, doc: Document, label: str) -> Place | None:
    """Where the source ``label`` cited in ``doc`` is defined: in ``doc``, else in the
    file of its document that defines it."""
    own = [d for d in doc.definitions if label_key(d.label) == label_key(label)]
    if own:
        return Place(doc.path, own[0].label_start, own[0].label_end)
    found = book.resolve(doc, label)
    if found is None:
        return None
    where, definition = found
    return Place(where.path, definition.label_start, definition.label_end)


def citing_markers(book: Book, doc: Document, definition: Definition) -> list[Place]:
    """The markers of every file of the document that cite ``definition`` of ``doc``."""
    key = label_key(definition.label)
    target = (doc.path, definition.label_start)
    places = []
    for other in book.docs:
        for marker in other.markers:
            if key not in {label_key(label) for label in marker.labels}:
                continue
            place = definition_of(book, other, definition.label)
            if place is not None and (place.path, place.start) == target:
                places.append(Place(other.path, marker.start, marker.end))
    return places


def definition_text(book: Book, doc: Document, label: str) -> tuple[str, str] | None:
    """(the definition's text, the path of the file that holds it) for ``label``."""
    place = definition_of(book, doc, label)
    if place is None:
        return None
    holder = next((d for d in book.docs if d.path == place.path), doc)
    definition = next(d for d in holder.definitions if d.label_start == place.start)
    return holder.text[definition.start:definition.end].strip(), place.path


# --- figures and their facts ------------------------------------------------------------


def figure_at(doc: Document, offset: int) -> tuple[Any, Any] | None:
    """(figure, its sentence or None in a table) at ``offset``."""
    for sentence in doc.sentences:
        if sentence.start <= offset <= sentence.end:
            for figure in sentence.figures:
                if figure.start <= offset <= figure.end:
                    return figure, sentence
    for table in doc.table_blocks:
        if table.start <= offset <= table.end:
            for figure in table.figures:
                if hasattr(figure, "unit") and figure.start <= offset <= figure.end:
                    return figure, None
    return None


def verification_at(verifications: Sequence[Any], offset: int) -> Any:
    """The fact's verification whose figure (or, without one, quote) covers ``offset``."""
    for verification in verifications:
        figure = verification.figure
        if figure is not None and figure.start <= offset <= figure.end:
            return verification
    for verification in verifications:
        if any(start <= offset < end for start, end in verification.spans):
            return verification
    return None


def describe_verification(verification: Any, facts_name: str, language: str = "en") -> str:
    """Markdown for a hover, in ``language``: the fact, its true value and where it came
    from, the verdict."""
    claim = verification.claim

    def say(message_id: str, **arguments: Any) -> str:
        return render(message_id, arguments, language)

    lines = [say("hover.fact", name=claim.name, file=facts_name, line=claim.line),
             say("hover.quote", quote=claim.quote)]
    if verification.figure is not None:
        lines.append(say("hover.figure", figure=verification.figure.text))
    truth = verification.truth
    if truth is not None and truth.value is not None:
        unit = f" {claim.unit}" if claim.unit else ""
        lines.append(say("hover.true-value", value=f"{truth.value:g}{unit}",
                         origin=told(truth.origin, language)))
    elif truth is not None and truth.problem:
        lines.append(say("hover.true-problem", problem=told(truth.problem, language)))
    else:
        lines.append(say("hover.true-missing"))
    if claim.source:
        lines.append(say("hover.source", source=claim.source))
    lines.append(say("hover.verdict", verdict=say(f"hover.verdict.{verification.verdict}")))
    if verification.detail:
        lines.append(say("hover.detail", detail=told(verification.detail, language)))
    return "\n".join(lines)


# --- outline and links ------------------------------------------------------------------


def outline(doc: Document) -> list[Symbol]:
    """The headings of ``doc`` nested by level, each spanning its section."""
    headings = sorted(doc.headings, key=lambda h: h.start)
    return [_symbol(doc, headings, i) for i in _tops(headings, 0, len(headings))]


def _tops(headings: list[Heading], first: int, last: int) -> list[int]:
    tops, level = [], None
    for i in range(first, last):
        if level is None or headings[i].level <= level:
            tops.append(i)
            level = headings[i].level if level is None else min(level, headings[i].level)
    return tops


def _symbol(doc: Document, headings: list[Heading], i: int) -> Symbol:
    heading = headings[i]
    following = next((j for j in range(i + 1, len(headings))
                      if headings[j].level <= heading.level), len(headings))
    section_end = headings[following].line_start if following < len(headings) else len(doc.text)
    children = tuple(_symbol(doc, headings, j) for j in _tops(headings, i + 1, following))
    return Symbol(heading.text.strip() or "(untitled)", heading.level, heading.start,
                  heading.end, max(section_end, heading.end), children)


def cited_links(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, url) of every URL in the brief's source definitions."""
    return [(u.start, u.end, u.url) for d in doc.definitions for u in d.urls]


# --- edits for quick fixes --------------------------------------------------------------


def disable_next_line(text: str, line: int, code: str) -> tuple[int, int, str]:
    """(start, end, replacement) that suppresses ``code`` on ``line`` (1-based): a
    ``<!-- factlint-disable-next-line CODE -->`` line above it, or the code added to one
    that is there already."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = max(1, min(line, len(starts)))
    start = starts[line - 1]
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    current = text[start:end]
    newline = "\r\n" if current.endswith("\r") else "\n"
    if line > 1:
        above_start = starts[line - 2]
        above = text[above_start:start - 1].rstrip("\r")
        match = DIRECTIVE_LINE.match(above)
        if match:
            codes = match.group("codes").split()
            if code in codes:
                return start, start, ""
            at = above_start + match.end("codes")
            return at, at, f" {code}"
    indent = re.match(r"[ \t]*", current).group()
    return start, start, f"{indent}<!-- factlint-disable-next-line {code} -->{newline}"


def fact_file_beside(path: str) -> str:
    """The fact file a brief would have: ``<stem>.facts.yaml`` beside it."""
    return str(Path(path).with_name(Path(path).stem + ".facts.yaml"))


def with_new_claim(doc: Document, figure: Any, sentence: Any,
                   facts_text: str | None, language: str = "en") -> str | None:
    """The fact file's text with a skeleton claim for ``figure`` appended to ``claims:``
    (a new fact file when ``facts_text`` is None), its comments in ``language``; None when
    it can't be added safely (a JSON fact file, or YAML whose ``claims`` is not a list)."""
    cell = None if sentence is not None else table_cell(doc, figure)
    lines = claim_skeleton(doc, figure, sentence, cell, language=language)
    if facts_text is None:
        return "factlint: 1\nsources: {}\nclaims:\n" + "\n".join(lines) + "\n"
    try:
        before = yaml.safe_load(facts_text)
        root = yaml.compose(facts_text)
    except yaml.YAMLError:
        return None
    if not isinstance(before, dict) or isinstance(json_or_none(facts_text), dict):
        return None  # JSON: rewriting it would reformat the user's file
    claims = before.get("claims")
    new = _insert_claim(facts_text, root, claims, lines)
    if new is None:
        return None
    try:
        after = yaml.safe_load(new)
    except yaml.YAMLError:
        return None
    grown = isinstance(after, dict) and isinstance(after.get("claims"), list) and (
        len(after["claims"]) == len(claims or []) + 1)
    return new if grown and after["claims"][-1].get("figure") is not None else None


def json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _insert_claim(text: str, root: Any, claims: Any, lines: list[str]) -> str | None:
    node = next((value for key, value in getattr(root, "value", ())
                 if getattr(key, "value", None) == "claims"), None)
    tail = text if text.endswith("\n") or not text else text + "\n"
    if node is None:
        return tail + "claims:\n" + "\n".join(lines) + "\n"
    if not isinstance(claims, list) and claims is not None:
        return None
    if not claims:  # `claims: []` or `claims:` with nothing: write the list in block style
        start, end = node.start_mark.index, node.end_mark.index
        if node.tag.endswith(":null"):
            return tail[:end] + "\n" + "\n".join(lines) + tail[end:].lstrip(" ")
        return text[:start].rstrip(" ") + "\n" + "\n".join(lines) + "\n" + text[end:].lstrip(
            " \n")
    if getattr(node, "flow_style", False):
        return None
    dash = node.value[0].start_mark.column - 2
    shifted = [(" " * dash + line[2:]) if dash >= 0 else line for line in lines]
    end = node.end_mark.index
    if node.end_mark.column != 0:  # the list runs to the end of the text
        end = len(tail)
        text = tail
    return text[:end] + "\n".join(shifted) + "\n" + text[end:]

"""Renumbering numeric citations in order of first citation (FL103).

Nothing here looks for citations: markers, definitions, their labels and their places come
from the Document, so every marker form the reader knows is renumbered the same way, and a
form it learns later is renumbered without a change here. Inside a marker the label list is
found by matching the reader's labels against the number runs written in it — in
``[\\[12\\]](#page-3-1)`` that is the 12, not the 3-1 of the anchor — and rewritten in the
shape it had: separators and dashes kept, superscript digits kept, a range that is no longer
contiguous written out.

Labels that tie the brief to another file are never renumbered (see ``Elsewhere``): a
marker whose definition is not in the brief, and a definition another file cites.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from factlint.document import Definition, Document, Marker, inline_code_spans
from factlint.finding import Edit, Fix
from factlint.lazyre import lazy
from factlint.messages import Phrase

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
NUMERIC = lazy(r"[0-9]+")
_DIGIT = "[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]"
# A written label list: 3 | 3,4 | 3-5 | 3–5, 9 | ³˒⁴ — the shapes the reader expands.
LABEL_LIST = lazy(
    f"{_DIGIT}+(?:\\s*[,，、˒]\\s*{_DIGIT}+|\\s*[-–—~]\\s*{_DIGIT}+)*"
)
DIGITS = lazy(f"{_DIGIT}+")
# (?<!\s): a search starts at the first space of a run only, not at each (quadratic).
RANGE_DASH = lazy(r"(?<!\s)\s*([-–—~])\s*")
LIST_SEPARATOR = lazy(r"(?<!\s)\s*[,，、˒]\s*")
LONGEST_RANGE = 50  # as the reader: 1-400 is an interval, not 400 citations


class RenumberError(ValueError):
    """A marker or definition whose label cannot be found where the reader says it is.
    Raised with a Phrase, which ``reason`` keeps."""

    @property
    def reason(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


@dataclass(frozen=True)
class Elsewhere:
    """What the other files of the brief's document cite without defining it: the brief
    may be where it is defined. Such labels keep their number through renumbering, and
    their definitions survive ``--drop-unused``: the number is how the files find each
    other. (A marker whose definition is not in the brief is kept too; that needs no
    other file.) ``factlint.fix.elsewhere_for`` says which files make the document.
    """

    cited: frozenset[str] = frozenset()


NOWHERE = Elsewhere()  # a brief that is a document by itself


def expand(written: str) -> tuple[str, ...]:
    """The labels a written list stands for, as the reader expands them: 3-5, 9 -> 3 4 5 9."""
    written = written.translate(FROM_SUPERSCRIPTS)
    labels: list[str] = []
    for part in LIST_SEPARATOR.split(written.strip()):
        bounds = RANGE_DASH.split(part)
        if len(bounds) == 3 and bounds[0].isdigit() and bounds[2].isdigit():
            low, high = int(bounds[0]), int(bounds[2])
            if low <= high and high - low <= LONGEST_RANGE:
                labels.extend(str(n) for n in range(low, high + 1))
                continue
        labels.append(part)
    return tuple(labels)


def kept_labels(doc: Document, elsewhere: Elsewhere = NOWHERE) -> frozenset[str]:
    """Labels renumbering leaves alone: cited here and defined in no definition of this
    file, or defined here and cited from another file."""
    defined = {d.label.strip() for d in doc.definitions}
    cited = {label.strip() for m in doc.markers for label in m.labels}
    return frozenset((cited - defined) | (defined & elsewhere.cited))


def renumbering(doc: Document, elsewhere: Elsewhere = NOWHERE) -> dict[str, str]:
    """Old label -> new label, in order of first citation; empty when nothing changes.

    Only when every marker and definition label is a number, and the numbers look like a
    sequence (not identifiers such as ``[^14125]``, which FL103 also leaves alone). Kept
    labels (``kept_labels``) keep their number and the others go round them; defined but
    uncited sources follow the cited ones in their written order.
    """
    cited: list[str] = []
    for marker in doc.markers:
        for label in marker.labels:
            label = label.strip()
            if not NUMERIC.fullmatch(label):
                return {}
            if label not in cited:
                cited.append(label)
    defined: list[str] = []
    for definition in doc.definitions:
        label = definition.label.strip()
        if not NUMERIC.fullmatch(label):
            return {}
        if label not in cited and label not in defined:
            defined.append(label)
    if not cited:
        return {}
    numbers = [int(label) for label in cited]
    if max(numbers) > 2 * len(numbers) + 5:
        return {}
    kept = kept_labels(doc, elsewhere)
    taken = {int(label) for label in kept}
    number = 0 if min(numbers) == 0 else 1
    mapping = {}
    for label in cited + defined:
        if label in kept:
            continue
        while number in taken:
            number += 1
        mapping[label] = str(number)
        number += 1
    if all(old == new for old, new in mapping.items()):
        return {}
    return mapping


def format_labels(written: str, new: Sequence[str], superscript: bool) -> str:
    """A written label list for its new labels, in the shape it was written."""
    def show(label: str) -> str:
        return label.translate(SUPERSCRIPTS) if superscript else label

    separator = LIST_SEPARATOR.search(written)
    sep = separator.group() if separator else ","
    dash = RANGE_DASH.search(written)
    if dash is None:
        return sep.join(show(n) for n in new)
    ordered = sorted({int(n) for n in new})
    consecutive = ordered == list(range(ordered[0], ordered[0] + len(ordered)))
    if separator is None and consecutive and len(ordered) > 1:
        return f"{show(str(ordered[0]))}{dash.group()}{show(str(ordered[-1]))}"
    parts, run = [], [ordered[0]]
    for number in [*ordered[1:], None]:
        if number is not None and number == run[-1] + 1:
            run.append(number)
            continue
        if len(run) >= 3:
            parts.append(f"{show(str(run[0]))}{dash.group()}{show(str(run[-1]))}")
        else:
            parts.extend(show(str(n)) for n in run)
        if number is not None:
            run = [number]
    return sep.join(parts)


def marker_edit(doc: Document, marker: Marker, mapping: Mapping[str, str]) -> Edit | None:
    """The edit that renumbers one marker, or None when none of its labels changes."""
    old = [label.strip() for label in marker.labels]
    new = [mapping.get(label, label) for label in old]
    if new == old:
        return None
    written = doc.text[marker.start : marker.end]
    for match in LABEL_LIST.finditer(written):
        if list(expand(match.group())) == old:
            superscript = match.group()[0] in "⁰¹²³⁴⁵⁶⁷⁸⁹"
            return Edit(marker.start + match.start(), marker.start + match.end(),
                        format_labels(match.group(), new, superscript))
    line, column = doc.position(marker.start)
    raise RenumberError(Phrase("renumber.citation-numbers", numbers=", ".join(old),
                               written=written, line=line, column=column))


def relabelled(doc: Document, definition: Definition, new: str) -> str:
    """The definition's text with its label written as ``new``."""
    text = doc.text
    for match in DIGITS.finditer(text, definition.label_start, definition.label_end):
        if match.group().translate(FROM_SUPERSCRIPTS) == definition.label.strip():
            shown = new.translate(SUPERSCRIPTS) if match.group()[0] in "⁰¹²³⁴⁵⁶⁷⁸⁹" else new
            return (text[definition.start : match.start()] + shown
                    + text[match.end() : definition.end])
    line, column = doc.position(definition.start)
    raise RenumberError(Phrase("renumber.definition-number", label=definition.label,
                               line=line, column=column))


# Between two definitions of one references list: blank lines, or a list bullet.
_RUN_GAP = lazy(r"(?:\s|[*+-](?=[ \t]))*")


def definition_runs(doc: Document) -> list[list[Definition]]:
    """Definitions with only whitespace (or list bullets) between them, in document order."""
    runs: list[list[Definition]] = []
    for definition in sorted(doc.definitions, key=lambda d: d.start):
        if runs and _RUN_GAP.fullmatch(doc.text, runs[-1][-1].end, definition.start):
            runs[-1].append(definition)
        else:
            runs.append([definition])
    return runs


def renumber_edits(doc: Document, mapping: Mapping[str, str]) -> list[Edit]:
    """Markers and definitions renumbered; each run of definitions sorted by its new numbers
    (definitions never move across body text)."""
    edits = [e for e in (marker_edit(doc, m, mapping) for m in doc.markers) if e is not None]

    def new_label(definition: Definition) -> str:
        return mapping.get(definition.label.strip(), definition.label.strip())

    for run in definition_runs(doc):
        ordered = sorted(run, key=lambda d: int(new_label(d)))
        if [d.start for d in ordered] == [d.start for d in run]:
            edits.extend(Edit(d.start, d.end, relabelled(doc, d, new_label(d)))
                         for d in run if new_label(d) != d.label.strip())
            continue
        parts = []
        for slot, (here, moved) in enumerate(zip(run, ordered, strict=True)):
            if slot:
                parts.append(doc.text[run[slot - 1].end : here.start])
            parts.append(relabelled(doc, moved, new_label(moved)))
        edits.append(Edit(run[0].start, run[-1].end, "".join(parts)))
    return edits


# What a citation the reader skipped may look like: [18; 28], \[3\], [^4] in a heading it
# did not read, <sup>3;4</sup>. Links ([12](#p12)) and link references ([1]: …) are not.
_CITATION_LIKE = lazy(
    r"\\?\[\^?\s*(" + LABEL_LIST.pattern + r"(?:\s*;\s*" + LABEL_LIST.pattern + r")*)\s*\\?\]"
    r"(?![(:\[])"
    r"|<sup>([^<>]{1,60})</sup>",  # one bounded run: no backtracking over long spaces
    re.IGNORECASE,
)


def changed_labels(mapping: Mapping[str, str]) -> set[str]:
    return {old for old, new in mapping.items() if old != new}


@dataclass(frozen=True)
class UnreadCitation:
    offset: int
    written: str
    labels: frozenset[str]  # all it names


def unread_citations(doc: Document, labels: Collection[str]) -> list[UnreadCitation]:
    """What looks like a citation of one of ``labels`` in the prose,
    tables or headings but is not one of the reader's markers: renumbering those labels
    would leave it naming other sources, and dropping their definitions would orphan it."""
    labels = set(labels)
    if not labels:
        return []
    read = sorted([(m.start, m.end) for m in doc.markers]
                  + [(d.label_start, d.label_end) for d in doc.definitions]
                  + inline_code_spans(doc.text))
    read_starts = [start for start, _ in read]
    blocks = ([piece for p in doc.paragraphs for piece in p.pieces] + list(doc.tables)
              + [(h.start, h.end) for h in doc.headings])
    found = []
    for block_start, block_end in sorted(blocks):
        for match in _CITATION_LIKE.finditer(doc.text, block_start, block_end):
            index = bisect_left(read_starts, match.end()) - 1
            if index >= 0 and read[index][1] > match.start():
                continue  # a marker, a definition's label or code
            written = match.group(1) or match.group(2).strip().strip("[]").strip()
            named = frozenset(label for part in written.split(";") for label in expand(part))
            if labels & named:
                found.append(UnreadCitation(match.start(), match.group(), named))
    return found


# --- the brief's fix ---------------------------------------------------------------------------


def renumber_fix(doc: Document, mapping: Mapping[str, str] | None = None,
                 elsewhere: Elsewhere = NOWHERE) -> Fix | None:
    """Markers and definitions renumbered in order of first citation (the brief only; see
    ``renumber_facts`` for the fact file). None when nothing changes, or when renumbering
    cannot be done safely (``factlint fix`` says why)."""
    mapping = renumbering(doc, elsewhere) if mapping is None else mapping
    if not mapping or unread_citations(doc, changed_labels(mapping)):
        return None
    try:
        edits = renumber_edits(doc, mapping)
    except RenumberError:
        return None
    if overlapping(edits):
        return None
    changed = sum(1 for old, new in mapping.items() if old != new)
    return Fix(Phrase("fixdesc.renumber", count=changed), tuple(edits))


def overlapping(edits: Sequence[Edit]) -> bool:
    """Do two of the edits change one place (a citation inside a run of definitions that is
    rewritten whole)?"""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    return any(b.start < a.end for a, b in zip(ordered, ordered[1:], strict=False))
